package github

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	gogithub "github.com/google/go-github/v60/github"

	"github.com/drupdate/drupdate/feeds"
)

// Defaults and bounds.
const (
	// DefaultMaxWait is how long a request may wait for a rate limit to
	// lift, or before a retry, unless [WithMaxWait] says otherwise.
	DefaultMaxWait = time.Minute
	// DefaultMaxBody caps one page's body: 100 releases whose notes are
	// all near GitHub's 125,000-character limit stay below it.
	DefaultMaxBody = 16 << 20
	// MaxPages bounds a listing: 50 pages of 100 releases. A repository
	// with more fails rather than being listed in part.
	MaxPages = 50

	perPage = 100
	// retries bounds the retries of one page after a transient failure,
	// and separately after a rate limit.
	retries = 3
	// defaultLimitWait is GitHub's advice when a secondary limit names no
	// time: wait at least a minute.
	defaultLimitWait = time.Minute
)

// Client lists GitHub releases through go-github. It is safe for
// concurrent use.
type Client struct {
	http    *http.Client // authenticating, body-capping
	base    url.URL      // REST API root, ending in "/"
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	maxWait time.Duration
	// scrub removes the token from text the server sent: the token lives
	// only in closures, never in a field that %+v would print.
	scrub func(string) string
}

// Option configures a Client.
type Option func(*config)

type config struct {
	token, baseURL string
	now            func() time.Time
	sleep          func(context.Context, time.Duration) error
	maxWait        time.Duration
	maxBody        int64
}

// WithAuthToken authenticates requests with a token (a personal access
// token or an app installation token), sent as a Bearer Authorization
// header. Without one, requests are anonymous and see public repositories
// only, at GitHub's lower rate limit.
func WithAuthToken(token string) Option { return func(c *config) { c.token = token } }

// WithBaseURL sets the API root, for GitHub Enterprise Server or a test
// server: "https://ghe.example.com" becomes "https://ghe.example.com/api/v3/",
// as go-github's WithEnterpriseURLs does. The default is api.github.com.
func WithBaseURL(u string) Option { return func(c *config) { c.baseURL = u } }

// WithClock replaces the clock and the wait (default time.Now and a timer).
// sleep must return early with ctx.Err() when ctx is done.
func WithClock(now func() time.Time, sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *config) { c.now, c.sleep = now, sleep }
}

// WithMaxWait bounds each wait for a rate limit or a retry (default
// [DefaultMaxWait]). A limit lasting longer is returned at once as an
// error wrapping [ErrRateLimited]; 0 means never wait.
func WithMaxWait(d time.Duration) Option { return func(c *config) { c.maxWait = d } }

// WithMaxBody caps the bytes read of one page (default [DefaultMaxBody]).
func WithMaxBody(n int64) Option { return func(c *config) { c.maxBody = n } }

// New returns a client that sends requests through hc (nil: a new
// http.Client). hc itself is not modified.
func New(hc *http.Client, opts ...Option) (*Client, error) {
	cfg := config{now: time.Now, sleep: sleepCtx, maxWait: DefaultMaxWait, maxBody: DefaultMaxBody}
	for _, o := range opts {
		o(&cfg)
	}
	switch {
	case cfg.now == nil || cfg.sleep == nil:
		return nil, errors.New("new github client: clock functions must not be nil")
	case cfg.maxWait < 0:
		return nil, fmt.Errorf("new github client: maximum wait %v is negative", cfg.maxWait)
	case cfg.maxBody <= 0:
		return nil, fmt.Errorf("new github client: body cap %d is not positive", cfg.maxBody)
	case strings.ContainsFunc(cfg.token, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		// Checked here so that the header never fails later; the token
		// itself is not shown.
		return nil, errors.New("new github client: token contains spaces or control characters")
	}
	if hc == nil {
		hc = &http.Client{}
	}
	capped := *hc
	next := capped.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	capped.Transport = capTransport{next: next, max: cfg.maxBody}
	api := gogithub.NewClient(&capped)
	if cfg.baseURL != "" {
		if err := checkBaseURL(cfg.baseURL); err != nil {
			return nil, fmt.Errorf("new github client: %w", err)
		}
		var err error
		if api, err = api.WithEnterpriseURLs(cfg.baseURL, cfg.baseURL); err != nil {
			return nil, fmt.Errorf("new github client: base URL: %w", err)
		}
	}
	scrub := func(s string) string { return s }
	if tok := cfg.token; tok != "" {
		api = api.WithAuthToken(tok)
		scrub = func(s string) string { return strings.ReplaceAll(s, tok, "[token]") }
	}
	return &Client{http: api.Client(), base: *api.BaseURL, now: cfg.now, sleep: cfg.sleep, maxWait: cfg.maxWait, scrub: scrub}, nil
}

// checkBaseURL accepts an absolute http(s) URL without credentials, query
// or fragment: credentials belong in WithAuthToken, where errors never
// show them.
func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("base URL does not parse") // url.Parse's error would repeat the URL
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return errors.New("base URL must be an absolute http(s) URL")
	case u.User != nil:
		return errors.New("base URL must not carry credentials; use WithAuthToken")
	case u.RawQuery != "" || u.Fragment != "":
		return errors.New("base URL must have no query or fragment")
	}
	return nil
}

