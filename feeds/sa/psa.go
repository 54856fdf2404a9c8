package sa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/drupdate/drupdate/feeds"
)

// PSAURL is the advisories feed Drupal core's system module shows on
// administration pages (SecurityAdvisoriesFetcher).
const PSAURL = "https://updates.drupal.org/psa.json"

// Caps on psa.json. The live feed is usually "[]" or a few advisories.
const (
	MaxPSASize    = 1 << 20
	MaxPSAEntries = 1000
	// maxInsecure caps one advisory's insecure versions.
	maxInsecure = 1000
)

const formatPSA = "psa.json"

// PSAFeed is a parsed psa.json.
type PSAFeed struct {
	Advisories []PSA
	// Warnings lists the entries that were skipped, as Drupal skips
	// entries that fail its validation.
	Warnings []Warning
}

// A PSA is one psa.json advisory, Drupal's SecurityAdvisory. The strings
// are as the feed gave them, as Drupal keeps them: Link in particular is
// not checked to be an http(s) URL, so escape everything when showing it.
type PSA struct {
	Title   string
	Link    string
	Project string // "drupal" for core
	// Type is the project type: "core", "module", "theme", "profile".
	Type string
	// IsPSA marks a public service announcement, which Drupal shows for
	// every installed version of the project; other advisories apply only
	// to the versions in Insecure.
	IsPSA bool
	// Insecure lists the project's insecure versions ("8.x-1.1", "7.65").
	// Entries that are not strings are dropped: Drupal compares them with
	// an installed version string, which they can never equal.
	Insecure []string
	// Published is pubDate, which Drupal does not read, in UTC to the
	// second; zero when it is missing or not an RFC 1123 or RFC 3339 date.
	Published time.Time
}

// Core reports whether the advisory is for Drupal core, as Drupal's
// isCoreAdvisory does.
func (a PSA) Core() bool { return a.Type == "core" }

// ParsePSA reads psa.json following Drupal core's
// SecurityAdvisoriesFetcher::getSecurityAdvisories and
// SecurityAdvisory::createFromArray; source names the document in errors.
//
// The whole feed fails, a [*ParseError], where Drupal shows nothing from it:
//   - json_decode returns no array: a syntax error, invalid UTF-8, an
//     unpaired \u surrogate, nesting 512 deep, or a top-level value that
//     is neither an array nor an object (an object's values are the
//     entries, as PHP iterates them);
//   - an entry is not an array or object: createFromArray's array
//     parameter throws a TypeError, which Drupal does not catch;
//   - an entry passes validation with "is_psa": null or "insecure": null:
//     Symfony's Choice and Type constraints let null through and the
//     constructor's bool and array parameters then throw a TypeError.
//
// An entry that fails validation is skipped with a [Warning], as Drupal
// logs and skips it. Validation is a Collection constraint: the fields
// title, project, type and link must be present, strings and not blank
// (""; "0" and " " are not blank); is_psa must be present and one of 1,
// "1", 0, "0", true and false compared strictly (so 1.0 and "true" are
// invalid); insecure must be present and an array (a JSON array or
// object). Other fields are allowed and ignored; pubDate is not checked.
//
// Beyond Drupal: a document over [MaxPSASize] or with more than
// [MaxPSAEntries] entries is a ParseError, and an entry with a string over
// [MaxFieldLen] bytes or more than 1000 insecure versions is skipped.
func ParsePSA(source string, data []byte) (*PSAFeed, error) {
	if len(data) > MaxPSASize {
		return nil, &ParseError{formatPSA, source, tooLarge(len(data), MaxPSASize)}
	}
	if err := checkPHPJSON(data); err != nil {
		return nil, &ParseError{formatPSA, source, fmt.Errorf("not JSON that PHP decodes: %w", err)}
	}
	entries, ok := members(data)
	if !ok {
		return nil, &ParseError{formatPSA, source, errors.New("not a JSON array or object")}
	}
	if len(entries) > MaxPSAEntries {
		return nil, &ParseError{formatPSA, source, fmt.Errorf("%w: %d entries, more than %d", ErrTooLarge, len(entries), MaxPSAEntries)}
	}
	f := &PSAFeed{}
	for i, e := range entries {
		a, invalid, err := parsePSAEntry(e.Value)
		if err != nil {
			return nil, &ParseError{formatPSA, source, fmt.Errorf("entry %d: %w", i, err)}
		}
		if invalid != nil {
			f.Warnings = append(f.Warnings, Warning{Index: i, Name: cut(cleanText(a.Title), 120), Err: invalid})
			continue
		}
		f.Advisories = append(f.Advisories, a)
	}
	return f, nil
}

