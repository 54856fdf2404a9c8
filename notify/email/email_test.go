package email

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"html"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/drupdate/drupdate/notify"
	"github.com/drupdate/drupdate/notify/notifytest"
)

const (
	user     = "drupdate"
	password = "kit-smtp-password-7c1e9a"
)

// certificate returns a self-signed certificate for 127.0.0.1 and the
// file holding it in PEM, for a receiver's tls_config.ca_file.
func certificate(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "drupdate test SMTP server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, file
}

// serverOpts shape a test SMTP server.
type serverOpts struct {
	startTLS bool // offer STARTTLS
	implicit bool // speak TLS from the first byte
	plain    bool // allow AUTH without TLS
	reject   string
	far      *notifytest.FarEnd
}

// server is a real SMTP server (go-smtp's) that requires AUTH and records
// what it accepts.
type server struct {
	addr   string
	caFile string

	mu    sync.Mutex
	mails []received
	auths int
}

type received struct {
	from string
	to   []string
	data []byte
	tls  bool
}

func startServer(t *testing.T, o serverOpts) *server {
	t.Helper()
	srv := &server{}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: srv, conn: c, o: o}, nil
	}))
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.AllowInsecureAuth = o.plain
	s.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if o.startTLS || o.implicit {
		cert, caFile := certificate(t)
		srv.caFile = caFile
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
		if o.implicit {
			ln = tls.NewListener(ln, cfg)
		} else {
			s.TLSConfig = cfg
		}
	}
	srv.addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return srv
}

func (s *server) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.mails)
}

