package github

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/drupdate/drupdate/internal/drupal"
)

// prereleaseExtra is the version extra that marks a GitHub pre-release
// whose tag looks stable (see "Pre-releases" in the package documentation).
const prereleaseExtra = "prerelease"

var errNoLink = errors.New("no release page URL, without which Drupal ignores a release")

// History builds project's release history from its GitHub releases, in
// the shape of a drupal.org "current" feed, so that the status engine
// evaluates it as Drupal would. The conventions are in the package
// documentation. Releases left out (tags naming no version, a version
// already taken, no release page) come back as TagErrors, in input order.
func History(project string, releases []Release) (*drupal.History, []*TagError) {
	type entry struct {
		rel Release
		key string
		ver drupal.Version
	}
	var kept []entry
	var skipped []*TagError
	index := make(map[string]int, len(releases))
	for _, r := range releases {
		key, err := Version(r.Tag)
		if err == nil && r.URL == "" {
			err = errNoLink
		}
		if err != nil {
			skipped = append(skipped, &TagError{Tag: r.Tag, Err: err})
			continue
		}
		i, dup := index[key]
		if !dup {
			ver, _ := drupal.ParseVersion(key) // Version only returns versions that parse
			index[key] = len(kept)
			kept = append(kept, entry{rel: r, key: key, ver: ver})
			continue
		}
		// Drupal keys releases by version, so "v1.2.3" and "1.2.3" cannot
		// both stay: a full release beats a pre-release, else the first
		// listed (the newer, in the API's order) stays. A security mark
		// survives either way.
		loser := r
		if kept[i].rel.Prerelease && !r.Prerelease {
			loser, kept[i].rel = kept[i].rel, r
		}
		kept[i].rel.Security = kept[i].rel.Security || loser.Security
		skipped = append(skipped, &TagError{Tag: loser.Tag, Err: fmt.Errorf("version %s is taken by tag %q", key, kept[i].rel.Tag)})
	}
	// Newest first, as drupal.org lists them: the status engine trusts
	// feed order, and a stable release must precede its own pre-releases.
	slices.SortFunc(kept, func(a, b entry) int { return drupal.Compare(b.ver, a.ver) })

	h := &drupal.History{
		ShortName:     project,
		Title:         drupal.Some(project),
		ProjectStatus: drupal.Some("published"),
		Releases:      make([]drupal.Release, 0, len(kept)),
	}
	var branches []string
	fixed := make(map[float64]bool) // majors with a security release newer than the current one
	for _, e := range kept {
		branch := e.ver.Major + "."
		if strings.HasPrefix(e.key, drupal.LegacyCorePrefix) {
			branch = drupal.LegacyCorePrefix + branch
		}
		if !slices.Contains(branches, branch) {
			branches = append(branches, branch)
		}
		version := e.key
		if e.rel.Prerelease && !e.ver.HasExtra {
			version += "-" + prereleaseExtra
		}
		r := drupal.Release{
			Key:         e.key,
			Version:     drupal.Some(version),
			Name:        drupal.Some(project + " " + e.key),
			Tag:         drupal.Some(e.rel.Tag),
			Status:      drupal.Some("published"),
			ReleaseLink: drupal.Some(e.rel.URL),
		}
		if !e.rel.Published.IsZero() {
			r.Date = drupal.Some(strconv.FormatInt(e.rel.Published.Unix(), 10))
		}
		if e.rel.Security {
			r.Terms = append(r.Terms, drupal.Term{Name: "Release type", Value: drupal.TypeSecurityUpdate})
		}
		if major := e.ver.MajorNumber(); fixed[major] {
			r.Terms = append(r.Terms, drupal.Term{Name: "Release type", Value: drupal.TypeInsecure})
		} else if e.rel.Security {
			fixed[major] = true
		}
		h.Releases = append(h.Releases, r)
	}
	if len(branches) > 0 {
		h.SupportedBranches = drupal.Some(strings.Join(branches, ","))
	}
	return h, skipped
}
