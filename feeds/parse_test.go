package feeds

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// project wraps children in a <project> root, as drupal.org writes it.
func project(children string) string {
	return `<project xmlns:dc="http://purl.org/dc/elements/1.1/">` + children + `</project>`
}

// sn is the short_name every valid table document has.
const sn = "<short_name>p</short_name>"

// hist is the History of project p, changed by edit.
func hist(edit func(h *drupal.History)) *drupal.History {
	h := &drupal.History{ShortName: "p"}
	if edit != nil {
		edit(h)
	}
	return h
}

// rel is a release keyed and versioned v, changed by edit.
func rel(v string, edit func(r *drupal.Release)) drupal.Release {
	r := drupal.Release{Key: v, Version: drupal.Some(v)}
	if edit != nil {
		edit(&r)
	}
	return r
}

// errMalformed stands for any refusal of the document as XML.
var errMalformed = errors.New("malformed")

var parseTests = []struct {
	name string
	doc  string
	want *drupal.History
	err  error  // errMalformed, errNoShortName, errTooDeep, errUnsupported or a *NoHistoryError
	msg  string // a part of the error message, for errMalformed
}{
	// Project level: every child flattened to its text.
	{name: "minimal", doc: project(sn), want: hist(nil)},
	{name: "legacy fields", doc: project(sn + `<title>P</title><api_version>7.x</api_version><recommended_major>2</recommended_major><supported_majors>1,2</supported_majors><default_major>1</default_major><project_status>published</project_status><type>project_module</type><link>https://x</link>`),
		want: hist(func(h *drupal.History) {
			h.Title, h.APIVersion, h.RecommendedMajor = drupal.Some("P"), drupal.Some("7.x"), drupal.Some("2")
			h.SupportedMajors, h.DefaultMajor, h.ProjectStatus = drupal.Some("1,2"), drupal.Some("1"), drupal.Some("published")
			h.Type, h.Link = drupal.Some("project_module"), drupal.Some("https://x")
		})},
	// The last duplicate wins, short_name included.
	{name: "duplicates", doc: project(`<short_name>a</short_name><title>1</title><title>2</title><short_name>p</short_name>`),
		want: hist(func(h *drupal.History) { h.Title = drupal.Some("2") })},
	// An empty supported_branches makes every release supported and an
	// absent one none, so empty and absent must differ.
	{name: "empty element is present", doc: project(sn + `<supported_branches/><title></title>`),
		want: hist(func(h *drupal.History) { h.SupportedBranches, h.Title = drupal.Some(""), drupal.Some("") })},
	{name: "absent element is unset", doc: project(sn), want: hist(nil)},
	// (string) of an element is its direct text and CDATA only.
	{name: "direct text only", doc: project(sn + `<title>a<b>x<c>y</c></b>c<!--no-->d<?pi no?>e</title>`),
		want: hist(func(h *drupal.History) { h.Title = drupal.Some("acde") })},
	{name: "CDATA", doc: project(sn + `<title>a<![CDATA[<b>&amp;]]>c</title>`),
		want: hist(func(h *drupal.History) { h.Title = drupal.Some("a<b>&amp;c") })},
	{name: "entities", doc: project(sn + `<title>&amp;&lt;&gt;&quot;&apos;&#233;&#xE9;&#x1F600;</title>`),
		want: hist(func(h *drupal.History) { h.Title = drupal.Some(`&<>"'éé😀`) })},
	{name: "not trimmed", doc: project(sn + "<title>\n  a b \t</title>"),
		want: hist(func(h *drupal.History) { h.Title = drupal.Some("\n  a b \t") })},
	{name: "line ends normalised", doc: project(sn + "<title>a\r\nb\rc&#13;</title>"),
		want: hist(func(h *drupal.History) { h.Title = drupal.Some("a\nb\nc\r") })},
	{name: "root name not checked", doc: `<anything>` + sn + `</anything>`, want: hist(nil)},
	{name: "default namespace counts", doc: `<project xmlns="urn:x">` + sn + `</project>`, want: hist(nil)},

	// Only un-prefixed children are iterated.
	{name: "prefixed short_name", doc: `<project xmlns:x="urn:x"><x:short_name>p</x:short_name></project>`, err: errNoShortName},
	{name: "unbound prefix is part of the name", doc: `<project><x:short_name>p</x:short_name></project>`, err: errNoShortName},
	{name: "empty-URI prefix is unbound", doc: `<project xmlns:x=""><x:release/>` + sn + `<releases><x:release><version>1</version></x:release></releases></project>`,
		want: hist(func(h *drupal.History) { h.Releases = []drupal.Release{rel("1", nil)} })},
	{name: "dc:creator", doc: project(sn + `<dc:creator>a</dc:creator><dc:creator>b</dc:creator>`),
		want: hist(func(h *drupal.History) { h.Creator = drupal.Some("b") })},
	{name: "creator by namespace, not prefix", doc: `<project xmlns:d="http://purl.org/dc/elements/1.1/">` + sn + `<d:creator>a</d:creator></project>`,
		want: hist(func(h *drupal.History) { h.Creator = drupal.Some("a") })},
	{name: "creator in default namespace", doc: project(sn + `<creator xmlns="http://purl.org/dc/elements/1.1/">a</creator><creator>not dc</creator>`),
		want: hist(func(h *drupal.History) { h.Creator = drupal.Some("a") })},
	{name: "prefixed fields ignored", doc: `<project xmlns:x="urn:x">` + sn + `<x:title>no</x:title><y:title>no</y:title></project>`,
		want: hist(nil)},
	{name: "project terms", doc: project(sn + `<terms><term><name>Projects</name><value>Modules</value></term></terms><terms><term><name>no</name></term></terms>`),
		want: hist(func(h *drupal.History) { h.Terms = []drupal.Term{{Name: "Projects", Value: "Modules"}} })},

	// <error> documents and documents without short_name.
	{name: "error document", doc: `<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<error>No release history was found for the requested project (nope).</error>`,
		err: &NoHistoryError{Message: "No release history was found for the requested project (nope)."}},
	{name: "empty error document", doc: `<error/>`, err: &NoHistoryError{}},
	{name: "error root with short_name is a history", doc: `<error>` + sn + `</error>`, want: hist(nil)},
	{name: "no short_name", doc: `<project><title>t</title></project>`, err: errNoShortName},
	{name: "short_name nested too deep", doc: `<project><title>` + sn + `</title></project>`, err: errNoShortName},

	// Releases: every element child of the first <releases>.
	{name: "releases", doc: project(sn + `<releases><release><version>2</version><status>published</status><date/></release><release><version>1</version></release></releases>`),
		want: hist(func(h *drupal.History) {
			h.Releases = []drupal.Release{
				rel("2", func(r *drupal.Release) { r.Status, r.Date = drupal.Some("published"), drupal.Some("") }),
				rel("1", nil),
			}
		})},
	{name: "release children with other names", doc: project(sn + `<releases><foo><version>1</version></foo><bar><version>2</version></bar>text</releases>`),
		want: hist(func(h *drupal.History) { h.Releases = []drupal.Release{rel("1", nil), rel("2", nil)} })},
	{name: "first releases only", doc: project(sn + `<releases><release><version>1</version></release></releases><releases><release><version>2</version></release></releases>`),
		want: hist(func(h *drupal.History) { h.Releases = []drupal.Release{rel("1", nil)} })},
	{name: "prefixed release skipped", doc: `<project xmlns:x="urn:x">` + sn + `<releases><x:release><version>1</version></x:release></releases></project>`,
		want: hist(nil)},
	{name: "key is the first version, Version the last", doc: project(sn + `<releases><release><version>1</version><version>2</version></release></releases>`),
		want: hist(func(h *drupal.History) {
			h.Releases = []drupal.Release{rel("1", func(r *drupal.Release) { r.Version = drupal.Some("2") })}
		})},
	{name: "no version keys as empty", doc: project(sn + `<releases><release><name>n</name></release></releases>`),
		want: hist(func(h *drupal.History) {
			h.Releases = []drupal.Release{{Name: drupal.Some("n")}}
		})},
	// A repeated key keeps its first position and takes the later entry's
	// data entirely.
	{name: "repeated version", doc: project(sn + `<releases><release><version>1</version><tag>a</tag><date>5</date></release><release><version>2</version></release><release><version>1</version><tag>b</tag></release></releases>`),
		want: hist(func(h *drupal.History) {
			h.Releases = []drupal.Release{rel("1", func(r *drupal.Release) { r.Tag = drupal.Some("b") }), rel("2", nil)}
		})},
	{name: "release fields", doc: project(sn + `<releases><release><name>p 1.0</name><version>1.0</version><tag>1.0</tag><status>published</status><release_link>l</release_link><download_link>d</download_link><date>7</date><mdhash>m</mdhash><filesize>9</filesize><core_compatibility>^10</core_compatibility><version_major>1</version_major><version_minor>0</version_minor><version_patch>0</version_patch><version_extra>rc1</version_extra><security>s</security></release></releases>`),
		want: hist(func(h *drupal.History) {
			h.Releases = []drupal.Release{rel("1.0", func(r *drupal.Release) {
				r.Name, r.Tag, r.Status, r.ReleaseLink = drupal.Some("p 1.0"), drupal.Some("1.0"), drupal.Some("published"), drupal.Some("l")
				r.DownloadLink, r.Date, r.MDHash, r.Filesize = drupal.Some("d"), drupal.Some("7"), drupal.Some("m"), drupal.Some("9")
				r.CoreCompatibility, r.Security = drupal.Some("^10"), drupal.Some("s")
				r.VersionMajor, r.VersionMinor, r.VersionPatch, r.VersionExtra = drupal.Some("1"), drupal.Some("0"), drupal.Some("0"), drupal.Some("rc1")
			})}
		})},
	{name: "security covered", doc: project(sn + `<releases><release><version>1</version><security covered="1">c</security></release><release><version>2</version><security covered="1">c</security><security>later</security></release></releases>`),
		want: hist(func(h *drupal.History) {
			h.Releases = []drupal.Release{
				rel("1", func(r *drupal.Release) { r.Security, r.SecurityCovered = drupal.Some("c"), true }),
				rel("2", func(r *drupal.Release) { r.Security = drupal.Some("later") }),
			}
		})},

	// Terms: children of the release's first <terms>, grouped by name as
	// Drupal's name => values array holds them.
	{name: "terms grouped by name", doc: project(sn + `<releases><release><version>1</version><terms><term><name>Release type</name><value>Bug fixes</value></term><term><name>Other</name><value>x</value></term><term><name>Release type</name><value>Insecure</value></term></terms></release></releases>`),
		want: hist(func(h *drupal.History) {
			h.Releases = []drupal.Release{rel("1", func(r *drupal.Release) {
				r.Terms = []drupal.Term{{Name: "Release type", Value: "Bug fixes"}, {Name: "Release type", Value: "Insecure"}, {Name: "Other", Value: "x"}}
			})}
		})},
	{name: "term of any name, first name and value", doc: project(sn + `<releases><release><version>1</version><terms><foo><name>a</name><name>b</name><value>1</value><value>2</value></foo><term/><x:term xmlns:x="urn:x"><name>no</name></x:term></terms><terms><term><name>second terms ignored</name></term></terms></release></releases>`),
		want: hist(func(h *drupal.History) {
			h.Releases = []drupal.Release{rel("1", func(r *drupal.Release) {
				r.Terms = []drupal.Term{{Name: "a", Value: "1"}, {}}
			})}
		})},
	{name: "files", doc: project(sn + `<releases><release><version>1</version><files><file><url>u</url><url>u2</url><archive_type>zip</archive_type><md5>m</md5><size>3</size><filedate>4</filedate><variant>v</variant></file><other><url>no</url></other><file/></files><files><file><url>second files ignored</url></file></files></release></releases>`),
		want: hist(func(h *drupal.History) {
			h.Releases = []drupal.Release{rel("1", func(r *drupal.Release) {
				r.Files = []drupal.File{{URL: "u2", ArchiveType: "zip", MD5: "m", Size: "3", FileDate: "4", Variant: "v"}, {}}
			})}
		})},

	// Encodings and the XML declaration.
	{name: "latin1", doc: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + project(sn+"<title>\xe9t\xe9</title>"),
		want: hist(func(h *drupal.History) { h.Title = drupal.Some("été") })},
	{name: "latin1 with spaces around =", doc: "<?xml version = '1.0' encoding = 'latin1' ?>" + project(sn+"<title>\xe9</title>"),
		want: hist(func(h *drupal.History) { h.Title = drupal.Some("é") })},
	{name: "us-ascii", doc: `<?xml version="1.0" encoding="US-ASCII"?>` + project(sn+"<title>&#233;</title>"),
		want: hist(func(h *drupal.History) { h.Title = drupal.Some("é") })},
	{name: "us-ascii with 8-bit byte", doc: `<?xml version="1.0" encoding="us-ascii"?>` + project(sn+"<title>\xe9</title>"), err: errMalformed, msg: "not us-ascii"},
	{name: "unsupported encoding", doc: `<?xml version="1.0" encoding="windows-1252"?>` + project(sn), err: errUnsupported},
	{name: "UTF-16 label on 8-bit content", doc: `<?xml version="1.0" encoding="UTF-16"?>` + project(sn), err: errMalformed, msg: "labelled"},
	{name: "UTF-16 document", doc: "\xff\xfe<\x00p\x00/\x00>\x00", err: errUnsupported},
	{name: "byte-order mark", doc: "\xef\xbb\xbf<?xml version=\"1.0\"?>" + project(sn), want: hist(nil)},
	{name: "version 1.1", doc: `<?xml version="1.1"?>` + project(sn), want: hist(nil)},
	{name: "standalone right after UTF-8", doc: `<?xml version="1.0" encoding="utf-8"standalone="no"?>` + project(sn), want: hist(nil)},
	{name: "standalone right after latin1", doc: `<?xml version="1.0" encoding="latin1"standalone="no"?>` + project(sn), err: errMalformed, msg: "blank needed"},
	{name: "undeclared entity, external DTD", doc: `<!DOCTYPE project SYSTEM "project.dtd">` + project(sn+`<title>a&nbsp;b</title>`),
		want: hist(func(h *drupal.History) { h.Title = drupal.Some("ab") })},
	{name: "undeclared entity, standalone", doc: `<?xml version="1.0" standalone="yes"?><!DOCTYPE project SYSTEM "project.dtd">` + project(sn+`<title>a&nbsp;b</title>`),
		err: errMalformed, msg: "entity"},
	{name: "version 2.0", doc: `<?xml version="2.0"?>` + project(sn), err: errMalformed, msg: "unsupported version"},
	{name: "declaration without version", doc: `<?xml encoding="utf-8"?>` + project(sn), err: errMalformed, msg: "no version"},
	{name: "declaration not first", doc: ` <?xml version="1.0"?>` + project(sn), err: errMalformed, msg: "only at the start"},
	{name: "invalid UTF-8", doc: project(sn + "<title>\xe9</title>"), err: errMalformed, msg: "invalid UTF-8"},
	{name: "control character in a comment", doc: project(sn + "<!-- \x01 -->"), err: errMalformed, msg: "U+0001"},

	// What libxml rejects and encoding/xml alone would not.
	{name: "empty document", doc: "", err: errMalformed, msg: "no root"},
	{name: "comment only", doc: "<!-- c -->\n", err: errMalformed, msg: "no root"},
	{name: "unclosed element", doc: `<project>` + sn, err: errMalformed, msg: "not closed"},
	{name: "mismatched end tag", doc: `<project>` + sn + `</releases>`, err: errMalformed, msg: "closed by"},
	{name: "unknown entity", doc: project(sn + `<title>&nbsp;</title>`), err: errMalformed, msg: "entity"},
	{name: "element after the root", doc: project(sn) + `<project/>`, err: errMalformed, msg: "after the root"},
	{name: "text after the root", doc: project(sn) + "\nx", err: errMalformed, msg: "after the root"},
	{name: "character reference after the root", doc: project(sn) + "&#32;", err: errMalformed, msg: "after the root"},
	{name: "CDATA before the root", doc: "<![CDATA[ ]]>" + project(sn), err: errMalformed, msg: "before the root"},
	{name: "comments and PIs around the root", doc: "<!-- a --><?pi x?>\n" + project(sn) + "\n<!-- b --> <?pi?>\n", want: hist(nil)},
	{name: "DOCTYPE", doc: `<!DOCTYPE project SYSTEM "project.dtd">` + project(sn), want: hist(nil)},
	{name: "second DOCTYPE", doc: `<!DOCTYPE project><!DOCTYPE project>` + project(sn), err: errMalformed, msg: "second DOCTYPE"},
	{name: "DOCTYPE with internal subset", doc: `<!DOCTYPE project [<!ENTITY e "x">]>` + project(sn+`<title>&e;</title>`), err: errUnsupported},
	{name: "markup declaration in the root", doc: project(sn + `<!ELEMENT x ANY>`), err: errMalformed, msg: "markup declaration"},
	{name: "duplicate attribute", doc: `<project a="1" a="2">` + sn + `</project>`, err: errMalformed, msg: "redefined"},
	{name: "attributes run together", doc: `<project a="1"b="2">` + sn + `</project>`, err: errMalformed, msg: "white space"},
	{name: "]]> in text", doc: project(sn + `<title>]]></title>`), err: errMalformed, msg: "]]>"},
	{name: "reference to a surrogate", doc: project(sn + `<title>&#xD800;</title>`), err: errMalformed, msg: "surrogate"},
	{name: "reference to NUL", doc: project(sn + `<title>&#0;</title>`), err: errMalformed, msg: "illegal character"},
	{name: "reserved PI target", doc: project(sn + `<?XML x?>`), err: errMalformed, msg: "only at the start"},
	{name: "PI target without blank", doc: project(sn + `<?pi#x?>`), err: errMalformed, msg: "blank expected"},
	{name: "64 levels", doc: `<project>` + sn + strings.Repeat("<a>", 63) + strings.Repeat("</a>", 63) + `</project>`, want: hist(nil)},
	{name: "65 levels", doc: `<project>` + sn + strings.Repeat("<a>", 64) + strings.Repeat("</a>", 64) + `</project>`, err: errTooDeep},
}

