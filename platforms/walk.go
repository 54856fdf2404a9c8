package platforms

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// fsys is the scanner's view of the platform: every path is slash-separated
// and relative to the platform root, and every read is bounded. It records
// what it could not read so that the inventory can say so.
type fsys struct {
	root     string // absolute or as given; joined with relative paths
	opts     *Options
	skipped  *issues
	entries  int              // directory entries seen, bounded by opts.MaxEntries
	exhaust  bool             // MaxEntries reached
	visitDir func(rel string) // test hook: counts directory reads
}

func (f *fsys) abs(rel string) string {
	if rel == "" || rel == "." {
		return f.root
	}
	return filepath.Join(f.root, filepath.FromSlash(rel))
}

// stat follows symlinks; a missing file is (nil, nil).
func (f *fsys) stat(rel string) (fs.FileInfo, error) {
	fi, err := os.Stat(f.abs(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return fi, err
}

func (f *fsys) isDir(rel string) bool {
	fi, err := f.stat(rel)
	return err == nil && fi != nil && fi.IsDir()
}

func (f *fsys) isFile(rel string) bool {
	fi, err := f.stat(rel)
	return err == nil && fi != nil && fi.Mode().IsRegular()
}

// errTooBig is wrapped by readFile for files over the limit.
var errTooBig = errors.New("file too large")

// readFile reads a regular file of at most limit bytes. Anything else (a
// FIFO, a device, a directory) is refused before it is opened, so a hostile
// tree cannot make the scan block.
func (f *fsys) readFile(rel string, limit int64) ([]byte, error) {
	fi, err := os.Stat(f.abs(rel))
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%w: %d bytes, over the %d-byte limit", errTooBig, fi.Size(), limit)
	}
	fh, err := os.Open(f.abs(rel))
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	// The size may have changed since the stat; never read past the limit.
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: over the %d-byte limit", errTooBig, limit)
	}
	return data, nil
}

// readOptional reads a file that may be absent: (nil, nil) when it is.
// Other failures are recorded as skipped and also return nil.
func (f *fsys) readOptional(rel string, limit int64) []byte {
	fi, err := f.stat(rel)
	if fi == nil && err == nil {
		return nil
	}
	data, err := f.readFile(rel, limit)
	if err != nil {
		f.skipped.add(rel, err.Error())
		return nil
	}
	return data
}

// dirEntry is one entry of a directory listing, with symlinks resolved.
type dirEntry struct {
	name  string
	isDir bool
	isReg bool
	info  fs.FileInfo // set for symlinked directories, for loop checks
}

// readDir lists a directory sorted by name, resolving symlinks. Broken
// symlinks and unreadable entries are recorded as skipped.
func (f *fsys) readDir(rel string) ([]dirEntry, bool) {
	if f.visitDir != nil {
		f.visitDir(rel)
	}
	if f.exhaust {
		return nil, false
	}
	des, err := os.ReadDir(f.abs(rel))
	if err != nil {
		f.skipped.add(rel, fmt.Sprintf("cannot list directory: %v", trimPathErr(err)))
		return nil, false
	}
	f.entries += len(des)
	if f.opts.MaxEntries > 0 && f.entries > f.opts.MaxEntries {
		f.exhaust = true
		f.skipped.add(rel, fmt.Sprintf("scan stopped: more than %d directory entries", f.opts.MaxEntries))
		return nil, false
	}
	out := make([]dirEntry, 0, len(des))
	for _, de := range des {
		e := dirEntry{name: de.Name()}
		t := de.Type()
		switch {
		case t&fs.ModeSymlink != 0:
			fi, err := os.Stat(f.abs(path.Join(rel, e.name)))
			if err != nil {
				f.skipped.add(path.Join(rel, e.name), fmt.Sprintf("broken symlink: %v", trimPathErr(err)))
				continue
			}
			e.isDir = fi.IsDir()
			e.isReg = fi.Mode().IsRegular()
			if !e.isDir && !e.isReg {
				f.skipped.add(path.Join(rel, e.name), "not a regular file")
				continue
			}
			if e.isDir {
				e.info = fi
			}
		case t.IsDir():
			e.isDir = true
		case t.IsRegular():
			e.isReg = true
		default:
			// FIFOs, sockets, devices: never opened, since reading one
			// could block or never end.
			f.skipped.add(path.Join(rel, e.name), "not a regular file")
			continue
		}
		out = append(out, e)
	}
	return out, true
}

// trimPathErr drops the path from an *fs.PathError: the inventory names
// the file already, and absolute paths would make it machine-specific.
func trimPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// walker walks a directory tree depth-first, files before subdirectories
// and each in name order, following symlinks as Drupal does and refusing
// to enter a directory that is its own ancestor.
type walker struct {
	fs *fsys
	// enter decides whether to descend into dir (its relative path and
	// depth below the walk's start, 1 for the start's children).
	enter func(rel, name string, depth int) bool
	// file is called for each regular file.
	file func(rel, name string, depth int)
}

type ancestor struct {
	rel  string
	info fs.FileInfo // filled lazily, only once a symlink needs it
}

func (w *walker) walk(start string) {
	stack := []ancestor{{rel: start}}
	w.dir(start, 0, stack)
}

func (w *walker) dir(rel string, depth int, stack []ancestor) {
	if depth > w.fs.opts.MaxDepth {
		w.fs.skipped.add(rel, fmt.Sprintf("deeper than %d directories", w.fs.opts.MaxDepth))
		return
	}
	entries, ok := w.fs.readDir(rel)
	if !ok {
		return
	}
	for _, e := range entries {
		if e.isReg {
			w.file(rel, e.name, depth+1)
		}
	}
	for _, e := range entries {
		if !e.isDir {
			continue
		}
		child := path.Join(rel, e.name)
		if !w.enter(child, e.name, depth+1) {
			continue
		}
		if e.info != nil && w.loops(e.info, stack) {
			w.fs.skipped.add(child, "symlink loop: links to one of its own parent directories")
			continue
		}
		w.dir(child, depth+1, append(stack, ancestor{rel: child, info: e.info}))
	}
}

// loops reports whether a symlinked directory is one of the directories
// being walked. Only symlinks can close a loop, so ancestors are stat'ed
// only when one is met.
func (w *walker) loops(target fs.FileInfo, stack []ancestor) bool {
	for i := range stack {
		if stack[i].info == nil {
			fi, err := os.Stat(w.fs.abs(stack[i].rel))
			if err != nil {
				continue
			}
			stack[i].info = fi
		}
		if os.SameFile(target, stack[i].info) {
			return true
		}
	}
	return false
}

// readDirQuiet lists a directory that may well be absent without
// recording its absence.
func (f *fsys) readDirQuiet(rel string) ([]dirEntry, bool) {
	if !f.isDir(rel) {
		return nil, false
	}
	return f.readDir(rel)
}

func filepathStat(p string) (fs.FileInfo, error) { return os.Stat(p) }
