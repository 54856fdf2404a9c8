package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/alerting"
	"github.com/drupdate/drupdate/internal/server"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/store/bolt"
	"github.com/drupdate/drupdate/internal/store/redis"
	"github.com/drupdate/drupdate/internal/watch"
	"github.com/drupdate/drupdate/notify"
	"github.com/drupdate/drupdate/platforms"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "--config FLEET [--listen ADDR] [--store bolt:PATH|redis://HOST/DB] [--release-history URL|DIR] [--once]")
	configFile := fs.String("config", "", "fleet `FILE`: the platforms, and service settings in its serve section")
	listen := fs.String("listen", "", "serve the API on this `address` (default: serve.listen, else 127.0.0.1:8080)")
	storeSpec := fs.String("store", "", "state `store`: bolt:PATH (one file, the default) or redis://HOST:PORT/DB for several instances")
	source := fs.String("release-history", "", "release-history base `URL` or mirror DIR (default: serve.release_history, else drupal.org)")
	instance := fs.String("instance", "", "this instance's `name` for polling leases (default: the host name)")
	once := fs.Bool("once", false, "scan, poll every feed and evaluate once, print the fleet's state, and exit")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *configFile == "" {
		return usagef("serve needs --config FLEET and no arguments")
	}
	fleet, err := platforms.LoadFleet(*configFile, fleetSections...)
	if err != nil {
		return err
	}
	sc, err := parseServeConfig(*configFile, fleet.Sections[serveSection], e.getenv)
	if err != nil {
		return err
	}
	override(&sc.Listen, *listen)
	override(&sc.Store, *storeSpec)
	override(&sc.ReleaseHistory, *source)
	if *instance == "" {
		if *instance, err = os.Hostname(); err != nil {
			*instance = "drupdate"
		}
	}
	srvCfg := server.Config{Addr: sc.Listen, Token: sc.Token}
	if err := srvCfg.Validate(); err != nil {
		return usagef("serve: %v", err)
	}
	log := newLogger(e.stderr, sc.LogFormat)

	st, err := openStore(ctx, sc.Store, e)
	if err != nil {
		return err
	}
	defer st.Close()
	hosts, err := loadHosting(*configFile, fleet, e.getenv, e.now)
	if err != nil {
		return err
	}
	client, err := feeds.Open(sc.ReleaseHistory, append(hosts.feedOptions(), feeds.WithTimeout(sc.Timeout), feeds.WithConcurrency(sc.Concurrency))...)
	if err != nil {
		return fmt.Errorf("release history: %w", err)
	}
	reg := prometheus.NewRegistry()
	metrics, err := watch.NewMetrics(reg)
	if err != nil {
		return err
	}
	jitter := sc.Jitter
	if jitter == 0 {
		jitter = -1 // watch.Config reads 0 as "the default" and a negative as none
	}
	deps := watch.Deps{Store: st, Feeds: client, Fleet: fleet, Now: e.now, Logger: log, Instance: *instance, Metrics: metrics,
		Scan: platforms.Options{Hosted: hosts.scanHosted()}}
	src, waivers, err := advisoryConfig(*configFile, fleet, "", "")
	if err != nil {
		return err
	}
	if err := validateWaivers(waivers); err != nil {
		return err
	}
	if !src.Empty() {
		deps.Advisories = &watch.Advisories{Sources: src, Waivers: waivers, Getter: feeds.Getter{Timeout: sc.Timeout}}
	}
	w, err := watch.New(watch.Config{
		Poll: sc.PollInterval, Urgent: sc.UrgentInterval, Scan: sc.ScanInterval,
		Jitter: jitter, Retries: sc.Retries, Concurrency: sc.Concurrency,
	}, deps)
	if err != nil {
		return err
	}

	nc, receivers, err := loadNotify(*configFile, fleet)
	if err != nil {
		return err
	}
	var pipeline *notify.Pipeline
	var alerter *alerting.Alerter
	if nc != nil {
		if pipeline, err = notify.New(nc.Config, receivers, st, notify.WithClock(e.now), notify.WithLogger(log), notify.WithOwner(*instance)); err != nil {
			return err
		}
		alerter = &alerting.Alerter{Store: st, Sink: pipeline, Now: e.now, Log: log}
	}

	if *once {
		if err := w.ScanOnce(ctx); err != nil {
			return err
		}
		if err := w.PollOnce(ctx); err != nil {
			return err
		}
		if alerter != nil {
			// What is due now is delivered; messages still grouping stay
			// in the store's outbox for the next run.
			if err := alerter.Once(ctx); err != nil {
				return err
			}
			if err := pipeline.Tick(ctx); err != nil {
				return err
			}
		}
		return printFleetState(ctx, e.stdout, st)
	}

	srv := server.New(srvCfg, st, reg, log, e.now)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return w.Run(gctx) })
	g.Go(func() error { return srv.ListenAndServe(gctx) })
	if alerter != nil {
		g.Go(func() error { return pipeline.Run(gctx) })
		g.Go(func() error { return alerter.Run(gctx, alertEvery) })
	}
	g.Go(func() error {
		select {
		case <-srv.Ready():
			log.Info("serving the API", "url", "http://"+srv.Addr(), "platforms", len(fleet.Platforms), "store", storeKind(sc.Store))
		case <-gctx.Done():
		}
		return nil
	})
	err = g.Wait()
	if ctx.Err() != nil && (err == nil || errors.Is(err, context.Canceled)) {
		log.Info("stopped")
		return nil
	}
	return err
}

