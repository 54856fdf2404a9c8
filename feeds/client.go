package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/drupdate/drupdate/internal/drupal"
)

// Request names one release-history document. ETag and LastModified, when
// set, make an HTTP fetch conditional (If-None-Match, If-Modified-Since).
type Request struct {
	Project            string
	Category           string // drupal.CategoryCurrent, drupal.Category7 or another "N.x"
	ETag, LastModified string
}

// Response is a fetched document, or NotModified (and no Body) when a
// conditional request found it unchanged. ETag and LastModified are the
// validators to send next time, when the source has them.
type Response struct {
	Body               []byte
	ETag, LastModified string
	NotModified        bool
}

// Outcome is one project's result in [Client.Histories]: a History or an
// error that is a *FetchError or a *ParseError.
type Outcome struct {
	Project string
	History *drupal.History
	Err     error
}

// Client fetches release histories from one source: the drupal.org service
// or a compatible server ([NewHTTP]), or a local mirror ([NewDir]). It is
// safe for concurrent use, and never has more than its concurrency limit of
// fetches in flight.
type Client struct {
	src     source
	timeout time.Duration
	maxBody int64
	slots   chan struct{}
	routed  map[string]Fetcher // projects served from elsewhere
}

// A Fetcher serves some projects' release histories from somewhere other
// than the client's source (GitHub releases, say), as release-history
// documents. Fetch has Client.Fetch's contract, except that its errors
// need not be *FetchError: the client wraps them.
type Fetcher interface {
	Fetch(ctx context.Context, req Request) (Response, error)
}

// WithFetcher routes the named projects to f, in every category.
func WithFetcher(f Fetcher, projects ...string) Option {
	return func(c *config) {
		if c.routed == nil {
			c.routed = map[string]Fetcher{}
		}
		for _, p := range projects {
			c.routed[p] = f
		}
	}
}

// source is where documents come from. get returns the body to read, or a
// nil body and a NotModified response.
type source interface {
	get(ctx context.Context, req Request) (io.ReadCloser, Response, error)
}

// Option configures a Client.
type Option func(*config)

type config struct {
	timeout     time.Duration
	maxBody     int64
	concurrency int
	httpClient  *http.Client
	routed      map[string]Fetcher
}

// DefaultBaseURL is the drupal.org release-history service.
const DefaultBaseURL = "https://updates.drupal.org/release-history"

// Defaults. The body cap is far above real feeds (the largest captured one
// is 50 KB) and only stops runaway responses.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultMaxBody     = 16 << 20
	DefaultConcurrency = 8
)

// WithTimeout limits each fetch, body included (default 30s). Waiting for
// a concurrency slot does not count.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithMaxBody caps a document's size in bytes (default 16 MiB); a larger
// one is a FetchError.
func WithMaxBody(n int64) Option { return func(c *config) { c.maxBody = n } }

// WithConcurrency limits fetches in flight (default 8).
func WithConcurrency(n int) Option { return func(c *config) { c.concurrency = n } }

// WithHTTPClient sets the HTTP client (default: a new one with Go's default
// transport). Directory sources ignore it.
func WithHTTPClient(hc *http.Client) Option { return func(c *config) { c.httpClient = hc } }

func newClient(src source, opts []Option) (*Client, error) {
	cfg := config{timeout: DefaultTimeout, maxBody: DefaultMaxBody, concurrency: DefaultConcurrency}
	for _, o := range opts {
		o(&cfg)
	}
	switch {
	case cfg.timeout <= 0:
		return nil, fmt.Errorf("timeout %v is not positive", cfg.timeout)
	case cfg.maxBody <= 0:
		return nil, fmt.Errorf("body cap %d is not positive", cfg.maxBody)
	case cfg.concurrency <= 0:
		return nil, fmt.Errorf("concurrency %d is not positive", cfg.concurrency)
	}
	if hs, ok := src.(*httpSource); ok {
		hs.client = cfg.httpClient
		if hs.client == nil {
			hs.client = &http.Client{}
		}
	}
	return &Client{src: src, timeout: cfg.timeout, maxBody: cfg.maxBody, slots: make(chan struct{}, cfg.concurrency), routed: cfg.routed}, nil
}

