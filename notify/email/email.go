package email

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/drupdate/drupdate/notify"
)

// Config configures an email receiver; see the package documentation.
type Config struct {
	// Smarthost is the SMTP server, host:port.
	Smarthost string `yaml:"smarthost"`
	// TLS is "starttls" (the default), "implicit" or "none".
	TLS  string   `yaml:"tls"`
	From string   `yaml:"from"`
	To   []string `yaml:"to"`
	// Username enables AUTH; the password comes from one of Password,
	// PasswordFile and PasswordEnv.
	Username     string        `yaml:"username"`
	Password     notify.Secret `yaml:"password"`
	PasswordFile string        `yaml:"password_file"`
	PasswordEnv  string        `yaml:"password_env"`
	// Auth is the SASL mechanism, "plain" (the default) or "login".
	Auth      string        `yaml:"auth"`
	Hello     string        `yaml:"hello"`
	TLSConfig TLSConfig     `yaml:"tls_config"`
	Timeout   time.Duration `yaml:"timeout"`
}

// TLSConfig is how the receiver checks the server's certificate.
type TLSConfig struct {
	// ServerName is the name the certificate must hold (default: the
	// smarthost's host).
	ServerName string `yaml:"server_name"`
	// CAFile holds PEM certificates to trust instead of the system's.
	CAFile string `yaml:"ca_file"`
	// DangerouslySkipVerify accepts any certificate, so anyone on the path
	// can read the mail and the password.
	DangerouslySkipVerify bool `yaml:"dangerously_skip_verify"`
}

const (
	modeStartTLS = "starttls"
	modeImplicit = "implicit"
	modeNone     = "none"

	defaultTimeout = 30 * time.Second
)

// A Receiver sends messages by SMTP. It is safe for concurrent use: each
// Send opens its own connection.
type Receiver struct {
	name     string
	addr     string
	host     string
	mode     string
	from     *mail.Address
	to       []*mail.Address
	username string
	password notify.Secret
	mech     string
	hello    string
	tls      *tls.Config
	timeout  time.Duration
	now      func() time.Time
}

// An Option changes a receiver's defaults.
type Option func(*Receiver)

// WithClock sets the clock that dates a message without a Created time.
func WithClock(now func() time.Time) Option {
	return func(r *Receiver) { r.now = now }
}

// New validates cfg and returns a receiver called name. It reads the
// password and CA files now, so a bad config fails at startup, not at the
// first alert.
func New(name string, cfg Config, opts ...Option) (*Receiver, error) {
	r, err := newReceiver(name, cfg)
	if err != nil {
		return nil, fmt.Errorf("email receiver %q: %w", name, err)
	}
	for _, o := range opts {
		o(r)
	}
	return r, nil
}

func newReceiver(name string, cfg Config) (*Receiver, error) {
	r := &Receiver{
		name:    name,
		addr:    cfg.Smarthost,
		mode:    cmp.Or(cfg.TLS, modeStartTLS),
		hello:   cmp.Or(cfg.Hello, "localhost"),
		timeout: cmp.Or(cfg.Timeout, defaultTimeout),
		now:     time.Now,
	}
	if name == "" {
		return nil, errors.New("name: required")
	}
	if cfg.Smarthost == "" {
		return nil, errors.New("smarthost: required")
	}
	host, port, err := net.SplitHostPort(cfg.Smarthost)
	if err != nil || host == "" || port == "" {
		return nil, fmt.Errorf("smarthost %q: want host:port", cfg.Smarthost)
	}
	r.host = host
	switch r.mode {
	case modeStartTLS, modeImplicit:
	case modeNone:
		if !loopback(host) {
			return nil, fmt.Errorf("tls: none is allowed only for a loopback smarthost, not %q", host)
		}
		if cfg.TLSConfig != (TLSConfig{}) {
			return nil, errors.New("tls_config: set, but tls is none")
		}
	default:
		return nil, fmt.Errorf("tls %q: want starttls, implicit or none", cfg.TLS)
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("timeout %v: must be positive", cfg.Timeout)
	}
	if r.from, err = mail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", cfg.From, err)
	}
	if len(cfg.To) == 0 {
		return nil, errors.New("to: required")
	}
	for _, s := range cfg.To {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return nil, fmt.Errorf("to %q: %w", s, err)
		}
		r.to = append(r.to, a)
	}
	if strings.ContainsAny(r.hello, "\r\n ") {
		return nil, fmt.Errorf("hello %q: want a host name", cfg.Hello)
	}
	if r.password, err = notify.LoadSecret("password", cfg.Password, cfg.PasswordFile, cfg.PasswordEnv); err != nil {
		return nil, err
	}
	r.username = cfg.Username
	switch {
	case r.username == "" && r.password != "":
		return nil, errors.New("username: required with a password")
	case r.username != "" && r.password == "":
		return nil, errors.New("password: required with a username (or password_file, password_env)")
	}
	switch r.mech = strings.ToUpper(cmp.Or(cfg.Auth, sasl.Plain)); r.mech {
	case sasl.Plain, sasl.Login:
	default:
		return nil, fmt.Errorf("auth %q: want plain or login", cfg.Auth)
	}
	if r.mode != modeNone {
		if r.tls, err = cfg.TLSConfig.build(host); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c TLSConfig) build(host string) (*tls.Config, error) {
	t := &tls.Config{
		ServerName:         cmp.Or(c.ServerName, host),
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: c.DangerouslySkipVerify,
	}
	if c.CAFile != "" {
		b, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls_config.ca_file: %w", err)
		}
		t.RootCAs = x509.NewCertPool()
		if !t.RootCAs.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("tls_config.ca_file %s: no PEM certificate", c.CAFile)
		}
	}
	return t, nil
}