type session struct {
	srv    *server
	conn   *smtp.Conn
	o      serverOpts
	authed bool
	from   string
	to     []string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	s.srv.mu.Lock()
	s.srv.auths++
	s.srv.mu.Unlock()
	check := func(u, p string) error {
		if u != user || p != password {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, u, p string) error { return check(u, p) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// loginServer is the server side of LOGIN, which go-sasl lacks.
type loginServer struct {
	check   func(user, pass string) error
	user    string
	gotUser bool
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	if !l.gotUser {
		if resp == nil {
			return []byte("Username:"), false, nil
		}
		l.user, l.gotUser = string(resp), true
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check(l.user, string(resp))
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	if s.o.far != nil {
		switch s.o.far.Mode() {
		case notifytest.Hang:
			<-s.o.far.Done()
			return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "gave up"}
		case notifytest.FailTransient:
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
		case notifytest.RejectPermanent:
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "sender refused"}
		}
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.o.reject {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	s.srv.mails = append(s.srv.mails, received{from: s.from, to: s.to, data: data, tls: isTLS})
	s.srv.mu.Unlock()
	if s.o.far != nil {
		p, err := parse(data)
		if err != nil {
			return err
		}
		s.o.far.Deliver(notifytest.Delivery{ID: p.header.Get("Message-ID"), Content: p.subject + "\n" + p.text + "\n" + html.UnescapeString(p.html)})
	}
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// parsed is a received mail, decoded.
type parsed struct {
	header     mail.Header
	subject    string
	text, html string
	// parts are the parts' Content-Type and Content-Transfer-Encoding.
	parts [][2]string
}

func parse(data []byte) (*parsed, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	p := &parsed{header: msg.Header}
	if p.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return nil, err
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	if mediaType != "multipart/alternative" {
		return nil, errors.New("not multipart/alternative: " + mediaType)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		ct, cte := part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding")
		p.parts = append(p.parts, [2]string{ct, cte})
		var body []byte
		if cte == "quoted-printable" {
			body, err = io.ReadAll(quotedprintable.NewReader(part))
		} else {
			body, err = io.ReadAll(part)
		}
		if err != nil {
			return nil, err
		}
		switch mt, _, _ := mime.ParseMediaType(ct); mt {
		case "text/plain":
			p.text = string(body)
		case "text/html":
			p.html = string(body)
		}
	}
	return p, nil
}

func config(srv *server) Config {
	return Config{
		Smarthost: srv.addr,
		From:      "drupdate <drupdate@example.com>",
		To:        []string{"ops@example.com", "Security Team <security@example.com>"},
		Username:  user,
		Password:  password,
		TLSConfig: TLSConfig{CAFile: srv.caFile},
		Timeout:   10 * time.Second,
	}
}

func TestConformance(t *testing.T) {
	notifytest.Run(t, notifytest.Harness{
		Start: func(t *testing.T, far *notifytest.FarEnd) (notify.Receiver, any) {
			srv := startServer(t, serverOpts{startTLS: true, far: far})
			cfg := config(srv)
			r, err := New("ops-email", cfg)
			if err != nil {
				t.Fatal(err)
			}
			return r, cfg
		},
		Secrets: []string{password},
	})
}

// TestSend sends one message in each way of securing the connection and
// reads back what the server received.
func TestSend(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts serverOpts
		edit func(*Config)
	}{
		{"starttls plain", serverOpts{startTLS: true}, nil},
		{"implicit tls login", serverOpts{implicit: true}, func(c *Config) { c.TLS, c.Auth = "implicit", "login" }},
		// Loopback relays often speak plain SMTP.
		{"none on loopback", serverOpts{plain: true}, func(c *Config) { c.TLS = "none" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, tc.opts)
			cfg := config(srv)
			if tc.edit != nil {
				tc.edit(&cfg)
			}
			r, err := New("ops-email", cfg)
			if err != nil {
				t.Fatal(err)
			}
			m := notifytest.Message("01JQ7Z3KX2M5D9T8S6R4V1A0BC")
			if err := r.Send(context.Background(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			mails := srv.received()
			if len(mails) != 1 {
				t.Fatalf("server received %d mails, want 1", len(mails))
			}
			got := mails[0]
			if want := tc.opts.startTLS || tc.opts.implicit; got.tls != want {
				t.Errorf("mail arrived over TLS = %v, want %v", got.tls, want)
			}
			if got.from != "drupdate@example.com" {
				t.Errorf("envelope sender = %q", got.from)
			}
			if diff := cmp.Diff([]string{"ops@example.com", "security@example.com"}, got.to); diff != "" {
				t.Errorf("envelope recipients (-want +got):\n%s", diff)
			}
			checkWire(t, got.data)
			p, err := parse(got.data)
			if err != nil {
				t.Fatalf("parse the received mail: %v", err)
			}
			want, err := notify.Render(m)
			if err != nil {
				t.Fatal(err)
			}
			headers := map[string]string{
				"From":           `"drupdate" <drupdate@example.com>`,
				"To":             `<ops@example.com>, "Security Team" <security@example.com>`,
				"Message-Id":     "<drupdate.01JQ7Z3KX2M5D9T8S6R4V1A0BC@example.com>",
				"Date":           "Wed, 18 Mar 2026 09:00:00 +0000",
				"Mime-Version":   "1.0",
				"Auto-Submitted": "auto-generated",
			}
			for k, v := range headers {
				if got := p.header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if p.subject != want.Subject {
				t.Errorf("Subject = %q, want %q", p.subject, want.Subject)
			}
			wantParts := [][2]string{{"text/plain; charset=utf-8", "quoted-printable"}, {"text/html; charset=utf-8", "quoted-printable"}}
			if diff := cmp.Diff(wantParts, p.parts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want.Text, crlf(p.text)); diff != "" {
				t.Errorf("text part (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want.HTML, crlf(p.html)); diff != "" {
				t.Errorf("html part (-want +got):\n%s", diff)
			}
		})
	}
}

// crlf undoes the CRLF line ends of the wire.
func crlf(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// checkWire checks RFC 5322's line rules on the raw message.
func checkWire(t *testing.T, data []byte) {
	t.Helper()
	for i, line := range bytes.Split(data, []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 998 {
			t.Errorf("line %d is %d bytes long", i+1, len(line))
		}
		for _, c := range line {
			if c >= 0x80 {
				t.Errorf("line %d is not ASCII: %q", i+1, line)
				break
			}
		}
	}
}

// TestSendNonASCII checks that a subject out of ASCII is RFC 2047-encoded
// and folded, and reads back as sent.
func TestSendNonASCII(t *testing.T) {
	srv := startServer(t, serverOpts{startTLS: true})
	r, err := New("ops-email", config(srv))
	if err != nil {
		t.Fatal(err)
	}
	m := notifytest.Message("non-ascii")
	m.Alerts = m.Alerts[:1]
	m.Alerts[0].Project = "tökén " + strings.Repeat("ü", 60)
	if err := r.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	data := srv.received()[0].data
	checkWire(t, data)
	if !bytes.Contains(data, []byte("Subject: =?utf-8?q?")) {
		t.Errorf("subject is not Q-encoded:\n%s", data)
	}
	p, err := parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if want := "[drupdate] " + notify.Summary(m); p.subject != want {
		t.Errorf("Subject = %q, want %q", p.subject, want)
	}
}

// TestSendFailures checks how failures are classified and that nothing
// is delivered when one is.
func TestSendFailures(t *testing.T) {
	down := func(t *testing.T) *server {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return &server{addr: addr}
	}
	for _, tc := range []struct {
		name      string
		start     func(t *testing.T) *server
		edit      func(*Config)
		permanent bool
		msg       string // a part of the error message
	}{
		{"rejected recipient", func(t *testing.T) *server {
			return startServer(t, serverOpts{startTLS: true, reject: "security@example.com"})
		}, nil, true, "rcpt to security@example.com: 550"},
		{"wrong password", func(t *testing.T) *server { return startServer(t, serverOpts{startTLS: true}) },
			func(c *Config) { c.Password = "not-the-password" }, true, "auth: 535"},
		// Without STARTTLS the password would go in clear.
		{"no starttls", func(t *testing.T) *server { return startServer(t, serverOpts{plain: true}) },
			func(c *Config) { c.TLSConfig = TLSConfig{} }, true, "does not offer STARTTLS"},
		{"untrusted certificate", func(t *testing.T) *server { return startServer(t, serverOpts{startTLS: true}) },
			func(c *Config) { c.TLSConfig.CAFile = "" }, true, "starttls"},
		{"server down", down, nil, false, "dial 127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := tc.start(t)
			cfg := config(srv)
			if tc.edit != nil {
				tc.edit(&cfg)
			}
			r, err := New("ops-email", cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = r.Send(context.Background(), notifytest.Message("failure"))
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if notify.IsPermanent(err) != tc.permanent {
				t.Errorf("Send = %v, permanent %v, want %v", err, notify.IsPermanent(err), tc.permanent)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Send = %q, want it to contain %q", err, tc.msg)
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("Send = %q reveals the password", err)
			}
			if n := len(srv.received()); n != 0 {
				t.Errorf("server received %d mails", n)
			}
			if tc.name == "no starttls" && srv.auths != 0 {
				t.Errorf("the receiver tried AUTH on a connection without TLS")
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Setenv("DRUPDATE_TEST_SMTP_PASSWORD", "from-env-secret")
	pwFile := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pwFile, []byte("from-file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	valid := func() Config {
		return Config{Smarthost: "smtp.example.com:587", From: "drupdate@example.com", To: []string{"ops@example.com"}, Username: "u", Password: "p"}
	}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		err  string // "" for success
	}{
		{"valid", func(*Config) {}, ""},
		{"password from file", func(c *Config) { c.Password, c.PasswordFile = "", pwFile }, ""},
		{"password from env", func(c *Config) { c.Password, c.PasswordEnv = "", "DRUPDATE_TEST_SMTP_PASSWORD" }, ""},
		{"no auth", func(c *Config) { c.Username, c.Password = "", "" }, ""},
		{"no smarthost", func(c *Config) { c.Smarthost = "" }, "smarthost: required"},
		{"no port", func(c *Config) { c.Smarthost = "smtp.example.com" }, `smarthost "smtp.example.com": want host:port`},
		{"bad tls", func(c *Config) { c.TLS = "ssl" }, `tls "ssl": want starttls, implicit or none`},
		{"none off loopback", func(c *Config) { c.TLS = "none" }, "tls: none is allowed only for a loopback smarthost"},
		{"none with tls_config", func(c *Config) { c.Smarthost, c.TLS, c.TLSConfig.ServerName = "127.0.0.1:25", "none", "x" }, "tls_config: set, but tls is none"},
		{"bad from", func(c *Config) { c.From = "not an address" }, `from "not an address"`},
		{"no to", func(c *Config) { c.To = nil }, "to: required"},
		{"bad to", func(c *Config) { c.To = []string{"ops@example.com", "x"} }, `to "x"`},
		{"password without username", func(c *Config) { c.Username = "" }, "username: required with a password"},
		{"username without password", func(c *Config) { c.Password = "" }, "password: required with a username"},
		{"two passwords", func(c *Config) { c.PasswordFile = pwFile }, "password, password_file and password_env: set only one"},
		{"missing password file", func(c *Config) { c.Password, c.PasswordFile = "", "/nonexistent/pw" }, "password_file: open /nonexistent/pw"},
		{"unset password env", func(c *Config) { c.Password, c.PasswordEnv = "", "DRUPDATE_TEST_UNSET" }, "password_env: environment variable DRUPDATE_TEST_UNSET is unset or empty"},
		{"bad auth", func(c *Config) { c.Auth = "cram-md5" }, `auth "cram-md5": want plain or login`},
		{"bad hello", func(c *Config) { c.Hello = "a\r\nRCPT TO:<x>" }, "hello"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "timeout -1s: must be positive"},
		{"missing ca file", func(c *Config) { c.TLSConfig.CAFile = "/nonexistent/ca.pem" }, "tls_config.ca_file: open /nonexistent/ca.pem"},
		{"ca file without pem", func(c *Config) { c.TLSConfig.CAFile = pwFile }, "tls_config.ca_file " + pwFile + ": no PEM certificate"},
	} {
		cfg := valid()
		tc.edit(&cfg)
		r, err := New("ops", cfg)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: New: %v", tc.name, err)
		case tc.err != "" && err == nil:
			t.Errorf("%s: New succeeded, want an error containing %q", tc.name, tc.err)
		case tc.err != "" && !strings.Contains(err.Error(), `email receiver "ops": `+tc.err):
			t.Errorf("%s: New = %q, want it to contain %q", tc.name, err, tc.err)
		}
		if err != nil {
			for _, s := range []string{"from-file-secret", "from-env-secret"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("%s: New = %q reveals a password", tc.name, err)
				}
			}
			continue
		}
		if r.Name() != "ops" {
			t.Errorf("%s: Name() = %q", tc.name, r.Name())
		}
	}
}

// TestPasswordSources checks that a password from a file or the
// environment is the one sent.
func TestPasswordSources(t *testing.T) {
	t.Setenv("DRUPDATE_TEST_SMTP_PASSWORD", password)
	file := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(file, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, edit := range []func(*Config){
		func(c *Config) { c.Password, c.PasswordFile = "", file },
		func(c *Config) { c.Password, c.PasswordEnv = "", "DRUPDATE_TEST_SMTP_PASSWORD" },
	} {
		srv := startServer(t, serverOpts{startTLS: true})
		cfg := config(srv)
		edit(&cfg)
		r, err := New("ops", cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Send(context.Background(), notifytest.Message("password-source")); err != nil {
			t.Errorf("Send: %v", err)
		}
	}
}

func TestMessageID(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{"01JQ7Z3KX2M5D9T8S6R4V1A0BC", "<drupdate.01JQ7Z3KX2M5D9T8S6R4V1A0BC@example.com>"},
		{"digest-2026-03-19.ops_email", "<drupdate.digest-2026-03-19.ops_email@example.com>"},
		// Outside the safe characters the id is hex, still one per id.
		{"a b>", "<drupdate.6120623e@example.com>"},
		{".x", "<drupdate.2e78@example.com>"},
		{"x..y", "<drupdate.782e2e79@example.com>"},
		{"", "<drupdate@example.com>"},
	} {
		if got := messageID(tc.id, "drupdate@example.com"); got != tc.want {
			t.Errorf("messageID(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
}

// TestDateFallback checks that a message without a Created time is dated
// by the receiver's clock.
func TestDateFallback(t *testing.T) {
	now := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	r, err := New("ops", Config{Smarthost: "127.0.0.1:25", TLS: "none", From: "d@example.com", To: []string{"o@example.com"}},
		WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	m := notifytest.Message("undated")
	m.Created = time.Time{}
	b, err := r.compose(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("Date: Wed, 01 Apr 2026 12:00:00 +0000\r\n")) {
		t.Errorf("compose dated the message otherwise:\n%s", b)
	}
}

// TestConfigYAML decodes the documented keys strictly.
func TestConfigYAML(t *testing.T) {
	doc := `
smarthost: smtp.example.com:587
tls: starttls
from: drupdate <drupdate@example.com>
to: [ops@example.com, security@example.com]
username: drupdate
password_file: /run/secrets/smtp
auth: login
hello: drupdate.example.com
tls_config:
  server_name: smtp.example.com
  ca_file: /etc/drupdate/smtp-ca.pem
  dangerously_skip_verify: true
timeout: 45s
`
	var got Config
	d := yaml.NewDecoder(strings.NewReader(doc))
	d.KnownFields(true)
	if err := d.Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := Config{
		Smarthost: "smtp.example.com:587", TLS: "starttls", From: "drupdate <drupdate@example.com>",
		To: []string{"ops@example.com", "security@example.com"}, Username: "drupdate", PasswordFile: "/run/secrets/smtp",
		Auth: "login", Hello: "drupdate.example.com", Timeout: 45 * time.Second,
		TLSConfig: TLSConfig{ServerName: "smtp.example.com", CAFile: "/etc/drupdate/smtp-ca.pem", DangerouslySkipVerify: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded config (-want +got):\n%s", diff)
	}
}
