package status

import (
	"fmt"
	"strings"
	"testing"

	"github.com/drupdate/drupdate/internal/drupal"
)

// summarize renders the fields a rule pins, so failures read as one line.
func summarize(r Result) string {
	var b strings.Builder
	b.WriteString(r.Status.String())
	if r.Reason != "" {
		fmt.Fprintf(&b, " reason=%q", r.Reason)
	}
	for _, f := range []struct{ name, v string }{{"rec", r.Recommended}, {"latest", r.LatestVersion}, {"dev", r.DevVersion}} {
		if f.v != "" {
			fmt.Fprintf(&b, " %s=%s", f.name, f.v)
		}
	}
	if len(r.SecurityUpdates) > 0 {
		fmt.Fprintf(&b, " sec=%s", strings.Join(r.SecurityUpdates, ","))
	}
	for _, a := range r.Also {
		fmt.Fprintf(&b, " also=%s:%s", a.Major, a.Version)
	}
	for _, x := range r.Extra() {
		fmt.Fprintf(&b, " extra=%q", x.Label)
	}
	return b.String()
}

type ruleCase struct {
	name      string
	installed string // "-" for no version at all
	datestamp int64
	feed      string
	want      string
}

func runRules(t *testing.T, algo string, eval func(Installed, Data) Result, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := Installed{Name: "p", Type: "module", Version: tc.installed, HasVersion: tc.installed != "-", Datestamp: tc.datestamp}
			if tc.installed == "-" {
				in.Version = ""
			}
			got := summarize(eval(in, Data{Feed: feed(t, tc.feed)}))
			if got != tc.want {
				t.Errorf("%s(%s, ds=%d) over\n%s\n= %s\nwant %s", algo, tc.installed, tc.datestamp, strings.TrimSpace(tc.feed), got, tc.want)
			}
		})
	}
}

