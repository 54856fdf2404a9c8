package slack

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/drupdate/drupdate/notify"
)

// Slack's limits (https://docs.slack.dev/reference/block-kit/blocks).
const (
	maxBlocks = 50
	maxText   = 3000 // a section's or context element's text
	maxField  = 2000 // a section field
	maxHeader = 150
)

type payload struct {
	Text   string  `json:"text"`
	Blocks []block `json:"blocks"`
}

type block struct {
	Type     string `json:"type"`
	Text     *text  `json:"text,omitempty"`
	Fields   []text `json:"fields,omitempty"`
	Elements []text `json:"elements,omitempty"`
}

type text struct {
	Type string `json:"type"` // "plain_text" or "mrkdwn"
	Text string `json:"text"`
}

func header(s string) block {
	return block{Type: "header", Text: &text{"plain_text", clip(s, maxHeader)}}
}

func section(mrkdwn string, fields ...text) block {
	return block{Type: "section", Text: &text{"mrkdwn", clip(mrkdwn, maxText)}, Fields: fields}
}

func contextBlock(mrkdwn string) block {
	return block{Type: "context", Elements: []text{{"mrkdwn", clip(mrkdwn, maxText)}}}
}

// build lays m out as Block Kit within Slack's limits.
func build(m *notify.Message) payload {
	summary := notify.Summary(m)
	blocks := []block{header(summary)}
	footer := contextBlock("drupdate message " + esc(m.ID))
	room := maxBlocks - len(blocks) - 1 // the footer's
	gs := notify.Groups(m.Alerts)
	var digest []string // a line an update, for a digest's compact list
	for i, g := range gs {
		if m.Digest && !g.Security() {
			for _, a := range g.Alerts {
				digest = append(digest, "• *"+esc(a.Project)+"* on *"+esc(a.Platform)+"* "+esc(versions(a))+sites(a)+" · "+code(a.Fix))
			}
			continue
		}
		bs := groupBlocks(g)
		need := len(bs)
		if i < len(gs)-1 {
			need++ // keep room for the "more" section
		}
		if need > room {
			// Security groups come first, so this names the digest's too.
			blocks = append(blocks, more(gs[i:]))
			digest, room = nil, 0
			break
		}
		blocks = append(blocks, bs...)
		room -= len(bs)
	}
	for len(digest) > 0 {
		var tail func(int) string
		if room == 1 {
			tail = func(n int) string { return fmt.Sprintf("…and %d more updates", n) }
		}
		text, used := fit(digest, tail)
		blocks = append(blocks, section(text))
		digest, room = digest[used:], room-1
		if tail != nil {
			break
		}
	}
	return payload{Text: summary, Blocks: append(blocks, footer)}
}

// groupBlocks shows one group: what it is, each platform with its fix,
// and the platforms at a glance.
func groupBlocks(g notify.Group) []block {
	// The title's parts are bounded so that clipping the section never
	// cuts a link open.
	name := esc(truncate(g.Title(), 300))
	title := "*" + name + "*"
	var fields []text
	field := func(name, value string) {
		if value != "" {
			fields = append(fields, text{"mrkdwn", clip("*"+name+"*\n"+esc(value), maxField)})
		}
	}
	if a := g.Advisory; a != nil {
		// Groups keeps only http(s) links; "|" would end the URL.
		if link := esc(strings.ReplaceAll(a.Link, "|", "%7C")); a.Link != "" && utf8.RuneCountInString(link) <= 1000 {
			title = "*<" + link + "|" + name + ">*"
		}
		field("CVE", strings.Join(g.Aliases(), ", "))
		// Platforms on different branches match different ranges.
		var ranges, fixed []string
		for _, a := range g.Alerts {
			if a.Advisory != nil {
				ranges, fixed = appendNew(ranges, a.Advisory.Range), appendNew(fixed, a.Advisory.Fixed)
			}
		}
		field("Affected", strings.Join(ranges, "; "))
		field("Fixed in", strings.Join(fixed, ", "))
	}
	var lines []string
	for _, a := range g.Alerts {
		lines = append(lines, "• *"+esc(a.Platform)+"* "+esc(versions(a))+sites(a)+"\n    "+code(a.Fix))
	}
	platforms, _ := fit(lines, func(n int) string { return fmt.Sprintf("…and %d more platforms", n) })
	return []block{
		section(title, fields...),
		section(platforms),
		contextBlock("Platforms: " + esc(strings.Join(g.Platforms(), ", "))),
	}
}

// more names the groups that did not fit.
func more(gs []notify.Group) block {
	lines := []string{fmt.Sprintf("*…and %d more:*", len(gs))}
	for _, g := range gs {
		platforms := "platforms"
		if len(g.Platforms()) == 1 {
			platforms = "platform"
		}
		lines = append(lines, fmt.Sprintf("• %s (%d %s)", esc(g.Title()), len(g.Platforms()), platforms))
	}
	text, _ := fit(lines, func(n int) string { return fmt.Sprintf("…and %d others", n) })
	return section(text)
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func sites(a notify.Alert) string {
	if len(a.Sites) == 0 {
		return ""
	}
	return " · sites: " + esc(strings.Join(a.Sites, ", "))
}

func versions(a notify.Alert) string {
	s := a.Installed
	if a.Recommended != "" {
		s += " → " + a.Recommended
	}
	switch {
	case a.From != "" && a.Status != "":
		s += " (" + a.From + " → " + a.Status + ")"
	case a.Status != "":
		s += " (" + a.Status + ")"
	}
	return s
}

// code shows a fix command verbatim in a code span, unless a backquote in
// it would end the span early.
func code(fix string) string {
	switch {
	case fix == "":
		return "_no fix command given_"
	case strings.Contains(fix, "`"):
		return esc(fix)
	}
	return "`" + esc(fix) + "`"
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// esc escapes text for mrkdwn, which reserves &, < and > for its own
// syntax (links, mentions).
func esc(s string) string { return escaper.Replace(s) }

// fit joins as many lines as maxText characters hold and says how many it
// took. Given a tail, it keeps room for tail(n) and ends with it when n
// lines are left out; without one it just stops.
func fit(lines []string, tail func(n int) string) (string, int) {
	var b strings.Builder
	size := 0
	for i, l := range lines {
		n := utf8.RuneCountInString(l)
		need := size + n
		if left := len(lines) - i - 1; left > 0 && tail != nil {
			need += 1 + utf8.RuneCountInString(tail(left))
		}
		if need > maxText && i > 0 {
			if tail != nil {
				b.WriteString(tail(len(lines) - i))
			}
			return strings.TrimSuffix(b.String(), "\n"), i
		}
		b.WriteString(l)
		b.WriteString("\n")
		size += n + 1
	}
	return strings.TrimSuffix(b.String(), "\n"), len(lines)
}

// clip cuts mrkdwn s to n characters, without splitting an escape.
func clip(s string, n int) string {
	t := truncate(s, n)
	if t == s {
		return s
	}
	t = strings.TrimSuffix(t, "…")
	if i := strings.LastIndexByte(t, '&'); i >= 0 && !strings.Contains(t[i:], ";") {
		t = t[:i]
	}
	return t + "…"
}

// truncate cuts s to n characters, the last an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
