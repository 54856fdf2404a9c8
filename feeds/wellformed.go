package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// encoding/xml accepts some documents that libxml, and so Drupal, rejects:
// it does not match end tags or check what surrounds the root element in
// RawToken mode, takes any <!...> directive, lets attributes run together,
// turns a character reference to a surrogate into U+FFFD and does not check
// the characters of comments and processing instructions. This file holds
// the checks that close those gaps, and the XML declaration, which the
// parser reads itself.

var errUnsupported = errors.New("unsupported")

// isBlank is XML's S: the only characters libxml skips as white space.
func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func allBlank(b []byte) bool {
	for _, c := range b {
		if !isBlank(c) {
			return false
		}
	}
	return true
}

// declaration is what the parser needs from the XML declaration.
type declaration struct {
	lines      int  // lines it takes, for error positions
	standalone bool // standalone="yes"
}

// prolog strips a UTF-8 byte-order mark and the XML declaration and returns
// the rest of the document in UTF-8.
//
// The declaration is read here, not by encoding/xml, because Go only
// accepts version "1.0" and misses encoding = "..." written with spaces,
// both of which libxml accepts.
func prolog(body []byte) (doc []byte, d declaration, err error) {
	body = bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))
	if len(body) >= 2 && (body[0] == 0 || body[1] == 0 || body[0] == 0xFE && body[1] == 0xFF || body[0] == 0xFF && body[1] == 0xFE) {
		return nil, d, fmt.Errorf("%w encoding: UTF-16 and UTF-32 documents are not read", errUnsupported)
	}
	if len(body) < 6 || string(body[:5]) != "<?xml" || !isBlank(body[5]) {
		return body, d, nil
	}
	enc, standalone, n, err := xmlDecl(body)
	if err != nil {
		return nil, d, fmt.Errorf("line 1: XML declaration: %w", err)
	}
	d = declaration{lines: bytes.Count(body[:n], []byte("\n")), standalone: standalone}
	doc = body[n:]
	switch strings.ToLower(enc) {
	case "", "utf-8", "utf8":
	case "us-ascii", "ascii":
		for i, c := range doc {
			if c >= utf8.RuneSelf {
				return nil, d, fmt.Errorf("byte %#x at offset %d is not %s", c, n+i, enc)
			}
		}
	case "iso-8859-1", "iso_8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso-latin-1":
		doc = latin1ToUTF8(doc)
	case "utf-16", "utf16":
		return nil, d, fmt.Errorf("document labelled %s has 8-bit content", enc)
	default:
		return nil, d, fmt.Errorf("%w encoding %q: only UTF-8, US-ASCII and ISO-8859-1 are read", errUnsupported, enc)
	}
	return doc, d, nil
}

// latin1ToUTF8 converts ISO-8859-1, whose bytes are the first 256 code
// points.
func latin1ToUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// xmlDecl reads the declaration at the start of b with libxml's rules:
//
//	'<?xml' S 'version' Eq VersionNum (S 'encoding' Eq EncName)? (S 'standalone' Eq ('yes'|'no'))? S? '?>'
//
// where libxml takes any VersionNum starting "1." (with a warning) and
// '=' may have blanks around it. It returns the encoding, whether the
// document is standalone, and the declaration's length.
func xmlDecl(b []byte) (enc string, standalone bool, n int, err error) {
	i := 5
	blanks := func() bool {
		j := i
		for i < len(b) && isBlank(b[i]) {
			i++
		}
		return i > j
	}
	// value reads [S? name S? '=' S? quoted] at i, if name is there.
	value := func(name string) (string, bool, error) {
		if !bytes.HasPrefix(b[i:], []byte(name)) {
			return "", false, nil
		}
		i += len(name)
		blanks()
		if i >= len(b) || b[i] != '=' {
			return "", true, fmt.Errorf("no '=' after %s", name)
		}
		i++
		blanks()
		if i >= len(b) || b[i] != '"' && b[i] != '\'' {
			return "", true, fmt.Errorf("%s value not quoted", name)
		}
		q := b[i]
		end := bytes.IndexByte(b[i+1:], q)
		if end < 0 {
			return "", true, fmt.Errorf("%s value not closed", name)
		}
		v := string(b[i+1 : i+1+end])
		i += end + 2
		return v, true, nil
	}

	blanks()
	v, ok, err := value("version")
	switch {
	case err != nil:
		return "", false, 0, err
	case !ok:
		return "", false, 0, errors.New("no version")
	case !versionNum(v):
		return "", false, 0, fmt.Errorf("malformed version %q", v)
	case !strings.HasPrefix(v, "1."):
		return "", false, 0, fmt.Errorf("unsupported version %q", v)
	}
	sep := blanks()
	if !sep && !bytes.HasPrefix(b[i:], []byte("?>")) {
		return "", false, 0, errors.New("blank needed after version")
	}
	if enc, ok, err = value("encoding"); err != nil {
		return "", false, 0, err
	} else if ok {
		if !encName(enc) {
			return "", false, 0, fmt.Errorf("invalid encoding name %q", enc)
		}
		// libxml wants a blank before standalone only after an encoding
		// it has to switch to.
		sep = blanks()
		utf8 := strings.EqualFold(enc, "utf-8") || strings.EqualFold(enc, "utf8")
		if !sep && !utf8 && !bytes.HasPrefix(b[i:], []byte("?>")) {
			return "", false, 0, errors.New("blank needed after encoding")
		}
	}
	if v, ok, err := value("standalone"); err != nil {
		return "", false, 0, err
	} else if ok {
		if v != "yes" && v != "no" {
			return "", false, 0, fmt.Errorf("standalone is %q, not yes or no", v)
		}
		standalone = v == "yes"
		blanks()
	}
	if !bytes.HasPrefix(b[i:], []byte("?>")) {
		return "", false, 0, errors.New("'?>' expected")
	}
	return enc, standalone, i + 2, nil
}

