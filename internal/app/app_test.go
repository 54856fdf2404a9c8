package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// run executes drupdate in-process.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{nil, exitUsage, "Usage: drupdate COMMAND"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"status"}, exitUsage, "status needs a platform PATH, --installed FILE or --config FLEET"},
		{[]string{"status", "a", "b"}, exitUsage, "one platform PATH"},
		{[]string{"status", "a", "--installed", "x.json"}, exitUsage, "only one of PATH, --installed and --config"},
		{[]string{"inventory"}, exitUsage, "inventory takes one platform PATH"},
		{[]string{"inventory", "/nonexistent/platform"}, exitError, "scan /nonexistent/platform"},
		{[]string{"status", "--installed", "x.json", "--format", "yaml"}, exitUsage, "--format must be text or json"},
		{[]string{"status", "--no-such-flag"}, exitUsage, "flag provided but not defined"},
		{[]string{"status", "--installed", "x.json", "--now", "yesterday"}, exitUsage, "not an RFC 3339 time"},
		{[]string{"status", "--installed", "/nonexistent/inv.json"}, exitError, "/nonexistent/inv.json"},
		{[]string{"status", "-h"}, exitOK, "Usage: drupdate status"},
	}
	for _, tt := range tests {
		code, _, stderr := run(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
			t.Errorf("drupdate %q = exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr, tt.code, tt.inStderr)
		}
	}
	if code, out, _ := run(t, "version"); code != 0 || !strings.HasPrefix(out, "drupdate ") {
		t.Errorf("drupdate version = %d %q", code, out)
	}
}

func TestBadInventory(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		content, want string
	}{
		{`{"core_version": "10.2.0", "projects": {"drupal": {"version": 10}}}`, "line 1, column"},
		{"{\n  \"core_version\": \"10.2.0\",\n  \"projects\": {\n    \"drupal\": {\"version\": \"10.2.0\",}\n  }\n}", "line 4, column"},
		{`{"core_version": "10.2.0"}`, `no "projects" object`},
		{`{"core_version": "6.38", "projects": {}}`, "Drupal 6 is not supported"},
		{`{"projects": {"token": {"version": "8.x-1.0"}}}`, `set "core_version" or "feed"`},
		{`{"feed": "8.x", "projects": {}}`, `feed "8.x" is neither`},
		{`{"core_version": "10.2.0", "projects": {"x": {"version": "1.0.0", "datestamp": "soon"}}}`, "not Unix seconds"},
	}
	for i, tt := range tests {
		inv := writeFile(t, dir, "inv"+string(rune('a'+i))+".json", tt.content)
		code, _, stderr := run(t, "status", "--installed", inv, "--release-history", dir)
		if code != exitError || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "drupdate: ") {
			t.Errorf("status --installed %s (%s) = exit %d, stderr %q; want exit 1 mentioning %q", inv, tt.content, code, stderr, tt.want)
		}
	}
}

const feedTmpl = `<?xml version="1.0" encoding="utf-8"?>
<project xmlns:dc="http://purl.org/dc/elements/1.1/">
<title>NAME</title><short_name>NAME</short_name><supported_branches>SUPPORTED</supported_branches>
<project_status>published</project_status><link>https://www.drupal.org/project/NAME</link>
<releases>RELEASES</releases></project>`

func feedXML(name, supported string, releases ...string) string {
	var rel strings.Builder
	for i, r := range releases {
		version, terms, _ := strings.Cut(r, " ")
		rel.WriteString("<release><name>" + name + " " + version + "</name><version>" + version + "</version><status>published</status>")
		rel.WriteString("<release_link>https://www.drupal.org/project/" + name + "/releases/" + version + "</release_link>")
		rel.WriteString("<date>" + string(rune('9'-i)) + "00000000</date><terms>")
		for _, term := range strings.Split(terms, ",") {
			if term != "" {
				rel.WriteString("<term><name>Release type</name><value>" + term + "</value></term>")
			}
		}
		rel.WriteString("</terms></release>")
	}
	r := strings.NewReplacer("NAME", name, "SUPPORTED", supported, "RELEASES", rel.String())
	return r.Replace(feedTmpl)
}

