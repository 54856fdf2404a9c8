package watch

import (
	"encoding/json"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
)

// Store buckets the watcher writes and the HTTP API reads.
const (
	// BucketHistories holds one HistoryRecord per feed, keyed FeedKey.
	BucketHistories = "histories"
	// BucketPlatforms holds one PlatformRecord per platform, keyed by name.
	BucketPlatforms = "platforms"
	// BucketFeedIndex holds one FeedIndex per feed, keyed FeedKey, always
	// written in the same batch as the feed's HistoryRecord.
	BucketFeedIndex = "feed_index"
)

// FeedIndex is what schedulers and evaluators need of a HistoryRecord
// without its body: a few dozen bytes where the record holds kilobytes.
type FeedIndex struct {
	State string `json:"state"`
	// Hash is the hex SHA-256 of the record's Body; empty without one.
	Hash       string    `json:"hash,omitempty"`
	ChangedAt  time.Time `json:"changed_at,omitzero"`
	NextPollAt time.Time `json:"next_poll_at,omitzero"`
	PolledAt   time.Time `json:"polled_at,omitzero"`
	Failures   int       `json:"failures,omitempty"`
}

// FeedKey is the store key of a project's feed in a category.
func FeedKey(category, project string) string { return category + "/" + project }

// Fetch states of a HistoryRecord.
const (
	StateOK         = "ok"          // Body holds a parsed history
	StateNotFetched = "not_fetched" // never fetched successfully (Drupal: NOT_FETCHED)
	StateNoData     = "no_data"     // the last body held no history (<error>, bad XML: UNKNOWN)
)

// HistoryRecord is one feed's release history and the state of fetching it.
// A failed fetch keeps the last good Body and records the error.
type HistoryRecord struct {
	Project  string `json:"project"`
	Category string `json:"category"`
	State    string `json:"state"`
	// Body is the last body received with status 200, as fetched (the
	// release-history XML), so that it can be re-parsed by newer code.
	Body         []byte    `json:"body,omitempty"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	FetchedAt    time.Time `json:"fetched_at,omitzero"` // last successful fetch (200 or 304)
	ChangedAt    time.Time `json:"changed_at,omitzero"` // last time Body changed
	NextPollAt   time.Time `json:"next_poll_at,omitzero"`
	LastError    string    `json:"last_error,omitempty"`
	LastErrorAt  time.Time `json:"last_error_at,omitzero"`
	Failures     int       `json:"failures,omitempty"` // consecutive failed polls
	Summary      *Summary  `json:"summary,omitempty"`
	PolledAt     time.Time `json:"polled_at,omitzero"` // last poll, whatever its outcome
}

// Summary is what the API shows of a history without re-parsing it.
type Summary struct {
	Title             string   `json:"title,omitempty"`
	ProjectStatus     string   `json:"project_status,omitempty"`
	SupportedBranches string   `json:"supported_branches,omitempty"`
	Releases          int      `json:"releases"`
	Newest            []string `json:"newest,omitempty"`            // the first few versions in feed order
	SecurityReleases  []string `json:"security_releases,omitempty"` // versions tagged "Security update", feed order
}

// PlatformRecord is one platform's latest inventory and evaluation.
type PlatformRecord struct {
	Name          string            `json:"name"`
	Path          string            `json:"path"`
	Tags          []string          `json:"tags,omitempty"`
	ScannedAt     time.Time         `json:"scanned_at,omitzero"`
	ScanError     string            `json:"scan_error,omitempty"`
	Inventory     *drupal.Inventory `json:"inventory,omitempty"`
	InventoryHash string            `json:"inventory_hash,omitempty"` // hex SHA-256 of Inventory's JSON
	EvaluatedAt   time.Time         `json:"evaluated_at,omitzero"`
	// Report is the platform's `drupdate status --format json` document.
	Report json.RawMessage `json:"report,omitempty"`
	// Statuses is each project's status, for diffing and summaries.
	Statuses map[string]drupal.Status `json:"statuses,omitempty"`
	// EvalKey identifies what Report was computed from (the inventory,
	// the path and tags, each feed's state and history, the day, the
	// program), so that an evaluation with nothing new is skipped.
	EvalKey string `json:"eval_key,omitempty"`
	// Findings are the unwaived advisories affecting the platform, as
	// "project|ADVISORY-ID", sorted; FindingsSeen says they were computed
	// at least once (the baseline that raises no events).
	Findings     []string `json:"findings,omitempty"`
	FindingsSeen bool     `json:"findings_seen,omitempty"`
}

// Event kinds, in Event.Kind; each carries the payload type named.
const (
	EventNewRelease         = "release.new"         // ReleaseEvent
	EventSecurityRelease    = "release.security"    // ReleaseEvent: a new release tagged "Security update"
	EventReleaseInsecure    = "release.insecure"    // ReleaseEvent: an existing release newly tagged Insecure
	EventReleaseRevoked     = "release.revoked"     // ReleaseEvent: a release newly unpublished
	EventReleaseUnsupported = "release.unsupported" // ReleaseEvent: a release newly tagged Unsupported
	EventProjectStatus      = "project.status"      // ProjectStatusEvent: the feed's project_status changed
	EventPlatformStatus     = "platform.status"     // PlatformStatusEvent: a project's status on a platform changed
	EventPlatformInventory  = "platform.inventory"  // InventoryEvent: a re-scan found other projects or versions
)

// ReleaseEvent is about one release of one project's feed.
type ReleaseEvent struct {
	Project     string   `json:"project"`
	Category    string   `json:"category"`
	Version     string   `json:"version"`
	Types       []string `json:"types,omitempty"` // its "Release type" terms
	Date        int64    `json:"date,omitempty"`
	ReleaseLink string   `json:"release_link,omitempty"`
}

// ProjectStatusEvent is a change of a feed's project_status.
type ProjectStatusEvent struct {
	Project  string `json:"project"`
	Category string `json:"category"`
	From     string `json:"from"`
	To       string `json:"to"`
}

// PlatformStatusEvent is a change of one project's status on a platform,
// e.g. CURRENT → NOT_SECURE. From is omitted for a project seen first.
type PlatformStatusEvent struct {
	Platform    string        `json:"platform"`
	Tags        []string      `json:"tags,omitempty"`
	Project     string        `json:"project"`
	From        drupal.Status `json:"from,omitzero"`
	To          drupal.Status `json:"to"`
	Installed   string        `json:"installed"`
	Recommended string        `json:"recommended,omitempty"`
}

// InventoryEvent is what a re-scan found changed on a platform.
type InventoryEvent struct {
	Platform string               `json:"platform"`
	Added    []string             `json:"added,omitempty"`   // projects
	Removed  []string             `json:"removed,omitempty"` // projects
	Changed  map[string][2]string `json:"changed,omitempty"` // project → [old version, new version]
}
