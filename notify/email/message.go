package email

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
	"time"

	"github.com/drupdate/drupdate/notify"
)

// compose writes m as an RFC 5322 message with CRLF line ends.
func (r *Receiver) compose(m *notify.Message) ([]byte, error) {
	rd, err := notify.Render(m)
	if err != nil {
		return nil, err
	}
	date := m.Created
	if date.IsZero() {
		date = r.now()
	}
	to := make([]string, len(r.to))
	for i, a := range r.to {
		to[i] = a.String()
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, h := range [][2]string{
		{"Date", date.Format(time.RFC1123Z)},
		{"From", r.from.String()},
		{"To", strings.Join(to, ", ")},
		{"Subject", encodeHeader(rd.Subject)},
		{"Message-ID", messageID(m.ID, r.from.Address)},
		{"MIME-Version", "1.0"},
		// RFC 3834: no vacation replies to alerts.
		{"Auto-Submitted", "auto-generated"},
		{"Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()})},
	} {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	b.WriteString("\r\n")
	// The last alternative is the preferred one (RFC 2046 §5.1.4).
	if err := writePart(mw, "text/plain", rd.Text); err != nil {
		return nil, err
	}
	if err := writePart(mw, "text/html", rd.HTML); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writePart(mw *multipart.Writer, mediaType, body string) error {
	w, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mediaType + "; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return err
	}
	// Quoted-printable keeps lines under 76 characters and turns "\n"
	// into CRLF.
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(body)); err != nil {
		return err
	}
	return qp.Close()
}

// encodeHeader encodes a non-ASCII header value as RFC 2047 words, and
// folds between them so that no line passes RFC 5322's 998 characters.
func encodeHeader(s string) string {
	return strings.ReplaceAll(mime.QEncoding.Encode("utf-8", s), "?= =?", "?=\r\n =?")
}

// messageID derives the Message-ID from the notify message's ID, so that
// every attempt at one message carries the same one. An ID outside the
// safe characters is hex-encoded to keep the header well-formed.
func messageID(id, from string) string {
	left := "drupdate"
	if id != "" {
		if !plainID(id) {
			id = hex.EncodeToString([]byte(id))
		}
		left += "." + id
	}
	return "<" + left + "@" + from[strings.LastIndexByte(from, '@')+1:] + ">"
}

func plainID(s string) bool {
	if strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
