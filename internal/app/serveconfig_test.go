package app

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/drupdate/drupdate/platforms"
)

func serveSectionOf(t *testing.T, dir, yml string, env map[string]string) (serveConfig, error) {
	t.Helper()
	file := filepath.Join(dir, "fleet.yml")
	f, err := platforms.ParseFleet(file, []byte(yml+"platforms:\n  - name: a\n    path: /a\n"), "serve")
	if err != nil {
		t.Fatalf("ParseFleet: %v", err)
	}
	return parseServeConfig(file, f.Sections["serve"], func(k string) string { return env[k] })
}

func TestServeConfig(t *testing.T) {
	dir := t.TempDir()
	c, err := serveSectionOf(t, dir, "", nil)
	if err != nil || c.PollInterval != time.Hour || c.Store != "bolt:"+filepath.Join(dir, "drupdate.db") || c.Token != "" {
		t.Errorf("defaults = %+v, %v", c, err)
	}
	writeFile(t, dir, "token", "s3cret-token\n")
	c, err = serveSectionOf(t, dir, "serve:\n  token_file: token\n  poll_interval: 2h\n  release_history: mirror\n  store: redis://127.0.0.1:6379/0\n", nil)
	if err != nil || c.Token != "s3cret-token" || c.PollInterval != 2*time.Hour || c.ReleaseHistory != filepath.Join(dir, "mirror") || c.Store != "redis://127.0.0.1:6379/0" {
		t.Errorf("serve section = %+v, %v", c, err)
	}
	c, err = serveSectionOf(t, dir, "", map[string]string{"DRUPDATE_TOKEN": "from-env"})
	if err != nil || c.Token != "from-env" {
		t.Errorf("DRUPDATE_TOKEN: token %q, %v", c.Token, err)
	}

	bad := []struct{ yml, want string }{
		{"serve:\n  poll_intervall: 1h\n", `fleet.yml:2: serve: unknown key "poll_intervall"`},
		{"serve:\n  poll_interval: soon\n", `fleet.yml:2: serve: poll_interval: "soon" is not a positive duration`},
		{"serve:\n  retries: -1\n", "fleet.yml:2: serve: retries"},
		{"serve:\n  jitter: 0.6\n", "fleet.yml:2: serve: jitter: \"0.6\" is not a fraction from 0 to 0.5"},
		{"serve:\n  token: hunter2\n", "fleet.yml:2: serve: token: put the token in token_file"},
		{"serve:\n  urgent_interval: 2h\n", "urgent_interval 2h0m0s is longer than poll_interval"},
		{"serve:\n  token_file: missing\n", "token_file"},
		{"serve: [1]\n", "fleet.yml:1: serve: expected a mapping"},
	}
	for _, tt := range bad {
		_, err := serveSectionOf(t, dir, tt.yml, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("serve section %q: error %v, want %q", tt.yml, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error %q repeats the token", err)
		}
	}
}
