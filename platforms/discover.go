package platforms

import (
	"fmt"
	"path"
	"strings"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/resolver/constraint"
)

// Origins order the directories Drupal searches; an extension found in a
// later one replaces one of the same name found in an earlier one
// (ExtensionDiscovery's ORIGIN_* weights; Drupal 7's drupal_system_listing
// uses the same order).
const (
	originCore     = 0
	originProfile  = 1
	originSitesAll = 2
	originRoot     = 3
	originSite     = 5
)

// ext is an extension as found on disk, with what the scanner derives from
// its info file.
type ext struct {
	pub    drupal.Extension
	dir    string // the extension's directory, relative to the root
	docRel string // the info file relative to the docroot, as Drupal sees it
	origin int
	seq    int    // discovery order: the walk order within an origin
	inProf string // docroot-relative directory of the profile it sits in
	test   bool

	info       *phpValue
	project    string // the info file's project key
	hasProject bool   // isset($info['project'])
	version    string
	hasVersion bool
	datestamp  int64
	major      string
	hasMajor   bool
	deps       []string
	deps8      []constraint.Dependency   // parsed deps, Drupal 8+
	d7deps     []constraint.D7Dependency // parsed deps, Drupal 7
	core       *phpValue                 // the core key, for Drupal 7's loose comparison
	hasCVR     bool

	// Set while grouping.
	key       string // the inventory project key
	drupalKey string // the project Drupal itself would file it under
}

func (e *ext) typeList() string {
	if e.pub.Type == "profile" {
		return "module" // Drupal lists the active profile among the modules
	}
	return e.pub.Type
}

// Directories ExtensionDiscovery never enters (RecursiveExtensionFilterCallback),
// plus the two that default.settings.php adds to file_scan_ignore_directories.
var d8SkippedDirs = map[string]bool{
	"src": true, "lib": true, "vendor": true, "assets": true, "css": true,
	"files": true, "images": true, "js": true, "misc": true, "templates": true,
	"includes": true, "fixtures": true, "Drupal": true,
	"node_modules": true, "bower_components": true,
}

var extensionTypeDirs = map[string]bool{"profiles": true, "modules": true, "themes": true}

// isPHPFunctionName is ExtensionDiscovery::PHP_FUNCTION_PATTERN.
func isPHPFunctionName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c >= 0x80:
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// scanner holds one scan's state.
type scanner struct {
	fs       *fsys
	opts     Options
	lay      layout
	warnings *issues
	exts     []*ext
	seq      int
	// composerFile is the Composer metadata read, relative to the root.
	composerFile string
}

func (s *scanner) relRoot(docRel string) string {
	return path.Clean(path.Join(s.lay.docroot, docRel))
}

// hasTestsDir reports whether a docroot-relative path runs through a
// tests directory.
func hasTestsDir(p string) bool {
	return strings.HasPrefix(p, "tests/") || strings.Contains(p, "/tests/")
}

// discoverModern finds Drupal 8+ extensions as ExtensionDiscovery::scan
// does: core/, sites/all/, the docroot's top-level modules/, themes/ and
// profiles/, and each site's directory, reading every *.info.yml on the way
// outside the directories Drupal skips.
func (s *scanner) discoverModern(siteDirs []string) {
	type searchDir struct {
		dir    string
		origin int
		site   string
	}
	dirs := []searchDir{{"core", originCore, ""}, {"sites/all", originSitesAll, ""}, {"", originRoot, ""}}
	for _, sd := range siteDirs {
		dirs = append(dirs, searchDir{sd, originSite, sd})
	}
	for _, sd := range dirs {
		base := s.relRoot(sd.dir)
		if !s.fs.isDir(base) {
			continue
		}
		w := walker{fs: s.fs}
		w.enter = func(rel, name string, depth int) bool {
			if name[0] == '.' {
				return false
			}
			if depth == 1 {
				return extensionTypeDirs[name]
			}
			if name == "config" {
				return strings.HasSuffix(rel, "modules/config")
			}
			if name == "tests" {
				return s.opts.IncludeTests
			}
			return !d8SkippedDirs[name]
		}
		w.file = func(rel, name string, depth int) {
			if name[0] == '.' || !strings.HasSuffix(name, ".info.yml") {
				return
			}
			machine := strings.TrimSuffix(name, ".info.yml")
			if !isPHPFunctionName(machine) {
				return
			}
			subpath := strings.TrimPrefix(strings.TrimPrefix(rel, base), "/")
			origin := sd.origin
			if strings.HasPrefix(subpath, "profiles") {
				origin = originProfile
			}
			s.addModern(path.Join(rel, name), machine, origin, sd.site)
		}
		w.walk(base)
	}
}

