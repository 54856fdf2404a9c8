package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/drupdate/drupdate/internal/store"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// healthTimeout bounds the store call of /healthz.
const healthTimeout = 2 * time.Second

// routes maps the endpoints. Patterns name no method: serveHTTP has
// already refused every method but GET and HEAD.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.Handler) {
		mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if rw, ok := w.(*responseWriter); ok {
				rw.route = pattern
			}
			h.ServeHTTP(w, r)
		}))
	}
	handle("/v1/platforms", http.HandlerFunc(s.listPlatforms))
	handle("/v1/platforms/{name}", http.HandlerFunc(s.getPlatform))
	handle("/v1/projects/{name}", http.HandlerFunc(s.getProject))
	handle("/v1/events", http.HandlerFunc(s.getEvents))
	handle("/v1/notifications", http.HandlerFunc(s.getNotifications))
	handle("/healthz", http.HandlerFunc(s.healthz))
	handle("/metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{
		ErrorLog:            promLogger{s.log},
		ErrorHandling:       promhttp.ContinueOnError,
		Registry:            s.reg,
		MaxRequestsInFlight: 2,
		Timeout:             stateTimeout + 5*time.Second,
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, http.StatusNotFound, "no such endpoint")
	})
	return mux
}

// Health is the answer of GET /healthz.
type Health struct {
	Status string `json:"status"` // "ok", "unavailable" or "stopping"
}

// healthz answers 200 when the store answers a lookup, 503 when it does
// not or when the server is shutting down. It needs no token, so it says
// nothing more.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.parseQuery(r, nil); s.answerBadRequest(w, err) {
		return
	}
	if s.stopping.Err() != nil {
		writeJSON(w, http.StatusServiceUnavailable, Health{"stopping"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	// A key that is never written: the answer is "not found" from a store
	// that works.
	_, err := s.st.Get(ctx, "healthz", "probe")
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		if r.Context().Err() == nil {
			s.log.Warn("health check: store unavailable", "err", s.redact(err.Error()))
		}
		writeJSON(w, http.StatusServiceUnavailable, Health{"unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, Health{"ok"})
}
