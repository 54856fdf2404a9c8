package feeds

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/drupdate/drupdate/internal/drupal"
)

// The tests in this file compare ParseHistory with PHP's SimpleXML itself.
// They need a PHP binary with SimpleXML, named by DRUPDATE_PHP, and are
// skipped without one:
//
//	DRUPDATE_PHP=php go test -run SimpleXML ./feeds/
//	DRUPDATE_PHP=php go test -run '^$' -fuzz FuzzSimpleXMLAgreement ./feeds/

// oracle is one long-running testdata/simplexml.php.
type oracle struct {
	mu  sync.Mutex
	in  io.WriteCloser
	out *bufio.Reader
}

var (
	oracleOnce sync.Once
	theOracle  *oracle
	oracleErr  error
)

func startOracle(t testing.TB) *oracle {
	t.Helper()
	php := os.Getenv("DRUPDATE_PHP")
	if php == "" {
		t.Skip("DRUPDATE_PHP is not set")
	}
	oracleOnce.Do(func() {
		cmd := exec.Command(php, "testdata/simplexml.php")
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			oracleErr = err
			return
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			oracleErr = err
			return
		}
		if err := cmd.Start(); err != nil {
			oracleErr = err
			return
		}
		theOracle = &oracle{in: in, out: bufio.NewReaderSize(out, 1<<20)}
	})
	if oracleErr != nil {
		t.Fatalf("start %s: %v", php, oracleErr)
	}
	return theOracle
}

// oracleResult is what simplexml.php says about a document.
type oracleResult struct {
	Error   string `json:"error"` // "", "xml" or "no_short_name"
	Root    string `json:"root"`
	Text    string `json:"text"`
	History drupal.History
}

func (o *oracle) parse(doc []byte) (oracleResult, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, err := fmt.Fprintf(o.in, "%d\n%s", len(doc), doc); err != nil {
		return oracleResult{}, err
	}
	line, err := o.out.ReadBytes('\n')
	if err != nil {
		return oracleResult{}, err
	}
	var r oracleResult
	if err := json.Unmarshal(line, &r); err != nil {
		return r, fmt.Errorf("decode %s: %w", line, err)
	}
	if r.Error == "" {
		err = json.Unmarshal(line, &r.History)
	}
	return r, err
}

// knownDivergence reports whether err is one of the documented cases where
// ParseHistory refuses what libxml accepts.
func knownDivergence(err error) bool {
	return errors.Is(err, errUnsupported) || errors.Is(err, errTooDeep)
}

// compareWithSimpleXML fails t when ParseHistory and SimpleXML disagree on
// doc.
func compareWithSimpleXML(t testing.TB, o *oracle, name string, doc []byte) {
	t.Helper()
	want, err := o.parse(doc)
	if err != nil {
		t.Fatalf("oracle on %s: %v", name, err)
	}
	got, gotErr := parse(doc)
	var nh *NoHistoryError
	switch {
	case gotErr != nil && knownDivergence(gotErr):
		return
	case want.Error == "xml":
		if gotErr == nil || errors.Is(gotErr, errNoShortName) || errors.As(gotErr, &nh) {
			t.Errorf("%s: SimpleXML rejects the document, ParseHistory returns %v, %v\ndocument: %q", name, got != nil, gotErr, doc)
		}
	case want.Error == "no_short_name" && want.Root == "error":
		if !errors.As(gotErr, &nh) || nh.Message != want.Text {
			t.Errorf("%s: ParseHistory error = %v, want NoHistoryError{%q}\ndocument: %q", name, gotErr, want.Text, doc)
		}
	case want.Error == "no_short_name":
		if !errors.Is(gotErr, errNoShortName) {
			t.Errorf("%s: ParseHistory error = %v, want %v\ndocument: %q", name, gotErr, errNoShortName, doc)
		}
	case gotErr != nil:
		t.Errorf("%s: ParseHistory error = %v, SimpleXML accepts the document\ndocument: %q", name, gotErr, doc)
	case !reflect.DeepEqual(*got, want.History):
		t.Errorf("%s: ParseHistory and SimpleXML differ:\n%s\ndocument: %q", name, diffJSON(want.History, *got), doc)
	}
}