func (s *scanner) addModern(infoRel, machine string, origin int, site string) {
	data, err := s.fs.readFile(infoRel, s.opts.MaxInfoSize)
	if err != nil {
		s.fs.skipped.add(infoRel, trimPathErr(err).Error())
		return
	}
	info, dups, err := parseInfoYAML(data, s.lay.major == 8)
	if err != nil {
		s.fs.skipped.add(infoRel, fmt.Sprintf("broken YAML: %v", err))
		return
	}
	for _, d := range dups {
		s.warnings.add(infoRel, fmt.Sprintf("duplicate key %q: Drupal 8 keeps the first", d))
	}
	var missing []string
	for _, k := range []string{"type", "name"} {
		if _, ok := info.arr.get(keyOf(k)); !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		s.fs.skipped.add(infoRel, fmt.Sprintf("missing required keys (%s)", strings.Join(missing, ", ")))
		return
	}
	typ, _ := info.lookup("type").scalarString()
	switch typ {
	case "module", "theme", "profile", "theme_engine":
	default:
		s.fs.skipped.add(infoRel, fmt.Sprintf("unknown extension type %q", typ))
		return
	}
	e := s.newExt(infoRel, machine, typ, origin, site, info)
	if v := info.lookup("version"); v.isset() {
		e.version, e.hasVersion = v.str(), true
		if e.version == "VERSION" {
			e.version = s.lay.coreVersion
		}
	}
	if info.lookup("core_version_requirement").isset() {
		e.hasCVR = true
		e.pub.CoreVersionRequirement = info.lookup("core_version_requirement").str()
	}
	e.pub.Version = e.version
	e.pub.Lifecycle = info.lookup("lifecycle").str()
	e.pub.LifecycleLink = info.lookup("lifecycle_link").str()
	s.checkLifecycle(e)
	s.exts = append(s.exts, e)
}

// newExt fills what both info formats share.
func (s *scanner) newExt(infoRel, machine, typ string, origin int, site string, info *phpValue) *ext {
	s.seq++
	e := &ext{
		dir:    path.Dir(infoRel),
		origin: origin,
		seq:    s.seq,
		info:   info,
	}
	e.docRel = strings.TrimPrefix(infoRel, strings.TrimPrefix(s.lay.docroot+"/", "./"))
	e.pub = drupal.Extension{Name: machine, Type: typ, Path: infoRel, Site: site}
	e.pub.Label = info.lookup("name").str()
	if !info.lookup("name").isset() {
		e.pub.Label = machine
	}
	e.pub.Package = info.lookup("package").str()
	e.pub.Hidden = !info.lookup("hidden").empty()
	e.pub.BaseTheme = info.lookup("base theme").str()
	if c := info.lookup("core"); c.isset() {
		e.core = c
		e.pub.Core = c.str()
	}
	if p := info.lookup("project"); p.isset() {
		e.project, e.hasProject = p.str(), true
	}
	if d := info.lookup("datestamp"); d.isset() {
		e.datestamp = parseDatestamp(d.str())
	}
	if m := info.lookup("major"); m.isset() {
		e.major, e.hasMajor = m.str(), true
	}
	if v := info.lookup("version"); v.isset() {
		e.version, e.hasVersion = v.str(), true
	}
	if d := info.lookup("dependencies"); d.isset() {
		if d.kind != phpArray {
			s.warnings.add(infoRel, "dependencies is not a list: ignored, as Drupal ignores it")
		}
		for _, v := range d.values() {
			str, ok := v.scalarString()
			if !ok {
				s.warnings.add(infoRel, "a dependency is a list, not a string: ignored")
				continue
			}
			e.deps = append(e.deps, str)
		}
	}
	// Core's "testing" profile and what it ships exist only for core's
	// tests, like the tests/ directories.
	e.test = hasTestsDir(e.docRel) || e.pub.Package == "Testing" ||
		strings.HasPrefix(e.docRel, "profiles/testing/") || strings.HasPrefix(e.docRel, "core/profiles/testing/")
	s.parseDeps(e)
	return e
}

// parseDatestamp reads a datestamp as PHP compares it: a numeric string's
// integer value, anything else 0.
func parseDatestamp(s string) int64 {
	f, ok := phpNumeric(s)
	if !ok || f < 0 || f > 1<<62 {
		return 0
	}
	return int64(f)
}

