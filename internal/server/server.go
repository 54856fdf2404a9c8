package server

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/drupdate/drupdate/internal/store"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for the zero fields of a [Config].
const (
	DefaultAddr              = "127.0.0.1:8080"
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 10 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultMaxLongPoll       = 60 * time.Second
	DefaultShutdownTimeout   = 10 * time.Second
	DefaultMaxHeaderBytes    = 16 << 10

	// writeMargin is what WriteTimeout leaves a response after the
	// longest long-poll, when WriteTimeout is not set.
	writeMargin = 15 * time.Second
)

// Fixed limits of a request.
const (
	// MaxQueryBytes caps the raw query string; longer ones get 414.
	MaxQueryBytes = 1 << 10
	// MaxBodyBytes caps a request body (no endpoint expects one); a
	// declared longer one gets 413.
	MaxBodyBytes = 4 << 10
	// maxNameBytes caps a project name in a path.
	maxNameBytes = 128
	// pageSize is how many records one store List reads.
	pageSize = 100
	// maxConcurrentScans bounds the requests and scrapes that read every
	// platform record at once.
	maxConcurrentScans = 4
)

// Config configures a [Server]. Zero fields take the Default values.
type Config struct {
	// Addr is the TCP address to listen on, host:port; ":0" picks a free
	// port, which [Server.Addr] then reports.
	Addr string
	// Token, when not empty, is the bearer token every endpoint but
	// /healthz requires: at least MinTokenLen characters of RFC 6750's
	// b64token set (letters, digits, "-._~+/", then any "="), as
	// [Config.Validate] checks. Surrounding white space is ignored, as it
	// is in a header.
	Token string
	// ReadHeaderTimeout, ReadTimeout and IdleTimeout are those of
	// [http.Server].
	ReadHeaderTimeout, ReadTimeout time.Duration
	// WriteTimeout bounds a whole response, long-polls included, and
	// each request's store calls; zero means MaxLongPoll plus 15s. A
	// long-poll leaves at least 15s of it (or half, if less) to answer,
	// cutting MaxLongPoll short if need be.
	WriteTimeout time.Duration
	IdleTimeout  time.Duration
	// MaxLongPoll caps the wait a /v1/events request may ask for.
	MaxLongPoll time.Duration
	// ShutdownTimeout is how long ListenAndServe lets in-flight
	// requests finish once its context ends, before closing their
	// connections.
	ShutdownTimeout time.Duration
	// MaxHeaderBytes caps the request line and headers; larger requests
	// get 431.
	MaxHeaderBytes int
}

// MinTokenLen is the shortest token accepted. A token is also kept out of
// logs and answers by replacing it wherever it appears, which a short one
// would make a mess of.
const MinTokenLen = 16

// Validate reports whether c can configure a server; [New] panics on a
// Config that fails it, so check configuration from users first.
func (c Config) Validate() error {
	t := strings.TrimSpace(c.Token)
	if t == "" {
		return nil
	}
	if len(t) < MinTokenLen {
		return fmt.Errorf("server token: %d characters; use at least %d", len(t), MinTokenLen)
	}
	body := strings.TrimRight(t, "=")
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~+/", c) >= 0) {
			return fmt.Errorf("server token: character %d is not one of the letters, digits and \"-._~+/\" a bearer token is made of", i+1)
		}
	}
	if body == "" {
		return errors.New("server token: only \"=\"")
	}
	return nil
}

func (c Config) withDefaults() Config {
	c.Token = strings.TrimSpace(c.Token)
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.ReadHeaderTimeout <= 0 {
		c.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxLongPoll <= 0 {
		c.MaxLongPoll = DefaultMaxLongPoll
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = c.MaxLongPoll + writeMargin
	}
	c.MaxLongPoll = min(c.MaxLongPoll, c.WriteTimeout-min(writeMargin, c.WriteTimeout/2))
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	return c
}

// Server is drupdate's HTTP API over a [store.Store]. It only reads the
// store. Its handler is safe for concurrent use.
type Server struct {
	cfg       Config
	st        store.Store
	reg       *prometheus.Registry
	log       *slog.Logger
	now       func() time.Time
	tokenHash [sha256.Size]byte // of cfg.Token, when set

	mux     *http.ServeMux
	metrics *httpMetrics
	scans   chan struct{} // semaphore of full scans

	// stopping ends when the server starts shutting down, so that
	// long-polls return at once instead of holding the shutdown up.
	stopping context.Context
	stop     context.CancelFunc

	mu      sync.Mutex
	started bool
	addr    string
	ready   chan struct{} // closed once listening
}

// New returns a server of st's records, reporting the metrics of reg
// (nil: a new registry) at /metrics and registering its own there, and
// logging to log (nil: nowhere). now is the clock (nil: time.Now). It
// panics if cfg fails [Config.Validate].
func New(cfg Config, st store.Store, reg *prometheus.Registry, log *slog.Logger, now func() time.Time) *Server {
	if err := cfg.Validate(); err != nil {
		panic("server.New: " + err.Error()) // the message never holds the token
	}
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	s := &Server{
		cfg:   cfg.withDefaults(),
		st:    st,
		reg:   reg,
		log:   log,
		now:   now,
		scans: make(chan struct{}, maxConcurrentScans),
		ready: make(chan struct{}),
	}
	if s.cfg.Token != "" {
		s.tokenHash = sha256.Sum256([]byte(s.cfg.Token))
	}
	s.stopping, s.stop = context.WithCancel(context.Background())
	s.metrics = newHTTPMetrics(reg)
	register(reg, newStoreCollector(s))
	s.mux = s.routes()
	return s
}

// Handler returns the server's HTTP handler: every endpoint with its
// authentication, limits, access log and metrics, but without the
// connection limits (header size, timeouts) that only ListenAndServe sets.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// ListenAndServe listens on the configured address and serves until ctx
// ends. Then it stops accepting connections, ends long-polls early (they
// answer with what they have), lets in-flight requests finish for up to
// ShutdownTimeout, closes what remains and returns. It returns nil after a
// shutdown in time. A Server serves once.
func (s *Server) ListenAndServe(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is ListenAndServe on a listener of the caller's; it closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		ln.Close()
		return errors.New("serve: server already started")
	}
	s.started = true
	s.addr = ln.Addr().String()
	close(s.ready)
	s.mu.Unlock()

	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(s.stop)
	s.log.Info("listening", "addr", s.addr, "auth", s.cfg.Token != "")

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		s.stop()
		return fmt.Errorf("serve on %s: %w", s.addr, err)
	case <-ctx.Done():
	}

	s.log.Info("shutting down", "addr", s.addr, "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-served // http.ErrServerClosed, at once
	if err != nil {
		srv.Close()
		return fmt.Errorf("shut down server on %s: %w", s.addr, err)
	}
	s.log.Info("stopped", "addr", s.addr)
	return nil
}

// Addr is the address the server listens on (the port picked for ":0"),
// or "" before it listens.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Ready is closed once the server listens and Addr is known.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// acquireScan takes a slot for a request that reads every platform record,
// waiting while maxConcurrentScans others do.
func (s *Server) acquireScan(ctx context.Context) (release func(), err error) {
	select {
	case s.scans <- struct{}{}:
		return func() { <-s.scans }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
