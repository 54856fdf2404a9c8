package sa

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"

	"github.com/drupdate/drupdate/feeds"
)

// The drupal.org security RSS feeds.
const (
	FeedAll     = "https://www.drupal.org/security/rss.xml"
	FeedContrib = "https://www.drupal.org/security/contrib/rss.xml"
	FeedCore    = "https://www.drupal.org/security/core/rss.xml"
	FeedPSA     = "https://www.drupal.org/security/psa/rss.xml"
)

// Caps on RSS feeds. Real feeds are tens of items of a few KB each; the
// caps only stop hostile documents.
const (
	MaxFeedSize        = 4 << 20
	MaxFeedItems       = 1000
	MaxDescriptionSize = 256 << 10
	// maxXMLDepth bounds element nesting: gofeed reads unknown elements
	// recursively, so depth must be checked before it runs.
	maxXMLDepth = 64
	// maxListLen caps an item's CVE ids and fixed releases.
	maxListLen = 64
)

const formatRSS = "security RSS"

// A Feed is one parsed security RSS (or Atom) feed.
type Feed struct {
	Title string
	// Link is the feed's own address (atom:link rel="self") or, failing
	// that, its channel link.
	Link  string
	Items []Item
	// Warnings lists the items that were skipped.
	Warnings []Warning
}

// An Item is one advisory of a security feed. Every field is plain text,
// never markup: descriptions are parsed as HTML and only their text kept.
type Item struct {
	// ID is "SA-CONTRIB-2026-015", "SA-CORE-2026-003" or, for a public
	// service announcement, "PSA-2026-05-20". Every item has one.
	ID   string
	PSA  bool
	Core bool
	// Project is the project's machine name ("token"; "drupal" for core):
	// the project-machine-name div's, else the project link's, else
	// "drupal" for an SA-CORE id, else the title's project part when that
	// is a machine name once lower-cased, else "".
	Project      string
	ProjectTitle string
	Title        string
	// Link is the advisory page, kept only when it is an http(s) URL.
	Link string
	// Published is the item's date in UTC, to the second, or zero.
	Published     time.Time
	Risk          Risk
	Vulnerability string
	// AffectedVersions is drupal.org's text, such as "<3.0.2" or
	// ">=8.0.0 <10.6.13 || >=11.0.0 <11.1.2"; it is not always a
	// constraint ("All versions").
	AffectedVersions string
	CVEs             []string
	// FixedReleases are the releases the solution links to.
	FixedReleases []Release
}

// Risk is drupal.org's security risk rating
// (https://www.drupal.org/drupal-security-team/security-risk-levels-defined).
type Risk struct {
	Label string // "Moderately critical"
	// Score and Max are the rating, such as 12 of 25; both are 0 when the
	// item gives no score.
	Score, Max int
	// Vector is the rating's parts, such as
	// "AC:Basic/A:User/CI:Some/II:None/E:Theoretical/TD:Default".
	Vector string
}

// A Release is a project release a solution links to: the project's machine
// name and the drupal.org version ("8.x-1.15", "3.0.2").
type Release struct {
	Project, Version string
}

// ParseFeed reads a security RSS feed; source names it in errors. A
// document that is not RSS or Atom, is malformed, nests elements deeper
// than 64, is over [MaxFeedSize] or has more than [MaxFeedItems] items is a
// [*ParseError]. An item without an advisory id, or with a description or
// field over its cap, is skipped with a [Warning].
func ParseFeed(source string, data []byte) (*Feed, error) {
	if len(data) > MaxFeedSize {
		return nil, &ParseError{formatRSS, source, tooLarge(len(data), MaxFeedSize)}
	}
	if err := scanXML(data); err != nil {
		return nil, &ParseError{formatRSS, source, err}
	}
	gf, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	switch {
	case errors.Is(err, gofeed.ErrFeedTypeNotDetected):
		return nil, &ParseError{formatRSS, source, errors.New("not an RSS or Atom feed")}
	case err != nil:
		return nil, &ParseError{formatRSS, source, err}
	case gf.FeedType != "rss" && gf.FeedType != "atom":
		return nil, &ParseError{formatRSS, source, fmt.Errorf("not an RSS or Atom feed but %s", gf.FeedType)}
	}
	f := &Feed{Title: cut(cleanText(gf.Title), MaxFieldLen), Link: webURL(gf.FeedLink)}
	if f.Link == "" {
		f.Link = webURL(gf.Link)
	}
	for i, gi := range gf.Items {
		it, err := parseItem(gi)
		if err != nil {
			f.Warnings = append(f.Warnings, Warning{Index: i, Name: itemName(gi), Err: err})
			continue
		}
		f.Items = append(f.Items, it)
	}
	return f, nil
}

