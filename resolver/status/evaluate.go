package status

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
)

// Algorithm selects Drupal's modern or Drupal 7 status computation.
type Algorithm int

const (
	AlgorithmModern  Algorithm = iota // Drupal 8+, "current" feeds
	AlgorithmDrupal7                  // Drupal 7, "7.x" feeds
)

// Category is the release-history feed category the algorithm reads.
func (a Algorithm) Category() string {
	if a == AlgorithmDrupal7 {
		return drupal.Category7
	}
	return drupal.CategoryCurrent
}

func (a Algorithm) String() string {
	if a == AlgorithmDrupal7 {
		return "drupal7"
	}
	return "modern"
}

// CoreProject is the machine name of Drupal core.
const CoreProject = "drupal"

// Platform is one platform's installed projects.
type Platform struct {
	Algorithm Algorithm
	Projects  []Installed
}

// Report is every project's result for one platform: core first, then the
// others in the platform's order.
type Report struct {
	Algorithm Algorithm
	Projects  []Result
}

// Evaluator computes reports. It memoises core-compatibility work, which
// depends only on core's feed and installed core version, so one Evaluator
// should serve a whole fleet. It is safe for concurrent use.
type Evaluator struct {
	// Now is the request time for core's security coverage.
	Now func() time.Time

	mu     sync.Mutex
	compat map[compatKey]*compatIndex
}

// Evaluate computes the status of every project of p. data holds what was
// fetched per project; a project missing from it is UNKNOWN, as in Drupal.
func (e *Evaluator) Evaluate(p Platform, data map[string]Data) Report {
	return Report{Algorithm: p.Algorithm, Projects: e.AppendEvaluate(make([]Result, 0, len(p.Projects)), p, data)}
}

// AppendEvaluate is Evaluate appending the results to dst, so that a caller
// that evaluates many platforms and keeps only what changed can reuse one
// buffer instead of allocating a result slice per platform.
func (e *Evaluator) AppendEvaluate(dst []Result, p Platform, data map[string]Data) []Result {
	rep := Report{Projects: dst}
	eval := modern
	if p.Algorithm == AlgorithmDrupal7 {
		eval = drupal7
	}
	// Most projects have few security releases pending and fewer higher
	// majors; growth handles the rest.
	n := len(p.Projects)
	a := &arena{sec: make([]string, 0, n), also: make([]Also, 0, n/4+1)}
	if p.Algorithm == AlgorithmModern {
		a.compat = make([]Compat, 0, 2*n)
		a.secRel, a.alsoRel = make([]*release, 0, n), make([]*release, 0, n/4+1)
	}
	// Core first: its result decides how contrib releases are annotated.
	var ci *compatIndex
	for _, in := range p.Projects {
		if in.Name != CoreProject {
			continue
		}
		d, ok := data[in.Name]
		if !ok {
			break
		}
		r := eval(in, d, a)
		if p.Algorithm == AlgorithmModern && d.Feed != nil {
			if in.Type == "core" && len(d.Feed.rel) > 0 {
				if c := coverage(r.ExistingVersion, d.Feed, e.now()); c != nil {
					r.details().Coverage = c
				}
			}
			if truthy(d.Feed.History.SupportedBranches.Value) {
				ci = e.compatIndexFor(d.Feed, r.ExistingVersion)
			}
		}
		rep.Projects = append(rep.Projects, r)
	}
	for _, in := range p.Projects {
		d, ok := data[in.Name]
		if in.Name == CoreProject && ok {
			continue
		}
		if !ok {
			dv := in.derive()
			r := Result{Name: in.Name, Type: in.Type, Status: drupal.Unknown, Reason: reasonNoReleases,
				ExistingVersion: dv.existing, InstallType: dv.installType}
			rep.Projects = append(rep.Projects, r)
			continue
		}
		secStart, alsoStart := len(a.secRel), len(a.alsoRel)
		r := eval(in, d, a)
		if ci != nil && d.Feed != nil {
			start := len(a.compat)
			a.compat = ci.annotate(a.compat, &r, a, secStart, alsoStart)
			if len(a.compat) > start {
				r.Compat = a.compat[start:len(a.compat):len(a.compat)]
			}
		}
		rep.Projects = append(rep.Projects, r)
	}
	return rep.Projects
}

func (e *Evaluator) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// Worst returns the report's projects ordered worst first (Drupal's status
// page order), ties by name.
func (r Report) Worst() []Result {
	out := slices.Clone(r.Projects)
	slices.SortStableFunc(out, func(a, b Result) int { return a.Status.Rank() - b.Status.Rank() })
	return out
}

// Insecure reports whether any project is NOT_SECURE.
func (r Report) Insecure() bool {
	for i := range r.Projects {
		if r.Projects[i].Status == drupal.NotSecure {
			return true
		}
	}
	return false
}

// ChooseAlgorithm decides, as the issue and Drupal's own history dictate,
// which algorithm and feed a platform uses: an explicit feed category wins;
// otherwise core 7 means Drupal 7's algorithm and "7.x" feeds, core 8 and
// later the modern algorithm and "current" feeds.
func ChooseAlgorithm(feed, coreVersion string) (Algorithm, error) {
	switch feed {
	case drupal.Category7:
		return AlgorithmDrupal7, nil
	case drupal.CategoryCurrent:
		return AlgorithmModern, nil
	case "":
	default:
		return 0, fmt.Errorf("unknown feed category %q (want %q or %q)", feed, drupal.CategoryCurrent, drupal.Category7)
	}
	major, _, _ := strings.Cut(coreVersion, ".")
	n, err := strconv.Atoi(major)
	switch {
	case coreVersion == "":
		return 0, errors.New("no core version to choose the feed by: set \"core_version\" or \"feed\"")
	case err != nil:
		return 0, fmt.Errorf("core version %q has no numeric major: set \"feed\" to %q or %q", coreVersion, drupal.CategoryCurrent, drupal.Category7)
	case n == 7:
		return AlgorithmDrupal7, nil
	case n >= 8:
		return AlgorithmModern, nil
	}
	return 0, fmt.Errorf("core version %q: Drupal %d is not supported (Drupal 7 and 8+ are)", coreVersion, n)
}
