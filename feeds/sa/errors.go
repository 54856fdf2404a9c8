package sa

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrTooLarge is wrapped by the [ParseError] for a document over its
// format's size cap or with more entries than the format allows.
var ErrTooLarge = errors.New("too large")

// A ParseError reports a document that could not be used at all: not of
// its format, malformed, or over a cap. A document that parses but has
// entries that do not is no error; those entries become [Warning]s.
type ParseError struct {
	// Format is what the document should have been: "security RSS",
	// "psa.json" or "composer advisories".
	Format string
	// Source names the document: the redacted URL it was fetched from, or
	// the name its parser was given.
	Source string
	Err    error
}

func (e *ParseError) Error() string {
	return "parse " + e.Format + " " + e.Source + ": " + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// A Warning reports an entry of a document (an RSS item, a psa.json
// advisory, a Composer advisory) that was skipped because it could not be
// understood. The rest of the document is still used.
type Warning struct {
	// Index is the entry's position in its list, from 0: an item in its
	// feed, an advisory in psa.json, a package in a Composer answer's
	// advisories (0 for one [FetchComposer] drops as not asked about), an
	// advisory in its package's list.
	Index int
	// Name is what could be read of the entry to identify it: a title, an
	// id or a package name. It may be empty.
	Name string
	Err  error
}

func (w Warning) Error() string {
	if w.Name == "" {
		return fmt.Sprintf("entry %d: %v", w.Index, w.Err)
	}
	return fmt.Sprintf("entry %d %s: %v", w.Index, strconv.Quote(w.Name), w.Err)
}

func (w Warning) Unwrap() error { return w.Err }

// tooLarge is the error for a document of n bytes over a cap of limit.
func tooLarge(n, limit int) error {
	return fmt.Errorf("%w: %d bytes, over the cap of %d", ErrTooLarge, n, limit)
}

