package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/drupdate/drupdate/notify"
	"github.com/drupdate/drupdate/notify/notifytest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const token = "kit-slack-token-5f2d8c"

// got is a payload as Slack would decode it; unknown fields fail.
type got struct {
	Text   string `json:"text"`
	Blocks []struct {
		Type     string  `json:"type"`
		Text     *object `json:"text"`
		Fields   []object
		Elements []object
	} `json:"blocks"`
}

type object struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

func decode(t *testing.T, body []byte) got {
	t.Helper()
	var p got
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		t.Errorf("decode the payload: %v", err)
	}
	return p
}

var (
	link   = regexp.MustCompile(`<https?://[^|<>]+\|[^<>]*>`)
	entity = regexp.MustCompile(`&(amp|lt|gt);`)
)

// validate checks the payload against Slack's rules and limits.
func validate(t *testing.T, p got) {
	t.Helper()
	if p.Text == "" {
		t.Error("no top-level text")
	}
	if n := len(p.Blocks); n == 0 || n > maxBlocks {
		t.Fatalf("%d blocks, want 1 to %d", n, maxBlocks)
	}
	mrkdwn := func(where string, o object, max int) {
		if o.Type != "mrkdwn" {
			t.Errorf("%s: text type %q, want mrkdwn", where, o.Type)
		}
		if n := utf8.RuneCountInString(o.Text); n == 0 || n > max {
			t.Errorf("%s: text of %d characters, want 1 to %d", where, n, max)
		}
		bare := entity.ReplaceAllString(link.ReplaceAllString(o.Text, ""), "")
		if strings.ContainsAny(bare, "<>&") {
			t.Errorf("%s: unescaped mrkdwn %q", where, o.Text)
		}
	}
	for i, b := range p.Blocks {
		where := fmt.Sprintf("block %d (%s)", i, b.Type)
		switch b.Type {
		case "header":
			if i != 0 || b.Text == nil || b.Text.Type != "plain_text" || utf8.RuneCountInString(b.Text.Text) > maxHeader {
				t.Errorf("%s: want a first block with plain text of at most %d characters, got %+v", where, maxHeader, b.Text)
			}
		case "section":
			if b.Text == nil {
				t.Errorf("%s: no text", where)
				continue
			}
			mrkdwn(where, *b.Text, maxText)
			if len(b.Fields) > 10 {
				t.Errorf("%s: %d fields", where, len(b.Fields))
			}
			for _, f := range b.Fields {
				mrkdwn(where+" field", f, maxField)
			}
		case "context":
			if n := len(b.Elements); n == 0 || n > 10 {
				t.Errorf("%s: %d elements", where, n)
			}
			for _, e := range b.Elements {
				mrkdwn(where+" element", e, maxText)
			}
		default:
			t.Errorf("%s: unexpected block type", where)
		}
	}
	if last := p.Blocks[len(p.Blocks)-1]; last.Type != "context" || !strings.HasPrefix(last.Elements[0].Text, "drupdate message ") {
		t.Errorf("the last block is not the message id context: %+v", last)
	}
}

// texts returns what a reader sees, unescaped.
func (p got) texts() string {
	s := []string{p.Text}
	for _, b := range p.Blocks {
		if b.Text != nil {
			s = append(s, b.Text.Text)
		}
		for _, o := range append(b.Fields, b.Elements...) {
			s = append(s, o.Text)
		}
	}
	return html.UnescapeString(strings.Join(s, "\n"))
}

func TestConformance(t *testing.T) {
	notifytest.Run(t, notifytest.Harness{
		Start: func(t *testing.T, far *notifytest.FarEnd) (notify.Receiver, any) {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				switch far.Mode() {
				case notifytest.Hang:
					select {
					case <-far.Done():
					case <-r.Context().Done():
					}
					// No reply: one racing the client's timeout could win.
					panic(http.ErrAbortHandler)
				case notifytest.FailTransient:
					http.Error(w, "service_unavailable", http.StatusServiceUnavailable)
					return
				case notifytest.RejectPermanent:
					http.Error(w, "no_service", http.StatusNotFound)
					return
				}
				if r.URL.Path != "/services/T0/B0/"+token || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
					t.Errorf("request %s %s with Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
				}
				p := decode(t, body)
				validate(t, p)
				last := p.Blocks[len(p.Blocks)-1]
				far.Deliver(notifytest.Delivery{ID: last.Elements[0].Text, Content: p.texts()})
				io.WriteString(w, "ok")
			}))
			// Connections the client drops at Close make the server log.
			srv.Config.ErrorLog = log.New(io.Discard, "", 0)
			srv.StartTLS()
			t.Cleanup(srv.Close)
			cfg := Config{WebhookURL: notify.Secret(srv.URL + "/services/T0/B0/" + token)}
			r, err := New("ops-slack", cfg, WithHTTPClient(srv.Client()))
			if err != nil {
				t.Fatal(err)
			}
			return r, cfg
		},
		Secrets: []string{token},
	})
}

