package sa

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/drupdate/drupdate/feeds"
)

// ComposerAPIURL is the security-advisories api-url of drupal.org's Composer
// repository for Drupal 8 and later, as its packages.json announces it.
const ComposerAPIURL = "https://packages.drupal.org/8/security-advisories"

// Caps on the Composer advisories API.
const (
	MaxComposerSize       = 8 << 20
	MaxComposerAdvisories = 10000
	// MaxComposerURLLen is the longest request URL [ComposerURLs] builds,
	// well under the 8 KB that common servers and proxies accept.
	MaxComposerURLLen = 2000
)

const formatComposer = "composer advisories"

// composerName is Composer's package name grammar (its composer-schema.json).
var composerName = regexp.MustCompile(`^[a-z0-9]([_.-]?[a-z0-9]+)*/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$`)

// ComposerAdvisories is a parsed answer of the advisories API.
type ComposerAdvisories struct {
	// Advisories maps each package the answer covers to its advisories;
	// a package with none is present with an empty list. A package
	// missing from the map was not answered for.
	Advisories map[string][]ComposerAdvisory
	// Warnings lists the packages and advisories that were skipped.
	Warnings []Warning
}

// A ComposerAdvisory is one advisory as Composer's
// PartialSecurityAdvisory::create reads it, with the other fields the API
// sends. The JSON names are the API's.
type ComposerAdvisory struct {
	AdvisoryID string `json:"advisoryId"`
	// PackageName is the key the advisory was listed under, which is what
	// Composer uses; the record's own packageName is not read.
	PackageName string `json:"packageName"`
	RemoteID    string `json:"remoteId,omitempty"`
	Title       string `json:"title,omitempty"`
	Link        string `json:"link,omitempty"`
	CVE         string `json:"cve,omitempty"`
	// AffectedVersions is a Composer constraint such as
	// "<1.2.3|>=2.0.0,<2.0.4", kept as text.
	AffectedVersions string           `json:"affectedVersions"`
	Source           string           `json:"source,omitempty"`
	Sources          []ComposerSource `json:"sources,omitempty"`
	// ReportedAt is in UTC to the second; zero when missing or in a format
	// other than "2006-01-02 15:04:05" (UTC), RFC 3339 or a bare date.
	ReportedAt         time.Time `json:"reportedAt,omitzero"`
	ComposerRepository string    `json:"composerRepository,omitempty"`
	// Severity is "low", "medium", "high" or "critical" where given.
	Severity string `json:"severity,omitempty"`
}

// A ComposerSource is one origin of an advisory.
type ComposerSource struct {
	Name     string `json:"name"`
	RemoteID string `json:"remoteId"`
}

// ParseComposer reads one answer of a Composer repository's
// security-advisories API: {"advisories": {"<package>": [advisory, …]}}.
// source names it in errors.
//
// The document must be JSON that PHP's json_decode reads (as Composer's
// JsonFile does) and an object whose "advisories" is an object or an
// empty array (PHP encodes an empty map as []); anything else is a
// [*ParseError], as is a document over [MaxComposerSize] or with more than
// [MaxComposerAdvisories] advisories. Composer reads a list of
// advisories as an array or object alike, and so does ParseComposer.
//
// Skipped with a [Warning]: a key that is not a Composer package name, a
// package whose value is not a list, and an advisory that is not an
// object, lacks a non-empty advisoryId or affectedVersions, has a field of
// the wrong type (sources must be a list of {name, remoteId} strings, the
// rest strings or null) or a string over [MaxFieldLen] bytes. Advisories
// without title, sources or reportedAt are kept: Composer's audit refuses
// them but its blocking of insecure versions uses them.
func ParseComposer(source string, data []byte) (*ComposerAdvisories, error) {
	if len(data) > MaxComposerSize {
		return nil, &ParseError{formatComposer, source, tooLarge(len(data), MaxComposerSize)}
	}
	if err := checkPHPJSON(data); err != nil {
		return nil, &ParseError{formatComposer, source, fmt.Errorf("not JSON that PHP decodes: %w", err)}
	}
	if jsonKind(data) != '{' {
		return nil, &ParseError{formatComposer, source, errors.New("not a JSON object")}
	}
	top, _ := members(data)
	var advRaw []byte
	for _, m := range top {
		if m.Key == "advisories" {
			advRaw = m.Value
		}
	}
	pkgs, ok := members(advRaw)
	if k := jsonKind(advRaw); !ok || k == '[' && len(pkgs) > 0 {
		return nil, &ParseError{formatComposer, source, errors.New(`no "advisories" object`)}
	}
	out := &ComposerAdvisories{Advisories: make(map[string][]ComposerAdvisory, len(pkgs))}
	total := 0
	for i, p := range pkgs {
		if !composerName.MatchString(p.Key) {
			out.Warnings = append(out.Warnings, Warning{Index: i, Name: cut(cleanText(p.Key), 120), Err: errors.New("not a Composer package name")})
			continue
		}
		list, ok := members(p.Value)
		if !ok {
			out.Warnings = append(out.Warnings, Warning{Index: i, Name: p.Key, Err: errors.New("advisories not a list")})
			continue
		}
		if total += len(list); total > MaxComposerAdvisories {
			return nil, &ParseError{formatComposer, source, fmt.Errorf("%w: more than %d advisories", ErrTooLarge, MaxComposerAdvisories)}
		}
		advs := []ComposerAdvisory{}
		for j, e := range list {
			a, err := parseComposerAdvisory(p.Key, e.Value)
			if err != nil {
				out.Warnings = append(out.Warnings, Warning{Index: j, Name: strings.TrimSpace(p.Key + " " + a.AdvisoryID), Err: err})
				continue
			}
			advs = append(advs, a)
		}
		out.Advisories[p.Key] = advs
	}
	return out, nil
}

