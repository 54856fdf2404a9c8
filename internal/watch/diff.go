package watch

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
)

// Change is one event a feed's new history causes: a release event (Release
// set) or a project status change (Project set).
type Change struct {
	Kind    string
	Release *ReleaseEvent
	Project *ProjectStatusEvent
}

// String shows a change as "kind version" or "project.status from→to".
func (c Change) String() string {
	switch {
	case c.Release != nil:
		return c.Kind + " " + c.Release.Version
	case c.Project != nil:
		return c.Kind + " " + c.Project.From + "→" + c.Project.To
	}
	return c.Kind
}

// event is the change as a store event, keyed by project.
func (c Change) event() store.NewEvent {
	var v any = c.Release
	key := ""
	if c.Release != nil {
		key = c.Release.Project
	} else {
		v, key = c.Project, c.Project.Project
	}
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("watch: marshal %s event: %v", c.Kind, err)) // plain structs of strings cannot fail
	}
	return store.NewEvent{Kind: c.Kind, Key: key, Data: data}
}

// DiffHistories returns what changed from old to new in one feed, in this
// order: for each release new to the feed, in feed order, [EventNewRelease]
// and, when it is tagged "Security update", [EventSecurityRelease]; for each
// release in both, in new's order, [EventReleaseInsecure] when it newly
// carries the "Insecure" release type, [EventReleaseUnsupported] when it
// newly carries "Unsupported", and [EventReleaseRevoked] when its status
// newly is "unpublished"; last [EventProjectStatus] when project_status
// changed. Releases are matched by their key (the first <version>), as
// Drupal keys them.
//
// With old nil (the feed's first history) there is nothing to compare
// against and DiffHistories returns nothing: a feed's past is not news.
// A release that disappears from the feed causes no event (drupal.org
// marks withdrawn releases unpublished rather than dropping them).
func DiffHistories(project, category string, old, new *drupal.History) []Change {
	if old == nil || new == nil {
		return nil
	}
	before := make(map[string]*drupal.Release, len(old.Releases))
	for i := range old.Releases {
		before[old.Releases[i].Key] = &old.Releases[i]
	}
	var out []Change
	add := func(kind string, r *drupal.Release) {
		out = append(out, Change{Kind: kind, Release: releaseEvent(project, category, r)})
	}
	for i := range new.Releases {
		r := &new.Releases[i]
		if _, ok := before[r.Key]; ok {
			continue
		}
		add(EventNewRelease, r)
		if r.HasReleaseType(drupal.TypeSecurityUpdate) {
			add(EventSecurityRelease, r)
		}
	}
	for i := range new.Releases {
		r := &new.Releases[i]
		o, ok := before[r.Key]
		if !ok {
			continue
		}
		if r.HasReleaseType(drupal.TypeInsecure) && !o.HasReleaseType(drupal.TypeInsecure) {
			add(EventReleaseInsecure, r)
		}
		if r.HasReleaseType(drupal.TypeUnsupported) && !o.HasReleaseType(drupal.TypeUnsupported) {
			add(EventReleaseUnsupported, r)
		}
		if r.Status.Value == "unpublished" && o.Status.Value != "unpublished" {
			add(EventReleaseRevoked, r)
		}
	}
	if old.ProjectStatus.Value != new.ProjectStatus.Value {
		out = append(out, Change{Kind: EventProjectStatus, Project: &ProjectStatusEvent{
			Project: project, Category: category, From: old.ProjectStatus.Value, To: new.ProjectStatus.Value,
		}})
	}
	return out
}

func releaseEvent(project, category string, r *drupal.Release) *ReleaseEvent {
	e := &ReleaseEvent{Project: project, Category: category, Version: r.Key, Types: r.ReleaseTypes(), ReleaseLink: r.ReleaseLink.Value}
	if d, err := strconv.ParseInt(r.Date.Value, 10, 64); err == nil {
		e.Date = d
	}
	return e
}

// newestShown is how many versions a Summary lists in Newest.
const newestShown = 5

// Summarize is what the API shows of a history without parsing it.
func Summarize(h *drupal.History) *Summary {
	s := &Summary{
		Title:             h.Title.Value,
		ProjectStatus:     h.ProjectStatus.Value,
		SupportedBranches: h.SupportedBranches.Value,
		Releases:          len(h.Releases),
	}
	for i := range h.Releases {
		r := &h.Releases[i]
		if len(s.Newest) < newestShown {
			s.Newest = append(s.Newest, r.Key)
		}
		if r.HasReleaseType(drupal.TypeSecurityUpdate) {
			s.SecurityReleases = append(s.SecurityReleases, r.Key)
		}
	}
	return s
}
