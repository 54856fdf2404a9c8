package app

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const realOSV = "../../testdata/advisories/drupal-advisory-database-osv"

// lockPlatform is a directory with only composer.json and the real
// Drupal 8.9.20 composer.lock, as the audit of a CI checkout sees it.
func lockPlatform(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	lock, err := os.ReadFile("../../testdata/advisories/drupal-8.9.20-sas-isus.composer.lock")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "composer.lock", string(lock))
	writeFile(t, dir, "composer.json", `{"name": "example/site", "require": {"drupal/core-recommended": "^8.9"}}`)
	return dir
}

func auditJSON(t *testing.T, args ...string) (int, auditReport, string) {
	t.Helper()
	code, out, stderr := run(t, append([]string{"audit", "--format", "json"}, args...)...)
	var rep auditReport
	if code == exitOK || code == exitInsecure {
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("audit output is not JSON: %v\n%s", err, out)
		}
	}
	return code, rep, stderr
}

func findingKeys(rep auditReport) map[string]bool {
	out := map[string]bool{}
	for _, f := range rep.Findings {
		out[f.Package+" "+f.Installed+" "+f.Advisory] = true
	}
	return out
}

// TestAuditLock: the real lock against the real advisories gives exactly
// the hand-checked findings of resolver/advisory's golden file.
func TestAuditLock(t *testing.T) {
	code, rep, stderr := auditJSON(t, lockPlatform(t), "--osv", realOSV)
	if code != exitInsecure {
		t.Fatalf("audit = exit %d, want 3; stderr %s", code, stderr)
	}
	var golden struct {
		Findings map[string][]struct {
			ID        string `json:"id"`
			Installed string `json:"installed"`
		} `json:"findings"`
	}
	data, err := os.ReadFile("../../testdata/advisories/drupal-8.9.20.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for pkg, fs := range golden.Findings {
		for _, f := range fs {
			want[pkg+" "+f.Installed+" "+f.ID] = true
		}
	}
	got := findingKeys(rep)
	for k := range want {
		if !got[k] {
			t.Errorf("missing finding %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("unexpected finding %s", k)
		}
	}
	// The example shape, field for field.
	for _, f := range rep.Findings {
		if f.Advisory == "DRUPAL-CONTRIB-2026-015" {
			if f.Project != "captcha" || f.Package != "drupal/captcha" || f.Installed != "1.2.0" || f.Version != "8.x-1.2" ||
				strings.Join(f.Aliases, ",") != "CVE-2026-3214" || f.Fixed != "1.17.0" || f.Link == "" {
				t.Errorf("captcha finding = %+v", f)
			}
		}
	}
	if rep.Summary.Findings != len(want) || len(rep.Sources) != 1 || rep.Sources[0].Count != 591 {
		t.Errorf("summary %+v, sources %+v", rep.Summary, rep.Sources)
	}
}

// TestAuditWaivers: a waiver hides nothing; it marks the finding waived,
// and the exit status is 0 only when every finding is waived.
func TestAuditWaivers(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "inv.json", `{"core_version": "10.1.0", "projects": {
		"drupal": {"version": "10.1.0", "type": "core"},
		"captcha": {"version": "2.0.5", "type": "module"}}}`)
	// Advisories for both, on their own.
	osvDir := filepath.Join(dir, "osv")
	writeFile(t, osvDir, "advisories/captcha/DRUPAL-CONTRIB-2026-015.json", `{"id": "DRUPAL-CONTRIB-2026-015", "modified": "2026-03-01T00:00:00Z",
		"aliases": ["CVE-2026-3214"], "affected": [{"package": {"ecosystem": "Packagist:https://packages.drupal.org/8", "name": "drupal/captcha"},
		"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0.6"}]}]}]}`)
	writeFile(t, osvDir, "advisories/core/DRUPAL-CORE-2026-001.json", `{"id": "DRUPAL-CORE-2026-001", "modified": "2026-03-01T00:00:00Z",
		"affected": [{"package": {"ecosystem": "Packagist", "name": "drupal/core"},
		"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "10.0.0"}, {"fixed": "10.1.8"}]}]}]}`)
	inv := filepath.Join(dir, "inv.json")
	waivers := writeFile(t, dir, "waivers.yml", `
- advisory: CVE-2026-3214           # by alias
  reason: captcha is disabled on every site
  expires: 2026-12-31
- advisory: SA-CORE-2026-001        # by drupal.org SA id
  reason: WAF rule in place
  expires: 2026-06-30
`)
	for _, tc := range []struct {
		now     string
		code    int
		waived  int
		expired string
	}{
		{"2026-06-01T00:00:00Z", exitOK, 2, ""},
		{"2026-06-30T23:59:59Z", exitOK, 2, ""}, // through the last day
		{"2026-07-01T00:00:00Z", exitInsecure, 1, "DRUPAL-CORE-2026-001"},
	} {
		code, rep, stderr := auditJSON(t, "--installed", inv, "--osv", osvDir, "--waivers", waivers, "--now", tc.now)
		if code != tc.code || rep.Summary.Waived != tc.waived || len(rep.Findings) != 2 {
			t.Errorf("audit at %s = exit %d, %d waived of %d findings; want exit %d, %d waived of 2 (stderr %s)",
				tc.now, code, rep.Summary.Waived, len(rep.Findings), tc.code, tc.waived, stderr)
		}
		for _, f := range rep.Findings {
			if (f.WaiverExpired != nil) != (f.Advisory == tc.expired) {
				t.Errorf("audit at %s: %s waiver_expired = %v", tc.now, f.Advisory, f.WaiverExpired)
			}
		}
	}
	// A waiver without an expiry or a reason is refused.
	bad := writeFile(t, dir, "bad.yml", "- advisory: X\n  reason: because\n")
	if code, _, stderr := run(t, "audit", "--installed", inv, "--osv", osvDir, "--waivers", bad); code != exitError || !strings.Contains(stderr, "expires: missing") {
		t.Errorf("audit with a waiver without expiry = exit %d, %s", code, stderr)
	}
	unknown := writeFile(t, dir, "unknown.yml", "- advisory: X\n  reason: r\n  expires: 2026-01-01\n  platfrom: typo\n")
	if code, _, stderr := run(t, "audit", "--installed", inv, "--osv", osvDir, "--waivers", unknown); code != exitError || !strings.Contains(stderr, `line 4: unknown key "platfrom"`) {
		t.Errorf("audit with a misspelt waiver key = exit %d, %s", code, stderr)
	}
}

