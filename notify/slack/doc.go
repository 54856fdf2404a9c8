// Package slack delivers notify messages to a Slack incoming webhook.
//
// # Configuration
//
//	webhook_url_file: /run/secrets/slack-webhook   # or webhook_url: …, or webhook_url_env: SLACK_WEBHOOK
//	timeout: 10s                                   # per attempt (default 10s)
//
// The webhook URL is a credential (anyone holding it can post to the
// channel), so it is a [notify.Secret] and never appears in an error: the
// transport's errors are passed through [notify.RedactURL] and Slack's
// replies through [notify.Secret.Scrub].
//
// # Messages
//
// A message is a Block Kit payload: a header with the [notify.Summary];
// for each [notify.Group] a section naming the advisory (linked) with
// fields for its CVEs, affected range and fixed version, a section with
// one line a platform (versions, sites, fix command) and a context listing
// the platforms; and a closing context with the message ID, by which a
// duplicate can be recognised. A digest lists its updates one a line
// instead, packed into as few sections as hold them. The top-level text,
// shown in notifications, is the summary.
//
// Slack's limits are kept: at most 50 blocks (groups that do not fit are
// named in an "and N more" section, updates that do not fit are counted
// at the end of the last), 3000 characters a text, 2000 a field, 150 the
// header. Feed-derived text is escaped for mrkdwn (&, <, >).
//
// # Errors
//
// A 2xx reply is success. 408, 429 and 5xx are transient; the error is a
// [*StatusError] whose RetryAfter gives Slack's Retry-After. Other replies
// (other 4xx, redirects) are [notify.Permanent].
package slack
