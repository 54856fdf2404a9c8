package sa

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParsePSAFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/psa.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParsePSA("psa.json", data)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "psa.golden.json", struct {
		Advisories []PSA
		Warnings   []string
	}{f.Advisories, warningTexts(f.Warnings)})
	if !f.Advisories[0].Core() || f.Advisories[2].Core() {
		t.Errorf("Core() = %v, %v; want true for type core, false for module", f.Advisories[0].Core(), f.Advisories[2].Core())
	}
}

// valid is an entry that passes Drupal's validation; tests change one
// field at a time, as Drupal's SecurityAdvisoryTest does.
const valid = `"title":"Generic - Critical - Access bypass - SA-CONTRIB-2026-001","link":"https://www.drupal.org/sa-contrib-2026-001","project":"generic","type":"module"`

// TestParsePSAValidation follows SecurityAdvisory::validateAdvisoryData
// field by field. want is the advisory kept, or skip the warning's text,
// or fatal the document error's.
func TestParsePSAValidation(t *testing.T) {
	base := PSA{Title: "Generic - Critical - Access bypass - SA-CONTRIB-2026-001", Link: "https://www.drupal.org/sa-contrib-2026-001", Project: "generic", Type: "module", Insecure: []string{}}
	with := func(f func(*PSA)) *PSA { a := base; f(&a); return &a }
	for _, tc := range []struct {
		entry       string
		want        *PSA
		skip, fatal string
	}{
		// is_psa: Choice [1, '1', 0, '0', TRUE, FALSE], strict.
		{`{` + valid + `,"is_psa":1,"insecure":[]}`, with(func(a *PSA) { a.IsPSA = true }), "", ""},
		{`{` + valid + `,"is_psa":"1","insecure":[]}`, with(func(a *PSA) { a.IsPSA = true }), "", ""},
		{`{` + valid + `,"is_psa":true,"insecure":[]}`, with(func(a *PSA) { a.IsPSA = true }), "", ""},
		{`{` + valid + `,"is_psa":0,"insecure":[]}`, &base, "", ""},
		{`{` + valid + `,"is_psa":-0,"insecure":[]}`, &base, "", ""},
		{`{` + valid + `,"is_psa":"0","insecure":[]}`, &base, "", ""},
		{`{` + valid + `,"is_psa":false,"insecure":[]}`, &base, "", ""},
		{`{` + valid + `,"is_psa":"\u0031","insecure":[]}`, with(func(a *PSA) { a.IsPSA = true }), "", ""},
		{`{` + valid + `,"is_psa":1.0,"insecure":[]}`, nil, "is_psa: not one of", ""},
		{`{` + valid + `,"is_psa":2,"insecure":[]}`, nil, "is_psa: not one of", ""},
		{`{` + valid + `,"is_psa":"true","insecure":[]}`, nil, "is_psa: not one of", ""},
		{`{` + valid + `,"is_psa":" 1","insecure":[]}`, nil, "is_psa: not one of", ""},
		{`{` + valid + `,"is_psa":[],"insecure":[]}`, nil, "is_psa: not one of", ""},
		{`{` + valid + `,"insecure":[]}`, nil, "is_psa: missing", ""},
		// insecure: Type('array'); a JSON object is a PHP array too, and
		// entries that are not strings are dropped.
		{`{` + valid + `,"is_psa":0,"insecure":["8.x-1.1","1.2.0"]}`, with(func(a *PSA) { a.Insecure = []string{"8.x-1.1", "1.2.0"} }), "", ""},
		{`{` + valid + `,"is_psa":0,"insecure":{"a":"1.0.0","b":2,"c":null,"d":["x"]}}`, with(func(a *PSA) { a.Insecure = []string{"1.0.0"} }), "", ""},
		{`{` + valid + `,"is_psa":0,"insecure":"1.0.0"}`, nil, "insecure: not an array", ""},
		{`{` + valid + `,"is_psa":0}`, nil, "insecure: missing", ""},
		// Strings: Type('string') and NotBlank. "0" and " " are not blank.
		{`{"title":"0","link":" ","project":"p","type":"t","is_psa":0,"insecure":[]}`, &PSA{Title: "0", Link: " ", Project: "p", Type: "t", Insecure: []string{}}, "", ""},
		{`{"title":"","link":"l","project":"p","type":"t","is_psa":0,"insecure":[]}`, nil, "title: blank", ""},
		{`{"title":null,"link":"l","project":"p","type":"t","is_psa":0,"insecure":[]}`, nil, "title: blank", ""},
		{`{"title":1,"link":"l","project":"p","type":"t","is_psa":0,"insecure":[]}`, nil, "title: not a string", ""},
		{`{"title":{},"link":"l","project":"p","type":"t","is_psa":0,"insecure":[]}`, nil, "title: not a string", ""},
		{`{"link":"l","project":"p","type":"t","is_psa":0,"insecure":[]}`, nil, "title: missing", ""},
		// Every violation is listed, as in Drupal's exception message.
		{`{}`, nil, "title: missing; project: missing; type: missing; link: missing; is_psa: missing; insecure: missing", ""},
		{`[]`, nil, "title: missing", ""},
		{`["a","b"]`, nil, "title: missing", ""},
		// Keys are case-sensitive, a repeated key takes the last value,
		// other fields are allowed, and pubDate is never checked.
		{`{` + valid + `,"IS_PSA":1,"is_psa":1,"is_psa":0,"insecure":[],"extra":{"x":[1]},"pubDate":false}`, &base, "", ""},
		{`{` + valid + `,"is_psa":0,"insecure":[],"pubDate":"Tue, 19 Mar 2019 12:50:00 +0000"}`, with(func(a *PSA) { a.Published = time.Date(2019, 3, 19, 12, 50, 0, 0, time.UTC) }), "", ""},
		{`{` + valid + `,"is_psa":0,"insecure":[],"pubDate":"2019-03-19T14:50:00.5+02:00"}`, with(func(a *PSA) { a.Published = time.Date(2019, 3, 19, 12, 50, 0, 0, time.UTC) }), "", ""},
		// null passes the Choice and Type constraints, then fails the
		// constructor: a TypeError that Drupal does not catch.
		{`{` + valid + `,"is_psa":null,"insecure":[]}`, nil, "", "is_psa or insecure is null"},
		{`{` + valid + `,"is_psa":0,"insecure":null}`, nil, "", "is_psa or insecure is null"},
		// With another violation, validation throws first: skipped.
		{`{"title":"","link":"l","project":"p","type":"t","is_psa":null,"insecure":[]}`, nil, "title: blank", ""},
		// An entry that is not an array is a TypeError in createFromArray.
		{`"advisory"`, nil, "", "not an array or object"},
		{`null`, nil, "", "not an array or object"},
		{`1`, nil, "", "not an array or object"},
		// Beyond Drupal: caps.
		{`{` + valid + `,"is_psa":0,"insecure":["` + strings.Repeat("1", MaxFieldLen+1) + `"]}`, nil, "over the cap", ""},
	} {
		f, err := ParsePSA("psa.json", []byte(`[`+tc.entry+`]`))
		switch {
		case tc.fatal != "":
			if err == nil || !strings.Contains(err.Error(), tc.fatal) || !strings.Contains(err.Error(), "psa.json: entry 0: ") {
				t.Errorf("ParsePSA([%s]) error = %v, want one for entry 0 containing %q", tc.entry, err, tc.fatal)
			}
		case err != nil:
			t.Errorf("ParsePSA([%s]) error = %v", tc.entry, err)
		case tc.skip != "":
			if len(f.Advisories) != 0 || len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0].Error(), tc.skip) {
				t.Errorf("ParsePSA([%s]) = %+v, warnings %q; want it skipped for %q", tc.entry, f.Advisories, warningTexts(f.Warnings), tc.skip)
			}
		default:
			if len(f.Warnings) != 0 || len(f.Advisories) != 1 {
				t.Errorf("ParsePSA([%s]) = %+v, warnings %q; want one advisory", tc.entry, f.Advisories, warningTexts(f.Warnings))
			} else if diff := cmp.Diff(*tc.want, f.Advisories[0]); diff != "" {
				t.Errorf("ParsePSA([%s]) (-want +got):\n%s", tc.entry, diff)
			}
		}
	}
}

