package feeds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// capturesDir holds the real drupal.org responses (see its PROVENANCE.md).
const capturesDir = "../testdata/upstream/release-history"

// captures returns the captured 7.x feeds by path.
func captures(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(capturesDir, "legacy-7.x-*", "*", "7.x.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return readAll(t, paths)
}

// errorResponses returns the transcribed <error> documents by path.
func errorResponses(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(capturesDir, "error-responses-transcribed", "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return readAll(t, paths)
}

// fixtures returns this package's own XML fixtures by path.
func fixtures(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return readAll(t, paths)
}

func readAll(t testing.TB, paths []string) map[string][]byte {
	t.Helper()
	if len(paths) == 0 {
		t.Fatal("no test files found")
	}
	out := make(map[string][]byte, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = b
	}
	return out
}

// allInputs is every document the tests know: captures, error responses,
// fixtures and the table tests' documents. It seeds the fuzzers.
func allInputs(t testing.TB) map[string][]byte {
	t.Helper()
	out := captures(t)
	for _, m := range []map[string][]byte{errorResponses(t), fixtures(t)} {
		for k, v := range m {
			out[k] = v
		}
	}
	for _, tt := range parseTests {
		out["parseTests/"+tt.name] = []byte(tt.doc)
	}
	return out
}

// lineDiff shows want and got line by line, marking the lines that differ
// with - and +.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	b.WriteString("(-want +got)\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		switch {
		case i >= len(g):
			b.WriteString("-" + w[i] + "\n")
		case i >= len(w):
			b.WriteString("+" + g[i] + "\n")
		case w[i] != g[i]:
			b.WriteString("-" + w[i] + "\n+" + g[i] + "\n")
		default:
			b.WriteString(" " + w[i] + "\n")
		}
	}
	return b.String()
}
