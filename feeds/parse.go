package feeds

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/drupdate/drupdate/internal/drupal"
)

// maxDepth bounds element nesting. Real feeds nest five deep; libxml stops
// at 256, so a document nested 65 to 256 deep is the one well-formed input
// that Drupal reads and drupdate refuses.
const maxDepth = 64

// dcNS is the Dublin Core namespace of <dc:creator>.
const dcNS = "http://purl.org/dc/elements/1.1/"

var errTooDeep = errors.New("elements nested too deep")

// ParseHistory reads a release-history document, legacy (7.x) or modern
// (current), exactly as Drupal's update module reads it with PHP's
// SimpleXML (UpdateProcessor::parseXml, and update_parse_xml in Drupal 7).
// project only names the document in errors: like Drupal, the parser does
// not require short_name to match it.
//
// Every failure is a *ParseError. A document libxml would reject, one
// without a short_name element, and the <error> document the server sends
// for unknown projects (a [*NoHistoryError]) all mean that a body arrived
// but holds no release history.
func ParseHistory(project string, body []byte) (*drupal.History, error) {
	h, err := parse(body)
	if err != nil {
		return nil, &ParseError{Project: project, Err: err}
	}
	return h, nil
}

func parse(body []byte) (*drupal.History, error) {
	doc, decl, err := prolog(body)
	if err != nil {
		return nil, err
	}
	p := &parser{doc: doc, lineBase: decl.lines, standalone: decl.standalone, dec: xml.NewDecoder(bytes.NewReader(doc))}
	// Most feeds name their releases <release>; counting them saves
	// growing the slice. The cap keeps a document of empty <release>s,
	// which all share one key, from reserving memory for each.
	p.h.Releases = make([]drupal.Release, 0, min(bytes.Count(doc, []byte("<release>")), 1024))
	// Go decodes a reference to a surrogate to U+FFFD where libxml fails.
	// Such references are rare enough to be looked for only where the
	// document has one.
	p.surrogateRefs = checkCharRefs(doc) != nil
	return p.run()
}

// role is what an element is to the parser, decided from its parent's
// role and its own name.
type role uint8

const (
	roleSkip     role = iota // ignored with all it holds
	roleRoot                 // the document element, whatever its name
	roleValue                // an element whose direct text is kept
	roleReleases             // the root's first <releases>
	roleRelease              // any element child of it
	roleTerms                // the first <terms> of the root or of a release
	roleTerm                 // any element child of it
	roleFiles                // a release's first <files>
	roleFile                 // a <file> child of it
)

// Bits of frame.seen: the children of which only the first counts.
const (
	seenReleases = 1 << iota
	seenTerms
	seenFiles
	seenVersion
	seenName
	seenValue
)

// frame is one open element.
type frame struct {
	name xml.Name
	role role
	seen uint8
	// For roleValue: where the text goes.
	opt *drupal.Opt
	str *string
	key bool // a release's first <version>, which also keys the release
	// For roleTerms and roleTerm: where terms go.
	terms *[]drupal.Term
	// The direct text, for roleValue and an <error> root. The buffer is
	// reused by every element opened at this depth.
	buf     []byte
	capture bool
}

type parser struct {
	doc        []byte // the document in UTF-8, after the XML declaration
	lineBase   int    // lines taken by the XML declaration
	standalone bool   // it says standalone="yes"
	dec        *xml.Decoder

	stack []frame // open elements; frames past depth keep their buffers
	depth int
	ns    scope

	sawRoot, sawDoctype bool
	surrogateRefs       bool   // the document has &#xD800; or the like somewhere
	errorRoot           bool   // the root is <error>
	rootText            string // its text
	hasShortName        bool

	h     drupal.History
	index map[string]int // release key → position in h.Releases
	rel   drupal.Release // the open release
	term  drupal.Term    // the open term
	file  drupal.File    // the open file
}

