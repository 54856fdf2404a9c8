package watch

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/store/bolt"
	"github.com/drupdate/drupdate/platforms"
)

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// half is a Rand that always says 0.5: no jitter.
func half() float64 { return 0.5 }

const feedTmpl = `<?xml version="1.0" encoding="utf-8"?>
<project xmlns:dc="http://purl.org/dc/elements/1.1/">
<title>NAME</title><short_name>NAME</short_name><supported_branches>SUPPORTED</supported_branches>
<project_status>STATUS</project_status><link>https://www.drupal.org/project/NAME</link>
<releases>RELEASES</releases></project>`

// feedXML writes a current-style feed. Each release is "version" or
// "version Type,Type" (release types), with "!" before the version for an
// unpublished one; dates fall in feed order.
func feedXML(name, supported string, releases ...string) string {
	return feedXMLStatus(name, "published", supported, releases...)
}

func feedXMLStatus(name, projectStatus, supported string, releases ...string) string {
	var rel strings.Builder
	for i, r := range releases {
		version, terms, _ := strings.Cut(r, " ")
		st := "published"
		if v, ok := strings.CutPrefix(version, "!"); ok {
			version, st = v, "unpublished"
		}
		rel.WriteString("<release><name>" + name + " " + version + "</name><version>" + version + "</version><status>" + st + "</status>")
		rel.WriteString("<release_link>https://www.drupal.org/project/" + name + "/releases/" + version + "</release_link>")
		fmt.Fprintf(&rel, "<date>%d</date><terms>", 1700000000-i*86400)
		for _, term := range strings.Split(terms, ",") {
			if term != "" {
				rel.WriteString("<term><name>Release type</name><value>" + term + "</value></term>")
			}
		}
		rel.WriteString("</terms></release>")
	}
	r := strings.NewReplacer("NAME", name, "SUPPORTED", supported, "STATUS", projectStatus, "RELEASES", rel.String())
	return r.Replace(feedTmpl)
}

const errorDoc = `<?xml version="1.0" encoding="utf-8"?>` + "\n<error>No release history was found for the requested project (NAME).</error>"

// feedServer serves release histories with ETags and If-None-Match, counts
// requests and lets tests replace the answer for one path.
type feedServer struct {
	srv *httptest.Server

	mu       sync.Mutex
	delay    time.Duration     // before every answer
	docs     map[string]string // "/project/category" → document
	handlers map[string]http.HandlerFunc
	hits     map[string]int
	log      []hit
}

type hit struct {
	path, instance string
	at             time.Time
	status         int
}

func newFeedServer(t testing.TB) *feedServer {
	s := &feedServer{docs: map[string]string{}, handlers: map[string]http.HandlerFunc{}, hits: map[string]int{}}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *feedServer) set(project, category, doc string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs["/"+project+"/"+category] = doc
}

func (s *feedServer) setDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// handle replaces the answer for /project/category; nil restores it.
func (s *feedServer) handle(project, category string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == nil {
		delete(s.handlers, "/"+project+"/"+category)
	} else {
		s.handlers["/"+project+"/"+category] = h
	}
}

func (s *feedServer) count(project, category string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits["/"+project+"/"+category]
}

func (s *feedServer) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.hits {
		n += c
	}
	return n
}

func (s *feedServer) hitLog() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

func etagOf(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	h := s.handlers[r.URL.Path]
	doc, ok := s.docs[r.URL.Path]
	delay := s.delay
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	defer func() {
		s.mu.Lock()
		s.log = append(s.log, hit{r.URL.Path, r.Header.Get("X-Instance"), time.Now(), rec.status})
		s.mu.Unlock()
	}()
	if h != nil {
		h(rec, r)
		return
	}
	if !ok {
		project := strings.Split(strings.Trim(r.URL.Path, "/"), "/")[0]
		rec.Write([]byte(strings.ReplaceAll(errorDoc, "NAME", project)))
		return
	}
	tag := etagOf(doc)
	rec.Header().Set("ETag", tag)
	if r.Header.Get("If-None-Match") == tag {
		rec.WriteHeader(http.StatusNotModified)
		return
	}
	rec.Write([]byte(doc))
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Flush() { r.ResponseWriter.(http.Flusher).Flush() }

func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return r.ResponseWriter.(http.Hijacker).Hijack()
}