func TestParseHistoryAgreesWithSimpleXML(t *testing.T) {
	o := startOracle(t)
	for name, doc := range allInputs(t) {
		compareWithSimpleXML(t, o, name, doc)
	}
}

func FuzzSimpleXMLAgreement(f *testing.F) {
	o := startOracle(f)
	for _, doc := range allInputs(f) {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		compareWithSimpleXML(t, o, "input", doc)
	})
}

// diffJSON shows two values as JSON lines, marking the lines that differ.
func diffJSON(want, got any) string {
	w, _ := json.MarshalIndent(want, "", " ")
	g, _ := json.MarshalIndent(got, "", " ")
	return lineDiff(string(w), string(g))
}

// TestParseHistoryAgreesWithSimpleXMLOnRandomDocuments compares the two on
// documents assembled at random from the pieces SimpleXML is particular
// about: prefixes and namespaces, duplicates, text, CDATA and references,
// declarations, and what surrounds the root.
func TestParseHistoryAgreesWithSimpleXMLOnRandomDocuments(t *testing.T) {
	o := startOracle(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		g := generator{rng: rng}
		compareWithSimpleXML(t, o, fmt.Sprintf("random document %d", i), g.document())
		if t.Failed() && i > 0 && !testing.Verbose() {
			break
		}
	}
}

type generator struct {
	rng    *rand.Rand
	b      bytes.Buffer
	latin1 bool // the document declares ISO-8859-1
}

func (g *generator) pick(s ...string) string { return s[g.rng.IntN(len(s))] }
func (g *generator) chance(n int) bool       { return g.rng.IntN(n) == 0 }

// maybe returns one of clean, or rarely one of dirty.
func (g *generator) maybe(clean, dirty []string) string {
	if g.chance(40) {
		return g.pick(dirty...)
	}
	return g.pick(clean...)
}

func (g *generator) document() []byte {
	if g.chance(20) {
		g.b.WriteString("\xEF\xBB\xBF")
	}
	if !g.chance(4) {
		decl := g.maybe([]string{
			`<?xml version="1.0" encoding="utf-8"?>`, `<?xml version='1.0'?>`, `<?xml version="1.1"?>`,
			`<?xml version="1.0" encoding="ISO-8859-1"?>`, `<?xml version = "1.0" encoding = "latin1" standalone = "yes" ?>`,
			`<?xml version="1.0" encoding="UTF8"?>`, "<?xml\tversion='1.0'\nstandalone='no'?>",
			`<?xml version="1.0" encoding="UTF-8"standalone="yes"?>`, `<?xml version="1.0" standalone="yes"?>`,
		}, []string{
			`<?xml version="1.0" encoding="latin1"standalone="no"?>`,
			`<?xml version="1.0" encoding="us-ascii"?>`, `<?xml version="1.0"encoding="utf-8"?>`, `<?xml encoding="utf-8"?>`,
			` <?xml version="1.0"?>`, `<?xml version="2.0"?>`, `<?xml version="1.0" standalone="maybe"?>`, `<?xml?>`,
		})
		g.latin1 = strings.Contains(decl, "atin1") || strings.Contains(decl, "8859")
		g.b.WriteString(decl)
	}
	for range g.rng.IntN(3) {
		g.b.WriteString(g.maybe([]string{"\n", " ", "<!-- c -->", "<?pi x?>", `<!DOCTYPE project>`, `<!DOCTYPE project SYSTEM "x.dtd">`,
			`<!DOCTYPE project PUBLIC "-//x//EN" 'y'>`, `<!DOCTYPE project []>`, "<?xml-stylesheet href='a'?>"},
			[]string{"x", "&#32;", "<![CDATA[ ]]>", "<?XML x?>", `<!DOCTYPE project [<!ENTITY e "x">]>`, "<!ELEMENT x ANY>"}))
	}
	g.element(0, g.pick("project", "project", "project", "error", "p:project", "feed"),
		g.pick("", "", ` xmlns:dc="`+dcNS+`"`, ` xmlns:dc="`+dcNS+`"`, ` xmlns="urn:d"`, ` xmlns:p="urn:p"`, ` xmlns:x="urn:x" xmlns:dc="`+dcNS+`"`))
	for range g.rng.IntN(3) {
		g.b.WriteString(g.maybe([]string{"\n", "<!-- c -->", "<?pi?>", " \r\n"}, []string{"<x/>", "y", "&#10;", "<!DOCTYPE p>", "<![CDATA[]]>"}))
	}
	return g.b.Bytes()
}

