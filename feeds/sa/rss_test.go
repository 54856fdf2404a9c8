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

// feedView is a Feed with its warnings as text, for golden files.
type feedView struct {
	Title, Link string
	Items       []Item
	Warnings    []string
}

func TestParseFeedFixtures(t *testing.T) {
	for _, name := range []string{"contrib.rss.xml", "core.rss.xml", "psa.rss.xml"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			f, err := ParseFeed(name, data)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(name, ".xml")+".golden.json", feedView{f.Title, f.Link, f.Items, warningTexts(f.Warnings)})
		})
	}
}

// TestParseFeedItem spells out one item in full, so that the golden files
// are not the only statement of what an item holds.
func TestParseFeedItem(t *testing.T) {
	data, err := os.ReadFile("testdata/contrib.rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFeed("contrib", data)
	if err != nil {
		t.Fatal(err)
	}
	want := Item{
		ID:               "SA-CONTRIB-2026-015",
		Project:          "token",
		ProjectTitle:     "Token",
		Title:            "Token - Moderately critical - Access bypass - SA-CONTRIB-2026-015",
		Link:             "https://www.drupal.org/sa-contrib-2026-015",
		Published:        time.Date(2026, 5, 20, 16, 5, 11, 0, time.UTC),
		Risk:             Risk{Label: "Moderately critical", Score: 12, Max: 25, Vector: "AC:Basic/A:User/CI:Some/II:None/E:Theoretical/TD:Default"},
		Vulnerability:    "Access bypass",
		AffectedVersions: "<1.15.0 || >=2.0.0 <2.0.3",
		CVEs:             []string{"CVE-2026-10234"},
		FixedReleases:    []Release{{"token", "8.x-1.15"}, {"token", "2.0.3"}},
	}
	if diff := cmp.Diff(want, f.Items[0]); diff != "" {
		t.Errorf("first item (-want +got):\n%s", diff)
	}
	if len(f.Warnings) != 1 || f.Warnings[0].Index != 4 || !strings.Contains(f.Warnings[0].Error(), `"Security advisory draft": no advisory id`) {
		t.Errorf("Warnings = %q, want one for item 4, the draft without an id", warningTexts(f.Warnings))
	}
}

// item wraps an item's title, link and description HTML in a feed, the
// description escaped as Drupal escapes it.
func item(title, link, desc string) []byte {
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Security advisories</title>
<item><title>%s</title><link>%s</link><description>%s</description><pubDate>Wed, 20 May 2026 16:05:11 +0000</pubDate></item>
</channel></rss>`, xmlText(title), xmlText(link), xmlText(desc))
}

func field(class, items string) string {
	return `<div class="field ` + class + `"><div class="field-label">Label:&nbsp;</div><div class="field-items">` + items + `</div></div>`
}

// TestParseFeedItems reads single items, hostile ones among them. Fields
// are text: markup, scripts and links other than drupal.org project pages
// never reach them.
func TestParseFeedItems(t *testing.T) {
	const title = "Token - Critical - Access bypass - SA-CONTRIB-2026-015"
	const link = "https://www.drupal.org/sa-contrib-2026-015"
	for _, tc := range []struct {
		name, title, link, desc string
		want                    Item
	}{
		{
			name: "fields from the title only",
			// An item with no field divs still yields what its title says;
			// the project's machine name is the title's part when that is one.
			title: title, link: link, desc: "<p>Plain text.</p>",
			want: Item{ID: "SA-CONTRIB-2026-015", Project: "token", ProjectTitle: "Token", Title: title, Link: link,
				Risk: Risk{Label: "Critical"}, Vulnerability: "Access bypass"},
		},
		{
			name:  "id from the link",
			title: "Token - Critical - Access bypass", link: "https://www.drupal.org/sa-contrib-2026-015", desc: "",
			want: Item{ID: "SA-CONTRIB-2026-015", Project: "token", ProjectTitle: "Token", Title: "Token - Critical - Access bypass", Link: link},
		},
		{
			name:  "lower-case id, spaced title part not a machine name",
			title: "Admin Toolbar - Critical - XSS - sa-contrib-2026-001", link: link,
			want: Item{ID: "SA-CONTRIB-2026-001", ProjectTitle: "Admin Toolbar", Title: "Admin Toolbar - Critical - XSS - sa-contrib-2026-001", Link: link,
				Risk: Risk{Label: "Critical"}, Vulnerability: "XSS"},
		},
		{
			name:  "core id gives the drupal project",
			title: "Drupal core - Critical - Access bypass - SA-CORE-2026-002", link: "https://www.drupal.org/sa-core-2026-002",
			want: Item{ID: "SA-CORE-2026-002", Core: true, Project: "drupal", ProjectTitle: "Drupal core",
				Title: "Drupal core - Critical - Access bypass - SA-CORE-2026-002", Link: "https://www.drupal.org/sa-core-2026-002",
				Risk: Risk{Label: "Critical"}, Vulnerability: "Access bypass"},
		},
		{
			name:  "project from the project link when no machine name div",
			title: "X - SA-CONTRIB-2026-015", link: link,
			desc: field(classProject, `<div class="field-item"><a href="/project/x_y">X Y</a></div>`),
			want: Item{ID: "SA-CONTRIB-2026-015", Project: "x_y", ProjectTitle: "X Y", Title: "X - SA-CONTRIB-2026-015", Link: link},
		},
		{
			name:  "script and style are not text, javascript links not project links",
			title: title, link: link,
			desc: field(classProject, `<div class="field-item"><a href="javascript:alert(1)">Tok<script>alert(1)</script>en</a></div>`) +
				`<div class="project-machine-name"><code>token<style>x{}</style></code></div>` +
				field(classType, `<div class="field-item"><script>document.write("pwned")</script>Access <b>bypass</b></div>`) +
				field(classAffected, `<div class="field-item">&lt;3.0.2<iframe src="javascript:alert(2)">x</iframe></div>`) +
				field(classSolution, `<a href="javascript:alert(3)//project/token/releases/9.9.9">9.9.9</a>`+
					`<a href="https://evil.example/project/token/releases/6.6.6">6.6.6</a>`+
					`<a href="data:text/html,/project/token/releases/7.7.7">7.7.7</a>`+
					`<a href="https://drupal.org/project/token/releases/3.0.2">3.0.2</a>`),
			want: Item{ID: "SA-CONTRIB-2026-015", Project: "token", ProjectTitle: "Token", Title: title, Link: link,
				Risk: Risk{Label: "Critical"}, Vulnerability: "Access bypass", AffectedVersions: "<3.0.2",
				FixedReleases: []Release{{"token", "3.0.2"}}},
		},
		{
			name:  "javascript item link dropped",
			title: title, link: "javascript:alert(document.cookie)",
			want: Item{ID: "SA-CONTRIB-2026-015", Project: "token", ProjectTitle: "Token", Title: title,
				Risk: Risk{Label: "Critical"}, Vulnerability: "Access bypass"},
		},
		{
			name:  "markup in the title is not text",
			title: `<b>Token</b><script>alert(1)</script> - Critical - Access bypass - SA-CONTRIB-2026-015`, link: link,
			want: Item{ID: "SA-CONTRIB-2026-015", Project: "token", ProjectTitle: "Token", Title: title, Link: link,
				Risk: Risk{Label: "Critical"}, Vulnerability: "Access bypass"},
		},
		{
			name:  "bidi override and zero-width characters dropped",
			title: "To\u202eken\u200b - Critical - Access bypass - SA-CONTRIB-2026-015", link: link,
			want: Item{ID: "SA-CONTRIB-2026-015", Project: "token", ProjectTitle: "Token", Title: title, Link: link,
				Risk: Risk{Label: "Critical"}, Vulnerability: "Access bypass"},
		},
		{
			name:  "score with a slash and no spaces, labels left out of text",
			title: "T - SA-CONTRIB-2026-015", link: link,
			desc: field(classRisk, `<div class="field-item"><span class="critical">Critical</span>15/25 AC:None/A:None</div>`) +
				field(classCVE, `<div class="field-item">cve-2026-0001, CVE-2026-0002 and CVE-2026-0001 again</div>`),
			want: Item{ID: "SA-CONTRIB-2026-015", Project: "t", ProjectTitle: "T", Title: "T - SA-CONTRIB-2026-015", Link: link,
				Risk: Risk{Label: "Critical", Score: 15, Max: 25, Vector: "AC:None/A:None"}, CVEs: []string{"CVE-2026-0001", "CVE-2026-0002"}},
		},
		{
			name:  "PSA of a contrib project",
			title: "Webform - Critical - Public service announcement - PSA-2026-06-01", link: "https://www.drupal.org/psa-2026-06-01",
			desc: `<div class="project-machine-name"><code>webform</code></div>`,
			want: Item{ID: "PSA-2026-06-01", PSA: true, Project: "webform", ProjectTitle: "Webform",
				Title: "Webform - Critical - Public service announcement - PSA-2026-06-01", Link: "https://www.drupal.org/psa-2026-06-01",
				Risk: Risk{Label: "Critical"}, Vulnerability: "Public service announcement"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFeed("test", item(tc.title, tc.link, tc.desc))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != 1 {
				t.Fatalf("ParseFeed: %d items, warnings %q; want 1 item", len(f.Items), warningTexts(f.Warnings))
			}
			tc.want.Published = time.Date(2026, 5, 20, 16, 5, 11, 0, time.UTC)
			if tc.want.Title == title && tc.title != title {
				tc.want.Title = cleanText(strings.NewReplacer("<b>", "", "</b>", "", "<script>alert(1)</script>", "", "\u202e", "", "\u200b", "").Replace(tc.title))
			}
			if diff := cmp.Diff(tc.want, f.Items[0]); diff != "" {
				t.Errorf("item (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseFeedSkips: an item that cannot be used is a warning, and the
// rest of the feed is read.
func TestParseFeedSkips(t *testing.T) {
	long := strings.Repeat("a", MaxFieldLen+1)
	var cves, releases strings.Builder
	for i := range maxListLen + 1 {
		fmt.Fprintf(&cves, "CVE-2026-%04d ", 1000+i)
		fmt.Fprintf(&releases, `<a href="/project/x/releases/1.0.%d">x</a>`, i)
	}
	for _, tc := range []struct {
		name, title, desc, want string
	}{
		{"no id", "Token - Critical - Access bypass", "", "no advisory id"},
		{"description over the cap", "T - SA-CONTRIB-2026-001", strings.Repeat("x", MaxDescriptionSize+1), "description of"},
		{"nesting over x/net/html's limit", "T - SA-CONTRIB-2026-001", strings.Repeat("<div>", 600), "description: html: open stack"},
		{"field over the cap", "T - SA-CONTRIB-2026-001", field(classAffected, long), "affected versions of"},
		{"too many CVE ids", "T - SA-CONTRIB-2026-001", field(classCVE, cves.String()), "more than 64 CVE ids"},
		{"too many fixed releases", "T - SA-CONTRIB-2026-001", field(classSolution, releases.String()), "or fixed releases"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := item(tc.title, "https://www.drupal.org/node/1", tc.desc)
			doc = append(doc[:len(doc)-len("</channel></rss>")], []byte(`<item><title>Ok - SA-CORE-2026-001</title></item></channel></rss>`)...)
			f, err := ParseFeed("test", doc)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != 1 || f.Items[0].ID != "SA-CORE-2026-001" {
				t.Errorf("Items = %+v, want only SA-CORE-2026-001", f.Items)
			}
			if len(f.Warnings) != 1 || f.Warnings[0].Index != 0 || !strings.Contains(f.Warnings[0].Error(), tc.want) {
				t.Errorf("Warnings = %q, want one for entry 0 containing %q", warningTexts(f.Warnings), tc.want)
			}
		})
	}
}

// TestParseFeedErrors covers documents that are not usable at all.
func TestParseFeedErrors(t *testing.T) {
	var manyItems strings.Builder
	manyItems.WriteString(`<rss version="2.0"><channel><title>x</title>`)
	for range MaxFeedItems + 1 {
		manyItems.WriteString("<item/>")
	}
	manyItems.WriteString("</channel></rss>")
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "not an RSS or Atom feed"},
		{"JSON", `{"advisories":{}}`, "not an RSS or Atom feed"},
		{"JSON feed", `{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[]}`, "not an RSS or Atom feed but json"},
		{"HTML page", "<!DOCTYPE html><html><body><h1>Security advisories</h1></body></html>", "not an RSS or Atom feed"},
		{"release history", `<?xml version="1.0"?><project><short_name>token</short_name></project>`, "not an RSS or Atom feed"},
		{"error document", `<?xml version="1.0" encoding="utf-8"?>` + "\n<error>No release history was found for the requested project (x).</error>", "not an RSS or Atom feed"},
		{"truncated", `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>SA-CORE-2026-001</ti`, "EOF"},
		{"too large", "<rss>" + strings.Repeat(" ", MaxFeedSize) + "</rss>", "too large"},
		{"deeply nested", `<rss version="2.0"><channel><item>` + strings.Repeat("<x:a xmlns:x='urn:x'>", 100) + "</item></channel></rss>", "nest deeper than 64"},
		{"too many items", manyItems.String(), "more than 1000 items"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFeed("bad.xml", []byte(tc.data))
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Source != "bad.xml" || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseFeed(%s) error = %v, want a *ParseError naming bad.xml containing %q", tc.name, err, tc.want)
			}
		})
	}
	if _, err := ParseFeed("big", make([]byte, MaxFeedSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ParseFeed(over the cap) error = %v, want ErrTooLarge", err)
	}
}

// TestParseFeedEntities: a DTD's entities are not expanded (encoding/xml
// reads no DTD), so an entity bomb costs nothing and leaks nothing.
func TestParseFeedEntities(t *testing.T) {
	doc := `<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY file SYSTEM "file:///etc/passwd">
]>
<rss version="2.0"><channel><title>&d;</title>
<item><title>&d; &file; - SA-CORE-2026-001</title><description>&lt;div class="field field-name-field-affected-versions"&gt;&amp;d; &file;&lt;/div&gt;</description></item>
</channel></rss>`
	f, err := ParseFeed("bomb", []byte(doc))
	if err != nil {
		// Refusing the document is as good as not expanding it.
		return
	}
	for _, it := range f.Items {
		if len(it.Title) > 100 || strings.Contains(it.Title, "root:") || len(it.AffectedVersions) > 100 {
			t.Errorf("entities expanded: %+v", it)
		}
	}
	if len(f.Title) > 100 {
		t.Errorf("entities expanded in the feed title: %d bytes", len(f.Title))
	}
}

func TestParseRisk(t *testing.T) {
	for _, tc := range []struct {
		text string
		want Risk
	}{
		{"Moderately critical 12 ∕ 25 AC:Basic/A:User/CI:Some/II:None/E:Theoretical/TD:Default",
			Risk{"Moderately critical", 12, 25, "AC:Basic/A:User/CI:Some/II:None/E:Theoretical/TD:Default"}},
		{"Critical 15/25 AC:None/A:None/CI:All/II:All/E:Exploit/TD:All", Risk{"Critical", 15, 25, "AC:None/A:None/CI:All/II:All/E:Exploit/TD:All"}},
		{"Less critical 8 / 25", Risk{"Less critical", 8, 25, ""}},
		{"Not critical 0∕25 AC:Complex", Risk{"Not critical", 0, 25, "AC:Complex"}},
		{"Highly critical", Risk{Label: "Highly critical"}},
		{"Critical AC:None/A:None", Risk{Label: "Critical", Vector: "AC:None/A:None"}},
		{"AC:None/A:None", Risk{Vector: "AC:None/A:None"}},
		{"12 ∕ 25", Risk{Score: 12, Max: 25}},
		// A score over its maximum, a label with digits or markup-like
		// text and a malformed vector are left out.
		{"Critical 30 ∕ 25 AC:None", Risk{Label: "Critical", Vector: "AC:None"}},
		{"Critical2 <b>", Risk{}},
		{"Critical 1 ∕ 25 AC:None/<script>", Risk{Label: "Critical", Score: 1, Max: 25}},
		{"Critical 2026-05-20", Risk{}},
		{"", Risk{}},
	} {
		if got := parseRisk(tc.text); got != tc.want {
			t.Errorf("parseRisk(%q) = %+v, want %+v", tc.text, got, tc.want)
		}
	}
}

func BenchmarkParseFeed(b *testing.B) {
	data, err := os.ReadFile("testdata/contrib.rss.xml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFeed("bench", data); err != nil {
			b.Fatal(err)
		}
	}
}
