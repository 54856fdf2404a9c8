// Package notify turns what the watcher finds into messages people act
// on, and delivers them at least once: exactly once to a receiver that
// drops a repeated [Message.ID].
//
// # Stages
//
// A [Pipeline] takes [Alert]s through these stages, every one of them
// keeping its state in the store, so that nothing is lost in a crash and
// several instances can share the work:
//
//  1. Submit routes each alert by [Config.Routes] to receivers and records
//     it, in one batch, as pending in a group of each receiver: the group
//     of the route that sent it, or the receiver's digest.
//  2. Grouping: a group is due group_wait after its oldest alert, but not
//     within group_interval of its last message; the digest is due at its
//     time of day.
//  3. De-duplication: each alert of a due group is checked against the
//     notification log (receiver and [Alert.Key] → the content last
//     delivered) and the messages still in the outbox. The same content
//     is not sent again until repeat_interval has passed since it was;
//     then it goes as a reminder. A material change (see below) goes at
//     once. Reminders happen when the source submits an alert again:
//     alerts carry no "resolved" state, so only the source knows which
//     facts still hold.
//  4. Rate limiting: a receiver over its limit keeps its due alerts
//     pending; the next message allowed carries them all.
//  5. The outbox: messages are written, with their stable ID, in the same
//     batch that removes their alerts from the groups.
//  6. Delivery: each attempt is claimed by a conditional write, made with
//     a timeout, and its outcome recorded by a write conditional on the
//     claim; the delivered message leaves the outbox in the batch that
//     writes the notification log. Transient failures are retried with
//     exponential backoff and jitter; a permanent one ([IsPermanent]), or
//     running out of attempts or age, gives the message up as failed.
//     [Outbox] lists the outbox and the recent history for an API.
//
// An alert's content is material when its Installed, Recommended or Status
// differ; other fields (At, Sites, an advisory's wording) are not.
//
// # Delivery guarantee
//
// Every submitted alert that a route sends to a receiver, and that is not a
// duplicate, reaches it, or its message is recorded as failed; crashes and
// restarts lose none. (A receiver dropped from the configuration keeps its
// waiting alerts and messages in the store until it comes back.) But a
// crash (or a lost connection to the store) after the receiver accepted a
// message and before the pipeline recorded it makes the message go again
// once its claim runs out: delivery is at least once. The repeat carries
// the same [Message.ID], which receivers pass on (email's Message-ID, the
// webhook's idempotency key) so that the far end can drop it. No design
// can do better without the far end's help: accepting and recording are
// two systems' writes.
//
// Instances sharing a store take a lease per receiver before its work,
// and every transition (pending to sending, sending to delivered, groups
// to outbox) is compare-and-set, so two instances never both attempt one
// message, however their leases behave, unless an attempt outlives its
// claim (twice retry.timeout, by the claiming instance's clock).
//
// # Store
//
// Buckets, each keyed by receiver name and a slash first (created is the
// message's time in Unix nanoseconds, 20 digits, and n its rank among the
// messages made at once):
//
//	notify_pending    receiver/group/alert key   alerts waiting in a group
//	notify_receivers  receiver                   last message per group; rate-limit window
//	notify_outbox     receiver/created-n-ID      messages pending or sending
//	notify_history    receiver/created-n-ID      messages delivered or failed, for Config.History
//	notify_log        receiver/alert key         content last delivered, and when
package notify