var childNames = map[string][]string{
	"":         {"short_name", "short_name", "short_name", "title", "title", "releases", "releases", "releases", "terms", "dc:creator", "creator", "x:short_name", "p:short_name", "y:short_name", "supported_branches", "link", "type"},
	"releases": {"release", "release", "release", "release", "x:release", "p:release", "y:release", "entry"},
	"release":  {"version", "version", "version", "name", "date", "status", "terms", "terms", "files", "security", "security", "x:version", "tag", "core_compatibility"},
	"terms":    {"term", "term", "term", "x:term", "other"},
	"term":     {"name", "name", "value", "value", "p:name", "y:value"},
	"files":    {"file", "file", "p:file", "other"},
	"file":     {"url", "url", "archive_type", "md5", "variant", "x:url"},
}

func (g *generator) element(depth int, name, attrs string) {
	g.b.WriteString("<" + name + attrs)
	if g.chance(6) {
		g.b.WriteString(g.maybe([]string{` xmlns:x="urn:x"`, ` xmlns:p=""`, ` xmlns=""`, ` xmlns="` + dcNS + `"`, ` covered="1"`, ` covered="0"`,
			` xmlns:dc="urn:notdc"`, ` a="&#233;"`, ` xmlns:y="urn:y"`, ` xmlns:p="urn:p" xmlns:p=""`, ` xmlns:x="urn:x" x:covered="1"`},
			[]string{` covered="1" covered="1"`, ` a="1"b="2"`, ` a="&#xD800;"`, ` xmlns:x="urn:x" xmlns:x="urn:x"`}))
	}
	if g.chance(8) {
		g.b.WriteString(" />")
		return
	}
	g.b.WriteString(">")
	local := name[strings.IndexByte(name, ':')+1:]
	kids := childNames[local]
	if depth == 0 {
		kids = childNames[""]
	}
	if depth == 0 && !g.chance(3) {
		g.element(1, "short_name", "")
	}
	for range g.rng.IntN(6) {
		if len(kids) > 0 && depth < 5 && !g.chance(3) {
			g.element(depth+1, g.pick(kids...), "")
			continue
		}
		text := []string{"a", "b", " ", "\n", "\r\n", "\r", "\t", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#233;", "&#x1F600;", "&#13;",
			"\xc3\xa9", "<![CDATA[<c>]]>", "<![CDATA[]]>", "<!--c-->", "<?pi x?>", "7.x-1.0", "1.0", "", "", "Release type", "Insecure", "]", "]]", ">"}
		if g.latin1 {
			text = append(text, "\xe9", "\xff")
		}
		g.b.WriteString(g.maybe(text, []string{"]]>", "&bogus;", "&#xD800;", "\x01", "<!ELEMENT x ANY>", "&#0;", "\xe9", "&", "<![CDATA[", "<!-- -- -->"}))
	}
	if g.chance(300) {
		return // unclosed
	}
	g.b.WriteString("</" + name + ">")
}
