package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/watch"
)

// eventsAnswer is Events as a client decodes it.
type eventsAnswer struct {
	Events []store.Event `json:"events"`
	Next   uint64        `json:"next"`
}

func seqs(evs []store.Event) []uint64 {
	out := []uint64{}
	for _, e := range evs {
		out = append(out, e.Seq)
	}
	return out
}

func TestEvents(t *testing.T) {
	st := openStore(t)
	appendEvents(t, st, watch.EventNewRelease, 5)
	s, _ := newServer(t, Config{}, st)

	for _, tc := range []struct {
		target string
		seqs   string
		next   uint64
	}{
		{"/v1/events", "[1 2 3 4 5]", 5},
		{"/v1/events?since=2", "[3 4 5]", 5},
		{"/v1/events?since=1&limit=2", "[2 3]", 3},
		{"/v1/events?since=5", "[]", 5},
		{"/v1/events?since=99", "[]", 99},
		// Events already there answer at once, wait or not.
		{"/v1/events?since=4&wait=30s", "[5]", 5},
		{"/v1/events?since=0&limit=1000&wait=0", "[1 2 3 4 5]", 5},
	} {
		w := get(s.Handler(), "GET", tc.target)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s = %d %s, want 200", tc.target, w.Code, w.Body)
			continue
		}
		got := decode[eventsAnswer](t, w)
		if fmt.Sprint(seqs(got.Events)) != tc.seqs || got.Next != tc.next {
			t.Errorf("GET %s = events %v, next %d; want %s, next %d", tc.target, seqs(got.Events), got.Next, tc.seqs, tc.next)
		}
	}

	// An event as the API shows it.
	w := get(s.Handler(), "GET", "/v1/events?since=1&limit=1")
	want := `{"events":[{"seq":2,"kind":"release.new","time":"2025-06-01T12:00:00Z","key":"project1","data":{"n":1}}],"next":2}` + "\n"
	if w.Body.String() != want {
		t.Errorf("GET /v1/events?since=1&limit=1 =\n%s\nwant\n%s", w.Body, want)
	}
	// No events at all is [], not null.
	empty, _ := newServer(t, Config{}, openStore(t))
	if w := get(empty.Handler(), "GET", "/v1/events"); w.Body.String() != `{"events":[],"next":0}`+"\n" {
		t.Errorf("GET /v1/events of an empty log = %s", w.Body)
	}
}

func TestEventsBadParameters(t *testing.T) {
	s, _ := newServer(t, Config{}, openStore(t))
	for _, target := range []string{
		"/v1/events?since=-1",
		"/v1/events?since=x",
		"/v1/events?since=18446744073709551616",
		"/v1/events?since=1&since=2",
		"/v1/events?limit=0",
		"/v1/events?limit=1001",
		"/v1/events?limit=ten",
		"/v1/events?wait=-1s",
		"/v1/events?wait=forever",
		"/v1/events?wait=1.5",
		"/v1/events?after=3",
		"/v1/events?since=%zz",
		"/v1/events?since=1;limit=2",
	} {
		w := get(s.Handler(), "GET", target)
		if w.Code != http.StatusBadRequest {
			t.Errorf("GET %s = %d %s, want 400", target, w.Code, w.Body)
			continue
		}
		if e := decode[errorBody](t, w); e.Error == "" {
			t.Errorf("GET %s: no error message in %s", target, w.Body)
		}
	}
}

func TestEventsLongPoll(t *testing.T) {
	st := openStore(t)
	appendEvents(t, st, watch.EventNewRelease, 2)
	s, _ := newServer(t, Config{MaxLongPoll: 300 * time.Millisecond}, st)
	h := s.Handler()

	t.Run("returns as soon as an event is appended", func(t *testing.T) {
		s, _ := newServer(t, Config{}, st) // MaxLongPoll 60s
		go func() {
			time.Sleep(100 * time.Millisecond)
			var b store.Batch
			if _, err := st.Apply(context.Background(), *b.Append(watch.EventSecurityRelease, "views", nil)); err != nil {
				t.Error(err)
			}
		}()
		start := time.Now()
		w := get(s.Handler(), "GET", "/v1/events?since=2&wait=30s")
		took := time.Since(start)
		got := decode[eventsAnswer](t, w)
		if w.Code != http.StatusOK || fmt.Sprint(seqs(got.Events)) != "[3]" || got.Next != 3 {
			t.Errorf("GET /v1/events?since=2&wait=30s = %d %s, want event 3", w.Code, w.Body)
		}
		if took > 10*time.Second {
			t.Errorf("GET /v1/events?since=2&wait=30s took %v after an event appended at 100ms", took)
		}
	})

	t.Run("returns [] after the wait", func(t *testing.T) {
		start := time.Now()
		w := get(h, "GET", "/v1/events?since=99&wait=150ms")
		took := time.Since(start)
		if w.Code != http.StatusOK || w.Body.String() != `{"events":[],"next":99}`+"\n" {
			t.Errorf("GET /v1/events?since=99&wait=150ms = %d %s, want no events", w.Code, w.Body)
		}
		if took < 150*time.Millisecond {
			t.Errorf("GET /v1/events?since=99&wait=150ms returned after %v, before the wait", took)
		}
	})

	t.Run("waits at most MaxLongPoll", func(t *testing.T) {
		start := time.Now()
		w := get(h, "GET", "/v1/events?since=99&wait=1h")
		took := time.Since(start)
		if w.Code != http.StatusOK || took < 300*time.Millisecond || took > 10*time.Second {
			t.Errorf("GET /v1/events?since=99&wait=1h with MaxLongPoll 300ms = %d after %v", w.Code, took)
		}
	})

	t.Run("wait in whole seconds", func(t *testing.T) {
		w := get(h, "GET", "/v1/events?since=99&wait=1")
		if w.Code != http.StatusOK {
			t.Errorf("GET /v1/events?since=99&wait=1 = %d %s", w.Code, w.Body)
		}
	})
}

func TestEventsStoreClosed(t *testing.T) {
	st := openStore(t)
	s, logs := newServer(t, Config{}, st)
	st.Close()
	w := get(s.Handler(), "GET", "/v1/events")
	if w.Code != http.StatusInternalServerError {
		t.Errorf("GET /v1/events from a closed store = %d %s, want 500", w.Code, w.Body)
	}
	if e := decode[errorBody](t, w); strings.Contains(e.Error, "closed") {
		t.Errorf("GET /v1/events from a closed store: error %q shows the cause; it belongs in the log", e.Error)
	}
	if !strings.Contains(logs.String(), "store closed") {
		t.Errorf("the log does not say why:\n%s", logs)
	}
}