// Releases lists every published release of repo ("owner/name"),
// following the API's pages (up to [MaxPages] of 100 releases). With a
// non-empty etag, the first page's request is conditional, and an
// unchanged listing comes back as NotModified without releases; the ETag
// covers the first page only, where new releases appear. Rate limits and
// transient failures are waited out and retried within the client's
// bounds. Every error is a [*FetchError].
func (c *Client) Releases(ctx context.Context, repo, etag string) (Listing, error) {
	owner, name, ok := splitRepo(repo)
	if !ok {
		return Listing{}, &FetchError{Repo: repo, Err: fmt.Errorf("%w: want owner/name", ErrInvalidRepo)}
	}
	var l Listing
	for page := 1; page != 0; {
		if page > MaxPages {
			return Listing{}, &FetchError{Repo: repo, Err: fmt.Errorf("more than %d pages of releases", MaxPages)}
		}
		path := fmt.Sprintf("repos/%s/%s/releases?per_page=%d&page=%d", owner, name, perPage, page)
		sent := ""
		if page == 1 {
			sent = etag
		}
		rels, resp, err := c.fetchPage(ctx, path, sent)
		if err != nil {
			err.Repo = repo
			return Listing{}, err
		}
		if page == 1 {
			l.ETag = resp.Header.Get("ETag")
			if resp.StatusCode == http.StatusNotModified {
				if l.ETag == "" {
					l.ETag = etag
				}
				l.NotModified = true
				return l, nil
			}
		}
		for _, r := range rels {
			if rel, ok := fromAPI(r); ok {
				l.Releases = append(l.Releases, rel)
			}
		}
		page = resp.NextPage
	}
	return l, nil
}

// fetchPage gets one page, waiting and retrying as the failure allows. A
// 304 to a conditional request is a success with no releases.
func (c *Client) fetchPage(ctx context.Context, path, etag string) ([]*gogithub.RepositoryRelease, *gogithub.Response, *FetchError) {
	var transientTries, limitTries int
	for {
		rels, resp, err := c.do(ctx, path, etag)
		if err == nil {
			return rels, resp, nil
		}
		if etag != "" && resp != nil && resp.StatusCode == http.StatusNotModified {
			// go-github reports every non-2xx, 304 included, as an error.
			return nil, resp, nil
		}
		f := c.classify(path, resp, err)
		tries := &transientTries
		if f.limited {
			tries = &limitTries
		}
		wait := f.retryAfter
		if !f.limited {
			wait = max(wait, time.Second<<*tries) // backoff: 1s, 2s, 4s
		}
		retry := (f.limited || f.transient) && *tries < retries && wait <= c.maxWait && ctx.Err() == nil
		if !retry {
			return nil, nil, c.giveUp(f, wait)
		}
		*tries++
		if err := c.sleep(ctx, wait); err != nil {
			fe := c.giveUp(f, wait)
			fe.StatusCode, fe.Err, fe.transient = 0, fmt.Errorf("wait %v to retry GET %s: %w", wait, path, err), feeds.NetworkTransient(err)
			return nil, nil, fe
		}
	}
}

// do sends one request through a fresh go-github client: go-github
// remembers a rate limit on the wall clock and refuses requests until it
// passes, which would overrule the injected clock. Waiting is this
// package's job.
func (c *Client) do(ctx context.Context, path, etag string) ([]*gogithub.RepositoryRelease, *gogithub.Response, error) {
	api := gogithub.NewClient(c.http)
	base := c.base
	api.BaseURL = &base
	api.UserAgent = "drupdate"
	req, err := api.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return nil, nil, err
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	var rels []*gogithub.RepositoryRelease
	resp, err := api.Do(ctx, req, &rels)
	return rels, resp, err
}

// failure is one failed attempt, classified.
type failure struct {
	status     int
	err        error         // token-free description
	limited    bool          // a primary or secondary rate limit
	primary    bool          // which one
	transient  bool          // worth retrying soon (not a limit)
	retryAfter time.Duration // what the server asked for; 0 if nothing
}

