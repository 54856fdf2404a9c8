package platforms

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dump renders a parsed info array compactly: key=value for scalars,
// key[k]=... for nested arrays, types marked for non-strings.
func dump(v *phpValue) string {
	var out []string
	var walk func(prefix string, v *phpValue)
	walk = func(prefix string, v *phpValue) {
		switch v.kind {
		case phpArray:
			for _, k := range v.arr.keys {
				p := k.String()
				if k.isInt {
					p = "#" + p
				}
				if prefix != "" {
					p = prefix + "[" + p + "]"
				}
				walk(p, v.arr.vals[k])
			}
		case phpBool:
			out = append(out, fmt.Sprintf("%s=bool(%v)", prefix, v.b))
		case phpNull:
			out = append(out, prefix+"=null")
		default:
			out = append(out, fmt.Sprintf("%s=%q", prefix, v.s))
		}
	}
	walk("", v)
	return strings.Join(out, " ")
}

// TestParseD7Info pins drupal_parse_info_format's behaviour, corners
// included. The expectations follow PHP's preg_match_all on Drupal 7's
// pattern, worked through by hand.
func TestParseD7Info(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"name = Views\ncore = 7.x\n", `name="Views" core="7.x"`},
		// Quoting: double and single quotes, stripslashes on both.
		{"a = \"x \\\"y\\\" z\"\nb = 'it\\'s'\n", `a="x \"y\" z" b="it's"`},
		// Leading and trailing whitespace around keys and values goes.
		{"   name   =   Foo Bar   \n", `name="Foo Bar"`},
		// Array syntax: appends count($parent), nested keys.
		{"d[] = a\nd[] = b\ns[all][] = x.css\ns[print][] = p.css\n", `d[#0]="a" d[#1]="b" s[all][#0]="x.css" s[print][#0]="p.css"`},
		// Numeric keys become ints; count() is used, not max+1.
		{"d[5] = a\nd[] = b\n", `d[#5]="a" d[#1]="b"`},
		// A later scalar replaces an array and vice versa.
		{"a = x\na[] = y\n", `a[#0]="y"`},
		// Comments start with ";"; a "=" inside does not make a key.
		{"; name = Nope\nname = Yes\n", `name="Yes"`},
		// A trailing ";" comment is part of an unquoted value.
		{"dependencies[] = views ; needed\n", `dependencies[#0]="views ; needed"`},
		// After a quoted value, text makes the line fall back to the
		// unquoted reading, quotes and all.
		{`a = "x" ; c` + "\n", `a="\"x\" ; c"`},
		// Constants: TRUE/FALSE/NULL in any case, VERSION, core's.
		{"h = TRUE\ni = false\nj = Null\nv = VERSION\nc = DRUPAL_CORE_COMPATIBILITY\nk = \"TRUE\"\n", `h=bool(true) i=bool(false) j=null v="7.56" c="7.x" k=bool(true)`},
		// An empty value; a value on the next line (\s crosses lines).
		{"a =\nb = c\n", `a="b = c"`},
		{"a = \nb = c\n", `a="b = c"`},
		// Blank lines before a key are eaten by the leading \s*.
		{"\n\n\nname = x\n", `name="x"`},
		// A line without "=" joins the next key: keys cross lines.
		{"foo\nbar = baz\n", `foo` + "\n" + `bar="baz"`},
		// A key may not start with "=", but the whitespace before it can
		// be the key: the leading \s* gives it back.
		{" = x\n", ` ="x"`},
		// Multi-line quoted values.
		{"d = \"line1\nline2\"\n", `d="line1\nline2"`},
		// \r\n line ends.
		{"a = b\r\nc = d\r\n", `a="b" c="d"`},
		// A lone \r ends nothing: the value cannot run past it.
		{"a = b\rc\nd = e\n", `d="e"`},
		// Brackets must balance inside a key.
		{"a[b[c]] = x\nok = 1\n", `ok="1"`},
		// rtrim(']') then split on "]?[".
		{"a]b = x\n[x] = y\n", `#0[x]="y"`},
		// stripslashes: "\0" is NUL, a trailing lone backslash goes.
		{`a = "x\0y"` + "\n" + `b = 'c\'` + "\n", `a="x\x00y" b="c"`},
		{"", ``},
	}
	for _, tc := range tests {
		got := dump(parseD7Info([]byte(tc.in), "7.56"))
		if got != tc.want {
			t.Errorf("parseD7Info(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// safeSegment keeps the fuzz property to keys that round-trip unchanged.
var safeSegment = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// renderD7 writes a parsed info array back as .info text with explicit
// keys and quoted values; string values that name a constant are left out
// (they would not survive as strings).
func renderD7(v *phpValue) string {
	var b strings.Builder
	var walk func(prefix string, v *phpValue)
	walk = func(prefix string, v *phpValue) {
		for _, k := range v.arr.keys {
			seg := k.String()
			if !safeSegment.MatchString(seg) {
				continue
			}
			key := seg
			if prefix != "" {
				key = prefix + "[" + seg + "]"
			}
			c := v.arr.vals[k]
			switch c.kind {
			case phpArray:
				walk(key, c)
			case phpBool:
				fmt.Fprintf(&b, "%s = %s\n", key, map[bool]string{true: "TRUE", false: "FALSE"}[c.b])
			case phpNull:
				fmt.Fprintf(&b, "%s = NULL\n", key)
			default:
				if isWord(c.s) {
					if u := strings.ToUpper(c.s); u == "TRUE" || u == "FALSE" || u == "NULL" || c.s == "VERSION" || d7Constants[c.s] != nil {
						continue
					}
				}
				fmt.Fprintf(&b, "%s = \"%s\"\n", key, strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(c.s))
			}
		}
	}
	walk("", v)
	return b.String()
}

// FuzzParseD7Info checks that the parser never panics and that what it
// reads, written back in canonical form, reads the same again.
func FuzzParseD7Info(f *testing.F) {
	for _, s := range []string{
		"name = Views\ncore = 7.x\ndependencies[] = ctools\n",
		"a = \"x \\\"y\\\"\"\nb[c][] = 'd'\n; comment\n",
		"hidden = TRUE\nversion = VERSION\n",
		"a =\nb = c\r\nd = \"e\nf\"\n",
		"x[] = 1\nx[5] = 2\nx[] = 3\n[y] = z\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		first := parseD7Info(data, "7.1")
		text := renderD7(first)
		second := parseD7Info([]byte(text), "7.1")
		if got, want := dump(second), dump(filterSafe(first)); got != want {
			t.Fatalf("round trip of %q through %q:\n got %s\nwant %s", data, text, got, want)
		}
	})
}

// filterSafe drops what renderD7 leaves out, so the round trip compares
// like with like.
func filterSafe(v *phpValue) *phpValue {
	out := &phpValue{kind: phpArray, arr: newArr()}
	for _, k := range v.arr.keys {
		if !safeSegment.MatchString(k.String()) {
			continue
		}
		c := v.arr.vals[k]
		switch c.kind {
		case phpArray:
			fc := filterSafe(c)
			if fc.arr.count() > 0 {
				out.arr.set(k, fc)
			}
		case phpString:
			if isWord(c.s) {
				if u := strings.ToUpper(c.s); u == "TRUE" || u == "FALSE" || u == "NULL" || c.s == "VERSION" || d7Constants[c.s] != nil {
					continue
				}
			}
			out.arr.set(k, c)
		default:
			out.arr.set(k, c)
		}
	}
	return out
}

func TestStripslashes(t *testing.T) {
	for in, want := range map[string]string{`a\\b`: `a\b`, `\'x\'`: `'x'`, `x\`: `x`, `\0`: "\x00", `\n`: "n"} {
		if got := stripslashes(in); got != want {
			t.Errorf("stripslashes(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseInfoYAML(t *testing.T) {
	tests := []struct {
		in        string
		firstWins bool
		want      string
		wantErr   bool
	}{
		{"name: Foo\ntype: module\nversion: 1.0\n", false, `name="Foo" type="module" version="1"`, false},
		{"hidden: true\ndatestamp: 1644822952\ncore_version_requirement: ^9 || ^10\n", false, `hidden=bool(true) datestamp="1644822952" core_version_requirement="^9 || ^10"`, false},
		{"dependencies:\n  - drupal:node\n  - 'token:token (>=8.x-1.0)'\n", false, `dependencies[#0]="drupal:node" dependencies[#1]="token:token (>=8.x-1.0)"`, false},
		{"version: ~\n", false, `version=null`, false},
		// Symfony 3 (Drupal 8) keeps the first of duplicate keys; Symfony 4+
		// refuses them.
		{"core: 8.x\ncore: 9.x\n", true, `core="8.x"`, false},
		{"core: 8.x\ncore: 9.x\n", false, ``, true},
		{"- a\n- b\n", false, ``, true},
		{"name: [unclosed\n", false, ``, true},
		{"a: &x {b: 1}\nc: *x\n", false, `a[b]="1" c[b]="1"`, false},
	}
	for _, tc := range tests {
		got, _, err := parseInfoYAML([]byte(tc.in), tc.firstWins)
		if (err != nil) != tc.wantErr {
			t.Errorf("parseInfoYAML(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && dump(got) != tc.want {
			t.Errorf("parseInfoYAML(%q) = %s, want %s", tc.in, dump(got), tc.want)
		}
	}
}

func TestPHPLoose(t *testing.T) {
	tests := []struct {
		v    *phpValue
		s    string
		want bool
	}{
		{strVal("7.x"), "7.x", true},
		{strVal("6.x"), "7.x", false},
		{&phpValue{kind: phpBool, b: true}, "7.x", true}, // core = TRUE passes Drupal 7's check
		{&phpValue{kind: phpNull}, "7.x", false},
		{strVal("7.0"), "7", true}, // numeric strings compare as numbers
	}
	for _, tc := range tests {
		if got := tc.v.looseEqualString(tc.s); got != tc.want {
			t.Errorf("(%s == %q) = %v, want %v", dump(&phpValue{kind: phpArray, arr: &phpArr{keys: []phpKey{{s: "v"}}, vals: map[phpKey]*phpValue{{s: "v"}: tc.v}}}), tc.s, got, tc.want)
		}
	}
	keys := []string{"12", "-3", "012", "-0", "1.0", " 1", ""}
	var got []string
	for _, k := range keys {
		got = append(got, fmt.Sprint(keyOf(k).isInt))
	}
	sort.Strings(nil)
	if diff := cmp.Diff([]string{"true", "true", "false", "false", "false", "false", "false"}, got); diff != "" {
		t.Errorf("keyOf(%q) isInt (-want +got):\n%s", keys, diff)
	}
}
