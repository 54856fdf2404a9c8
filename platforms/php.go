package platforms

import (
	"strconv"
	"strings"
)

// phpKind is the PHP type of a parsed info value. Drupal reads info values
// with PHP's loose rules (empty(), isset(), string casts), so the parsers
// keep the types PHP would have and the rest of the scanner asks the
// questions PHP asks.
type phpKind uint8

const (
	phpNull phpKind = iota
	phpBool
	phpString // ints and floats are kept as their PHP string form
	phpArray
)

// phpValue is a PHP scalar or array.
type phpValue struct {
	kind phpKind
	b    bool
	s    string
	arr  *phpArr
}

// phpKey is a PHP array key: PHP turns decimal integer strings into ints.
type phpKey struct {
	isInt bool
	i     int64
	s     string
}

// phpArr is an ordered PHP array.
type phpArr struct {
	keys []phpKey
	vals map[phpKey]*phpValue
}

func newArr() *phpArr { return &phpArr{vals: map[phpKey]*phpValue{}} }

func strVal(s string) *phpValue { return &phpValue{kind: phpString, s: s} }

// keyOf converts a string key the way PHP's array subscript does: "12" and
// "-3" become ints, "012", "1.0" and " 1" stay strings.
func keyOf(s string) phpKey {
	if isCanonicalInt(s) {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return phpKey{isInt: true, i: n}
		}
	}
	return phpKey{s: s}
}

func intKey(n int64) phpKey { return phpKey{isInt: true, i: n} }

func isCanonicalInt(s string) bool {
	if s == "" {
		return false
	}
	d := s
	if d[0] == '-' {
		d = d[1:]
		if d == "" || d == "0" {
			return false // "-0" stays a string
		}
	}
	if d[0] == '0' && len(d) > 1 {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

func (k phpKey) String() string {
	if k.isInt {
		return strconv.FormatInt(k.i, 10)
	}
	return k.s
}

func (a *phpArr) get(k phpKey) (*phpValue, bool) {
	v, ok := a.vals[k]
	return v, ok
}

func (a *phpArr) set(k phpKey, v *phpValue) {
	if _, ok := a.vals[k]; !ok {
		a.keys = append(a.keys, k)
	}
	a.vals[k] = v
}

func (a *phpArr) count() int { return len(a.keys) }

// lookup returns the value of a string key, or nil.
func (v *phpValue) lookup(key string) *phpValue {
	if v == nil || v.kind != phpArray {
		return nil
	}
	r, _ := v.arr.get(keyOf(key))
	return r
}

// isset is PHP's isset(): present and not null.
func (v *phpValue) isset() bool { return v != nil && v.kind != phpNull }

// empty is PHP's empty().
func (v *phpValue) empty() bool {
	if v == nil {
		return true
	}
	switch v.kind {
	case phpNull:
		return true
	case phpBool:
		return !v.b
	case phpString:
		return v.s == "" || v.s == "0"
	}
	return v.arr.count() == 0
}

// str is PHP's (string) cast; arrays become "Array" as PHP makes them.
func (v *phpValue) str() string {
	if v == nil {
		return ""
	}
	switch v.kind {
	case phpBool:
		if v.b {
			return "1"
		}
		return ""
	case phpString:
		return v.s
	case phpArray:
		return "Array"
	}
	return ""
}

// scalarString returns the string cast of a scalar, and false for arrays.
func (v *phpValue) scalarString() (string, bool) {
	if v != nil && v.kind == phpArray {
		return "", false
	}
	return v.str(), true
}

// values returns an array's values in order (PHP's foreach), or nil for a
// scalar.
func (v *phpValue) values() []*phpValue {
	if v == nil || v.kind != phpArray {
		return nil
	}
	out := make([]*phpValue, 0, len(v.arr.keys))
	for _, k := range v.arr.keys {
		out = append(out, v.arr.vals[k])
	}
	return out
}

// looseEqualString is PHP's $v == $s for a string s, as Drupal 7 compares
// an info file's core key with "7.x".
func (v *phpValue) looseEqualString(s string) bool {
	if v == nil {
		return s == ""
	}
	switch v.kind {
	case phpNull:
		return s == ""
	case phpBool:
		return v.b == (s != "" && s != "0")
	case phpArray:
		return false
	}
	if a, ok := phpNumeric(v.s); ok {
		if b, ok := phpNumeric(s); ok {
			return a == b
		}
	}
	return v.s == s
}

// phpNumeric reports whether s is a PHP numeric string and its value.
func phpNumeric(s string) (float64, bool) {
	t := strings.TrimLeft(s, " \t\n\r\v\f")
	t = strings.TrimRight(t, " \t\n\r\v\f")
	if t == "" {
		return 0, false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}
