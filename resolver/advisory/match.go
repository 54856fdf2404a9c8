package advisory

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/drupdate/drupdate/internal/phpver"
	"github.com/drupdate/drupdate/resolver/composer"
)

// A Finding is one advisory that affects an installed project.
type Finding struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases,omitempty"`
	// Package is the Composer package name, "drupal/core" or "drupal/token".
	Package string `json:"package"`
	// Installed is the installed version as Composer spells it.
	Installed string `json:"installed"`
	// Range is the affected ranges that matched, as the record writes them
	// (database_specific.constraint, else the events), joined by " || ".
	Range string `json:"range"`
	// Fixed is the nearest fixed version above the installed one on the
	// same major (for a dev branch, on its line), or "" when the advisory
	// has no fix there.
	Fixed string `json:"fixed,omitempty"`
	// Severity is the record's severity score, if it has one.
	Severity string `json:"severity,omitempty"`
	// Risk is drupal.org's risk rating, when a source gave it.
	Risk *Risk `json:"risk,omitempty"`
	// Link is the advisory's ADVISORY reference, else its first WEB one.
	Link string `json:"link,omitempty"`
	// DevBranch is set when the installed version is a development branch,
	// judged by its line (see the package documentation).
	DevBranch bool `json:"dev_branch,omitempty"`
}

// An Advisory is one security advisory, as the matcher needs it. The
// caller builds it from an OSV record (feeds/osv): resolver packages do
// not import feeds.
type Advisory struct {
	ID        string
	Aliases   []string
	Published time.Time
	// Withdrawn advisories are left out.
	Withdrawn bool
	// Severity is a score to show, if the record has one.
	Severity string
	// Risk is drupal.org's rating, when a source (the security RSS feed)
	// gave it.
	Risk *Risk
	// Link is the advisory's page: its ADVISORY reference, else its WEB one.
	Link     string
	Affected []Affected
}

// Affected is one affected package of an advisory.
type Affected struct {
	Ecosystem string // OSV ecosystem, such as [EcosystemDrupalOrg8]
	Name      string // Composer name, such as "drupal/token"
	Ranges    []Range
}

// A Risk is drupal.org's risk rating of an advisory
// (https://www.drupal.org/drupal-security-team/security-risk-levels-defined):
// a label, a score out of 25 and the vector it was computed from.
type Risk struct {
	Label  string `json:"label"`            // "Moderately critical"
	Score  int    `json:"score"`            // 12
	Vector string `json:"vector,omitempty"` // "AC:Basic/A:User/CI:Some/II:None/E:Theoretical/TD:Default"
}

// String spells the risk as drupal.org does: "Moderately critical 12/25".
func (r *Risk) String() string {
	if r == nil {
		return ""
	}
	return fmt.Sprintf("%s %d/25", r.Label, r.Score)
}

// RangeComposer is the type of a range given as a Composer constraint
// (Range.Text), as packages.drupal.org's security-advisory API and
// drupal.org's own "affected versions" field write them.
const RangeComposer = "COMPOSER"

// A Range is an OSV range, or a Composer constraint.
type Range struct {
	// Type is "ECOSYSTEM" or "SEMVER" (Events are used), or
	// [RangeComposer] (Text is used); other types are left out.
	Type   string
	Events []Event
	// Text is the range as the record writes it for people
	// (database_specific.constraint in the Drupal database), if it does.
	Text string
}

// An Event is an OSV event; exactly one field is set. Its fields are those
// of feeds/osv's Event, so one converts to the other.
type Event struct {
	Introduced   string
	Fixed        string
	LastAffected string
	Limit        string
}

// OSV ecosystems of the Drupal advisory database.
const (
	EcosystemPackagist  = "Packagist"                               // drupal/core, Drupal 8+
	EcosystemDrupalOrg8 = "Packagist:https://packages.drupal.org/8" // contrib, Drupal 8+
	EcosystemDrupalOrg7 = "Packagist:https://packages.drupal.org/7" // contrib, Drupal 7
)