func parseComposerAdvisory(pkg string, raw []byte) (ComposerAdvisory, error) {
	a := ComposerAdvisory{PackageName: pkg}
	if jsonKind(raw) != '{' {
		return a, errors.New("not an object")
	}
	fields, _ := members(raw)
	var bad []string
	for _, f := range fields {
		var dst *string
		switch f.Key {
		case "advisoryId":
			dst = &a.AdvisoryID
		case "remoteId":
			dst = &a.RemoteID
		case "title":
			dst = &a.Title
		case "link":
			dst = &a.Link
		case "cve":
			dst = &a.CVE
		case "affectedVersions":
			dst = &a.AffectedVersions
		case "source":
			dst = &a.Source
		case "composerRepository":
			dst = &a.ComposerRepository
		case "severity":
			dst = &a.Severity
		case "reportedAt":
			if jsonKind(f.Value) == '"' {
				a.ReportedAt = composerTime(jsonString(f.Value))
			} else if jsonKind(f.Value) != 'n' {
				bad = append(bad, f.Key)
			}
			continue
		case "sources":
			if !composerSources(&a, f.Value) {
				bad = append(bad, f.Key)
			}
			continue
		default:
			continue
		}
		switch jsonKind(f.Value) {
		case '"':
			*dst = jsonString(f.Value)
		case 'n':
		default:
			bad = append(bad, f.Key)
		}
	}
	switch {
	case len(bad) > 0:
		return a, fmt.Errorf("wrong type for %s", strings.Join(bad, ", "))
	case a.AdvisoryID == "" || len(a.AdvisoryID) > 256 || strings.ContainsFunc(a.AdvisoryID, notIDRune):
		return a, errors.New("no well-formed advisoryId")
	case a.AffectedVersions == "":
		return a, errors.New("no affectedVersions")
	}
	for _, s := range []string{a.RemoteID, a.Title, a.Link, a.CVE, a.AffectedVersions, a.Source, a.ComposerRepository, a.Severity} {
		if len(s) > MaxFieldLen {
			return a, fmt.Errorf("a field of %d bytes, over the cap of %d", len(s), MaxFieldLen)
		}
	}
	return a, nil
}

// notIDRune rejects white space and control characters in advisory ids.
func notIDRune(r rune) bool {
	return r <= ' ' || r == 0x7f || r == 0xFFFD || (r >= 0x80 && r <= 0x9f)
}

// composerSources reads "sources": null or a list of {name, remoteId}.
func composerSources(a *ComposerAdvisory, raw []byte) bool {
	switch jsonKind(raw) {
	case 'n':
		return true
	case '[', '{':
	default:
		return false
	}
	list, _ := members(raw)
	if len(list) > maxListLen {
		return false
	}
	for _, e := range list {
		if jsonKind(e.Value) != '{' {
			return false
		}
		var s ComposerSource
		fs, _ := members(e.Value)
		for _, f := range fs {
			var dst *string
			switch f.Key {
			case "name":
				dst = &s.Name
			case "remoteId":
				dst = &s.RemoteID
			default:
				continue
			}
			if jsonKind(f.Value) != '"' {
				return false
			}
			if *dst = jsonString(f.Value); len(*dst) > MaxFieldLen {
				return false
			}
		}
		a.Sources = append(a.Sources, s)
	}
	return true
}

