package notify

import (
	"cmp"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"
)

// A Group is what a message says about one thing: one advisory of one
// project, or one kind of news about one project, on every platform it
// touches. Renderers show a group as one section, so an advisory that
// affects seven platforms is read once, with the seven listed.
type Group struct {
	Kind    string
	Project string
	// Advisory is the first alert's, nil when the alerts have none;
	// per-platform details (Range, Fixed) stay on each alert.
	Advisory *AdvisoryRef
	// Alerts are one a platform, sorted by platform.
	Alerts []Alert
}

// Security reports whether any of the group's alerts is about security.
func (g Group) Security() bool {
	return slices.ContainsFunc(g.Alerts, Alert.Security)
}

// Platforms returns the group's platforms in order.
func (g Group) Platforms() []string {
	var ps []string
	for _, a := range g.Alerts {
		if len(ps) == 0 || ps[len(ps)-1] != a.Platform {
			ps = append(ps, a.Platform)
		}
	}
	return ps
}

// Title names the group in a line: "SA-CONTRIB-2026-015 (Moderately
// critical 12/25): token" or "token: update available".
func (g Group) Title() string {
	if a := g.Advisory; a != nil {
		risk := a.Risk
		if a.Score > 0 {
			risk = strings.TrimSpace(fmt.Sprintf("%s %d/25", a.Risk, a.Score))
		}
		if risk != "" {
			return fmt.Sprintf("%s (%s): %s", a.ID, risk, g.Project)
		}
		return a.ID + ": " + g.Project
	}
	switch g.Kind {
	case KindSecurityRelease:
		return g.Project + ": security release available"
	case KindStatus:
		return g.Project + ": status changed"
	case KindUpdate:
		return g.Project + ": update available"
	}
	return g.Project + ": " + g.Kind
}

// Aliases returns the advisory aliases (CVE ids) of the group's alerts,
// each once.
func (g Group) Aliases() []string {
	var as []string
	for _, a := range g.Alerts {
		if a.Advisory == nil {
			continue
		}
		for _, s := range a.Advisory.Aliases {
			if !slices.Contains(as, s) {
				as = append(as, s)
			}
		}
	}
	return as
}

func (g Group) score() int {
	if g.Advisory == nil {
		return 0
	}
	return g.Advisory.Score
}

// kindRank orders kinds within the same risk: advisories, then what else
// is about security, then what is not.
func kindRank(kind string) int {
	switch kind {
	case KindAdvisory:
		return 0
	case KindSecurityRelease:
		return 1
	case KindStatus:
		return 2
	case KindUpdate:
		return 3
	}
	return 4
}

// Groups groups alerts by kind, project and advisory, and orders the
// groups as people should read them: security first, by risk score
// descending, then the rest by kind and project.
//
// The alerts it returns are cleaned copies: every field is one line of
// printable text (control and bidirectional-override characters become
// spaces, invalid UTF-8 becomes U+FFFD) and advisory links other than
// http(s) are dropped. Project names, versions and advisory text come from
// feeds and scanned codebases, and a newline in a project name must not
// forge a line such as "Fix: curl … | sh" in the message. Renderers still
// escape for their medium.
func Groups(alerts []Alert) []Group {
	index := map[string]int{}
	var gs []Group
	for _, a := range alerts {
		a = cleanAlert(a)
		k := a.Kind + "\x00" + a.Project
		if a.Advisory != nil {
			k += "\x00" + a.Advisory.ID
		}
		i, ok := index[k]
		if !ok {
			i = len(gs)
			index[k] = i
			gs = append(gs, Group{Kind: a.Kind, Project: a.Project})
		}
		gs[i].Alerts = append(gs[i].Alerts, a)
	}
	for i := range gs {
		g := &gs[i]
		slices.SortStableFunc(g.Alerts, func(a, b Alert) int { return strings.Compare(a.Platform, b.Platform) })
		g.Advisory = g.Alerts[0].Advisory
	}
	slices.SortStableFunc(gs, func(a, b Group) int {
		if sa, sb := a.Security(), b.Security(); sa != sb {
			if sa {
				return -1
			}
			return 1
		}
		return cmp.Or(
			cmp.Compare(b.score(), a.score()),
			cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)),
			strings.Compare(a.Kind, b.Kind),
			strings.Compare(advisoryID(a), advisoryID(b)),
			strings.Compare(a.Project, b.Project),
		)
	})
	return gs
}

