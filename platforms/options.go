package platforms

import (
	"context"
	"log/slog"
	"sort"

	"github.com/drupdate/drupdate/internal/drupal"
)

// Options tunes a scan. The zero value is ready to use.
type Options struct {
	// Logger receives a warning for every file skipped and every anomaly
	// found; nil discards them (they are in the inventory either way).
	Logger *slog.Logger
	// MaxInfoSize bounds info files; larger ones are skipped. Default 1 MiB.
	MaxInfoSize int64
	// MaxFileSize bounds every other file read (composer.lock, settings.php,
	// core.extension.yml...). Default 32 MiB.
	MaxFileSize int64
	// MaxDepth bounds directory nesting below a search directory. Default 32.
	MaxDepth int
	// MaxEntries bounds the directory entries one scan lists. Default
	// 2,000,000.
	MaxEntries int
	// IncludeTests keeps test extensions (under tests/ directories or in
	// package "Testing") in the inventory. Drupal leaves them out, and so
	// does drupdate by default.
	IncludeTests bool
	// Hosted names projects released somewhere other than drupal.org, by
	// machine name, with where ("github:owner/name"). Such a project is
	// not custom code: its statuses come from those releases.
	Hosted map[string]string
}

const (
	defaultMaxInfoSize = 1 << 20
	defaultMaxFileSize = 32 << 20
	defaultMaxDepth    = 32
	defaultMaxEntries  = 2_000_000
)

func (o Options) withDefaults() Options {
	if o.MaxInfoSize <= 0 {
		o.MaxInfoSize = defaultMaxInfoSize
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = defaultMaxFileSize
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = defaultMaxDepth
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = defaultMaxEntries
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// issues collects skipped files or warnings, logging each as it comes.
type issues struct {
	ctx    context.Context
	log    *slog.Logger
	msg    string // the log message: "skipped" or "warning"
	list   []drupal.ScanIssue
	seen   map[drupal.ScanIssue]bool
	prefix string // platform root, for the log only
}

func newIssues(ctx context.Context, log *slog.Logger, msg, root string) *issues {
	return &issues{ctx: ctx, log: log, msg: msg, seen: map[drupal.ScanIssue]bool{}, prefix: root}
}

func (s *issues) add(rel, message string) {
	is := drupal.ScanIssue{Path: rel, Message: message}
	if s.seen[is] {
		return
	}
	s.seen[is] = true
	s.list = append(s.list, is)
	s.log.WarnContext(s.ctx, "platform scan: "+s.msg, "platform", s.prefix, "file", rel, "reason", message)
}

// sorted returns the issues ordered by path, then message.
func (s *issues) sorted() []drupal.ScanIssue {
	out := append([]drupal.ScanIssue(nil), s.list...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Message < out[j].Message
	})
	return out
}
