package drupal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Inventory is what one platform runs: the input of status evaluation and
// the output of the platform scanner.
type Inventory struct {
	// CoreVersion is the running core version ("10.2.3", "7.56"); it picks
	// the feed category and algorithm unless Feed names one.
	CoreVersion string `json:"core_version"`
	// Feed optionally forces the feed category: "current" or "7.x".
	Feed     string                      `json:"feed,omitempty"`
	Projects map[string]InstalledProject `json:"projects"`

	// Filled by the platform scanner; see scan.go.
	ScanInfo
}

// InstalledProject is one project as installed.
type InstalledProject struct {
	// Version is the installed version string; Drupal treats a missing one
	// (install type "unknown") differently from an empty one.
	Version *string `json:"version"`
	// Type is "core", "module", "theme", "profile", "theme_engine"...
	Type string `json:"type,omitempty"`
	// Datestamp is the packaging timestamp (Unix seconds); 0 when unknown.
	Datestamp Timestamp `json:"datestamp,omitempty"`
	// Major is a Drupal 7 .info file's explicit major key, used only when
	// the version string has none.
	Major *string `json:"major,omitempty"`
	// Title is the human-readable name, when known.
	Title string `json:"title,omitempty"`

	// Filled by the platform scanner; see scan.go.
	ProjectScanInfo
}

// VersionString returns the installed version and whether there is one.
func (p InstalledProject) VersionString() (string, bool) {
	if p.Version == nil {
		return "", false
	}
	return *p.Version, true
}

// Timestamp is Unix seconds that decodes from a JSON number or a numeric
// string, since packaging metadata writes datestamps both ways.
type Timestamp int64

// UnmarshalJSON accepts 1491158591, "1491158591" and null.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		*t = 0
		return nil
	}
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
		if s == "" {
			*t = 0
			return nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("datestamp %s is not Unix seconds", b)
	}
	*t = Timestamp(n)
	return nil
}

// majorValue decodes a major given as a number or a string.
type majorValue string

func (m *majorValue) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*m = majorValue(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("major %s is neither a number nor a string", b)
	}
	*m = majorValue(n.String())
	return nil
}

// UnmarshalJSON decodes an installed project, accepting a numeric major.
func (p *InstalledProject) UnmarshalJSON(b []byte) error {
	type plain InstalledProject
	var aux struct {
		*plain
		Major *majorValue `json:"major"`
	}
	aux.plain = (*plain)(p)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	if aux.Major != nil {
		s := string(*aux.Major)
		p.Major = &s
	}
	return nil
}

// ParseInventory decodes an inventory file. name is used in errors, which
// give the line and column of the problem. Unknown keys are ignored.
func ParseInventory(name string, data []byte) (*Inventory, error) {
	var inv Inventory
	if err := json.Unmarshal(data, &inv); err != nil {
		return nil, fmt.Errorf("inventory %s: %w", name, positionError(data, err))
	}
	if inv.Projects == nil {
		return nil, fmt.Errorf("inventory %s: no \"projects\" object", name)
	}
	switch inv.Feed {
	case "", CategoryCurrent, Category7:
	default:
		return nil, fmt.Errorf("inventory %s: feed %q is neither %q nor %q", name, inv.Feed, CategoryCurrent, Category7)
	}
	return &inv, nil
}

// positionError turns encoding/json's byte offsets into line:column.
func positionError(data []byte, err error) error {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
		if typ.Field != "" {
			err = fmt.Errorf("%s: cannot use %s as %s", typ.Field, typ.Value, typ.Type)
		}
	}
	if off < 0 {
		return err
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}
