package sa

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"html"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got, as indented JSON, with testdata/name, or rewrites
// the file under -update.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(b)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// warningTexts makes warnings comparable and printable.
func warningTexts(ws []Warning) []string {
	var s []string
	for _, w := range ws {
		s = append(s, w.Error())
	}
	return s
}

func xmlText(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// renderFeed writes items as drupal.org's Drupal 7 Views RSS would: every
// field in its div, the description HTML escaped into the XML.
func renderFeed(items []Item) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Security advisories</title>
`)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><title>%s</title>", xmlText(html.EscapeString(it.Title)))
		if it.Link != "" {
			fmt.Fprintf(&b, "<link>%s</link>", xmlText(it.Link))
		}
		fmt.Fprintf(&b, "<description>%s</description>", xmlText(renderDescription(it)))
		if !it.Published.IsZero() {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", it.Published.Format(time.RFC1123Z))
		}
		b.WriteString("<dc:creator>Drupal Security Team</dc:creator></item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}

func renderDescription(it Item) string {
	e := html.EscapeString
	var b strings.Builder
	field := func(class, label, items string) {
		fmt.Fprintf(&b, `<div class="field %s field-label-inline clearfix"><div class="field-label">%s:&nbsp;</div><div class="field-items">%s</div></div>`+"\n", class, label, items)
	}
	project := e(it.ProjectTitle)
	if it.Project != "" {
		project = fmt.Sprintf(`<a href="https://www.drupal.org/project/%s">%s</a>`, it.Project, project)
		fmt.Fprintf(&b, `<div class="project-machine-name"><div class="field-label">Project machine name:&nbsp;</div><code>%s</code></div>`+"\n", it.Project)
	}
	field(classProject, "Project", `<div class="field-item even">`+project+`</div>`)
	risk := ""
	if it.Risk.Label != "" {
		risk = `<span class="` + strings.ToLower(strings.ReplaceAll(it.Risk.Label, " ", "-")) + `">` + e(it.Risk.Label) + `</span>`
	}
	if it.Risk.Max > 0 {
		risk += fmt.Sprintf(" %d ∕ %d", it.Risk.Score, it.Risk.Max)
	}
	if it.Risk.Vector != "" {
		risk += " " + it.Risk.Vector
	}
	field(classRisk, "Security risk", `<div class="field-item even">`+risk+`</div>`)
	field(classType, "Vulnerability", `<div class="field-item even">`+e(it.Vulnerability)+`</div>`)
	field(classAffected, "Affected versions", `<div class="field-item even">`+e(it.AffectedVersions)+`</div>`)
	var cves strings.Builder
	for _, c := range it.CVEs {
		fmt.Fprintf(&cves, `<div class="field-item">%s</div>`, c)
	}
	field(classCVE, "CVE IDs", cves.String())
	var sol strings.Builder
	sol.WriteString("<p>Install the latest version:</p><ul>")
	for _, r := range it.FixedReleases {
		fmt.Fprintf(&sol, `<li><a href="https://www.drupal.org/project/%s/releases/%s">%s %s</a></li>`, r.Project, r.Version, r.Project, r.Version)
	}
	sol.WriteString("</ul>")
	field(classSolution, "Solution", `<div class="field-item even">`+sol.String()+`</div>`)
	return b.String()
}

// renderPSA writes advisories as psa.json.
func renderPSA(as []PSA) []byte {
	type entry struct {
		Title    string   `json:"title"`
		Link     string   `json:"link"`
		Project  string   `json:"project"`
		Type     string   `json:"type"`
		IsPSA    bool     `json:"is_psa"`
		Insecure []string `json:"insecure"`
		PubDate  string   `json:"pubDate,omitempty"`
	}
	es := []entry{}
	for _, a := range as {
		e := entry{a.Title, a.Link, a.Project, a.Type, a.IsPSA, append([]string{}, a.Insecure...), ""}
		if !a.Published.IsZero() {
			e.PubDate = a.Published.Format(time.RFC1123Z)
		}
		es = append(es, e)
	}
	b, err := json.Marshal(es)
	if err != nil {
		panic(err)
	}
	return b
}
