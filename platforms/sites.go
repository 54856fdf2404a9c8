package platforms

import (
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/drupdate/drupdate/internal/drupal"
)

// site is a site as the scanner works with it.
type site struct {
	pub drupal.Site
	// docDir is the site directory relative to the docroot ("sites/x").
	docDir string
	// enabled holds the extensions core.extension.yml enables, as
	// listKey(type list, name); nil when unknown.
	enabled map[string]bool
}

// siteSettings is what settings.php says, as far as text can tell.
type siteSettings struct {
	configSync   string // as written: absolute or relative to the docroot
	configSyncOK bool
	configSet    bool
	profile      string
}

// findSites lists sites/*/settings.php and reads sites/sites.php.
func (s *scanner) findSites(absRoot string) []*site {
	sitesDir := s.relRoot("sites")
	entries, ok := s.fs.readDirQuiet(sitesDir)
	if !ok {
		return nil
	}
	var sites []*site
	byDir := map[string]*site{}
	for _, e := range entries {
		// sites/all holds shared code, sites/simpletest test sites.
		if !e.isDir || e.name[0] == '.' || e.name == "all" || e.name == "simpletest" {
			continue
		}
		docDir := "sites/" + e.name
		if !s.fs.isFile(s.relRoot(docDir + "/settings.php")) {
			continue
		}
		st := &site{pub: drupal.Site{Dir: docDir}, docDir: docDir}
		sites = append(sites, st)
		byDir[e.name] = st
	}
	// sites.php maps host names to directories.
	spRel := s.relRoot("sites/sites.php")
	if data := s.fs.readOptional(spRel, s.opts.MaxFileSize); data != nil {
		env := phpEnv{appRoot: path.Join(absRoot, s.lay.docroot), dir: path.Join(absRoot, s.lay.docroot, "sites")}
		for _, st := range scanStatements(tokenizePHP(string(data)), env) {
			a := st.assign
			if a == nil || a.variable != "sites" || !a.keyOK {
				continue
			}
			if !a.valueOK {
				s.warnings.add(spRel, fmt.Sprintf("cannot work out the directory of $sites[%q]", a.key))
				continue
			}
			if target, ok := byDir[a.value]; ok {
				target.pub.Aliases = append(target.pub.Aliases, a.key)
			} else {
				s.warnings.add(spRel, fmt.Sprintf("$sites[%q] names sites/%s, which has no settings.php", a.key, a.value))
			}
		}
	}
	for _, st := range sites {
		sort.Strings(st.pub.Aliases)
		s.readSiteConfig(st, absRoot)
	}
	return sites
}

// readSiteConfig reads a site's settings.php and, for Drupal 8+, the
// core.extension.yml of its configuration sync directory.
func (s *scanner) readSiteConfig(st *site, absRoot string) {
	settingsRel := s.relRoot(st.docDir + "/settings.php")
	docAbs := path.Join(absRoot, s.lay.docroot)
	env := phpEnv{appRoot: docAbs, sitePath: st.docDir, dir: path.Join(docAbs, st.docDir)}
	var set siteSettings
	s.readSettings(settingsRel, env, &set, 0)
	st.pub.Profile = set.profile
	if s.lay.major < 8 {
		st.pub.UsesAll = true
		return
	}
	var syncRel string
	switch {
	case set.configSet && !set.configSyncOK:
		s.warnings.add(settingsRel, "cannot work out the configuration sync directory from settings.php")
	case set.configSet:
		abs := set.configSync
		if !path.IsAbs(abs) {
			abs = path.Join(docAbs, abs)
		}
		if rel, err := filepath.Rel(absRoot, filepath.FromSlash(abs)); err == nil {
			syncRel = filepath.ToSlash(rel)
		}
	default:
		// Before Drupal 8.8 the installer put the directory under files/
		// with a random name, and wrote that name into settings.php; look
		// for it in case settings.php is not the one that names it.
		if matches := s.globDirs(s.relRoot(st.docDir+"/files"), "config_", "sync"); len(matches) > 0 {
			syncRel = matches[0]
		}
	}
	if syncRel != "" {
		if !s.fs.isDir(syncRel) {
			s.warnings.add(settingsRel, fmt.Sprintf("configuration sync directory %s not found", syncRel))
		} else {
			st.pub.ConfigSync = syncRel
			s.readCoreExtension(st, path.Join(syncRel, "core.extension.yml"))
		}
	}
	st.pub.UsesAll = st.enabled == nil
}