// classify reads a failed attempt. Rate limits are read from the headers
// rather than from go-github's error types: go-github recognises them only
// on a 403 (GitHub also answers 429) and measures them on the wall clock.
// Its AbuseRateLimitError still identifies a secondary limit that names no
// time.
func (c *Client) classify(path string, resp *gogithub.Response, err error) failure {
	if resp == nil || resp.Response == nil {
		// No response: a transport error (go-github returns the
		// context's error when that ended the request).
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // names the URL, which the prefix below already does
		}
		return failure{err: fmt.Errorf("GET %s: %w", path, err), transient: feeds.NetworkTransient(err)}
	}
	code := resp.StatusCode
	h := resp.Header
	var er *gogithub.ErrorResponse
	var ab *gogithub.AbuseRateLimitError
	var rl *gogithub.RateLimitError
	msg := ""
	switch {
	case errors.As(err, &er):
		msg = er.Message
	case errors.As(err, &ab):
		msg = ab.Message
	case errors.As(err, &rl):
		msg = rl.Message
	}
	if code >= 200 && code <= 299 {
		// A body that did not decode: malformed, over the cap, or cut
		// short by the connection, which alone is worth retrying. The
		// status is not to blame, so it is not reported.
		var re *readError
		return failure{err: fmt.Errorf("GET %s: decode: %w", path, err), transient: errors.As(err, &re) && feeds.NetworkTransient(re.err)}
	}
	f := failure{status: code, err: fmt.Errorf("GET %s: %s", path, c.statusText(code, msg))}
	retryAfter, hasRetryAfter := feeds.ParseRetryAfter(h.Get("Retry-After"), "", c.now())
	switch {
	case (code == http.StatusForbidden || code == http.StatusTooManyRequests) && h.Get("X-RateLimit-Remaining") == "0":
		f.limited, f.primary = true, true
		f.retryAfter = c.untilReset(h)
	case hasRetryAfter && (code == http.StatusForbidden || code == http.StatusTooManyRequests), errors.As(err, &ab):
		f.limited = true
		f.retryAfter = retryAfter
		if !hasRetryAfter {
			f.retryAfter = c.untilReset(h)
		}
	case code == http.StatusNotFound:
		f.err = fmt.Errorf("%w: GET %s: %s", ErrNotFound, path, c.statusText(code, msg))
	default:
		f.transient = transientStatus(code)
		f.retryAfter = retryAfter
	}
	return f
}

// giveUp turns the last failure into the caller's error.
func (c *Client) giveUp(f failure, wait time.Duration) *FetchError {
	fe := &FetchError{StatusCode: f.status, Err: f.err, transient: f.limited || f.transient}
	if f.limited || f.retryAfter > 0 {
		fe.RetryAt = c.now().Add(max(wait, f.retryAfter))
	}
	if f.limited {
		kind := "secondary"
		if f.primary {
			kind = "primary"
		}
		fe.Err = fmt.Errorf("%w: %s limit until %s: %w", ErrRateLimited, kind, fe.RetryAt.UTC().Format(time.RFC3339), f.err)
	}
	return fe
}

// statusText is "404 Not Found" with the server's message, quoted,
// shortened and without the token, in case a proxy echoes headers.
func (c *Client) statusText(code int, msg string) string {
	s := strconv.Itoa(code) + " " + http.StatusText(code)
	if msg = c.scrub(msg); msg != "" {
		if r := []rune(msg); len(r) > 200 {
			msg = string(r[:200]) + "…"
		}
		s += ": " + strconv.Quote(msg)
	}
	return s
}

// untilReset is the wait until X-RateLimit-Reset (Unix seconds), at least
// a second, so that a reset already passed by the clocks' skew does not
// make the retry hammer; a minute when the header is missing.
func (c *Client) untilReset(h http.Header) time.Duration {
	secs, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil || secs <= 0 {
		return defaultLimitWait
	}
	return min(max(time.Unix(secs, 0).Sub(c.now()), time.Second), feeds.MaxRetryAfter)
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// capTransport caps the bytes read of each response body.
type capTransport struct {
	next http.RoundTripper
	max  int64
}

func (t capTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{rc: resp.Body, max: t.max, left: t.max}
	return resp, nil
}

// errBodyTooLarge ends a read past the cap.
var errBodyTooLarge = errors.New("response body exceeds the cap")

type cappedBody struct {
	rc        io.ReadCloser
	max, left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly the cap from a longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("%w of %d bytes", errBodyTooLarge, b.max)
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if err != nil && err != io.EOF {
		err = &readError{err}
	}
	return n, err
}

// readError is a failure to read the body, which the JSON decoder passes
// on as it is: it tells a connection cut short from a malformed body, both
// of which the decoder may report as io.ErrUnexpectedEOF.
type readError struct{ err error }

func (e *readError) Error() string { return "read body: " + e.err.Error() }

func (e *readError) Unwrap() error { return e.err }

func (b *cappedBody) Close() error { return b.rc.Close() }
