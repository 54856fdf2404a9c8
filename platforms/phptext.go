package platforms

import (
	"path"
	"strconv"
	"strings"
)

// settings.php and sites.php are PHP, and drupdate never runs anything
// from a scanned tree. They are read as text instead: a small tokenizer
// finds the few assignments that matter and evaluates their right-hand
// sides when those are string literals joined with "." and the handful of
// path values Drupal provides ($app_root, $site_path, DRUPAL_ROOT, __DIR__,
// dirname()). Anything else is reported as not understood. Conditionals
// are not evaluated: the last assignment in file order wins.

type tokKind uint8

const (
	tokOther   tokKind = iota
	tokString          // a single-quoted string, value unescaped
	tokDString         // a double-quoted string, value unescaped, may interpolate
	tokVar             // $name (name without the dollar)
	tokIdent
	tokNumber
)

type phpTok struct {
	kind tokKind
	text string
}

// tokenizePHP splits PHP source into tokens, dropping comments, whitespace
// and any text outside <?php ... ?>.
func tokenizePHP(src string) []phpTok {
	var toks []phpTok
	i := 0
	inPHP := false
	for i < len(src) {
		if !inPHP {
			j := strings.Index(src[i:], "<?php")
			if j < 0 {
				break
			}
			i += j + 5
			inPHP = true
			continue
		}
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			i++
		case strings.HasPrefix(src[i:], "?>"):
			inPHP = false
			i += 2
		case c == '#' && !strings.HasPrefix(src[i:], "#["), strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' && !strings.HasPrefix(src[i:], "?>") {
				i++
			}
		case strings.HasPrefix(src[i:], "/*"):
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				i = len(src)
			} else {
				i += j + 4
			}
		case c == '\'':
			var b strings.Builder
			i++
			for i < len(src) && src[i] != '\'' {
				if src[i] == '\\' && i+1 < len(src) && (src[i+1] == '\'' || src[i+1] == '\\') {
					i++
				}
				b.WriteByte(src[i])
				i++
			}
			i++
			toks = append(toks, phpTok{tokString, b.String()})
		case c == '"':
			var b strings.Builder
			i++
			for i < len(src) && src[i] != '"' {
				if src[i] == '\\' && i+1 < len(src) {
					i++
					switch src[i] {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					case '$':
						b.WriteString("\x00$") // an escaped dollar is literal
					default:
						b.WriteByte(src[i])
					}
					i++
					continue
				}
				b.WriteByte(src[i])
				i++
			}
			i++
			toks = append(toks, phpTok{tokDString, b.String()})
		case c == '$' && i+1 < len(src) && isIdentStart(src[i+1]):
			j := i + 1
			for j < len(src) && isIdentByte(src[j]) {
				j++
			}
			toks = append(toks, phpTok{tokVar, src[i+1 : j]})
			i = j
		case isIdentStart(c) || c == '\\':
			j := i
			for j < len(src) && (isIdentByte(src[j]) || src[j] == '\\') {
				j++
			}
			toks = append(toks, phpTok{tokIdent, strings.TrimPrefix(src[i:j], "\\")})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				j++
			}
			toks = append(toks, phpTok{tokNumber, src[i:j]})
			i = j
		default:
			// Two-character operators that matter: "=>" must not read as "=".
			if i+1 < len(src) {
				two := src[i : i+2]
				switch two {
				case "=>", "==", ".=", "!=", "<=", ">=", "::", "->", "??", "&&", "||":
					toks = append(toks, phpTok{tokOther, two})
					i += 2
					continue
				}
			}
			toks = append(toks, phpTok{tokOther, string(c)})
			i++
		}
	}
	return toks
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentByte(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// phpEnv holds the values settings.php may build paths from. Paths are
// slash-separated and absolute.
type phpEnv struct {
	appRoot  string // the docroot
	sitePath string // "sites/default", relative to the docroot
	dir      string // __DIR__: the directory of the file being read
}

// evalExpr evaluates toks[i:] up to a ";", "," , ")" , "]" or "=>" at the
// top level. It returns the value, the index after the expression, and
// whether the value could be worked out.
func evalExpr(toks []phpTok, i int, env phpEnv) (string, int, bool) {
	var b strings.Builder
	ok := true
	expectTerm := true
	for i < len(toks) {
		t := toks[i]
		if !expectTerm {
			if t.kind == tokOther && t.text == "." {
				expectTerm = true
				i++
				continue
			}
			if t.kind == tokOther {
				switch t.text {
				case ";", ",", ")", "]", "=>":
					return b.String(), i, ok
				}
			}
			// An operator drupdate does not evaluate: skip to the end.
			ok = false
			return "", skipExpr(toks, i), false
		}
		v, next, good := evalTerm(toks, i, env)
		if !good {
			return "", skipExpr(toks, next), false
		}
		b.WriteString(v)
		i = next
		expectTerm = false
	}
	return b.String(), i, ok && !expectTerm
}

// skipExpr returns the index of the ";" , "," , ")" or "]" that ends the
// expression starting at i, minding nested brackets.
func skipExpr(toks []phpTok, i int) int {
	depth := 0
	for ; i < len(toks); i++ {
		if toks[i].kind != tokOther {
			continue
		}
		switch toks[i].text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			if depth == 0 {
				return i
			}
			depth--
		case ";", ",", "=>":
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

func evalTerm(toks []phpTok, i int, env phpEnv) (string, int, bool) {
	if i >= len(toks) {
		return "", i, false
	}
	t := toks[i]
	switch t.kind {
	case tokString, tokNumber:
		return t.text, i + 1, true
	case tokDString:
		v, ok := interpolate(t.text, env)
		return v, i + 1, ok
	case tokVar:
		switch t.text {
		case "app_root":
			return env.appRoot, i + 1, true
		case "site_path":
			return env.sitePath, i + 1, true
		}
		return "", i + 1, false
	case tokIdent:
		switch t.text {
		case "DRUPAL_ROOT":
			return env.appRoot, i + 1, true
		case "__DIR__":
			return env.dir, i + 1, true
		case "dirname":
			if i+1 >= len(toks) || toks[i+1].text != "(" {
				return "", i + 1, false
			}
			arg, j, ok := evalExpr(toks, i+2, env)
			levels := 1
			if ok && j < len(toks) && toks[j].text == "," {
				if j+1 < len(toks) && toks[j+1].kind == tokNumber {
					n, err := strconv.Atoi(toks[j+1].text)
					if err != nil || n < 1 || n > 64 {
						return "", j, false
					}
					levels = n
					j += 2
				} else {
					return "", j, false
				}
			}
			if !ok || j >= len(toks) || toks[j].text != ")" {
				return "", j, false
			}
			for range levels {
				arg = path.Dir(arg)
			}
			return arg, j + 1, true
		}
		return "", i + 1, false
	case tokOther:
		if t.text == "(" {
			v, j, ok := evalExpr(toks, i+1, env)
			if !ok || j >= len(toks) || toks[j].text != ")" {
				return "", j, false
			}
			return v, j + 1, true
		}
	}
	return "", i, false
}

// interpolate expands $app_root and $site_path (also as {$...}) in a
// double-quoted string; any other variable makes it unknown.
func interpolate(s string, env phpEnv) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0 && i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		if s[i] != '$' && !(s[i] == '{' && i+1 < len(s) && s[i+1] == '$') {
			b.WriteByte(s[i])
			continue
		}
		braced := s[i] == '{'
		j := i + 1
		if braced {
			j++
		}
		k := j
		for k < len(s) && isIdentByte(s[k]) {
			k++
		}
		if k == j {
			b.WriteByte(s[i])
			continue
		}
		switch s[j:k] {
		case "app_root":
			b.WriteString(env.appRoot)
		case "site_path":
			b.WriteString(env.sitePath)
		default:
			return "", false
		}
		if braced {
			if k >= len(s) || s[k] != '}' {
				return "", false
			}
			k++
		}
		i = k - 1
	}
	return b.String(), true
}

// phpAssign is one "$var[key] = value;" (or "$var = value;") found.
type phpAssign struct {
	variable string
	key      string // the first subscript's value; "" for none
	keyOK    bool
	value    string
	valueOK  bool
	// arrayValues is set for "$var = [ 'k' => v, ... ]" and array(...).
	arrayValues map[string]string
}

// phpStatement is either an assignment or an include.
type phpStatement struct {
	assign  *phpAssign
	include string // the included file, when it could be worked out
	incOK   bool
	isInc   bool
}

// scanStatements finds the assignments and includes of a PHP file.
func scanStatements(toks []phpTok, env phpEnv) []phpStatement {
	var out []phpStatement
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tokIdent {
			switch strings.ToLower(t.text) {
			case "include", "require", "include_once", "require_once":
				v, j, ok := evalExpr(toks, i+1, env)
				out = append(out, phpStatement{include: v, incOK: ok, isInc: true})
				i = j
			}
			continue
		}
		if t.kind != tokVar || (i > 0 && toks[i-1].kind == tokOther && (toks[i-1].text == "->" || toks[i-1].text == "::")) {
			continue
		}
		a := &phpAssign{variable: t.text}
		j := i + 1
		if j < len(toks) && toks[j].text == "[" {
			a.key, j, a.keyOK = evalExpr(toks, j+1, env)
			if j < len(toks) && toks[j].text == "]" {
				j++
			} else {
				continue
			}
			if !a.keyOK && toks[i+2].kind == tokIdent {
				a.key, a.keyOK = toks[i+2].text, true // a constant: CONFIG_SYNC_DIRECTORY
			}
			// Further subscripts ($settings['a']['b']) are not assignments
			// drupdate reads.
			if j < len(toks) && toks[j].text == "[" {
				continue
			}
		}
		if j >= len(toks) || toks[j].text != "=" {
			continue
		}
		j++
		if j < len(toks) && (toks[j].text == "[" || (toks[j].kind == tokIdent && strings.EqualFold(toks[j].text, "array") && j+1 < len(toks) && toks[j+1].text == "(")) {
			open := j
			if toks[j].kind == tokIdent {
				open = j + 1
			}
			a.arrayValues, j = evalArray(toks, open+1, env)
		} else {
			a.value, j, a.valueOK = evalExpr(toks, j, env)
		}
		out = append(out, phpStatement{assign: a})
		i = j
	}
	return out
}

// evalArray reads "'k' => v, ..." up to the closing bracket, keeping the
// pairs it can evaluate.
func evalArray(toks []phpTok, i int, env phpEnv) (map[string]string, int) {
	out := map[string]string{}
	for i < len(toks) {
		if toks[i].text == "]" || toks[i].text == ")" {
			return out, i + 1
		}
		k, j, kok := evalExpr(toks, i, env)
		if j < len(toks) && toks[j].text == "=>" {
			v, j2, vok := evalExpr(toks, j+1, env)
			if kok && vok {
				out[k] = v
			}
			j = j2
		}
		if j < len(toks) && toks[j].text == "," {
			j++
		}
		if j <= i {
			j = i + 1
		}
		i = j
	}
	return out, i
}
