package feeds

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		value, date string
		want        time.Duration
	}{
		{"", "", 0},
		{"120", "", 2 * time.Minute},
		{" 7 ", "", 7 * time.Second},
		{"0", "", 0},
		{"-5", "", 0},
		{"1.5", "", 0},                       // not delay-seconds, not a date
		{"soon", "", 0},                      // garbage
		{"999999999999", "", 24 * time.Hour}, // capped at a day
		// An HTTP-date counts from the response's Date, not the local clock.
		{"Sun, 01 Mar 2026 10:00:30 GMT", "Sun, 01 Mar 2026 10:00:00 GMT", 30 * time.Second},
		// Without a Date, from now.
		{"Sun, 01 Mar 2026 12:01:00 GMT", "", time.Minute},
		{"Sun, 01 Mar 2026 11:00:00 GMT", "", 0}, // in the past
		{"Sun, 01 Mar 2026 12:01:00 GMT", "garbage", time.Minute},
		{"Sun, 08 Mar 2026 12:00:00 GMT", "", 24 * time.Hour},
	} {
		if got, _ := ParseRetryAfter(tt.value, tt.date, now); got != tt.want {
			t.Errorf("ParseRetryAfter(%q, %q) = %v, want %v", tt.value, tt.date, got, tt.want)
		}
	}
}

// TestFetchErrorKinds checks how failures classify for a poller deciding
// whether and when to try again.
func TestFetchErrorKinds(t *testing.T) {
	for _, tt := range []struct {
		name       string
		handler    http.HandlerFunc
		opts       []Option
		status     int
		retryAfter time.Duration
		timeout    bool
		reset      bool
		transient  bool
	}{
		{name: "503 with Retry-After", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30")
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}, status: 503, retryAfter: 30 * time.Second, transient: true},
		{name: "429 with a date", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Date", "Sun, 01 Mar 2026 10:00:00 GMT")
			w.Header().Set("Retry-After", "Sun, 01 Mar 2026 10:02:00 GMT")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}, status: 429, retryAfter: 2 * time.Minute, transient: true},
		{name: "500", handler: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 500) }, status: 500, transient: true},
		{name: "404", handler: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, status: 404},
		{name: "403 ignores Retry-After for Transient", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "5")
			http.Error(w, "no", http.StatusForbidden)
		}, status: 403, retryAfter: 5 * time.Second},
		{name: "slow", handler: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, opts: []Option{WithTimeout(50 * time.Millisecond)}, timeout: true, transient: true},
		{name: "connection closed without an answer", handler: func(w http.ResponseWriter, r *http.Request) {
			c, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				c.Close()
			}
		}, reset: true, transient: true},
		{name: "body shorter than its Content-Length", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte("<project><short_name>x</short_name>"))
			if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
				c.Close()
			}
		}, reset: true, transient: true},
		{name: "empty body", handler: func(w http.ResponseWriter, r *http.Request) {}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newHTTP(t, tt.handler, tt.opts...)
			_, err := c.Fetch(context.Background(), Request{Project: "x", Category: "current"})
			var fe *FetchError
			if !errors.As(err, &fe) {
				t.Fatalf("Fetch(x) error = %v, want a *FetchError", err)
			}
			if fe.StatusCode != tt.status || fe.RetryAfter != tt.retryAfter {
				t.Errorf("Fetch(x) error = status %d, RetryAfter %v; want %d, %v", fe.StatusCode, fe.RetryAfter, tt.status, tt.retryAfter)
			}
			if fe.Timeout() != tt.timeout || fe.Reset() != tt.reset || fe.Transient() != tt.transient {
				t.Errorf("Fetch(x) error %q: Timeout %v, Reset %v, Transient %v; want %v, %v, %v",
					err, fe.Timeout(), fe.Reset(), fe.Transient(), tt.timeout, tt.reset, tt.transient)
			}
		})
	}
}

func TestFetchErrorRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	c, err := NewHTTP("http://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Fetch(context.Background(), Request{Project: "x", Category: "current"})
	var fe *FetchError
	if !errors.As(err, &fe) || !fe.Reset() || !fe.Transient() || fe.Timeout() {
		t.Errorf("Fetch from a closed port = %v; want a *FetchError that is Reset and Transient, not Timeout", err)
	}
}

func TestFetchErrorCancelledIsNotTransient(t *testing.T) {
	c, _ := newHTTP(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err := c.Fetch(ctx, Request{Project: "x", Category: "current"})
	var fe *FetchError
	if !errors.As(err, &fe) || fe.Transient() || fe.Timeout() {
		t.Errorf("Fetch with a cancelled context = %v; want a *FetchError neither Transient nor Timeout", err)
	}
}
