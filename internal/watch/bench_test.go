package watch

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/platforms"
)

// syntheticFeed is a modern feed of about 25 releases (some 4 KB), the size
// of a typical contrib project's; gen adds that many newer releases.
func syntheticFeed(name string, gen int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<project xmlns:dc="http://purl.org/dc/elements/1.1/"><title>%s</title><short_name>%s</short_name><dc:creator>someone</dc:creator>
<type>project_module</type><supported_branches>8.x-1.,2.0.</supported_branches><project_status>published</project_status>
<link>https://www.drupal.org/project/%s</link><terms><term><name>Maintenance status</name><value>Actively maintained</value></term></terms><releases>`, name, name, name)
	rel := func(version, types string, date int) {
		fmt.Fprintf(&b, `<release><name>%s %s</name><version>%s</version><status>published</status>`+
			`<release_link>https://www.drupal.org/project/%s/releases/%s</release_link>`+
			`<download_link>https://ftp.drupal.org/files/projects/%s-%s.tar.gz</download_link><date>%d</date>`+
			`<core_compatibility>^9.5 || ^10 || ^11</core_compatibility><security covered="1">Covered by Drupal's security advisory policy</security><terms>`,
			name, version, version, name, version, name, version, date)
		for _, t := range strings.Split(types, ",") {
			if t != "" {
				fmt.Fprintf(&b, "<term><name>Release type</name><value>%s</value></term>", t)
			}
		}
		b.WriteString("</terms></release>")
	}
	for g := gen; g > 0; g-- {
		rel(fmt.Sprintf("2.0.%d", 12+g), "Bug fixes", 1700000000+g*86400)
	}
	for i := 12; i >= 0; i-- {
		types := "Bug fixes,New features"
		if i == 9 {
			types = "Security update"
		}
		if i < 9 {
			types += ",Insecure"
		}
		rel(fmt.Sprintf("2.0.%d", i), types, 1690000000+i*86400)
	}
	for i := 11; i >= 0; i-- {
		rel(fmt.Sprintf("8.x-1.%d", i), "Bug fixes", 1600000000+i*86400)
	}
	b.WriteString("</releases></project>\n")
	return b.String()
}

// benchServer serves synthetic feeds of generation gen, with ETags.
type benchServer struct {
	srv      *httptest.Server
	gen      atomic.Int32
	requests atomic.Int64
}

func newBenchServer(b *testing.B) *benchServer {
	s := &benchServer{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		project := strings.Split(strings.Trim(r.URL.Path, "/"), "/")[0]
		gen := int(s.gen.Load())
		tag := `"` + project + "-" + strconv.Itoa(gen) + `"`
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte(syntheticFeed(project, gen)))
	}))
	b.Cleanup(s.srv.Close)
	return s
}

// benchInventory is a Drupal 10 platform running core and the projects.
func benchInventory(projects []string) *drupal.Inventory {
	core := "10.3.1"
	inv := &drupal.Inventory{CoreVersion: core, Projects: map[string]drupal.InstalledProject{
		"drupal": {Version: &core, Type: "core"},
	}}
	for i, p := range projects {
		v := "2.0.10"
		if i%3 == 0 {
			v = "8.x-1.9"
		}
		inv.Projects[p] = drupal.InstalledProject{Version: &v, Type: "module"}
	}
	return inv
}

// seedPlatforms records platforms as a scan would, so that the watcher
// needs no codebases on disk, and returns their fleet.
func seedPlatforms(b *testing.B, st store.Store, invs map[string]*drupal.Inventory) *platforms.Fleet {
	b.Helper()
	f := &platforms.Fleet{}
	for name, inv := range invs {
		f.Platforms = append(f.Platforms, platforms.PlatformConfig{Name: name, Path: "/srv/" + name})
		rec := PlatformRecord{Name: name, Path: "/srv/" + name, Inventory: inv, InventoryHash: inventoryHash(inv)}
		v, err := json.Marshal(rec)
		if err != nil {
			b.Fatal(err)
		}
		var batch store.Batch
		if _, err := st.Apply(context.Background(), *batch.Put(BucketPlatforms, name, v)); err != nil {
			b.Fatal(err)
		}
	}
	return f
}