func (p *parser) run() (*drupal.History, error) {
	for {
		off := int(p.dec.InputOffset())
		if off+1 < len(p.doc) && p.doc[off] == '<' && p.doc[off+1] == '?' {
			if err := checkPI(p.doc[off:]); err != nil {
				return nil, p.errorf("%w", err)
			}
		}
		tok, err := p.dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("line %d: %s", se.Line+p.lineBase, se.Msg)
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			err = p.start(t, off)
		case xml.EndElement:
			err = p.end(t)
		case xml.CharData:
			err = p.text(t, off)
		case xml.Comment, xml.ProcInst:
			err = p.checkChars(off)
		case xml.Directive:
			err = p.directive(off)
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case !p.sawRoot:
		return nil, errors.New("no root element")
	case p.depth > 0:
		return nil, p.errorf("unexpected end of document: <%s> is not closed", qname(p.stack[p.depth-1].name))
	case !p.hasShortName && p.errorRoot:
		return nil, &NoHistoryError{Message: p.rootText}
	case !p.hasShortName:
		return nil, errNoShortName
	}
	p.h.Terms = groupTerms(p.h.Terms)
	if len(p.h.Releases) == 0 {
		p.h.Releases = nil
	}
	h := p.h // a copy, so that the History does not keep the parser alive
	return &h, nil
}

// checkChars checks the characters of the comment, processing instruction
// or directive that started at off. encoding/xml checks those of text,
// attribute values and names itself.
func (p *parser) checkChars(off int) error {
	if err := checkChars(p.doc[off:p.dec.InputOffset()]); err != nil {
		return p.errorf("%w", err)
	}
	return nil
}

