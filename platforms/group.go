package platforms

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/drupdate/drupdate/internal/drupal"
)

// project is a drupal.org project (or a group of custom code) as the
// scanner assembles it.
type project struct {
	key      string
	dir      string // relative to the root
	members  []*ext // non-test extensions, in Drupal's processing order
	custom   bool
	composer *composerPkg
	git      *gitCheckout
}

// d7CoreDirs are where Drupal 7 core keeps its extensions.
var d7CoreDirs = []string{"modules/", "themes/", "profiles/minimal/", "profiles/standard/", "profiles/testing/"}

// drupalProjectName is the project Drupal's update module files an
// extension under (ProjectInfo::getProjectName, update_get_project_name),
// or "" when it gives up.
func (s *scanner) drupalProjectName(e *ext) string {
	if e.hasProject {
		return e.project
	}
	if s.lay.major >= 8 {
		if strings.HasPrefix(e.docRel, "core/modules") {
			return "drupal"
		}
		return ""
	}
	if p := e.info.lookup("package"); p != nil && p.kind == phpString && strings.HasPrefix(p.s, "Core") {
		return "drupal"
	}
	return ""
}

// isCoreCode reports whether an extension ships with core, by where it is.
func (s *scanner) isCoreCode(e *ext) bool {
	if s.lay.major >= 8 {
		return strings.HasPrefix(e.docRel, "core/")
	}
	for _, d := range d7CoreDirs {
		if strings.HasPrefix(e.docRel, d) {
			return true
		}
	}
	return false
}

// group files every non-test extension under a project: by its packaging
// metadata (as Drupal does), else as core by where it sits, else by the
// Composer package whose directory holds it, else with the extension whose
// directory holds it, else by its own git checkout, else as custom code.
//
// Only extensions some site sees are filed: one that every site sees
// replaced by another of the same name is reported as a duplicate instead.
func (s *scanner) group(ci *composerInfo, visible map[*ext]bool) map[string]*project {
	projects := map[string]*project{}
	get := func(key, dir string) *project {
		p, ok := projects[key]
		if !ok {
			p = &project{key: key, dir: dir}
			projects[key] = p
		}
		return p
	}
	var cdirs []composerDir
	if ci != nil {
		cdirs, _ = ci.dirs()
	}
	// Shallow directories first, so that an extension's enclosing
	// extension has its project when the extension is reached.
	order := make([]*ext, 0, len(s.exts))
	for _, e := range s.exts {
		if (!e.test || s.opts.IncludeTests) && visible[e] {
			order = append(order, e)
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		di, dj := strings.Count(order[i].dir, "/"), strings.Count(order[j].dir, "/")
		if di != dj {
			return di < dj
		}
		return order[i].dir < order[j].dir
	})
	coreDir := path.Join(s.lay.docroot, "core")
	if s.lay.major < 8 {
		coreDir = s.lay.docroot
	}
	// First what identifies a project by itself, so that custom code
	// filed later cannot take a real project's name.
	for _, e := range order {
		e.drupalKey = s.drupalProjectName(e)
		switch {
		case e.drupalKey != "":
			e.key = e.drupalKey
			dir := e.dir
			if e.key == "drupal" {
				dir = coreDir
			}
			get(e.key, dir)
		case s.isCoreCode(e):
			e.key = "drupal"
			get(e.key, coreDir)
		default:
			for _, cd := range cdirs {
				if e.dir == cd.dir || strings.HasPrefix(e.dir, cd.dir+"/") {
					e.key = cd.project
					get(e.key, cd.dir)
					break
				}
			}
		}
	}
	byDir := map[string]*ext{}
	for _, e := range order {
		if _, ok := byDir[e.dir]; !ok && e.key != "" {
			byDir[e.dir] = e
		}
	}
	for _, e := range order {
		if e.key != "" {
			continue
		}
		for d := e.dir; d != "." && d != "/" && d != ""; d = path.Dir(d) {
			if anc, ok := byDir[d]; ok {
				e.key = anc.key
				break
			}
		}
		if e.key == "" {
			key := e.pub.Name
			g, isGit := readGit(s.fs, e.dir)
			custom := true
			if isGit && g.project != "" {
				key, custom = g.project, false
			}
			if p, ok := projects[key]; ok && p.dir != e.dir {
				key = key + "@" + e.dir
				s.warnings.add(e.pub.Path, fmt.Sprintf("project name %q is taken by %s; filed as %q", e.pub.Name, p.dir, key))
			}
			e.key = key
			p := get(key, e.dir)
			p.custom = custom
			if isGit {
				p.git = &g
			}
		}
		if _, ok := byDir[e.dir]; !ok {
			byDir[e.dir] = e
		}
	}
	if ci != nil {
		for _, cd := range cdirs {
			if p, ok := projects[cd.project]; ok && p.composer == nil {
				p.composer = cd.pkg
			}
		}
		// Packages found by name only: their directory was not found, but
		// the project is.
		for _, pkg := range ci.packages {
			if name, ok := drupalProjectPackage(pkg); ok {
				if p, ok := projects[name]; ok && p.composer == nil {
					p.composer = pkg
				}
			}
		}
	}
	return projects
}

