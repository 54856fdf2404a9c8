package notify

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/render")

// TestRenderGolden renders each testdata/render/NAME.json message and
// compares the subject and text with NAME.txt and the HTML with NAME.html.
func TestRenderGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/render/*.json")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs in testdata/render: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var m Message
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("decode %s: %v", in, err)
			}
			r, err := Render(&m)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			checkGolden(t, filepath.Join("testdata/render", name+".txt"), "Subject: "+r.Subject+"\n\n"+r.Text)
			checkGolden(t, filepath.Join("testdata/render", name+".html"), r.HTML)
		})
	}
}

func checkGolden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", file, diff)
	}
}

// TestRenderHostile checks what the golden file shows for hostile input,
// so that a careless -update cannot bless an injection.
func TestRenderHostile(t *testing.T) {
	b, err := os.ReadFile("testdata/render/hostile.json")
	if err != nil {
		t.Fatal(err)
	}
	var m Message
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	r, err := Render(&m)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "<img", "<b>", "javascript:", "\u202e", "\r"} {
		if strings.Contains(r.HTML, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	for _, bad := range []string{"\nFix: curl", "\u202e", "\r", "javascript:"} {
		if strings.Contains(r.Text, bad) || strings.Contains(r.Subject, bad) {
			t.Errorf("text or subject contains %q", bad)
		}
	}
	if strings.ContainsAny(r.Subject, "\r\n") {
		t.Errorf("subject %q is not one line", r.Subject)
	}
}

func advisoryAlert(platform, project, id string, score int) Alert {
	return Alert{Kind: KindAdvisory, Platform: platform, Project: project, Advisory: &AdvisoryRef{ID: id, Risk: "Critical", Score: score}}
}

func updateAlert(platform, project string) Alert {
	return Alert{Kind: KindUpdate, Platform: platform, Project: project, Installed: "1.0.0", Recommended: "1.1.0"}
}

func TestSummary(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    Message
		want string
	}{
		{"one advisory on three platforms", Message{Alerts: []Alert{
			{Kind: KindAdvisory, Platform: "a", Project: "token", Advisory: &AdvisoryRef{ID: "SA-CONTRIB-2026-015", Risk: "Moderately critical", Score: 12}},
			{Kind: KindAdvisory, Platform: "b", Project: "token", Advisory: &AdvisoryRef{ID: "SA-CONTRIB-2026-015", Risk: "Moderately critical", Score: 12}},
			{Kind: KindAdvisory, Platform: "c", Project: "token", Advisory: &AdvisoryRef{ID: "SA-CONTRIB-2026-015", Risk: "Moderately critical", Score: 12}},
		}}, "SA-CONTRIB-2026-015 (Moderately critical 12/25): token on 3 platforms"},
		// Risk and score are each optional.
		{"advisory without risk", Message{Alerts: []Alert{{Kind: KindAdvisory, Platform: "a", Project: "token", Advisory: &AdvisoryRef{ID: "SA-1"}}}},
			"SA-1: token on 1 platform"},
		{"advisory with score only", Message{Alerts: []Alert{{Kind: KindAdvisory, Platform: "a", Project: "token", Advisory: &AdvisoryRef{ID: "SA-1", Score: 9}}}},
			"SA-1 (9/25): token on 1 platform"},
		{"several advisories", Message{Alerts: []Alert{
			advisoryAlert("a", "token", "SA-1", 12), advisoryAlert("b", "token", "SA-1", 12), advisoryAlert("c", "drupal", "SA-2", 20),
			advisoryAlert("d", "webform", "SA-3", 5), advisoryAlert("e", "webform", "SA-3", 5), advisoryAlert("a", "webform", "SA-3", 5),
		}}, "3 security advisories affect 5 platforms"},
		// Platforms are counted over the security groups only.
		{"one advisory and updates", Message{Alerts: []Alert{advisoryAlert("a", "token", "SA-1", 12), updateAlert("b", "metatag"), updateAlert("c", "ctools")}},
			"1 security advisory affects 1 platform, plus 2 other alerts"},
		{"security release is not an advisory", Message{Alerts: []Alert{
			advisoryAlert("a", "token", "SA-1", 12), {Kind: KindSecurityRelease, Platform: "b", Project: "paragraphs"},
		}}, "2 security alerts affect 2 platforms"},
		{"updates only", Message{Alerts: []Alert{updateAlert("a", "metatag"), updateAlert("b", "ctools"), updateAlert("b", "metatag")}},
			"2 updates on 2 platforms"},
		{"mixed non-security kinds", Message{Alerts: []Alert{updateAlert("a", "metatag"), {Kind: KindStatus, Platform: "b", Project: "views", Status: "NOT_SUPPORTED"}}},
			"2 alerts on 2 platforms"},
		{"single update", Message{Alerts: []Alert{updateAlert("a", "metatag")}}, "metatag: update available on 1 platform"},
		{"digest counts alerts", Message{Digest: true, Alerts: []Alert{updateAlert("a", "metatag"), updateAlert("b", "metatag"), updateAlert("b", "ctools")}},
			"Daily digest: 3 updates on 2 platforms"},
		{"reminder", Message{Reminder: true, Alerts: []Alert{updateAlert("a", "metatag")}}, "Reminder: metatag: update available on 1 platform"},
		{"empty", Message{}, "Nothing to report"},
		{"one line", Message{Alerts: []Alert{{Kind: KindUpdate, Platform: "a", Project: "x\r\nBcc: victim@example.com"}}},
			"x  Bcc: victim@example.com: update available on 1 platform"},
		{"bounded", Message{Alerts: []Alert{{Kind: KindUpdate, Platform: "a", Project: strings.Repeat("x", 300)}}},
			strings.Repeat("x", 199) + "…"},
	} {
		if got := Summary(&tc.m); got != tc.want {
			t.Errorf("%s: Summary() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestGroupsOrder(t *testing.T) {
	alerts := []Alert{
		updateAlert("b", "metatag"),
		{Kind: KindStatus, Platform: "a", Project: "views", Status: "NOT_SUPPORTED"},
		advisoryAlert("b", "webform", "SA-3", 5),
		{Kind: KindSecurityRelease, Platform: "c", Project: "paragraphs"},
		advisoryAlert("z", "token", "SA-1", 12),
		updateAlert("a", "ctools"),
		advisoryAlert("a", "token", "SA-1", 12),
		advisoryAlert("a", "drupal", "SA-2", 20),
		// A status that turned NOT_SECURE is about security.
		{Kind: KindStatus, Platform: "a", Project: "panels", Status: "NOT_SECURE"},
		updateAlert("a", "metatag"),
	}
	var got []string
	for _, g := range Groups(alerts) {
		got = append(got, g.Title()+" "+strings.Join(g.Platforms(), ","))
	}
	want := []string{
		"SA-2 (Critical 20/25): drupal a",
		"SA-1 (Critical 12/25): token a,z",
		"SA-3 (Critical 5/25): webform b",
		"paragraphs: security release available c",
		"panels: status changed a",
		"views: status changed a",
		"ctools: update available a",
		"metatag: update available a,b",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Groups order (-want +got):\n%s", diff)
	}
}

func TestGroupsClean(t *testing.T) {
	in := Alert{
		Kind: KindAdvisory, Platform: "p\u202eq", Project: "a\nb", Sites: []string{"s\x1b[31m"}, Fix: "x\ty",
		Installed: "1.0\xff",
		Advisory:  &AdvisoryRef{ID: "SA\r1", Aliases: []string{"CVE\u20661"}, Link: "javascript:alert(1)"},
	}
	g := Groups([]Alert{in})[0]
	a := g.Alerts[0]
	got := []string{a.Platform, a.Project, a.Sites[0], a.Fix, a.Installed, a.Advisory.ID, a.Advisory.Aliases[0], a.Advisory.Link}
	want := []string{"p q", "a b", "s [31m", "x y", "1.0\ufffd", "SA 1", "CVE 1", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cleaned fields (-want +got):\n%s", diff)
	}
	// The caller's alert is not changed.
	if in.Project != "a\nb" || in.Advisory.Link == "" {
		t.Errorf("Groups changed its input: %+v", in)
	}
	for _, link := range []string{"https://www.drupal.org/sa-core-2026-001", "http://example.com/x"} {
		g := Groups([]Alert{{Advisory: &AdvisoryRef{Link: link}}})
		if got := g[0].Advisory.Link; got != link {
			t.Errorf("Groups kept link %q as %q", link, got)
		}
	}
}
