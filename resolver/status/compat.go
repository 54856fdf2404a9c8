package status

import (
	"strings"
	"sync"

	"github.com/drupdate/drupdate/resolver/composer"
)

// compatKey identifies what core compatibility depends on: core's feed and
// the installed core version.
type compatKey struct {
	core     *Feed
	existing string
}

// compatIndex is ProjectCoreCompatibility: the core versions a site could
// update to, and the verdict and message per constraint, computed once.
type compatIndex struct {
	existing string
	possible []string // stable core versions >= installed, in supported branches, ascending

	mu       sync.RWMutex
	verdicts map[string]compatVerdict
}

type compatVerdict struct {
	compatible bool
	message    string
}

func (e *Evaluator) compatIndexFor(core *Feed, existing string) *compatIndex {
	k := compatKey{core, existing}
	e.mu.Lock()
	defer e.mu.Unlock()
	if ci, ok := e.compat[k]; ok {
		return ci
	}
	if e.compat == nil {
		e.compat = make(map[compatKey]*compatIndex)
	}
	ci := &compatIndex{existing: existing, possible: possibleCoreUpdates(core, existing), verdicts: map[string]compatVerdict{}}
	e.compat[k] = ci
	return ci
}

// possibleCoreUpdates is getPossibleCoreUpdateVersions: empty when the
// installed core release is not in core's feed.
func possibleCoreUpdates(core *Feed, existing string) []string {
	if _, ok := core.lookup(existing); !ok {
		return nil
	}
	branches := strings.Split(core.History.SupportedBranches.Value, ",")
	var candidates []string
	for i := range core.rel {
		v := core.rel[i].key
		if _, err := composer.Normalize(v); err != nil {
			continue
		}
		for _, b := range branches {
			if strings.HasPrefix(v, b) {
				candidates = append(candidates, v)
				break
			}
		}
	}
	sat, err := composer.SatisfiedBy(candidates, ">= "+existing)
	if err != nil {
		return nil
	}
	var out []string
	for _, v := range composer.Sort(sat) {
		if composer.ParseStability(v) == "stable" {
			out = append(out, v)
		}
	}
	return out
}

// annotate is setReleaseMessage: the recommended, latest, also-available
// and security releases that carry a core_compatibility get a verdict and a
// "Requires Drupal core: …" message, appended to dst. The releases are the
// ones modern() recorded in a while computing r (the security and
// also-available ones from secStart and alsoStart on).
func (ci *compatIndex) annotate(dst []Compat, r *Result, a *arena, secStart, alsoStart int) []Compat {
	if len(ci.possible) == 0 {
		return dst
	}
	start := len(dst)
	add := func(rel *release, v string) {
		if rel == nil || !truthy(v) || !truthy(rel.src.CoreCompatibility.Value) || hasCompat(dst[start:], v) {
			return
		}
		var vd compatVerdict
		if c := rel.verdict.Load(); c != nil && c.ci == ci {
			vd = c.vd
		} else {
			vd = ci.verdict(rel.src.CoreCompatibility.Value)
			rel.verdict.Store(&cachedVerdict{ci, vd})
		}
		dst = append(dst, Compat{Version: v, Compatible: vd.compatible, Message: vd.message})
	}
	add(a.rec, r.Recommended)
	add(a.latest, r.LatestVersion)
	for i, al := range r.Also {
		add(a.alsoRel[alsoStart+i], al.Version)
	}
	for i, s := range r.SecurityUpdates {
		add(a.secRel[secStart+i], s)
	}
	return dst
}

func hasCompat(cs []Compat, v string) bool {
	for _, c := range cs {
		if c.Version == v {
			return true
		}
	}
	return false
}

func (ci *compatIndex) verdict(constraint string) compatVerdict {
	ci.mu.RLock()
	vd, ok := ci.verdicts[constraint]
	ci.mu.RUnlock()
	if ok {
		return vd
	}
	vd.compatible, _ = composer.Satisfies(ci.existing, constraint)
	vd.message = "Requires Drupal core: " + strings.Join(ci.ranges(constraint), ", ")
	ci.mu.Lock()
	ci.verdicts[constraint] = vd
	ci.mu.Unlock()
	return vd
}

// ranges lists the contiguous runs of possible core versions satisfying the
// constraint: "8.0.0 to 8.1.1", or a lone "8.1.1". A version the constraint
// cannot be checked against is skipped without breaking the run, as in
// Drupal.
func (ci *compatIndex) ranges(constraint string) []string {
	var out []string
	var lo, hi string
	flush := func() {
		switch {
		case lo == "":
		case hi == "":
			out = append(out, lo)
		default:
			out = append(out, lo+" to "+hi)
		}
		lo, hi = "", ""
	}
	for _, v := range ci.possible {
		ok, err := composer.Satisfies(v, constraint)
		switch {
		case err != nil:
			continue
		case ok && lo == "":
			lo = v
		case ok:
			hi = v
		default:
			flush()
		}
	}
	flush()
	return out
}
