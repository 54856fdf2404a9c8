package secdb

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/feeds/sa"
	"github.com/drupdate/drupdate/resolver/advisory"
)

// merger builds the advisory list from several sources, one record per
// advisory: the OSV record when there is one (its ranges are the most
// precise), else the first source's; later sources add what is missing
// (risk, aliases, a link).
type merger struct {
	byID     map[string]int // canonical id → index in list
	list     []advisory.Advisory
	warnings []string
}

// canonical is the id advisories are merged by: the OSV form
// ("DRUPAL-CONTRIB-2026-015") of drupal.org's SA ids, else the id.
func canonical(id string) string {
	if o := sa.OSVID(id); o != "" {
		return o
	}
	return strings.ToUpper(strings.TrimSpace(id))
}

// add merges a; it reports whether a was new. An advisory whose ranges do
// not compile is left out with a warning, so one bad record from a feed
// cannot stop the audit.
func (m *merger) add(source string, a advisory.Advisory) bool {
	a.ID = canonical(a.ID)
	if i, ok := m.byID[a.ID]; ok {
		cur := &m.list[i]
		if cur.Risk == nil {
			cur.Risk = a.Risk
		}
		if cur.Link == "" {
			cur.Link = a.Link
		}
		for _, al := range a.Aliases {
			if !containsFold(cur.Aliases, al) {
				cur.Aliases = append(cur.Aliases, al)
			}
		}
		return false
	}
	if len(a.Affected) > 0 {
		if _, err := advisory.Compile([]advisory.Advisory{a}); err != nil {
			m.warnings = append(m.warnings, fmt.Sprintf("%s: %s left out: %v", source, a.ID, err))
			return false
		}
	}
	m.put(a)
	return true
}