// Name returns the receiver's name.
func (r *Receiver) Name() string { return r.name }

// Format prints the receiver's name only: fmt prints the unexported
// password field as a plain string, not through notify.Secret's methods.
func (r *Receiver) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "email.Receiver(%q)", r.name)
}

// Send mails m to every recipient, or to none.
func (r *Receiver) Send(ctx context.Context, m *notify.Message) error {
	msg, err := r.compose(m)
	if err != nil {
		return notify.Permanent(fmt.Errorf("email: compose: %w", err))
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	step, err := r.deliver(ctx, msg)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		// The i/o error is only the symptom of the closed deadline.
		err = ctx.Err()
	}
	err = fmt.Errorf("email: %s: %w", step, err)
	if permanent(err) {
		return notify.Permanent(err)
	}
	return err
}

// errRefused marks what the server will go on refusing.
var errRefused = errors.New("refused")

func permanent(err error) bool {
	var te *textproto.Error
	var ce *tls.CertificateVerificationError
	return errors.As(err, &te) && te.Code >= 500 || errors.As(err, &ce) || errors.Is(err, errRefused)
}

// deliver runs the SMTP exchange, returning the step that failed.
func (r *Receiver) deliver(ctx context.Context, msg []byte) (step string, err error) {
	if err := ctx.Err(); err != nil {
		return "send", err
	}
	conn, err := r.dial(ctx)
	if err != nil {
		return "dial " + r.addr, err
	}
	// net/smtp knows no context: when ctx ends (r.timeout bounds it), a
	// deadline in the past unblocks any read or write. Setting ctx's own
	// deadline on conn instead could fail a read before ctx.Err is set.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	c, err := smtp.NewClient(conn, r.host)
	if err != nil {
		conn.Close()
		return "greeting", err
	}
	defer c.Close()
	if err := c.Hello(r.hello); err != nil {
		return "hello", err
	}
	if r.mode == modeStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return "starttls", fmt.Errorf("%w: the server does not offer STARTTLS", errRefused)
		}
		if err := c.StartTLS(r.tls); err != nil {
			return "starttls", err
		}
	}
	if r.username != "" {
		ok, mechs := c.Extension("AUTH")
		if !ok || !slices.Contains(strings.Fields(strings.ToUpper(mechs)), r.mech) {
			return "auth", fmt.Errorf("%w: the server does not offer AUTH %s (it offers %q)", errRefused, r.mech, mechs)
		}
		if err := c.Auth(r.sasl()); err != nil {
			return "auth", err
		}
	}
	if err := c.Mail(r.from.Address); err != nil {
		return "mail from " + r.from.Address, err
	}
	for _, to := range r.to {
		if err := c.Rcpt(to.Address); err != nil {
			return "rcpt to " + to.Address, err
		}
	}
	w, err := c.Data()
	if err != nil {
		return "data", err
	}
	if _, err := w.Write(msg); err != nil {
		return "data", err
	}
	if err := w.Close(); err != nil {
		return "data", err
	}
	// The server has the message; a failed QUIT must not cause a resend.
	c.Quit()
	return "", nil
}

func (r *Receiver) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{}
	if r.mode == modeImplicit {
		return (&tls.Dialer{NetDialer: d, Config: r.tls}).DialContext(ctx, "tcp", r.addr)
	}
	return d.DialContext(ctx, "tcp", r.addr)
}

// sasl returns the authenticator, made at the last moment so the password
// is revealed only for the exchange.
func (r *Receiver) sasl() smtp.Auth {
	if r.mech == sasl.Login {
		return saslAuth{sasl.NewLoginClient(r.username, r.password.Reveal())}
	}
	return saslAuth{sasl.NewPlainClient("", r.username, r.password.Reveal())}
}

// saslAuth lets net/smtp run a go-sasl mechanism. net/smtp's own PLAIN
// refuses unencrypted connections, which tls: none on loopback needs, and
// it has no LOGIN. The connection's security is checked in New instead.
type saslAuth struct{ c sasl.Client }

func (a saslAuth) Start(*smtp.ServerInfo) (string, []byte, error) { return a.c.Start() }

func (a saslAuth) Next(challenge []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	return a.c.Next(challenge)
}
