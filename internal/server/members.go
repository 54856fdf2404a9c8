package server

import (
	"bytes"
	"encoding/json"
	"errors"
)

// The stored records are large (a platform's inventory and report, a
// feed's body) and the API needs a few small fields of them. encoding/json
// scans a value twice (validation, then decoding) even to skip a field, so
// reading a summary of every platform costs most of its time there.
// eachMember instead finds the members of the top-level object in one
// quick pass; only the wanted ones are then decoded by encoding/json.

var errSyntax = errors.New("malformed JSON object")

// eachMember calls fn with the key and the raw value of each member of the
// JSON object data, in order, stopping at fn's first error. It checks the
// structure it walks (strings closed, brackets balanced, separators in
// place), but does not validate the skipped values' contents: decode a
// value with encoding/json before trusting it.
func eachMember(data []byte, fn func(key string, value []byte) error) error {
	return eachMemberRaw(data, func(key, value []byte) error {
		k, err := unquote(key)
		if err != nil {
			return err
		}
		return fn(k, value)
	})
}

// unquote returns the value of the JSON string q (quotes included).
func unquote(q []byte) (string, error) {
	if raw := q[1 : len(q)-1]; plain(raw) {
		return string(raw), nil
	}
	var s string
	err := json.Unmarshal(q, &s)
	return s, err
}

// eachMemberRaw is eachMember with each key as its raw JSON string,
// quotes included, so that the caller decides whether to decode it.
func eachMemberRaw(data []byte, fn func(key, value []byte) error) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return errSyntax
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return atEnd(data, i+1)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return errSyntax
		}
		end, err := skipString(data, i)
		if err != nil {
			return err
		}
		key := data[i:end]
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return errSyntax
		}
		i = skipSpace(data, i+1)
		end, err = skipValue(data, i)
		if err != nil {
			return err
		}
		if err := fn(key, data[i:end]); err != nil {
			return err
		}
		i = skipSpace(data, end)
		if i >= len(data) {
			return errSyntax
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return atEnd(data, i+1)
		default:
			return errSyntax
		}
	}
}

// plain reports whether a string's raw content is its value: printable
// ASCII without escapes.
func plain(raw []byte) bool {
	for _, c := range raw {
		if c < 0x20 || c >= 0x80 || c == '\\' {
			return false
		}
	}
	return true
}

func atEnd(data []byte, i int) error {
	if skipSpace(data, i) != len(data) {
		return errSyntax
	}
	return nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\t' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at data[i] ('"').
func skipString(data []byte, i int) (int, error) {
	j := i + 1
	for {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			return 0, errSyntax
		}
		j += k
		// The quote ends the string unless an odd number of
		// backslashes escapes it.
		n := 0
		for b := j - 1; b > i && data[b] == '\\'; b-- {
			n++
		}
		j++
		if n%2 == 0 {
			return j, nil
		}
	}
}

// skipValue returns the index after the value starting at data[i].
func skipValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, errSyntax
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		var buf [32]byte
		stack := buf[:0] // the closers expected, innermost last
		for j := i; j < len(data); {
			switch c := data[j]; c {
			case '"':
				end, err := skipString(data, j)
				if err != nil {
					return 0, err
				}
				j = end
				continue
			case '{':
				stack = append(stack, '}')
			case '[':
				stack = append(stack, ']')
			case '}', ']':
				if len(stack) == 0 || stack[len(stack)-1] != c {
					return 0, errSyntax
				}
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					return j + 1, nil
				}
			}
			j++
		}
		return 0, errSyntax
	case ',', ':', '}', ']':
		return 0, errSyntax
	default: // a number, true, false or null
		j := i
		for j < len(data) {
			switch data[j] {
			case ',', '}', ']', ' ', '\n', '\t', '\r', ':', '"', '{', '[':
				return j, nil
			}
			j++
		}
		return j, nil
	}
}