func TestParseHistory(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseHistory("p", []byte(tt.doc))
			if tt.err == nil {
				if err != nil {
					t.Fatalf("ParseHistory(%q) error = %v, want none", tt.doc, err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("ParseHistory(%q):\n%s", tt.doc, diffJSON(tt.want, got))
				}
				return
			}
			if got != nil || err == nil {
				t.Fatalf("ParseHistory(%q) = %v, %v; want error %v", tt.doc, got, err, tt.err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Project != "p" {
				t.Errorf("ParseHistory(%q) error = %#v, want a *ParseError for p", tt.doc, err)
			}
			var nh *NoHistoryError
			switch want := tt.err.(type) {
			case *NoHistoryError:
				if !errors.As(err, &nh) || *nh != *want {
					t.Errorf("ParseHistory(%q) error = %v, want %v", tt.doc, err, want)
				}
			default:
				if want == errMalformed {
					if errors.Is(err, errNoShortName) || errors.As(err, &nh) {
						t.Errorf("ParseHistory(%q) error = %v, want malformed XML", tt.doc, err)
					}
				} else if !errors.Is(err, want) {
					t.Errorf("ParseHistory(%q) error = %v, want %v", tt.doc, err, want)
				}
				if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tt.msg)) {
					t.Errorf("ParseHistory(%q) error = %q, want it to mention %q", tt.doc, err, tt.msg)
				}
			}
		})
	}
}

