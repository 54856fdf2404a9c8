package app

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestGitHubHostedStatus: a custom module released on GitHub gets a
// status like a drupal.org project, from its releases; the token is sent
// and never shown.
func TestGitHubHostedStatus(t *testing.T) {
	const token = "ghp_s3cretTOKENvalue123"
	var calls, authed atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") == "Bearer "+token {
			authed.Add(1)
		}
		if r.URL.Path != "/api/v3/repos/acme/blog-tweaks/releases" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte(`[
			{"tag_name": "v1.2.0", "name": "1.2.0 [security]", "html_url": "https://github.com/acme/blog-tweaks/releases/tag/v1.2.0", "published_at": "2026-10-01T00:00:00Z"},
			{"tag_name": "v1.3.0-beta1", "prerelease": true, "html_url": "https://github.com/acme/blog-tweaks/releases/tag/v1.3.0-beta1", "published_at": "2026-11-01T00:00:00Z"},
			{"tag_name": "v1.1.0", "html_url": "https://github.com/acme/blog-tweaks/releases/tag/v1.1.0", "published_at": "2026-06-01T00:00:00Z"},
			{"tag_name": "v1.0.0", "html_url": "https://github.com/acme/blog-tweaks/releases/tag/v1.0.0", "published_at": "2026-01-01T00:00:00Z"}]`))
	}))
	defer api.Close()
	t.Setenv("DRUPDATE_GITHUB_TOKEN", token)
	dir := t.TempDir()
	demo, _ := filepath.Abs("../../testdata/platforms/demo")
	mirror, _ := filepath.Abs("../../testdata/demo/release-history")
	cfg := writeFile(t, dir, "fleet.yml", `
serve:
  release_history: `+mirror+`
github:
  api_url: `+api.URL+`/api/v3/
  projects:
    blog_tweaks: acme/blog-tweaks
platforms:
  - name: agency
    path: `+demo+`
`)
	code, out, stderr := run(t, "status", "--config", cfg, "--format", "json")
	if code != exitInsecure {
		t.Fatalf("status = exit %d; stderr %s", code, stderr)
	}
	var rep struct {
		Platforms map[string]struct {
			Projects map[string]struct {
				Status      string `json:"status"`
				Existing    string `json:"existing_version"`
				Recommended string `json:"recommended"`
			} `json:"projects"`
			Custom []string `json:"custom_projects"`
		} `json:"platforms"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	p := rep.Platforms["agency"]
	bt, ok := p.Projects["blog_tweaks"]
	if !ok || bt.Status != "NOT_SECURE" || bt.Existing != "1.0.0" || bt.Recommended != "1.2.0" {
		t.Errorf("blog_tweaks = %+v (present %v), want NOT_SECURE 1.0.0 → 1.2.0", bt, ok)
	}
	for _, c := range p.Custom {
		if c == "blog_tweaks" {
			t.Errorf("blog_tweaks still listed as custom code")
		}
	}
	if calls.Load() != 1 || authed.Load() != 1 {
		t.Errorf("GitHub API: %d calls, %d with the token; want 1 and 1", calls.Load(), authed.Load())
	}
	if strings.Contains(out+stderr, token) {
		t.Errorf("the token appears in the output")
	}
	// A repository that does not exist: the project is NOT_FETCHED, the
	// others unaffected, and the error never shows the token.
	cfg = writeFile(t, dir, "fleet2.yml", strings.Replace(mustRead(t, cfg), "acme/blog-tweaks", "acme/gone", 1))
	code, out, stderr = run(t, "status", "--config", cfg, "--format", "json")
	if code != exitInsecure || strings.Contains(out+stderr, token) {
		t.Fatalf("status with a missing repository = exit %d; stderr %s", code, stderr)
	}
	json.Unmarshal([]byte(out), &rep)
	if s := rep.Platforms["agency"].Projects["blog_tweaks"].Status; s != "NOT_FETCHED" {
		t.Errorf("blog_tweaks from a missing repository = %s, want NOT_FETCHED", s)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := readLimited(path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
