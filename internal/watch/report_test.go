package watch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/app"
	"github.com/drupdate/drupdate/internal/store/bolt"
	"github.com/drupdate/drupdate/internal/watch"
	"github.com/drupdate/drupdate/platforms"
)

// Each platform record's Report is, byte for byte once compacted, what
// `drupdate status --format json` prints for the platform: over the demo
// fleet (a Drupal 10 tarball site, a Composer site and a Drupal 7 site)
// and its mirror, missing and <error> feeds included.
func TestReportIsStatusJSON(t *testing.T) {
	const mirror = "../../testdata/demo/release-history"
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	root, err := filepath.Abs("../../testdata/platforms")
	if err != nil {
		t.Fatal(err)
	}
	fleetFile := filepath.Join(t.TempDir(), "fleet.yml")
	if err := os.WriteFile(fleetFile, []byte("platforms:\n"+
		"  - {name: agency-d10, path: "+filepath.Join(root, "demo")+", tags: [production, client-a]}\n"+
		"  - {name: shop-d10-composer, path: "+filepath.Join(root, "composer")+", tags: [production]}\n"+
		"  - {name: legacy-d7, path: "+filepath.Join(root, "d7")+"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	code := app.Run(context.Background(), []string{"status", "--config", fleetFile, "--release-history", mirror,
		"--format", "json", "--now", now.Format(time.RFC3339)}, &stdout, &stderr)
	if code != 0 && code != 3 {
		t.Fatalf("drupdate status = exit %d: %s", code, stderr.String())
	}
	var cli struct {
		Platforms map[string]json.RawMessage `json:"platforms"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &cli); err != nil {
		t.Fatal(err)
	}

	fleet, err := platforms.LoadFleet(fleetFile)
	if err != nil {
		t.Fatal(err)
	}
	client, err := feeds.NewDir(mirror)
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "db"), bolt.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err := watch.New(watch.Config{}, watch.Deps{Store: st, Feeds: client, Fleet: fleet, Instance: "test",
		Now: func() time.Time { return now }, Scan: platforms.Options{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := w.ScanOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if len(cli.Platforms) != 3 {
		t.Fatalf("status printed %d platforms, want 3", len(cli.Platforms))
	}
	for name, want := range cli.Platforms {
		raw, err := st.Get(ctx, watch.BucketPlatforms, name)
		if err != nil {
			t.Fatal(err)
		}
		var rec watch.PlatformRecord
		if err := json.Unmarshal(raw, &rec); err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(compact.Bytes(), rec.Report) {
			t.Errorf("platform %s: record's Report differs from `status --format json`:\nstatus: %s\nrecord: %s", name, compact.Bytes(), rec.Report)
		}
	}

	// One platform by its path, without tags, as `status PATH` prints it.
	stdout.Reset()
	path := fleet.Platforms[0].Path
	app.Run(ctx, []string{"status", path, "--release-history", mirror, "--format", "json", "--now", now.Format(time.RFC3339)}, &stdout, io.Discard)
	var one, rec map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &one); err != nil {
		t.Fatal(err)
	}
	raw, err := st.Get(ctx, watch.BucketPlatforms, fleet.Platforms[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	var pr watch.PlatformRecord
	if err := json.Unmarshal(raw, &pr); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(pr.Report, &rec); err != nil {
		t.Fatal(err)
	}
	delete(rec, "tags")
	if diff := cmp.Diff(one, rec); diff != "" {
		t.Errorf("`status %s --format json` and the record's Report without tags differ (-status +record):\n%s", path, diff)
	}
}
