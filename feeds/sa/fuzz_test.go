package sa

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func addFiles(f *testing.F, names ...string) {
	for _, n := range names {
		data, err := os.ReadFile("testdata/" + n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzParseFeed: ParseFeed never panics, every item it returns has a
// well-formed id, and writing the items back as a drupal.org feed and
// parsing that gives the same items, with no warnings. The seeds are
// small: the fuzzer minimizes every new input, which takes long on large
// ones.
func FuzzParseFeed(f *testing.F) {
	addFiles(f, "psa.rss.xml")
	f.Add(renderFeed([]Item{{
		ID: "SA-CORE-2026-003", Core: true, Project: "drupal", ProjectTitle: "Drupal core",
		Title: "Drupal core - Moderately critical - Cross Site Scripting - SA-CORE-2026-003", Link: "https://www.drupal.org/sa-core-2026-003",
		Risk:          Risk{Label: "Moderately critical", Score: 13, Max: 25, Vector: "AC:Basic/A:None/CI:Some/II:Some/E:Theoretical/TD:Uncommon"},
		Vulnerability: "Cross Site Scripting", AffectedVersions: ">=8.0.0 <10.6.13 || >=11.0.0 <11.1.2", CVEs: []string{"CVE-2026-3303"},
		FixedReleases: []Release{{"drupal", "11.1.2"}, {"drupal", "10.6.13"}},
	}}))
	f.Add(item("Token - Critical - Access bypass - SA-CONTRIB-2026-015", "https://www.drupal.org/sa-contrib-2026-015",
		field(classRisk, `<span>Critical</span> 15/25 AC:None`)+field(classSolution, `<a href="/project/token/releases/1.0.0">x</a>`)))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>PSA-2026-01-01</title><summary>&lt;code&gt;x&lt;/code&gt;</summary></entry></feed>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := ParseFeed("fuzz", data)
		if err != nil {
			return
		}
		for _, it := range feed.Items {
			if !idExact.MatchString(it.ID) {
				t.Errorf("item id %q is not well-formed", it.ID)
			}
		}
		out := renderFeed(feed.Items)
		again, err := ParseFeed("again", out)
		if err != nil {
			t.Fatalf("ParseFeed(renderFeed(items)): %v\n%s", err, out)
		}
		if len(again.Warnings) > 0 {
			t.Errorf("ParseFeed(renderFeed(items)) warnings: %q\n%s", warningTexts(again.Warnings), out)
		}
		if diff := cmp.Diff(feed.Items, again.Items, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round trip (-first +second):\n%s\n%s", diff, out)
		}
	})
}

// FuzzParsePSA: ParsePSA never panics, every advisory it returns has the
// fields Drupal requires, and writing them back as psa.json and parsing
// that gives the same advisories.
func FuzzParsePSA(f *testing.F) {
	addFiles(f, "psa.json")
	f.Add([]byte(`[{` + valid + `,"is_psa":null,"insecure":[]}]`))
	f.Add([]byte(`{"a":{` + valid + `,"is_psa":"1","insecure":{"x":"1.0"}},"a":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePSA("fuzz", data)
		if err != nil {
			return
		}
		for _, a := range p.Advisories {
			if a.Title == "" || a.Link == "" || a.Project == "" || a.Type == "" {
				t.Errorf("advisory without a required field: %+v", a)
			}
		}
		out := renderPSA(p.Advisories)
		again, err := ParsePSA("again", out)
		if err != nil {
			t.Fatalf("ParsePSA(renderPSA(advisories)): %v\n%s", err, out)
		}
		if len(again.Warnings) > 0 {
			t.Errorf("ParsePSA(renderPSA(advisories)) warnings: %q\n%s", warningTexts(again.Warnings), out)
		}
		if diff := cmp.Diff(p.Advisories, again.Advisories, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round trip (-first +second):\n%s\n%s", diff, out)
		}
	})
}

// FuzzParseComposer: ParseComposer never panics, every advisory has a
// well-formed id and is listed under a package name, and marshalling the
// answer back to the API's JSON and parsing that gives the same answer.
func FuzzParseComposer(f *testing.F) {
	addFiles(f, "composer.json")
	f.Add([]byte(`{"advisories":[]}`))
	f.Add([]byte(`{"advisories":{"drupal/x":{"1":{"advisoryId":"A","affectedVersions":"<1","reportedAt":"2022-05-25T13:21:00.123+01:00","sources":{"a":{"name":"n","remoteId":"r"}}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseComposer("fuzz", data)
		if err != nil {
			return
		}
		for name, advs := range c.Advisories {
			if !composerName.MatchString(name) {
				t.Errorf("package %q is not a Composer package name", name)
			}
			for _, a := range advs {
				if a.AdvisoryID == "" || a.PackageName != name || a.AffectedVersions == "" {
					t.Errorf("advisory %+v under %q", a, name)
				}
			}
		}
		out, err := json.Marshal(map[string]any{"advisories": c.Advisories})
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		again, err := ParseComposer("again", out)
		if err != nil {
			t.Fatalf("ParseComposer(Marshal(answer)): %v\n%s", err, out)
		}
		if len(again.Warnings) > 0 {
			t.Errorf("ParseComposer(Marshal(answer)) warnings: %q\n%s", warningTexts(again.Warnings), out)
		}
		if diff := cmp.Diff(c.Advisories, again.Advisories, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round trip (-first +second):\n%s\n%s", diff, out)
		}
	})
}
