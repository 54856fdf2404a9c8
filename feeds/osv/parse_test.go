package osv

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const realDir = "../../testdata/advisories/drupal-advisory-database-osv"

// TestLoadDirReal reads the 591 real records of the Drupal advisory
// database (testdata/advisories/drupal-advisory-database-osv/PROVENANCE.md).
func TestLoadDirReal(t *testing.T) {
	entries, err := LoadDir(os.DirFS(realDir), "advisories")
	if err != nil {
		t.Fatal(err)
	}
	var core, contrib, ranges, aliases int
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.ID, "DRUPAL-CORE-"):
			core++
		case strings.HasPrefix(e.ID, "DRUPAL-CONTRIB-"):
			contrib++
		default:
			t.Errorf("unexpected id %q", e.ID)
		}
		if len(e.Aliases) > 0 {
			aliases++
		}
		for _, a := range e.Affected {
			if a.Package.Ecosystem != EcosystemPackagist && a.Package.Ecosystem != EcosystemDrupalOrg8 {
				t.Errorf("%s: ecosystem %q", e.ID, a.Package.Ecosystem)
			}
			for _, r := range a.Ranges {
				ranges++
				if r.Type != RangeEcosystem {
					t.Errorf("%s: range type %q", e.ID, r.Type)
				}
			}
		}
		if e.Modified.IsZero() || e.Published.IsZero() {
			t.Errorf("%s: no modified or published time", e.ID)
		}
	}
	// PROVENANCE.md of the shared upstream data: 86 core, 505 contrib, 349 with a CVE.
	if core != 86 || contrib != 505 || aliases != 349 {
		t.Errorf("core, contrib, with aliases = %d, %d, %d; want 86, 505, 349", core, contrib, aliases)
	}
	if ranges == 0 {
		t.Error("no ranges")
	}
}

func TestParseFields(t *testing.T) {
	data := `{"schema_version":"1.7.0","id":"DRUPAL-CONTRIB-2099-001","modified":"2022-08-21T18:53:57.000Z",
	 "published":"2022-01-19T17:20:38.000Z","aliases":["CVE-2099-1"],"unknown":{"x":[1,2]},
	 "affected":[{"package":{"ecosystem":"Packagist:https://packages.drupal.org/8","name":"drupal/x"},
	   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.0"}],"database_specific":{"constraint":"<1.2.0"}}],
	   "database_specific":{"affected_versions":"<1.2.0"}}],
	 "references":[{"type":"WEB","url":"https://www.drupal.org/sa-contrib-2099-001"}]}`
	e, err := Parse("x.json", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []Affected{{
		Package:          Package{Ecosystem: EcosystemDrupalOrg8, Name: "drupal/x"},
		Ranges:           []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: "1.2.0"}}, DatabaseSpecific: RangeSpecific{Constraint: "<1.2.0"}}},
		DatabaseSpecific: AffectedSpecific{AffectedVersions: "<1.2.0"},
	}}
	if diff := cmp.Diff(want, e.Affected); diff != "" {
		t.Errorf("Affected (-want +got):\n%s", diff)
	}
	if e.ID != "DRUPAL-CONTRIB-2099-001" || e.Aliases[0] != "CVE-2099-1" || e.References[0].Type != "WEB" {
		t.Errorf("Parse = %+v", e)
	}
}

// TestParseErrors covers malformed and hostile records.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", ``, "EOF"},
		{"not an object", `[]`, "cannot unmarshal array"},
		{"syntax error reports line", "{\n\"id\": \"X\",,}", "line 2 column"},
		{"no id", `{"modified":"2022-01-01T00:00:00Z"}`, "no id"},
		{"blank id", `{"id":"  "}`, "no id"},
		{"bad time", `{"id":"X","modified":"yesterday"}`, "cannot parse"},
		{"event with two versions", `{"id":"X","affected":[{"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}]}`, "events[0]: want exactly one"},
		{"empty event", `{"id":"X","affected":[{"ranges":[{"type":"ECOSYSTEM","events":[{}]}]}]}`, "want exactly one"},
		{"wrong type", `{"id":"X","aliases":"CVE-1"}`, "cannot unmarshal string"},
		{"trailing data", `{"id":"X"} {"id":"Y"}`, "data after the record"},
		{"too large", `{"id":"X","details":"` + strings.Repeat("a", MaxRecordSize) + `"}`, "larger than 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.json", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad.json") {
				t.Errorf("Parse(%q) error = %v, want one naming bad.json and containing %q", tc.name, err, tc.want)
			}
		})
	}
}

func TestLoadDirErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"a/ok/DRUPAL-1.json":  {Data: []byte(`{"id":"DRUPAL-1","modified":"2022-01-01T00:00:00Z"}`)},
		"a/bad/DRUPAL-2.json": {Data: []byte(`{"id":`)},
		"a/README.md":         {Data: []byte(`not json`)},
	}
	_, err := LoadDir(fsys, "a")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != "a/bad/DRUPAL-2.json" {
		t.Errorf("LoadDir error = %v, want a *ParseError naming a/bad/DRUPAL-2.json", err)
	}
	fsys["a/big.json"] = &fstest.MapFile{Data: make([]byte, MaxRecordSize+10)}
	delete(fsys, "a/bad/DRUPAL-2.json")
	if _, err := LoadDir(fsys, "a"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("LoadDir with a large file: error = %v, want ErrTooLarge", err)
	}
	delete(fsys, "a/big.json")
	got, err := LoadDir(fsys, "a")
	if err != nil || len(got) != 1 {
		t.Errorf("LoadDir = %d entries, %v; want 1, nil", len(got), err)
	}
	if _, err := LoadDir(fsys, "missing"); err == nil {
		t.Error("LoadDir(missing) succeeded")
	}
}

// FuzzParse checks that Parse never panics and that what it keeps
// survives a round trip: marshal the entry, parse it again, same value.
func FuzzParse(f *testing.F) {
	entries, err := os.ReadDir(realDir + "/advisories/core")
	if err != nil {
		f.Fatal(err)
	}
	for _, de := range entries[:10] {
		data, err := os.ReadFile(realDir + "/advisories/core/" + de.Name())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"id":"X","affected":[{"ranges":[{"events":[{"fixed":"1"}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Parse("fuzz.json", data)
		if err != nil {
			return
		}
		out, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		e2, err := Parse("again.json", out)
		if err != nil {
			t.Fatalf("Parse(Marshal(Parse(x))): %v\n%s", err, out)
		}
		if diff := cmp.Diff(e, e2, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round trip (-first +second):\n%s", diff)
		}
	})
}
