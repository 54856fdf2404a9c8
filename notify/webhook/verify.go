package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// sign returns the hex HMAC-SHA256 of "<timestamp>.<body>". Signing the
// timestamp with the body stops a replay from being re-dated.
func sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a request a webhook receiver sent: signature is its
// X-Drupdate-Signature header, timestamp its X-Drupdate-Timestamp header
// and body its body, unchanged. It fails when the signature is not that of
// secret over timestamp and body, or when timestamp is more than
// tolerance away from now (a replay; five minutes is usual).
func Verify(secret, signature, timestamp string, body []byte, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("verify: timestamp %q: not Unix seconds", timestamp)
	}
	h, ok := strings.CutPrefix(signature, "sha256=")
	got, err := hex.DecodeString(h)
	if !ok || err != nil {
		return errors.New("verify: signature: want sha256=<hex>")
	}
	want, _ := hex.DecodeString(sign(secret, timestamp, body))
	if !hmac.Equal(got, want) {
		return errors.New("verify: signature does not match")
	}
	if age := now.Sub(time.Unix(sec, 0)); age > tolerance || age < -tolerance {
		return fmt.Errorf("verify: timestamp %s is %v away from now, more than %v", timestamp, age.Round(time.Second), tolerance)
	}
	return nil
}