// composerTime reads reportedAt as PHP's DateTimeImmutable would read the
// forms seen in practice, in UTC when no zone is given.
func composerTime(s string) time.Time {
	for _, layout := range []string{time.DateTime, time.RFC3339, "2006-01-02T15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return utc(t)
		}
	}
	return time.Time{}
}

// ComposerURLs returns the GET requests that ask apiURL (such as
// [ComposerAPIURL]) about packages: apiURL?packages[]=drupal/core&…, the
// brackets escaped, names sorted and deduplicated, split into batches so
// that no URL is longer than [MaxComposerURLLen]. Packagist documents this
// GET form; Composer itself POSTs the same names as a form. A name that is
// not a Composer package name is an error.
func ComposerURLs(apiURL string, packages []string) ([]string, error) {
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
		return nil, fmt.Errorf("composer advisories API %s: want an http(s) URL without fragment", feeds.RedactURL(apiURL))
	}
	names := slices.Clone(packages)
	slices.Sort(names)
	names = slices.Compact(names)
	prefix := apiURL + "?"
	switch {
	case strings.HasSuffix(apiURL, "?"):
		prefix = apiURL
	case u.RawQuery != "":
		prefix = apiURL + "&"
	}
	var urls []string
	cur, n := prefix, 0
	for _, name := range names {
		if !composerName.MatchString(name) {
			return nil, fmt.Errorf("composer advisories: %q is not a Composer package name", name)
		}
		p := "packages%5B%5D=" + name // the grammar leaves nothing to escape
		if n > 0 && len(cur)+1+len(p) > MaxComposerURLLen {
			urls = append(urls, cur)
			cur, n = prefix, 0
		}
		if n > 0 {
			cur += "&"
		}
		if cur += p; len(cur) > MaxComposerURLLen {
			return nil, fmt.Errorf("composer advisories: asking about %q needs a URL longer than %d bytes", name, MaxComposerURLLen)
		}
		n++
	}
	if n > 0 {
		urls = append(urls, cur)
	}
	return urls, nil
}

// FetchComposer asks apiURL about packages with g, one GET per batch of
// [ComposerURLs], and merges the answers. As Composer does, a package an
// answer covers but its request did not name is dropped with a [Warning].
// Each body is capped at [MaxComposerSize]. The first failure ends the
// fetch: a [*feeds.FetchError] wrapped with the batch it was for, or a
// [*ParseError]. The API's answers depend on the query, so requests are
// not conditional.
func FetchComposer(ctx context.Context, g feeds.Getter, apiURL string, packages []string) (*ComposerAdvisories, error) {
	urls, err := ComposerURLs(apiURL, packages)
	if err != nil {
		return nil, err
	}
	g = capBody(g, MaxComposerSize)
	out := &ComposerAdvisories{Advisories: map[string][]ComposerAdvisory{}}
	for i, u := range urls {
		q, _ := url.Parse(u) // ComposerURLs built it
		asked := q.Query()["packages[]"]
		batch := fmt.Sprintf("batch %d of %d (%s … %s)", i+1, len(urls), asked[0], asked[len(asked)-1])
		resp, err := g.Get(ctx, feeds.URLRequest{URL: u, Accept: "application/json"})
		if err != nil {
			return nil, fmt.Errorf("composer advisories %s: %w", batch, err)
		}
		part, err := ParseComposer(feeds.RedactURL(u)+" "+batch, resp.Body)
		if err != nil {
			return nil, err
		}
		names := make([]string, 0, len(part.Advisories))
		for name := range part.Advisories {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if !slices.Contains(asked, name) {
				out.Warnings = append(out.Warnings, Warning{Name: name, Err: fmt.Errorf("answered in %s but not asked about", batch)})
				continue
			}
			out.Advisories[name] = part.Advisories[name]
		}
		out.Warnings = append(out.Warnings, part.Warnings...)
	}
	return out, nil
}
