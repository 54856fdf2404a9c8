package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a server.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeDemo runs `drupdate serve` in-process on the demo fleet, as the
// README does, reads the API, and stops it as SIGTERM would.
func TestServeDemo(t *testing.T) {
	t.Chdir("../..")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	token := "test-token-0123456789"
	t.Setenv("DRUPDATE_TOKEN", token)
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"serve", "--config", "testdata/demo/fleet.yml", "--listen", "127.0.0.1:0",
			"--store", "bolt:" + filepath.Join(t.TempDir(), "state.db")}, &stdout, &stderr)
	}()
	url := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := url.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve never said where it listens:\n%s", stderr.String())
	}
	get := func(path string) (int, []byte) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	// The first poll may still be running: wait for its evaluation.
	var code int
	var body []byte
	var rep struct {
		Projects map[string]struct {
			Status string `json:"status"`
		} `json:"projects"`
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		code, body = get("/v1/platforms/legacy-d7")
		if code == http.StatusOK && json.Unmarshal(body, &rep) == nil && rep.Projects["views"].Status == "NOT_SECURE" {
			break
		}
	}
	if code != http.StatusOK || rep.Projects["views"].Status != "NOT_SECURE" {
		t.Fatalf("GET /v1/platforms/legacy-d7 = %d %s, want views NOT_SECURE", code, body)
	}
	if code, body = get("/v1/events?since=0"); code != http.StatusOK || !strings.Contains(string(body), `"platform.status"`) {
		t.Errorf("GET /v1/events = %d %s, want platform.status events", code, body)
	}
	if code, body = get("/v1/notifications"); code != http.StatusOK || strings.TrimSpace(string(body)) != `{"messages":[]}` {
		t.Errorf("GET /v1/notifications = %d %s, want an empty outbox (the demo fleet notifies no one)", code, body)
	}
	cancel()
	select {
	case c := <-done:
		if c != 0 {
			t.Errorf("serve exited %d after cancellation, want 0\n%s", c, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after cancellation")
	}
	if strings.Contains(stderr.String(), token) || strings.Contains(stdout.String(), token) {
		t.Errorf("the API token appears in serve's output")
	}
}

func TestServeOnce(t *testing.T) {
	t.Chdir("../..")
	code, out, stderr := run(t, "serve", "--config", "testdata/demo/fleet.yml", "--once", "--store", "bolt:"+filepath.Join(t.TempDir(), "s.db"))
	if code != 0 || !strings.Contains(out, "legacy-d7: 2 NOT_SECURE, 1 NOT_SUPPORTED, 2 NOT_CURRENT, 1 UNKNOWN") {
		t.Errorf("serve --once = exit %d\n%s\n%s", code, out, stderr)
	}
	if code, _, stderr := run(t, "serve", "--config", "testdata/demo/fleet.yml", "--store", "memcache://x"); code != exitUsage || !strings.Contains(stderr, "neither bolt:PATH nor redis://") {
		t.Errorf("serve with a bad store = exit %d %s", code, stderr)
	}
}
