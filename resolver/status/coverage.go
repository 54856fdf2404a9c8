package status

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
)

// Coverage is core's security coverage, as Drupal's status report computes
// it (ProjectSecurityData and ProjectSecurityRequirement).
type Coverage struct {
	// Either an end version with the number of minors still to come...
	EndVersion       string
	AdditionalMinors *int // nil when no stable release of the major was found
	// ...or, for 9.4 and 9.5, hard-coded dates.
	EndDate, WarnDate string

	Value    string // "Covered until 10.4.0", "Coverage has ended"
	Severity string // "info", "warning", "error"
	Message  string
}

// Hard-coded coverage dates Drupal keeps for 9.4 and 9.5.
var coverageDates = map[string][2]string{
	"9_4": {"2023-06-21", "2022-12-14"},
	"9_5": {"2023-11", "2023-05-14"},
}

const (
	releaseCycle     = "Visit the release cycle overview (https://www.drupal.org/core/release-cycle-overview) for more information on supported releases."
	noCoverageMsg    = "Update to a supported minor as soon as possible to continue receiving security updates."
	soonMsg          = "Update to a supported version soon to continue receiving security updates."
	minorsCovered    = 2
	severityInfo     = "info"
	severityWarning  = "warning"
	severityError    = "error"
	coverageEnded    = "Coverage has ended"
	coveredUntilText = "Covered until "
)

// coverage computes core's security coverage at time now, or nil when Drupal
// shows none (the installed release is not in core's feed, or is a
// pre-release outside 9.4/9.5).
func coverage(existing string, f *Feed, now time.Time) *Coverage {
	if f == nil {
		return nil
	}
	if _, ok := f.lookup(existing); !ok {
		return nil
	}
	ev, err := drupal.ParseVersion(existing)
	if err != nil {
		return nil // Drupal throws here; drupdate shows no coverage
	}
	minor := semanticMinor(existing)
	c := &Coverage{}
	if d, ok := coverageDates[ev.Major+"_"+strconv.Itoa(minor)]; ok {
		c.EndDate, c.WarnDate = d[0], d[1]
		c.dateRequirement(now)
		return c
	}
	if truthy(ev.Extra) {
		return nil // only full releases are covered
	}
	c.EndVersion = ev.Major + "." + strconv.Itoa(minor+minorsCovered) + ".0"
	c.AdditionalMinors = additionalMinors(f, c.EndVersion)
	c.versionRequirement(existing)
	return c
}

// semanticMinor is Drupal's (int) explode('.', $version)[1].
func semanticMinor(v string) int {
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return 0
	}
	return phpInt(parts[1])
}

// phpInt is PHP's (int) cast of a string: its leading integer, or 0.
func phpInt(s string) int {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	end := 0
	if end < len(s) && (s[end] == '+' || s[end] == '-') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, _ := strconv.Atoi(s[:end])
	return n
}

// additionalMinors is the covered minor minus the minor of the first
// published stable release of the same major in feed order.
func additionalMinors(f *Feed, endVersion string) *int {
	ev, err := drupal.ParseVersion(endVersion)
	if err != nil {
		return nil
	}
	coveredMinor := semanticMinor(endVersion)
	for i := range f.rel {
		rel := &f.rel[i]
		if !rel.valid {
			continue
		}
		if rel.ver.Major == ev.Major && rel.published && !truthy(rel.ver.Extra) {
			n := coveredMinor - semanticMinor(rel.version)
			return &n
		}
	}
	return nil
}

func (c *Coverage) versionRequirement(existing string) {
	add := 0
	if c.AdditionalMinors != nil {
		add = *c.AdditionalMinors
	}
	if add <= 0 {
		c.Value, c.Severity = coverageEnded, severityError
		c.Message = noCoverageMsg + " " + releaseCycle
		return
	}
	c.Value = coveredUntilText + c.EndVersion
	c.Severity = severityInfo
	c.Message = releaseCycle
	if add == 1 {
		c.Severity = severityWarning
		parts := strings.SplitN(existing, ".", 3)
		next := parts[0] + "." + strconv.Itoa(phpInt(parts[1])+1)
		c.Message = "Update to " + next + " or higher soon to continue receiving security updates. " + releaseCycle
	}
}

func (c *Coverage) dateRequirement(now time.Time) {
	layout, out, full := "2006-01-02", "2006-Jan-02", c.EndDate
	if strings.Count(c.EndDate, "-") != 2 {
		layout, out, full = "2006-01", "2006-Jan", c.EndDate+"-15"
	}
	if c.EndDate <= now.Format(layout) {
		c.Value, c.Severity = coverageEnded, severityError
		c.Message = noCoverageMsg + " " + releaseCycle
		return
	}
	end, _ := time.Parse("2006-01-02", full)
	c.Value = coveredUntilText + end.Format(out)
	c.Severity = severityInfo
	c.Message = releaseCycle
	if c.WarnDate != "" && c.WarnDate <= now.Format("2006-01-02") {
		c.Severity = severityWarning
		c.Message = soonMsg + " " + releaseCycle
	}
}

// MarshalJSON writes Drupal's coverage-info keys and the requirement.
func (c *Coverage) MarshalJSON() ([]byte, error) {
	m := map[string]any{"value": c.Value, "severity": c.Severity, "message": c.Message}
	if c.EndVersion != "" {
		m["security_coverage_end_version"] = c.EndVersion
		m["additional_minors_coverage"] = c.AdditionalMinors
	} else {
		m["security_coverage_end_date"] = c.EndDate
		m["security_coverage_ending_warn_date"] = c.WarnDate
	}
	return json.Marshal(m)
}
