package store

import "encoding/json"

// Batch is what [Store.Apply] writes atomically: conditions, then writes in
// order, then event appends. The zero Batch is empty and valid; the methods
// add to it and return it, so that a batch reads as one expression:
//
//	var b store.Batch
//	b.IfEqual("histories", "views", old).
//		Put("histories", "views", history).
//		Append("release.new", "views", data)
type Batch struct {
	Conds  []Cond
	Writes []Write
	Events []NewEvent
}

// Cond is a compare-and-set condition on one key.
type Cond struct {
	Bucket, Key string
	// Absent requires the key to have no value; Value is then unused.
	Absent bool
	// Value is the value the key must hold (byte for byte) when Absent is
	// false. An empty Value requires an empty value, not a missing one.
	Value []byte
}

// Write puts or deletes one key.
type Write struct {
	Bucket, Key string
	// Delete removes the key (deleting a missing key is no error); Value
	// is then unused.
	Delete bool
	Value  []byte
}

// NewEvent is an event to append; the store gives it its Seq and Time.
type NewEvent struct {
	Kind string
	Key  string
	// Data is empty or one JSON value.
	Data json.RawMessage
}

// IfEqual adds the condition that key in bucket holds value.
func (b *Batch) IfEqual(bucket, key string, value []byte) *Batch {
	b.Conds = append(b.Conds, Cond{Bucket: bucket, Key: key, Value: value})
	return b
}

// IfAbsent adds the condition that key in bucket has no value.
func (b *Batch) IfAbsent(bucket, key string) *Batch {
	b.Conds = append(b.Conds, Cond{Bucket: bucket, Key: key, Absent: true})
	return b
}

// Put adds a write of value under key in bucket.
func (b *Batch) Put(bucket, key string, value []byte) *Batch {
	b.Writes = append(b.Writes, Write{Bucket: bucket, Key: key, Value: value})
	return b
}

// Delete adds the removal of key from bucket.
func (b *Batch) Delete(bucket, key string) *Batch {
	b.Writes = append(b.Writes, Write{Bucket: bucket, Key: key, Delete: true})
	return b
}

// Append adds an event.
func (b *Batch) Append(kind, key string, data json.RawMessage) *Batch {
	b.Events = append(b.Events, NewEvent{Kind: kind, Key: key, Data: data})
	return b
}

// Check reports the first reason b cannot be applied: a key or value over
// the limits, an empty bucket, key or event kind, event data that is not
// JSON, or a batch over [MaxBatchLen] in all. Backends call it before
// touching storage, so that every backend rejects the same batches.
func (b *Batch) Check() error {
	total := 0
	for _, c := range b.Conds {
		if err := CheckKey(c.Bucket, c.Key); err != nil {
			return err
		}
		if err := checkValue(c.Bucket, c.Key, c.Value); err != nil {
			return err
		}
		total += len(c.Bucket) + len(c.Key) + len(c.Value)
	}
	for _, w := range b.Writes {
		if err := CheckKey(w.Bucket, w.Key); err != nil {
			return err
		}
		if err := checkValue(w.Bucket, w.Key, w.Value); err != nil {
			return err
		}
		total += len(w.Bucket) + len(w.Key) + len(w.Value)
	}
	for _, e := range b.Events {
		if err := checkEvent(e); err != nil {
			return err
		}
		total += len(e.Kind) + len(e.Key) + len(e.Data)
	}
	if total > MaxBatchLen {
		return limitError("batch", total, MaxBatchLen)
	}
	return nil
}
