package status

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
)

// benchPlatform builds a modern platform of n contrib projects plus core,
// each with a realistic feed: a 2.x semver branch with pre-releases, a
// legacy 8.x-1.x branch with security releases and Insecure tags, and dev
// snapshots: 13 releases a project, about 2,000 for 150 projects.
func benchPlatform(n int) (Platform, map[string]Data) {
	p := Platform{Algorithm: AlgorithmModern}
	data := map[string]Data{}
	rel := func(v string, date int, types ...string) drupal.Release {
		r := drupal.Release{Key: v, Version: drupal.Some(v), Status: drupal.Some("published"),
			ReleaseLink: drupal.Some("https://www.drupal.org/project/x/releases/" + v), Date: drupal.Some(strconv.Itoa(date)),
			CoreCompatibility: drupal.Some("^9.5 || ^10")}
		for _, t := range types {
			r.Terms = append(r.Terms, drupal.Term{Name: "Release type", Value: t})
		}
		return r
	}
	core := &drupal.History{ShortName: "drupal", SupportedBranches: drupal.Some("10.2.,10.3.")}
	for minor := 3; minor >= 0; minor-- {
		for patch := 5; patch >= 0; patch-- {
			core.Releases = append(core.Releases, rel(fmt.Sprintf("10.%d.%d", minor, patch), 1700000000+minor*1000+patch))
		}
	}
	p.Projects = append(p.Projects, Installed{Name: "drupal", Type: "core", Version: "10.2.1", HasVersion: true})
	data["drupal"] = Data{Feed: Prepare(core)}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("project_%03d", i)
		h := &drupal.History{ShortName: name, Title: drupal.Some(name), SupportedBranches: drupal.Some("8.x-1.,2.")}
		d := 1600000000
		h.Releases = append(h.Releases,
			rel("2.1.0-beta1", d+13), rel("2.0.2", d+12, drupal.TypeSecurityUpdate), rel("2.0.1", d+11, drupal.TypeInsecure),
			rel("2.0.0", d+10, drupal.TypeInsecure), rel("2.0.0-rc1", d+9), rel("2.0.x-dev", d+8),
			rel("8.x-1.9", d+7, drupal.TypeSecurityUpdate), rel("8.x-1.8", d+6, drupal.TypeInsecure), rel("8.x-1.7", d+5, drupal.TypeInsecure),
			rel("8.x-1.6", d+4, drupal.TypeSecurityUpdate, drupal.TypeInsecure), rel("8.x-1.5", d+3, drupal.TypeInsecure),
			rel("8.x-1.4", d+2, drupal.TypeInsecure), rel("8.x-1.x-dev", d+1))
		installed := []string{"8.x-1.4", "8.x-1.9", "2.0.0", "2.0.2", "8.x-1.x-dev"}[i%5]
		p.Projects = append(p.Projects, Installed{Name: name, Type: "module", Version: installed, HasVersion: true, Datestamp: int64(d)})
		data[name] = Data{Feed: Prepare(h)}
	}
	return p, data
}

func BenchmarkEvaluatePlatform150(b *testing.B) {
	p, data := benchPlatform(150)
	releases := 0
	for _, d := range data {
		releases += len(d.Feed.rel)
	}
	b.ReportMetric(float64(releases), "releases")
	p.Prepare()
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	ev := &Evaluator{Now: func() time.Time { return now }}
	b.Run("Evaluate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ev.Evaluate(p, data)
		}
	})
	b.Run("AppendEvaluate", func(b *testing.B) {
		b.ReportAllocs()
		var buf []Result
		for b.Loop() {
			buf = ev.AppendEvaluate(buf[:0], p, data)
		}
	})
}

// TestEvaluateConcurrent evaluates one fleet's shared feeds from several
// goroutines, as the service does; run with -race it checks the
// memoised core-compatibility verdicts.
func TestEvaluateConcurrent(t *testing.T) {
	p, data := benchPlatform(20)
	ev := &Evaluator{}
	want := ev.Evaluate(p, data)
	if len(want.Projects[1].Compat) == 0 {
		t.Fatalf("benchmark platform has no core-compatibility annotations; the test would prove nothing")
	}
	done := make(chan Report)
	for range 4 {
		go func() { done <- ev.Evaluate(p, data) }()
	}
	for range 4 {
		got := <-done
		for i := range want.Projects {
			w, g := want.Projects[i], got.Projects[i]
			if w.Status != g.Status || w.Recommended != g.Recommended || len(w.Compat) != len(g.Compat) || (len(w.Compat) > 0 && w.Compat[0] != g.Compat[0]) {
				t.Errorf("concurrent Evaluate: project %s = %+v, want %+v", w.Name, g, w)
			}
		}
	}
}

// TestPrepareSameResults checks that preparing a platform changes only
// the speed of evaluation.
func TestPrepareSameResults(t *testing.T) {
	p, data := benchPlatform(30)
	ev := &Evaluator{}
	raw, _ := json.Marshal(ev.Evaluate(p, data).Projects)
	p.Prepare()
	prepared, _ := json.Marshal(ev.Evaluate(p, data).Projects)
	if string(raw) != string(prepared) {
		t.Errorf("Evaluate after Platform.Prepare differs:\n%s\nwant\n%s", prepared, raw)
	}
}