// maxIncludeDepth bounds the includes followed from settings.php.
const maxIncludeDepth = 4

func (s *scanner) readSettings(rel string, env phpEnv, set *siteSettings, depth int) {
	data := s.fs.readOptional(rel, s.opts.MaxFileSize)
	if data == nil {
		return
	}
	for _, st := range scanStatements(tokenizePHP(string(data)), env) {
		if st.isInc {
			if !st.incOK {
				continue
			}
			inc := st.include
			if !path.IsAbs(inc) {
				inc = path.Join(env.appRoot, inc)
			}
			incRel, err := filepath.Rel(s.fs.root, filepath.FromSlash(inc))
			if err != nil || depth >= maxIncludeDepth {
				continue
			}
			incRel = filepath.ToSlash(incRel)
			if !s.fs.isFile(incRel) {
				continue
			}
			sub := env
			sub.dir = path.Dir(inc)
			s.readSettings(incRel, sub, set, depth+1)
			continue
		}
		a := st.assign
		switch {
		case a.variable == "settings" && a.keyOK && a.key == "config_sync_directory",
			a.variable == "config_directories" && a.keyOK && (a.key == "sync" || a.key == "CONFIG_SYNC_DIRECTORY"):
			set.configSet, set.configSync, set.configSyncOK = true, a.value, a.valueOK
		case a.variable == "config_directories" && a.key == "" && a.arrayValues != nil:
			if v, ok := a.arrayValues["sync"]; ok {
				set.configSet, set.configSync, set.configSyncOK = true, v, true
			}
		case (a.variable == "settings" || a.variable == "conf") && a.keyOK && a.key == "install_profile" && a.valueOK:
			set.profile = a.value
		}
	}
}

// globDirs returns dir/PREFIX*/sub directories, sorted.
func (s *scanner) globDirs(dir, prefix, sub string) []string {
	entries, ok := s.fs.readDirQuiet(dir)
	if !ok {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.isDir && strings.HasPrefix(e.name, prefix) && s.fs.isDir(path.Join(dir, e.name, sub)) {
			out = append(out, path.Join(dir, e.name, sub))
		}
	}
	return out
}

// readCoreExtension reads the modules, themes and profile a site enables.
func (s *scanner) readCoreExtension(st *site, rel string) {
	data := s.fs.readOptional(rel, s.opts.MaxFileSize)
	if data == nil {
		return
	}
	var ce struct {
		Module  map[string]any `yaml:"module"`
		Theme   map[string]any `yaml:"theme"`
		Profile string         `yaml:"profile"`
	}
	if err := yaml.Unmarshal(data, &ce); err != nil {
		s.fs.skipped.add(rel, fmt.Sprintf("broken YAML: %v", err))
		return
	}
	st.enabled = map[string]bool{}
	names := map[string]bool{}
	for m := range ce.Module {
		st.enabled[listKey("module", m)] = true
		names[m] = true
	}
	for t := range ce.Theme {
		st.enabled[listKey("theme", t)] = true
		names[t] = true
	}
	if ce.Profile != "" {
		st.pub.Profile = ce.Profile
		st.enabled[listKey("module", ce.Profile)] = true
		names[ce.Profile] = true
	}
	st.pub.Enabled = sortedKeys(names)
}

func listKey(list, name string) string { return list + ":" + name }

func splitListKey(k string) (list, name string) {
	list, name, _ = strings.Cut(k, ":")
	return list, name
}
