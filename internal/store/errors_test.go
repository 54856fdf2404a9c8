package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestRef(t *testing.T) {
	long := strings.Repeat("k", 100)
	for _, tc := range []struct{ bucket, key, want string }{
		{"histories", "views", `histories/"views"`},
		// Odd bytes are escaped, in the bucket too.
		{"a b\n", "\x00\xff", `"a b\n"/"\x00\xff"`},
		// Long names are cut, saying how long they were.
		{long, long, strings.Repeat("k", 64) + "…(100 bytes)/\"" + strings.Repeat("k", 64) + "\"…(100 bytes)"},
	} {
		if got := Ref(tc.bucket, tc.key); got != tc.want {
			t.Errorf("Ref(%q, %q) = %s, want %s", tc.bucket, tc.key, got, tc.want)
		}
	}
}

func TestConflictErrorIsErrConflict(t *testing.T) {
	err := fmt.Errorf("apply: %w", &ConflictError{Bucket: "b", Key: "k"})
	if !errors.Is(err, ErrConflict) {
		t.Errorf("errors.Is(%v, ErrConflict) = false, want true", err)
	}
	if got, want := err.Error(), `apply: condition on b/"k" not met`; got != want {
		t.Errorf("Error() = %s, want %s", got, want)
	}
}
