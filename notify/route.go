package notify

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// route is a [Route] checked, with its timing resolved.
type route struct {
	kinds, platforms, tags []string
	minRisk                int // -1: any
	receivers              []string
	cont                   bool
	timing                 timing
}

// destination is one receiver an alert goes to, through the route that
// sent it there (whose timing applies).
type destination struct {
	receiver string
	route    int
}

// route returns where a goes, each receiver once, through the first route
// that names it.
func (s *settings) route(a Alert) []destination {
	var out []destination
	for i, r := range s.routes {
		if !r.matches(a) {
			continue
		}
		for _, name := range r.receivers {
			if !slices.ContainsFunc(out, func(d destination) bool { return d.receiver == name }) {
				out = append(out, destination{name, i})
			}
		}
		if !r.cont {
			break
		}
	}
	return out
}

// timingOf is the timing of route i; a route that is gone (the config
// changed while its alerts waited) has the default timing.
func (s *settings) timingOf(i int) timing {
	if i >= 0 && i < len(s.routes) {
		return s.routes[i].timing
	}
	return s.timing
}

// digested reports whether a waits for the daily digest.
func (s *settings) digested(a Alert) bool {
	return len(s.digestKinds) > 0 && !a.Security() && matchAny(s.digestKinds, a.Kind)
}

func (r *route) matches(a Alert) bool {
	if !matchAny(r.kinds, a.Kind) || !matchAny(r.platforms, a.Platform) {
		return false
	}
	if len(r.tags) > 0 && !slices.ContainsFunc(a.Tags, func(t string) bool { return slices.Contains(r.tags, t) }) {
		return false
	}
	if r.minRisk >= 0 {
		risk, ok := alertRisk(a)
		return ok && risk >= r.minRisk
	}
	return true
}

// matchAny reports whether s matches one of patterns, or patterns is empty.
func matchAny(patterns []string, s string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if ok, _ := path.Match(p, s); ok {
			return true
		}
	}
	return false
}

// riskLabels are drupal.org's risk labels; label i covers the scores 5i to
// 5i+4 (the last one up to 25).
var riskLabels = [...]string{"Not critical", "Less critical", "Moderately critical", "Critical", "Highly critical"}

// riskFloor is the least score of label's band.
func riskFloor(label string) (int, bool) {
	for i, l := range riskLabels {
		if strings.EqualFold(l, strings.TrimSpace(label)) {
			return 5 * i, true
		}
	}
	return 0, false
}

// parseRisk reads min_risk: a score from 0 to 25 or a label.
func parseRisk(s string) (int, error) {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		if n < 0 || n > 25 {
			return 0, fmt.Errorf("score %d is outside 0–25", n)
		}
		return n, nil
	}
	if n, ok := riskFloor(s); ok {
		return n, nil
	}
	return 0, fmt.Errorf("%q is neither a score from 0 to 25 nor one of %q", s, riskLabels)
}

// alertRisk is the score of a's advisory: its number when known, else the
// floor of its label's band.
func alertRisk(a Alert) (int, bool) {
	if a.Advisory == nil {
		return 0, false
	}
	if a.Advisory.Score > 0 {
		return a.Advisory.Score, true
	}
	return riskFloor(a.Advisory.Risk)
}
