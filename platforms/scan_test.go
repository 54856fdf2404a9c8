package platforms

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drupdate/drupdate/internal/drupal"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// extractTxtar writes a txtar archive's files under dir. (A txtar archive
// is a comment followed by "-- name --" headers, each before its file.)
func extractTxtar(t testing.TB, archive, dir string) {
	t.Helper()
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	var body []byte
	flush := func() {
		if name == "" {
			return
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		s := strings.TrimRight(string(line), "\n")
		if strings.HasPrefix(s, "-- ") && strings.HasSuffix(s, " --") && len(s) > 6 {
			flush()
			name, body = strings.TrimSpace(s[3:len(s)-3]), nil
			continue
		}
		if name != "" {
			body = append(body, line...)
		}
	}
	flush()
}

// scanJSON scans root and renders the inventory as the CLI prints it,
// with the temporary root replaced by $ROOT.
func scanJSON(t *testing.T, root, shownRoot string) []byte {
	t.Helper()
	inv, err := Scan(context.Background(), root, Options{})
	if err != nil {
		t.Fatalf("Scan(%q) error: %v", root, err)
	}
	if shownRoot != "" {
		inv.Platform.Root = shownRoot
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(inv); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	// The status command must read the scanner's output as is.
	back, err := drupal.ParseInventory("scan", out)
	if err != nil {
		t.Fatalf("ParseInventory(Scan(%q)) error: %v", root, err)
	}
	if diff := cmp.Diff(inv, back); diff != "" {
		t.Errorf("ParseInventory(Scan(%q)) differs from the inventory (-scanned +reread):\n%s", root, diff)
	}
	return out
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", golden, diff)
	}
}

// TestGolden scans the hand-written platforms and compares the inventory
// (JSON and text) with the golden files.
func TestGolden(t *testing.T) {
	for _, name := range []string{"demo", "d7", "composer"} {
		t.Run(name, func(t *testing.T) {
			root := filepath.Join("..", "testdata", "platforms", name)
			got := scanJSON(t, root, "")
			checkGolden(t, name+".json", got)
			inv, err := drupal.ParseInventory(name, got)
			if err != nil {
				t.Fatal(err)
			}
			var text bytes.Buffer
			if err := WriteText(&text, inv); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, name+".txt", text.Bytes())
		})
	}
	t.Run("git", func(t *testing.T) {
		dir := t.TempDir()
		extractTxtar(t, filepath.Join("testdata", "git.txtar"), dir)
		checkGolden(t, "git.json", scanJSON(t, dir, "$ROOT"))
	})
}

// TestDemoFacts pins what the README's demo relies on, so that a golden
// update cannot silently lose it.
func TestDemoFacts(t *testing.T) {
	inv, err := Scan(context.Background(), filepath.Join("..", "testdata", "platforms", "demo"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if inv.CoreVersion != "10.1.5" || inv.Platform.DrupalMajor != 10 {
		t.Errorf("core = %q (major %d), want 10.1.5 (10)", inv.CoreVersion, inv.Platform.DrupalMajor)
	}
	if len(inv.Sites) != 2 {
		t.Fatalf("found %d sites, want 2", len(inv.Sites))
	}
	for name, want := range map[string]string{"token": "8.x-1.11", "pathauto": "8.x-1.11", "ctools": "4.0.3", "drupal": "10.1.5", "webform": "6.2.0-beta5"} {
		if v, ok := inv.Projects[name].VersionString(); !ok || v != want {
			t.Errorf("Projects[%q].Version = %q, want %q", name, v, want)
		}
	}
	if _, ok := inv.Unused["devel"]; !ok {
		t.Errorf("devel is enabled nowhere, yet not in Unused")
	}
	wantProblems := []drupal.Problem{
		{Extension: "eu_cookie_compliance", Requires: "drupal", Constraint: "^8 || ^9", Installed: "10.1.5", Kind: drupal.ProblemIncompatibleCore},
		{Extension: "paragraphs_library", Requires: "entity_usage", Kind: drupal.ProblemMissing},
		{Extension: "pathauto", Requires: "token", Constraint: ">=8.x-1.12", Installed: "8.x-1.11", Kind: drupal.ProblemIncompatibleVersion},
	}
	if diff := cmp.Diff(wantProblems, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