// parsePSAEntry validates one entry. invalid says why Drupal would skip it;
// err why Drupal would fail altogether.
func parsePSAEntry(raw []byte) (a PSA, invalid, err error) {
	if k := jsonKind(raw); k != '{' && k != '[' {
		return PSA{}, nil, errors.New("not an array or object (Drupal's createFromArray throws a TypeError)")
	}
	fields, _ := members(raw)
	m := make(map[string][]byte, len(fields))
	for _, f := range fields {
		m[f.Key] = f.Value
	}
	var violations []string
	str := func(key string) string {
		v, ok := m[key]
		switch k := jsonKind(v); {
		case !ok:
			violations = append(violations, key+": missing")
		case k == 'n':
			violations = append(violations, key+": blank")
		case k != '"':
			violations = append(violations, key+": not a string")
		default:
			s := jsonString(v)
			if s == "" {
				violations = append(violations, key+": blank")
			}
			return s
		}
		return ""
	}
	a.Title, a.Project, a.Type, a.Link = str("title"), str("project"), str("type"), str("link")

	psaRaw, ok := m["is_psa"]
	psaNull := ok && jsonKind(psaRaw) == 'n'
	switch {
	case !ok:
		violations = append(violations, "is_psa: missing")
	case !psaNull:
		var valid bool
		a.IsPSA, valid = phpBoolChoice(psaRaw)
		if !valid {
			violations = append(violations, `is_psa: not one of 1, "1", 0, "0", true, false`)
		}
	}

	insRaw, ok := m["insecure"]
	insNull := ok && jsonKind(insRaw) == 'n'
	switch k := jsonKind(insRaw); {
	case !ok:
		violations = append(violations, "insecure: missing")
	case k == '[' || k == '{':
		vs, _ := members(insRaw)
		a.Insecure = []string{}
		for _, v := range vs {
			if jsonKind(v.Value) == '"' {
				a.Insecure = append(a.Insecure, jsonString(v.Value))
			}
		}
	case !insNull:
		violations = append(violations, "insecure: not an array")
	}
	if len(violations) > 0 {
		return a, errors.New("malformed: " + strings.Join(violations, "; ")), nil
	}
	if psaNull || insNull {
		return PSA{}, nil, errors.New("is_psa or insecure is null, which passes Drupal's validation and then fails its constructor with a TypeError")
	}

	if len(a.Insecure) > maxInsecure {
		return a, fmt.Errorf("more than %d insecure versions", maxInsecure), nil
	}
	for _, s := range append([]string{a.Title, a.Link, a.Project, a.Type}, a.Insecure...) {
		if len(s) > MaxFieldLen {
			return a, fmt.Errorf("a field of %d bytes, over the cap of %d", len(s), MaxFieldLen), nil
		}
	}
	if v := m["pubDate"]; jsonKind(v) == '"' {
		s := jsonString(v)
		for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339} {
			if t, err := time.Parse(layout, s); err == nil {
				a.Published = utc(t)
				break
			}
		}
	}
	return a, nil, nil
}

// phpBoolChoice applies is_psa's Choice constraint, [1, '1', 0, '0', TRUE,
// FALSE] compared strictly: PHP's json_decode makes an integer of a number
// without fraction or exponent (so -0 is 0), a float of the rest.
func phpBoolChoice(raw []byte) (value, valid bool) {
	raw = bytes.TrimSpace(raw)
	switch jsonKind(raw) {
	case 't':
		return true, true
	case 'f':
		return false, true
	case '"':
		switch jsonString(raw) {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	case '0':
		switch string(raw) {
		case "1":
			return true, true
		case "0", "-0":
			return false, true
		}
	}
	return false, false
}

// FetchPSA gets psa.json ([PSAURL]) with g and parses it, as [FetchFeed]
// does for RSS: a nil PSAFeed and NotModified for an unchanged document,
// validators in the Response, a [*feeds.FetchError] or a [*ParseError].
func FetchPSA(ctx context.Context, g feeds.Getter, req feeds.URLRequest) (*PSAFeed, feeds.Response, error) {
	if req.Accept == "" {
		req.Accept = "application/json"
	}
	resp, err := capBody(g, MaxPSASize).Get(ctx, req)
	if err != nil || resp.NotModified {
		return nil, resp, err
	}
	f, err := ParsePSA(feeds.RedactURL(req.URL), resp.Body)
	if err != nil {
		return nil, feeds.Response{}, err
	}
	return f, resp, nil
}
