package sa

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseComposerFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/composer.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseComposer("composer.json", data)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "composer.golden.json", struct {
		Advisories map[string][]ComposerAdvisory
		Warnings   []string
	}{c.Advisories, warningTexts(c.Warnings)})
	want := ComposerAdvisory{
		AdvisoryID: "SA-CORE-2026-003", PackageName: "drupal/core", RemoteID: "SA-CORE-2026-003",
		Title: "Drupal core - Moderately critical - Cross Site Scripting - SA-CORE-2026-003",
		Link:  "https://www.drupal.org/sa-core-2026-003", CVE: "CVE-2026-3303",
		AffectedVersions: ">=8.0.0,<10.6.13|>=11.0.0,<11.1.2", Source: "drupal.org",
		Sources:    []ComposerSource{{"drupal.org", "SA-CORE-2026-003"}},
		ReportedAt: time.Date(2026, 5, 20, 17, 0, 0, 0, time.UTC), ComposerRepository: "https://packages.drupal.org/8", Severity: "medium",
	}
	if diff := cmp.Diff([]ComposerAdvisory{want}, c.Advisories["drupal/core"]); diff != "" {
		t.Errorf("drupal/core (-want +got):\n%s", diff)
	}
	if got, ok := c.Advisories["drupal/admin_toolbar"]; !ok || len(got) != 0 {
		t.Errorf("drupal/admin_toolbar = %v, %v; want present and empty", got, ok)
	}
}

// TestParseComposerAdvisories reads single advisories of drupal/x. want is
// the advisory kept, or skip the warning's text.
func TestParseComposerAdvisories(t *testing.T) {
	base := ComposerAdvisory{AdvisoryID: "SA-CONTRIB-2026-001", PackageName: "drupal/x", AffectedVersions: "<1.2.3|>=2.0.0,<2.0.4"}
	with := func(f func(*ComposerAdvisory)) *ComposerAdvisory { a := base; f(&a); return &a }
	const min = `"advisoryId":"SA-CONTRIB-2026-001","affectedVersions":"<1.2.3|>=2.0.0,<2.0.4"`
	for _, tc := range []struct {
		adv  string
		want *ComposerAdvisory
		skip string
	}{
		// A partial advisory (no title, sources or reportedAt) is kept.
		{`{` + min + `}`, &base, ""},
		// The listing key names the package, not packageName.
		{`{` + min + `,"packageName":"drupal/other"}`, &base, ""},
		{`{` + min + `,"cve":null,"link":null,"severity":null,"sources":null,"reportedAt":null}`, &base, ""},
		{`{` + min + `,"reportedAt":"2022-05-25 13:21:00"}`, with(func(a *ComposerAdvisory) { a.ReportedAt = time.Date(2022, 5, 25, 13, 21, 0, 0, time.UTC) }), ""},
		{`{` + min + `,"reportedAt":"2022-05-25T15:21:00+02:00"}`, with(func(a *ComposerAdvisory) { a.ReportedAt = time.Date(2022, 5, 25, 13, 21, 0, 0, time.UTC) }), ""},
		{`{` + min + `,"reportedAt":"last tuesday"}`, &base, ""},
		{`{` + min + `,"sources":[{"name":"drupal.org","remoteId":"SA-1","extra":1}]}`, with(func(a *ComposerAdvisory) { a.Sources = []ComposerSource{{"drupal.org", "SA-1"}} }), ""},
		{`{` + min + `,"unknown":{"x":[1,2]}}`, &base, ""},
		{`{"affectedVersions":"<1"}`, nil, "no well-formed advisoryId"},
		{`{"advisoryId":"","affectedVersions":"<1"}`, nil, "no well-formed advisoryId"},
		{`{"advisoryId":"SA 1","affectedVersions":"<1"}`, nil, "no well-formed advisoryId"},
		{`{"advisoryId":"SA-1\u0000","affectedVersions":"<1"}`, nil, "no well-formed advisoryId"},
		{`{"advisoryId":7,"affectedVersions":"<1"}`, nil, "wrong type for advisoryId"},
		{`{"advisoryId":"SA-1"}`, nil, "no affectedVersions"},
		{`{"advisoryId":"SA-1","affectedVersions":["<1"]}`, nil, "wrong type for affectedVersions"},
		{`{` + min + `,"title":{"en":"x"},"cve":1}`, nil, "wrong type for title, cve"},
		{`{` + min + `,"sources":"drupal.org"}`, nil, "wrong type for sources"},
		{`{` + min + `,"sources":[{"name":1}]}`, nil, "wrong type for sources"},
		{`{` + min + `,"sources":["drupal.org"]}`, nil, "wrong type for sources"},
		{`{` + min + `,"reportedAt":1700000000}`, nil, "wrong type for reportedAt"},
		{`{` + min + `,"title":"` + strings.Repeat("t", MaxFieldLen+1) + `"}`, nil, "over the cap"},
		{`"SA-CONTRIB-2026-001"`, nil, "not an object"},
		{`[]`, nil, "not an object"},
	} {
		c, err := ParseComposer("api", []byte(`{"advisories":{"drupal/x":[`+tc.adv+`]}}`))
		switch {
		case err != nil:
			t.Errorf("ParseComposer(%s) error = %v", tc.adv, err)
		case tc.skip != "":
			if len(c.Advisories["drupal/x"]) != 0 || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0].Error(), tc.skip) {
				t.Errorf("ParseComposer(%s) = %+v, warnings %q; want it skipped for %q", tc.adv, c.Advisories, warningTexts(c.Warnings), tc.skip)
			}
		default:
			if len(c.Warnings) != 0 || len(c.Advisories["drupal/x"]) != 1 {
				t.Errorf("ParseComposer(%s) = %+v, warnings %q; want one advisory", tc.adv, c.Advisories, warningTexts(c.Warnings))
			} else if diff := cmp.Diff(*tc.want, c.Advisories["drupal/x"][0]); diff != "" {
				t.Errorf("ParseComposer(%s) (-want +got):\n%s", tc.adv, diff)
			}
		}
	}
}