func TestModernRules(t *testing.T) {
	runRules(t, "Modern", Modern, []ruleCase{
		{"current", "8.x-1.2", 0, "branches=8.x-1.\n8.x-1.2\n8.x-1.1", "CURRENT rec=8.x-1.2 latest=8.x-1.2"},
		{"update available", "8.x-1.1", 0, "branches=8.x-1.\n8.x-1.2\n8.x-1.1", "NOT_CURRENT rec=8.x-1.2 latest=8.x-1.2"},
		// Since 8.6 a newer security release alone is not NOT_SECURE.
		{"security release, installed not insecure", "8.x-1.1", 0, "branches=8.x-1.\n8.x-1.2 sec\n8.x-1.1", "NOT_CURRENT rec=8.x-1.2 latest=8.x-1.2 sec=8.x-1.2"},
		{"installed release tagged insecure", "8.x-1.1", 0, "branches=8.x-1.\n8.x-1.2 sec\n8.x-1.1 insecure", "NOT_SECURE rec=8.x-1.2 latest=8.x-1.2 sec=8.x-1.2"},
		{"insecure intermediate security release omitted", "8.x-1.0", 0, "branches=8.x-1.\n8.x-1.2 sec\n8.x-1.1 sec insecure\n8.x-1.0 insecure", "NOT_SECURE rec=8.x-1.2 latest=8.x-1.2 sec=8.x-1.2"},
		{"security releases of the next minor count", "8.0.2", 0, "branches=8.0.,8.1.,8.2.\n8.2.0-rc2 sec\n8.1.2 sec\n8.1.1\n8.0.2", "NOT_CURRENT rec=8.1.2 latest=8.2.0-rc2 sec=8.2.0-rc2,8.1.2"},
		{"current with a newer security pre-release", "8.1.2", 0, "branches=8.1.,8.2.\n8.2.0-rc2 sec\n8.1.2 sec", "CURRENT rec=8.1.2 latest=8.2.0-rc2 sec=8.2.0-rc2"},
		{"pre-release group yields the previous stable", "1.0.0", 0, "branches=1.\n1.1.0-beta1\n1.0.0", "CURRENT rec=1.0.0 latest=1.1.0-beta1"},
		{"rc listed before its stable is recommended", "1.5.0", 0, "branches=1.\n1.6.0-rc1\n1.6.0\n1.5.0", "NOT_CURRENT rec=1.6.0-rc1 latest=1.6.0-rc1"},
		{"stay on a supported major, higher one also available", "8.x-1.2", 0, "branches=8.x-1.,2.\n2.0.0\n8.x-1.3\n8.x-1.2", "NOT_CURRENT rec=8.x-1.3 latest=8.x-1.3 also=2:2.0.0"},
		{"higher-major pre-release is also available", "8.x-1.0", 0, "branches=8.x-1.,2.\n2.0.0-alpha1\n8.x-1.0", "CURRENT rec=8.x-1.0 latest=8.x-1.0 also=2:2.0.0-alpha1"},
		{"dropped branch jumps to the first supported major", "8.x-1.3", 0, "branches=2.\n2.0.1\n2.0.0\n8.x-1.3", `NOT_SUPPORTED rec=2.0.1 latest=2.0.1 extra="Release not supported"`},
		{"no supported_branches: nothing is supported (m30)", "8.x-1.0", 0, "8.x-1.1\n8.x-1.0", `NOT_SUPPORTED latest=8.x-1.0 extra="Release not supported"`},
		{"empty supported_branches: everything is", "8.x-1.0", 0, "branches=\n8.x-1.1\n8.x-1.0", "NOT_CURRENT rec=8.x-1.1 latest=8.x-1.1"},
		{"revoked installed in a supported branch is its own recommendation (m07)", "8.x-1.0", 0, "branches=8.x-1.,8.x-2.\n8.x-2.0\n8.x-1.0 unpub", `REVOKED rec=8.x-1.0 latest=8.x-1.0 also=2:8.x-2.0 extra="Release revoked"`},
		{"insecure outranks unsupported", "8.x-1.0", 0, "branches=8.x-2.\n8.x-2.0\n8.x-1.0 insecure", "NOT_SECURE rec=8.x-2.0 latest=8.x-2.0"},
		{"majors compare as numbers", "9.5.0", 0, "branches=9.,10.\n10.0.0\n9.5.0", "CURRENT rec=9.5.0 latest=9.5.0 also=10:10.0.0"},
		{"only pre-releases: installed latest is current", "1.0.0-beta2", 0, "branches=1.\n1.0.0-beta2\n1.0.0-beta1", "CURRENT rec=1.0.0-beta2 latest=1.0.0-beta2"},
		{"fallback needs the last examined release supported (m31)", "1.0.0-alpha0", 0, "branches=1.\n1.0.0-beta1\n1.0.0-alpha1 unsupported", `UNKNOWN reason="No available releases found" latest=1.0.0-beta1`},
		{"invalid releases do not move the fallback flag", "1.0.0-alpha0", 0, "branches=1.\n1.0.0-beta1\n3.0.0 invalid", "NOT_CURRENT rec=1.0.0-beta1 latest=1.0.0-beta1"},
		{"a valid unsupported last release does", "1.0.0-alpha0", 0, "branches=1.\n1.0.0-beta1\n0.9.0", `UNKNOWN reason="No available releases found" latest=1.0.0-beta1`},
		{"dev install without datestamp", "8.x-1.x-dev", 0, "branches=8.x-1.\n8.x-1.1 sec\n8.x-1.0\n8.x-1.x-dev", `NOT_CHECKED reason="Unknown release date" rec=8.x-1.1 latest=8.x-1.1 dev=8.x-1.x-dev`},
		{"dev install: release at datestamp+100 is newer", "8.x-1.x-dev", 1000, "branches=8.x-1.\n8.x-1.1 sec date=1100\n8.x-1.x-dev date=900", "NOT_CURRENT rec=8.x-1.1 latest=8.x-1.1 dev=8.x-1.x-dev sec=8.x-1.1"},
		{"dev install: release within the leeway is not", "8.x-1.x-dev", 1001, "branches=8.x-1.\n8.x-1.1 sec date=1100\n8.x-1.x-dev date=900", "CURRENT rec=8.x-1.1 latest=8.x-1.1 dev=8.x-1.x-dev"},
		{"+N-dev install scans to the end", "8.x-1.2+5-dev", 0, "branches=8.x-1.\n8.x-1.3\n8.x-1.2 sec\n8.x-1.1 sec", `NOT_CHECKED reason="Unknown release date" rec=8.x-1.3 latest=8.x-1.3`},
		{"undated dev snapshot is ignored", "8.x-1.0", 0, "branches=8.x-1.\n8.x-1.x-dev nodate\n8.x-1.0", "CURRENT rec=8.x-1.0 latest=8.x-1.0"},
		{"dev_version is the first snapshot of the major", "8.x-1.x-dev", 5000000000, "branches=8.x-1.\n8.x-1.1\n8.x-1.x-dev\n8.x-1.0-x-dev", "CURRENT rec=8.x-1.1 latest=8.x-1.1 dev=8.x-1.x-dev"},
		{"7.x- prefix is invalid for the modern parser", "7.x-1.0", 0, "branches=8.x-1.\n8.x-1.0", `UNKNOWN reason="Invalid version: 7.x-1.0"`},
		{"empty version", "", 0, "branches=8.x-1.\n8.x-1.0", `UNKNOWN reason="Empty version"`},
		{"no version at all", "-", 0, "branches=8.x-1.\n8.x-1.0", `UNKNOWN reason="Invalid version: Unknown"`},
		{"project insecure ends the computation", "8.x-1.0", 0, "status=insecure branches=8.x-1.\n8.x-1.1\n8.x-1.0", `NOT_SECURE extra="Project not secure"`},
		{"project unpublished is revoked", "8.x-1.0", 0, "status=unpublished branches=8.x-1.\n8.x-1.0", `REVOKED extra="Project revoked"`},
		{"no releases", "8.x-1.0", 0, "branches=8.x-1.", `UNKNOWN reason="No available releases found"`},
		{"release not supported, nothing found yet", "8.x-1.0", 0, "branches=8.x-1.\n8.x-1.0 unsupported", `NOT_SUPPORTED latest=8.x-1.0 extra="Release not supported"`},
	})
}