// An Installed project, as a site runs it.
type Installed struct {
	// Package is a Composer name ("drupal/token") or a drupal.org project
	// name ("token"; "drupal" is core).
	Package string
	// Version is the drupal.org version ("8.x-1.9", "9.2.0", "7.x-3.20",
	// "8.x-1.x-dev"); for core, its Composer version is the same.
	Version string
	// Datestamp is when a dev snapshot was packaged, if known.
	Datestamp time.Time
	// Library marks a package that is no drupal.org project (symfony/*,
	// guzzlehttp/guzzle): Version is then its Composer version ("v6.4.8",
	// "2.x-dev"), matched against Packagist's advisories.
	Library bool
}

// A Database holds compiled advisories. It is immutable and safe for
// concurrent use.
type Database struct {
	byKey map[key][]*affected
}

type key struct {
	core int // 7 or 8 (8 and later)
	name string
}

// affected is one record's entry for one package, compiled.
type affected struct {
	id        string
	aliases   []string
	published time.Time
	severity  string
	risk      *Risk
	link      string
	ranges    []compiledRange
	fixed     []bound // every fixed event of every range, ascending
}

type compiledRange struct {
	text   string
	events []event // sorted by version; ties: introduced, last_affected, fixed
}

type eventKind uint8

const (
	introduced eventKind = iota
	lastAffected
	fixed
	// introducedAfter is Composer's ">v": affected above v, not at it.
	// OSV has no such event.
	introducedAfter
)

type event struct {
	kind eventKind
	bound
}

type bound struct {
	version string // as the record writes it
	canon   []byte // canonical normalized version; nil for "0"
	major   string
}

// generation is the Drupal major an ecosystem's packages are for, or 0
// for ecosystems drupdate does not use.
func generation(ecosystem string) int {
	switch ecosystem {
	case EcosystemPackagist, EcosystemDrupalOrg8:
		return 8
	case EcosystemDrupalOrg7:
		return 7
	}
	return 0
}

// Compile prepares advisories for matching. Packages in ecosystems other
// than Drupal's Composer repositories and Packagist, withdrawn advisories,
// and ranges of type GIT are left out. A version that Composer cannot
// normalize is an error naming the advisory.
func Compile(advisories []Advisory) (*Database, error) {
	db := &Database{byKey: make(map[key][]*affected)}
	for _, e := range advisories {
		if e.Withdrawn {
			continue
		}
		for _, a := range e.Affected {
			gen := generation(a.Ecosystem)
			if gen == 0 {
				continue
			}
			c := &affected{id: e.ID, aliases: e.Aliases, published: e.Published, link: e.Link, severity: e.Severity, risk: e.Risk}
			for _, r := range a.Ranges {
				crs, err := compileRanges(r)
				if err != nil {
					return nil, fmt.Errorf("compile %s %s: %w", e.ID, a.Name, err)
				}
				for _, cr := range crs {
					c.ranges = append(c.ranges, cr)
					for _, ev := range cr.events {
						if ev.kind == fixed {
							c.fixed = append(c.fixed, ev.bound)
						}
					}
				}
			}
			if len(c.ranges) == 0 {
				continue
			}
			slices.SortFunc(c.fixed, func(x, y bound) int { return cmpBound(x, y) })
			k := key{gen, strings.ToLower(a.Name)}
			db.byKey[k] = append(db.byKey[k], c)
		}
	}
	return db, nil
}

// compileRanges compiles one range of any type used; other types give
// nothing.
func compileRanges(r Range) ([]compiledRange, error) {
	switch r.Type {
	case "ECOSYSTEM", "SEMVER":
		cr, err := compileRange(r)
		return []compiledRange{cr}, err
	case RangeComposer:
		return compileConstraint(r.Text)
	}
	return nil, nil
}