func TestParseErrorMessages(t *testing.T) {
	for _, tt := range []struct {
		doc, want string
	}{
		{"<error>No release history was found for the requested project (nope).</error>",
			"parse release history p: error document: No release history was found for the requested project (nope)."},
		{"<project/>", "parse release history p: no short_name element"},
		{"<project>\n<short_name>\n</project>", "parse release history p: line 3: element <short_name> closed by </project>"},
		{"<?xml version='1.0'?>\n\n<project>" + sn + "</project>\n<x/>", "parse release history p: line 4: content after the root element"},
	} {
		_, err := ParseHistory("p", []byte(tt.doc))
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseHistory(%q) error = %v, want %q", tt.doc, err, tt.want)
		}
	}
}

// TestFixtures compares the parse of each testdata/*.xml with its golden
// JSON; go test -update rewrites them.
func TestFixtures(t *testing.T) {
	for path, doc := range fixtures(t) {
		h, err := ParseHistory(path, doc)
		if err != nil {
			t.Errorf("ParseHistory(%s): %v", path, err)
			continue
		}
		got, err := json.MarshalIndent(h, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		golden := strings.TrimSuffix(path, ".xml") + ".json"
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("ParseHistory(%s) differs from %s:\n%s", path, golden, lineDiff(string(want), string(got)))
		}
		checkRoundTrip(t, path, h)
	}
}