// discoverD7 finds Drupal 7 extensions as system_rebuild_module_data and
// system_rebuild_theme_data do: NAME.module files (with NAME.info beside
// them) under the modules directories, NAME.info files under the themes
// directories and NAME.profile files under profiles/.
func (s *scanner) discoverD7(siteDirs []string) {
	type searchDir struct {
		dir    string
		origin int
		site   string
	}
	// Drupal 7 searches only the active profile's directory, which lives in
	// the database; every profile's directory is searched instead.
	var profileDirs []string
	if s.fs.isDir(s.relRoot("profiles")) {
		entries, _ := s.fs.readDir(s.relRoot("profiles"))
		for _, e := range entries {
			if e.isDir && !d7NoMask(e.name) {
				profileDirs = append(profileDirs, "profiles/"+e.name)
			}
		}
	}
	for _, kind := range []string{"modules", "themes"} {
		dirs := []searchDir{{kind, originCore, ""}}
		for _, p := range profileDirs {
			dirs = append(dirs, searchDir{p + "/" + kind, originProfile, ""})
		}
		dirs = append(dirs, searchDir{"sites/all/" + kind, originSitesAll, ""})
		for _, sd := range siteDirs {
			dirs = append(dirs, searchDir{sd + "/" + kind, originSite, sd})
		}
		for _, sd := range dirs {
			base := s.relRoot(sd.dir)
			if !s.fs.isDir(base) {
				continue
			}
			sd := sd
			s.walkD7(base, func(rel, name string) {
				switch {
				case kind == "modules" && strings.HasSuffix(name, ".module"):
					machine := strings.TrimSuffix(name, ".module")
					if isPHPFunctionName(machine) {
						s.addD7(rel, machine, "module", sd.origin, sd.site)
					}
				case kind == "themes" && strings.HasSuffix(name, ".info"):
					machine := strings.TrimSuffix(name, ".info")
					if isPHPFunctionName(machine) {
						s.addD7(rel, machine, "theme", sd.origin, sd.site)
					}
				}
			})
		}
	}
	if base := s.relRoot("profiles"); s.fs.isDir(base) {
		s.walkD7(base, func(rel, name string) {
			if strings.HasSuffix(name, ".profile") {
				machine := strings.TrimSuffix(name, ".profile")
				if isPHPFunctionName(machine) {
					s.addD7(rel, machine, "profile", originProfile, "")
				}
			}
		})
	}
}

// d7NoMask is file_scan_directory's default nomask, '/(\.\.?|CVS)$/', plus
// its rule that names starting with a dot are skipped.
func d7NoMask(name string) bool {
	return name[0] == '.' || strings.HasSuffix(name, ".") || strings.HasSuffix(name, "CVS")
}

func (s *scanner) walkD7(base string, file func(rel, name string)) {
	w := walker{fs: s.fs}
	w.enter = func(rel, name string, depth int) bool { return !d7NoMask(name) }
	w.file = func(rel, name string, depth int) {
		if !d7NoMask(name) {
			file(rel, name)
		}
	}
	w.walk(base)
}

func (s *scanner) addD7(rel, machine, typ string, origin int, site string) {
	infoRel := path.Join(rel, machine+".info")
	fi, err := s.fs.stat(infoRel)
	if fi == nil && err == nil {
		// Drupal skips a module without an info file, silently; say so.
		s.fs.skipped.add(path.Join(rel, machine+"."+typ), "no "+machine+".info beside it")
		return
	}
	data, err := s.fs.readFile(infoRel, s.opts.MaxInfoSize)
	if err != nil {
		s.fs.skipped.add(infoRel, trimPathErr(err).Error())
		return
	}
	info := parseD7Info(data, s.lay.coreVersion)
	if info.arr.count() == 0 {
		s.fs.skipped.add(infoRel, "no key = value lines")
		return
	}
	e := s.newExt(infoRel, machine, typ, origin, site, info)
	e.pub.Version = e.version
	s.exts = append(s.exts, e)
}

// checkLifecycle warns about the lifecycle values Drupal 9.3+ refuses
// (InfoParserDynamic throws, and the extension list cannot be built).
func (s *scanner) checkLifecycle(e *ext) {
	if !e.info.lookup("lifecycle").isset() {
		return
	}
	switch e.pub.Lifecycle {
	case "experimental", "stable":
	case "deprecated", "obsolete":
		if e.pub.LifecycleLink == "" {
			s.warnings.add(e.pub.Path, fmt.Sprintf("'lifecycle: %s' without a lifecycle_link: Drupal refuses this info file", e.pub.Lifecycle))
		}
	default:
		s.warnings.add(e.pub.Path, fmt.Sprintf("'lifecycle: %s' is not valid (experimental, stable, deprecated or obsolete): Drupal refuses this info file", e.pub.Lifecycle))
	}
}
