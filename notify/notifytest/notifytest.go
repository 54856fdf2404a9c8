// Package notifytest is the conformance kit for [notify.Receiver]: every
// receiver's tests call [Run] with a [Harness] that points the receiver at
// a fake far end (an in-process SMTP server, an httptest server) which
// answers as the kit's [FarEnd] says.
package notifytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/drupdate/drupdate/notify"
)

// A Harness builds receivers for the kit.
type Harness struct {
	// Start starts a fake far end that answers as far says and returns a
	// receiver delivering to it, and the config the receiver was built
	// from. It is called once a check, and stops its server with
	// t.Cleanup.
	Start func(t *testing.T, far *FarEnd) (r notify.Receiver, cfg any)
	// Secrets are distinctive values the config holds (a password, a
	// token, a webhook URL), at least 8 bytes each; none may appear in an
	// error, in a formatted receiver or config, in a marshalled config or
	// in what the far end receives.
	Secrets []string
}

// Mode is how a far end answers.
type Mode int32

const (
	// Accept takes the delivery: the fake calls [FarEnd.Deliver] and
	// answers success.
	Accept Mode = iota
	// FailTransient answers with a failure worth retrying (an HTTP 503,
	// an SMTP 451).
	FailTransient
	// RejectPermanent answers with a rejection that will not change (an
	// HTTP 400, an SMTP 550).
	RejectPermanent
	// Hang answers nothing: the fake blocks until [FarEnd.Done] is closed
	// or its client goes away, and then still sends no reply (an HTTP
	// handler panics with http.ErrAbortHandler), since a success racing
	// the client's timeout may be taken.
	Hang
)

// A FarEnd tells a fake server how to answer and collects what it
// accepted. It is safe for concurrent use.
type FarEnd struct {
	mode atomic.Int32
	done chan struct{}

	mu  sync.Mutex
	got []Delivery
}

// A Delivery is what arrived at the far end.
type Delivery struct {
	// ID is where the far end finds the message id, which lets it drop a
	// duplicate: the Message-ID header, the Idempotency-Key header, the
	// text that shows it.
	ID string
	// Content is everything the far end can read, decoded from the wire
	// (subject and bodies of a mail, the texts of a Slack payload, a JSON
	// body).
	Content string
}

// Mode returns how the far end answers now.
func (f *FarEnd) Mode() Mode { return Mode(f.mode.Load()) }

func (f *FarEnd) set(m Mode) { f.mode.Store(int32(m)) }

// Deliver records an accepted delivery.
func (f *FarEnd) Deliver(d Delivery) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, d)
}

// Done is closed when the check ends; a fake in [Hang] waits on it.
func (f *FarEnd) Done() <-chan struct{} { return f.done }

func (f *FarEnd) received() []Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Delivery(nil), f.got...)
}

// Message is the message the kit sends, with the given id: an advisory
// on three platforms, each with its own fix, and an update. Its text
// avoids &, < and >, which each medium escapes its own way.
func Message(id string) *notify.Message {
	at := time.Date(2026, 3, 18, 9, 0, 0, 0, time.UTC)
	ref := &notify.AdvisoryRef{
		ID: "SA-CONTRIB-2026-015", Aliases: []string{"CVE-2026-21015"}, Risk: "Moderately critical", Score: 12,
		Link: "https://www.drupal.org/sa-contrib-2026-015", Range: ">=1.0.0 <1.15.0", Fixed: "1.15.0",
	}
	advisory := func(platform, site, installed, fix string) notify.Alert {
		return notify.Alert{
			Kind: notify.KindAdvisory, Platform: platform, Sites: []string{site}, Project: "token", Package: "drupal/token",
			Installed: installed, Recommended: "1.15.0", Status: "NOT_SECURE", Advisory: ref, Fix: fix, At: at,
		}
	}
	return &notify.Message{
		ID: id, Receiver: "kit", Created: at,
		Alerts: []notify.Alert{
			advisory("kit-alpha", "alpha.example.com", "1.14.0", "composer require 'drupal/token:^1.15' --update-with-dependencies"),
			advisory("kit-bravo", "bravo.example.com", "1.13.0", "composer require 'drupal/token:^1.15' -W"),
			advisory("kit-charlie", "charlie.example.com", "8.x-1.14", "drush pm:update token-8.x-1.15"),
			{Kind: notify.KindUpdate, Platform: "kit-alpha", Project: "metatag", Installed: "2.0.2", Recommended: "2.1.0",
				Fix: "composer require 'drupal/metatag:^2.1' -W", At: at},
		},
	}
}

// wants are what each delivery of Message must show.
func wants(m *notify.Message) []string {
	w := []string{}
	for _, a := range m.Alerts {
		w = append(w, a.Project, a.Platform, a.Fix, a.Installed)
		if a.Advisory != nil {
			w = append(w, a.Advisory.ID, a.Advisory.Link)
		}
	}
	return w
}

