// Package server is the HTTP API of `drupdate serve`: it reads, never
// writes, the records the poller keeps in the [store.Store] (the schema of
// [github.com/drupdate/drupdate/internal/watch]) and serves them as JSON.
//
// [New] builds a [Server] from a [Config], the store, a Prometheus
// registry, a logger and a clock; [Server.Handler] is the whole API as an
// [http.Handler], and [Server.ListenAndServe] serves it until its context
// ends, then shuts down gracefully.
//
// # Endpoints
//
// Every endpoint answers GET and HEAD (anything else: 405 with Allow) and
// JSON with Content-Type application/json; errors are {"error": "..."}.
// Unknown query parameters, a repeated one or a malformed value get 400.
//
//   - GET /v1/platforms[?tag=T][&after=NAME][&limit=N]: a [PlatformSummary]
//     per platform, sorted by name, as {"platforms": [...]}. Repeated tag
//     parameters must all match. Without limit every platform is listed;
//     the store is read 100 records at a time and the answer streamed, so
//     a large fleet is never in memory at once (a store error part-way
//     drops the connection rather than end a cut list cleanly). With
//     limit (1 to 1000), a full page adds "next", the after of the
//     following page.
//   - GET /v1/platforms/{name}: the platform's stored report, byte for
//     byte the `drupdate status --format json` document, with a strong
//     ETag of its content (If-None-Match answers 304) and Cache-Control
//     "private, no-cache". 404 for an unknown platform; 503 with
//     {"error", "scanned_at", "scan_error"} for a known one that has no
//     report yet (scanned but not evaluated, or its scan failed), since
//     the report is expected later rather than missing for good.
//   - GET /v1/projects/{name}: the project's feeds, by category ("current",
//     "7.x"), as stored but without the body ([Feed]), and the platforms
//     that run it with its status there ([Project]). The name must be
//     letters, digits, '_', '-' and '.', at most 128 bytes (else 400);
//     404 when no feed is stored and no platform runs it. Finding the
//     platforms reads every platform record.
//   - GET /v1/events?since=N&limit=M&wait=D: the events numbered above N
//     (default 0), oldest first, at most M (default 100, at most 1000),
//     as [Events] {"events": [...], "next": SEQ}; pass next as the
//     following since. With wait (a Go duration such as 30s, or whole
//     seconds), an empty answer waits up to min(D, MaxLongPoll) for an
//     event and then returns what there is, possibly [].
//   - GET /healthz: 200 {"status": "ok"} when the store answers a lookup,
//     503 {"status": "unavailable"} when it does not and {"status":
//     "stopping"} during shutdown. It needs no token and tells nothing
//     more.
//   - GET /metrics: the registry in the Prometheus text format. The token
//     is required here too when one is configured (give Prometheus an
//     authorization credentials setting).
//
// # Metrics
//
// /metrics serves the registry given to [New], where the poller registers
// its own figures (drupdate_watch_*: fetches by result, hence 304s and
// errors by kind; poll lag; projects by status). The server adds
// drupdate_http_requests_total{route,code} and
// drupdate_http_request_duration_seconds{route}, and figures it reads
// from the store, at most every 15 seconds: drupdate_state_platforms{worst}
// (platforms by the worst status of their projects, "none" before
// evaluation), drupdate_state_feeds{category,state},
// drupdate_state_feeds_failing{category} (latest poll failed),
// drupdate_state_feed_overdue_seconds (how far past its next poll time the
// most overdue feed of a project some platform runs is; it keeps growing
// when no poller runs, where the poller's lag is silent) and
// drupdate_state_read_ok. Reading them reads every platform record and
// every feed's index record.
//
// # Security and limits
//
// With Config.Token set (at least [MinTokenLen] characters; see
// [Config.Validate]), every endpoint but /healthz needs "Authorization:
// Bearer TOKEN", compared in constant time; others get 401 with
// WWW-Authenticate. The token never appears in logs, errors or answers:
// the access log has no headers and no query, whatever quotes the request
// is redacted, and an authorized request whose path or query holds the
// token is refused with 400 before it can carry the token into store keys
// and error messages. Requests are limited in header size (431), query
// length ([MaxQueryBytes], 414) and body ([MaxBodyBytes], 413), and in
// time (ReadHeaderTimeout, ReadTimeout, WriteTimeout, which also bounds
// each request's store calls). At most 4 requests or scrapes read every
// platform record at once; others wait.
//
// # Logs
//
// One access line per request ("http request": method, path without
// query, status, bytes, duration, remote), at Debug for /healthz and
// /metrics and at Info otherwise; store failures and recovered panics
// (answered 500) at Error with their cause.
package server
