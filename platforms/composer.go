package platforms

import (
	"encoding/json"

	"fmt"
	"github.com/drupdate/drupdate/internal/drupal"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
)

// composerPkg is one package of composer.lock or installed.json.
type composerPkg struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Type    string `json:"type"`
	Source  struct {
		URL       string `json:"url"`
		Reference string `json:"reference"`
	} `json:"source"`
	Dist struct {
		URL       string `json:"url"`
		Reference string `json:"reference"`
	} `json:"dist"`
	Extra struct {
		Drupal struct {
			Version   json.RawMessage `json:"version"`
			Datestamp json.RawMessage `json:"datestamp"`
		} `json:"drupal"`
	} `json:"extra"`
	InstallPath string `json:"install-path"` // installed.json (Composer 2) only
	// Time is when the package's source was committed or released, as
	// Composer records it ("2022-02-14T07:42:18+00:00").
	Time string `json:"time"`
}

// composerInfo is what Composer says about a platform's drupal.org code.
type composerInfo struct {
	file     string // relative to the root
	packages []*composerPkg
	// installerPaths is composer.json's extra.installer-paths, in order.
	installerPaths []installerPath
	// hasCore is true when Composer manages Drupal core itself.
	hasCore bool
}

type installerPath struct {
	template string
	names    []string
}

// readComposer reads vendor/composer/installed.json (what is installed) or
// else composer.lock (what should be), plus composer.json's installer
// paths. It returns nil when the platform has neither.
func readComposer(f *fsys) *composerInfo {
	ci := &composerInfo{}
	if data := f.readOptional("vendor/composer/installed.json", f.opts.MaxFileSize); data != nil {
		pkgs, err := parseInstalledJSON(data)
		if err != nil {
			f.skipped.add("vendor/composer/installed.json", err.Error())
		} else {
			ci.file = "vendor/composer/installed.json"
			for _, p := range pkgs {
				if p.InstallPath != "" {
					p.InstallPath = path.Clean(path.Join("vendor/composer", p.InstallPath))
				}
			}
			ci.packages = pkgs
		}
	}
	if ci.file == "" {
		if data := f.readOptional("composer.lock", f.opts.MaxFileSize); data != nil {
			var lock struct {
				Packages    []*composerPkg `json:"packages"`
				PackagesDev []*composerPkg `json:"packages-dev"`
			}
			if err := json.Unmarshal(data, &lock); err != nil {
				f.skipped.add("composer.lock", fmt.Sprintf("broken JSON: %v", err))
			} else {
				ci.file = "composer.lock"
				ci.packages = append(lock.Packages, lock.PackagesDev...)
			}
		}
	}
	if ci.file == "" {
		return nil
	}
	if data := f.readOptional("composer.json", f.opts.MaxFileSize); data != nil {
		ci.installerPaths = parseInstallerPaths(data)
	}
	for _, p := range ci.packages {
		switch p.Name {
		case "drupal/core", "drupal/drupal", "drupal/core-recommended":
			ci.hasCore = true
		}
	}
	return ci
}

// parseInstalledJSON accepts both installed.json shapes: Composer 2's
// {"packages": [...]} and Composer 1's bare list.
func parseInstalledJSON(data []byte) ([]*composerPkg, error) {
	var v2 struct {
		Packages []*composerPkg `json:"packages"`
	}
	if err := json.Unmarshal(data, &v2); err == nil {
		return v2.Packages, nil
	}
	var v1 []*composerPkg
	if err := json.Unmarshal(data, &v1); err != nil {
		return nil, fmt.Errorf("broken JSON: %w", err)
	}
	return v1, nil
}

// parseInstallerPaths keeps the order of extra.installer-paths, which
// composer/installers honours (the first match wins).
func parseInstallerPaths(data []byte) []installerPath {
	var cj struct {
		Extra struct {
			InstallerPaths json.RawMessage `json:"installer-paths"`
		} `json:"extra"`
	}
	if json.Unmarshal(data, &cj) != nil || len(cj.Extra.InstallerPaths) == 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(cj.Extra.InstallerPaths)))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out []installerPath
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		key, _ := t.(string)
		var names []string
		if err := dec.Decode(&names); err != nil {
			return out
		}
		out = append(out, installerPath{template: key, names: names})
	}
	return out
}

// drupalProjectPackage reports whether a package is drupal.org code the
// scanner maps to a project: drupal/* modules, themes and profiles, and
// core.
func drupalProjectPackage(p *composerPkg) (project string, ok bool) {
	name, found := strings.CutPrefix(p.Name, "drupal/")
	if !found {
		return "", false
	}
	switch p.Type {
	case "drupal-core":
		return "drupal", true
	case "drupal-module", "drupal-theme", "drupal-profile", "drupal-custom-module", "drupal-custom-theme", "drupal-custom-profile":
		return name, true
	}
	return "", false
}

// installDir returns where Composer put a package, relative to the root:
// installed.json's install-path, else the first matching installer path,
// else composer/installers' default for the type. ok is false when there
// is no telling.
func (ci *composerInfo) installDir(p *composerPkg) (string, bool) {
	if p.InstallPath != "" {
		return p.InstallPath, true
	}
	vendor, name, _ := strings.Cut(p.Name, "/")
	for _, ip := range ci.installerPaths {
		for _, n := range ip.names {
			if n == p.Name || n == "type:"+p.Type || n == "vendor:"+vendor {
				r := strings.NewReplacer("{$name}", name, "{$vendor}", vendor, "{$type}", strings.TrimPrefix(p.Type, "drupal-"))
				return path.Clean(r.Replace(ip.template)), true
			}
		}
	}
	defaults := map[string]string{
		"drupal-core":          "core",
		"drupal-module":        "modules/" + name,
		"drupal-theme":         "themes/" + name,
		"drupal-profile":       "profiles/" + name,
		"drupal-custom-module": "modules/custom/" + name,
		"drupal-custom-theme":  "themes/custom/" + name,
	}
	d, ok := defaults[p.Type]
	return d, ok
}

