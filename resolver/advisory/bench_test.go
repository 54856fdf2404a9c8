package advisory

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// BenchmarkAuditFleet audits 1,000 platforms of 150 projects each against
// all the real advisories, compiled once. One op is the whole fleet.
func BenchmarkAuditFleet(b *testing.B) {
	entries := realEntries(b)
	db := mustCompile(b, entries...)
	names := make([]string, 0, len(db.byKey))
	for k := range db.byKey {
		names = append(names, k.name)
	}
	slices.Sort(names)
	rng := rand.New(rand.NewPCG(7, 8))
	version := func() string {
		switch rng.IntN(6) {
		case 0:
			return fmt.Sprintf("%d.%d.%d", 1+rng.IntN(4), rng.IntN(20), rng.IntN(10))
		case 1:
			return fmt.Sprintf("8.x-%d.%d-beta%d", 1+rng.IntN(4), rng.IntN(20), 1+rng.IntN(5))
		case 2:
			return fmt.Sprintf("8.x-%d.x-dev", 1+rng.IntN(4))
		default:
			return fmt.Sprintf("8.x-%d.%d", 1+rng.IntN(4), rng.IntN(30))
		}
	}
	fleet := make([][]Installed, 1000)
	for i := range fleet {
		ps := make([]Installed, 150)
		ps[0] = Installed{Package: "drupal/core", Version: fmt.Sprintf("%d.%d.%d", 8+rng.IntN(4), rng.IntN(6), rng.IntN(20))}
		for j := 1; j < len(ps); j++ {
			name := "drupal/unadvised_" + fmt.Sprint(rng.IntN(500)) // most projects have no advisory
			if rng.IntN(3) == 0 {
				name = names[rng.IntN(len(names))]
			}
			ps[j] = Installed{Package: name, Version: version()}
		}
		fleet[i] = ps
	}
	b.ReportAllocs()
	findings := 0
	for b.Loop() {
		findings = 0
		for _, platform := range fleet {
			for _, p := range platform {
				fs, err := db.Match(p)
				if err != nil {
					b.Fatal(err)
				}
				findings += len(fs)
			}
		}
	}
	b.ReportMetric(float64(findings), "findings/op")
}

func BenchmarkCompile(b *testing.B) {
	entries := FromOSV(realEntries(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(entries); err != nil {
			b.Fatal(err)
		}
	}
}