// capture starts a server that answers 200 and keeps the last body.
func capture(t *testing.T) (*Receiver, *atomic.Pointer[[]byte]) {
	t.Helper()
	var last atomic.Pointer[[]byte]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		last.Store(&b)
	}))
	t.Cleanup(srv.Close)
	r, err := New("ops-slack", Config{WebhookURL: notify.Secret(srv.URL + "/" + token)})
	if err != nil {
		t.Fatal(err)
	}
	return r, &last
}

func alert(project, platform string, score int) notify.Alert {
	return notify.Alert{
		Kind: notify.KindAdvisory, Platform: platform, Sites: []string{platform + ".example.com"}, Project: project,
		Installed: "1.0.0", Recommended: "1.0.1", Fix: "composer require 'drupal/" + project + ":^1.0.1' -W",
		Advisory: &notify.AdvisoryRef{ID: "SA-CONTRIB-2026-" + project, Risk: "Critical", Score: score, Link: "https://www.drupal.org/sa-" + project},
	}
}

// TestLimits sends more groups, platforms and text than Slack takes.
func TestLimits(t *testing.T) {
	r, last := capture(t)
	m := &notify.Message{ID: "limits"}
	for i := range 80 {
		for j := range 1 + i%3 {
			m.Alerts = append(m.Alerts, alert(fmt.Sprintf("p%02d", i), fmt.Sprintf("platform-%d", j), 1+i%25))
		}
	}
	// One group has too many platforms for a section, and a name too
	// long for anything.
	for j := range 200 {
		a := alert("many", fmt.Sprintf("a-rather-long-platform-name-%03d", j), 25)
		a.Advisory.Range = strings.Repeat("&", 2500)
		m.Alerts = append(m.Alerts, a)
	}
	m.Alerts = append(m.Alerts, alert(strings.Repeat("<x>", 1500), "p", 24))
	if err := r.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	p := decode(t, *last.Load())
	validate(t, p)
	// Groups take three blocks each, so up to two may stay unused.
	if len(p.Blocks) < maxBlocks-2 {
		t.Errorf("%d blocks, want nearly the %d Slack allows", len(p.Blocks), maxBlocks)
	}
	shown := 0
	for _, b := range p.Blocks {
		if b.Type == "context" && strings.HasPrefix(b.Elements[0].Text, "Platforms: ") {
			shown++
		}
	}
	more := p.Blocks[len(p.Blocks)-2]
	if want := fmt.Sprintf("*…and %d more:*", 82-shown); more.Text == nil || !strings.HasPrefix(more.Text.Text, want) {
		t.Errorf("the block before the footer is %+v, want a section starting %q", more, want)
	}
	// Highest risk first: "many" (25/25) leads, its platforms cut short.
	if !strings.Contains(p.Blocks[2].Text.Text, "more platforms") {
		t.Errorf("the platforms of the 200-platform group were not cut short: %q", p.Blocks[2].Text.Text)
	}
}

