package webhook

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/drupdate/drupdate/notify"
)

// Config configures a webhook receiver; see the package documentation.
type Config struct {
	// The URL comes from one of URL, URLFile and URLEnv.
	URL     notify.Secret `yaml:"url"`
	URLFile string        `yaml:"url_file"`
	URLEnv  string        `yaml:"url_env"`
	// The signing secret comes from one of Secret, SecretFile and
	// SecretEnv.
	Secret     notify.Secret `yaml:"secret"`
	SecretFile string        `yaml:"secret_file"`
	SecretEnv  string        `yaml:"secret_env"`
	// Headers are sent with every request; their values are secrets as
	// they often hold a token.
	Headers map[string]notify.Secret `yaml:"headers"`
	Timeout time.Duration            `yaml:"timeout"`
}

// Request headers.
const (
	SignatureHeader   = "X-Drupdate-Signature"
	TimestampHeader   = "X-Drupdate-Timestamp"
	IdempotencyHeader = "Idempotency-Key"
)

// Version is the version of the [Payload] format.
const Version = "1"

// Payload is the JSON body of a request: the message, versioned.
type Payload struct {
	Version  string         `json:"version"`
	ID       string         `json:"id"`
	Receiver string         `json:"receiver"`
	Created  time.Time      `json:"created"`
	Digest   bool           `json:"digest"`
	Reminder bool           `json:"reminder"`
	Alerts   []notify.Alert `json:"alerts"`
}

const defaultTimeout = 10 * time.Second

// A Receiver posts signed messages to a URL. It is safe for concurrent
// use.
type Receiver struct {
	name    string
	url     notify.Secret
	secret  notify.Secret
	headers map[string]notify.Secret
	client  *http.Client
	timeout time.Duration
	now     func() time.Time
}

// An Option changes a receiver's defaults.
type Option func(*Receiver)

// WithHTTPClient sets the client that posts (for a proxy or a private
// CA); the receiver sets its own redirect policy on a copy.
func WithHTTPClient(c *http.Client) Option {
	return func(r *Receiver) { r.client = c }
}

// WithClock sets the clock that timestamps signatures.
func WithClock(now func() time.Time) Option {
	return func(r *Receiver) { r.now = now }
}

// New validates cfg and returns a receiver called name.
func New(name string, cfg Config, opts ...Option) (*Receiver, error) {
	r, err := newReceiver(name, cfg)
	if err != nil {
		return nil, fmt.Errorf("webhook receiver %q: %w", name, err)
	}
	for _, o := range opts {
		o(r)
	}
	c := *cmp.Or(r.client, http.DefaultClient)
	// A redirect would carry the message to a URL nobody configured.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	r.client = &c
	return r, nil
}

// reserved are the headers the receiver sets itself.
var reserved = []string{"Content-Type", "Content-Length", "Host", "Connection", "Transfer-Encoding", IdempotencyHeader, SignatureHeader, TimestampHeader}

func newReceiver(name string, cfg Config) (*Receiver, error) {
	if name == "" {
		return nil, errors.New("name: required")
	}
	r := &Receiver{name: name, timeout: cmp.Or(cfg.Timeout, defaultTimeout), now: time.Now, headers: map[string]notify.Secret{}}
	var err error
	if r.url, err = notify.LoadSecret("url", cfg.URL, cfg.URLFile, cfg.URLEnv); err != nil {
		return nil, err
	}
	if r.url == "" {
		return nil, errors.New("url: required (or url_file, url_env)")
	}
	if err := notify.CheckURL(r.url.Reveal()); err != nil {
		return nil, fmt.Errorf("url: %w", err)
	}
	if r.secret, err = notify.LoadSecret("secret", cfg.Secret, cfg.SecretFile, cfg.SecretEnv); err != nil {
		return nil, err
	}
	if r.secret == "" {
		return nil, errors.New("secret: required (or secret_file, secret_env), to sign requests")
	}
	for k, v := range cfg.Headers {
		ck := http.CanonicalHeaderKey(k)
		switch {
		case !token(k):
			return nil, fmt.Errorf("headers: %q is not a header name", k)
		case strings.HasPrefix(ck, "X-Drupdate-") || containsFold(reserved, ck):
			return nil, fmt.Errorf("headers: %s is set by drupdate", ck)
		case strings.ContainsAny(v.Reveal(), "\r\n\x00"):
			return nil, fmt.Errorf("headers: %s: the value has a line break", ck)
		}
		r.headers[ck] = v
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("timeout %v: must be positive", cfg.Timeout)
	}
	return r, nil
}

func containsFold(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(l, s) {
			return true
		}
	}
	return false
}

// token reports whether s is an RFC 9110 token, as header names are.
func token(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// Name returns the receiver's name.
func (r *Receiver) Name() string { return r.name }

// Format prints the receiver's name only: fmt prints the unexported
// secret fields as plain strings, not through notify.Secret's methods.
func (r *Receiver) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "webhook.Receiver(%q)", r.name)
}

// Send posts m, signed.
func (r *Receiver) Send(ctx context.Context, m *notify.Message) error {
	p := Payload{Version: Version, ID: m.ID, Receiver: m.Receiver, Created: m.Created, Digest: m.Digest, Reminder: m.Reminder, Alerts: m.Alerts}
	if p.Alerts == nil {
		p.Alerts = []notify.Alert{} // "alerts": [], never null
	}
	body, err := json.Marshal(p)
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhook: encode: %w", err))
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url.Reveal(), bytes.NewReader(body))
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhook: post: %w", notify.RedactURL(err)))
	}
	for k, v := range r.headers {
		req.Header.Set(k, v.Reveal())
	}
	// Each attempt is signed afresh, so a retry is not taken for a replay.
	ts := strconv.FormatInt(r.now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(IdempotencyHeader, m.ID)
	req.Header.Set(TimestampHeader, ts)
	req.Header.Set(SignatureHeader, "sha256="+sign(r.secret.Reveal(), ts, body))
	return notify.Post(r.client, req, "webhook", r.scrub, r.now())
}

// scrub removes every secret from text the far end sent.
func (r *Receiver) scrub(s string) string {
	s = r.secret.Scrub(r.url.Scrub(s))
	for _, v := range r.headers {
		s = v.Scrub(s)
	}
	return s
}

// A StatusError is a reply other than 2xx.
type StatusError = notify.StatusError
