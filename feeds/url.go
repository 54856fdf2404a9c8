package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// A Getter fetches single documents by URL (advisory feeds, psa.json, an
// OSV zip archive) under the rules release histories follow: a timeout
// for the whole fetch, a body cap, conditional requests, and errors that
// never show credentials. The zero Getter uses http.DefaultClient,
// [DefaultTimeout] and [DefaultMaxBody].
type Getter struct {
	HTTP    *http.Client
	Timeout time.Duration
	MaxBody int64
}

// URLRequest is one document to get. ETag and LastModified make the
// request conditional. Header adds request headers (Authorization, say);
// their values never appear in errors.
type URLRequest struct {
	URL                string
	Accept             string
	ETag, LastModified string
	Header             http.Header
}

// Get fetches one document. Every error is a *FetchError whose URL is the
// redacted address.
func (g Getter) Get(ctx context.Context, req URLRequest) (Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Parse's error quotes the URL, secrets and all
		}
		return Response{}, &FetchError{URL: "(unparseable URL)", Err: err}
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return Response{}, &FetchError{URL: redact(u), Err: fmt.Errorf("%w: want an http(s) URL", ErrInvalidRequest)}
	}
	timeout, maxBody := g.Timeout, g.MaxBody
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	hc := g.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, resp, err := get(ctx, hc, u, req)
	if err == nil && body != nil {
		resp.Body, err = readCapped(body, maxBody)
	}
	if err != nil {
		fe := &FetchError{URL: redact(u), Err: err}
		var se *statusError
		if errors.As(err, &se) {
			fe.StatusCode, fe.RetryAfter = se.code, se.retryAfter
		}
		return Response{}, fe
	}
	return resp, nil
}

// get sends one GET. It returns the body to read, or a nil body and a
// NotModified response.
func get(ctx context.Context, hc *http.Client, u *url.URL, req URLRequest) (io.ReadCloser, Response, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, Response{}, fmt.Errorf("GET %s: %w", redact(u), err)
	}
	for k, vs := range req.Header {
		hreq.Header[k] = vs
	}
	if req.Accept != "" {
		hreq.Header.Set("Accept", req.Accept)
	}
	hreq.Header.Set("User-Agent", "drupdate")
	conditional := req.ETag != "" || req.LastModified != ""
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}
	resp, err := hc.Do(hreq)
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
	retryAfter, _ := ParseRetryAfter(resp.Header.Get("Retry-After"), resp.Header.Get("Date"), time.Now())
	return nil, Response{}, &statusError{code: resp.StatusCode, status: resp.Status, url: redact(u), retryAfter: retryAfter}
}

// readCapped reads and closes body. Reading one byte past the cap tells a
// body of exactly the cap from a longer one. An empty body is an error:
// Drupal treats an empty answer as a failed fetch, and so does every
// other reader here.
func readCapped(body io.ReadCloser, maxBody int64) ([]byte, error) {
	defer body.Close()
	b, err := io.ReadAll(io.LimitReader(body, maxBody+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("read body: %w", err)
	case int64(len(b)) > maxBody:
		return nil, fmt.Errorf("body exceeds the cap of %d bytes", maxBody)
	case len(b) == 0:
		return nil, errEmptyBody
	}
	return b, nil
}

// RedactURL returns rawURL with its user information and query hidden,
// for messages; an unparseable URL is hidden whole.
func RedactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparseable URL)"
	}
	return redact(u)
}