func TestParseComposerDocument(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
		warnings         []string
	}{
		// PHP encodes an empty map as a list.
		{"no advisories", `{"advisories":[]}`, "", nil},
		{"list as an object", `{"advisories":{"drupal/x":{"3":{"advisoryId":"A","affectedVersions":"<1"}}}}`, "", nil},
		{"warnings alongside", `{"advisories":{},"warnings":[{"message":"m","versions":"<3"}]}`, "", nil},
		{"bad package name", `{"advisories":{"Drupal/X":[],"drupal/ok":[],"<script>":[]}}`, "", []string{`entry 0 "Drupal/X": not a Composer package name`, `entry 2 "<script>": not a Composer package name`}},
		{"package value not a list", `{"advisories":{"drupal/x":"none"}}`, "", []string{`entry 0 "drupal/x": advisories not a list`}},
		{"no advisories member", `{"packages":{}}`, `no "advisories" object`, nil},
		{"advisories a string", `{"advisories":"x"}`, `no "advisories" object`, nil},
		{"advisories a non-empty list", `{"advisories":[[]]}`, `no "advisories" object`, nil},
		{"top-level list", `[]`, "not a JSON object", nil},
		{"not JSON", `<html>`, "invalid character", nil},
		{"truncated", `{"advisories":{"drupal/x":[{"advisoryId":`, "unexpected end", nil},
		{"invalid UTF-8", "{\"advisories\":{\"drupal/x\xff\":[]}}", "not valid UTF-8", nil},
		{"nested 512 deep", `{"advisories":{},"x":` + strings.Repeat("[", 511) + strings.Repeat("]", 511) + `}`, "nest 512 deep", nil},
		{"too large", `{"advisories":{}}` + strings.Repeat(" ", MaxComposerSize), "too large", nil},
		{"too many advisories", `{"advisories":{"drupal/x":[` + strings.Repeat(`{},`, MaxComposerAdvisories) + `{}]}}`, "more than 10000 advisories", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseComposer("api", []byte(tc.data))
			if tc.want != "" {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Source != "api" || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("ParseComposer(%s) error = %v, want a *ParseError naming api containing %q", tc.name, err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseComposer(%s) error = %v", tc.name, err)
			}
			if diff := cmp.Diff(tc.warnings, warningTexts(c.Warnings)); diff != "" {
				t.Errorf("ParseComposer(%s) warnings (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

func TestComposerURLs(t *testing.T) {
	const api = ComposerAPIURL
	got, err := ComposerURLs(api, []string{"drupal/token", "drupal/core", "drupal/token"})
	want := []string{api + "?packages%5B%5D=drupal/core&packages%5B%5D=drupal/token"}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("ComposerURLs(token, core, token) = %q, %v; want %q", got, err, want)
	}
	got, err = ComposerURLs(api+"?updatedSince=1700000000", []string{"drupal/core"})
	want = []string{api + "?updatedSince=1700000000&packages%5B%5D=drupal/core"}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("ComposerURLs(with a query) = %q, %v; want %q", got, err, want)
	}
	if got, err := ComposerURLs(api, nil); err != nil || got != nil {
		t.Errorf("ComposerURLs(no packages) = %q, %v; want nil, nil", got, err)
	}

	// 500 names of 20 bytes need several URLs, each within the limit,
	// together asking for every name once.
	var names []string
	for i := range 500 {
		names = append(names, fmt.Sprintf("drupal/module_%06d", i))
	}
	urls, err := ComposerURLs(api, names)
	if err != nil {
		t.Fatal(err)
	}
	if len(urls) < 2 {
		t.Errorf("ComposerURLs(500 names) = %d URLs, want several", len(urls))
	}
	seen := 0
	for _, u := range urls {
		if len(u) > MaxComposerURLLen {
			t.Errorf("URL of %d bytes, over %d", len(u), MaxComposerURLLen)
		}
		seen += strings.Count(u, "packages%5B%5D=")
	}
	if seen != 500 {
		t.Errorf("ComposerURLs(500 names) asks about %d names", seen)
	}

	for _, tc := range []struct {
		api   string
		names []string
		want  string
	}{
		{api, []string{"drupal/Token"}, `"drupal/Token" is not a Composer package name`},
		{api, []string{"drupal/token&packages[]=evil/x"}, "not a Composer package name"},
		{api, []string{"token"}, "not a Composer package name"},
		{api, []string{"drupal/" + strings.Repeat("a", MaxComposerURLLen)}, "longer than 2000 bytes"},
		{"ftp://packages.drupal.org/8", []string{"drupal/core"}, "want an http(s) URL"},
		{"https://user:secret@packages.drupal.org/8#x", []string{"drupal/core"}, "https://REDACTED@packages.drupal.org/8#x"},
	} {
		if _, err := ComposerURLs(tc.api, tc.names); err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("ComposerURLs(%q, %q) error = %v, want one containing %q", tc.api, tc.names, err, tc.want)
		}
	}
}

func BenchmarkParseComposer(b *testing.B) {
	data, err := os.ReadFile("testdata/composer.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseComposer("bench", data); err != nil {
			b.Fatal(err)
		}
	}
}