// TestDigestLimits sends a digest longer than a message holds, with one
// advisory among its updates.
func TestDigestLimits(t *testing.T) {
	r, last := capture(t)
	m := &notify.Message{ID: "digest", Digest: true, Alerts: []notify.Alert{alert("token", "prod", 12)}}
	for i := range 2000 {
		m.Alerts = append(m.Alerts, notify.Alert{
			Kind: notify.KindUpdate, Platform: fmt.Sprintf("platform-%d", i%7), Project: fmt.Sprintf("module_%04d", i),
			Installed: "1.0.0", Recommended: "1.1.0", Fix: fmt.Sprintf("composer require 'drupal/module_%04d:^1.1' -W", i),
		})
	}
	if err := r.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	p := decode(t, *last.Load())
	validate(t, p)
	if len(p.Blocks) != maxBlocks {
		t.Errorf("%d blocks, want %d", len(p.Blocks), maxBlocks)
	}
	if !strings.Contains(p.Blocks[1].Text.Text, "SA-CONTRIB-2026-token") {
		t.Errorf("the advisory does not come first: %+v", p.Blocks[1].Text)
	}
	listed := strings.Count(p.texts(), "• *module_")
	tail := p.Blocks[len(p.Blocks)-2].Text.Text
	if want := fmt.Sprintf("…and %d more updates", 2000-listed); !strings.HasSuffix(tail, want) {
		t.Errorf("the last section ends %q, want %q", tail[max(0, len(tail)-60):], want)
	}
}

// TestEscape checks that feed text cannot inject mrkdwn links or mentions.
func TestEscape(t *testing.T) {
	r, last := capture(t)
	a := alert("x", "prod", 10)
	a.Project = "<!channel> & <https://evil.example|click>"
	a.Fix = "composer require 'drupal/x:^1' && echo `id`"
	a.Advisory.Link = "javascript:alert(1)"
	if err := r.Send(context.Background(), &notify.Message{ID: "escape", Alerts: []notify.Alert{a}}); err != nil {
		t.Fatal(err)
	}
	body := *last.Load()
	p := decode(t, body)
	validate(t, p)
	for _, bad := range []string{"<!channel>", "<https://evil", "javascript:"} {
		if bytes.Contains(body, []byte(bad)) {
			t.Errorf("payload contains %q:\n%s", bad, body)
		}
	}
	if !strings.Contains(p.texts(), a.Fix) {
		t.Errorf("the fix command does not read verbatim:\n%s", p.texts())
	}
}

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		code       int
		header     string
		permanent  bool
		retryAfter time.Duration
	}{
		{http.StatusOK, "", false, 0},
		{http.StatusNoContent, "", false, 0},
		{http.StatusTooManyRequests, "30", false, 30 * time.Second},
		{http.StatusRequestTimeout, "", false, 0},
		{http.StatusInternalServerError, "", false, 0},
		{http.StatusServiceUnavailable, time.Now().Add(2 * time.Minute).UTC().Format(http.TimeFormat), false, 2 * time.Minute},
		{http.StatusBadRequest, "", true, 0},
		{http.StatusForbidden, "", true, 0},
		{http.StatusNotFound, "", true, 0},
		{http.StatusGone, "", true, 0},
		// A redirect is not followed: the message would go elsewhere.
		{http.StatusFound, "", true, 0},
	} {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if hits.Add(1) > 1 {
				t.Errorf("%d: the redirect was followed", tc.code)
			}
			if tc.header != "" {
				w.Header().Set("Retry-After", tc.header)
			}
			if tc.code == http.StatusFound {
				w.Header().Set("Location", "/elsewhere")
			}
			w.WriteHeader(tc.code)
			// Echo the URL, as a careless proxy might.
			fmt.Fprintf(w, "error for http://%s%s", r.Host, r.URL.Path)
		}))
		r, err := New("ops-slack", Config{WebhookURL: notify.Secret(srv.URL + "/" + token)})
		if err != nil {
			t.Fatal(err)
		}
		err = r.Send(context.Background(), notifytest.Message("status"))
		srv.Close()
		if tc.code < 300 {
			if err != nil {
				t.Errorf("%d: Send = %v, want nil", tc.code, err)
			}
			continue
		}
		if err == nil || notify.IsPermanent(err) != tc.permanent {
			t.Errorf("%d: Send = %v, want permanent %v", tc.code, err, tc.permanent)
			continue
		}
		if strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "<secret>") {
			t.Errorf("%d: Send = %q, want the echoed URL scrubbed", tc.code, err)
		}
		var se *StatusError
		if !errors.As(err, &se) || se.Code != tc.code {
			t.Errorf("%d: Send = %v, want a *StatusError with the code", tc.code, err)
			continue
		}
		if d := se.RetryAfter(); d > tc.retryAfter || d < tc.retryAfter-5*time.Second {
			t.Errorf("%d: RetryAfter() = %v, want about %v", tc.code, d, tc.retryAfter)
		}
	}
}

