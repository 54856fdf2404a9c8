// Package alerting turns the watcher's platform records into notification
// alerts. It is state-based: every evaluated platform's current security
// problems are submitted again and again, and the notify pipeline's
// de-duplication decides what is news (a new advisory, a changed
// recommendation) and when to remind. So a platform that is already
// insecure when first watched is reported (the watcher's events treat
// first statuses as a baseline), a crash loses nothing (everything is
// submitted again on restart), and a fixed problem simply stops being
// submitted.
package alerting

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/watch"
	"github.com/drupdate/drupdate/notify"
)

// Submitter is what the alerter feeds: the notify pipeline.
type Submitter interface {
	Submit(ctx context.Context, alerts ...notify.Alert) error
}

// reportView is the part of a platform's report (watch.PlatformReport's
// JSON) alerts are made from.
type reportView struct {
	Error    string `json:"error"`
	Projects map[string]struct {
		Status      drupal.Status `json:"status"`
		Existing    string        `json:"existing_version"`
		Recommended string        `json:"recommended"`
		Link        string        `json:"link"`
	} `json:"projects"`
	Advisories map[string][]watch.AdvisoryNote `json:"advisories"`
}

// FromRecord returns the alerts a platform's record calls for, at now
// (none while some of its feeds are still pending):
// one per unwaived advisory affecting a project (security.advisory); one
// per NOT_SECURE project no advisory explains (security.release); one per
// revoked or unsupported project (status.change); and one per project
// with a plain update (update.available, digest material).
func FromRecord(rec watch.PlatformRecord, now time.Time) ([]notify.Alert, error) {
	if len(rec.Report) == 0 || rec.Inventory == nil {
		return nil, nil
	}
	var rep reportView
	if err := json.Unmarshal(rec.Report, &rep); err != nil {
		return nil, fmt.Errorf("alerts of %s: decode report: %w", rec.Name, err)
	}
	if rep.Error != "" {
		return nil, nil
	}
	// Until every feed has been fetched once, statuses are still moving:
	// alerting now would send each one again as "changed" minutes later.
	for _, p := range rep.Projects {
		if p.Status == drupal.FetchPending {
			return nil, nil
		}
	}
	sites := rec.Inventory.SiteNames()
	var out []notify.Alert
	base := func(project string) notify.Alert {
		a := notify.Alert{Platform: rec.Name, Tags: rec.Tags, Sites: sites, Project: project, At: now}
		p := rep.Projects[project]
		a.Installed, a.Recommended, a.Status = p.Existing, p.Recommended, p.Status.String()
		if ip, ok := rec.Inventory.Projects[project]; ok {
			if a.Installed == "" {
				a.Installed, _ = ip.VersionString()
			}
			if ip.Composer != nil {
				a.Package = ip.Composer.Name
			}
		}
		return a
	}
	explained := map[string]bool{}
	for project, notes := range rep.Advisories {
		for _, n := range notes {
			if n.Waived != "" {
				continue
			}
			a := base(project)
			a.Kind = notify.KindAdvisory
			ref := &notify.AdvisoryRef{ID: n.ID, Aliases: n.Aliases, Link: n.Link, Range: n.Affected, Fixed: n.Fixed}
			if n.Risk != nil {
				ref.Risk, ref.Score = n.Risk.Label, n.Risk.Score
			}
			a.Advisory = ref
			a.Fix = FixCommand(rec.Inventory, project, a.Package, target(a.Recommended, n.Fixed))
			out = append(out, a)
			explained[project] = true
		}
	}
	for project, p := range rep.Projects {
		var kind string
		switch p.Status {
		case drupal.NotSecure:
			if explained[project] {
				continue
			}
			kind = notify.KindSecurityRelease
		case drupal.Revoked, drupal.NotSupported:
			kind = notify.KindStatus
		case drupal.NotCurrent:
			kind = notify.KindUpdate
		default:
			continue
		}
		a := base(project)
		a.Kind = kind
		a.Fix = FixCommand(rec.Inventory, project, a.Package, p.Recommended)
		out = append(out, a)
	}
	return out, nil
}

// target is the version to move to: the recommendation, else the fix.
func target(recommended, fixed string) string {
	if recommended != "" {
		return recommended
	}
	return fixed
}

// FixCommand is what to run to move a project to version on a platform:
// the exact `composer require` line on a Composer-managed platform, a
// drush line on Drupal 7, else where to download the release. "" when
// there is no version to move to.
func FixCommand(inv *drupal.Inventory, project, pkg, version string) string {
	if version == "" {
		return ""
	}
	composer := inv.Platform != nil && inv.Platform.ManagedBy == "composer"
	switch {
	case composer:
		if pkg == "" {
			pkg = "drupal/" + project
			if project == "drupal" {
				pkg = "drupal/core"
			}
		}
		return fmt.Sprintf("composer require '%s:^%s' --update-with-all-dependencies", pkg, composerVersion(version))
	case inv.Platform != nil && inv.Platform.DrupalMajor == 7:
		return fmt.Sprintf("drush pm-update %s-%s", project, version)
	case project == "drupal":
		return "download https://www.drupal.org/project/drupal/releases/" + version + " and replace core/"
	}
	return "download https://www.drupal.org/project/" + project + "/releases/" + version
}

// composerVersion maps a drupal.org version to the Composer one for a
// caret constraint: "8.x-1.15" is "1.15", "10.6.13" stays.
func composerVersion(v string) string {
	if i := strings.Index(v, ".x-"); i > 0 && i <= 2 {
		return v[i+3:]
	}
	return v
}

// Alerter submits the alerts of every platform record whose evaluation
// changed since it last looked, and of all of them when it starts.
type Alerter struct {
	Store  store.Store
	Sink   Submitter
	Now    func() time.Time
	Log    *slog.Logger
	seen   map[string]string // platform → EvalKey submitted
	remind time.Time
}

// RemindEvery is how often the alerter submits every platform again even
// when nothing changed, so that the pipeline's reminders fire.
const RemindEvery = time.Hour

// Once submits what changed since the last call (everything the first
// time, and every RemindEvery). A platform whose alerts could not be
// submitted is tried again next time.
func (a *Alerter) Once(ctx context.Context) error {
	now := a.Now()
	if a.seen == nil || !now.Before(a.remind) {
		a.seen, a.remind = map[string]string{}, now.Add(RemindEvery)
	}
	var submitErr error
	err := store.Each(ctx, a.Store, watch.BucketPlatforms, "", 100, func(kv store.KV) error {
		var rec watch.PlatformRecord
		if err := json.Unmarshal(kv.Value, &rec); err != nil {
			a.Log.Error("alerts: bad platform record", "platform", kv.Key, "err", err)
			return nil
		}
		if rec.EvalKey == "" || a.seen[rec.Name] == rec.EvalKey {
			return nil
		}
		alerts, err := FromRecord(rec, now)
		if err != nil {
			a.Log.Error("alerts", "platform", rec.Name, "err", err)
			return nil
		}
		if err := a.Sink.Submit(ctx, alerts...); err != nil {
			submitErr = fmt.Errorf("alerts of %s: %w", rec.Name, err)
			return submitErr
		}
		a.seen[rec.Name] = rec.EvalKey
		return nil
	})
	if err != nil && submitErr == nil {
		return fmt.Errorf("alerts: list platforms: %w", err)
	}
	return err
}

// Run calls Once every interval until ctx ends.
func (a *Alerter) Run(ctx context.Context, every time.Duration) error {
	for {
		if err := a.Once(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error("alerts", "err", err)
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}