func compileRange(r Range) (compiledRange, error) {
	var cr compiledRange
	var parts []string
	for _, ev := range r.Events {
		var e event
		var op string
		switch {
		case ev.Introduced != "":
			e.kind, e.version, op = introduced, ev.Introduced, ">="
		case ev.Fixed != "":
			e.kind, e.version, op = fixed, ev.Fixed, "<"
		case ev.LastAffected != "":
			e.kind, e.version, op = lastAffected, ev.LastAffected, "<="
		default:
			continue // limit: only meaningful for GIT ranges
		}
		if e.kind == introduced && e.version == "0" {
			// OSV's "from the beginning": below every version.
			continue
		}
		b, err := newBound(e.version)
		if err != nil {
			return cr, err
		}
		e.bound = b
		cr.events = append(cr.events, e)
		parts = append(parts, op+e.version)
	}
	hasIntro := slices.ContainsFunc(r.Events, func(ev Event) bool { return ev.Introduced != "" })
	if !hasIntro {
		return cr, fmt.Errorf("range without an introduced event")
	}
	if slices.ContainsFunc(r.Events, func(ev Event) bool { return ev.Introduced == "0" }) {
		cr.events = slices.Insert(cr.events, 0, event{kind: introduced, bound: bound{version: "0"}})
	}
	slices.SortStableFunc(cr.events, func(x, y event) int {
		if c := cmpBound(x.bound, y.bound); c != 0 {
			return c
		}
		return int(x.kind) - int(y.kind)
	})
	cr.text = r.Text
	if cr.text == "" {
		cr.text = strings.Join(parts, " ")
	}
	return cr, nil
}

// compileConstraint turns a Composer constraint into one range per
// alternative. Composer widens "<2.0" to "<2.0.0.0-dev", which passes
// "2.0.0-beta1", a pre-release of the fix; here each bound is the version
// as written, compared the way OSV events are, so the pre-release is
// affected and the fix itself never is.
func compileConstraint(text string) ([]compiledRange, error) {
	alts, err := composer.Alternatives(text)
	if err != nil {
		return nil, err
	}
	out := make([]compiledRange, 0, len(alts))
	for _, alt := range alts {
		var lo, hi *event
		for _, cmp := range alt.Comparisons {
			var e event
			switch cmp.Op {
			case "*":
				continue
			case ">=", "==":
				e.kind = introduced
			case ">":
				e.kind = introducedAfter
			case "<":
				e.kind = fixed
			case "<=":
				e.kind = lastAffected
			default:
				return nil, fmt.Errorf("constraint %q: operator %s cannot bound a range", text, cmp.Op)
			}
			b, err := newBound(strings.TrimSuffix(cmp.Version, "-dev"))
			if err != nil {
				return nil, fmt.Errorf("constraint %q: %w", text, err)
			}
			e.bound = b
			// Show the version as written ("7.62", "1.5.0"), not
			// Composer's "7.62.0.0".
			e.bound.version = spelled(alt.Text, b.version)
			if cmp.Op == "==" {
				last := event{kind: lastAffected, bound: e.bound}
				hi = tighter(hi, &last, false)
			}
			if e.kind == introduced || e.kind == introducedAfter {
				lo = tighter(lo, &e, true)
			} else {
				hi = tighter(hi, &e, false)
			}
		}
		cr := compiledRange{text: strings.TrimSpace(alt.Text)}
		if lo == nil {
			lo = &event{kind: introduced, bound: bound{version: "0"}}
		}
		cr.events = append(cr.events, *lo)
		if hi != nil {
			if cmpBound(hi.bound, lo.bound) < 0 {
				continue // an empty range
			}
			cr.events = append(cr.events, *hi)
		}
		out = append(out, cr)
	}
	return out, nil
}

// versionToken finds the versions in a constraint's text.
var versionToken = regexp.MustCompile(`v?\d[0-9A-Za-z.+-]*`)

// spelled returns the version in text that normalizes to normalized, or
// normalized itself.
func spelled(text, normalized string) string {
	for _, tok := range versionToken.FindAllString(text, -1) {
		if n, err := composer.Normalize(tok); err == nil && n == normalized {
			return tok
		}
	}
	return normalized
}

