package drupal

import "fmt"

// Status is a project's update status, named as Drupal's update module names
// its constants. It is a byte so that a fleet's worth of results stays
// small; it marshals as its name.
type Status uint8

// The statuses of Drupal's UpdateManagerInterface and UpdateFetcherInterface.
// The zero value means "not decided yet".
const (
	NotSecure Status = iota + 1
	Revoked
	NotSupported
	NotCurrent
	Current
	NotChecked
	Unknown
	NotFetched
	FetchPending
)

// Statuses lists every status, worst first.
var Statuses = []Status{NotSecure, Revoked, NotSupported, NotCurrent, Current, NotChecked, Unknown, NotFetched, FetchPending}

var statusInfo = [...]struct {
	name  string
	code  int
	label string
}{
	{"", 0, ""},
	{"NOT_SECURE", 1, "Security update required!"},
	{"REVOKED", 2, "Revoked!"},
	{"NOT_SUPPORTED", 3, "Not supported!"},
	{"NOT_CURRENT", 4, "Update available"},
	{"CURRENT", 5, "Up to date"},
	{"NOT_CHECKED", -1, "Not checked"},
	{"UNKNOWN", -2, "Unknown"},
	{"NOT_FETCHED", -3, "Not fetched"},
	{"FETCH_PENDING", -4, "Fetch pending"},
}

func (s Status) info() (string, int, string) {
	if int(s) >= len(statusInfo) {
		return "", 0, ""
	}
	i := statusInfo[s]
	return i.name, i.code, i.label
}

// String is the constant's name, e.g. "NOT_SECURE".
func (s Status) String() string { n, _, _ := s.info(); return n }

// Code is Drupal's integer constant for the status.
func (s Status) Code() int { _, c, _ := s.info(); return c }

// Label is the report label Drupal shows. Drupal shows only the reason for
// the negative statuses; drupdate labels them too so a text line is never
// blank.
func (s Status) Label() string { _, _, l := s.info(); return l }

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
func (s Status) Valid() bool { return s >= NotSecure && s <= FetchPending }

// MarshalText writes the status's name.
func (s Status) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("invalid update status %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText rejects unknown statuses so stored data cannot smuggle one in.
func (s *Status) UnmarshalText(b []byte) error {
	for _, st := range Statuses {
		if st.String() == string(b) {
			*s = st
			return nil
		}
	}
	return fmt.Errorf("unknown update status %q", b)
}

// InstallType says how an installed version was obtained, as Drupal infers it
// from the version string.
type InstallType string

const (
	InstallOfficial InstallType = "official"
	InstallDev      InstallType = "dev"
	InstallUnknown  InstallType = "unknown"
)