// TestAuditOSVZip: the database as a zip archive over HTTP, pinned.
func TestAuditOSVZip(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(realOSV, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(realOSV, p)
		w, err := zw.Create("drupal-advisory-database-main/" + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		w.Write(data)
		return err
	})
	if err != nil || zw.Close() != nil {
		t.Fatal(err)
	}
	archive := buf.Bytes()
	sum := sha256.Sum256(archive)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(archive)
	}))
	defer srv.Close()
	url := srv.URL + "/archive/main.zip?token=s3cret-token"
	code, rep, stderr := auditJSON(t, lockPlatform(t), "--osv", url, "--osv-sha256", hex.EncodeToString(sum[:]))
	if code != exitInsecure || len(rep.Findings) != 60 || rep.Sources[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("audit over a zip = exit %d, %d findings, sources %+v; stderr %s", code, len(rep.Findings), rep.Sources, stderr)
	}
	out, _ := json.Marshal(rep)
	if strings.Contains(string(out), "s3cret-token") {
		t.Errorf("the URL's query (a credential) appears in the report")
	}
	code, _, stderr = auditJSON(t, lockPlatform(t), "--osv", url, "--osv-sha256", strings.Repeat("0", 64))
	if code != exitError || !strings.Contains(stderr, "osv_sha256 pins") || strings.Contains(stderr, "s3cret-token") {
		t.Errorf("audit over a zip with the wrong pin = exit %d, stderr %s", code, stderr)
	}
}

