package secdb

import (
	"strings"
	"testing"
	"time"
)

func TestWaiverValidate(t *testing.T) {
	for _, tc := range []struct {
		w    Waiver
		want string // "" for valid
	}{
		{Waiver{Advisory: "SA-CORE-2026-001", Reason: "r", Expires: "2026-12-31"}, ""},
		{Waiver{Advisory: "SA-CORE-2026-001", Reason: "r", Expires: "2026-12-31T12:00:00Z"}, ""},
		{Waiver{Reason: "r", Expires: "2026-12-31"}, "advisory: missing"},
		{Waiver{Advisory: "X", Expires: "2026-12-31"}, "reason: missing"},
		{Waiver{Advisory: "X", Reason: "  "}, "expires: missing"},
		{Waiver{Advisory: "X", Reason: "r", Expires: "next year"}, `"next year" is not a date`},
	} {
		err := tc.w.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("Validate(%+v) = %v, want nil", tc.w, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("Validate(%+v) = %v, want an error containing %q", tc.w, err, tc.want)
		}
	}
}

func TestFind(t *testing.T) {
	ws := []Waiver{
		{Advisory: "SA-CONTRIB-2026-015", Reason: "fleet", Expires: "2026-06-30"},
		{Advisory: "DRUPAL-CONTRIB-2026-015", Platform: "shop", Reason: "shop", Expires: "2026-03-31"},
		{Advisory: "CVE-2026-3214", Platform: "blog", Project: "captcha", Reason: "blog captcha", Expires: "2026-09-30"},
		{Advisory: "SA-CORE-2026-001", Reason: "old", Expires: "2026-01-31"},
		{Advisory: "SA-CORE-2026-001", Reason: "older", Expires: "2025-12-31"},
	}
	for i := range ws {
		if err := ws[i].Validate(); err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tc := range []struct {
		why                        string
		platform, project, id, now string
		aliases                    []string
		wantActive, wantExpired    string
	}{
		{"a platform's own waiver wins", "shop", "captcha", "DRUPAL-CONTRIB-2026-015", "2026-03-01", nil, "shop", ""},
		{"its expiry falls back to the fleet's", "shop", "captcha", "DRUPAL-CONTRIB-2026-015", "2026-04-01", nil, "fleet", ""},
		{"by SA id, on any platform", "other", "captcha", "DRUPAL-CONTRIB-2026-015", "2026-04-01", nil, "fleet", ""},
		{"by alias, platform and project", "blog", "captcha", "DRUPAL-CONTRIB-2026-015", "2026-08-01", []string{"CVE-2026-3214"}, "blog captcha", ""},
		{"the project must match", "blog", "other", "DRUPAL-CONTRIB-2026-015", "2026-08-01", []string{"CVE-2026-3214"}, "", "fleet"},
		{"the last day still holds", "x", "drupal", "DRUPAL-CORE-2026-001", "2026-01-31", nil, "old", ""},
		{"expired: the latest expired is reported", "x", "drupal", "DRUPAL-CORE-2026-001", "2026-02-01", nil, "", "old"},
		{"another advisory", "x", "drupal", "DRUPAL-CORE-2026-002", "2026-01-01", nil, "", ""},
	} {
		a, e := Find(ws, tc.platform, tc.project, tc.id, tc.aliases, day(tc.now))
		got := [2]string{}
		if a != nil {
			got[0] = a.Reason
		}
		if e != nil {
			got[1] = e.Reason
		}
		if got != [2]string{tc.wantActive, tc.wantExpired} {
			t.Errorf("%s: Find(%s, %s, %s, %v, %s) = active %q, expired %q; want %q, %q",
				tc.why, tc.platform, tc.project, tc.id, tc.aliases, tc.now, got[0], got[1], tc.wantActive, tc.wantExpired)
		}
	}
}