// processingOrder sorts extensions as Drupal's update module meets them:
// the module list (profiles included) before the theme list, each by the
// origin of its directory, then by discovery order.
func processingOrder(exts []*ext) {
	rank := func(e *ext) int {
		switch e.pub.Type {
		case "module", "profile":
			return 0
		case "theme":
			return 1
		}
		return 2
	}
	sort.SliceStable(exts, func(i, j int) bool {
		a, b := exts[i], exts[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if a.origin != b.origin {
			return a.origin < b.origin
		}
		return a.seq < b.seq
	})
}

// projectInfo computes a project's inventory entry from the extensions
// used, following ProjectInfo::processInfoList: the first extension Drupal
// processes supplies the version, title and type, and the datestamp is the
// largest among the extensions of that same type. Extensions Drupal would
// not file under the project (no packaging metadata) only count when none
// does; then Composer's metadata, the git checkout and the extensions'
// own version keys are tried in that order.
func (s *scanner) projectInfo(p *project, used []*ext) drupal.InstalledProject {
	out := drupal.InstalledProject{}
	out.Extensions = make([]drupal.Extension, 0, len(p.members))
	for _, e := range p.members {
		out.Extensions = append(out.Extensions, e.pub)
	}
	out.Custom = p.custom
	out.Dir = p.dir
	if p.composer != nil {
		out.Composer = &drupal.ComposerPackage{Name: p.composer.Name, Version: p.composer.Version}
	}
	corePrefix := "8.x"
	if s.lay.major < 8 {
		corePrefix = "7.x"
	}
	var visible []*ext
	for _, e := range used {
		if e.drupalKey != p.key {
			continue
		}
		if s.lay.major < 8 && (e.pub.Hidden || (e.pub.Type == "profile" && !e.info.lookup("hidden").isset())) {
			continue // Drupal 7 skips hidden extensions; profiles are hidden by default
		}
		visible = append(visible, e)
	}
	displayType := func(e *ext) string {
		if p.key == "drupal" {
			return "core"
		}
		if e.pub.Type == "theme" {
			return "theme"
		}
		return "module"
	}
	setVersion := func(v, source string) {
		out.Version = &v
		out.VersionSource = source
	}
	switch {
	case len(visible) > 0:
		first := visible[0]
		out.Type = displayType(first)
		out.Title = first.pub.Label
		if first.hasVersion {
			setVersion(first.version, drupal.SourceInfo)
		}
		if first.hasMajor {
			m := first.major
			out.Major = &m
		}
		ds := int64(0)
		for _, e := range visible {
			if displayType(e) == out.Type && e.datestamp > ds {
				ds = e.datestamp
			}
		}
		out.Datestamp = drupal.Timestamp(ds)
	case len(used) > 0 || len(p.members) > 0:
		first := p.members[0]
		if len(used) > 0 {
			first = used[0]
		}
		out.Type = displayType(first)
		out.Title = first.pub.Label
		switch {
		case p.composer != nil:
			setVersion(p.composer.drupalVersion(corePrefix), drupal.SourceComposer)
			out.Datestamp = drupal.Timestamp(p.composer.datestamp())
		case p.git != nil && p.git.version != "":
			setVersion(p.git.version, drupal.SourceGit)
		case first.hasVersion:
			setVersion(first.version, drupal.SourceInfo)
		}
	}
	if p.key == "drupal" {
		// Drupal 7 forces core's version; Drupal 8+ reads "VERSION" as it.
		setVersion(s.lay.coreVersion, drupal.SourceCore)
		out.Type = "core"
	}
	if out.Version == nil {
		out.VersionSource = drupal.SourceNone
	}
	if p.composer != nil && out.VersionSource == drupal.SourceInfo {
		if cv := p.composer.drupalVersion(corePrefix); cv != *out.Version && !p.composerOnlyHasRelease() {
			s.warnings.add(p.dir, fmt.Sprintf("%s says %s but %s says %s (%s)", first(used, p).pub.Path, *out.Version, s.composerFile, cv, p.composer.Version))
		}
	}
	return out
}

// composerOnlyHasRelease is true when Composer's version cannot be
// compared: a branch or a reference without drupal.org metadata.
func (p *project) composerOnlyHasRelease() bool {
	v := p.composer.Version
	return strings.HasPrefix(v, "dev-") || strings.HasSuffix(v, "-dev") ||
		(jsonString(p.composer.Extra.Drupal.Version) == "" && !drupalTag.MatchString(p.composer.Source.Reference) && !drupalTag.MatchString(p.composer.Dist.Reference) && drupalDist.FindStringSubmatch(p.composer.Dist.URL) == nil)
}

func first(used []*ext, p *project) *ext {
	for _, e := range used {
		if e.drupalKey == p.key {
			return e
		}
	}
	return p.members[0]
}
