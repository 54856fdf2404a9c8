package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const secretValue = "hunter2-0f9e8d"

func TestSecretPrints(t *testing.T) {
	type config struct {
		User     string `json:"user" yaml:"user"`
		Password Secret `json:"password" yaml:"password"`
	}
	s := Secret(secretValue)
	c := config{User: "u", Password: s}
	var shown []string
	for _, v := range []any{s, &s, c, &c, []Secret{s}, map[string]Secret{"k": s}} {
		// Not %p: fmt prints a bad verb's operand raw, bypassing every
		// method, and vet reports %p of a non-pointer.
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s", "%T %v"} {
			shown = append(shown, fmt.Sprintf(verb, v))
		}
	}
	shown = append(shown, s.String(), s.GoString(), fmt.Sprint(s), fmt.Sprintln(c))
	j, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	y, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	txt, err := s.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	shown = append(shown, string(j), string(y), string(txt))
	for _, out := range shown {
		if strings.Contains(out, secretValue) || strings.Contains(out, fmt.Sprintf("%x", secretValue)) {
			t.Errorf("the secret leaks in %q", out)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(j, &back); err != nil || back["password"] != "<secret>" {
		t.Errorf("json.Marshal = %s, want the password shown as <secret>", j)
	}
	if got, want := string(y), "user: u\npassword: <secret>\n"; got != want {
		t.Errorf("yaml.Marshal = %q, want %q", got, want)
	}
	if got := fmt.Sprintf("%+v", c); got != "{User:u Password:<secret>}" {
		t.Errorf("%%+v = %q", got)
	}
	if s.Reveal() != secretValue {
		t.Errorf("Reveal() = %q", s.Reveal())
	}
}

// TestSecretUnset checks that an unset secret says so: "" hides nothing.
func TestSecretUnset(t *testing.T) {
	var s Secret
	j, _ := json.Marshal(s)
	y, _ := yaml.Marshal(s)
	for _, got := range []string{fmt.Sprint(s), fmt.Sprintf("%#v", s), string(j), string(y)} {
		if strings.Contains(got, "<secret>") {
			t.Errorf("an unset secret prints as %q", got)
		}
	}
}

func TestSecretDecodes(t *testing.T) {
	var c struct {
		Password Secret `json:"password" yaml:"password"`
	}
	if err := yaml.Unmarshal([]byte("password: "+secretValue+"\n"), &c); err != nil || c.Password.Reveal() != secretValue {
		t.Errorf("yaml.Unmarshal: %q, %v", c.Password.Reveal(), err)
	}
	c.Password = ""
	if err := json.Unmarshal([]byte(`{"password":"`+secretValue+`"}`), &c); err != nil || c.Password.Reveal() != secretValue {
		t.Errorf("json.Unmarshal: %q, %v", c.Password.Reveal(), err)
	}
}

func TestLoadSecret(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	lf, crlf, bare, empty := write("lf", secretValue+"\n"), write("crlf", secretValue+"\r\n"), write("bare", secretValue), write("empty", "\n")
	t.Setenv("DRUPDATE_TEST_SECRET", secretValue)
	t.Setenv("DRUPDATE_TEST_EMPTY", "")
	for _, tc := range []struct {
		name      string
		value     Secret
		file, env string
		want      string
		err       string
	}{
		{"value", secretValue, "", "", secretValue, ""},
		{"none", "", "", "", "", ""},
		// Files written by echo or an editor end with a line break.
		{"file", "", lf, "", secretValue, ""},
		{"file with crlf", "", crlf, "", secretValue, ""},
		{"file without newline", "", bare, "", secretValue, ""},
		{"env", "", "", "DRUPDATE_TEST_SECRET", secretValue, ""},
		{"value and file", secretValue, lf, "", "", "token, token_file and token_env: set only one"},
		{"file and env", "", lf, "DRUPDATE_TEST_SECRET", "", "token, token_file and token_env: set only one"},
		{"missing file", "", filepath.Join(dir, "missing"), "", "", "token_file: open " + filepath.Join(dir, "missing") + ": no such file or directory"},
		{"empty file", "", empty, "", "", "token_file " + empty + ": empty"},
		{"unset env", "", "", "DRUPDATE_TEST_UNSET", "", "token_env: environment variable DRUPDATE_TEST_UNSET is unset or empty"},
		{"empty env", "", "", "DRUPDATE_TEST_EMPTY", "", "token_env: environment variable DRUPDATE_TEST_EMPTY is unset or empty"},
	} {
		got, err := LoadSecret("token", tc.value, tc.file, tc.env)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: LoadSecret = %v, want error %q", tc.name, err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), secretValue) {
				t.Errorf("%s: LoadSecret = %q reveals the secret", tc.name, err)
			}
			continue
		}
		if err != nil || got.Reveal() != tc.want {
			t.Errorf("%s: LoadSecret = %q, %v, want %q", tc.name, got.Reveal(), err, tc.want)
		}
	}
}

func TestScrub(t *testing.T) {
	const hook = Secret("https://hooks.example.com/services/T0/B0/tok3n?key=abc123")
	for _, tc := range []struct {
		s    Secret
		text string
		want string
	}{
		{secretValue, "auth failed for " + secretValue + ".", "auth failed for <secret>."},
		{"", "nothing to hide", "nothing to hide"},
		{hook, "posted to " + hook.Reveal(), "posted to <secret>"},
		// Servers echo the path, not the URL.
		{hook, "no route for /services/T0/B0/tok3n?key=abc123", "no route for <secret>"},
		{hook, "no route for /services/T0/B0/tok3n", "no route for <secret>"},
		// A trivial path is left alone.
		{"https://example.com/", "GET / failed", "GET / failed"},
	} {
		if got := tc.s.Scrub(tc.text); got != tc.want {
			t.Errorf("Secret(%q).Scrub(%q) = %q, want %q", tc.s.Reveal(), tc.text, got, tc.want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	const u = "https://hooks.example.com/services/tok3n"
	err := fmt.Errorf("post: %w", RedactURL(&url.Error{Op: "Post", URL: u, Err: errors.New("connection refused")}))
	if got, want := err.Error(), `post: Post "<secret>": connection refused`; got != want {
		t.Errorf("RedactURL: %q, want %q", got, want)
	}
	plain := errors.New("plain")
	if RedactURL(plain) != plain || RedactURL(nil) != nil {
		t.Error("RedactURL changed an error without a URL")
	}
}
