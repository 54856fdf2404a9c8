package notify

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

type slow struct{ d time.Duration }

func (s slow) Error() string             { return "429 Too Many Requests" }
func (s slow) RetryAfter() time.Duration { return s.d }

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want time.Duration
	}{
		{nil, 0},
		{errors.New("plain"), 0},
		{slow{30 * time.Second}, 30 * time.Second},
		{fmt.Errorf("send: %w", slow{time.Minute}), time.Minute},
		{Permanent(slow{-time.Second}), 0},
	} {
		if got := RetryAfter(tc.err); got != tc.want {
			t.Errorf("RetryAfter(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
