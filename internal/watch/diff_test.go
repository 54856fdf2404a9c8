package watch

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/drupal"
)

// hist parses a feed written as "status: release release ...", each release
// as feedXML takes it with '+' between release types ("8.x-1.15
// Security+update" reads "Security update"), and "-" for no releases.
func hist(t *testing.T, spec string) *drupal.History {
	t.Helper()
	if spec == "" {
		return nil
	}
	st, rels, _ := strings.Cut(spec, ":")
	var releases []string
	for _, r := range strings.Fields(rels) {
		if r == "-" {
			continue
		}
		releases = append(releases, strings.ReplaceAll(strings.Replace(r, "=", " ", 1), "+", " "))
	}
	h, err := feeds.ParseHistory("token", []byte(feedXMLStatus("token", st, "8.x-1.", releases...)))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestDiffHistories(t *testing.T) {
	for _, tt := range []struct {
		name     string
		old, new string // "status: version=Types ...", see hist; "" for none
		want     []string
	}{
		{"first history is no news", "", "published: 8.x-1.15=Security+update 8.x-1.14", nil},
		{"unchanged", "published: 8.x-1.14 8.x-1.13", "published: 8.x-1.14 8.x-1.13", nil},
		{"new release", "published: 8.x-1.14", "published: 8.x-1.15 8.x-1.14",
			[]string{"release.new 8.x-1.15"}},
		{"new security release, old one now insecure",
			"published: 8.x-1.14 8.x-1.13",
			"published: 8.x-1.15=Security+update,Bug+fixes 8.x-1.14=Insecure 8.x-1.13",
			[]string{"release.new 8.x-1.15", "release.security 8.x-1.15", "release.insecure 8.x-1.14"}},
		{"several new ones in feed order", "published: 8.x-1.13",
			"published: 8.x-1.15 8.x-1.14=Security+update 8.x-1.13",
			[]string{"release.new 8.x-1.15", "release.new 8.x-1.14", "release.security 8.x-1.14"}},
		{"already insecure is no news", "published: 8.x-1.14=Insecure", "published: 8.x-1.14=Insecure,Bug+fixes", nil},
		{"insecure, unsupported and revoked at once", "published: 8.x-1.14 8.x-1.13",
			"published: !8.x-1.14=Insecure,Unsupported 8.x-1.13=Unsupported",
			[]string{"release.insecure 8.x-1.14", "release.unsupported 8.x-1.14", "release.revoked 8.x-1.14", "release.unsupported 8.x-1.13"}},
		{"a new release already unpublished is only new", "published: 8.x-1.13", "published: !8.x-1.14 8.x-1.13",
			[]string{"release.new 8.x-1.14"}},
		{"republished is no news", "published: !8.x-1.14", "published: 8.x-1.14", nil},
		{"a dropped release is no news", "published: 8.x-1.14 8.x-1.13", "published: 8.x-1.14", nil},
		{"project status", "published: 8.x-1.14", "unsupported: 8.x-1.14=Unsupported",
			[]string{"release.unsupported 8.x-1.14", "project.status published→unsupported"}},
		{"project gone insecure, releases gone", "published: 8.x-1.14", "insecure: -",
			[]string{"project.status published→insecure"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range DiffHistories("token", "current", hist(t, tt.old), hist(t, tt.new)) {
				got = append(got, c.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DiffHistories(%q, %q) (-want +got):\n%s", tt.old, tt.new, diff)
			}
		})
	}
}

func TestDiffHistoriesPayload(t *testing.T) {
	changes := DiffHistories("token", "current", hist(t, "published: 8.x-1.14"), hist(t, "published: 8.x-1.15=Security+update 8.x-1.14"))
	if len(changes) != 2 {
		t.Fatalf("DiffHistories = %v, want 2 changes", changes)
	}
	want := ReleaseEvent{Project: "token", Category: "current", Version: "8.x-1.15", Types: []string{"Security update"},
		Date: 1700000000, ReleaseLink: "https://www.drupal.org/project/token/releases/8.x-1.15"}
	if diff := cmp.Diff(&want, changes[1].Release); diff != "" {
		t.Errorf("release.security payload (-want +got):\n%s", diff)
	}
	e := changes[1].event()
	if e.Kind != EventSecurityRelease || e.Key != "token" ||
		string(e.Data) != `{"project":"token","category":"current","version":"8.x-1.15","types":["Security update"],"date":1700000000,"release_link":"https://www.drupal.org/project/token/releases/8.x-1.15"}` {
		t.Errorf("event() = %s %s %s", e.Kind, e.Key, e.Data)
	}
}

func TestSummarize(t *testing.T) {
	got := Summarize(hist(t, "published: 8.x-1.17 8.x-1.16=Security+update 8.x-1.15 8.x-1.14 8.x-1.13 8.x-1.12=Security+update"))
	want := &Summary{Title: "token", ProjectStatus: "published", SupportedBranches: "8.x-1.", Releases: 6,
		Newest:           []string{"8.x-1.17", "8.x-1.16", "8.x-1.15", "8.x-1.14", "8.x-1.13"},
		SecurityReleases: []string{"8.x-1.16", "8.x-1.12"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summarize (-want +got):\n%s", diff)
	}
}

func TestDiffInventories(t *testing.T) {
	v := func(s string) *string { return &s }
	inv := func(ps map[string]*string) *drupal.Inventory {
		out := &drupal.Inventory{Projects: map[string]drupal.InstalledProject{}}
		for name, ver := range ps {
			out.Projects[name] = drupal.InstalledProject{Version: ver}
		}
		return out
	}
	old := inv(map[string]*string{"drupal": v("10.3.1"), "token": v("8.x-1.14"), "gone": v("1.0.0"), "custom": nil})
	for _, tt := range []struct {
		name string
		new  *drupal.Inventory
		want *InventoryEvent
	}{
		{"same", inv(map[string]*string{"drupal": v("10.3.1"), "token": v("8.x-1.14"), "gone": v("1.0.0"), "custom": nil}), nil},
		{"updated, added and removed", inv(map[string]*string{"drupal": v("10.3.2"), "token": v("8.x-1.14"), "pathauto": v("8.x-1.12"), "custom": v("1.0")}),
			&InventoryEvent{Platform: "shop", Added: []string{"pathauto"}, Removed: []string{"gone"},
				Changed: map[string][2]string{"drupal": {"10.3.1", "10.3.2"}, "custom": {"", "1.0"}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := DiffInventories("shop", old, tt.new)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DiffInventories (-want +got):\n%s", diff)
			}
			if same := inventoryHash(old) == inventoryHash(tt.new); same != (tt.want == nil) {
				t.Errorf("inventoryHash equal = %v, want %v", same, tt.want == nil)
			}
		})
	}
}
