package platforms

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"sort"

	"github.com/drupdate/drupdate/internal/drupal"
)

// Scan inventories the Drupal codebase at root: core's version, every
// project with its version and extensions, the sites and what they use,
// and the unmet dependencies. Files it cannot use are listed in the
// inventory's Skipped and logged, and the scan goes on; an error means
// there is no inventory at all (root unreadable, no Drupal core found).
// Nothing in the tree is executed.
func Scan(ctx context.Context, root string, opts Options) (*drupal.Inventory, error) {
	opts = opts.withDefaults()
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("platform %s: %w", root, err)
	}
	fi, err := filepathStat(absRoot)
	if err != nil {
		return nil, fmt.Errorf("platform %s: %w", root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("platform %s: not a directory", root)
	}
	s := &scanner{opts: opts}
	s.fs = &fsys{root: absRoot, opts: &s.opts, skipped: newIssues(ctx, opts.Logger, "skipped", root)}
	s.warnings = newIssues(ctx, opts.Logger, "warning", root)
	s.lay, err = findLayout(s.fs)
	if errors.Is(err, ErrNotDrupal) {
		if inv := s.scanComposerOnly(root); inv != nil {
			return inv, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("platform %s: %w", root, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	absSlash := filepath.ToSlash(absRoot)
	sites := s.findSites(absSlash)
	siteDirs := make([]string, len(sites))
	for i, st := range sites {
		siteDirs[i] = st.docDir
	}
	if s.lay.major >= 8 {
		s.discoverModern(siteDirs)
	} else {
		s.discoverD7(siteDirs)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.markProfiles()
	ci := readComposer(s.fs)
	if ci != nil {
		s.composerFile = ci.file
	}

	// Each site sees its own set of extensions; without sites, the
	// platform is one anonymous site that uses everything.
	views := make([]*siteView, 0, len(sites)+1)
	for _, st := range sites {
		views = append(views, s.view(st))
	}
	if len(sites) == 0 {
		s.warnings.add(s.relRoot("sites"), "no site found (no sites/*/settings.php): counting everything installed as used")
		views = append(views, s.view(nil))
	}

	// An extension is a member of its project when some site can see it
	// (an extension every site sees replaced by another of the same name
	// is not), and used when some site uses it.
	visibleSet := map[*ext]bool{}
	usedSet := map[*ext]bool{}
	for _, v := range views {
		for _, list := range v.lists {
			for _, e := range list {
				visibleSet[e] = true
			}
		}
		for _, e := range v.used {
			usedSet[e] = true
		}
	}
	projects := s.group(ci, visibleSet)
	ordered := append([]*ext(nil), s.exts...)
	processingOrder(ordered)
	for _, e := range ordered {
		if e.key != "" && visibleSet[e] {
			projects[e.key].members = append(projects[e.key].members, e)
		}
	}

	inv := &drupal.Inventory{
		CoreVersion: s.lay.coreVersion,
		Projects:    map[string]drupal.InstalledProject{},
	}
	anyPackaged := false
	for _, e := range s.exts {
		if e.hasProject && !e.test {
			anyPackaged = true
			break
		}
	}
	managedBy, vcs, makeFiles := management(s.fs, s.lay, ci != nil && (ci.hasCore || hasDrupalPackages(ci)), anyPackaged)
	inv.Platform = &drupal.Platform{
		Root:            root,
		Docroot:         s.lay.docroot,
		DrupalMajor:     s.lay.major,
		CoreVersionFile: s.lay.coreFile,
		ManagedBy:       managedBy,
		VCS:             vcs,
		ComposerFile:    s.composerFile,
		MakeFiles:       makeFiles,
	}
	keys := make([]string, 0, len(projects))
	for k := range projects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := projects[k]
		if len(p.members) == 0 {
			continue // every copy is shadowed; the warnings say by what
		}
		var used []*ext
		for _, e := range p.members {
			if usedSet[e] {
				used = append(used, e)
			}
		}
		ip := s.projectInfo(p, used)
		if len(used) > 0 {
			inv.Projects[k] = ip
		} else {
			if inv.Unused == nil {
				inv.Unused = map[string]drupal.InstalledProject{}
			}
			inv.Unused[k] = ip
		}
	}
	for _, v := range views {
		if v.site == nil {
			continue
		}
		seen := map[string]bool{}
		v.site.pub.Projects = []string{}
		for _, e := range v.used {
			if e.key != "" && !seen[e.key] {
				seen[e.key] = true
				v.site.pub.Projects = append(v.site.pub.Projects, e.key)
			}
		}
		sort.Strings(v.site.pub.Projects)
		inv.Sites = append(inv.Sites, v.site.pub)
	}
	MarkHosted(inv, opts.Hosted)
	inv.Libraries = ci.libraries()
	inv.Problems = s.problems(views)
	inv.Skipped = s.fs.skipped.sorted()
	inv.Warnings = s.warnings.sorted()
	return inv, nil
}

// MarkHosted marks the projects released elsewhere (see Options.Hosted);
// they are no longer custom code. Scan does it; callers reading an
// inventory from a file do it themselves.
func MarkHosted(inv *drupal.Inventory, hosted map[string]string) {
	for name, where := range hosted {
		for _, m := range []map[string]drupal.InstalledProject{inv.Projects, inv.Unused} {
			if p, ok := m[name]; ok {
				p.Custom, p.Hosted = false, where
				m[name] = p
			}
		}
	}
}

func hasDrupalPackages(ci *composerInfo) bool {
	for _, p := range ci.packages {
		if _, ok := drupalProjectPackage(p); ok {
			return true
		}
	}
	return false
}

// markProfiles records, for every extension inside an installation
// profile's directory, which profile that is: Drupal offers such
// extensions only to sites installed with that profile.
func (s *scanner) markProfiles() {
	var profDirs []string
	for _, e := range s.exts {
		if e.pub.Type == "profile" {
			profDirs = append(profDirs, path.Dir(e.docRel))
		}
	}
	// Longest first: a profile nested in another's directory wins.
	sort.Slice(profDirs, func(i, j int) bool { return len(profDirs[i]) > len(profDirs[j]) })
	for _, e := range s.exts {
		if e.pub.Type == "profile" || e.origin != originProfile {
			continue
		}
		d := path.Dir(e.docRel)
		for _, pd := range profDirs {
			if d == pd || len(d) > len(pd) && d[:len(pd)+1] == pd+"/" {
				e.inProf = pd
				break
			}
		}
	}
}

// siteView is the extensions one site sees, resolved by name as Drupal
// resolves them, and the ones it uses.
type siteView struct {
	site  *site // nil for the anonymous site of a platform without sites
	lists map[string]map[string]*ext
	used  []*ext
}

// view resolves the extensions a site sees. Candidates are taken in
// Drupal's order (core, profile, sites/all, the docroot, the site's
// directory); a later origin replaces an earlier one of the same name
// (Drupal 7: unless the later one is not for 7.x), and within one origin
// the first found is kept.
func (s *scanner) view(st *site) *siteView {
	v := &siteView{site: st, lists: map[string]map[string]*ext{}}
	profileDir := ""
	if st != nil && st.pub.Profile != "" {
		for _, e := range s.exts {
			if e.pub.Type == "profile" && e.pub.Name == st.pub.Profile {
				profileDir = path.Dir(e.docRel)
				break
			}
		}
		if profileDir == "" {
			s.warnings.add(s.relRoot(st.docDir), fmt.Sprintf("installation profile %q not found", st.pub.Profile))
		}
	}
	cands := append([]*ext(nil), s.exts...)
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].origin != cands[j].origin {
			return cands[i].origin < cands[j].origin
		}
		return cands[i].seq < cands[j].seq
	})
	for _, e := range cands {
		if e.pub.Site != "" && (st == nil || e.pub.Site != st.docDir) {
			continue
		}
		if profileDir != "" {
			if e.inProf != "" && e.inProf != profileDir {
				continue
			}
			if e.pub.Type == "profile" && path.Dir(e.docRel) != profileDir {
				continue
			}
		}
		list := e.typeList()
		names := v.lists[list]
		if names == nil {
			names = map[string]*ext{}
			v.lists[list] = names
		}
		cur, ok := names[e.pub.Name]
		switch {
		case !ok:
			names[e.pub.Name] = e
		case cur.origin == e.origin:
			s.duplicate(cur, e, "the first found is used")
		case s.lay.major < 8 && !e.core.looseEqualString("7.x"):
			s.duplicate(cur, e, "it is not for Drupal 7.x, so Drupal keeps the earlier one")
		default:
			names[e.pub.Name] = e
			s.duplicate(e, cur, "the later search directory wins")
		}
	}
	if st != nil && st.enabled != nil {
		for _, key := range sortedKeys(st.enabled) {
			list, name := splitListKey(key)
			e, ok := v.lists[list][name]
			if !ok {
				s.warnings.add(st.pub.ConfigSync+"/core.extension.yml", fmt.Sprintf("enables %s %s, which is not on the platform", list, name))
				continue
			}
			v.used = append(v.used, e)
		}
	} else {
		for _, list := range []string{"module", "theme", "theme_engine"} {
			for _, e := range v.lists[list] {
				if !e.test || s.opts.IncludeTests {
					v.used = append(v.used, e)
				}
			}
		}
	}
	processingOrder(v.used)
	return v
}

// duplicate warns about two extensions of one machine name, unless both
// are test extensions (core ships such pairs on purpose).
func (s *scanner) duplicate(kept, other *ext, why string) {
	if kept.test && other.test && !s.opts.IncludeTests {
		return
	}
	s.warnings.add(other.pub.Path, fmt.Sprintf("duplicate machine name %s: %s is used instead (%s)", other.pub.Name, kept.pub.Path, why))
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
