package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/drupdate/drupdate/internal/store"
)

const contentJSON = "application/json"

// writeJSON answers with v as JSON and status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own response types are marshalled; they always can be.
		panic(fmt.Sprintf("marshal response: %v", err))
	}
	b = append(b, '\n')
	h := w.Header()
	h.Set("Content-Type", contentJSON)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// errorBody is every error response.
type errorBody struct {
	Error string `json:"error"`
}

// writeError answers with status and {"error": msg}, msg without the
// token (which a message quoting the request could hold).
func (s *Server) writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{s.redact(msg)})
}

// storeError answers a failed store call: 503 when the request ran out of
// time or the client left, 500 otherwise. The cause goes to the log, not
// to the client.
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, op string, err error) {
	if r.Context().Err() != nil {
		if errors.Is(r.Context().Err(), context.DeadlineExceeded) {
			s.log.Warn("store call timed out", "op", op, "path", s.logPath(r))
		}
		s.writeError(w, http.StatusServiceUnavailable, "request timed out or was cancelled")
		return
	}
	s.log.Error("store call failed", "op", op, "path", s.logPath(r), "err", s.redact(err.Error()))
	s.writeError(w, http.StatusInternalServerError, "store error; see the server log")
}

// badRequest is a parameter error, answered with 400 and its message.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badRequestf(format string, args ...any) error {
	return &badRequest{fmt.Sprintf(format, args...)}
}

// parseQuery parses r's query, allowing only the parameters named in
// allowed; those mapped to true may repeat.
func (s *Server) parseQuery(r *http.Request, allowed map[string]bool) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequestf("malformed query string")
	}
	for name, vs := range q {
		repeat, ok := allowed[name]
		switch {
		case !ok:
			return nil, badRequestf("unknown query parameter %s", s.quote(name))
		case len(vs) > 1 && !repeat:
			return nil, badRequestf("query parameter %s given %d times", name, len(vs))
		}
	}
	return q, nil
}

// checkProjectName reports whether name can be a drupal.org project:
// letters, digits, '_', '-' and '.', at most 128 bytes.
func (s *Server) checkProjectName(name string) error {
	if name == "" || len(name) > maxNameBytes {
		return badRequestf("project name must be 1 to %d bytes", maxNameBytes)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return badRequestf("project name %s: only letters, digits, '_', '-' and '.' are allowed", s.quote(name))
		}
	}
	return nil
}

// checkPlatformName reports whether name can be a platform's: a fleet
// file allows any name, so only what no store key or log line should
// hold is refused.
func (s *Server) checkPlatformName(name string) error {
	if name == "" || len(name) > store.MaxKeyLen {
		return badRequestf("platform name must be 1 to %d bytes", store.MaxKeyLen)
	}
	if !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return badRequestf("platform name %s has invalid or control characters", s.quote(name))
	}
	return nil
}

// quote quotes str for a message: without the token, then cut to 64
// bytes (in that order, so that no piece of the token is left).
func (s *Server) quote(str string) string { return store.Quote(s.redact(str)) }

// answerBadRequest answers err with 400 if it is a badRequest and reports
// whether it was.
func (s *Server) answerBadRequest(w http.ResponseWriter, err error) bool {
	var br *badRequest
	if errors.As(err, &br) {
		s.writeError(w, http.StatusBadRequest, br.msg)
		return true
	}
	return false
}
