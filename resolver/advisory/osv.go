package advisory

import (
	"strings"

	"github.com/drupdate/drupdate/feeds/osv"
	"github.com/drupdate/drupdate/resolver/composer"
)

// FromOSV converts OSV records to advisories. The severity shown is the
// record's first score; the link is its ADVISORY reference, else its first
// WEB one.
//
// The Drupal database's drupal/core ranges are Drupal 8 and later only,
// but drupal.org's own field (database_specific.affected_versions) often
// names Drupal 7 too (">=7.0 <7.62 || >= 8.0.0 <8.5.9"). Its Drupal 7
// alternatives become a range for Drupal 7 core, so a 7.61 site is told
// about SA-CORE-2018-006 while no Drupal 7 version is ever matched against
// a Drupal 8+ range.
func FromOSV(entries []*osv.Entry) []Advisory {
	out := make([]Advisory, 0, len(entries))
	for _, e := range entries {
		a := Advisory{ID: e.ID, Aliases: e.Aliases, Published: e.Published, Withdrawn: !e.Withdrawn.IsZero()}
		for _, s := range e.Severity {
			a.Severity = s.Score
			break
		}
		for _, r := range e.References {
			if r.Type == osv.ReferenceAdvisory {
				a.Link = r.URL
				break
			}
			if r.Type == osv.ReferenceWeb && a.Link == "" {
				a.Link = r.URL
			}
		}
		for _, af := range e.Affected {
			x := Affected{Ecosystem: af.Package.Ecosystem, Name: af.Package.Name}
			for _, r := range af.Ranges {
				rr := Range{Type: r.Type, Text: r.DatabaseSpecific.Constraint}
				for _, ev := range r.Events {
					rr.Events = append(rr.Events, Event(ev))
				}
				x.Ranges = append(x.Ranges, rr)
			}
			a.Affected = append(a.Affected, x)
			if af.Package.Name == "drupal/core" && af.Package.Ecosystem == osv.EcosystemPackagist {
				if d7 := Drupal7Core(af.DatabaseSpecific.AffectedVersions); d7 != nil {
					a.Affected = append(a.Affected, *d7)
				}
			}
		}
		out = append(out, a)
	}
	return out
}

// Drupal7Core is the Drupal 7 core part of drupal.org's affected versions
// of a core advisory (">=7.0 <7.62 || >= 8.0.0 <8.5.9" gives ">=7.0
// <7.62"), or nil when it names no Drupal 7 version.
func Drupal7Core(affected string) *Affected {
	d7 := drupal7Alternatives(affected)
	if d7 == "" {
		return nil
	}
	return &Affected{Ecosystem: EcosystemDrupalOrg7, Name: "drupal/core", Ranges: []Range{{Type: RangeComposer, Text: d7}}}
}

// drupal7Alternatives keeps the alternatives of drupal.org's affected
// versions whose every bound is a Drupal 7 version.
func drupal7Alternatives(affected string) string {
	alts, err := composer.Alternatives(affected)
	if err != nil {
		return ""
	}
	var keep []string
	for _, a := range alts {
		ok := len(a.Comparisons) > 0
		for _, c := range a.Comparisons {
			ok = ok && strings.HasPrefix(c.Version, "7.")
		}
		if ok {
			keep = append(keep, strings.TrimSpace(a.Text))
		}
	}
	return strings.Join(keep, " || ")
}