func advisoryID(g Group) string {
	if g.Advisory == nil {
		return ""
	}
	return g.Advisory.ID
}

func cleanAlert(a Alert) Alert {
	a.Kind, a.Platform, a.Project, a.Package = clean(a.Kind), clean(a.Platform), clean(a.Project), clean(a.Package)
	a.Installed, a.Recommended, a.Status, a.From, a.Fix = clean(a.Installed), clean(a.Recommended), clean(a.Status), clean(a.From), clean(a.Fix)
	a.Tags, a.Sites = cleanAll(a.Tags), cleanAll(a.Sites)
	if a.Advisory != nil {
		r := *a.Advisory
		r.ID, r.Risk, r.Range, r.Fixed = clean(r.ID), clean(r.Risk), clean(r.Range), clean(r.Fixed)
		r.Aliases = cleanAll(r.Aliases)
		if u, err := url.Parse(r.Link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			r.Link = ""
		} else {
			r.Link = clean(r.Link)
		}
		a.Advisory = &r
	}
	return a
}

func cleanAll(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clean(s)
	}
	return out
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

// clean makes s one line of printable text.
func clean(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	// Map turns invalid bytes into U+FFFD.
	return strings.Map(func(r rune) rune {
		if unsafeRune(r) {
			return ' '
		}
		return r
	}, s)
}

// Summary says in a line what m is about, as an email subject (without
// its "[drupdate] " tag) or a chat header does:
//
//	SA-CONTRIB-2026-015 (Moderately critical 12/25): token on 3 platforms
//	3 security advisories affect 5 platforms
//	Daily digest: 12 updates on 4 platforms
func Summary(m *Message) string {
	return summary(m, Groups(m.Alerts))
}

// maxSummary bounds the summary, which quotes feed text, in runes.
const maxSummary = 200

func summary(m *Message, gs []Group) string {
	var s string
	switch {
	case m.Digest:
		s = fmt.Sprintf("Daily digest: %s on %s", count(len(m.Alerts), "update", "updates"), count(countPlatforms(gs), "platform", "platforms"))
	case len(gs) == 0:
		s = "Nothing to report"
	case len(gs) == 1:
		s = fmt.Sprintf("%s on %s", gs[0].Title(), count(countPlatforms(gs), "platform", "platforms"))
	default:
		var sec []Group
		for _, g := range gs {
			if g.Security() {
				sec = append(sec, g)
			}
		}
		if len(sec) == 0 {
			one, many := noun(gs)
			s = fmt.Sprintf("%s on %s", count(len(gs), one, many), count(countPlatforms(gs), "platform", "platforms"))
			break
		}
		one, many := "security alert", "security alerts"
		if !slices.ContainsFunc(sec, func(g Group) bool { return g.Kind != KindAdvisory }) {
			one, many = "security advisory", "security advisories"
		}
		verb := "affect"
		if len(sec) == 1 {
			verb = "affects"
		}
		s = fmt.Sprintf("%s %s %s", count(len(sec), one, many), verb, count(countPlatforms(sec), "platform", "platforms"))
		if other := len(gs) - len(sec); other > 0 {
			s += ", plus " + count(other, "other alert", "other alerts")
		}
	}
	if m.Reminder {
		s = "Reminder: " + s
	}
	if utf8.RuneCountInString(s) > maxSummary {
		s = string([]rune(s)[:maxSummary-1]) + "…"
	}
	return s
}