// versionNum is libxml's [0-9] '.' [0-9]*.
func versionNum(v string) bool {
	if len(v) < 2 || !isDigit(v[0]) || v[1] != '.' {
		return false
	}
	for i := 2; i < len(v); i++ {
		if !isDigit(v[i]) {
			return false
		}
	}
	return true
}

// encName is [A-Za-z] ([A-Za-z0-9._] | '-')*.
func encName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && (i == 0 || !isDigit(c) && c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return s != ""
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// checkChars rejects invalid UTF-8 and code points outside XML's Char
// production, as libxml does everywhere in a document.
func checkChars(b []byte) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return fmt.Errorf("illegal character U+%04X", c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return errors.New("invalid UTF-8")
		}
		if r == 0xFFFE || r == 0xFFFF {
			return fmt.Errorf("illegal character %U", r)
		}
		i += size
	}
	return nil
}

// checkCharRefs rejects character references to surrogates, which
// encoding/xml decodes to U+FFFD. It is called only for text that holds
// U+FFFD.
func checkCharRefs(raw []byte) error {
	for {
		i := bytes.Index(raw, []byte("&#"))
		if i < 0 {
			return nil
		}
		raw = raw[i+2:]
		base := 10
		if len(raw) > 0 && raw[0] == 'x' {
			base, raw = 16, raw[1:]
		}
		n := 0
		for len(raw) > 0 && n <= 0x10FFFF {
			d := hexDigit(raw[0])
			if d < 0 || d >= base {
				break
			}
			n = n*base + d
			raw = raw[1:]
		}
		if 0xD800 <= n && n <= 0xDFFF {
			return fmt.Errorf("character reference to surrogate %#x", n)
		}
	}
}

