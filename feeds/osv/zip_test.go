package osv

import (
	"archive/zip"
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestLoadDirZip: a zip archive of the repository is an fs.FS too, so the
// archive GitHub serves for a commit loads the same way as a checkout.
func TestLoadDirZip(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"core/DRUPAL-CORE-2022-001.json", "paragraphs/DRUPAL-CONTRIB-2026-060.json"} {
		data, err := os.ReadFile(realDir + "/advisories/" + name)
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create("drupal-advisory-database-main/advisories/" + name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := LoadDir(zr, "drupal-advisory-database-main/advisories")
	if err != nil || len(got) != 2 || got[0].ID != "DRUPAL-CONTRIB-2026-060" {
		t.Errorf("LoadDir(zip) = %d entries, %v", len(got), err)
	}
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoadZip(t *testing.T) {
	const rec = `{"id":"DRUPAL-CONTRIB-2026-001","modified":"2026-01-01T00:00:00Z"}`
	// Only records under advisories/ count: the repository's other JSON
	// files are not records.
	got, err := LoadZip(zipOf(t, map[string]string{
		"db-main/package.json":               "{}",
		"db-main/advisories/x/DRUPAL-1.json": rec,
		"db-main/advisories/x/README.md":     "hi",
	}))
	if err != nil || len(got) != 1 || got[0].ID != "DRUPAL-CONTRIB-2026-001" {
		t.Errorf("LoadZip(repository archive) = %d entries, %v; want the one record", len(got), err)
	}
	for _, tc := range []struct {
		why   string
		files map[string]string
		want  string
	}{
		{"parent directory", map[string]string{"../evil.json": rec}, "escapes"},
		{"absolute", map[string]string{"/etc/evil.json": rec}, "escapes"},
		{"backslash", map[string]string{`a\..\evil.json`: rec}, "escapes"},
		{"broken record names the file", map[string]string{"advisories/bad.json": "{"}, "advisories/bad.json"},
	} {
		if _, err := LoadZip(zipOf(t, tc.files)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: LoadZip = %v, want an error containing %q", tc.why, err, tc.want)
		}
	}
	if _, err := LoadZip([]byte("not a zip")); err == nil {
		t.Error("LoadZip(garbage) = nil error")
	}
}
