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
	"os"
	"strings"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/feeds/osv"
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
}

// Empty reports whether no source is configured.
func (s Sources) Empty() bool { return s.OSV == "" }

// MaxArchiveBytes bounds a downloaded OSV archive; the real database
// zips to about 1 MB.
const MaxArchiveBytes = 256 << 20

// A DB is the advisories of every source, merged and compiled.
type DB struct {
	Advisories []advisory.Advisory
	Compiled   *advisory.Database
	// Loaded says what each source gave, for reports.
	Loaded []Loaded
}

// Loaded is one source's contribution.
type Loaded struct {
	Source string `json:"source"` // "osv", …
	From   string `json:"from"`   // a path, or a URL without credentials
	Count  int    `json:"count"`
	// SHA256 is the digest of a downloaded archive.
	SHA256 string `json:"sha256,omitempty"`
}

// Load reads every configured source. g fetches URLs.
func Load(ctx context.Context, src Sources, g feeds.Getter) (*DB, error) {
	db := &DB{}
	if src.OSV != "" {
		entries, loaded, err := loadOSV(ctx, src, g)
		if err != nil {
			return nil, err
		}
		db.Advisories = append(db.Advisories, advisory.FromOSV(entries)...)
		db.Loaded = append(db.Loaded, loaded)
	}
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
