package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/watch"
)

// benchFleet stores n platforms of 60 projects each, about what a
// real site runs (a record is then about 45 KB: inventory and report).
func benchFleet(b *testing.B, n int) *Server {
	st := openStore(b)
	var recs []watch.PlatformRecord
	for i := range n {
		statuses := map[string]drupal.Status{}
		for j := range 60 {
			statuses[fmt.Sprintf("project_%02d", j)] = drupal.Statuses[(i+j)%5]
		}
		recs = append(recs, platform(fmt.Sprintf("platform-%04d", i), []string{"production"}, statuses))
		if len(recs) == 200 {
			putPlatforms(b, st, recs...)
			recs = recs[:0]
		}
	}
	putPlatforms(b, st, recs...)
	s, _ := newServer(b, Config{}, st)
	s.log = s.log.WithGroup("bench") // keep the access log cost in
	return s
}

func BenchmarkGetPlatform(b *testing.B) {
	s := benchFleet(b, 1000)
	h := s.Handler()
	req := httptest.NewRequest("GET", "/v1/platforms/platform-0500", nil)
	w := get(h, "GET", "/v1/platforms/platform-0500")
	if w.Code != http.StatusOK {
		b.Fatalf("GET /v1/platforms/platform-0500 = %d", w.Code)
	}
	b.SetBytes(int64(w.Body.Len()))
	b.Logf("report: %d bytes", w.Body.Len())
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

func BenchmarkGetPlatformNotModified(b *testing.B) {
	s := benchFleet(b, 1000)
	h := s.Handler()
	tag := get(h, "GET", "/v1/platforms/platform-0500").Header().Get("ETag")
	req := httptest.NewRequest("GET", "/v1/platforms/platform-0500", nil)
	req.Header.Set("If-None-Match", tag)
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusNotModified {
			b.Fatal(w.Code)
		}
	}
}

func BenchmarkListPlatforms(b *testing.B) {
	s := benchFleet(b, 1000)
	h := s.Handler()
	req := httptest.NewRequest("GET", "/v1/platforms", nil)
	w := get(h, "GET", "/v1/platforms")
	b.Logf("list of 1000: %d bytes", w.Body.Len())
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

func BenchmarkGetProject(b *testing.B) {
	s := benchFleet(b, 1000)
	h := s.Handler()
	req := httptest.NewRequest("GET", "/v1/projects/project_07", nil)
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