var (
	// A drupal.org release tag: 8.x-1.9, 7.x-3.20-beta1, 2.0.3, 10.1.0-rc1.
	drupalTag = regexp.MustCompile(`^(?:\d+\.x-)?\d+\.\d+(?:\.\d+)?(?:-[A-Za-z]+\d*)?$`)
	// A drupal.org dist file name: address-8.x-1.9.zip.
	drupalDist = regexp.MustCompile(`^https?://ftp\.drupal\.org/files/projects/[^/]+?-((?:\d+\.x-)?\d+\.\d+[^/]*?)\.(?:zip|tar\.gz|tgz)$`)
	// Composer versions the legacy mapping can invert: 1.9.0, 2.0.0-beta7,
	// 1.x-dev.
	composerLegacy    = regexp.MustCompile(`^v?(\d+)\.(\d+)\.0(?:\.0)?(-[A-Za-z]+\d*)?$`)
	composerLegacyDev = regexp.MustCompile(`^v?(\d+)\.x-dev$`)
)

// DrupalVersion maps a Composer version from packages.drupal.org back to
// the drupal.org version. Composer versions of projects on legacy
// numbering drop the core prefix and gain a ".0" (drupal.org 8.x-1.9 is
// Composer 1.9.0), so for those legacy is true and corePrefix ("8.x" or
// "7.x") is put back; semantic versions are kept as they are. A leading
// "v" is dropped, and a branch "dev-8.x-1.x" becomes "8.x-1.x-dev".
func DrupalVersion(composerVersion string, legacy bool, corePrefix string) string {
	v := composerVersion
	if b, ok := strings.CutPrefix(v, "dev-"); ok {
		return b + "-dev"
	}
	if legacy {
		if m := composerLegacy.FindStringSubmatch(v); m != nil {
			return corePrefix + "-" + m[1] + "." + m[2] + m[3]
		}
		if m := composerLegacyDev.FindStringSubmatch(v); m != nil {
			return corePrefix + "-" + m[1] + ".x-dev"
		}
	}
	return strings.TrimPrefix(v, "v")
}

// drupalVersion returns the drupal.org version of a package:
// extra.drupal.version when present, else the release tag the package was
// built from (its source or dist reference, or the dist file name), else
// the Composer version as a semantic version.
func (p *composerPkg) drupalVersion(corePrefix string) string {
	if v := jsonString(p.Extra.Drupal.Version); v != "" {
		return v
	}
	for _, ref := range []string{p.Source.Reference, p.Dist.Reference} {
		if drupalTag.MatchString(ref) && sameRelease(ref, p.Version) {
			return ref
		}
	}
	if m := drupalDist.FindStringSubmatch(p.Dist.URL); m != nil && sameRelease(m[1], p.Version) {
		return m[1]
	}
	return DrupalVersion(p.Version, false, corePrefix)
}

// sameRelease guards against a tag that is not the release: the tag with
// its core prefix dropped must map to the Composer version.
func sameRelease(tag, composerVersion string) bool {
	t := tag
	if i := strings.Index(t, ".x-"); i > 0 && i <= 2 {
		t = t[i+3:]
		if m := composerLegacy.FindStringSubmatch(composerVersion); m != nil {
			return t == m[1]+"."+m[2]+m[3]
		}
		return false
	}
	return strings.TrimPrefix(composerVersion, "v") == t
}

func (p *composerPkg) datestamp() int64 {
	return parseDatestamp(jsonString(p.Extra.Drupal.Datestamp))
}

// snapshotTime is a development snapshot's packaging time: drupal.org's
// datestamp, else the commit time Composer locked. 0 when neither is
// known or the package is no branch.
func (p *composerPkg) snapshotTime(drupalVersion string) int64 {
	if d := p.datestamp(); d > 0 || !strings.HasSuffix(drupalVersion, "-dev") {
		return d
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, p.Time); err == nil && t.Unix() > 0 {
			return t.Unix()
		}
	}
	return 0
}

// jsonString reads a JSON string or number as text.
func jsonString(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// composerProjects maps each drupal.org package's install directory
// (relative to the root) to the package, longest directories first so
// that nested packages win.
type composerDir struct {
	dir     string
	project string
	pkg     *composerPkg
}

func (ci *composerInfo) dirs() (byDir []composerDir, byName map[string]*composerPkg) {
	byName = map[string]*composerPkg{}
	for _, p := range ci.packages {
		project, ok := drupalProjectPackage(p)
		if !ok {
			continue
		}
		byName[project] = p
		if d, ok := ci.installDir(p); ok {
			byDir = append(byDir, composerDir{dir: d, project: project, pkg: p})
		}
	}
	sort.SliceStable(byDir, func(i, j int) bool { return len(byDir[i].dir) > len(byDir[j].dir) })
	return byDir, byName
}

// libraries lists the packages that are not drupal.org projects, sorted,
// each name once.
func (ci *composerInfo) libraries() []drupal.ComposerPackage {
	if ci == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []drupal.ComposerPackage
	for _, p := range ci.packages {
		if _, ok := drupalProjectPackage(p); ok || p.Name == "" || seen[p.Name] {
			continue
		}
		seen[p.Name] = true
		out = append(out, drupal.ComposerPackage{Name: p.Name, Version: p.Version})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