// TestTransportErrorRedacted checks that net/http's errors, which quote
// the URL, lose it.
func TestTransportErrorRedacted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r, err := New("ops-slack", Config{WebhookURL: notify.Secret("http://" + addr + "/services/" + token)})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Send(context.Background(), notifytest.Message("down"))
	if err == nil || notify.IsPermanent(err) {
		t.Fatalf("Send to a closed port = %v, want a transient error", err)
	}
	if strings.Contains(fmt.Sprintf("%+v", err), token) {
		t.Errorf("Send = %q reveals the webhook URL", err)
	}
}

func TestNew(t *testing.T) {
	const secretURL = "https://hooks.slack.com/services/T0/B0/" + token
	t.Setenv("DRUPDATE_TEST_SLACK", secretURL)
	file := filepath.Join(t.TempDir(), "url")
	if err := os.WriteFile(file, []byte(secretURL+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		err  string
	}{
		{"inline", Config{WebhookURL: secretURL}, ""},
		{"file", Config{WebhookURLFile: file}, ""},
		{"env", Config{WebhookURLEnv: "DRUPDATE_TEST_SLACK"}, ""},
		{"loopback http", Config{WebhookURL: "http://127.0.0.1:8080/x"}, ""},
		{"none", Config{}, "webhook_url: required"},
		{"two", Config{WebhookURL: secretURL, WebhookURLEnv: "DRUPDATE_TEST_SLACK"}, "webhook_url, webhook_url_file and webhook_url_env: set only one"},
		{"plain http", Config{WebhookURL: "http://hooks.slack.com/services/" + token}, "webhook_url: want an https URL"},
		{"relative", Config{WebhookURL: "/services/" + token}, "webhook_url: not an absolute URL"},
		{"unparsable", Config{WebhookURL: "https://hooks.slack.com/%zz" + token}, "webhook_url: not an absolute URL"},
		{"negative timeout", Config{WebhookURL: secretURL, Timeout: -1}, "timeout -1ns: must be positive"},
	} {
		_, err := New("ops", tc.cfg)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: New: %v", tc.name, err)
		case tc.err != "" && err == nil:
			t.Errorf("%s: New succeeded, want an error containing %q", tc.name, tc.err)
		case tc.err != "" && !strings.Contains(err.Error(), `slack receiver "ops": `+tc.err):
			t.Errorf("%s: New = %q, want it to contain %q", tc.name, err, tc.err)
		}
		if err != nil && strings.Contains(err.Error(), token) {
			t.Errorf("%s: New = %q reveals the URL", tc.name, err)
		}
	}
}

// TestGolden shows the payloads of the render test messages.
func TestGolden(t *testing.T) {
	for _, name := range []string{"single", "several", "mixed", "digest"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "render", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m notify.Message
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(build(&m)); err != nil {
			t.Fatal(err)
		}
		got := buf.Bytes()
		validate(t, decode(t, got))
		file := filepath.Join("testdata", name+".json")
		if *update {
			if err := os.WriteFile(file, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", file, diff)
		}
	}
}

// TestConfigYAML decodes the documented keys strictly.
func TestConfigYAML(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want Config
	}{
		{"webhook_url: https://hooks.slack.com/services/T0/B0/x\ntimeout: 5s\n", Config{WebhookURL: "https://hooks.slack.com/services/T0/B0/x", Timeout: 5 * time.Second}},
		{"webhook_url_file: /run/secrets/slack\n", Config{WebhookURLFile: "/run/secrets/slack"}},
		{"webhook_url_env: SLACK_WEBHOOK\n", Config{WebhookURLEnv: "SLACK_WEBHOOK"}},
	} {
		var got Config
		d := yaml.NewDecoder(strings.NewReader(tc.doc))
		d.KnownFields(true)
		if err := d.Decode(&got); err != nil {
			t.Errorf("decode %q: %v", tc.doc, err)
			continue
		}
		if got != tc.want {
			t.Errorf("decode %q = %+v, want %+v", tc.doc, got, tc.want)
		}
	}
}
