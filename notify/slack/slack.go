package slack

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/drupdate/drupdate/notify"
)

// Config configures a Slack receiver; see the package documentation.
type Config struct {
	// The incoming webhook URL comes from one of WebhookURL,
	// WebhookURLFile and WebhookURLEnv.
	WebhookURL     notify.Secret `yaml:"webhook_url"`
	WebhookURLFile string        `yaml:"webhook_url_file"`
	WebhookURLEnv  string        `yaml:"webhook_url_env"`
	Timeout        time.Duration `yaml:"timeout"`
}

const defaultTimeout = 10 * time.Second

// A Receiver posts messages to a Slack incoming webhook. It is safe for
// concurrent use.
type Receiver struct {
	name    string
	url     notify.Secret
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

// New validates cfg and returns a receiver called name.
func New(name string, cfg Config, opts ...Option) (*Receiver, error) {
	r, err := newReceiver(name, cfg)
	if err != nil {
		return nil, fmt.Errorf("slack receiver %q: %w", name, err)
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

func newReceiver(name string, cfg Config) (*Receiver, error) {
	if name == "" {
		return nil, errors.New("name: required")
	}
	u, err := notify.LoadSecret("webhook_url", cfg.WebhookURL, cfg.WebhookURLFile, cfg.WebhookURLEnv)
	if err != nil {
		return nil, err
	}
	if u == "" {
		return nil, errors.New("webhook_url: required (or webhook_url_file, webhook_url_env)")
	}
	if err := notify.CheckURL(u.Reveal()); err != nil {
		return nil, fmt.Errorf("webhook_url: %w", err)
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("timeout %v: must be positive", cfg.Timeout)
	}
	return &Receiver{name: name, url: u, timeout: cmp.Or(cfg.Timeout, defaultTimeout), now: time.Now}, nil
}

// Name returns the receiver's name.
func (r *Receiver) Name() string { return r.name }

// Format prints the receiver's name only: fmt prints the unexported URL
// field as a plain string, not through notify.Secret's methods.
func (r *Receiver) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "slack.Receiver(%q)", r.name)
}

// Send posts m.
func (r *Receiver) Send(ctx context.Context, m *notify.Message) error {
	body, err := json.Marshal(build(m))
	if err != nil {
		return notify.Permanent(fmt.Errorf("slack: encode: %w", err))
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url.Reveal(), bytes.NewReader(body))
	if err != nil {
		return notify.Permanent(fmt.Errorf("slack: post: %w", notify.RedactURL(err)))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	return notify.Post(r.client, req, "slack", r.url.Scrub, r.now())
}

// A StatusError is a reply other than 2xx.
type StatusError = notify.StatusError
