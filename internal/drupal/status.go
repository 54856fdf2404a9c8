package drupal

import "fmt"

// Status is a project's update status, named as Drupal's update module names
// its constants.
type Status string

// The statuses of Drupal's UpdateManagerInterface and UpdateFetcherInterface.
const (
	NotSecure    Status = "NOT_SECURE"
	Revoked      Status = "REVOKED"
	NotSupported Status = "NOT_SUPPORTED"
	NotCurrent   Status = "NOT_CURRENT"
	Current      Status = "CURRENT"
	NotChecked   Status = "NOT_CHECKED"
	Unknown      Status = "UNKNOWN"
	NotFetched   Status = "NOT_FETCHED"
	FetchPending Status = "FETCH_PENDING"
)

// Statuses lists every status, worst first.
var Statuses = []Status{NotSecure, Revoked, NotSupported, NotCurrent, Current, NotChecked, Unknown, NotFetched, FetchPending}

var statusInfo = map[Status]struct {
	code  int
	label string
}{
	NotSecure:    {1, "Security update required!"},
	Revoked:      {2, "Revoked!"},
	NotSupported: {3, "Not supported!"},
	NotCurrent:   {4, "Update available"},
	Current:      {5, "Up to date"},
	NotChecked:   {-1, "Not checked"},
	Unknown:      {-2, "Unknown"},
	NotFetched:   {-3, "Not fetched"},
	FetchPending: {-4, "Fetch pending"},
}

// Code is Drupal's integer constant for the status.
func (s Status) Code() int { return statusInfo[s].code }

// Label is the report label Drupal shows. Drupal shows only the reason for
// the negative statuses; drupdate labels them too so a text line is never
// blank.
func (s Status) Label() string { return statusInfo[s].label }

// Rank orders statuses the way Drupal's status page sorts projects: the
// errors first, then NOT_CURRENT, CURRENT, and the negative codes last
// (Drupal sorts a negative code c as -10*c).
func (s Status) Rank() int {
	c := s.Code()
	if c < 0 {
		return -10 * c
	}
	return c
}

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool { _, ok := statusInfo[s]; return ok }

// UnmarshalText rejects unknown statuses so stored data cannot smuggle one in.
func (s *Status) UnmarshalText(b []byte) error {
	if !Status(b).Valid() {
		return fmt.Errorf("unknown update status %q", b)
	}
	*s = Status(b)
	return nil
}

// InstallType says how an installed version was obtained, as Drupal infers it
// from the version string.
type InstallType string

const (
	InstallOfficial InstallType = "official"
	InstallDev      InstallType = "dev"
	InstallUnknown  InstallType = "unknown"
)
