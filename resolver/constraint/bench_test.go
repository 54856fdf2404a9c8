package constraint

import "testing"

var sinkBool bool

func BenchmarkIsCompatible(b *testing.B) {
	c := New(">=8.x-1.2, <8.x-2.0, !=1.5-beta3", "8.x")
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = c.IsCompatible("8.x-1.7")
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		New(">=8.x-1.2, <8.x-2.0, !=1.5-beta3", "8.x")
	}
}