// errorf returns an error at the decoder's position; format may use %w.
func (p *parser) errorf(format string, args ...any) error {
	line, _ := p.dec.InputPos()
	return fmt.Errorf("line %d: "+format, append([]any{line + p.lineBase}, args...)...)
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func (p *parser) start(t xml.StartElement, off int) error {
	if p.depth == 0 && p.sawRoot {
		return p.errorf("content after the root element")
	}
	if p.depth == maxDepth {
		return p.errorf("%w: more than %d levels", errTooDeep, maxDepth)
	}
	if p.depth == len(p.stack) {
		p.stack = append(p.stack, frame{})
	}
	f := &p.stack[p.depth]
	*f = frame{name: t.Name, buf: f.buf[:0]}
	p.depth++
	var covered bool
	if len(t.Attr) > 0 {
		if err := p.attrs(t, off); err != nil {
			return err
		}
		for _, a := range t.Attr {
			if a.Name == (xml.Name{Local: "covered"}) {
				covered = a.Value == "1"
			}
		}
	}
	if p.depth == 1 {
		f.role = roleRoot
		p.sawRoot = true
		if t.Name == (xml.Name{Local: "error"}) {
			p.errorRoot, f.capture = true, true
		}
		return nil
	}
	parent := &p.stack[p.depth-2]
	if parent.role == roleSkip || parent.role == roleValue {
		return nil // roleSkip
	}
	name, uri, plain := p.ns.resolve(t.Name)
	if !plain {
		if parent.role == roleRoot && name == "creator" && uri == dcNS {
			f.value(&p.h.Creator, nil)
		}
		return nil
	}
	switch parent.role {
	case roleRoot:
		p.projectChild(f, parent, name)
	case roleReleases:
		f.role = roleRelease
		p.rel = drupal.Release{}
	case roleRelease:
		p.releaseChild(f, parent, name, covered)
	case roleTerms:
		f.role, f.terms = roleTerm, parent.terms
		p.term = drupal.Term{}
	case roleTerm:
		switch {
		case name == "name" && parent.first(seenName):
			f.value(nil, &p.term.Name)
		case name == "value" && parent.first(seenValue):
			f.value(nil, &p.term.Value)
		}
	case roleFiles:
		if name == "file" {
			f.role = roleFile
			p.file = drupal.File{}
		}
	case roleFile:
		if s := fileField(&p.file, name); s != nil {
			f.value(nil, s)
		}
	}
	return nil
}

// value makes f an element whose text goes to opt or str.
func (f *frame) value(opt *drupal.Opt, str *string) {
	f.role, f.opt, f.str, f.capture = roleValue, opt, str, true
}

// first reports whether this is the first child of its kind, and records
// that it has been seen.
func (f *frame) first(bit uint8) bool {
	if f.seen&bit != 0 {
		return false
	}
	f.seen |= bit
	return true
}

func (p *parser) projectChild(f, root *frame, name string) {
	h := &p.h
	switch name {
	case "short_name":
		p.hasShortName = true
		f.value(nil, &h.ShortName)
	case "releases":
		if root.first(seenReleases) {
			f.role = roleReleases
		}
	case "terms":
		if root.first(seenTerms) {
			f.role, f.terms = roleTerms, &h.Terms
		}
	case "creator":
		if p.ns.lookup("") == dcNS { // <creator xmlns="http://purl.org/dc/elements/1.1/">
			f.value(&h.Creator, nil)
		}
	default:
		if o := projectField(h, name); o != nil {
			f.value(o, nil)
		}
	}
}

func projectField(h *drupal.History, name string) *drupal.Opt {
	switch name {
	case "title":
		return &h.Title
	case "link":
		return &h.Link
	case "type":
		return &h.Type
	case "api_version":
		return &h.APIVersion
	case "project_status":
		return &h.ProjectStatus
	case "supported_branches":
		return &h.SupportedBranches
	case "recommended_major":
		return &h.RecommendedMajor
	case "supported_majors":
		return &h.SupportedMajors
	case "default_major":
		return &h.DefaultMajor
	}
	return nil
}

func (p *parser) releaseChild(f, rel *frame, name string, covered bool) {
	r := &p.rel
	switch name {
	case "version":
		f.value(&r.Version, nil)
		f.key = rel.first(seenVersion)
	case "terms":
		if rel.first(seenTerms) {
			f.role, f.terms = roleTerms, &r.Terms
		}
	case "files":
		if rel.first(seenFiles) {
			f.role = roleFiles
		}
	case "security":
		f.value(&r.Security, nil)
		r.SecurityCovered = covered
	default:
		if o := releaseField(r, name); o != nil {
			f.value(o, nil)
		}
	}
}

func releaseField(r *drupal.Release, name string) *drupal.Opt {
	switch name {
	case "name":
		return &r.Name
	case "tag":
		return &r.Tag
	case "status":
		return &r.Status
	case "release_link":
		return &r.ReleaseLink
	case "download_link":
		return &r.DownloadLink
	case "date":
		return &r.Date
	case "mdhash":
		return &r.MDHash
	case "filesize":
		return &r.Filesize
	case "core_compatibility":
		return &r.CoreCompatibility
	case "version_major":
		return &r.VersionMajor
	case "version_minor":
		return &r.VersionMinor
	case "version_patch":
		return &r.VersionPatch
	case "version_extra":
		return &r.VersionExtra
	}
	return nil
}

func fileField(f *drupal.File, name string) *string {
	switch name {
	case "url":
		return &f.URL
	case "archive_type":
		return &f.ArchiveType
	case "md5":
		return &f.MD5
	case "size":
		return &f.Size
	case "filedate":
		return &f.FileDate
	case "variant":
		return &f.Variant
	}
	return nil
}

// attrs checks a start tag's attributes as libxml does and records its
// namespace declarations.
func (p *parser) attrs(t xml.StartElement, off int) error {
	tag := p.doc[off:p.dec.InputOffset()]
	if len(t.Attr) > 1 {
		if err := checkAttrSpacing(tag); err != nil {
			return p.errorf("<%s>: %w", qname(t.Name), err)
		}
		if dup := duplicateAttr(t.Attr); dup != "" {
			return p.errorf("<%s>: attribute %s redefined", qname(t.Name), dup)
		}
	}
	checked := false
	for _, a := range t.Attr {
		if p.surrogateRefs && !checked && strings.Contains(a.Value, "\uFFFD") {
			if err := checkCharRefs(tag); err != nil {
				return p.errorf("%w", err)
			}
			checked = true
		}
		if isDecl(a) && !p.ns.declare(a, p.depth) {
			return p.errorf("<%s>: attribute %s redefined", qname(t.Name), qname(a.Name))
		}
	}
	return nil
}

// duplicateAttr returns the name of an attribute, other than a namespace
// declaration, given twice, or "".
func duplicateAttr(attrs []xml.Attr) string {
	if len(attrs) <= 16 {
		for i, a := range attrs {
			for _, b := range attrs[:i] {
				if a.Name == b.Name && !isDecl(a) {
					return qname(a.Name)
				}
			}
		}
		return ""
	}
	seen := make(map[xml.Name]bool, len(attrs))
	for _, a := range attrs {
		if seen[a.Name] && !isDecl(a) {
			return qname(a.Name)
		}
		seen[a.Name] = true
	}
	return ""
}

func (p *parser) end(t xml.EndElement) error {
	if p.depth == 0 {
		return p.errorf("end tag </%s> without a start tag", qname(t.Name))
	}
	f := &p.stack[p.depth-1]
	if t.Name != f.name {
		return p.errorf("element <%s> closed by </%s>", qname(f.name), qname(t.Name))
	}
	switch f.role {
	case roleRoot:
		if f.capture {
			p.rootText = string(f.buf)
		}
	case roleValue:
		v := intern(f.buf)
		if f.opt != nil {
			*f.opt = drupal.Some(v)
		} else {
			*f.str = v
		}
		if f.key {
			p.rel.Key = v
		}
	case roleRelease:
		p.rel.Terms = groupTerms(p.rel.Terms)
		p.addRelease()
	case roleTerm:
		*f.terms = append(*f.terms, p.term)
	case roleFile:
		p.rel.Files = append(p.rel.Files, p.file)
	}
	p.ns.leave(p.depth)
	p.depth--
	return nil
}

// addRelease keys the open release by version as a PHP array does: a
// repeated key keeps the first position and takes the new data.
func (p *parser) addRelease() {
	if i, ok := p.index[p.rel.Key]; ok {
		p.h.Releases[i] = p.rel
		return
	}
	if p.index == nil {
		p.index = make(map[string]int)
	}
	p.index[p.rel.Key] = len(p.h.Releases)
	p.h.Releases = append(p.h.Releases, p.rel)
}

func (p *parser) text(t xml.CharData, off int) error {
	if p.depth == 0 {
		if !allBlank(p.doc[off:p.dec.InputOffset()]) {
			if p.sawRoot {
				return p.errorf("content after the root element")
			}
			return p.errorf("content before the root element")
		}
		return nil
	}
	if p.surrogateRefs && bytes.Contains(t, []byte("\uFFFD")) {
		if err := checkCharRefs(p.doc[off:p.dec.InputOffset()]); err != nil {
			return p.errorf("%w", err)
		}
	}
	if f := &p.stack[p.depth-1]; f.capture {
		f.buf = append(f.buf, t...)
	}
	return nil
}

func (p *parser) directive(off int) error {
	if p.sawRoot {
		return p.errorf("markup declaration inside or after the root element")
	}
	if p.sawDoctype {
		return p.errorf("second DOCTYPE")
	}
	p.sawDoctype = true
	if err := p.checkChars(off); err != nil {
		return err
	}
	end := int(p.dec.InputOffset())
	external, err := checkDoctype(p.doc[off+2 : end-1])
	if err != nil {
		return p.errorf("%w", err)
	}
	if external && !p.standalone {
		p.dec.Entity = undeclaredEntities(p.doc[end:])
	}
	return nil
}

// groupTerms orders terms as Drupal's name → values array lists them:
// names in order of first appearance, each name's values in document
// order.
func groupTerms(ts []drupal.Term) []drupal.Term {
	if len(ts) <= 16 {
		grouped := true
		for i := 1; i < len(ts) && grouped; i++ {
			if ts[i].Name == ts[i-1].Name {
				continue
			}
			for _, u := range ts[:i-1] {
				if u.Name == ts[i].Name {
					grouped = false
					break
				}
			}
		}
		if grouped {
			return ts
		}
	}
	group := make(map[string]int)
	var groups [][]drupal.Term
	for _, t := range ts {
		g, ok := group[t.Name]
		if !ok {
			g = len(groups)
			group[t.Name] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], t)
	}
	out := make([]drupal.Term, 0, len(ts))
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// intern returns the commonest values without allocating.
func intern(b []byte) string {
	switch string(b) {
	case "published":
		return "published"
	case "Release type":
		return "Release type"
	case "Bug fixes":
		return "Bug fixes"
	case "New features":
		return "New features"
	case "Security update":
		return "Security update"
	case "Insecure":
		return "Insecure"
	case "Unsupported":
		return "Unsupported"
	case "tar.gz":
		return "tar.gz"
	case "zip":
		return "zip"
	case "dev":
		return "dev"
	}
	return string(b)
}
