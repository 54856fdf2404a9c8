package composer

import "testing"

var sinkBool bool

// BenchmarkMatches is the hot path: a compiled core_version_requirement
// against a normalized core version.
func BenchmarkMatches(b *testing.B) {
	c, err := ParseConstraint("^9.5 || ^10.1 || ~11.2")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = c.Matches("11.2.3.0")
	}
}

func BenchmarkMatchesBranch(b *testing.B) {
	c, err := ParseConstraint(">=8.8 <9 || dev-main")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = c.Matches("dev-main")
	}
}

func BenchmarkParseConstraint(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseConstraint("^9.5 || ^10.1 || ~11.2"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Normalize("10.3.0-beta2"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSatisfies(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Satisfies("10.3.10", "^9.5 || ^10"); err != nil {
			b.Fatal(err)
		}
	}
}
