package secdb

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// A Waiver accepts the risk of one advisory on one platform, or on the
// whole fleet, for a stated reason, until a date. A waived finding stays
// in reports, marked as waived; once the waiver expires it is a finding
// again.
type Waiver struct {
	// Advisory is the advisory's id ("DRUPAL-CONTRIB-2026-015"), its
	// drupal.org SA id ("SA-CONTRIB-2026-015") or one of its aliases
	// ("CVE-2026-3214").
	Advisory string `yaml:"advisory" json:"advisory"`
	// Platform limits the waiver to one platform; empty means every one.
	Platform string `yaml:"platform,omitempty" json:"platform,omitempty"`
	// Project limits the waiver to one project; empty means any the
	// advisory affects.
	Project string `yaml:"project,omitempty" json:"project,omitempty"`
	Reason  string `yaml:"reason" json:"reason"`
	// Expires is the last day the waiver holds (a date, UTC) or an RFC
	// 3339 time.
	Expires string `yaml:"expires" json:"expires"`

	until time.Time // the first moment the waiver no longer holds
}

// Until is the first moment the waiver no longer holds.
func (w *Waiver) Until() time.Time { return w.until }

// Validate checks a waiver and readies it for use; every waiver must be
// validated before [Find] sees it.
func (w *Waiver) Validate() error {
	var errs []error
	if strings.TrimSpace(w.Advisory) == "" {
		errs = append(errs, errors.New("advisory: missing"))
	}
	if strings.TrimSpace(w.Reason) == "" {
		errs = append(errs, errors.New("reason: missing (say why the risk is accepted)"))
	}
	switch {
	case w.Expires == "":
		errs = append(errs, errors.New("expires: missing (a waiver must end; give a date like 2026-12-31)"))
	default:
		if d, err := time.Parse(time.DateOnly, w.Expires); err == nil {
			w.until = d.AddDate(0, 0, 1)
		} else if t, err := time.Parse(time.RFC3339, w.Expires); err == nil {
			w.until = t
		} else {
			errs = append(errs, fmt.Errorf("expires: %q is not a date like 2026-12-31 or an RFC 3339 time", w.Expires))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("waiver of %q: %w", w.Advisory, err)
	}
	return nil
}

// Find returns the waiver that covers an advisory (known by id and
// aliases) for a project on a platform at now, and, when none does, the
// latest-expired waiver that did, so that reports can say a waiver ran
// out. Platform- and project-specific waivers win over broader ones.
func Find(waivers []Waiver, platform, project, id string, aliases []string, now time.Time) (active, expired *Waiver) {
	best := -1
	for i := range waivers {
		w := &waivers[i]
		if w.Platform != "" && w.Platform != platform || w.Project != "" && w.Project != project || !names(w.Advisory, id, aliases) {
			continue
		}
		if now.Before(w.until) {
			score := 0
			if w.Platform != "" {
				score += 2
			}
			if w.Project != "" {
				score++
			}
			if score > best {
				active, best = w, score
			}
		} else if expired == nil || w.until.After(expired.until) {
			expired = w
		}
	}
	if active != nil {
		return active, nil
	}
	return nil, expired
}

// names reports whether ref names the advisory id (or its SA form) or one
// of its aliases.
func names(ref, id string, aliases []string) bool {
	if canonical(ref) == canonical(id) {
		return true
	}
	return containsFold(aliases, strings.TrimSpace(ref))
}
