package feeds

import "encoding/xml"

// scope tracks namespace declarations, because SimpleXML iterates only the
// children without a namespace prefix, and libxml decides what has one: a
// prefix that was never declared (or was declared with an empty URI) is
// just part of the element's name, so <x:release> counts as a release
// unless x is bound.
type scope struct {
	bound map[string][]binding // prefix ("" for the default) → bindings, innermost last
	decls []decl               // in document order, undone at end tags
}

type binding struct {
	uri   string
	depth int // of the element that declares it
}

type decl struct {
	prefix string
	depth  int
}

const (
	xmlNS   = "http://www.w3.org/XML/1998/namespace"
	xmlnsNS = "http://www.w3.org/2000/xmlns/"
)

// isDecl reports whether a is a namespace declaration.
func isDecl(a xml.Attr) bool {
	return a.Name.Space == "xmlns" || a.Name == xml.Name{Local: "xmlns"}
}

// declare records the declaration a, if it is one libxml keeps, for the
// element at depth. It reports false if the element already declared the
// prefix: libxml checks for duplicates only among the declarations it
// keeps.
func (s *scope) declare(a xml.Attr, depth int) bool {
	var prefix string
	if a.Name.Space == "" { // xmlns="..."
		if a.Value == xmlNS || a.Value == xmlnsNS {
			return true
		}
	} else {
		prefix = a.Name.Local
		if prefix == "xml" || prefix == "xmlns" || a.Value == "" || a.Value == xmlNS || a.Value == xmlnsNS {
			return true
		}
	}
	b := s.bound[prefix]
	if len(b) > 0 && b[len(b)-1].depth == depth {
		return false
	}
	if s.bound == nil {
		s.bound = make(map[string][]binding)
	}
	s.bound[prefix] = append(b, binding{a.Value, depth})
	s.decls = append(s.decls, decl{prefix, depth})
	return true
}

// leave undoes the declarations of the element at depth.
func (s *scope) leave(depth int) {
	for len(s.decls) > 0 && s.decls[len(s.decls)-1].depth == depth {
		prefix := s.decls[len(s.decls)-1].prefix
		b := s.bound[prefix]
		s.bound[prefix] = b[:len(b)-1]
		s.decls = s.decls[:len(s.decls)-1]
	}
}

func (s *scope) lookup(prefix string) string {
	if b := s.bound[prefix]; len(b) > 0 {
		return b[len(b)-1].uri
	}
	return ""
}

// resolve returns an element's name as SimpleXML sees it and whether it is
// un-prefixed, that is, iterated by SimpleXML; for a prefixed one, it also
// returns the namespace URI.
func (s *scope) resolve(n xml.Name) (name, uri string, plain bool) {
	if n.Space == "" {
		return n.Local, "", true
	}
	// libxml drops a prefix whose local part is not an NCName (<x:1>),
	// and keeps an unbound one as part of the name.
	if c := n.Local[0]; isDigit(c) || c == '-' || c == '.' {
		return n.Space + ":" + n.Local, "", true
	}
	if n.Space == "xml" {
		return n.Local, xmlNS, false
	}
	if uri := s.lookup(n.Space); uri != "" {
		return n.Local, uri, false
	}
	return n.Space + ":" + n.Local, "", true
}