// peakHeap samples HeapInuse until stop is called, and returns the peak.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// BenchmarkPoll measures one full poll of 15,000 feeds (100 platforms of
// 150 projects each, plus core) from a local server into bolt: every feed
// changed (parse, diff, a release.new event each, every platform
// re-evaluated), then every answer a 304. Run with -benchtime=1x.
func BenchmarkPoll(b *testing.B) {
	const platformsN, perPlatform = 100, 150
	for _, mode := range []string{"changed", "not_modified", "changed/cache=all"} {
		b.Run(mode, func(b *testing.B) {
			cached := 0 // the default
			if mode == "changed/cache=all" {
				cached = 2 * platformsN * perPlatform
			}
			srv := newBenchServer(b)
			clk := newClock()
			st := openBolt(b, "", clk)
			invs := map[string]*drupal.Inventory{}
			for p := range platformsN {
				var names []string
				for i := range perPlatform {
					names = append(names, fmt.Sprintf("p%05d", p*perPlatform+i))
				}
				invs[fmt.Sprintf("site%03d", p)] = benchInventory(names)
			}
			fleet := seedPlatforms(b, st, invs)
			client, err := feeds.NewHTTP(srv.srv.URL, feeds.WithConcurrency(16))
			if err != nil {
				b.Fatal(err)
			}
			w, err := New(Config{Concurrency: 32, CachedFeeds: cached}, Deps{Store: st, Feeds: client, Fleet: fleet, Now: clk.Now, Instance: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			// A first poll records every feed.
			if err := w.PollOnce(ctx); err != nil {
				b.Fatal(err)
			}
			feedsN := platformsN*perPlatform + 1
			if n := srv.requests.Load(); n != int64(feedsN) {
				b.Fatalf("first poll: %d requests, want %d", n, feedsN)
			}
			b.ReportAllocs()
			var peak uint64
			var reqs int64
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				clk.Advance(2 * time.Hour)
				if mode != "not_modified" {
					srv.gen.Add(1)
				}
				runtime.GC()
				before := srv.requests.Load()
				stop := peakHeap()
				b.StartTimer()
				if err := w.PollOnce(ctx); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				peak = max(peak, stop())
				reqs += srv.requests.Load() - before
				b.StartTimer()
			}
			b.StopTimer()
			if reqs != int64(b.N*feedsN) {
				b.Fatalf("%d requests in %d polls, want %d each", reqs, b.N, feedsN)
			}
			b.ReportMetric(float64(reqs)/b.Elapsed().Seconds(), "requests/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// BenchmarkEvaluate measures evaluating 1,000 platforms of 150 projects
// each (drawn from 2,000 projects, plus core) from the store: "cold" with a
// new watcher (every history read and parsed), "warm" with the parsed
// histories cached; neither writes, the records being current. "write"
// evaluates platforms never evaluated: every record is written.
func BenchmarkEvaluate(b *testing.B) {
	const platformsN, perPlatform, pool = 1000, 150, 2000
	clk := newClock()
	st := openBolt(b, "", clk)
	ctx := context.Background()
	// Every feed in the store, as a poll leaves it.
	for i := range pool + 1 {
		name := fmt.Sprintf("p%05d", i)
		doc := syntheticFeed(name, 0)
		if i == pool {
			name = "drupal"
			doc = feedXML("drupal", "10.3.,10.4.,11.0.", "11.0.1", "11.0.0", "10.4.1 Security update", "10.4.0", "10.3.2 Security update", "10.3.1 Insecure", "10.3.0 Insecure")
		}
		rec := HistoryRecord{Project: name, Category: "current", State: StateOK, Body: []byte(doc), FetchedAt: clk.Now(), ChangedAt: clk.Now()}
		v, _ := json.Marshal(rec)
		ix, _ := json.Marshal(indexOf(rec))
		var batch store.Batch
		batch.Put(BucketHistories, FeedKey("current", name), v).Put(BucketFeedIndex, FeedKey("current", name), ix)
		if _, err := st.Apply(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	invs := map[string]*drupal.Inventory{}
	for p := range platformsN {
		var names []string
		for _, i := range rnd.Perm(pool)[:perPlatform] {
			names = append(names, fmt.Sprintf("p%05d", i))
		}
		invs[fmt.Sprintf("site%04d", p)] = benchInventory(names)
	}
	fleet := seedPlatforms(b, st, invs)
	// The seeded records, before any evaluation, to reset "write" with.
	seeded := map[string][]byte{}
	for _, pc := range fleet.Platforms {
		v, err := st.Get(ctx, BucketPlatforms, pc.Name)
		if err != nil {
			b.Fatal(err)
		}
		seeded[pc.Name] = v
	}
	newWatcher := func() *Watcher {
		client, _ := feeds.NewHTTP("http://127.0.0.1:1")
		w, err := New(Config{}, Deps{Store: st, Feeds: client, Fleet: fleet, Now: clk.Now, Instance: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		return w
	}
	run := func(b *testing.B, w *Watcher) {
		if err := w.evaluateAll(ctx); err != nil {
			b.Fatal(err)
		}
	}
	run(b, newWatcher()) // evaluate once: records current
	if rec := getPlatformRecord(b, st, "site0000"); len(rec.Statuses) != perPlatform+1 {
		b.Fatalf("site0000 has %d statuses, want %d", len(rec.Statuses), perPlatform+1)
	}
	raw, _ := st.Get(ctx, BucketPlatforms, "site0000")
	recordKB := float64(len(raw)) / 1024
	measure := func(b *testing.B, before func() *Watcher) {
		b.ReportAllocs()
		var peak uint64
		for b.Loop() {
			b.StopTimer()
			w := before()
			runtime.GC()
			stop := peakHeap()
			b.StartTimer()
			run(b, w)
			b.StopTimer()
			peak = max(peak, stop())
			b.StartTimer()
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(b.N*platformsN*(perPlatform+1))/b.Elapsed().Seconds(), "projects/s")
		b.ReportMetric(recordKB, "record-KB")
	}
	b.Run("cold", func(b *testing.B) { measure(b, newWatcher) })
	warm := newWatcher()
	run(b, warm)
	b.Run("warm", func(b *testing.B) { measure(b, func() *Watcher { return warm }) })
	b.Run("write", func(b *testing.B) {
		w := newWatcher()
		measure(b, func() *Watcher {
			var batch store.Batch
			for name, v := range seeded {
				batch.Put(BucketPlatforms, name, v)
			}
			if _, err := st.Apply(ctx, batch); err != nil {
				b.Fatal(err)
			}
			return w
		})
	})
}
