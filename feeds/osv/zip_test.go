package osv

import (
	"archive/zip"
	"bytes"
	"os"
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
