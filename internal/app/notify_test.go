package app

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/drupdate/drupdate/notify/webhook"
)

// mailbox is a real SMTP server, in-process, that keeps what it is sent.
type mailbox struct {
	addr  string
	mu    sync.Mutex
	mails []*mail.Message
	raw   []string
}

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	mb := &mailbox{}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mboxSession{mb: mb}, nil }))
	s.Domain = "localhost"
	s.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return mb
}

func (mb *mailbox) count() int {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return len(mb.raw)
}

type mboxSession struct{ mb *mailbox }

func (s *mboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mboxSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mboxSession) Reset()                               {}
func (s *mboxSession) Logout() error                        { return nil }
func (s *mboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	s.mb.mails = append(s.mb.mails, m)
	s.mb.raw = append(s.mb.raw, string(b))
	return nil
}

// hook is a webhook endpoint that is down (503) for its first requests.
type hook struct {
	mu        sync.Mutex
	failFirst int
	requests  int
	delivered map[string]int // Idempotency-Key → deliveries accepted
	payloads  []webhook.Payload
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests++
	if h.requests <= h.failFirst {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	if err := webhook.Verify("hook-secret-0123456789", r.Header.Get(webhook.SignatureHeader), r.Header.Get(webhook.TimestampHeader), body, time.Now(), 5*time.Minute); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var p webhook.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.delivered[r.Header.Get(webhook.IdempotencyHeader)]++
	h.payloads = append(h.payloads, p)
}

func (h *hook) snapshot() (requests int, delivered map[string]int, payloads []webhook.Payload) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := map[string]int{}
	for k, v := range h.delivered {
		d[k] = v
	}
	return h.requests, d, append([]webhook.Payload(nil), h.payloads...)
}

// TestServeNotifies: the demo fleet's security findings reach a real SMTP
// server and a webhook that is down at first, as grouped messages naming
// project, advisory, platforms and sites; a restart sends nothing twice.
func TestServeNotifies(t *testing.T) {
	mb := startMailbox(t)
	hk := &hook{failFirst: 2, delivered: map[string]int{}}
	hsrv := httptest.NewServer(hk)
	defer hsrv.Close()
	root, _ := filepath.Abs("../..")
	dir := t.TempDir()
	t.Setenv("DRUPDATE_TOKEN", "test-token-0123456789")
	t.Setenv("HOOK_SECRET", "hook-secret-0123456789")
	cfg := writeFile(t, dir, "fleet.yml", `
serve:
  release_history: `+root+`/testdata/demo/release-history
  store: bolt:`+dir+`/state.db
advisories:
  osv: `+root+`/testdata/advisories/drupal-advisory-database-osv
notify:
  receivers:
    - name: ops
      email: {smarthost: "`+mb.addr+`", tls: none, from: drupdate@example.com, to: [ops@example.com, oncall@example.com]}
    - name: hook
      webhook: {url: "`+hsrv.URL+`/drupdate", secret_env: HOOK_SECRET}
  routes:
    - match: {kinds: ["security.*"]}
      receivers: [ops, hook]
  group_wait: 1s
  group_interval: 1s
  retry: {initial_backoff: 200ms, max_backoff: 400ms}
platforms:
  - name: agency-d10
    path: `+root+`/testdata/platforms/demo
    tags: [production]
  - name: shop-d10-composer
    path: `+root+`/testdata/platforms/composer
  - name: legacy-d7
    path: `+root+`/testdata/platforms/d7
`)
	serve := func(until func() bool) string {
		ctx, cancel := context.WithCancel(context.Background())
		var stdout, stderr syncBuffer
		done := make(chan int)
		go func() {
			done <- Run(ctx, []string{"serve", "--config", cfg, "--listen", "127.0.0.1:0"}, &stdout, &stderr)
		}()
		deadline := time.Now().Add(30 * time.Second)
		for !until() && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
		if c := <-done; c != 0 {
			t.Fatalf("serve exited %d\n%s", c, stderr.String())
		}
		return stderr.String()
	}
	logs := serve(func() bool {
		_, delivered, _ := hk.snapshot()
		return mb.count() > 0 && len(delivered) > 0 && settled(mb, hk)
	})
	if mb.count() == 0 {
		t.Fatalf("no mail arrived\n%s", logs)
	}
	requests, delivered, payloads := hk.snapshot()
	if requests < 3 || len(delivered) == 0 {
		t.Fatalf("webhook: %d requests, %d deliveries; want retries past the outage and deliveries", requests, len(delivered))
	}
	for id, n := range delivered {
		if n != 1 {
			t.Errorf("webhook message %s delivered %d times", id, n)
		}
	}
	// Grouped: far fewer messages than alerts, and every alert there.
	alerts := 0
	text := ""
	for _, p := range payloads {
		alerts += len(p.Alerts)
		b, _ := json.Marshal(p)
		text += string(b)
	}
	if alerts < 10 || len(payloads) > 4 {
		t.Errorf("webhook: %d alerts in %d messages; want them grouped into a few", alerts, len(payloads))
	}
	mb.mu.Lock()
	for _, raw := range mb.raw {
		text += raw
	}
	subject := mb.mails[0].Header.Get("Subject")
	mb.mu.Unlock()
	for _, want := range []string{"DRUPAL-CORE-2026-012", "agency-d10", "shop-d10-composer", "legacy-d7", "blog.example.org",
		"www.example.com", "eu_cookie_compliance", "composer require", "https://www.drupal.org/sa-core-2026-012"} {
		if !strings.Contains(text, want) {
			t.Errorf("the messages never mention %q", want)
		}
	}
	if !strings.Contains(subject, "[drupdate]") {
		t.Errorf("mail subject %q", subject)
	}
	if strings.Contains(text+logs, "hook-secret-0123456789") {
		t.Errorf("the webhook secret leaked into a message or the logs")
	}
	mails := mb.count()
	_, before, _ := hk.snapshot()

	// A restart on the same store: everything is submitted again, and
	// de-duplication sends nothing.
	start := time.Now()
	serve(func() bool { return time.Since(start) > 4*time.Second })
	if n := mb.count(); n != mails {
		t.Errorf("after a restart, %d more mails; want none", n-mails)
	}
	_, after, _ := hk.snapshot()
	if len(after) != len(before) {
		t.Errorf("after a restart, %d more webhook messages; want none", len(after)-len(before))
	}
}

