package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/drupdate/drupdate/notify"
	"github.com/drupdate/drupdate/notify/notifytest"
)

const (
	hmacSecret  = "kit-hmac-secret-91ab3f"
	pathToken   = "kit-webhook-path-token-44e1"
	headerToken = "kit-header-token-0d7c55"
)

// request is what the test server saw of one request.
type request struct {
	header http.Header
	path   string
	body   []byte
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
					http.Error(w, "busy", http.StatusServiceUnavailable)
					return
				case notifytest.RejectPermanent:
					http.Error(w, "unknown hook", http.StatusNotFound)
					return
				}
				if err := Verify(hmacSecret, r.Header.Get(SignatureHeader), r.Header.Get(TimestampHeader), body, time.Now(), time.Minute); err != nil {
					t.Errorf("Verify: %v", err)
				}
				if got := r.Header.Get("Authorization"); got != "Bearer "+headerToken {
					t.Errorf("Authorization = %q", got)
				}
				decodePayload(t, body)
				far.Deliver(notifytest.Delivery{ID: r.Header.Get(IdempotencyHeader), Content: string(body)})
				w.WriteHeader(http.StatusAccepted)
			}))
			// Connections the client drops at Close make the server log.
			srv.Config.ErrorLog = log.New(io.Discard, "", 0)
			srv.StartTLS()
			t.Cleanup(srv.Close)
			cfg := Config{
				URL:     notify.Secret(srv.URL + "/hooks/" + pathToken),
				Secret:  hmacSecret,
				Headers: map[string]notify.Secret{"authorization": "Bearer " + headerToken},
			}
			r, err := New("ops-hook", cfg, WithHTTPClient(srv.Client()))
			if err != nil {
				t.Fatal(err)
			}
			return r, cfg
		},
		Secrets: []string{hmacSecret, pathToken, headerToken},
	})
}

// decodePayload decodes a body strictly, as a consumer holding the
// documented format would.
func decodePayload(t *testing.T, body []byte) Payload {
	t.Helper()
	var p Payload
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		t.Errorf("decode the payload: %v\n%s", err, body)
	}
	return p
}

