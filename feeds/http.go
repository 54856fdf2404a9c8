package feeds

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
)

// httpSource gets documents from <base>/<project>/<category>.
type httpSource struct {
	base   *url.URL
	client *http.Client
}

// NewHTTP returns a client for a release-history server; baseURL "" means
// [DefaultBaseURL]. A user name and password in the URL are sent as basic
// authentication and never appear in errors.
func NewHTTP(baseURL string, opts ...Option) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		// url.Parse's error quotes the URL, secrets and all.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("new http source: parse base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Fragment != "" {
		return nil, fmt.Errorf("new http source: base URL %s: want http(s)://host/path without a fragment", redact(u))
	}
	return newClient(&httpSource{base: u}, opts)
}

// statusError is an HTTP status that fails a fetch.
type statusError struct {
	code       int
	status     string
	url        string        // redacted
	retryAfter time.Duration // from Retry-After; 0 when absent or unusable
}

func (e *statusError) Error() string { return "GET " + e.url + ": " + e.status }

func (s *httpSource) get(ctx context.Context, req Request) (io.ReadCloser, Response, error) {
	return get(ctx, s.client, s.base.JoinPath(req.Project, req.Category),
		URLRequest{Accept: "text/xml", ETag: req.ETag, LastModified: req.LastModified})
}

// MaxRetryAfter bounds what a server may ask for: a day, far beyond any
// poll interval, so that a typo'd header cannot park a feed for years.
const MaxRetryAfter = 24 * time.Hour

// ParseRetryAfter reads a Retry-After header (RFC 9110 section 10.2.3):
// delay-seconds, or an HTTP-date, measured from the response's Date when it
// has one (so that a skewed local clock does not matter) and from now
// otherwise, at most [MaxRetryAfter]. ok reports a well-formed value; a
// missing, malformed or past one is 0.
func ParseRetryAfter(v, date string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(MaxRetryAfter/time.Second))) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d, err := http.ParseTime(date); err == nil {
		now = d
	}
	return min(max(at.Sub(now), 0), MaxRetryAfter), true
}

// redact hides the user information and the query, where credentials and
// site keys live.
func redact(u *url.URL) string {
	r := *u
	if r.User != nil {
		r.User = url.User("REDACTED")
	}
	if r.RawQuery != "" {
		r.RawQuery = "REDACTED"
	}
	return r.String()
}
