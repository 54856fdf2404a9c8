package notify

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/drupdate/drupdate/internal/store"
)

// State is where an outbox message stands.
type State string

// States of an [OutboxEntry]:
//
//	pending ──claim──▶ sending ──accepted──▶ delivered
//	   ▲                  │  └──permanent, or out of attempts or age──▶ failed
//	   └──transient error─┘
//
// A sending message whose claim has run out (its instance died mid-attempt)
// is claimed again like a pending one.
const (
	StatePending   State = "pending"   // waiting for its next attempt
	StateSending   State = "sending"   // an instance is attempting it
	StateDelivered State = "delivered" // the receiver accepted it
	StateFailed    State = "failed"    // given up
)

// OutboxEntry is a message and the record of its delivery.
type OutboxEntry struct {
	Message Message `json:"message"`
	State   State   `json:"state"`
	// Attempts counts the attempts begun, including one under way.
	Attempts int `json:"attempts,omitempty"`
	// LastError is the error of the last failed attempt, as the receiver
	// worded it (receivers keep secrets out of their errors).
	LastError   string    `json:"last_error,omitempty"`
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	// NextAttempt is when a pending message is due for an attempt.
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	// Owner is the instance attempting a sending message, until
	// ClaimedUntil, else the one that made the last attempt.
	Owner        string    `json:"owner,omitempty"`
	ClaimedUntil time.Time `json:"claimed_until,omitzero"`
	// Scheduled is when the message was due: a digest's time of day,
	// else Message.Created. Reminders count from it.
	Scheduled time.Time `json:"scheduled"`
	// Finished is when the message was delivered or given up.
	Finished time.Time `json:"finished,omitzero"`
}

// Outbox returns the messages of the pipeline whose state is in st: those
// still to deliver and those delivered or given up within the configured
// history, oldest first. It only reads, so an API can call it while
// pipelines run.
func Outbox(ctx context.Context, st store.Store) ([]OutboxEntry, error) {
	var out []OutboxEntry
	for _, bucket := range []string{bucketOutbox, bucketHistory} {
		kvs, err := listAll(ctx, st, bucket, "")
		if err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		for _, kv := range kvs {
			var e OutboxEntry
			if err := json.Unmarshal(kv.Value, &e); err != nil {
				return nil, fmt.Errorf("read outbox: decode %s: %w", store.Ref(bucket, kv.Key), err)
			}
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b OutboxEntry) int {
		return cmp.Or(a.Message.Created.Compare(b.Message.Created), cmp.Compare(a.Message.Receiver, b.Message.Receiver), cmp.Compare(a.Message.ID, b.Message.ID))
	})
	return out, nil
}

// outboxKey lists a receiver's messages in the order they were made; i
// orders the messages made at once.
func outboxKey(m Message, i int) string {
	return fmt.Sprintf("%s/%020d-%02d-%s", m.Receiver, m.Created.UnixNano(), i, m.ID)
}

// deliver attempts a receiver's due messages, oldest first. After a
// transient failure it leaves the rest to a later tick: the receiver is
// likely down, and each attempt would wait out the timeout.
func (p *Pipeline) deliver(ctx context.Context, name string) error {
	kvs, err := listAll(ctx, p.st, bucketOutbox, name+"/")
	if err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	for _, kv := range kvs {
		var e OutboxEntry
		if err := json.Unmarshal(kv.Value, &e); err != nil {
			return fmt.Errorf("deliver: decode %s: %w", store.Ref(bucketOutbox, kv.Key), err)
		}
		now := p.now()
		if e.State == StatePending && e.NextAttempt.After(now) || e.State == StateSending && e.ClaimedUntil.After(now) {
			continue
		}
		if ok, err := p.renew(ctx, name); err != nil || !ok {
			return err
		}
		sendErr, err := p.attempt(ctx, kv, e)
		if err != nil {
			return err
		}
		if sendErr != nil && !IsPermanent(sendErr) {
			return nil
		}
	}
	return nil
}