func TestDrupal7Rules(t *testing.T) {
	const legacy = "majors=1,2 recommended=2 default=1\n"
	runRules(t, "Drupal7", Drupal7, []ruleCase{
		{"current", "7.x-1.2", 0, legacy + "7.x-1.2 major=1 patch=2\n7.x-1.1 major=1 patch=1", "CURRENT rec=7.x-1.2 latest=7.x-1.2"},
		// Drupal 7: any security release newer than the installed one is insecurity.
		{"any security release is not secure", "7.x-1.1", 0, legacy + "7.x-1.2 major=1 patch=2 sec\n7.x-1.1 major=1 patch=1", "NOT_SECURE rec=7.x-1.2 latest=7.x-1.2 sec=7.x-1.2"},
		{"flagged installed release does not stop the scan (l05)", "7.x-1.1", 0, legacy + "7.x-1.2 major=1 patch=2\n7.x-1.1 major=1 patch=1 insecure\n7.x-1.0 major=1 patch=0 sec", "NOT_SECURE rec=7.x-1.2 latest=7.x-1.2 sec=7.x-1.0"},
		{"also available only for supported majors", "7.x-1.2", 0, "majors=1,2\n7.x-3.0 major=3 patch=0\n7.x-2.0 major=2 patch=0\n7.x-1.2 major=1 patch=2", "CURRENT rec=7.x-1.2 latest=7.x-1.2 also=2:7.x-2.0"},
		{"unsupported major moves to the recommended major", "7.x-3.0", 0, "majors=1 recommended=1\n7.x-3.1 major=3 patch=1\n7.x-1.5 major=1 patch=5", "NOT_SUPPORTED rec=7.x-3.1 latest=7.x-3.1"},
		{"security list overrides revoked", "7.x-1.1", 0, legacy + "7.x-1.2 major=1 patch=2 sec\n7.x-1.1 major=1 patch=1 unpub", `NOT_SECURE rec=7.x-1.2 latest=7.x-1.2 sec=7.x-1.2 extra="Release revoked"`},
		{"dev snapshots are never recommended", "7.x-1.x-dev", 1, legacy + "7.x-1.x-dev major=1 extra=dev", "NOT_CURRENT rec=7.x-1.x-dev latest=7.x-1.x-dev dev=7.x-1.x-dev"},
		{"pre-release patch group recommends the earlier stable", "7.x-1.1", 0, legacy + "7.x-1.2-beta1 major=1 patch=2 extra=beta1\n7.x-1.1 major=1 patch=1", "CURRENT rec=7.x-1.1 latest=7.x-1.2-beta1"},
		{"garbage version has major -1", "custom", 0, legacy + "7.x-2.0 major=2 patch=0", "NOT_SUPPORTED rec=7.x-2.0 latest=7.x-2.0"},
		{"project revoked", "7.x-1.1", 0, "status=revoked\n" + legacy + "7.x-1.1 major=1 patch=1", `REVOKED extra="Project revoked"`},
	})
}

func TestForeignReleaseTermInvalidates(t *testing.T) {
	f := feed(t, "branches=2.\n2.0.9 sec\n2.0.8")
	f.History.Releases[0].Terms = append(f.History.Releases[0].Terms, drupal.Term{Name: "Maintenance status", Value: "Actively maintained"})
	f = Prepare(f.History)
	got := summarize(Modern(Installed{Name: "p", Version: "2.0.8", HasVersion: true}, Data{Feed: f}))
	if want := "CURRENT rec=2.0.8 latest=2.0.8"; got != want {
		t.Errorf("Modern(2.0.8) with a foreign term on 2.0.9 = %s, want %s", got, want)
	}
}

func TestInstalledFromCoreType(t *testing.T) {
	v := "10.2.0"
	if got := InstalledFrom("drupal", drupal.InstalledProject{Version: &v}).Type; got != "core" {
		t.Errorf(`InstalledFrom("drupal", no type).Type = %q, want "core"`, got)
	}
	if got := InstalledFrom("token", drupal.InstalledProject{Version: &v}).Type; got != "" {
		t.Errorf(`InstalledFrom("token", no type).Type = %q, want ""`, got)
	}
}
