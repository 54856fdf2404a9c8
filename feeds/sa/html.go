package sa

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// description is what an item's description says in drupal.org's field
// divs, as plain text.
type description struct {
	projectTitle, projectFromLink, machineName string
	risk, vulnerability, affected              string
	cves                                       []string
	releases                                   []Release
}

// The classes of the field divs read, in the order drupal.org writes them.
const (
	classProject     = "field-name-field-project"
	classMachineName = "project-machine-name"
	classRisk        = "field-name-field-sa-criticality"
	classType        = "field-name-field-sa-type"
	classAffected    = "field-name-field-affected-versions"
	classCVE         = "field-name-field-sa-cve"
	classSolution    = "field-name-field-sa-solution"
)

var fieldClasses = []string{classProject, classMachineName, classRisk, classType, classAffected, classCVE, classSolution}

var (
	cveID       = regexp.MustCompile(`\bCVE-\d{4}-\d{4,7}\b`)
	releasePath = regexp.MustCompile(`^/project/([a-z0-9_]{1,128})/releases/([0-9A-Za-z][0-9A-Za-z.+_-]{0,63})$`)
	projectPath = regexp.MustCompile(`^/project/([a-z0-9_]{1,128})(?:/|$)`)
)

// readDescription parses an item's description as HTML, as a browser
// would (x/net/html refuses nesting deeper than 512, which bounds the
// work), and reads the first div of each field class. Script, style and
// similar elements and field labels are never read as text, and only links
// to drupal.org project pages count.
func readDescription(s string) (description, error) {
	var d description
	if strings.TrimSpace(s) == "" {
		return d, nil
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return d, err
	}
	done := make(map[string]bool, len(fieldClasses))
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if hidden(n) {
				return
			}
			for _, c := range fieldClasses {
				if !done[c] && hasClass(n, c) {
					done[c] = true
					d.read(c, n)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	return d, nil
}

func (d *description) read(class string, n *html.Node) {
	switch class {
	case classProject:
		if a := find(n, func(c *html.Node) bool { return c.DataAtom == atom.A && attr(c, "href") != "" }); a != nil {
			d.projectTitle = text(a)
			if m := projectPath.FindStringSubmatch(drupalPath(attr(a, "href"))); m != nil {
				d.projectFromLink = m[1]
			}
		} else {
			d.projectTitle = text(n)
		}
	case classMachineName:
		t := text(n)
		if c := find(n, func(c *html.Node) bool { return c.DataAtom == atom.Code }); c != nil {
			t = text(c)
		}
		if machineName.MatchString(t) {
			d.machineName = t
		}
	case classRisk:
		d.risk = text(n)
	case classType:
		var types []string
		walk(n, func(c *html.Node) bool {
			if hasClass(c, "field-item") {
				if t := text(c); t != "" {
					types = append(types, t)
				}
				return false
			}
			return true
		})
		if len(types) == 0 {
			d.vulnerability = text(n)
		} else {
			d.vulnerability = strings.Join(types, ", ")
		}
	case classAffected:
		d.affected = text(n)
	case classCVE:
		for _, id := range cveID.FindAllString(strings.ToUpper(text(n)), -1) {
			if len(d.cves) > maxListLen {
				break // one over the cap is enough for parseItem to refuse the item
			}
			if !slices.Contains(d.cves, id) {
				d.cves = append(d.cves, id)
			}
		}
	case classSolution:
		walk(n, func(c *html.Node) bool {
			if c.DataAtom == atom.A && len(d.releases) <= maxListLen {
				if m := releasePath.FindStringSubmatch(drupalPath(attr(c, "href"))); m != nil {
					r := Release{Project: m[1], Version: m[2]}
					if !slices.Contains(d.releases, r) {
						d.releases = append(d.releases, r)
					}
				}
			}
			return true
		})
	}
}

// drupalPath returns the path of href when it points into drupal.org
// (absolute over http(s), or relative to the site root), else "".
func drupalPath(href string) string {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return ""
	}
	switch {
	case u.Scheme == "" && u.Host == "":
	case (u.Scheme == "http" || u.Scheme == "https") && (u.Host == "www.drupal.org" || u.Host == "drupal.org"):
	default:
		return ""
	}
	return u.Path
}

// hidden reports elements whose content is not text a reader sees.
func hidden(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe, atom.Object, atom.Textarea, atom.Title, atom.Svg, atom.Math:
		return true
	}
	return hasClass(n, "field-label")
}

// block elements separate words in text.
func block(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Div, atom.P, atom.Br, atom.Li, atom.Ul, atom.Ol, atom.Td, atom.Th, atom.Tr, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Pre:
		return true
	}
	return false
}

// text returns n's visible text as one cleaned line.
func text(n *html.Node) string {
	var b strings.Builder
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if hidden(n) {
				return
			}
		}
		sep := n.Type == html.ElementNode && block(n)
		if sep {
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
		if sep {
			b.WriteByte(' ')
		}
	}
	visit(n)
	return cleanText(b.String())
}

// htmlText returns the text of an HTML fragment, such as an item title.
func htmlText(s string) (string, error) {
	if !strings.ContainsAny(s, "<&") {
		return cleanText(s), nil
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return "", err
	}
	return text(doc), nil
}

// walk calls f on n's visible element descendants in document order,
// descending into an element only while f returns true.
func walk(n *html.Node, f func(*html.Node) bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || hidden(c) {
			continue
		}
		if f(c) {
			walk(c, f)
		}
	}
}

// find returns the first visible element under n that f accepts.
func find(n *html.Node, f func(*html.Node) bool) *html.Node {
	var found *html.Node
	walk(n, func(c *html.Node) bool {
		if found == nil && f(c) {
			found = c
		}
		return found == nil
	})
	return found
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}
