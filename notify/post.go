package notify

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// CheckURL accepts https URLs, and http ones to loopback hosts, for the
// receivers that post to a URL. Its errors never quote the URL, which is
// a secret or may hold a token.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return errors.New("not an absolute URL")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if h := u.Hostname(); h == "localhost" || net.ParseIP(h) != nil && net.ParseIP(h).IsLoopback() {
			return nil
		}
	}
	return errors.New("want an https URL")
}

// Post sends req with client and classifies the answer as the Receiver
// contract asks: nil for 2xx; a *StatusError for any other status, retried
// for 408, 429 and 5xx (with the Retry-After of a 429 or 503) and
// [Permanent] otherwise. op names the receiver kind in errors ("slack");
// scrub removes secrets from what the far end sent back. Transport errors
// are returned with the URL redacted.
func Post(client *http.Client, req *http.Request, op string, scrub func(string) string, now time.Time) error {
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: post: %w", op, RedactURL(err))
	}
	defer resp.Body.Close()
	// Read the start of the reply for the error, and drain a little more
	// so the connection can be reused; never more.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	se := &StatusError{Code: resp.StatusCode, Body: scrub(strings.TrimSpace(string(snippet)))}
	if se.Code == http.StatusTooManyRequests || se.Code == http.StatusServiceUnavailable {
		se.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	}
	err = fmt.Errorf("%s: post: %w", op, se)
	if se.Code == http.StatusRequestTimeout || se.Code == http.StatusTooManyRequests || se.Code >= 500 {
		return err
	}
	return Permanent(err)
}

// A StatusError is a reply other than 2xx.
type StatusError struct {
	Code int
	// Body is the start of the reply ("invalid_payload",
	// "channel_not_found"), with secrets scrubbed.
	Body       string
	retryAfter time.Duration
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("%d %s", e.Code, http.StatusText(e.Code))
	if e.Body != "" {
		s += ": " + strconv.Quote(e.Body)
	}
	if e.retryAfter > 0 {
		s += fmt.Sprintf(" (retry after %v)", e.retryAfter)
	}
	return s
}

// RetryAfter is how long the far end asked to wait before the next attempt
// (its Retry-After on a 429 or 503), or 0.
func (e *StatusError) RetryAfter() time.Duration { return e.retryAfter }

// parseRetryAfter reads a Retry-After value: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