func hexDigit(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// checkAttrSpacing rejects attributes not separated by blanks
// (<a x="1"y="2">), given the raw start tag. encoding/xml has already
// checked everything else about it.
func checkAttrSpacing(tag []byte) error {
	i := 1
	for i < len(tag) && !isBlank(tag[i]) && tag[i] != '/' && tag[i] != '>' {
		i++
	}
	for {
		j := i
		for i < len(tag) && isBlank(tag[i]) {
			i++
		}
		if i >= len(tag) || tag[i] == '/' || tag[i] == '>' {
			return nil
		}
		if i == j {
			return errors.New("attributes not separated by white space")
		}
		q := bytes.IndexAny(tag[i:], `"'`)
		if q < 0 {
			return nil
		}
		i += q
		end := bytes.IndexByte(tag[i+1:], tag[i])
		if end < 0 {
			return nil
		}
		i += end + 2
	}
}

// checkDoctype accepts the document type declarations libxml accepts
// without reading a DTD: <!DOCTYPE Name>, optionally with SYSTEM or PUBLIC
// identifiers and an empty internal subset. A non-empty internal subset
// can declare entities and default attributes, which Go cannot apply, so
// it is refused rather than misread. d is the raw text between "<!" and
// ">". checkDoctype reports whether the DOCTYPE names an external DTD.
func checkDoctype(d []byte) (external bool, err error) {
	rest, ok := bytes.CutPrefix(d, []byte("DOCTYPE"))
	if !ok {
		return false, fmt.Errorf("markup declaration <!%s> outside a DOCTYPE", firstWord(d))
	}
	rest = bytes.TrimLeft(rest, " \t\r\n")
	n := nameLen(rest)
	if n == 0 {
		return false, errors.New("DOCTYPE without a name")
	}
	rest = rest[n:]
	trimmed := bytes.TrimLeft(rest, " \t\r\n")
	sep := len(trimmed) < len(rest)
	rest = trimmed
	// literal reads S? quoted-literal; pubid restricts the characters.
	literal := func(pubid bool) bool {
		t := bytes.TrimLeft(rest, " \t\r\n")
		if len(t) == len(rest) || len(t) == 0 || t[0] != '"' && t[0] != '\'' {
			return false
		}
		end := bytes.IndexByte(t[1:], t[0])
		if end < 0 {
			return false
		}
		if pubid {
			for _, c := range t[1 : 1+end] {
				if !isLetter(c) && !isDigit(c) && !strings.ContainsRune(" \r\n-'()+,./:=?;!*#@$_%", rune(c)) {
					return false
				}
			}
		}
		rest = t[end+2:]
		return true
	}
	switch {
	case sep && bytes.HasPrefix(rest, []byte("SYSTEM")):
		external = true
		rest = rest[len("SYSTEM"):]
		if !literal(false) {
			return false, errors.New("DOCTYPE: malformed SYSTEM identifier")
		}
	case sep && bytes.HasPrefix(rest, []byte("PUBLIC")):
		external = true
		rest = rest[len("PUBLIC"):]
		if !literal(true) || !literal(false) {
			return false, errors.New("DOCTYPE: malformed PUBLIC identifier")
		}
	}
	rest = bytes.TrimLeft(rest, " \t\r\n")
	if len(rest) == 0 {
		return external, nil
	}
	if rest[0] == '[' && rest[len(rest)-1] == ']' {
		if !allBlank(rest[1 : len(rest)-1]) {
			return false, fmt.Errorf("%w: DOCTYPE with an internal subset", errUnsupported)
		}
		return external, nil
	}
	return false, errors.New("DOCTYPE improperly terminated")
}

func firstWord(b []byte) string {
	if i := bytes.IndexAny(b, " \t\r\n"); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// nameLen is the length of the XML Name (5th edition, as libxml reads it)
// at the start of b.
func nameLen(b []byte) int {
	n := 0
	for n < len(b) {
		r, size := utf8.DecodeRune(b[n:])
		if !isNameChar(r, n == 0) {
			break
		}
		n += size
	}
	return n
}

func isNameChar(r rune, first bool) bool {
	switch {
	case r < utf8.RuneSelf:
		c := byte(r)
		return isLetter(c) || c == '_' || c == ':' || !first && (isDigit(c) || c == '-' || c == '.')
	case 0xC0 <= r && r <= 0xD6, 0xD8 <= r && r <= 0xF6, 0xF8 <= r && r <= 0x2FF,
		0x370 <= r && r <= 0x37D, 0x37F <= r && r <= 0x1FFF, 0x200C <= r && r <= 0x200D,
		0x2070 <= r && r <= 0x218F, 0x2C00 <= r && r <= 0x2FEF, 0x3001 <= r && r <= 0xD7FF,
		0xF900 <= r && r <= 0xFDCF, 0xFDF0 <= r && r <= 0xFFFD, 0x10000 <= r && r <= 0xEFFFF:
		return true
	}
	return !first && (r == 0xB7 || 0x300 <= r && r <= 0x36F || 0x203F <= r && r <= 0x2040)
}

// checkPI rejects, given the raw text from "<?", the processing
// instructions libxml rejects and Go takes: a target that is "xml" in any
// case (a declaration is only allowed at the very start, where prolog has
// already read it) and a target not followed by a blank or "?>". It runs
// before encoding/xml sees the instruction, because Go acts on a
// mid-document <?xml encoding=...?>.
func checkPI(raw []byte) error {
	t := raw[2:]
	n := 0
	for n < len(t) && (t[n] >= utf8.RuneSelf || isLetter(t[n]) || isDigit(t[n]) || strings.IndexByte("_:.-", t[n]) >= 0) {
		n++
	}
	target := t[:n]
	if strings.EqualFold(string(target), "xml") {
		return errors.New("XML declaration allowed only at the start of the document")
	}
	if n > 0 && n < len(t) && !isBlank(t[n]) && !bytes.HasPrefix(t[n:], []byte("?>")) {
		return fmt.Errorf("processing instruction %s: blank expected after the target", target)
	}
	return nil
}

// undeclaredEntities maps the names of the entities referred to in b,
// other than XML's five, to "". libxml drops references to undeclared
// entities, with a warning, from a document whose external DTD it does not
// read; encoding/xml needs their names to do the same.
func undeclaredEntities(b []byte) map[string]string {
	m := make(map[string]string)
	for {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return m
		}
		b = b[i+1:]
		if n := nameLen(b); n > 0 && n < len(b) && b[n] == ';' {
			switch name := string(b[:n]); name {
			case "lt", "gt", "amp", "apos", "quot":
			default:
				m[name] = ""
			}
		}
	}
}
