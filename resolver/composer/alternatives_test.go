package composer

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAlternatives(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Alternative
	}{
		// Drupal's Composer API style: each alternative a half-open range.
		{"<1.2.3|>=2.0.0,<2.0.4", []Alternative{
			{"<1.2.3", []Comparison{{"<", "1.2.3.0-dev"}}},
			{">=2.0.0,<2.0.4", []Comparison{{">=", "2.0.0.0-dev"}, {"<", "2.0.4.0-dev"}}},
		}},
		// Adjacent ranges stay apart here, unlike ParseConstraint.
		{">=1.0 <2.0 || >=2.0 <3.0", []Alternative{
			{">=1.0 <2.0", []Comparison{{">=", "1.0.0.0-dev"}, {"<", "2.0.0.0-dev"}}},
			{">=2.0 <3.0", []Comparison{{">=", "2.0.0.0-dev"}, {"<", "3.0.0.0-dev"}}},
		}},
		{"2.0", []Alternative{{"2.0", []Comparison{{"==", "2.0.0.0"}}}}},
		{"*", []Alternative{{"*", []Comparison{{Op: "*"}}}}},
	} {
		got, err := Alternatives(tc.in)
		if err != nil {
			t.Errorf("Alternatives(%q): %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Alternatives(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
	if _, err := Alternatives(">=1.0,<nope"); err == nil {
		t.Errorf("Alternatives(%q) = nil error, want one", ">=1.0,<nope")
	}
}