// record starts a server answering code and keeps every request.
func record(t *testing.T, code int) (string, *atomic.Pointer[[]request]) {
	t.Helper()
	var got atomic.Pointer[[]request]
	got.Store(&[]request{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rs := append(*got.Load(), request{header: r.Header.Clone(), path: r.URL.Path, body: body})
		got.Store(&rs)
		w.WriteHeader(code)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/hooks/" + pathToken, &got
}

// TestRequest checks the body and headers a consumer relies on.
func TestRequest(t *testing.T) {
	u, got := record(t, http.StatusOK)
	now := time.Date(2026, 3, 18, 9, 30, 0, 0, time.UTC)
	r, err := New("ops-hook", Config{URL: notify.Secret(u), Secret: hmacSecret, Headers: map[string]notify.Secret{"X-Team": "security"}},
		WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	m := notifytest.Message("01JQ7Z3KX2M5D9T8S6R4V1A0BC")
	m.Reminder = true
	if err := r.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	reqs := *got.Load()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	req := reqs[0]
	headers := map[string]string{
		"Content-Type":    "application/json",
		IdempotencyHeader: m.ID,
		TimestampHeader:   "1773826200",
		SignatureHeader:   "sha256=" + sign(hmacSecret, "1773826200", req.body),
		"X-Team":          "security",
	}
	for k, want := range headers {
		if got := req.header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if err := Verify(hmacSecret, req.header.Get(SignatureHeader), req.header.Get(TimestampHeader), req.body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("Verify: %v", err)
	}
	want := Payload{Version: "1", ID: m.ID, Receiver: m.Receiver, Created: m.Created, Reminder: true, Alerts: m.Alerts}
	if diff := cmp.Diff(want, decodePayload(t, req.body)); diff != "" {
		t.Errorf("payload (-want +got):\n%s", diff)
	}
	// The field names are the format; a consumer in another language
	// reads them, not Payload.
	var raw map[string]any
	if err := json.Unmarshal(req.body, &raw); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if diff := cmp.Diff([]string{"alerts", "created", "digest", "id", "receiver", "reminder", "version"}, keys); diff != "" {
		t.Errorf("top-level keys (-want +got):\n%s", diff)
	}
}

// TestEmptyMessage checks that alerts is a list even when empty.
func TestEmptyMessage(t *testing.T) {
	u, got := record(t, http.StatusOK)
	r, err := New("ops-hook", Config{URL: notify.Secret(u), Secret: hmacSecret})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Send(context.Background(), &notify.Message{ID: "empty"}); err != nil {
		t.Fatal(err)
	}
	if body := (*got.Load())[0].body; !bytes.Contains(body, []byte(`"alerts":[]`)) {
		t.Errorf("body %s, want alerts []", body)
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(1773826200, 0)
	body := []byte(`{"version":"1"}`)
	ts := "1773826200"
	good := "sha256=" + sign(hmacSecret, ts, body)
	for _, tc := range []struct {
		name      string
		secret    string
		signature string
		timestamp string
		body      []byte
		now       time.Time
		err       string // "" for success
	}{
		{"valid", hmacSecret, good, ts, body, now, ""},
		{"valid at the tolerance", hmacSecret, good, ts, body, now.Add(5 * time.Minute), ""},
		{"upper-case prefix", hmacSecret, "SHA256=" + good[7:], ts, body, now, "want sha256=<hex>"},
		{"wrong secret", "another-secret", good, ts, body, now, "signature does not match"},
		{"tampered body", hmacSecret, good, ts, []byte(`{"version":"2"}`), now, "signature does not match"},
		// A replay re-dated to pass the age check no longer matches.
		{"re-dated", hmacSecret, good, "1773826500", body, now.Add(5 * time.Minute), "signature does not match"},
		{"replayed late", hmacSecret, good, ts, body, now.Add(5*time.Minute + time.Second), "is 5m1s away from now, more than 5m0s"},
		{"from the future", hmacSecret, good, ts, body, now.Add(-10 * time.Minute), "is -10m0s away from now"},
		{"no prefix", hmacSecret, good[7:], ts, body, now, "want sha256=<hex>"},
		{"not hex", hmacSecret, "sha256=zz", ts, body, now, "want sha256=<hex>"},
		{"empty signature", hmacSecret, "", ts, body, now, "want sha256=<hex>"},
		{"bad timestamp", hmacSecret, good, "yesterday", body, now, `timestamp "yesterday": not Unix seconds`},
	} {
		err := Verify(tc.secret, tc.signature, tc.timestamp, tc.body, tc.now, 5*time.Minute)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: Verify: %v", tc.name, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: Verify = %v, want an error containing %q", tc.name, err, tc.err)
		}
		if err != nil && strings.Contains(err.Error(), tc.secret) {
			t.Errorf("%s: Verify = %q reveals the secret", tc.name, err)
		}
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
		{http.StatusAccepted, "", false, 0},
		{http.StatusNoContent, "", false, 0},
		{http.StatusRequestTimeout, "", false, 0},
		{http.StatusTooManyRequests, "17", false, 17 * time.Second},
		{http.StatusInternalServerError, "", false, 0},
		{http.StatusBadGateway, "", false, 0},
		{http.StatusServiceUnavailable, "120", false, 2 * time.Minute},
		{http.StatusBadRequest, "", true, 0},
		{http.StatusUnauthorized, "", true, 0},
		{http.StatusNotFound, "", true, 0},
		{http.StatusConflict, "", true, 0},
		{http.StatusUnprocessableEntity, "", true, 0},
		// A redirect is not followed: the message would go elsewhere.
		{http.StatusMovedPermanently, "", true, 0},
	} {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if hits.Add(1) > 1 {
				t.Errorf("%d: the redirect was followed", tc.code)
			}
			if tc.header != "" {
				w.Header().Set("Retry-After", tc.header)
			}
			if tc.code == http.StatusMovedPermanently {
				w.Header().Set("Location", "/elsewhere")
			}
			w.WriteHeader(tc.code)
			// Echo what arrived, as a careless endpoint might.
			fmt.Fprintf(w, "bad request to %s with %s; body %s", r.URL.Path, r.Header.Get("Authorization"), strings.Repeat("x", 10_000))
		}))
		r, err := New("ops-hook", Config{URL: notify.Secret(srv.URL + "/hooks/" + pathToken), Secret: hmacSecret,
			Headers: map[string]notify.Secret{"Authorization": "Bearer " + headerToken}})
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
		for _, s := range []string{pathToken, headerToken} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("%d: Send = %q reveals %q", tc.code, err, s)
			}
		}
		if len(err.Error()) > 700 {
			t.Errorf("%d: Send returned an error of %d bytes; the reply should be cut short", tc.code, len(err.Error()))
		}
		var se *StatusError
		if !errors.As(err, &se) || se.Code != tc.code || se.RetryAfter() != tc.retryAfter {
			t.Errorf("%d: Send = %v, want a *StatusError with the code and RetryAfter %v", tc.code, err, tc.retryAfter)
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
	r, err := New("ops-hook", Config{URL: notify.Secret("http://" + addr + "/hooks/" + pathToken), Secret: hmacSecret})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Send(context.Background(), notifytest.Message("down"))
	if err == nil || notify.IsPermanent(err) {
		t.Fatalf("Send to a closed port = %v, want a transient error", err)
	}
	if strings.Contains(fmt.Sprintf("%+v", err), pathToken) {
		t.Errorf("Send = %q reveals the URL", err)
	}
}