// checkRoundTrip fails t unless MarshalHistory(h) parses back to h.
func checkRoundTrip(t testing.TB, name string, h *drupal.History) {
	t.Helper()
	out := MarshalHistory(h)
	back, err := ParseHistory(h.ShortName, out)
	if err != nil {
		t.Fatalf("%s: ParseHistory(MarshalHistory(h)): %v\n%s", name, err, out)
	}
	if !reflect.DeepEqual(back, h) {
		t.Fatalf("%s: ParseHistory(MarshalHistory(h)) differs from h:\n%s", name, diffJSON(h, back))
	}
}

func TestMarshalHistory(t *testing.T) {
	h := hist(func(h *drupal.History) {
		h.Title, h.SupportedBranches, h.Creator = drupal.Some("A & B <c>"), drupal.Some(""), drupal.Some("me")
		h.Terms = []drupal.Term{{Name: "Projects", Value: "Modules"}}
		h.Releases = []drupal.Release{
			rel("1.0.0", func(r *drupal.Release) {
				r.Security, r.SecurityCovered = drupal.Some("covered"), true
				r.Terms = []drupal.Term{{Name: "Release type", Value: "Security update"}}
				r.Files = []drupal.File{{URL: "u", ArchiveType: "zip", Variant: "full"}}
				r.Date = drupal.Some("")
			}),
			rel("a", func(r *drupal.Release) { r.Version = drupal.Some("b") }),
			{Key: "", Version: drupal.Some("c")},
			rel("d", func(r *drupal.Release) { r.Tag = drupal.Some("\r\n\t ]]> ") }),
		}
	})
	checkRoundTrip(t, "TestMarshalHistory", hist(nil))
	checkRoundTrip(t, "TestMarshalHistory", h)
	out := string(MarshalHistory(h))
	for _, absent := range []string{"<api_version>", "<recommended_major>", "<version_major>", "<mdhash>", "<md5>"} {
		if strings.Contains(out, absent) {
			t.Errorf("MarshalHistory wrote %s for an unset value:\n%s", absent, out)
		}
	}
	for _, present := range []string{"<supported_branches></supported_branches>", `<security covered="1">covered</security>`, "<date></date>"} {
		if !strings.Contains(out, present) {
			t.Errorf("MarshalHistory did not write %s:\n%s", present, out)
		}
	}
}