// scanXML checks nesting depth and counts items before gofeed runs, with
// the decoder settings gofeed uses. A syntax error ends the scan without
// an error; gofeed reports it. End tags never lower the depth below zero,
// so the count is an upper bound on what gofeed sees.
func scanXML(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	depth, items := 0, 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				return fmt.Errorf("elements nest deeper than %d", maxXMLDepth)
			}
			if t.Name.Local == "item" || t.Name.Local == "entry" {
				items++
				if items > MaxFeedItems {
					return fmt.Errorf("%w: more than %d items", ErrTooLarge, MaxFeedItems)
				}
			}
		case xml.EndElement:
			depth = max(depth-1, 0)
		}
	}
}

// itemName names an item in a warning.
func itemName(gi *gofeed.Item) string {
	for _, s := range []string{gi.Title, gi.Link, gi.GUID} {
		if s = cleanText(s); s != "" {
			return cut(s, 120)
		}
	}
	return ""
}

func parseItem(gi *gofeed.Item) (Item, error) {
	desc := gi.Description
	if desc == "" {
		desc = gi.Content
	}
	if len(desc) > MaxDescriptionSize {
		return Item{}, fmt.Errorf("description of %d bytes, over the cap of %d", len(desc), MaxDescriptionSize)
	}
	title, err := htmlText(gi.Title)
	if err != nil {
		return Item{}, fmt.Errorf("title: %w", err)
	}
	d, err := readDescription(desc)
	if err != nil {
		return Item{}, fmt.Errorf("description: %w", err)
	}
	it := Item{Title: title, Link: webURL(gi.Link)}
	it.ID = findID(title)
	if it.ID == "" && it.Link != "" {
		u, _ := url.Parse(it.Link) // webURL parsed it
		it.ID = findID(u.Path)
	}
	if it.ID == "" {
		return Item{}, errors.New("no advisory id in the title or link")
	}
	it.PSA = strings.HasPrefix(it.ID, "PSA-")

	// Titles are "<Project> - <Risk> - <Vulnerability> - <ID>"; their
	// parts stand in for fields the description lacks.
	var tProject, tRisk, tVuln string
	if parts := strings.Split(title, " - "); len(parts) >= 2 {
		tProject = parts[0]
		if len(parts) >= 4 {
			tRisk = parts[1]
			tVuln = strings.Join(parts[2:len(parts)-1], " - ")
		}
	}
	it.Project = d.machineName
	if it.Project == "" {
		it.Project = d.projectFromLink
	}
	if it.Project == "" && strings.HasPrefix(it.ID, "SA-CORE-") {
		it.Project = "drupal"
	}
	if p := strings.ToLower(tProject); it.Project == "" && machineName.MatchString(p) {
		it.Project = p
	}
	it.Core = strings.HasPrefix(it.ID, "SA-CORE-") || it.Project == "drupal"
	it.ProjectTitle = firstNonEmpty(d.projectTitle, tProject)
	it.Risk = parseRisk(d.risk)
	if it.Risk.Label == "" && riskLabel.MatchString(tRisk) {
		it.Risk.Label = tRisk
	}
	it.Vulnerability = firstNonEmpty(d.vulnerability, tVuln)
	it.AffectedVersions = d.affected
	it.CVEs = d.cves
	it.FixedReleases = d.releases
	if len(it.CVEs) > maxListLen || len(it.FixedReleases) > maxListLen {
		return Item{}, fmt.Errorf("more than %d CVE ids or fixed releases", maxListLen)
	}
	for _, f := range []struct{ name, v string }{
		{"title", it.Title}, {"project title", it.ProjectTitle},
		{"vulnerability", it.Vulnerability}, {"affected versions", it.AffectedVersions},
	} {
		if len(f.v) > MaxFieldLen {
			return Item{}, fmt.Errorf("%s of %d bytes, over the cap of %d", f.name, len(f.v), MaxFieldLen)
		}
	}
	t := gi.PublishedParsed
	if t == nil {
		t = gi.UpdatedParsed
	}
	if t != nil {
		it.Published = utc(*t)
	}
	return it, nil
}

