package osv

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Archive limits: the real database is about 600 records and 3 MB.
const (
	MaxArchiveEntries = 100_000
	MaxArchiveSize    = 1 << 30 // uncompressed bytes, all entries together
)

// Load reads the records of a checkout or an extracted archive of an OSV
// database: those under the first "advisories" directory found at the top
// or one level down (GitHub's archives put the repository in a directory
// of its own), else every *.json file. Files outside "advisories" (a
// package.json, a schema) are not records.
func Load(fsys fs.FS) ([]*Entry, error) {
	return LoadDir(fsys, findRoot(fsys))
}

func findRoot(fsys fs.FS) string {
	if isDir(fsys, "advisories") {
		return "advisories"
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return "."
	}
	for _, e := range entries {
		if p := path.Join(e.Name(), "advisories"); e.IsDir() && isDir(fsys, p) {
			return p
		}
	}
	return "."
}

func isDir(fsys fs.FS, p string) bool {
	fi, err := fs.Stat(fsys, p)
	return err == nil && fi.IsDir()
}

// LoadZip reads the records of a zip archive of an OSV database (as
// GitHub serves a repository), with [Load]'s choice of files. An archive
// with an entry whose name could escape a directory (absolute, "..",
// backslashes), with more than [MaxArchiveEntries] entries or declaring
// more than [MaxArchiveSize] bytes is refused whole.
func LoadZip(data []byte) ([]*Entry, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("read osv archive: %w", err)
	}
	if len(zr.File) > MaxArchiveEntries {
		return nil, fmt.Errorf("read osv archive: %d entries, over the limit of %d", len(zr.File), MaxArchiveEntries)
	}
	var total uint64
	for _, f := range zr.File {
		if !safeName(f.Name) {
			return nil, fmt.Errorf("read osv archive: entry %q escapes the archive", f.Name)
		}
		total += f.UncompressedSize64
		if total > MaxArchiveSize {
			return nil, fmt.Errorf("read osv archive: over %d bytes uncompressed", MaxArchiveSize)
		}
	}
	entries, err := Load(zr)
	if err != nil {
		return nil, fmt.Errorf("read osv archive: %w", err)
	}
	return entries, nil
}

func safeName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) || strings.Contains(name, ":") {
		return false
	}
	for _, part := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		if part == ".." {
			return false
		}
	}
	return true
}
