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
	u := s.base.JoinPath(req.Project, req.Category)
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, Response{}, fmt.Errorf("GET %s: %w", redact(u), err)
	}
	hreq.Header.Set("Accept", "text/xml")
	hreq.Header.Set("User-Agent", "drupdate")
	conditional := req.ETag != "" || req.LastModified != ""
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}
	resp, err := s.client.Do(hreq)
	if err != nil {
		// Do's *url.Error names the URL with the user name left in.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, Response{}, fmt.Errorf("GET %s: %w", redact(u), err)
	}
	r := Response{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	switch {
	case resp.StatusCode == http.StatusOK:
		return resp.Body, r, nil
	case resp.StatusCode == http.StatusNotModified && conditional: // unasked, a 304 is a failure
		resp.Body.Close()
		r.NotModified = true
		return nil, r, nil
	}
	// Drain a little so the connection can be reused.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	return nil, Response{}, &statusError{code: resp.StatusCode, status: resp.Status, url: redact(u),
		retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), resp.Header.Get("Date"), time.Now)}
}

// maxRetryAfter bounds what a server may ask for: a day, far beyond any
// poll interval, so that a typo'd header cannot park a feed for years.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads a Retry-After header (RFC 9110 section 10.2.3):
// delay-seconds, or an HTTP-date, measured from the response's Date when it
// has one (so that a skewed local clock does not matter) and from now
// otherwise. A missing, malformed or past value is 0.
func parseRetryAfter(v, date string, now func() time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return min(time.Duration(min(secs, int64(maxRetryAfter/time.Second)))*time.Second, maxRetryAfter)
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	base := now()
	if d, err := http.ParseTime(date); err == nil {
		base = d
	}
	if d := at.Sub(base); d > 0 {
		return min(d, maxRetryAfter)
	}
	return 0
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
