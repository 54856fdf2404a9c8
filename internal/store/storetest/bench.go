package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/drupdate/drupdate/internal/store"
)

// historySize is about what a large project's release history takes.
const historySize = 100 << 10

// Bench measures the operations the watcher repeats most, so that backends
// compare on the same work: Apply of a history with the events it causes,
// Get of a history, and Events reading a page after a cursor.
func Bench(b *testing.B, open Opener) {
	ctx := context.Background()
	history := bytes.Repeat([]byte(`{"version":"8.x-1.0","status":"published"},`), historySize/44)

	b.Run("Apply100KB+3events", func(b *testing.B) {
		s, _ := open(b)
		data := json.RawMessage(`{"project":"views","version":"8.x-3.29"}`)
		b.SetBytes(int64(len(history)))
		for i := 0; b.Loop(); i++ {
			key := fmt.Sprint("project", i%100)
			var batch store.Batch
			batch.Put("histories", key, history).
				Append("release.new", key, data).
				Append("release.security", key, data).
				Append("project.status", key, data)
			if _, err := s.Apply(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("Get100KB", func(b *testing.B) {
		s, _ := open(b)
		var batch store.Batch
		if _, err := s.Apply(ctx, *batch.Put("histories", "views", history)); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(history)))
		for b.Loop() {
			if _, err := s.Get(ctx, "histories", "views"); err != nil {
				b.Fatal(err)
			}
		}
	})

	// A consumer catching up: 100 events after a cursor in a log of 1000.
	b.Run("Events100of1000", func(b *testing.B) {
		s, _ := open(b)
		data := json.RawMessage(`{"project":"views","from":"8.x-3.28","to":"8.x-3.29"}`)
		for range 10 {
			var batch store.Batch
			for range 100 {
				batch.Append("release.new", "views", data)
			}
			if _, err := s.Apply(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
		for i := 0; b.Loop(); i++ {
			evs, err := s.Events(ctx, uint64(i%9)*100, 100)
			if err != nil || len(evs) != 100 {
				b.Fatalf("Events = %d events, %v", len(evs), err)
			}
		}
	})
}
