package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/drupdate/drupdate/internal/store"
)

// Event page sizes of /v1/events.
const (
	defaultEventLimit = 100
	maxEventLimit     = 1000
)

// Events is the answer of GET /v1/events.
type Events struct {
	// Events are the events after since, oldest first; never null.
	Events []store.Event `json:"events"`
	// Next is the since of the following request: the last event's Seq,
	// or since when there were none.
	Next uint64 `json:"next"`
}

// getEvents serves GET /v1/events?since=N&limit=M&wait=D.
func (s *Server) getEvents(w http.ResponseWriter, r *http.Request) {
	since, limit, wait, err := s.eventParams(r)
	if s.answerBadRequest(w, err) {
		return
	}
	wait = min(wait, s.cfg.MaxLongPoll)
	ctx := r.Context()
	evs, err := s.st.Events(ctx, since, limit)
	if err != nil {
		s.storeError(w, r, "read events", err)
		return
	}
	if len(evs) == 0 && wait > 0 {
		if err := s.waitEvents(ctx, since, wait); err != nil {
			s.storeError(w, r, "wait for events", err)
			return
		}
		if evs, err = s.st.Events(ctx, since, limit); err != nil {
			s.storeError(w, r, "read events", err)
			return
		}
	}
	out := Events{Events: evs, Next: since}
	if len(evs) > 0 {
		out.Next = evs[len(evs)-1].Seq
	} else {
		out.Events = []store.Event{}
	}
	writeJSON(w, http.StatusOK, out)
}

// waitEvents waits for an event after since, for at most d, or until the
// server starts shutting down. Running out of time is no error; the
// request's own context ending is.
func (s *Server) waitEvents(ctx context.Context, since uint64, d time.Duration) error {
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	stop := context.AfterFunc(s.stopping, cancel)
	defer stop()
	err := s.st.Wait(wctx, since)
	if err != nil && wctx.Err() != nil && ctx.Err() == nil {
		return nil // waited long enough, or shutting down
	}
	return err
}

// eventParams reads since (default 0), limit (default 100, at most 1000)
// and wait (a Go duration or whole seconds; default none).
func (s *Server) eventParams(r *http.Request) (since uint64, limit int, wait time.Duration, err error) {
	q, err := s.parseQuery(r, map[string]bool{"since": false, "limit": false, "wait": false})
	if err != nil {
		return 0, 0, 0, err
	}
	if q.Has("since") {
		since, err = strconv.ParseUint(q.Get("since"), 10, 64)
		if err != nil {
			return 0, 0, 0, badRequestf("since must be an event number (a non-negative integer)")
		}
	}
	limit = defaultEventLimit
	if q.Has("limit") {
		limit, err = strconv.Atoi(q.Get("limit"))
		if err != nil || limit < 1 || limit > maxEventLimit {
			return 0, 0, 0, badRequestf("limit must be an integer from 1 to %d", maxEventLimit)
		}
	}
	if q.Has("wait") {
		wait, err = parseWait(q.Get("wait"))
		if err != nil {
			return 0, 0, 0, err
		}
	}
	return since, limit, wait, nil
}

func parseWait(v string) (time.Duration, error) {
	bad := badRequestf("wait must be a duration such as 30s, or whole seconds")
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, bad
	}
	return d, nil
}
