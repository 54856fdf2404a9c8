// Package secdb gathers security advisories from every configured source
// (the Drupal Security Team's OSV database, packages.drupal.org's Composer
// advisory API, drupal.org's security RSS feeds and psa.json), merges them
// by advisory, compiles them for matching (resolver/advisory) and applies
// waivers. It is the glue between feeds, which read each source, and the
// commands and watcher that audit platforms.
package secdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/feeds/osv"
	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/resolver/advisory"
)

// Sources names where advisories come from; every field is optional.
type Sources struct {
	// OSV is a directory holding the Drupal Security Team's OSV database
	// (a checkout of DrupalSecurityTeam/drupal-advisory-database or its
	// advisories/ directory), or the http(s) URL of a zip archive of it.
	OSV string `yaml:"osv"`
	// OSVSHA256 pins the zip archive's SHA-256, hex; a download with
	// another digest is refused.
	OSVSHA256 string `yaml:"osv_sha256"`
	// ComposerAPI lists Composer security-advisory APIs to ask about the
	// installed packages, such as https://packages.drupal.org/8/security-advisories.
	ComposerAPI []string `yaml:"composer_api"`
	// RSS lists drupal.org security feeds: advisories not yet in the OSV
	// database, and the risk ratings OSV records lack.
	RSS []string `yaml:"rss"`
	// PSA is drupal.org's psa.json: exact insecure versions, and public
	// service announcements.
	PSA string `yaml:"psa"`
}

// Empty reports whether no source is configured.
func (s Sources) Empty() bool {
	return s.OSV == "" && len(s.ComposerAPI) == 0 && len(s.RSS) == 0 && s.PSA == ""
}

// MaxArchiveBytes bounds a downloaded OSV archive; the real database
// zips to about 1 MB.
const MaxArchiveBytes = 256 << 20

// A DB is the advisories of every source, merged and compiled.
type DB struct {
	Advisories []advisory.Advisory
	Compiled   *advisory.Database
	// Loaded says what each source gave, for reports.
	Loaded []Loaded
	// Notices are public service announcements: no versions, but news
	// about projects (or core) that operators should read.
	Notices []Notice
	// Warnings name the records left out, and why.
	Warnings []string
}

// A Notice is a public service announcement.
type Notice struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Project   string    `json:"project,omitempty"`
	Link      string    `json:"link,omitempty"`
	Published time.Time `json:"published,omitzero"`
}

// Loaded is one source's contribution.
type Loaded struct {
	Source string `json:"source"` // "osv", …
	From   string `json:"from"`   // a path, or a URL without credentials
	Count  int    `json:"count"`
	// SHA256 is the digest of a downloaded archive.
	SHA256 string `json:"sha256,omitempty"`
}

// Load reads every configured source and merges them by advisory. g
// fetches URLs; packages are the Composer names the Composer API is asked
// about (it answers only for the packages named).
func Load(ctx context.Context, src Sources, g feeds.Getter, packages []string) (*DB, error) {
	db := &DB{}
	m := &merger{byID: map[string]int{}}
	if src.OSV != "" {
		entries, loaded, err := loadOSV(ctx, src, g)
		if err != nil {
			return nil, err
		}
		for _, a := range advisory.FromOSV(entries) {
			m.put(a)
		}
		db.Loaded = append(db.Loaded, loaded)
	}
	if err := loadFeeds(ctx, src, g, packages, m, db); err != nil {
		return nil, err
	}
	db.Advisories, db.Warnings = m.list, m.warnings
	compiled, err := advisory.Compile(db.Advisories)
	if err != nil {
		return nil, fmt.Errorf("load advisories: %w", err)
	}
	db.Compiled = compiled
	return db, nil
}

func loadOSV(ctx context.Context, src Sources, g feeds.Getter) ([]*osv.Entry, Loaded, error) {
	loaded := Loaded{Source: "osv", From: src.OSV}
	if !isURL(src.OSV) {
		fi, err := os.Stat(src.OSV)
		if err != nil {
			return nil, loaded, fmt.Errorf("load osv advisories: %w", err)
		}
		if !fi.IsDir() {
			return nil, loaded, fmt.Errorf("load osv advisories: %s is not a directory (give a directory or an http(s) URL of a zip archive)", src.OSV)
		}
		entries, err := osv.Load(os.DirFS(src.OSV))
		if err != nil {
			return nil, loaded, fmt.Errorf("load osv advisories from %s: %w", src.OSV, err)
		}
		loaded.Count = len(entries)
		return entries, loaded, nil
	}
	if g.MaxBody == 0 {
		g.MaxBody = MaxArchiveBytes
	}
	resp, err := g.Get(ctx, feeds.URLRequest{URL: src.OSV, Accept: "application/zip"})
	if err != nil {
		return nil, loaded, fmt.Errorf("load osv advisories: %w", err)
	}
	sum := sha256.Sum256(resp.Body)
	loaded.SHA256 = hex.EncodeToString(sum[:])
	loaded.From = feeds.RedactURL(src.OSV)
	if want := strings.ToLower(strings.TrimSpace(src.OSVSHA256)); want != "" && want != loaded.SHA256 {
		return nil, loaded, fmt.Errorf("load osv advisories from %s: SHA-256 %s, but osv_sha256 pins %s", loaded.From, loaded.SHA256, want)
	}
	entries, err := osv.LoadZip(resp.Body)
	if err != nil {
		return nil, loaded, fmt.Errorf("load osv advisories from %s: %w", loaded.From, err)
	}
	loaded.Count = len(entries)
	return entries, loaded, nil
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// Packages lists the Composer names of the inventories' projects, for the
// Composer advisory API.
func Packages(invs ...*drupal.Inventory) []string {
	seen := map[string]bool{}
	for _, inv := range invs {
		if inv == nil {
			continue
		}
		for _, m := range []map[string]drupal.InstalledProject{inv.Projects, inv.Unused} {
			for name, p := range m {
				if p.Custom {
					continue
				}
				pkg := advisory.PackageName(name)
				if p.Composer != nil {
					pkg = p.Composer.Name
				}
				seen[pkg] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}
