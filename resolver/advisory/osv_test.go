package advisory

import (
	"github.com/drupdate/drupdate/feeds/osv"
)

// fromOSV is the conversion the app will own: resolver packages may not
// import feeds, so tests do it here.
func fromOSV(entries []*osv.Entry) []Advisory {
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
		}
		out = append(out, a)
	}
	return out
}