// alertEvery is how often evaluated platforms are turned into alerts; the
// pipeline's group_wait then decides when they go out.
const alertEvery = 5 * time.Second

func override(field *string, flagValue string) {
	if flagValue != "" {
		*field = flagValue
	}
}

// statusCounts summarises a platform record: its scan error, or how many
// projects have each status, worst first.
func statusCounts(rec watch.PlatformRecord) string {
	if rec.ScanError != "" {
		return "scan failed: " + rec.ScanError
	}
	if c := countStatuses(maps.Values(rec.Statuses)); c != "" {
		return c
	}
	return "not evaluated yet"
}

// openStore opens the store a spec names: "bolt:PATH" or a redis:// URL.
// Errors never repeat a Redis password.
func openStore(ctx context.Context, spec string, e *env) (store.Store, error) {
	switch {
	case strings.HasPrefix(spec, "bolt:"):
		return bolt.Open(strings.TrimPrefix(spec, "bolt:"), bolt.Options{Now: e.now})
	case strings.HasPrefix(spec, "redis://"), strings.HasPrefix(spec, "rediss://"):
		return redis.Open(ctx, spec, redis.Options{Now: e.now})
	}
	return nil, usagef("store %q is neither bolt:PATH nor redis://HOST:PORT/DB", storeKind(spec))
}

// storeKind names a store without its address or credentials, for logs.
func storeKind(spec string) string {
	kind, _, _ := strings.Cut(spec, ":")
	return kind
}

func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// printFleetState prints what the store holds about each platform: the
// summary `serve --once` ends with.
func printFleetState(ctx context.Context, w io.Writer, st store.Store) error {
	return store.Each(ctx, st, watch.BucketPlatforms, "", 100, func(kv store.KV) error {
		var rec watch.PlatformRecord
		if err := json.Unmarshal(kv.Value, &rec); err != nil {
			return fmt.Errorf("platform record %s: %w", kv.Key, err)
		}
		line := statusCounts(rec)
		if n := len(rec.Findings); n > 0 {
			line += fmt.Sprintf("; %s affect it", plural(n, "advisory finding"))
		}
		fmt.Fprintf(w, "%s: %s\n", rec.Name, line)
		return nil
	})
}