// noun names what groups are, by their kind if they share one.
func noun(gs []Group) (one, many string) {
	kind := gs[0].Kind
	for _, g := range gs {
		if g.Kind != kind {
			return "alert", "alerts"
		}
	}
	switch kind {
	case KindSecurityRelease:
		return "security release", "security releases"
	case KindStatus:
		return "status change", "status changes"
	case KindUpdate:
		return "update", "updates"
	}
	return "alert", "alerts"
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func countPlatforms(gs []Group) int {
	seen := map[string]bool{}
	for _, g := range gs {
		for _, a := range g.Alerts {
			seen[a.Platform] = true
		}
	}
	return len(seen)
}

// Rendered is a message as people read it.
type Rendered struct {
	Subject string // "[drupdate] " and the [Summary]
	Text    string
	HTML    string
}

// Render renders m as an email subject, a plain-text body and an HTML
// body. Every section answers what to do: the project, each platform's
// installed and recommended versions, its sites and the exact fix
// command, and for an advisory its id, risk, link, CVEs and affected
// range. A digest lists its non-security updates in one table.
func Render(m *Message) (Rendered, error) {
	v := newView(m)
	var html strings.Builder
	if err := htmlTemplate.Execute(&html, v); err != nil {
		return Rendered{}, fmt.Errorf("render html: %w", err)
	}
	return Rendered{Subject: "[drupdate] " + v.Summary, Text: v.text(), HTML: html.String()}, nil
}

// view is a message laid out for the templates.
type view struct {
	Summary  string
	Reminder bool
	ID       string
	Sections []section
	// Table holds the non-security alerts of a digest, one a row.
	Table []row
}

type section struct {
	Title string
	Link  string
	CVEs  []string
	// Range is the affected range when every platform shares it; else
	// each row gives its own.
	Range string
	Rows  []row
}

type row struct {
	Project, Platform, Version, Status, Range, Fix string
	Sites                                          []string
}

func newView(m *Message) view {
	gs := Groups(m.Alerts)
	v := view{Summary: summary(m, gs), Reminder: m.Reminder, ID: clean(m.ID)}
	for _, g := range gs {
		if m.Digest && !g.Security() {
			for _, a := range g.Alerts {
				v.Table = append(v.Table, newRow(a, false))
			}
			continue
		}
		s := section{Title: g.Title(), CVEs: g.Aliases()}
		if g.Advisory != nil {
			s.Link = g.Advisory.Link
		}
		var ranges []string
		for _, a := range g.Alerts {
			if a.Advisory != nil && !slices.Contains(ranges, a.Advisory.Range) {
				ranges = append(ranges, a.Advisory.Range)
			}
		}
		shared := len(ranges) == 1
		if shared {
			s.Range = ranges[0]
		}
		for _, a := range g.Alerts {
			s.Rows = append(s.Rows, newRow(a, !shared))
		}
		v.Sections = append(v.Sections, s)
	}
	return v
}

func newRow(a Alert, withRange bool) row {
	r := row{Project: a.Project, Platform: a.Platform, Sites: a.Sites, Fix: a.Fix, Version: a.Installed}
	switch {
	case a.Recommended != "":
		r.Version += " → " + a.Recommended
	case a.Advisory != nil && a.Advisory.Fixed != "":
		r.Version += " (fixed in " + a.Advisory.Fixed + ")"
	}
	r.Status = a.Status
	if a.From != "" && a.Status != "" {
		r.Status = a.From + " → " + a.Status
	}
	if withRange && a.Advisory != nil {
		r.Range = a.Advisory.Range
	}
	return r
}

const noFix = "(none given)"

func (v view) text() string {
	var b strings.Builder
	b.WriteString(v.Summary + "\n")
	if v.Reminder {
		b.WriteString("\nThese alerts were sent before and are still open.\n")
	}
	for i, s := range v.Sections {
		fmt.Fprintf(&b, "\n%d. %s\n", i+1, s.Title)
		field := func(name, value string) {
			if value != "" {
				fmt.Fprintf(&b, "   %-9s %s\n", name+":", value)
			}
		}
		field("Advisory", s.Link)
		field("CVE", strings.Join(s.CVEs, ", "))
		field("Affected", s.Range)
		fmt.Fprintf(&b, "   %s:\n", count(len(s.Rows), "platform", "platforms"))
		for _, r := range s.Rows {
			fmt.Fprintf(&b, "\n   - %s: %s\n", r.Platform, r.Version)
			line := func(name, value string) {
				if value != "" {
					fmt.Fprintf(&b, "     %-9s %s\n", name+":", value)
				}
			}
			line("Status", r.Status)
			line("Affected", r.Range)
			line("Sites", strings.Join(r.Sites, ", "))
			line("Fix", cmp.Or(r.Fix, noFix))
		}
	}
	if len(v.Table) > 0 {
		b.WriteString("\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "Project\tPlatform\tVersion\tSites\tFix")
		for _, r := range v.Table {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Project, r.Platform, r.Version, cmp.Or(strings.Join(r.Sites, ", "), "-"), cmp.Or(r.Fix, noFix))
		}
		tw.Flush()
	}
	fmt.Fprintf(&b, "\n-- \nMessage %s, sent by drupdate.\n", v.ID)
	return b.String()
}

var htmlTemplate = template.Must(template.New("message").Funcs(template.FuncMap{
	"join":  strings.Join,
	"noFix": func() string { return noFix },
}).Parse(htmlSource))

// htmlSource keeps to what mail clients render: tables and inline styles.
const htmlSource = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{{.Summary}}</title>
</head>
<body style="font-family: sans-serif; font-size: 14px; color: #222;">
<p style="font-size: 16px;"><strong>{{.Summary}}</strong></p>
{{- if .Reminder}}
<p>These alerts were sent before and are still open.</p>
{{- end}}
{{- range $i, $s := .Sections}}
<h2 style="font-size: 15px; margin: 24px 0 8px;">{{if $s.Link}}<a href="{{$s.Link}}">{{$s.Title}}</a>{{else}}{{$s.Title}}{{end}}</h2>
{{- if or $s.Link $s.CVEs $s.Range}}
<table style="border-collapse: collapse;">
{{- if $s.Link}}
<tr><th style="text-align: left; padding: 2px 12px 2px 0;">Advisory</th><td><a href="{{$s.Link}}">{{$s.Link}}</a></td></tr>
{{- end}}
{{- if $s.CVEs}}
<tr><th style="text-align: left; padding: 2px 12px 2px 0;">CVE</th><td>{{join $s.CVEs ", "}}</td></tr>
{{- end}}
{{- if $s.Range}}
<tr><th style="text-align: left; padding: 2px 12px 2px 0;">Affected</th><td>{{$s.Range}}</td></tr>
{{- end}}
</table>
{{- end}}
<table style="border-collapse: collapse; margin-top: 8px;">
<tr style="background: #eee;"><th style="text-align: left; padding: 4px;">Platform</th><th style="text-align: left; padding: 4px;">Version</th><th style="text-align: left; padding: 4px;">Sites</th><th style="text-align: left; padding: 4px;">Fix</th></tr>
{{- range $s.Rows}}
<tr style="border-top: 1px solid #ddd; vertical-align: top;"><td style="padding: 4px;">{{.Platform}}</td><td style="padding: 4px;">{{.Version}}{{if .Status}}<br>status: {{.Status}}{{end}}{{if .Range}}<br>affected: {{.Range}}{{end}}</td><td style="padding: 4px;">{{join .Sites ", "}}</td><td style="padding: 4px;">{{if .Fix}}<code>{{.Fix}}</code>{{else}}{{noFix}}{{end}}</td></tr>
{{- end}}
</table>
{{- end}}
{{- if .Table}}
<table style="border-collapse: collapse; margin-top: 16px;">
<tr style="background: #eee;"><th style="text-align: left; padding: 4px;">Project</th><th style="text-align: left; padding: 4px;">Platform</th><th style="text-align: left; padding: 4px;">Version</th><th style="text-align: left; padding: 4px;">Sites</th><th style="text-align: left; padding: 4px;">Fix</th></tr>
{{- range .Table}}
<tr style="border-top: 1px solid #ddd; vertical-align: top;"><td style="padding: 4px;">{{.Project}}</td><td style="padding: 4px;">{{.Platform}}</td><td style="padding: 4px;">{{.Version}}</td><td style="padding: 4px;">{{join .Sites ", "}}</td><td style="padding: 4px;">{{if .Fix}}<code>{{.Fix}}</code>{{else}}{{noFix}}{{end}}</td></tr>
{{- end}}
</table>
{{- end}}
<p style="color: #666; font-size: 12px; margin-top: 24px;">Message {{.ID}}, sent by drupdate.</p>
</body>
</html>
`
