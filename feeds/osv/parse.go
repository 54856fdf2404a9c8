package osv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// ErrTooLarge is returned for a record larger than [MaxRecordSize].
var ErrTooLarge = errors.New("record larger than " + maxRecordSizeMessage)

// A ParseError says which file could not be used and why.
type ParseError struct {
	File string
	Err  error
}

func (e *ParseError) Error() string { return "osv " + e.File + ": " + e.Err.Error() }
func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads one OSV record. name labels errors. Unknown fields are
// ignored; a record without an id, with an event that sets no version or
// more than one, or larger than [MaxRecordSize] is an error.
func Parse(name string, data []byte) (*Entry, error) {
	if len(data) > MaxRecordSize {
		return nil, &ParseError{name, ErrTooLarge}
	}
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&e); err != nil {
		return nil, &ParseError{name, jsonError(data, err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &ParseError{name, errors.New("data after the record")}
	}
	if err := e.validate(); err != nil {
		return nil, &ParseError{name, err}
	}
	return &e, nil
}

// jsonError adds the line and column to a syntax or type error.
func jsonError(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return err
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Errorf("line %d column %d: %w", line, col, err)
}

func (e *Entry) validate() error {
	if strings.TrimSpace(e.ID) == "" {
		return errors.New("no id")
	}
	for i, a := range e.Affected {
		for j, r := range a.Ranges {
			for k, ev := range r.Events {
				n := 0
				for _, v := range []string{ev.Introduced, ev.Fixed, ev.LastAffected, ev.Limit} {
					if v != "" {
						n++
					}
				}
				if n != 1 {
					return fmt.Errorf("affected[%d].ranges[%d].events[%d]: want exactly one of introduced, fixed, last_affected, limit", i, j, k)
				}
			}
		}
	}
	return nil
}

// LoadDir reads every *.json file under root in fsys (os.DirFS for a
// directory on disk), in lexical order. Errors name the file. Files are
// read through a size cap, so a hostile tree cannot exhaust memory one
// file at a time.
func LoadDir(fsys fs.FS, root string) ([]*Entry, error) {
	var entries []*Entry
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".json" || !d.Type().IsRegular() {
			return nil
		}
		data, err := readCapped(fsys, p)
		if err != nil {
			return &ParseError{p, err}
		}
		e, err := Parse(p, data)
		if err != nil {
			return err
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load osv records: %w", err)
	}
	slices.SortStableFunc(entries, func(a, b *Entry) int { return strings.Compare(a.ID, b.ID) })
	return entries, nil
}

func readCapped(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxRecordSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxRecordSize {
		return nil, ErrTooLarge
	}
	return data, nil
}
