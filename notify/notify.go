// This file is the shared vocabulary: an [Alert] is one fact about one
// project on one platform; the pipeline groups alerts into a [Message]
// for one receiver; a [Receiver] delivers messages. Receivers live in
// subpackages (email, slack, webhook) and all pass the conformance kit in
// notify/notifytest.

package notify

import (
	"context"
	"errors"
	"time"
)

// Alert kinds. The set is open: later stages (plans applied, failed,
// rolled back) add their own, and routing matches kinds by pattern.
const (
	KindAdvisory        = "security.advisory" // an advisory affects the installed version
	KindSecurityRelease = "security.release"  // a security release exists for the installed branch
	KindStatus          = "status.change"     // a project's status on a platform changed
	KindUpdate          = "update.available"  // a newer, non-security release (digest material)
)

// An Alert is one thing to tell someone about one project on one
// platform. Alerts are facts; the pipeline decides who hears of them,
// when, and how often.
type Alert struct {
	Kind     string `json:"kind"`
	Platform string `json:"platform"`
	// Tags are the platform's tags, for routing.
	Tags []string `json:"tags,omitempty"`
	// Sites are the platform's sites (multisite directories or URIs).
	Sites   []string `json:"sites,omitempty"`
	Project string   `json:"project"`
	// Package is the Composer name ("drupal/token") when the platform is
	// managed by Composer, else "".
	Package     string `json:"package,omitempty"`
	Installed   string `json:"installed"`
	Recommended string `json:"recommended,omitempty"`
	// Status is the project's status on the platform (drupal.Status
	// name, "NOT_SECURE" say); From is the previous one for KindStatus.
	Status string `json:"status,omitempty"`
	From   string `json:"from,omitempty"`
	// Advisory is set for KindAdvisory.
	Advisory *AdvisoryRef `json:"advisory,omitempty"`
	// Fix is the command that fixes the platform, such as
	// "composer require 'drupal/token:^1.15' --update-with-dependencies",
	// or "" when there is none to give.
	Fix string `json:"fix,omitempty"`
	// At is when the fact was observed.
	At time.Time `json:"at"`
}

// Key identifies an alert for de-duplication: the same kind, project,
// advisory and platform is the same alert, whatever the versions.
func (a Alert) Key() string {
	k := a.Kind + "|" + a.Platform + "|" + a.Project
	if a.Advisory != nil {
		k += "|" + a.Advisory.ID
	}
	return k
}

// Security reports whether the alert is about security (routing and
// digest decisions hinge on it).
func (a Alert) Security() bool {
	return a.Kind == KindAdvisory || a.Kind == KindSecurityRelease || a.Status == "NOT_SECURE" || a.Status == "REVOKED"
}

// AdvisoryRef is what a message says of an advisory.
type AdvisoryRef struct {
	ID      string   `json:"id"`                // "SA-CONTRIB-2026-015" or "DRUPAL-CONTRIB-2026-015"
	Aliases []string `json:"aliases,omitempty"` // CVE ids
	// Risk is drupal.org's label, "Moderately critical", and Score its
	// number out of 25 (0 when unknown).
	Risk  string `json:"risk,omitempty"`
	Score int    `json:"score,omitempty"`
	Link  string `json:"link,omitempty"`
	// Range is the affected range, Fixed the nearest fixed release.
	Range string `json:"range,omitempty"`
	Fixed string `json:"fixed,omitempty"`
}

// A Message is what one receiver sends at once: alerts grouped over a
// window. ID is stable across retries and restarts, so receivers that can
// (email's Message-ID, the webhook's idempotency header) let the far end
// drop a duplicate delivery.
type Message struct {
	ID       string    `json:"id"`
	Receiver string    `json:"receiver"`
	Created  time.Time `json:"created"`
	// Digest marks the daily summary of non-security updates.
	Digest bool    `json:"digest,omitempty"`
	Alerts []Alert `json:"alerts"`
	// Reminder marks a message that repeats alerts already sent once,
	// after the reminder interval.
	Reminder bool `json:"reminder,omitempty"`
}

// A Receiver delivers messages to one destination.
//
// Send delivers m once or returns an error. Returning nil means the far
// end accepted it. An error wrapped by [Permanent] will fail the same way
// every time (a rejected address, a 4xx other than 408 and 429); any other
// error may succeed later and the pipeline retries it with backoff. Send
// must honour ctx, must be safe for concurrent use, and must never put a
// secret (password, token, webhook URL) in an error.
type Receiver interface {
	Name() string
	Send(ctx context.Context, m *Message) error
}

// PermanentError marks a delivery failure that retrying cannot fix.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err as a [PermanentError]; nil stays nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{err}
}

// RetryAfter is how long a receiver's far end asked to wait before trying
// again (Slack's and webhooks' Retry-After), found through an error's
// RetryAfter() method; 0 when it did not ask.
func RetryAfter(err error) time.Duration {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		return max(ra.RetryAfter(), 0)
	}
	return 0
}

// IsPermanent reports whether err is marked [Permanent].
func IsPermanent(err error) bool {
	var pe *PermanentError
	return errors.As(err, &pe)
}