// tighter returns the narrower of two bounds of the same side: the higher
// lower bound, or the lower upper bound.
func tighter(cur, next *event, lower bool) *event {
	if cur == nil {
		return next
	}
	c := cmpBound(next.bound, cur.bound)
	if lower && (c > 0 || c == 0 && next.kind == introducedAfter) || !lower && (c < 0 || c == 0 && next.kind == fixed) {
		return next
	}
	return cur
}

func newBound(v string) (bound, error) {
	n, err := composer.Normalize(v)
	if err != nil {
		return bound{}, fmt.Errorf("version %q: %w", v, err)
	}
	if strings.HasPrefix(n, "dev-") || composer.ParseStability(v) == "dev" {
		return bound{}, fmt.Errorf("version %q: a branch cannot bound a range", v)
	}
	return bound{version: v, canon: phpver.Canonical(nil, n), major: majorOf(n)}, nil
}

// cmpBound orders bounds; "0" (canon nil) is below everything.
func cmpBound(x, y bound) int {
	switch {
	case x.canon == nil && y.canon == nil:
		return 0
	case x.canon == nil:
		return -1
	case y.canon == nil:
		return 1
	}
	return phpver.CompareCanonical(x.canon, y.canon)
}

func majorOf(normalized string) string {
	if i := strings.IndexByte(normalized, '.'); i >= 0 {
		return normalized[:i]
	}
	return normalized
}

// PackageName turns a drupal.org project name into its Composer name:
// "drupal" is "drupal/core", "token" is "drupal/token"; a name with a
// slash is kept.
func PackageName(project string) string {
	switch {
	case strings.Contains(project, "/"):
		return strings.ToLower(project)
	case project == "drupal":
		return "drupal/core"
	}
	return "drupal/" + strings.ToLower(project)
}

