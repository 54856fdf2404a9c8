package platforms

import (
	"regexp"
	"strings"
)

// d7InfoLine is drupal_parse_info_format's pattern (includes/common.inc),
// rewritten for Go's regexp, which picks the same match a backtracking
// engine picks (leftmost-first). Two changes keep the meaning:
//   - PCRE's \s (space, \t, \n, \v, \f, \r) is spelled out, since Go's \s
//     lacks \v;
//   - the quoted strings' lookbehind, "(?:[^"]|(?<=\\)")*" (a quote counts
//     inside the string when a backslash precedes it), becomes
//     "(?:[^"\\]|\\"|\\)*": the same strings, tried longest first as the
//     original's greedy one-character steps are.
//
// The pattern is multi-line and its \s crosses line ends, so a key may
// start on an earlier blank line and a value may come from the next line
// ("name =\nfoo" gives name = "foo"); that is how Drupal 7 reads such files,
// so it is how drupdate reads them.
var d7InfoLine = regexp.MustCompile(`(?m)^[\t\n\v\f\r ]*((?:[^=;\[\]]|\[[^\[\]]*\])+?)[\t\n\v\f\r ]*=[\t\n\v\f\r ]*(?:("(?:[^"\\]|\\"|\\)*")|('(?:[^'\\]|\\'|\\)*')|([^\r\n]*?))[\t\n\v\f\r ]*$`)

// d7KeySplit is the preg_split pattern that cuts "a[b][c]" into its keys.
var d7KeySplit = regexp.MustCompile(`\]?\[`)

// d7Constants are the PHP constants an info value may name. Drupal 7 calls
// constant() on any value that is a defined constant's name; at the time it
// parses info files the ones that matter are PHP's booleans and null
// (case-insensitive) and bootstrap.inc's, of which VERSION is core's
// version and is filled in by the caller.
var d7Constants = map[string]*phpValue{
	"DRUPAL_CORE_COMPATIBILITY": strVal("7.x"),
	"DRUPAL_MINIMUM_PHP":        strVal("5.2.4"),
	"LANGUAGE_NONE":             strVal("und"),
}

// parseD7Info parses a Drupal 7 .info file exactly as
// drupal_parse_info_format does; coreVersion is the value of the VERSION
// constant. It cannot fail: text that is not key = value is ignored, as
// Drupal ignores it.
func parseD7Info(data []byte, coreVersion string) *phpValue {
	info := &phpValue{kind: phpArray, arr: newArr()}
	text := string(data)
	for _, m := range d7InfoLine.FindAllStringSubmatchIndex(text, -1) {
		key := text[m[2]:m[3]]
		var value string
		switch {
		case m[4] >= 0:
			value = stripslashes(text[m[4]+1 : m[5]-1])
		case m[6] >= 0:
			value = stripslashes(text[m[6]+1 : m[7]-1])
		case m[8] >= 0:
			value = text[m[8]:m[9]]
		}
		keys := d7KeySplit.Split(strings.TrimRight(key, "]"), -1)
		last := keys[len(keys)-1]
		parent := info.arr
		for _, k := range keys[:len(keys)-1] {
			pk := keyOf(k)
			if k == "" {
				pk = intKey(int64(parent.count()))
			}
			cur, ok := parent.get(pk)
			if !ok || cur.kind != phpArray {
				cur = &phpValue{kind: phpArray, arr: newArr()}
				parent.set(pk, cur)
			}
			parent = cur.arr
		}
		v := d7Constant(value, coreVersion)
		lk := keyOf(last)
		if last == "" {
			lk = intKey(int64(parent.count()))
		}
		parent.set(lk, v)
	}
	return info
}

// d7Constant returns value, or the constant it names.
func d7Constant(value, coreVersion string) *phpValue {
	if value == "" || !isWord(value) {
		return strVal(value)
	}
	switch strings.ToUpper(value) {
	case "TRUE":
		return &phpValue{kind: phpBool, b: true}
	case "FALSE":
		return &phpValue{kind: phpBool}
	case "NULL":
		return &phpValue{kind: phpNull}
	}
	if value == "VERSION" && coreVersion != "" {
		return strVal(coreVersion)
	}
	if c, ok := d7Constants[value]; ok {
		return c
	}
	return strVal(value)
}

// isWord matches PCRE's /^\w+$/ (ASCII letters, digits and underscore).
func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}

// stripslashes is PHP's: a backslash escapes the next byte, "\0" is a NUL
// byte and a trailing lone backslash disappears.
func stripslashes(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			break
		}
		if s[i] == '0' {
			b.WriteByte(0)
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