// TestStatusOverHTTP runs the whole command against a real HTTP server:
// one project insecure, one failing upstream, one unknown to drupal.org.
func TestStatusOverHTTP(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if got := r.Header.Get("Accept"); got != "text/xml" {
			t.Errorf("request %s: Accept %q, want text/xml", r.URL.Path, got)
		}
		switch r.URL.Path {
		case "/drupal/current":
			w.Write([]byte(feedXML("drupal", "10.2.,10.3.", "10.3.1 Security update", "10.3.0", "10.2.7 Security update", "10.2.6 Insecure")))
		case "/token/current":
			w.Write([]byte(feedXML("token", "8.x-1.", "8.x-1.15", "8.x-1.14")))
		case "/broken/current":
			http.Error(w, "upstream trouble", http.StatusBadGateway)
		default:
			w.Write([]byte(`<?xml version="1.0" encoding="utf-8"?>` + "\n<error>No release history was found for the requested project (custom).</error>"))
		}
	}))
	defer srv.Close()
	inv := writeFile(t, t.TempDir(), "inv.json", `{"core_version": "10.2.6", "projects": {
		"drupal": {"version": "10.2.6", "type": "core"},
		"token": {"version": "8.x-1.14", "type": "module"},
		"broken": {"version": "2.0.0", "type": "module"},
		"custom": {"version": "1.0.0", "type": "module"}}}`)

	code, out, stderr := run(t, "status", "--installed", inv, "--release-history", srv.URL, "--format", "json", "--now", "2026-11-25T00:00:00Z")
	if code != exitInsecure {
		t.Fatalf("status = exit %d, want %d (stderr %q)", code, exitInsecure, stderr)
	}
	if n := requests.Load(); n != 4 {
		t.Errorf("%d feed requests, want 4 (one per project)", n)
	}
	var rep struct {
		Projects map[string]struct {
			Status          string   `json:"status"`
			Reason          *string  `json:"reason"`
			Recommended     *string  `json:"recommended"`
			SecurityUpdates []string `json:"security_updates"`
		} `json:"projects"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	want := map[string]string{"drupal": "NOT_SECURE", "token": "NOT_CURRENT", "broken": "NOT_FETCHED", "custom": "UNKNOWN"}
	for name, st := range want {
		if got := rep.Projects[name].Status; got != st {
			t.Errorf("project %s: status %s, want %s", name, got, st)
		}
	}
	if sec := rep.Projects["drupal"].SecurityUpdates; strings.Join(sec, ",") != "10.3.1,10.2.7" {
		t.Errorf("drupal security updates = %v, want [10.3.1 10.2.7]", sec)
	}

	code, out, _ = run(t, "status", "--installed", inv, "--release-history", srv.URL, "--now", "2026-11-25T00:00:00Z")
	if code != exitInsecure {
		t.Errorf("text status = exit %d, want 3", code)
	}
	lines := strings.Split(out, "\n")
	var first string
	for i, l := range lines {
		if strings.HasPrefix(l, "STATUS") && i+1 < len(lines) {
			first = lines[i+1]
		}
	}
	if !strings.HasPrefix(first, "Security update required!") || !strings.Contains(first, "drupal") || !strings.Contains(first, "10.2.7") {
		t.Errorf("text report's first project line = %q, want drupal's security line first\n%s", first, out)
	}

	code, out, _ = run(t, "status", "--installed", inv, "--release-history", srv.URL, "--security-only", "--format", "json")
	if code != exitInsecure || strings.Contains(out, `"token"`) {
		t.Errorf("status --security-only = exit %d, output %s; want only insecure projects", code, out)
	}
}
