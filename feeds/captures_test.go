package feeds

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drupdate/drupdate/internal/drupal"
)

// TestCapturedFeeds reads every real 7.x feed drush cached from drupal.org.
func TestCapturedFeeds(t *testing.T) {
	docs := captures(t)
	if len(docs) != 117 {
		t.Errorf("found %d captured feeds, want 117", len(docs))
	}
	for path, doc := range docs {
		project := filepath.Base(filepath.Dir(path))
		h, err := ParseHistory(project, doc)
		if err != nil {
			t.Errorf("ParseHistory(%s): %v", path, err)
			continue
		}
		if h.ShortName != project {
			t.Errorf("ParseHistory(%s).ShortName = %q, want %q", path, h.ShortName, project)
		}
		if h.APIVersion != drupal.Some("7.x") {
			t.Errorf("ParseHistory(%s).APIVersion = %+v, want 7.x", path, h.APIVersion)
		}
		if want := bytes.Count(doc, []byte("<release>")); len(h.Releases) != want {
			t.Errorf("ParseHistory(%s) has %d releases, want %d", path, len(h.Releases), want)
		}
		for _, r := range h.Releases {
			if r.Key == "" || !r.Version.Set || r.Key != r.Version.Value {
				t.Errorf("ParseHistory(%s): release key %q, version %+v, want one version", path, r.Key, r.Version)
			}
		}
		checkRoundTrip(t, path, h)
	}
}

// TestErrorResponses reads what the server sends for unknown projects.
func TestErrorResponses(t *testing.T) {
	for path, doc := range errorResponses(t) {
		_, err := ParseHistory("x", doc)
		var nh *NoHistoryError
		if !errors.As(err, &nh) || !strings.HasPrefix(nh.Message, "No release history was found for the requested project (") {
			t.Errorf("ParseHistory(%s) error = %v, want a NoHistoryError", path, err)
		}
	}
}

// BenchmarkParseHistory parses all captured feeds; b.SetBytes makes MB/s
// the throughput of one core.
func BenchmarkParseHistory(b *testing.B) {
	var docs [][]byte
	var n int64
	for _, doc := range captures(b) {
		docs = append(docs, doc)
		n += int64(len(doc))
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, doc := range docs {
			if _, err := ParseHistory("x", doc); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// FuzzParseHistory checks, for any input, that ParseHistory does not
// panic, accepts only documents whose root has a short_name child (and
// takes its last one), and reads back what MarshalHistory writes.
func FuzzParseHistory(f *testing.F) {
	for _, doc := range allInputs(f) {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		h, err := ParseHistory("p", doc)
		if err != nil {
			var pe *ParseError
			if h != nil || !errors.As(err, &pe) {
				t.Fatalf("ParseHistory = %v, %#v; want nil, *ParseError", h, err)
			}
			return
		}
		if sn, ok := lastShortName(doc); ok && sn != h.ShortName {
			t.Fatalf("ParseHistory(%q).ShortName = %q, want the last short_name %q", doc, h.ShortName, sn)
		} else if !ok && !undecodable(doc) {
			t.Fatalf("ParseHistory(%q) accepted a document without short_name", doc)
		}
		checkRoundTrip(t, "input", h)
	})
}

// lastShortName finds, with encoding/xml alone, the text of the root's last
// <short_name> child (never a prefixed one).
func lastShortName(doc []byte) (string, bool) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.CharsetReader = testCharsetReader
	var (
		depth     int
		in, found bool
		text      []byte
		last      string
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return last, found
		}
		if err != nil {
			return "", false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && t.Name == (xml.Name{Local: "short_name"}) {
				in, text = true, text[:0]
			}
		case xml.EndElement:
			if depth == 2 && in {
				in, found, last = false, true, string(text)
			}
			depth--
		case xml.CharData:
			if in && depth == 2 {
				text = append(text, t...)
			}
		}
	}
}

// undecodable reports whether encoding/xml cannot read doc, so that
// lastShortName cannot tell: libxml takes some declarations Go does not.
func undecodable(doc []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.CharsetReader = testCharsetReader
	for {
		_, err := d.RawToken()
		if err == io.EOF {
			return false
		}
		if err != nil {
			return true
		}
	}
}

// testCharsetReader reads ISO-8859-1 and US-ASCII for encoding/xml.
func testCharsetReader(label string, r io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var out []rune
	for _, c := range b {
		out = append(out, rune(c))
	}
	return strings.NewReader(string(out)), nil
}