// TestParsePSADocument covers what makes Drupal's json_decode fail or
// return something other than an array, and the caps.
func TestParsePSADocument(t *testing.T) {
	entry := `{` + valid + `,"is_psa":0,"insecure":[]}`
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty list", `[]`, ""},
		{"object of entries", `{"b":` + entry + `,"a":` + entry + `}`, ""},
		{"deepest PHP reads", `[{` + valid + `,"is_psa":0,"insecure":[],"x":` + strings.Repeat("[", 509) + strings.Repeat("]", 509) + `}]`, ""},
		{"nested 512 deep", `[{` + valid + `,"is_psa":0,"insecure":[],"x":` + strings.Repeat("[", 510) + strings.Repeat("]", 510) + `}]`, "nest 512 deep"},
		{"paired surrogates", `[{` + valid + `,"is_psa":0,"insecure":[],"x":"\ud83d\ude00"}]`, ""},
		{"unpaired high surrogate", `[{` + valid + `,"is_psa":0,"insecure":[],"x":"\ud83d"}]`, "unpaired surrogate"},
		{"unpaired low surrogate", `[{` + valid + `,"is_psa":0,"insecure":[],"x":"\ude00x"}]`, "unpaired surrogate"},
		{"high surrogate then not a low one", `["\ud83d\u0041"]`, "unpaired surrogate"},
		{"invalid UTF-8", "[\"\xff\"]", "not valid UTF-8"},
		{"not JSON", `<?xml version="1.0"?><rss/>`, "invalid character"},
		{"truncated", `[{"title":"x"`, "unexpected end"},
		{"trailing data", `[] []`, "invalid character"},
		{"a string", `"[]"`, "not a JSON array or object"},
		{"null", `null`, "not a JSON array or object"},
		{"byte order mark", "\xef\xbb\xbf[]", "invalid character"},
		{"too large", `[` + strings.Repeat(" ", MaxPSASize) + `]`, "too large"},
		{"too many entries", `[` + strings.Repeat(`{},`, MaxPSAEntries) + `{}]`, "more than 1000"},
		{"deep beyond Go's limit", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), "exceeded max depth"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParsePSA("https://updates.drupal.org/psa.json", []byte(tc.data))
			if tc.want == "" {
				if err != nil || len(f.Warnings) != 0 {
					t.Errorf("ParsePSA(%s) = %v, warnings %q", tc.name, err, warningTexts(f.Warnings))
				}
				return
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Source != "https://updates.drupal.org/psa.json" || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParsePSA(%s) error = %v, want a *ParseError naming the URL containing %q", tc.name, err, tc.want)
			}
		})
	}
	// An object's values are read in document order.
	f, err := ParsePSA("x", []byte(`{"b":{`+valid+`,"is_psa":1,"insecure":[]},"a":{`+valid+`,"is_psa":0,"insecure":[]},"b":{`+valid+`,"is_psa":0,"insecure":["1"]}}`))
	if err != nil || len(f.Advisories) != 2 || len(f.Advisories[0].Insecure) != 1 || f.Advisories[1].IsPSA {
		t.Errorf("ParsePSA(object with a repeated key) = %+v, %v; want b (its last value) then a", f, err)
	}
}

func BenchmarkParsePSA(b *testing.B) {
	data, err := os.ReadFile("testdata/psa.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePSA("bench", data); err != nil {
			b.Fatal(err)
		}
	}
}
