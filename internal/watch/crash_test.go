package watch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/store/bolt"
)

// crashEnv holds, in a re-run test binary, the crashChild spec of the
// watcher process to run (and perhaps be killed).
const crashEnv = "DRUPDATE_WATCH_CRASH_CHILD"

type crashChild struct {
	Store string    `json:"store"`
	Feeds string    `json:"feeds"`
	Dir   string    `json:"dir"`
	Now   time.Time `json:"now"`
}

// publishChanges changes many feeds at once, so that a poll killed midway
// leaves some changes recorded and others not: security releases for token
// and core making installed releases insecure, and plain new releases.
func publishChanges(s *feedServer) {
	s.set("drupal", "current", feedXML("drupal", "10.1.,10.3.", "10.3.2 Security update", "10.3.1 Insecure", "10.3.0", "10.1.7 Security update", "10.1.6", "10.1.5 Insecure"))
	s.set("token", "current", feedXML("token", "8.x-1.", "8.x-1.15 Security update", "8.x-1.14 Insecure", "8.x-1.13", "8.x-1.12", "8.x-1.11"))
	for _, p := range []string{"ctools", "pathauto", "paragraphs", "redirect", "gin", "webform"} {
		s.set(p, "current", feedXML(p, "8.x-1.,2.,3.,4.,6.", "4.1.1", "4.1.0", "3.3.0", "8.x-1.22", "8.x-1.12"))
	}
	s.set("metatag", "current", feedXMLStatus("metatag", "unsupported", "8.x-1.,2.,3.,4.,6.", "4.1.0", "3.3.0", "8.x-1.22 Unsupported", "8.x-1.12"))
}

// A watcher killed (SIGKILL) at any point of a poll, then restarted,
// neither loses nor repeats an event: the event log ends up holding exactly
// the events of a run that was never interrupted, numbered without gaps.
func TestKilledWatcherNeitherLosesNorRepeats(t *testing.T) {
	if spec := os.Getenv(crashEnv); spec != "" {
		runCrashChild(t, spec)
		return
	}
	if testing.Short() {
		t.Skip("starts a dozen processes")
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	t1 := t0.Add(2 * time.Hour)
	srv := newFeedServer(t)

	// start runs a watcher process for one ScanOnce and PollOnce at now.
	start := func(dbPath, dir string, now time.Time) (*exec.Cmd, *bytes.Buffer) {
		spec, _ := json.Marshal(crashChild{Store: dbPath, Feeds: srv.srv.URL, Dir: dir, Now: now})
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWatcherNeitherLosesNorRepeats$")
		cmd.Env = append(os.Environ(), crashEnv+"="+string(spec))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &out
	}
	finish := func(what, dbPath, dir string, now time.Time) {
		t.Helper()
		cmd, out := start(dbPath, dir, now)
		if err := cmd.Wait(); err != nil || !strings.Contains(out.String(), "watcher done") {
			t.Fatalf("%s: watcher process: %v\n%s", what, err, out)
		}
	}
	// log reads a store's events as sorted lines, checking the numbering.
	log := func(what, dbPath string) []string {
		t.Helper()
		st := openBolt(t, dbPath, nil)
		defer st.Close()
		evs := events(t, st)
		for i, e := range evs {
			if e.Seq != uint64(i+1) {
				t.Fatalf("%s: event %d is numbered %d", what, i+1, e.Seq)
			}
		}
		lines := eventLines(evs)
		slices.Sort(lines)
		return lines
	}

	// The reference: the same two polls, never interrupted.
	refDir, refDB := t.TempDir(), filepath.Join(t.TempDir(), "ref.db")
	copyPlatforms(t, refDir)
	publishFleetFeeds(srv)
	finish("reference, first poll", refDB, refDir, t0)
	publishChanges(srv)
	finish("reference, second poll", refDB, refDir, t1)
	want := log("reference", refDB)
	if len(want) < 10 {
		t.Fatalf("the reference run has only %d events: %q", len(want), want)
	}
	t.Logf("reference: %d events", len(want))

	// Kill while one feed's answer stalls (every other feed recorded, no
	// platform evaluated), then at moments spread over the poll.
	for _, kill := range []string{"stalled", "30ms", "60ms", "90ms", "120ms", "150ms", "180ms"} {
		t.Run(kill, func(t *testing.T) {
			dir, db := t.TempDir(), filepath.Join(t.TempDir(), "crash.db")
			copyPlatforms(t, dir)
			publishFleetFeeds(srv)
			finish("first poll", db, dir, t0)

			publishChanges(srv)
			srv.setDelay(15 * time.Millisecond)
			stalled := make(chan struct{})
			release := make(chan struct{})
			if kill == "stalled" {
				srv.handle("pathauto", "current", func(w http.ResponseWriter, r *http.Request) {
					close(stalled)
					select {
					case <-release:
					case <-r.Context().Done():
					}
				})
			}
			cmd, out := start(db, dir, t1)
			if kill == "stalled" {
				select {
				case <-stalled:
					time.Sleep(300 * time.Millisecond) // let the other feeds be recorded
				case <-time.After(30 * time.Second):
					t.Fatalf("the watcher never asked for the stalled feed:\n%s", out)
				}
			} else {
				d, _ := time.ParseDuration(kill)
				time.Sleep(d)
			}
			cmd.Process.Kill() // SIGKILL
			cmd.Wait()
			close(release)
			srv.handle("pathauto", "current", nil)
			srv.setDelay(0)
			before := log("killed", db)
			t.Logf("killed with %d of %d events", len(before), len(want))

			finish("restart", db, dir, t1)
			if diff := cmp.Diff(want, log("restarted", db)); diff != "" {
				t.Errorf("event log after a kill %s into the poll and a restart (-uninterrupted +restarted):\n%s", kill, diff)
			}
		})
	}
}

// runCrashChild is the watcher process: one ScanOnce and one PollOnce at a
// fixed time, with the lease owner of every run.
func runCrashChild(t *testing.T, spec string) {
	var c crashChild
	if err := json.Unmarshal([]byte(spec), &c); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return c.Now }
	st, err := bolt.Open(c.Store, bolt.Options{Now: now, LockTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	client, err := feeds.NewHTTP(c.Feeds)
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(Config{Concurrency: 2, Retries: -1}, Deps{Store: st, Feeds: client, Fleet: fleetIn(c.Dir),
		Now: now, Rand: half, Instance: "crash"})
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
	fmt.Println("watcher done")
}
