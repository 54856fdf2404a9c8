package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
)

// serveHTTP is every request's way in: limits, method, authentication,
// then the routes; around them the access log, the metrics and panic
// recovery.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	rw := &responseWriter{ResponseWriter: w}
	defer func() {
		v := recover()
		if v != nil && v != http.ErrAbortHandler {
			s.log.Error("panic serving request", "method", s.logMethod(r), "path", s.logPath(r),
				"panic", s.redact(fmt.Sprint(v)), "stack", s.redact(string(debug.Stack())))
			if !rw.wroteHeader {
				s.writeError(rw, http.StatusInternalServerError, "internal error")
			}
		}
		s.finish(rw, r, start, v == http.ErrAbortHandler)
		if v == http.ErrAbortHandler {
			panic(v) // let net/http drop the connection
		}
	}()

	h := rw.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		h.Set("Allow", "GET, HEAD")
		s.writeError(rw, http.StatusMethodNotAllowed, "method "+s.quote(r.Method)+" not allowed; use GET or HEAD")
	case len(r.URL.RawQuery) > MaxQueryBytes:
		s.writeError(rw, http.StatusRequestURITooLong, fmt.Sprintf("query string over %d bytes", MaxQueryBytes))
	case r.ContentLength > MaxBodyBytes:
		s.writeError(rw, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", MaxBodyBytes))
	case r.URL.Path != "/healthz" && !s.authorized(rw, r):
		// authorized wrote the 401
	case s.quotesToken(r):
		s.writeError(rw, http.StatusBadRequest, "the path or query holds the bearer token; send it in the Authorization header only")
	default:
		r.Body = http.MaxBytesReader(rw, r.Body, MaxBodyBytes)
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.WriteTimeout)
		defer cancel()
		s.mux.ServeHTTP(rw, r.WithContext(ctx))
	}
}

// finish writes the access log line and counts the request.
func (s *Server) finish(rw *responseWriter, r *http.Request, start time.Time, aborted bool) {
	d := s.now().Sub(start)
	status := rw.status
	if status == 0 {
		status = http.StatusOK
	}
	route := rw.route
	if route == "" {
		route = "none"
	}
	s.metrics.observe(route, status, d)

	level := slog.LevelInfo
	if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
		level = slog.LevelDebug // polled every few seconds
	}
	attrs := []slog.Attr{
		slog.String("method", s.logMethod(r)),
		slog.String("path", s.logPath(r)),
		slog.Int("status", status),
		slog.Int64("bytes", rw.bytes),
		slog.Duration("duration", d),
		slog.String("remote", r.RemoteAddr),
	}
	if aborted {
		attrs = append(attrs, slog.Bool("aborted", true))
	}
	s.log.LogAttrs(context.Background(), level, "http request", attrs...)
}

// authorized reports whether r carries the configured bearer token (or
// none is configured), answering 401 itself when not. The token is
// compared in constant time, through its hash so that the length does not
// show either.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if s.cfg.Token == "" {
		return true
	}
	got, ok := bearer(r.Header.Get("Authorization"))
	if ok {
		sum := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(sum[:], s.tokenHash[:]) == 1 {
			return true
		}
	}
	challenge := `Bearer realm="drupdate"`
	if ok {
		challenge += `, error="invalid_token"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	s.writeError(w, http.StatusUnauthorized, "missing or invalid bearer token")
	return false
}

// quotesToken reports whether r's path or query holds the token. Such a
// request is refused before it can carry the token into store keys, and
// so into errors and logs, where a long name is cut short and redact
// could miss the piece that is left.
func (s *Server) quotesToken(r *http.Request) bool {
	t := s.cfg.Token
	if t == "" {
		return false
	}
	q, _ := url.QueryUnescape(r.URL.RawQuery)
	for _, part := range []string{r.URL.Path, r.URL.RawPath, r.URL.RawQuery, q} {
		if strings.Contains(part, t) {
			return true
		}
	}
	return false
}

// bearer returns the token of an Authorization header of the Bearer
// scheme (whose name is case-insensitive).
func bearer(h string) (string, bool) {
	const scheme = "bearer "
	if len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		return "", false
	}
	return strings.TrimSpace(h[len(scheme):]), true
}

// logPath is r's path for the log: escaped, without the query (which is
// never logged), with the token taken out should a client have put it
// there, and cut short (after, so that no piece of the token is left).
func (s *Server) logPath(r *http.Request) string {
	p := s.redact(r.URL.EscapedPath())
	if len(p) > 256 {
		p = p[:256] + "…"
	}
	return p
}

// logMethod is r's method for the log: any token is a valid method name.
func (s *Server) logMethod(r *http.Request) string {
	m := s.redact(r.Method)
	if len(m) > 16 {
		m = m[:16] + "…"
	}
	return m
}

// redact takes the token out of s.
func (s *Server) redact(str string) string {
	t := s.cfg.Token
	if t == "" {
		return str
	}
	str = strings.ReplaceAll(str, t, "[REDACTED]")
	if e := url.PathEscape(t); e != t {
		str = strings.ReplaceAll(str, e, "[REDACTED]")
	}
	if e := url.QueryEscape(t); e != t {
		str = strings.ReplaceAll(str, e, "[REDACTED]")
	}
	return str
}

// responseWriter records what the access log and metrics need.
type responseWriter struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
	route       string // the route pattern that served the request
}

func (w *responseWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush implements http.Flusher, for promhttp and streamed lists.
func (w *responseWriter) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