func TestNew(t *testing.T) {
	const secretURL = "https://hooks.example.com/in/" + pathToken
	t.Setenv("DRUPDATE_TEST_HOOK_SECRET", hmacSecret)
	file := filepath.Join(t.TempDir(), "url")
	if err := os.WriteFile(file, []byte(secretURL+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		err  string
	}{
		{"inline", Config{URL: secretURL, Secret: hmacSecret}, ""},
		{"from file and env", Config{URLFile: file, SecretEnv: "DRUPDATE_TEST_HOOK_SECRET"}, ""},
		{"headers", Config{URL: secretURL, Secret: hmacSecret, Headers: map[string]notify.Secret{"Authorization": "Bearer x", "X-Team": "sec"}}, ""},
		{"no url", Config{Secret: hmacSecret}, "url: required"},
		{"two urls", Config{URL: secretURL, URLFile: file, Secret: hmacSecret}, "url, url_file and url_env: set only one"},
		{"plain http", Config{URL: "http://hooks.example.com/" + pathToken, Secret: hmacSecret}, "url: want an https URL"},
		{"not a url", Config{URL: "hooks.example.com/" + pathToken, Secret: hmacSecret}, "url: not an absolute URL"},
		{"no secret", Config{URL: secretURL}, "secret: required"},
		{"unset secret env", Config{URL: secretURL, SecretEnv: "DRUPDATE_TEST_UNSET"}, "secret_env: environment variable DRUPDATE_TEST_UNSET is unset or empty"},
		{"reserved header", Config{URL: secretURL, Secret: hmacSecret, Headers: map[string]notify.Secret{"idempotency-key": "x"}}, "headers: Idempotency-Key is set by drupdate"},
		{"own header", Config{URL: secretURL, Secret: hmacSecret, Headers: map[string]notify.Secret{"X-Drupdate-Signature": "x"}}, "headers: X-Drupdate-Signature is set by drupdate"},
		{"bad header name", Config{URL: secretURL, Secret: hmacSecret, Headers: map[string]notify.Secret{"X Team": "x"}}, `headers: "X Team" is not a header name`},
		{"header injection", Config{URL: secretURL, Secret: hmacSecret, Headers: map[string]notify.Secret{"X-Team": notify.Secret(headerToken + "\r\nX-Evil: 1")}}, "headers: X-Team: the value has a line break"},
		{"negative timeout", Config{URL: secretURL, Secret: hmacSecret, Timeout: -time.Second}, "timeout -1s: must be positive"},
	} {
		_, err := New("ops", tc.cfg)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: New: %v", tc.name, err)
		case tc.err != "" && err == nil:
			t.Errorf("%s: New succeeded, want an error containing %q", tc.name, tc.err)
		case tc.err != "" && !strings.Contains(err.Error(), `webhook receiver "ops": `+tc.err):
			t.Errorf("%s: New = %q, want it to contain %q", tc.name, err, tc.err)
		}
		if err != nil {
			for _, s := range []string{pathToken, hmacSecret, headerToken} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("%s: New = %q reveals %q", tc.name, err, s)
				}
			}
		}
	}
}

// TestRetrySignsAfresh checks that each attempt carries its own
// timestamp and signature but the same idempotency key.
func TestRetrySignsAfresh(t *testing.T) {
	u, got := record(t, http.StatusServiceUnavailable)
	now := time.Unix(1773826200, 0)
	r, err := New("ops-hook", Config{URL: notify.Secret(u), Secret: hmacSecret}, WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	m := notifytest.Message("retry")
	for range 2 {
		r.Send(context.Background(), m)
		now = now.Add(time.Minute)
	}
	reqs := *got.Load()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	a, b := reqs[0].header, reqs[1].header
	if a.Get(IdempotencyHeader) != "retry" || b.Get(IdempotencyHeader) != "retry" {
		t.Errorf("idempotency keys %q, %q, want the message id", a.Get(IdempotencyHeader), b.Get(IdempotencyHeader))
	}
	if ta, tb := a.Get(TimestampHeader), b.Get(TimestampHeader); tb != strconv.FormatInt(now.Add(-time.Minute).Unix(), 10) || ta == tb {
		t.Errorf("timestamps %q, %q, want one an attempt", ta, tb)
	}
	for _, req := range reqs {
		if err := Verify(hmacSecret, req.header.Get(SignatureHeader), req.header.Get(TimestampHeader), req.body, now, 5*time.Minute); err != nil {
			t.Errorf("Verify: %v", err)
		}
	}
}

// TestConfigYAML decodes the documented keys strictly.
func TestConfigYAML(t *testing.T) {
	doc := `
url_file: /run/secrets/hook-url
secret_env: DRUPDATE_HOOK_SECRET
headers:
  Authorization: Bearer abc
timeout: 10s
`
	var got Config
	d := yaml.NewDecoder(strings.NewReader(doc))
	d.KnownFields(true)
	if err := d.Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := Config{URLFile: "/run/secrets/hook-url", SecretEnv: "DRUPDATE_HOOK_SECRET", Headers: map[string]notify.Secret{"Authorization": "Bearer abc"}, Timeout: 10 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded config (-want +got):\n%s", diff)
	}
}
