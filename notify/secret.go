package notify

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
)

// A Secret is a password, token or webhook URL. However it is printed or
// marshalled it reads "<secret>" (or "" when unset, which tells nothing),
// so a config dump, a log line or an error that formats a config cannot
// leak it; only [Secret.Reveal] gives the value, and receivers call it at
// the moment they use it. Secrets decode from a plain string in YAML and
// JSON.
//
// One hole is fmt's own: it prints the operand of a bad verb raw,
// bypassing every method, so %p of a Secret or of a struct holding one
// shows the value. Vet reports %p of a non-pointer.
type Secret string

const redacted = "<secret>"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) shown() string {
	if s == "" {
		return ""
	}
	return redacted
}

func (s Secret) String() string   { return s.shown() }
func (s Secret) GoString() string { return s.shown() }

// Format prints what String does for every verb, %x and %q included,
// which String alone would not cover.
func (s Secret) Format(f fmt.State, verb rune) { io.WriteString(f, s.shown()) }

func (s Secret) MarshalText() ([]byte, error) { return []byte(s.shown()), nil }
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.shown() + `"`), nil }
func (s Secret) MarshalYAML() (any, error)    { return s.shown(), nil }

// Scrub replaces the secret's value in text with "<secret>", and for a
// URL also its path and query, which servers echo in error pages.
// Receivers pass text from the far end through it before putting it in an
// error.
func (s Secret) Scrub(text string) string {
	if s == "" {
		return text
	}
	text = strings.ReplaceAll(text, string(s), redacted)
	if u, err := url.Parse(string(s)); err == nil && u.Host != "" {
		// A bare "/" or a short path would scrub innocent text and hide
		// nothing worth hiding.
		for _, part := range []string{u.RequestURI(), u.EscapedPath(), u.Path} {
			if len(part) >= 8 {
				text = strings.ReplaceAll(text, part, redacted)
			}
		}
	}
	return text
}

// LoadSecret returns the secret a config gives in one of three ways: the
// value itself (key), a file holding it (key_file) or an environment
// variable holding it (key_env), so that secrets need not sit in the
// config. At most one may be set; none gives "". A file's trailing line
// break is dropped. Errors name key and the file or variable, never the
// value. Relative file names are the caller's to resolve.
func LoadSecret(key string, value Secret, file, env string) (Secret, error) {
	set := 0
	for _, s := range []string{string(value), file, env} {
		if s != "" {
			set++
		}
	}
	switch {
	case set > 1:
		return "", fmt.Errorf("%s, %s_file and %s_env: set only one", key, key, key)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			// A *PathError names the file and the cause, nothing it read.
			return "", fmt.Errorf("%s_file: %w", key, err)
		}
		s := strings.TrimRight(string(b), "\r\n")
		if s == "" {
			return "", fmt.Errorf("%s_file %s: empty", key, file)
		}
		return Secret(s), nil
	case env != "":
		s, ok := os.LookupEnv(env)
		if !ok || s == "" {
			return "", fmt.Errorf("%s_env: environment variable %s is unset or empty", key, env)
		}
		return Secret(s), nil
	}
	return value, nil
}

// RedactURL hides the URL of a *url.Error in err, as net/http returns
// from a failed request, so that a secret URL (a Slack webhook) cannot
// reach a log through the error. Call it before wrapping err: a wrapper
// made with fmt.Errorf has already copied the message.
func RedactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redacted
	}
	return err
}
