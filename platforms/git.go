package platforms

import (
	"bufio"
	"bytes"
	"path"
	"regexp"
	"strings"
)

// gitCheckout is what a project's own .git directory says, read as text:
// git itself is never run.
type gitCheckout struct {
	project string // from a drupal.org remote URL; "" otherwise
	version string // the release tag HEAD is at, or BRANCH-dev
}

var (
	// Remotes of drupal.org projects: https://git.drupalcode.org/project/X.git,
	// git@git.drupal.org:project/X.git, https://git.drupal.org/project/X.
	drupalRemote = regexp.MustCompile(`git\.drupal(?:code)?\.org[:/]+project/([A-Za-z0-9_]+?)(?:\.git)?/?$`)
	// A drupal.org development branch: 8.x-1.x, 7.x-3.x, 2.0.x, 1.x.
	drupalBranch = regexp.MustCompile(`^(?:\d+\.x-)?\d+\.(?:\d+\.)?x$`)
	sha1Hex      = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

// readGit inspects dir/.git (relative to the root). ok is false when there
// is no repository there.
func readGit(f *fsys, dir string) (gitCheckout, bool) {
	gitDir := path.Join(dir, ".git")
	fi, _ := f.stat(gitDir)
	if fi == nil {
		return gitCheckout{}, false
	}
	limit := int64(4 << 20)
	if !fi.IsDir() {
		// A worktree or submodule: ".git" is a file "gitdir: PATH". Only
		// relative paths inside the platform are followed.
		data, err := f.readFile(gitDir, 4096)
		if err != nil {
			return gitCheckout{}, false
		}
		target, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir:")
		target = strings.TrimSpace(target)
		if !ok || path.IsAbs(target) {
			return gitCheckout{}, true
		}
		gitDir = path.Clean(path.Join(dir, target))
		if strings.HasPrefix(gitDir, "..") {
			return gitCheckout{}, true
		}
	}
	var g gitCheckout
	if cfg, err := f.readFile(path.Join(gitDir, "config"), limit); err == nil {
		g.project = remoteProject(cfg)
	}
	head, err := f.readFile(path.Join(gitDir, "HEAD"), 4096)
	if err != nil {
		return g, true
	}
	h := strings.TrimSpace(string(head))
	var sha, branch string
	if ref, ok := strings.CutPrefix(h, "ref:"); ok {
		ref = strings.TrimSpace(ref)
		branch = strings.TrimPrefix(ref, "refs/heads/")
		sha = resolveRef(f, gitDir, ref, limit)
	} else if sha1Hex.MatchString(h) {
		sha = h
	}
	if sha != "" {
		if tag := tagAt(f, gitDir, sha, limit); tag != "" {
			g.version = tag
			return g, true
		}
	}
	if drupalBranch.MatchString(branch) {
		g.version = branch + "-dev"
	}
	return g, true
}

// remoteProject returns the drupal.org project of the first drupal.org
// remote in a git config file.
func remoteProject(cfg []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(cfg))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok || strings.TrimSpace(k) != "url" {
			continue
		}
		if m := drupalRemote.FindStringSubmatch(strings.TrimSpace(v)); m != nil {
			return m[1]
		}
	}
	return ""
}

// resolveRef reads a ref from its loose file or packed-refs.
func resolveRef(f *fsys, gitDir, ref string, limit int64) string {
	if strings.Contains(ref, "..") {
		return ""
	}
	if data, err := f.readFile(path.Join(gitDir, ref), 4096); err == nil {
		if s := strings.TrimSpace(string(data)); sha1Hex.MatchString(s) {
			return s
		}
	}
	for _, pr := range packedRefs(f, gitDir, limit) {
		if pr.name == ref {
			return pr.sha
		}
	}
	return ""
}

type packedRef struct{ name, sha, peeled string }

func packedRefs(f *fsys, gitDir string, limit int64) []packedRef {
	data, err := f.readFile(path.Join(gitDir, "packed-refs"), limit)
	if err != nil {
		return nil
	}
	var out []packedRef
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "^") && len(out) > 0:
			out[len(out)-1].peeled = strings.TrimSpace(line[1:])
		case len(line) > 41 && sha1Hex.MatchString(line[:40]):
			out = append(out, packedRef{name: strings.TrimSpace(line[41:]), sha: line[:40]})
		}
	}
	return out
}

// tagAt returns a release tag pointing at sha: packed tags (annotated ones
// through their peeled line) and lightweight loose tags. Loose annotated
// tags would need the object database and are not read.
func tagAt(f *fsys, gitDir, sha string, limit int64) string {
	var found []string
	for _, pr := range packedRefs(f, gitDir, limit) {
		if name, ok := strings.CutPrefix(pr.name, "refs/tags/"); ok && (pr.sha == sha || pr.peeled == sha) {
			found = append(found, name)
		}
	}
	if entries, ok := f.readDirQuiet(path.Join(gitDir, "refs/tags")); ok {
		for _, e := range entries {
			if !e.isReg {
				continue
			}
			data, err := f.readFile(path.Join(gitDir, "refs/tags", e.name), 4096)
			if err == nil && strings.TrimSpace(string(data)) == sha {
				found = append(found, e.name)
			}
		}
	}
	for _, t := range found {
		if drupalTag.MatchString(t) {
			return t
		}
	}
	return ""
}