// TestParseHistoryBoundsWork feeds documents that a quadratic step would
// take minutes over; each should take milliseconds.
func TestParseHistoryBoundsWork(t *testing.T) {
	if testing.Short() {
		t.Skip("large documents")
	}
	const n = 100000
	var attrs, decls, prefixed, terms, releases strings.Builder
	for i := range n {
		fmt.Fprintf(&attrs, ` a%d="&#xFFFD;"`, i)
		fmt.Fprintf(&decls, ` xmlns:p%d="urn:%d"`, i, i)
		fmt.Fprintf(&prefixed, `<p%d:x/>`, i%1000)
		fmt.Fprintf(&terms, `<term><name>n%d</name><value>v</value></term>`, i)
		fmt.Fprintf(&releases, `<release><version>%d</version></release>`, i%(n/2))
	}
	for _, tt := range []struct {
		name string
		doc  string
		want error
	}{
		{"many attributes, a surrogate reference later", `<project` + attrs.String() + `>` + sn + `<!--&#xD800;--></project>`, nil},
		{"many declarations and prefixed elements", `<project` + decls.String() + `>` + sn + prefixed.String() + `</project>`, nil},
		{"many term names", project(sn + `<releases><release><version>1</version><terms>` + terms.String() + `<term><name>n0</name></term></terms></release></releases>`), nil},
		{"many repeated versions", project(sn + `<releases>` + releases.String() + `</releases>`), nil},
		{"deep nesting", `<project>` + strings.Repeat("<a>", n) + strings.Repeat("</a>", n) + `</project>`, errTooDeep},
	} {
		start := time.Now()
		_, err := ParseHistory("p", []byte(tt.doc))
		if !errors.Is(err, tt.want) {
			t.Errorf("ParseHistory(%s) error = %v, want %v", tt.name, err, tt.want)
		}
		t.Logf("%s: %d bytes in %v", tt.name, len(tt.doc), time.Since(start))
	}
}
