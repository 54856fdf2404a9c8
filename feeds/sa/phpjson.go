package sa

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// phpJSONDepth is json_decode's default depth: PHP refuses a document
// whose arrays and objects nest 512 deep (511 is the most it reads).
const phpJSONDepth = 512

// checkPHPJSON reports why PHP's json_decode($data, TRUE), which Drupal
// and Composer use, would return NULL for data: a syntax error, invalid
// UTF-8 (Go would decode it as U+FFFD), a \u escape of an unpaired
// surrogate (likewise), or nesting 512 deep.
func checkPHPJSON(data []byte) error {
	if !utf8.Valid(data) {
		return errors.New("not valid UTF-8")
	}
	if err := json.Unmarshal(data, new(json.RawMessage)); err != nil {
		return err
	}
	depth := 0
	// data is valid JSON from here on, so no index below runs past its end.
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '[', '{':
			if depth++; depth >= phpJSONDepth {
				return fmt.Errorf("arrays and objects nest %d deep, more than PHP reads", phpJSONDepth)
			}
		case ']', '}':
			depth--
		case '"':
			for i++; data[i] != '"'; i++ {
				if data[i] != '\\' {
					continue
				}
				i++
				if data[i] != 'u' {
					continue
				}
				r := hex4(data[i+1 : i+5])
				i += 4
				switch {
				case r >= 0xDC00 && r <= 0xDFFF:
					return fmt.Errorf("unpaired surrogate \\u%04x", r)
				case r >= 0xD800 && r <= 0xDBFF:
					if i+6 >= len(data) || data[i+1] != '\\' || data[i+2] != 'u' {
						return fmt.Errorf("unpaired surrogate \\u%04x", r)
					}
					if lo := hex4(data[i+3 : i+7]); lo < 0xDC00 || lo > 0xDFFF {
						return fmt.Errorf("unpaired surrogate \\u%04x", r)
					}
					i += 6
				}
			}
		}
	}
	return nil
}

func hex4(b []byte) rune {
	n, _ := strconv.ParseUint(string(b), 16, 16)
	return rune(n)
}

// A member is one value of a JSON array or object, with its key (an
// array's index as a string).
type member struct {
	Key   string
	Value json.RawMessage
}

// members returns the values of an array or object in document order, as
// a PHP array holds them: a repeated object key keeps its first position
// and takes the last value. ok is false for any other JSON value.
func members(raw []byte) (ms []member, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, false
	}
	switch tok {
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return nil, false
			}
			ms = append(ms, member{strconv.Itoa(i), v})
		}
	case json.Delim('{'):
		seen := map[string]int{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, false
			}
			k, _ := kt.(string)
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return nil, false
			}
			if j, dup := seen[k]; dup {
				ms[j].Value = v
				continue
			}
			seen[k] = len(ms)
			ms = append(ms, member{k, v})
		}
	default:
		return nil, false
	}
	return ms, true
}

// jsonKind returns the kind of a JSON value by its first byte: '"', '{',
// '[', 'n' (null), 't' or 'f', or '0' for a number.
func jsonKind(raw []byte) byte {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return 0
	}
	switch c := raw[0]; c {
	case '"', '{', '[', 'n', 't', 'f':
		return c
	}
	return '0'
}

// jsonString decodes a JSON string value.
func jsonString(raw []byte) string {
	var s string
	json.Unmarshal(raw, &s) // the caller checked the kind; the document is valid
	return s
}