// Run runs the conformance checks on the receivers h builds.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if len(h.Secrets) == 0 {
		t.Fatal("notifytest: the harness gives no secrets to look for")
	}
	for _, s := range h.Secrets {
		if len(s) < 8 {
			t.Fatalf("notifytest: secret %q is too short to be distinctive", s)
		}
	}
	var (
		mu   sync.Mutex
		errs []error // every error a receiver returned, for the leak check
	)
	keep := func(err error) error {
		if err != nil {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}
		return err
	}
	start := func(t *testing.T) (notify.Receiver, any, *FarEnd) {
		far := &FarEnd{done: make(chan struct{})}
		r, cfg := h.Start(t, far)
		// Registered after Start's cleanups, so it runs before them and
		// releases hung handlers before their servers are stopped.
		t.Cleanup(func() { close(far.done) })
		return r, cfg, far
	}

	t.Run("DeliversOnceWithEverything", func(t *testing.T) {
		r, _, far := start(t)
		if r.Name() == "" {
			t.Error("Name() is empty")
		}
		m := Message("kit-once-0001")
		if err := keep(r.Send(context.Background(), m)); err != nil {
			t.Fatalf("Send: %v", err)
		}
		got := far.received()
		if len(got) != 1 {
			t.Fatalf("the far end received %d deliveries, want 1", len(got))
		}
		for _, w := range wants(m) {
			if !strings.Contains(got[0].Content, w) {
				t.Errorf("the delivery does not show %q; it reads:\n%s", w, got[0].Content)
			}
		}
		if !strings.Contains(got[0].ID, m.ID) {
			t.Errorf("the delivery's id %q does not carry the message id %q", got[0].ID, m.ID)
		}
	})

	t.Run("RetryCarriesSameID", func(t *testing.T) {
		r, _, far := start(t)
		m := Message("kit-retry-0002")
		for range 2 {
			if err := keep(r.Send(context.Background(), m)); err != nil {
				t.Fatalf("Send: %v", err)
			}
		}
		got := far.received()
		if len(got) != 2 {
			t.Fatalf("the far end received %d deliveries, want 2", len(got))
		}
		if got[0].ID != got[1].ID || !strings.Contains(got[0].ID, m.ID) {
			t.Errorf("two sends of message %q arrived as %q and %q; a duplicate must be recognisable", m.ID, got[0].ID, got[1].ID)
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		r, _, far := start(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := keep(r.Send(ctx, Message("kit-cancel-0003")))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send(cancelled ctx) = %v, want an error wrapping context.Canceled", err)
		}
		if notify.IsPermanent(err) {
			t.Errorf("Send(cancelled ctx) = %v is permanent; the message was never refused", err)
		}
		if n := len(far.received()); n != 0 {
			t.Errorf("the far end received %d deliveries after a cancelled Send", n)
		}
	})

	t.Run("ExpiringContext", func(t *testing.T) {
		r, _, far := start(t)
		far.set(Hang)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		begin := time.Now()
		err := keep(r.Send(ctx, Message("kit-expire-0004")))
		if d := time.Since(begin); d > 5*time.Second {
			t.Errorf("Send returned %v after its context expired", d)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Send(expiring ctx) = %v, want an error wrapping context.DeadlineExceeded", err)
		}
		if notify.IsPermanent(err) {
			t.Errorf("Send(expiring ctx) = %v is permanent", err)
		}
	})

	t.Run("TransientThenSuccess", func(t *testing.T) {
		r, _, far := start(t)
		far.set(FailTransient)
		m := Message("kit-transient-0005")
		err := keep(r.Send(context.Background(), m))
		if err == nil || notify.IsPermanent(err) {
			t.Fatalf("Send to a failing far end = %v, want a transient error", err)
		}
		far.set(Accept)
		if err := keep(r.Send(context.Background(), m)); err != nil {
			t.Fatalf("Send after the far end recovered: %v", err)
		}
		if n := len(far.received()); n != 1 {
			t.Errorf("the far end received %d deliveries, want 1", n)
		}
	})

	t.Run("PermanentRejection", func(t *testing.T) {
		r, _, far := start(t)
		far.set(RejectPermanent)
		err := keep(r.Send(context.Background(), Message("kit-reject-0006")))
		if !notify.IsPermanent(err) {
			t.Errorf("Send to a rejecting far end = %v, want a notify.Permanent error", err)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		r, _, far := start(t)
		const n = 8
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				if err := keep(r.Send(context.Background(), Message(fmt.Sprintf("kit-concurrent-%04d", i)))); err != nil {
					t.Errorf("Send %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		got := far.received()
		ids := map[string]bool{}
		for _, d := range got {
			ids[d.ID] = true
		}
		if len(got) != n || len(ids) != n {
			t.Errorf("the far end received %d deliveries with %d ids, want %d of each", len(got), len(ids), n)
		}
	})

	t.Run("NoSecretLeaks", func(t *testing.T) {
		r, cfg, far := start(t)
		if err := keep(r.Send(context.Background(), Message("kit-leak-0007"))); err != nil {
			t.Fatalf("Send: %v", err)
		}
		far.set(RejectPermanent)
		keep(r.Send(context.Background(), Message("kit-leak-0008")))

		var shown []string
		for _, v := range []any{r, cfg} {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
				shown = append(shown, fmt.Sprintf(verb, v))
			}
		}
		j, err := json.Marshal(cfg)
		if err != nil {
			t.Errorf("json.Marshal(config): %v", err)
		}
		y, err := yaml.Marshal(cfg)
		if err != nil {
			t.Errorf("yaml.Marshal(config): %v", err)
		}
		shown = append(shown, string(j), string(y))
		mu.Lock()
		for _, err := range errs {
			shown = append(shown, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
		mu.Unlock()
		for _, d := range far.received() {
			shown = append(shown, d.ID, d.Content)
		}
		for _, s := range h.Secrets {
			for _, text := range shown {
				if strings.Contains(text, s) {
					t.Errorf("secret %q leaks in %q", s, text)
				}
			}
		}
	})
}
