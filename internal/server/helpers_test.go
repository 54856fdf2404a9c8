package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/store/bolt"
	"github.com/drupdate/drupdate/internal/watch"
	"github.com/prometheus/client_golang/prometheus"
)

// t0 is the tests' clock.
var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return t0 }

// openStore opens a bolt store in a temporary directory, closed at the
// end of the test.
func openStore(tb testing.TB) *bolt.Store {
	tb.Helper()
	st, err := bolt.Open(filepath.Join(tb.TempDir(), "state.db"), bolt.Options{Now: fixedNow})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// put stores each value, marshalled, under its key in bucket, in one batch.
func put[V any](tb testing.TB, st store.Store, bucket string, values map[string]V) {
	tb.Helper()
	var b store.Batch
	for k, v := range values {
		data, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		b.Put(bucket, k, data)
	}
	if _, err := st.Apply(context.Background(), b); err != nil {
		tb.Fatal(err)
	}
}

// putPlatforms stores platform records keyed by their names.
func putPlatforms(tb testing.TB, st store.Store, recs ...watch.PlatformRecord) {
	tb.Helper()
	m := map[string]watch.PlatformRecord{}
	for _, r := range recs {
		m[r.Name] = r
	}
	put(tb, st, watch.BucketPlatforms, m)
}

// appendEvents appends events of kind to st, one batch each.
func appendEvents(tb testing.TB, st store.Store, kind string, n int) {
	tb.Helper()
	for i := range n {
		var b store.Batch
		b.Append(kind, fmt.Sprint("project", i), json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)))
		if _, err := st.Apply(context.Background(), b); err != nil {
			tb.Fatal(err)
		}
	}
}

// platform builds an evaluated platform record with a report naming each
// project and its status.
func platform(name string, tags []string, statuses map[string]drupal.Status) watch.PlatformRecord {
	projects := map[string]any{}
	inv := &drupal.Inventory{CoreVersion: "10.2.3", Projects: map[string]drupal.InstalledProject{}}
	for p, st := range statuses {
		v := "8.x-1.0"
		inv.Projects[p] = drupal.InstalledProject{Version: &v, Type: "module"}
		projects[p] = reportProject(p, st)
	}
	report, _ := json.Marshal(map[string]any{"algorithm": "modern", "feed": "current", "core_version": "10.2.3", "projects": projects})
	return watch.PlatformRecord{
		Name:          name,
		Path:          "/var/aegir/platforms/" + name,
		Tags:          tags,
		ScannedAt:     t0.Add(-2 * time.Hour),
		Inventory:     inv,
		InventoryHash: "sha256:abc",
		EvaluatedAt:   t0.Add(-time.Hour),
		Report:        report,
		Statuses:      statuses,
	}
}

// reportProject is one project of a report, shaped as `status --format
// json` writes it.
func reportProject(name string, st drupal.Status) map[string]any {
	return map[string]any{
		"status": st, "label": st.Label(), "reason": nil, "type": "module", "install_type": "official",
		"existing_version": "8.x-1.0", "recommended": "8.x-1.3", "latest_version": "8.x-1.3", "dev_version": nil,
		"title": strings.ToUpper(name[:1]) + name[1:], "link": "https://www.drupal.org/project/" + name,
		"security_updates": []string{"8.x-1.2"}, "also_available": map[string]string{},
		"core_compatibility": map[string]any{"8.x-1.3": map[string]any{"compatible": true, "message": "Requires Drupal core: 10.1.0 to 11.3.9"}},
		"extra":              []any{},
		"displayed_versions": []any{map[string]string{"label": "Recommended version", "version": "8.x-1.3"}},
	}
}

// lockedBuffer is a log sink safe for concurrent writes and reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// newServer builds a server of st logging at Debug into the returned
// buffer.
func newServer(tb testing.TB, cfg Config, st store.Store) (*Server, *lockedBuffer) {
	tb.Helper()
	var logs lockedBuffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return New(cfg, st, prometheus.NewRegistry(), log, fixedNow), &logs
}

// get sends a request to h and returns the answer.
func get(h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// decode decodes a JSON answer, failing the test if it is not JSON.
func decode[V any](tb testing.TB, w *httptest.ResponseRecorder) V {
	tb.Helper()
	var v V
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		tb.Errorf("Content-Type = %q, want application/json", ct)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		tb.Fatalf("decode answer %q: %v", w.Body.String(), err)
	}
	return v
}

// serve runs s on a loopback port until the test ends, and returns its
// base URL and a function that stops it and returns ListenAndServe's
// error.
func serve(tb testing.TB, s *Server) (base string, stop func() error) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.ListenAndServe(ctx) }()
	select {
	case <-s.Ready():
	case err := <-done:
		cancel()
		tb.Fatalf("ListenAndServe: %v", err)
	}
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				err = fmt.Errorf("ListenAndServe did not return 30s after its context ended")
			}
		})
		return err
	}
	tb.Cleanup(func() { stop() })
	return "http://" + s.Addr(), stop
}

// readAll reads and closes an HTTP answer's body.
func readAll(tb testing.TB, resp *http.Response) string {
	tb.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func storeKV(key, value string) store.KV { return store.KV{Key: key, Value: []byte(value)} }

// getRequest sends req to h and returns the answer.
func getRequest(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}
