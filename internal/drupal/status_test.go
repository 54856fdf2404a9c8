package drupal

import (
	"encoding/json"
	"testing"
)

func TestStatusText(t *testing.T) {
	for _, s := range Statuses {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("json.Marshal(%v): %v", s, err)
		}
		var back Status
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("json round trip of %s = %v, %v", b, back, err)
		}
	}
	var s Status
	if err := json.Unmarshal([]byte(`"SECURE-ISH"`), &s); err == nil {
		t.Errorf(`json.Unmarshal("SECURE-ISH") succeeded, want an error`)
	}
	if _, err := json.Marshal(Status(0)); err == nil {
		t.Errorf("json.Marshal(Status(0)) succeeded, want an error")
	}
}

func TestStatusRank(t *testing.T) {
	// Drupal's status page: errors, then NOT_CURRENT, CURRENT, then the negatives.
	for i := 1; i < len(Statuses); i++ {
		if Statuses[i-1].Rank() >= Statuses[i].Rank() {
			t.Errorf("%s.Rank() = %d >= %s.Rank() = %d", Statuses[i-1], Statuses[i-1].Rank(), Statuses[i], Statuses[i].Rank())
		}
	}
}