// webURL returns s when it is an absolute http(s) URL of at most
// MaxFieldLen bytes with nothing that needs cleaning, else "". It keeps
// javascript: and data: links out of items.
func webURL(s string) string {
	if len(s) > MaxFieldLen || s != cleanText(s) || strings.ContainsAny(s, " <>\"") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// FetchFeed gets one security feed ([FeedAll], [FeedContrib], …) with g and
// parses it. A conditional request that finds the feed unchanged returns a
// nil Feed and a Response with NotModified set. The Response carries the
// validators for the next request; on a parse error it is empty, so that
// a broken document is fetched again. Bodies over [MaxFeedSize] are
// refused while reading. A failed fetch is a [*feeds.FetchError], a failed
// parse a [*ParseError] naming the redacted URL.
func FetchFeed(ctx context.Context, g feeds.Getter, req feeds.URLRequest) (*Feed, feeds.Response, error) {
	if req.Accept == "" {
		req.Accept = "application/rss+xml, application/atom+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8"
	}
	resp, err := capBody(g, MaxFeedSize).Get(ctx, req)
	if err != nil || resp.NotModified {
		return nil, resp, err
	}
	f, err := ParseFeed(feeds.RedactURL(req.URL), resp.Body)
	if err != nil {
		return nil, feeds.Response{}, err
	}
	return f, resp, nil
}

// capBody lowers g's body cap to limit.
func capBody(g feeds.Getter, limit int64) feeds.Getter {
	if g.MaxBody <= 0 || g.MaxBody > limit {
		g.MaxBody = limit
	}
	return g
}

// parseRisk reads field-sa-criticality's text, such as
// "Moderately critical 12 ∕ 25 AC:Basic/A:User/…". drupal.org writes the
// score with U+2215 DIVISION SLASH; "/" and spaces around it are accepted
// too. Parts that do not look right are left empty.
func parseRisk(text string) Risk {
	var r Risk
	label, rest := text, ""
	if m := riskScore.FindStringSubmatchIndex(text); m != nil {
		score, _ := strconv.Atoi(text[m[2]:m[3]])
		top, _ := strconv.Atoi(text[m[4]:m[5]])
		if top > 0 && score <= top {
			r.Score, r.Max = score, top
		}
		label, rest = text[:m[2]], text[m[5]:]
	} else if i := strings.LastIndexByte(text, ' '); riskVector.MatchString(text[i+1:]) {
		label, rest = text[:max(i, 0)], text[i+1:]
	}
	if label = strings.TrimSpace(label); riskLabel.MatchString(label) {
		r.Label = label
	}
	if f := strings.Fields(rest); len(f) > 0 && riskVector.MatchString(f[0]) {
		r.Vector = f[0]
	}
	return r
}

var (
	riskScore   = regexp.MustCompile(`(?:^|\D)(\d{1,3})\s*[∕/⁄]\s*(\d{1,3})(?:\D|$)`)
	riskLabel   = regexp.MustCompile(`^[A-Za-z][A-Za-z ]{0,63}$`)
	riskVector  = regexp.MustCompile(`^[A-Z]{1,3}:[A-Za-z]{1,32}(?:/[A-Z]{1,3}:[A-Za-z]{1,32}){0,15}$`)
	machineName = regexp.MustCompile(`^[a-z0-9_]{1,128}$`)
)
