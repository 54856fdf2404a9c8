package watch

import (
	"context"
	"errors"

	"github.com/drupdate/drupdate/internal/store"
)

// maxGroup bounds how many polls' batches one group commit merges.
const maxGroup = 64

// committer merges the batches of concurrent polls into one Apply: one disk
// sync for the embedded store, one round trip for Redis, however many polls
// end together. A group whose merged Apply fails on a condition (or a
// limit) is applied batch by batch, so that each poll learns of its own
// conflict and no other's.
type committer struct {
	st   store.Store
	reqs chan *commitReq
	done chan struct{}
}

type commitReq struct {
	ctx context.Context
	b   store.Batch
	err chan error
}

func newCommitter(st store.Store) *committer {
	c := &committer{st: st, reqs: make(chan *commitReq), done: make(chan struct{})}
	go c.loop()
	return c
}

// apply applies b, alone or with others, as [store.Store.Apply] would.
func (c *committer) apply(ctx context.Context, b store.Batch) error {
	r := &commitReq{ctx: ctx, b: b, err: make(chan error, 1)}
	select {
	case c.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-r.err
}

// close stops the committer once every batch handed to it is applied; no
// apply may follow.
func (c *committer) close() {
	close(c.reqs)
	<-c.done
}

func (c *committer) loop() {
	defer close(c.done)
	for r := range c.reqs {
		group := []*commitReq{r}
	more:
		for len(group) < maxGroup {
			select {
			case r, ok := <-c.reqs:
				if !ok {
					break more
				}
				group = append(group, r)
			default:
				break more
			}
		}
		c.commit(group)
	}
}

func (c *committer) commit(group []*commitReq) {
	if len(group) > 1 {
		var b store.Batch
		for _, r := range group {
			b.Conds = append(b.Conds, r.b.Conds...)
			b.Writes = append(b.Writes, r.b.Writes...)
			b.Events = append(b.Events, r.b.Events...)
		}
		_, err := c.st.Apply(group[0].ctx, b)
		switch {
		case err == nil:
			for _, r := range group {
				r.err <- nil
			}
			return
		case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrTooLarge), group[0].ctx.Err() != nil:
			// One by one below: each poll gets its own answer.
		default:
			// Perhaps applied, perhaps not (a connection lost): every
			// poll reads its record again next time.
			for _, r := range group {
				r.err <- err
			}
			return
		}
	}
	for _, r := range group {
		_, err := c.st.Apply(r.ctx, r.b)
		r.err <- err
	}
}
