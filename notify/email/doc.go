// Package email delivers notify messages by SMTP.
//
// # Configuration
//
// A receiver's [Config] comes from YAML:
//
//	smarthost: smtp.example.com:587
//	tls: starttls                      # starttls (default), implicit (port 465) or none (loopback only)
//	from: drupdate <drupdate@example.com>
//	to: [ops@example.com, security@example.com]
//	username: drupdate
//	password_file: /run/secrets/smtp   # or password: …, or password_env: SMTP_PASSWORD
//	auth: plain                        # plain (default) or login
//	hello: drupdate.example.com        # EHLO name (default localhost)
//	tls_config:
//	  server_name: smtp.example.com    # default: the smarthost's host
//	  ca_file: /etc/drupdate/smtp-ca.pem
//	  dangerously_skip_verify: false
//	timeout: 30s                       # for the whole exchange (default 30s)
//
// With starttls, a server that does not offer STARTTLS is refused rather
// than spoken to in clear; credentials are never sent unencrypted except
// to a loopback smarthost with tls: none.
//
// # Messages
//
// Each message is one multipart/alternative mail with a text/plain and a
// text/html part, both quoted-printable UTF-8, rendered by
// [notify.Render]. Its Message-ID is derived from the notify message's
// ID, so a retried send carries the same Message-ID and the recipients'
// mail systems can drop the duplicate. Its Date is the message's Created
// time.
//
// # Errors
//
// An SMTP reply of 5xx (a rejected recipient, failed authentication), a
// certificate that does not verify and a server lacking STARTTLS or the
// configured AUTH mechanism are [notify.Permanent]; 4xx replies and
// network errors are not. A message is sent to all recipients or none:
// one rejected recipient fails the send before any data is sent.
package email