// put appends a new advisory, as it is: the OSV database's records are
// compiled with the rest, and a bad one fails the load.
func (m *merger) put(a advisory.Advisory) {
	m.byID[canonical(a.ID)] = len(m.list)
	m.list = append(m.list, a)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// fromComposer converts packages.drupal.org's advisories; apiURL says
// which repository (/7 is Drupal 7's).
func fromComposer(apiURL string, ca *sa.ComposerAdvisories) []advisory.Advisory {
	eco := advisory.EcosystemDrupalOrg8
	if strings.Contains(apiURL, "/7/") {
		eco = advisory.EcosystemDrupalOrg7
	}
	var out []advisory.Advisory
	for pkg, list := range ca.Advisories {
		for _, c := range list {
			a := advisory.Advisory{ID: c.AdvisoryID, Link: c.Link, Published: c.ReportedAt,
				Affected: []advisory.Affected{{Ecosystem: eco, Name: pkg, Ranges: []advisory.Range{{Type: advisory.RangeComposer, Text: c.AffectedVersions}}}}}
			if c.CVE != "" {
				a.Aliases = []string{c.CVE}
			}
			out = append(out, a)
		}
	}
	return out
}

// legacyVersion finds drupal.org's legacy versions in affected-versions
// text ("<8.x-1.19").
var legacyVersion = regexp.MustCompile(`\b[5-8]\.x-\d+\.\d+(?:-[A-Za-z]+\d*)?\b`)

// fromRSS converts one security RSS item. drupal.org's affected-versions
// field mixes Composer's grammar with drupal.org versions ("<8.x-1.19",
// ">=7.x-2.0 <7.x-2.3"); each alternative is put in the generation its
// versions belong to, in Composer spelling. A PSA, or an item without a
// project or affected versions, gives only its risk to merge.
func fromRSS(it sa.Item) advisory.Advisory {
	a := advisory.Advisory{ID: it.ID, Aliases: it.CVEs, Link: it.Link, Published: it.Published}
	if it.Risk.Label != "" {
		a.Risk = &advisory.Risk{Label: it.Risk.Label, Score: it.Risk.Score, Vector: it.Risk.Vector}
	}
	if it.PSA || it.Project == "" || strings.TrimSpace(it.AffectedVersions) == "" {
		return a
	}
	pkg := advisory.PackageName(it.Project)
	if it.Core {
		a.Affected = append(a.Affected, advisory.Affected{Ecosystem: advisory.EcosystemPackagist, Name: pkg,
			Ranges: []advisory.Range{{Type: advisory.RangeComposer, Text: it.AffectedVersions}}})
		if d7 := advisory.Drupal7Core(it.AffectedVersions); d7 != nil {
			a.Affected = append(a.Affected, *d7)
		}
		return a
	}
	byEco := map[string][]string{}
	for _, alt := range splitOr(it.AffectedVersions) {
		eco := advisory.EcosystemDrupalOrg8
		alt = legacyVersion.ReplaceAllStringFunc(alt, func(v string) string {
			cv, err := advisory.ComposerVersion(v)
			if err != nil {
				return v // left for the compiler to refuse, with a warning
			}
			if cv.Core == 7 {
				eco = advisory.EcosystemDrupalOrg7
			}
			return cv.Composer
		})
		byEco[eco] = append(byEco[eco], alt)
	}
	for _, eco := range []string{advisory.EcosystemDrupalOrg8, advisory.EcosystemDrupalOrg7} {
		if alts := byEco[eco]; len(alts) > 0 {
			a.Affected = append(a.Affected, advisory.Affected{Ecosystem: eco, Name: pkg,
				Ranges: []advisory.Range{{Type: advisory.RangeComposer, Text: strings.Join(alts, " || ")}}})
		}
	}
	return a
}

// splitOr splits affected-versions text at Composer's "|" and "||".
func splitOr(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '|' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// fromPSA converts psa.json's security advisories (not its PSAs, which
// name no versions): each lists the installed versions that are
// insecure, matched exactly.
func fromPSA(p sa.PSA) (advisory.Advisory, bool) {
	id := sa.OSVID(findSAID(p.Title + " " + p.Link))
	if p.IsPSA || id == "" || len(p.Insecure) == 0 {
		return advisory.Advisory{}, false
	}
	a := advisory.Advisory{ID: id, Link: p.Link, Published: p.Published}
	pkg := advisory.PackageName(p.Project)
	byEco := map[string][]string{}
	for _, v := range p.Insecure {
		cv, err := advisory.ComposerVersion(v)
		if err != nil || cv.Dev {
			continue
		}
		eco := advisory.EcosystemDrupalOrg8
		if cv.Core == 7 {
			eco = advisory.EcosystemDrupalOrg7
		} else if p.Project == "drupal" {
			eco = advisory.EcosystemPackagist
		}
		byEco[eco] = append(byEco[eco], "=="+cv.Composer)
	}
	for _, eco := range []string{advisory.EcosystemPackagist, advisory.EcosystemDrupalOrg8, advisory.EcosystemDrupalOrg7} {
		if vs := byEco[eco]; len(vs) > 0 {
			a.Affected = append(a.Affected, advisory.Affected{Ecosystem: eco, Name: pkg,
				Ranges: []advisory.Range{{Type: advisory.RangeComposer, Text: strings.Join(vs, " || ")}}})
		}
	}
	return a, len(a.Affected) > 0
}

var saInText = regexp.MustCompile(`(?i)\bSA-(?:CORE|CONTRIB)-\d{4}-\d{3}\b`)

func findSAID(s string) string { return saInText.FindString(s) }

// loadFeeds reads the RSS feeds, psa.json and the Composer API into m.
func loadFeeds(ctx context.Context, src Sources, g feeds.Getter, packages []string, m *merger, db *DB) error {
	for _, api := range src.ComposerAPI {
		ca, err := sa.FetchComposer(ctx, g, api, packages)
		if err != nil {
			return fmt.Errorf("load advisories from %s: %w", feeds.RedactURL(api), err)
		}
		n := 0
		for _, a := range fromComposer(api, ca) {
			if m.add("composer api", a) {
				n++
			}
		}
		for _, w := range ca.Warnings {
			m.warnings = append(m.warnings, "composer api: "+w.Error())
		}
		db.Loaded = append(db.Loaded, Loaded{Source: "composer", From: feeds.RedactURL(api), Count: n})
	}
	for _, u := range src.RSS {
		f, _, err := sa.FetchFeed(ctx, g, feeds.URLRequest{URL: u})
		if err != nil {
			return fmt.Errorf("load advisories from %s: %w", feeds.RedactURL(u), err)
		}
		n := 0
		for _, it := range f.Items {
			if it.PSA {
				db.Notices = append(db.Notices, Notice{ID: it.ID, Title: it.Title, Project: it.Project, Link: it.Link, Published: it.Published})
				continue
			}
			if m.add("rss", fromRSS(it)) {
				n++
			}
		}
		for _, w := range f.Warnings {
			m.warnings = append(m.warnings, "rss: "+w.Error())
		}
		db.Loaded = append(db.Loaded, Loaded{Source: "rss", From: feeds.RedactURL(u), Count: n})
	}
	if src.PSA != "" {
		f, _, err := sa.FetchPSA(ctx, g, feeds.URLRequest{URL: src.PSA})
		if err != nil {
			return fmt.Errorf("load advisories from %s: %w", feeds.RedactURL(src.PSA), err)
		}
		n := 0
		for _, p := range f.Advisories {
			if p.IsPSA {
				db.Notices = append(db.Notices, Notice{ID: findPSAID(p.Link), Title: p.Title, Project: p.Project, Link: p.Link, Published: p.Published})
				continue
			}
			if a, ok := fromPSA(p); ok && m.add("psa.json", a) {
				n++
			}
		}
		for _, w := range f.Warnings {
			m.warnings = append(m.warnings, "psa.json: "+w.Error())
		}
		db.Loaded = append(db.Loaded, Loaded{Source: "psa.json", From: feeds.RedactURL(src.PSA), Count: n})
	}
	return nil
}

var psaInText = regexp.MustCompile(`(?i)\bPSA-\d{4}-\d{2}-\d{2}\b`)

func findPSAID(s string) string { return strings.ToUpper(psaInText.FindString(s)) }
