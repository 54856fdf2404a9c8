// Package webhook delivers notify messages as signed JSON to any HTTP
// endpoint.
//
// # Configuration
//
//	url_file: /run/secrets/hook-url    # or url: …, or url_env: HOOK_URL
//	secret_env: DRUPDATE_HOOK_SECRET   # or secret: …, or secret_file: …
//	headers:                           # optional, sent as given
//	  Authorization: Bearer …
//	timeout: 10s                       # per attempt (default 10s)
//
// The URL, the signing secret and header values are [notify.Secret]s: a
// URL often carries a token, and none of them appears in an error.
//
// # Requests
//
// Each message is one POST of a [Payload] as JSON with these headers:
//
//	Content-Type: application/json
//	Idempotency-Key: <the message ID, the same on every retry>
//	X-Drupdate-Timestamp: <Unix seconds when the attempt was signed>
//	X-Drupdate-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed by the secret>
//
// A consumer checks the signature and the timestamp's age with [Verify],
// which rejects forged and replayed requests, and drops a message whose
// Idempotency-Key it has seen.
//
// # Errors
//
// A 2xx reply is success. 408, 429 and 5xx are transient; the error is a
// [*StatusError] whose RetryAfter gives the Retry-After of a 429 or 503.
// Other replies (other 4xx, redirects, which are not followed) are
// [notify.Permanent].
package webhook