func TestAuditBadInput(t *testing.T) {
	dir := t.TempDir()
	inv := writeFile(t, dir, "inv.json", `{"core_version": "10.1.0", "projects": {"drupal": {"version": "10.1.0"}}}`)
	broken := filepath.Join(dir, "broken")
	writeFile(t, broken, "advisories/x/DRUPAL-CONTRIB-2026-999.json", `{"id": "DRUPAL-CONTRIB-2026-999", "affected": [`)
	hostile := filepath.Join(dir, "hostile")
	writeFile(t, hostile, "advisories/x/DRUPAL-CONTRIB-2026-998.json", `{"id": "DRUPAL-CONTRIB-2026-998", "affected": [{"package": {"ecosystem": "Packagist", "name": "drupal/core"},
		"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "$(rm -rf /)"}]}]}]}`)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"audit", "--installed", inv}, exitUsage, "audit needs advisories"},
		{[]string{"audit", "--installed", inv, "--osv", filepath.Join(dir, "nope")}, exitError, "no such file"},
		{[]string{"audit", "--installed", inv, "--osv", inv}, exitError, "not a directory"},
		{[]string{"audit", "--installed", inv, "--osv", broken}, exitError, "DRUPAL-CONTRIB-2026-999.json"},
		{[]string{"audit", "--installed", inv, "--osv", hostile}, exitError, "DRUPAL-CONTRIB-2026-998"},
		{[]string{"audit", "--installed", inv, "--osv", "ftp://example.com/x.zip"}, exitError, "no such file"},
	} {
		code, _, stderr := run(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("drupdate %q = exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

// TestAuditLibraries: the lock's other packages are checked against
// Packagist advisories (GHSA records in OSV form), as composer audit
// does; a named branch is listed as unchecked, never passed.
func TestAuditLibraries(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "site/composer.json", `{"require": {"drupal/core": "^10"}}`)
	writeFile(t, dir, "site/composer.lock", `{"packages": [
		{"name": "drupal/core", "version": "10.3.1", "type": "drupal-core"},
		{"name": "guzzlehttp/guzzle", "version": "7.4.1", "type": "library"},
		{"name": "symfony/http-kernel", "version": "dev-main", "type": "library"},
		{"name": "psr/log", "version": "3.0.0", "type": "library"}]}`)
	osvDir := filepath.Join(dir, "osv")
	writeFile(t, osvDir, "advisories/ghsa/GHSA-q559-8m2m-g699.json", `{"id": "GHSA-q559-8m2m-g699", "modified": "2022-06-21T00:00:00Z", "aliases": ["CVE-2022-31090"],
		"affected": [{"package": {"ecosystem": "Packagist", "name": "guzzlehttp/guzzle"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "7.0.0"}, {"fixed": "7.4.5"}]}]}],
		"severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"}]}`)
	writeFile(t, osvDir, "advisories/ghsa/GHSA-xxxx-kernel.json", `{"id": "GHSA-xxxx-kernel", "modified": "2022-06-21T00:00:00Z",
		"affected": [{"package": {"ecosystem": "Packagist", "name": "symfony/http-kernel"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "6.4.2"}]}]}]}`)
	code, rep, stderr := auditJSON(t, filepath.Join(dir, "site"), "--osv", osvDir)
	if code != exitInsecure || len(rep.Findings) != 1 {
		t.Fatalf("audit = exit %d, findings %+v; stderr %s", code, rep.Findings, stderr)
	}
	f := rep.Findings[0]
	if f.Package != "guzzlehttp/guzzle" || f.Installed != "7.4.1" || f.Fixed != "7.4.5" || f.Severity == "" || f.Aliases[0] != "CVE-2022-31090" {
		t.Errorf("library finding = %+v", f)
	}
	if len(rep.Unaudited) != 1 || rep.Unaudited[0].Project != "symfony/http-kernel" || !strings.Contains(rep.Unaudited[0].Reason, "named branch") {
		t.Errorf("unaudited = %+v, want symfony/http-kernel's named branch", rep.Unaudited)
	}
}
