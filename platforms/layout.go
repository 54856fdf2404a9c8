package platforms

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// ErrNotDrupal is wrapped by Scan's error when no Drupal core is found.
var ErrNotDrupal = errors.New("no Drupal core found")

// ErrUnsupportedCore is wrapped by Scan's error for a core drupdate cannot
// inventory (Drupal 6 and older).
var ErrUnsupportedCore = errors.New("unsupported Drupal core")

var (
	// const VERSION = '10.2.3'; in core/lib/Drupal.php.
	d8VersionConst = regexp.MustCompile(`(?m)^\s*(?:(?:public|final)\s+)*const\s+VERSION\s*=\s*(?:'([^'\\]*)'|"([^"\\$]*)")\s*;`)
	// define('VERSION', '7.56'); in includes/bootstrap.inc.
	d7VersionDefine = regexp.MustCompile(`(?m)^\s*define\s*\(\s*['"]VERSION['"]\s*,\s*(?:'([^'\\]*)'|"([^"\\$]*)")\s*\)\s*;`)
)

// coreFile is where a Drupal major keeps its version.
type coreFile struct {
	rel    string
	re     *regexp.Regexp
	legacy bool // Drupal 7 and older
}

var coreFiles = []coreFile{
	{"core/lib/Drupal.php", d8VersionConst, false},
	{"includes/bootstrap.inc", d7VersionDefine, true},
	// Drupal 6 and older define VERSION in system.module.
	{"modules/system/system.module", d7VersionDefine, true},
}

// layout is where Drupal sits in a platform and which core it is.
type layout struct {
	docroot     string // relative to the root: "." or "web"
	coreVersion string
	coreFile    string // relative to the root
	major       int
}

// docrootCandidates are tried in order after composer.json's web root.
var docrootCandidates = []string{".", "web", "docroot", "html"}

// findLayout locates the docroot and reads core's version from it.
func findLayout(f *fsys) (layout, error) {
	cands := docrootCandidates
	if wr := composerWebRoot(f); wr != "" {
		cands = append([]string{wr}, cands...)
	}
	for _, dr := range cands {
		for _, cf := range coreFiles {
			rel := path.Join(dr, cf.rel)
			if !f.isFile(rel) {
				continue
			}
			data, err := f.readFile(rel, f.opts.MaxFileSize)
			if err != nil {
				return layout{}, fmt.Errorf("read %s: %w", rel, err)
			}
			m := cf.re.FindSubmatch(data)
			if m == nil {
				if cf.legacy {
					continue // a Drupal 6 bootstrap.inc has no VERSION
				}
				return layout{}, fmt.Errorf("%s: no VERSION constant", rel)
			}
			v := string(m[1]) + string(m[2])
			major := leadingInt(v)
			switch {
			case major < 7:
				return layout{}, fmt.Errorf("%s: Drupal %s: %w", rel, v, ErrUnsupportedCore)
			case cf.legacy && major != 7, !cf.legacy && major < 8:
				return layout{}, fmt.Errorf("%s: unexpected version %q", rel, v)
			}
			return layout{docroot: dr, coreVersion: v, coreFile: rel, major: major}, nil
		}
	}
	return layout{}, fmt.Errorf("%w (looked for core/lib/Drupal.php and includes/bootstrap.inc in %s)", ErrNotDrupal, strings.Join(cands, ", "))
}

func leadingInt(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil {
		return -1
	}
	return n
}

// composerWebRoot reads the scaffold plugin's web root from composer.json,
// the one place a Composer project says where its docroot is.
func composerWebRoot(f *fsys) string {
	data := f.readOptional("composer.json", f.opts.MaxFileSize)
	if data == nil {
		return ""
	}
	var cj struct {
		Extra struct {
			Scaffold struct {
				Locations struct {
					WebRoot string `json:"web-root"`
				} `json:"locations"`
			} `json:"drupal-scaffold"`
		} `json:"extra"`
	}
	if json.Unmarshal(data, &cj) != nil {
		return ""
	}
	wr := path.Clean(strings.TrimPrefix(cj.Extra.Scaffold.Locations.WebRoot, "./"))
	if wr == "" || wr == "." || strings.HasPrefix(wr, "..") || path.IsAbs(wr) {
		return ""
	}
	return wr
}

// management decides how the codebase is built. Composer wins (its lock
// names every package), then drush make files, then a git checkout, then
// drupal.org tarballs (packaging metadata found); otherwise "unknown".
func management(f *fsys, lay layout, hasComposer bool, anyPackaged bool) (managedBy, vcs string, makeFiles []string) {
	for _, dir := range uniq([]string{".", lay.docroot}) {
		if fi, _ := f.stat(path.Join(dir, ".git")); fi != nil {
			vcs = "git"
		}
		entries, ok := f.readDir(dir)
		if !ok {
			continue
		}
		for _, e := range entries {
			if e.isReg && (strings.HasSuffix(e.name, ".make") || strings.HasSuffix(e.name, ".make.yml") || strings.HasSuffix(e.name, ".make.yaml")) {
				makeFiles = append(makeFiles, path.Join(dir, e.name))
			}
		}
	}
	switch {
	case hasComposer:
		managedBy = "composer"
	case len(makeFiles) > 0:
		managedBy = "drush-make"
	case vcs == "git":
		managedBy = "git"
	case anyPackaged:
		managedBy = "archive"
	default:
		managedBy = "unknown"
	}
	return managedBy, vcs, makeFiles
}

func uniq(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