// Open returns a client for spec: an http:// or https:// base URL, or
// else the path of a mirror directory, which must exist.
func Open(spec string, opts ...Option) (*Client, error) {
	if l := strings.ToLower(spec); strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
		return NewHTTP(spec, opts...)
	}
	return NewDir(spec, opts...)
}

// Fetch gets one document. Every error is a *FetchError.
func (c *Client) Fetch(ctx context.Context, req Request) (Response, error) {
	resp, err := c.fetch(ctx, req)
	if err != nil {
		var routed *FetchError
		if errors.As(err, &routed) {
			return Response{}, routed // a Fetcher's own, already complete
		}
		fe := &FetchError{Project: req.Project, Category: req.Category, Err: err}
		var se *statusError
		if errors.As(err, &se) {
			fe.StatusCode, fe.RetryAfter = se.code, se.retryAfter
		}
		return Response{}, fe
	}
	return resp, nil
}

var errEmptyBody = errors.New("empty body")

func (c *Client) fetch(ctx context.Context, req Request) (Response, error) {
	if err := checkRequest(req); err != nil {
		return Response{}, err
	}
	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return Response{}, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if f := c.routed[req.Project]; f != nil {
		resp, err := f.Fetch(ctx, req)
		if err == nil && !resp.NotModified && len(resp.Body) == 0 {
			err = errEmptyBody
		}
		return resp, err
	}
	body, resp, err := c.src.get(ctx, req)
	if err != nil {
		return Response{}, err
	}
	if body == nil {
		return resp, nil
	}
	resp.Body, err = readCapped(body, c.maxBody)
	if err != nil {
		return Response{}, err
	}
	return resp, nil
}

// History fetches and parses one project's release history. An error is a
// *FetchError (no document: Drupal's NOT_FETCHED) or a *ParseError (a
// document without a history: Drupal's UNKNOWN).
func (c *Client) History(ctx context.Context, project, category string) (*drupal.History, error) {
	resp, err := c.Fetch(ctx, Request{Project: project, Category: category})
	if err != nil {
		return nil, err
	}
	h, err := parse(resp.Body)
	if err != nil {
		return nil, &ParseError{Project: project, Category: category, Err: err}
	}
	return h, nil
}

// Histories fetches the histories of projects concurrently, within the
// client's concurrency limit, and returns one outcome per project in input
// order. A project listed twice is fetched once, and its outcomes share the
// History.
func (c *Client) Histories(ctx context.Context, projects []string, category string) []Outcome {
	out := make([]Outcome, len(projects))
	first := make(map[string]int, len(projects))
	var g errgroup.Group
	g.SetLimit(cap(c.slots))
	for i, p := range projects {
		out[i].Project = p
		if _, dup := first[p]; dup {
			continue
		}
		first[p] = i
		g.Go(func() error {
			out[i].History, out[i].Err = c.History(ctx, p, category)
			return nil // one project's failure does not stop the others
		})
	}
	g.Wait()
	for i, p := range projects {
		if j := first[p]; j != i {
			out[i].History, out[i].Err = out[j].History, out[j].Err
		}
	}
	return out
}

// checkRequest keeps names that could change a URL's or a path's meaning
// out of both.
func checkRequest(req Request) error {
	if !validProject(req.Project) {
		return fmt.Errorf("%w: project name %q: want letters, digits, '_', '-' and '.', not starting with '.'", ErrInvalidRequest, req.Project)
	}
	if !validCategory(req.Category) {
		return fmt.Errorf("%w: category %q: want %q or N.x", ErrInvalidRequest, req.Category, drupal.CategoryCurrent)
	}
	return nil
}

// validProject accepts drupal.org machine names, and the few older names
// with '-' or '.' (contextual-flyout-links).
func validProject(s string) bool {
	if s == "" || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '_' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

func validCategory(s string) bool {
	if s == drupal.CategoryCurrent {
		return true
	}
	n, ok := strings.CutSuffix(s, ".x")
	if !ok || n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		if !isDigit(n[i]) {
			return false
		}
	}
	return true
}
