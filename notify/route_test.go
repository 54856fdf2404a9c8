package notify

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoute(t *testing.T) {
	advisory := func(risk string, score int) Alert {
		return Alert{Kind: KindAdvisory, Platform: "shop", Project: "token", Advisory: &AdvisoryRef{ID: "SA-1", Risk: risk, Score: score}}
	}
	for _, tc := range []struct {
		name   string
		routes []Route
		alert  Alert
		want   []destination
	}{
		{
			"empty match takes everything",
			[]Route{{Receivers: []string{"mail"}}},
			Alert{Kind: KindUpdate, Platform: "shop"},
			[]destination{{"mail", 0}},
		},
		{
			"kind pattern",
			[]Route{{Match: Match{Kinds: []string{"security.*"}}, Receivers: []string{"pager"}}, {Receivers: []string{"mail"}}},
			Alert{Kind: KindSecurityRelease, Platform: "shop"},
			[]destination{{"pager", 0}},
		},
		{
			"kind pattern misses, falls through",
			[]Route{{Match: Match{Kinds: []string{"security.*"}}, Receivers: []string{"pager"}}, {Receivers: []string{"mail"}}},
			Alert{Kind: KindStatus, Platform: "shop"},
			[]destination{{"mail", 1}},
		},
		{
			"several kinds, exact",
			[]Route{{Match: Match{Kinds: []string{KindStatus, KindUpdate}}, Receivers: []string{"mail"}}},
			Alert{Kind: KindUpdate},
			[]destination{{"mail", 0}},
		},
		{
			"platform pattern",
			[]Route{{Match: Match{Platforms: []string{"*-dev"}}}, {Receivers: []string{"mail"}}},
			Alert{Kind: KindUpdate, Platform: "shop-dev"},
			nil, // silenced by a route without receivers
		},
		{
			"platform pattern misses",
			[]Route{{Match: Match{Platforms: []string{"*-dev"}}}, {Receivers: []string{"mail"}}},
			Alert{Kind: KindUpdate, Platform: "shop-prod"},
			[]destination{{"mail", 1}},
		},
		{
			"any of the tags",
			[]Route{{Match: Match{Tags: []string{"production", "client-x"}}, Receivers: []string{"pager"}}},
			Alert{Kind: KindUpdate, Tags: []string{"eu", "client-x"}},
			[]destination{{"pager", 0}},
		},
		{
			"none of the tags",
			[]Route{{Match: Match{Tags: []string{"production"}}, Receivers: []string{"pager"}}},
			Alert{Kind: KindUpdate, Tags: []string{"staging"}},
			nil,
		},
		{
			"every criterion must hold",
			[]Route{{Match: Match{Kinds: []string{"security.*"}, Tags: []string{"production"}}, Receivers: []string{"pager"}}},
			Alert{Kind: KindUpdate, Tags: []string{"production"}},
			nil,
		},
		{
			"min_risk label, score above",
			[]Route{{Match: Match{MinRisk: "Moderately critical"}, Receivers: []string{"pager"}}},
			advisory("Critical", 16),
			[]destination{{"pager", 0}},
		},
		{
			"min_risk label, score at the floor of the band",
			[]Route{{Match: Match{MinRisk: "moderately critical"}, Receivers: []string{"pager"}}},
			advisory("Moderately critical", 10),
			[]destination{{"pager", 0}},
		},
		{
			"min_risk label, score below",
			[]Route{{Match: Match{MinRisk: "Moderately critical"}, Receivers: []string{"pager"}}},
			advisory("Less critical", 9),
			nil,
		},
		{
			"min_risk score against the alert's label when the score is unknown",
			[]Route{{Match: Match{MinRisk: "15"}, Receivers: []string{"pager"}}},
			advisory("Critical", 0),
			[]destination{{"pager", 0}},
		},
		{
			"min_risk score against a label below it",
			[]Route{{Match: Match{MinRisk: "16"}, Receivers: []string{"pager"}}},
			advisory("Critical", 0),
			nil, // Critical is 15–19: its floor, 15, is below 16
		},
		{
			"min_risk Not critical takes any known risk",
			[]Route{{Match: Match{MinRisk: "Not critical"}, Receivers: []string{"pager"}}},
			advisory("Not critical", 0),
			[]destination{{"pager", 0}},
		},
		{
			"min_risk never takes an alert without advisory",
			[]Route{{Match: Match{MinRisk: "0"}, Receivers: []string{"pager"}}},
			Alert{Kind: KindStatus, Status: "NOT_SECURE"},
			nil,
		},
		{
			"min_risk never takes an advisory of unknown risk",
			[]Route{{Match: Match{MinRisk: "0"}, Receivers: []string{"pager"}}},
			advisory("", 0),
			nil,
		},
		{
			"continue goes on; each receiver once, by its first route",
			[]Route{
				{Match: Match{Kinds: []string{"security.*"}}, Receivers: []string{"pager", "mail"}, Continue: true},
				{Match: Match{Tags: []string{"production"}}, Receivers: []string{"mail", "chat"}, Continue: true},
				{Receivers: []string{"archive"}},
				{Receivers: []string{"never"}},
			},
			Alert{Kind: KindAdvisory, Tags: []string{"production"}},
			[]destination{{"pager", 0}, {"mail", 0}, {"chat", 1}, {"archive", 2}},
		},
		{
			"continue skips routes that do not match",
			[]Route{
				{Receivers: []string{"mail"}, Continue: true},
				{Match: Match{Tags: []string{"production"}}, Receivers: []string{"pager"}},
				{Receivers: []string{"chat"}},
			},
			Alert{Kind: KindUpdate},
			[]destination{{"mail", 0}, {"chat", 2}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Config{Routes: tc.routes}.compile()
			if err != nil {
				t.Fatal(err)
			}
			got := s.route(tc.alert)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(destination{})); diff != "" {
				t.Errorf("route(%+v) (-want +got):\n%s", tc.alert, diff)
			}
		})
	}
}

func TestDigested(t *testing.T) {
	s, err := Config{Routes: []Route{{}}, Digest: Digest{Kinds: []string{"update.*", KindStatus}}}.compile()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		a    Alert
		want bool
	}{
		{Alert{Kind: KindUpdate}, true},
		{Alert{Kind: KindStatus, Status: "NOT_CURRENT"}, true},
		// Security alerts never wait for the digest, whatever their kind.
		{Alert{Kind: KindStatus, Status: "NOT_SECURE"}, false},
		{Alert{Kind: KindUpdate, Status: "REVOKED"}, false},
		{Alert{Kind: KindAdvisory}, false},
	} {
		if got := s.digested(tc.a); got != tc.want {
			t.Errorf("digested(%s, %s) = %t, want %t", tc.a.Kind, tc.a.Status, got, tc.want)
		}
	}
}