// attempt claims the message under kv, sends it and records the outcome,
// each write conditional on the one before, so that of several instances
// one at most sends it while its claim lasts. It returns the receiver's
// error, and the store's.
func (p *Pipeline) attempt(ctx context.Context, kv store.KV, e OutboxEntry) (sendErr, err error) {
	now := p.now()
	e.State = StateSending
	e.Attempts++
	e.LastAttempt = now
	e.Owner = p.owner
	e.ClaimedUntil = now.Add(p.claimTTL())
	claimed := mustJSON(e)
	var b store.Batch
	b.IfEqual(bucketOutbox, kv.Key, kv.Value).Put(bucketOutbox, kv.Key, claimed)
	if _, err := p.st.Apply(ctx, b); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, nil // another instance got there first
		}
		return nil, fmt.Errorf("claim %s: %w", e.Message.ID, err)
	}

	sctx, cancel := context.WithTimeout(ctx, p.cfg.retry.timeout)
	m := e.Message
	sendErr = p.receivers[e.Message.Receiver].Send(sctx, &m)
	cancel()

	// The outcome is written even when ctx has ended meanwhile: a
	// delivery left unrecorded would be sent again.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.cfg.retry.timeout)
	defer cancel()
	now = p.now()
	e.ClaimedUntil = time.Time{}
	b = store.Batch{}
	b.IfEqual(bucketOutbox, kv.Key, claimed)
	switch {
	case sendErr == nil:
		e.State, e.Finished, e.NextAttempt = StateDelivered, now, time.Time{}
		b.Delete(bucketOutbox, kv.Key).Put(bucketHistory, kv.Key, mustJSON(e))
		for _, a := range e.Message.Alerts {
			b.Put(bucketLog, e.Message.Receiver+"/"+a.Key(), mustJSON(logEntry{Hash: fingerprint(a), Sent: e.Scheduled, Message: e.Message.ID}))
		}
	case p.giveUp(e, sendErr, now):
		e.State, e.Finished, e.NextAttempt, e.LastError = StateFailed, now, time.Time{}, errorText(sendErr)
		b.Delete(bucketOutbox, kv.Key).Put(bucketHistory, kv.Key, mustJSON(e))
		p.log.Error("notify: message given up", "receiver", e.Message.Receiver, "id", e.Message.ID, "attempts", e.Attempts, "err", sendErr)
	default:
		wait := p.cfg.retry.backoff(e.Attempts, rand.Float64())
		if ra := RetryAfter(sendErr); ra > wait {
			wait = min(ra, time.Hour) // a server's Retry-After, within reason
		}
		e.State, e.NextAttempt, e.LastError = StatePending, now.Add(wait), errorText(sendErr)
		b.Put(bucketOutbox, kv.Key, mustJSON(e))
		p.log.Warn("notify: delivery failed; will retry", "receiver", e.Message.Receiver, "id", e.Message.ID, "attempts", e.Attempts, "next", e.NextAttempt, "err", sendErr)
	}
	if _, err := p.st.Apply(wctx, b); err != nil {
		if errors.Is(err, store.ErrConflict) {
			// Our claim ran out and another instance took the message
			// over: it may send it again, under the same ID.
			p.log.Warn("notify: message taken over during an attempt", "receiver", e.Message.Receiver, "id", e.Message.ID, "err", sendErr)
			return sendErr, nil
		}
		return sendErr, fmt.Errorf("record attempt of %s: %w", e.Message.ID, err)
	}
	return sendErr, nil
}

func (p *Pipeline) giveUp(e OutboxEntry, err error, now time.Time) bool {
	r := p.cfg.retry
	return IsPermanent(err) ||
		r.attempts > 0 && e.Attempts >= r.attempts ||
		r.maxAge > 0 && now.Sub(e.Message.Created) >= r.maxAge
}

// errorText is err's message, cut to a size an API can show.
func errorText(err error) string {
	const most = 1024
	s := err.Error()
	if len(s) > most {
		s = s[:most] + "…"
	}
	return s
}

// prune removes a receiver's oldest finished messages once the history
// has passed, a page per tick.
func (p *Pipeline) prune(ctx context.Context, name string) error {
	kvs, err := p.st.List(ctx, bucketHistory, name+"/", "", 64)
	if err != nil {
		return fmt.Errorf("prune: %w", err)
	}
	now := p.now()
	var b store.Batch
	for _, kv := range kvs {
		var e OutboxEntry
		if err := json.Unmarshal(kv.Value, &e); err != nil {
			return fmt.Errorf("prune: decode %s: %w", store.Ref(bucketHistory, kv.Key), err)
		}
		if now.Sub(e.Finished) < p.cfg.history {
			break
		}
		b.IfEqual(bucketHistory, kv.Key, kv.Value).Delete(bucketHistory, kv.Key)
	}
	if len(b.Writes) == 0 {
		return nil
	}
	if _, err := p.st.Apply(ctx, b); err != nil && !errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("prune: %w", err)
	}
	return nil
}