// Match returns the advisories that affect p, in the order they were
// compiled. A version that is not a drupal.org version is an error, never
// a silent pass; so is one Composer cannot normalize, for a package that
// has advisories (others are not normalized at all).
func (db *Database) Match(p Installed) ([]Finding, error) {
	name := PackageName(p.Package)
	var v Version
	var err error
	if p.Library {
		if len(db.byKey[key{8, name}]) == 0 {
			return nil, nil // most libraries have no advisory: nothing to parse
		}
		v, err = libraryVersion(p.Version)
	} else {
		v, err = composerVersion(p.Version)
	}
	if err != nil {
		return nil, fmt.Errorf("match %s: %w", name, err)
	}
	core := v.Core
	if name == "drupal/core" {
		// Core's own major decides its generation: core 7.86 is Drupal 7.
		if m := majorOf(v.Composer); len(m) == 1 && m < "8" {
			core = int(m[0] - '0')
		}
	}
	switch {
	case core < 7:
		return nil, nil // Drupal 6 and older: no advisory database
	case core > 8:
		core = 8 // Drupal 8 and later share one repository
	}
	cands := db.byKey[key{core, name}]
	if len(cands) == 0 {
		return nil, nil
	}
	n, err := composer.Normalize(v.Composer)
	if err != nil {
		return nil, fmt.Errorf("match %s %s: %w", name, p.Version, err)
	}
	if v.Dev {
		return db.matchBranch(cands, name, v.Composer, p.Datestamp)
	}
	var buf [64]byte
	canon := phpver.Canonical(buf[:0], n)
	major := majorOf(n)
	var out []Finding
	for _, c := range cands {
		var hit []string
		for i := range c.ranges {
			if c.ranges[i].affects(canon) {
				hit = append(hit, c.ranges[i].text)
			}
		}
		if hit == nil {
			continue
		}
		f := c.finding(name, v.Composer, hit)
		for _, b := range c.fixed {
			if b.major == major && phpver.CompareCanonical(b.canon, canon) > 0 {
				f.Fixed = b.version
				break
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// affects is OSV's evaluation of one range at one version.
func (r *compiledRange) affects(canon []byte) bool {
	aff := false
	for i := range r.events {
		e := &r.events[i]
		c := 1 // canon against the event's version; "0" is below all
		if e.canon != nil {
			c = phpver.CompareCanonical(canon, e.canon)
		}
		switch e.kind {
		case introduced:
			if c >= 0 {
				aff = true
			}
		case introducedAfter:
			if c > 0 {
				aff = true
			}
		case fixed:
			if c >= 0 {
				aff = false
			}
		case lastAffected:
			if c > 0 {
				aff = false
			}
		}
		if c < 0 {
			break // events are sorted: none later applies
		}
	}
	return aff
}

func (c *affected) finding(pkg, installed string, hit []string) Finding {
	return Finding{
		ID:        c.id,
		Aliases:   c.aliases,
		Package:   pkg,
		Installed: installed,
		Range:     strings.Join(hit, " || "),
		Severity:  c.severity,
		Risk:      c.risk,
		Link:      c.link,
	}
}

// matchBranch judges a dev branch by its line (see the package doc).
func (db *Database) matchBranch(cands []*affected, name, installed string, datestamp time.Time) ([]Finding, error) {
	lo, hi, err := branchLine(installed)
	if err != nil {
		return nil, fmt.Errorf("match %s %s: %w", name, installed, err)
	}
	var out []Finding
	for _, c := range cands {
		var hit []string
		for i := range c.ranges {
			if c.ranges[i].reaches(lo, hi, datestamp, c.published) {
				hit = append(hit, c.ranges[i].text)
			}
		}
		if hit == nil {
			continue
		}
		f := c.finding(name, installed, hit)
		f.DevBranch = true
		for _, b := range c.fixed {
			if cmpBound(b, lo) >= 0 && cmpBound(b, hi) < 0 {
				f.Fixed = b.version
				break
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// branchLine is the half-open line [lo, hi) of versions a branch stands
// for: "1.x-dev" is [1.0.0.0-dev, 2.0.0.0-dev), "3.1.x-dev" is
// [3.1.0.0-dev, 3.2.0.0-dev).
func branchLine(branch string) (lo, hi bound, err error) {
	parts := strings.Split(strings.TrimSuffix(branch, ".x-dev"), ".")
	if len(parts) == 0 || len(parts) > 2 {
		return lo, hi, fmt.Errorf("branch %q: not a line", branch)
	}
	last := parts[len(parts)-1]
	var next string
	if n, ok := incr(last); ok {
		next = n
	} else {
		return lo, hi, fmt.Errorf("branch %q: not a line", branch)
	}
	prefix := strings.Join(parts[:len(parts)-1], ".")
	if prefix != "" {
		prefix += "."
	}
	mk := func(v string) bound {
		n, _ := composer.Normalize(v)
		return bound{version: v, canon: phpver.Canonical(nil, n), major: majorOf(n)}
	}
	zero := ".0"
	if len(parts) == 1 {
		zero = ".0.0"
	}
	return mk(prefix + last + zero + "-dev"), mk(prefix + next + zero + "-dev"), nil
}

// incr adds one to a decimal number.
func incr(s string) (string, bool) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return "", false
	}
	return phpver.AddOne(s), true
}

// reaches reports whether the range affects some version of the line
// [lo, hi) and no fix on that line has reached a snapshot dated
// datestamp (see the package doc).
func (r *compiledRange) reaches(lo, hi bound, datestamp, published time.Time) bool {
	// The affected intervals of the range, walked in order.
	start, in := bound{}, false
	overlaps := false
	for _, e := range r.events {
		switch e.kind {
		case introduced, introducedAfter:
			if !in {
				start, in = e.bound, true
			}
		case fixed, lastAffected:
			if !in {
				continue
			}
			in = false
			end := e.bound
			// [start, end) (or [start, end] for last_affected) meets [lo, hi)?
			below := cmpBound(end, lo) < 0 || (e.kind == fixed && cmpBound(end, lo) == 0)
			if cmpBound(start, hi) < 0 && !below {
				overlaps = true
				if e.kind == fixed && cmpBound(end, hi) < 0 && !datestamp.IsZero() && !published.IsZero() && !datestamp.Before(published) {
					overlaps = false // fixed on this line before the snapshot was made
				}
			}
		}
		if overlaps {
			return true
		}
	}
	return in && cmpBound(start, hi) < 0
}
