package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Errors that callers branch on. Backends wrap them with the operation.
var (
	// ErrNotFound means a key has no value.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a batch's condition did not hold, so nothing was
	// written; the error is a [*ConflictError].
	ErrConflict = errors.New("condition not met")
	// ErrTooLarge means a key, value or batch is over its limit.
	ErrTooLarge = errors.New("too large")
	// ErrInvalid means an argument no backend could store or answer: an
	// empty bucket or key, a limit below 1, a ttl below a millisecond.
	ErrInvalid = errors.New("invalid argument")
	// ErrClosed means the store was closed.
	ErrClosed = errors.New("store closed")
)

// Limits on what a store accepts. They are the same for every backend, so
// that data written to one can move to another.
const (
	// MaxKeyLen bounds bucket names, keys, prefixes, event kinds and keys,
	// lease names and owners, in bytes.
	MaxKeyLen = 1 << 10
	// MaxValueLen bounds a value and an event's data, in bytes.
	MaxValueLen = 64 << 20
	// MaxBatchLen bounds the bytes of one batch: names, keys, values and
	// condition values together.
	MaxBatchLen = 256 << 20
)

// ConflictError reports the first condition of a batch that did not hold.
type ConflictError struct {
	Bucket, Key string
}

func (e *ConflictError) Error() string {
	return "condition on " + Ref(e.Bucket, e.Key) + " not met"
}

// Is makes a ConflictError match [ErrConflict].
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// CheckKey reports whether bucket and key can be stored: both non-empty and
// at most [MaxKeyLen] bytes.
func CheckKey(bucket, key string) error {
	if err := checkName("bucket", bucket); err != nil {
		return err
	}
	return checkName("key", key)
}

// CheckList reports whether List's arguments are usable.
func CheckList(bucket, prefix, after string, limit int) error {
	if err := checkName("bucket", bucket); err != nil {
		return err
	}
	if len(prefix) > MaxKeyLen {
		return limitError("prefix", len(prefix), MaxKeyLen)
	}
	if len(after) > MaxKeyLen {
		return limitError("after key", len(after), MaxKeyLen)
	}
	return CheckLimit(limit)
}

// CheckLimit reports whether limit is a usable page size.
func CheckLimit(limit int) error {
	if limit < 1 {
		return fmt.Errorf("limit %d: %w", limit, ErrInvalid)
	}
	return nil
}

// CheckLease reports whether Acquire's arguments are usable (Release's are
// when they are with any ttl).
func CheckLease(name, owner string, ttl time.Duration) error {
	if err := checkName("lease name", name); err != nil {
		return err
	}
	if err := checkName("lease owner", owner); err != nil {
		return err
	}
	if ttl < time.Millisecond {
		return fmt.Errorf("lease ttl %v: %w (the minimum is 1ms)", ttl, ErrInvalid)
	}
	return nil
}

func checkName(what, s string) error {
	if s == "" {
		return fmt.Errorf("empty %s: %w", what, ErrInvalid)
	}
	if len(s) > MaxKeyLen {
		return limitError(what, len(s), MaxKeyLen)
	}
	return nil
}

func checkValue(bucket, key string, v []byte) error {
	if len(v) > MaxValueLen {
		return limitError("value of "+Ref(bucket, key), len(v), MaxValueLen)
	}
	return nil
}

func checkEvent(e NewEvent) error {
	if err := checkName("event kind", e.Kind); err != nil {
		return err
	}
	if len(e.Key) > MaxKeyLen {
		return limitError("event key", len(e.Key), MaxKeyLen)
	}
	if len(e.Data) > MaxValueLen {
		return limitError("event data", len(e.Data), MaxValueLen)
	}
	if len(e.Data) > 0 && !json.Valid(e.Data) {
		return fmt.Errorf("event %s data is not JSON: %w", Quote(e.Kind), ErrInvalid)
	}
	return nil
}

// limitError names what is too large and by how much, without quoting the
// oversized thing itself.
func limitError(what string, n, limit int) error {
	return fmt.Errorf("%s is %d bytes, over the limit of %d: %w", what, n, limit, ErrTooLarge)
}

// Ref shows a bucket and key in a message, as bucket/"key", each cut short
// so that an oversized or binary name cannot flood a log line.
func Ref(bucket, key string) string {
	return cut(bucket, false) + "/" + cut(key, true)
}

// Quote shows a name in a message, quoted and cut short.
func Quote(name string) string { return cut(name, true) }

func cut(s string, quote bool) string {
	const shown = 64
	more := ""
	if len(s) > shown {
		s, more = s[:shown], fmt.Sprintf("…(%d bytes)", len(s))
	}
	if quote || strconv.Quote(s) != `"`+s+`"` {
		s = strconv.Quote(s)
	}
	return s + more
}
