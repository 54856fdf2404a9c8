package sa

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOSVIDSAID(t *testing.T) {
	for _, tc := range []struct{ sa, osv string }{
		{"SA-CONTRIB-2026-015", "DRUPAL-CONTRIB-2026-015"},
		{"SA-CORE-2026-003", "DRUPAL-CORE-2026-003"},
		{"SA-CORE-2014-005", "DRUPAL-CORE-2014-005"},
	} {
		if got := OSVID(tc.sa); got != tc.osv {
			t.Errorf("OSVID(%q) = %q, want %q", tc.sa, got, tc.osv)
		}
		if got := SAID(tc.osv); got != tc.sa {
			t.Errorf("SAID(%q) = %q, want %q", tc.osv, got, tc.sa)
		}
		// Case is ignored: links spell ids in lower case.
		if got := OSVID(strings.ToLower(tc.sa)); got != tc.osv {
			t.Errorf("OSVID(%q) = %q, want %q", strings.ToLower(tc.sa), got, tc.osv)
		}
	}
	for _, s := range []string{"", "PSA-2026-05-20", "SA-CONTRIB-2026", "SA-CONTRIB-2026-015 ", "DRUPAL-CONTRIB-2026-015", "GHSA-xxxx", "SA-OTHER-2026-001"} {
		if got := OSVID(s); got != "" {
			t.Errorf("OSVID(%q) = %q, want \"\"", s, got)
		}
	}
	for _, s := range []string{"", "SA-CORE-2026-003", "DRUPAL-2026-003", "CVE-2026-1234"} {
		if got := SAID(s); got != "" {
			t.Errorf("SAID(%q) = %q, want \"\"", s, got)
		}
	}
}

// sharedOSV is the whole Drupal advisory database, where this machine has
// the shared upstream data.
const sharedOSV = "/work/shared/upstream-data/security-advisories/drupal-advisory-database-osv/advisories"

// TestOSVReferences checks the mapping against real OSV records: each
// record's id, mapped by SAID, names the sa-… page its references link
// to, and OSVID maps back. It reads the records copied into testdata/osv
// and, when present, every record of the shared copy of the database.
func TestOSVReferences(t *testing.T) {
	files, _ := filepath.Glob("testdata/osv/*.json")
	if len(files) != 3 {
		t.Fatalf("testdata/osv has %d records, want 3", len(files))
	}
	if shared, _ := filepath.Glob(sharedOSV + "/*/*.json"); len(shared) > 0 {
		files = append(files, shared...)
	} else {
		t.Logf("%s not present; checking the copied records only", sharedOSV)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			ID         string
			References []struct{ URL string }
		}
		if err := json.Unmarshal(data, &rec); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		id := SAID(rec.ID)
		if id == "" || OSVID(id) != rec.ID {
			t.Errorf("%s: SAID(%q) = %q, and back %q", f, rec.ID, id, OSVID(id))
			continue
		}
		page := "https://www.drupal.org/" + strings.ToLower(id)
		found := false
		for _, r := range rec.References {
			found = found || r.URL == page
		}
		if !found {
			t.Errorf("%s: no reference to %s among %+v", f, page, rec.References)
		}
	}
}
