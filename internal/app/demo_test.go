package app

import (
	"strings"
	"testing"
)

// TestReadmeDemo runs the README's demo commands as a user would, offline,
// from the repository root.
func TestReadmeDemo(t *testing.T) {
	t.Chdir("../..")
	code, out, stderr := run(t, "status", "--config", "testdata/demo/fleet.yml", "--release-history", "testdata/demo/release-history")
	if code != exitInsecure {
		t.Fatalf("demo fleet: exit %d, want 3\nstderr: %s", code, stderr)
	}
	for _, want := range []string{"== agency-d10", "== shop-d10-composer", "== legacy-d7", "Fleet: security updates required", "views 7.x-3.16 → 7.x-3.29 on legacy-d7", "Not fetched                bootstrap5"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo fleet report lacks %q:\n%s", want, out)
		}
	}
	code, out, stderr = run(t, "status", "--installed", "testdata/demo/d7-2014.json", "--release-history", "testdata/upstream/release-history/legacy-7.x-allgood2386-2014-08-11")
	if code != exitInsecure || !strings.Contains(out, "Summary: 4 NOT_SECURE, 1 NOT_SUPPORTED, 6 NOT_CURRENT, 8 CURRENT.") {
		t.Errorf("2014 demo: exit %d\n%s%s", code, out, stderr)
	}
}