// settled waits for deliveries to stop growing for a second.
func settled(mb *mailbox, hk *hook) bool {
	n := mb.count()
	_, d, _ := hk.snapshot()
	time.Sleep(1200 * time.Millisecond)
	_, d2, _ := hk.snapshot()
	return mb.count() == n && len(d2) == len(d)
}

// TestNotifyTest: `drupdate notify test RECEIVER` sends a sample to that
// receiver and says so; a receiver down or unknown is an error.
func TestNotifyTest(t *testing.T) {
	hk := &hook{delivered: map[string]int{}}
	hsrv := httptest.NewServer(hk)
	defer hsrv.Close()
	dir := t.TempDir()
	writeFile(t, dir, "hook-secret", "hook-secret-0123456789\n")
	cfg := writeFile(t, dir, "fleet.yml", `
notify:
  receivers:
    - name: hook
      webhook: {url: "`+hsrv.URL+`/x", secret_file: hook-secret}
    - name: down
      webhook: {url: "http://127.0.0.1:1/x", secret_file: hook-secret, timeout: 2s}
  routes:
    - receivers: [hook]
platforms:
  - {name: demo, path: ../demo}
`)
	code, out, stderr := run(t, "notify", "test", "hook", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "Sent a sample message") {
		t.Fatalf("notify test hook = exit %d\n%s%s", code, out, stderr)
	}
	if _, delivered, payloads := hk.snapshot(); len(delivered) != 1 || len(payloads[0].Alerts) != 2 || payloads[0].Alerts[0].Project != "token" {
		t.Errorf("the hook received %d messages: %+v", len(delivered), payloads)
	}
	if code, _, stderr := run(t, "notify", "test", "down", "--config", cfg); code != exitError || !strings.Contains(stderr, "notify test down") || strings.Contains(stderr, "hook-secret-0123456789") {
		t.Errorf("notify test down = exit %d, %s", code, stderr)
	}
	if code, _, stderr := run(t, "notify", "test", "nope", "--config", cfg); code != exitUsage || !strings.Contains(stderr, `no receiver "nope"`) {
		t.Errorf("notify test nope = exit %d, %s", code, stderr)
	}
	bad := writeFile(t, dir, "bad.yml", "notify:\n  receivers:\n    - name: x\n      email: {smarthost: mail:25}\n      slack: {webhook_url_env: X}\n  routes:\n    - receivers: [y]\nplatforms:\n  - {name: demo, path: ../demo}\n")
	if code, _, stderr := run(t, "notify", "test", "x", "--config", bad); code != exitError || !strings.Contains(stderr, "exactly one of email, slack and webhook") || !strings.Contains(stderr, `no receiver named "y"`) {
		t.Errorf("notify test with a bad config = exit %d, %s", code, stderr)
	}
}