// client returns a feeds client for the server whose requests name the
// instance in an X-Instance header.
func (s *feedServer) client(t testing.TB, instance string, opts ...feeds.Option) *feeds.Client {
	t.Helper()
	hc := &http.Client{Transport: instanceTransport{instance, http.DefaultTransport}}
	c, err := feeds.NewHTTP(s.srv.URL, append([]feeds.Option{feeds.WithHTTPClient(hc)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type instanceTransport struct {
	name string
	rt   http.RoundTripper
}

func (t instanceTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Instance", t.name)
	return t.rt.RoundTrip(r)
}

// openBolt opens a bolt store in a temporary directory on clock c.
func openBolt(t testing.TB, path string, c *clock) *bolt.Store {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "drupdate.db")
	}
	opts := bolt.Options{LockTimeout: 10 * time.Second}
	if c != nil {
		opts.Now = c.Now
	}
	s, err := bolt.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// copyPlatforms copies the demo and composer platform fixtures into dir
// and returns the fleet of the copies (fleetIn).
func copyPlatforms(t testing.TB, dir string) *platforms.Fleet {
	t.Helper()
	for _, fixture := range []string{"demo", "composer"} {
		if err := os.CopyFS(filepath.Join(dir, fixture), os.DirFS(filepath.Join("..", "..", "testdata", "platforms", fixture))); err != nil {
			t.Fatal(err)
		}
	}
	return fleetIn(dir)
}

// fleetIn is the fleet of the platforms copyPlatforms copied into dir,
// named as in the demo fleet.
func fleetIn(dir string) *platforms.Fleet {
	return &platforms.Fleet{Platforms: []platforms.PlatformConfig{
		{Name: "agency-d10", Path: filepath.Join(dir, "demo"), Tags: []string{"production"}},
		{Name: "shop-d10-composer", Path: filepath.Join(dir, "composer"), Tags: []string{"production"}},
	}}
}

// testLogger logs to the test's output at debug level when -v is set.
func testLogger(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// events reads the whole event log.
func events(t testing.TB, s store.Store) []store.Event {
	t.Helper()
	var out []store.Event
	for since := uint64(0); ; {
		evs, err := s.Events(context.Background(), since, 1000)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, evs...)
		if len(evs) < 1000 {
			return out
		}
		since = evs[len(evs)-1].Seq
	}
}

// eventLines shows events as "kind key data", for comparisons.
func eventLines(evs []store.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Kind + " " + e.Key + " " + string(e.Data)
	}
	return out
}

// summary shows events compactly: release events as "kind project
// version", status events as "platform.status platform project from→to".
func summary(t testing.TB, evs []store.Event) []string {
	t.Helper()
	var out []string
	for _, e := range evs {
		switch e.Kind {
		case EventPlatformStatus:
			var p PlatformStatusEvent
			if err := json.Unmarshal(e.Data, &p); err != nil {
				t.Fatal(err)
			}
			from := "-"
			if p.From.Valid() {
				from = p.From.String()
			}
			out = append(out, fmt.Sprintf("%s %s %s %s→%s", e.Kind, p.Platform, p.Project, from, p.To))
		case EventProjectStatus:
			var p ProjectStatusEvent
			if err := json.Unmarshal(e.Data, &p); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s %s %s→%s", e.Kind, p.Project, p.From, p.To))
		case EventPlatformInventory:
			out = append(out, e.Kind+" "+string(e.Data))
		case EventAdvisory:
			var a AdvisoryEvent
			if err := json.Unmarshal(e.Data, &a); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s %s %s %s %s", e.Kind, a.Platform, a.Project, a.Version, a.Note.ID))
		default:
			var r ReleaseEvent
			if err := json.Unmarshal(e.Data, &r); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s %s %s", e.Kind, r.Project, r.Version))
		}
	}
	return out
}

// getHistoryRecord reads a feed's record, failing the test if absent.
func getHistoryRecord(t testing.TB, s store.Store, key string) HistoryRecord {
	t.Helper()
	raw, err := s.Get(context.Background(), BucketHistories, key)
	if err != nil {
		t.Fatalf("Get(%s, %s): %v", BucketHistories, key, err)
	}
	var rec HistoryRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

func getPlatformRecord(t testing.TB, s store.Store, name string) PlatformRecord {
	t.Helper()
	raw, err := s.Get(context.Background(), BucketPlatforms, name)
	if err != nil {
		t.Fatalf("Get(%s, %s): %v", BucketPlatforms, name, err)
	}
	var rec PlatformRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}
