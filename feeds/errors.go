package feeds

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// FetchError reports that no document could be obtained: a transport
// error, a timeout, a status other than 200, an empty body, a body over the
// cap, a missing mirror file or an unacceptable project or category. Drupal
// records such a project as NOT_FETCHED ("Failed to get available update
// data").
type FetchError struct {
	Project, Category string
	// URL is the redacted address of a document fetched by a [Getter];
	// Project and Category are then empty.
	URL string
	// StatusCode is the HTTP status that made the fetch fail, or 0.
	StatusCode int
	// RetryAfter is how long the server asked the client to wait before
	// trying again (the Retry-After header of a 429 or 503, say, as
	// seconds or as a date), at most a day; 0 when it did not ask.
	RetryAfter time.Duration
	Err        error
}

// Timeout reports whether the fetch ran out of time: the client's timeout
// (see [WithTimeout]) or a network timeout. A fetch whose caller's context
// was cancelled is not a timeout; one whose caller's deadline passed is
// indistinguishable from one and counts as one.
func (e *FetchError) Timeout() bool { return isTimeout(e.Err) }

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Reset reports whether the connection failed under the fetch: refused,
// reset or aborted by the peer, or closed before the whole response (or
// the whole body its Content-Length promised) arrived.
func (e *FetchError) Reset() bool { return isReset(e.Err) }

func isReset(err error) bool {
	for _, target := range []error{syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.ECONNABORTED, syscall.EPIPE, io.ErrUnexpectedEOF, io.EOF} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// NetworkTransient reports whether a transport error is a timeout or a
// failed connection ([FetchError.Timeout], [FetchError.Reset]): worth
// trying again, for any client that talks HTTP.
func NetworkTransient(err error) bool { return isTimeout(err) || isReset(err) }

// Transient reports whether trying again soon may succeed: a timeout, a
// failed connection ([FetchError.Reset]), or HTTP status 408, 429 or 5xx.
// Other failures (404, a body over the cap, an invalid request) will
// fail the same way until something changes elsewhere.
func (e *FetchError) Transient() bool {
	switch c := e.StatusCode; {
	case c == http.StatusRequestTimeout, c == http.StatusTooManyRequests, c >= 500 && c <= 599:
		return true
	case c != 0:
		return false
	}
	return NetworkTransient(e.Err)
}

func (e *FetchError) Error() string {
	if e.URL != "" {
		return "fetch " + e.URL + ": " + e.Err.Error()
	}
	return "fetch release history " + printable(e.Project) + "/" + printable(e.Category) + ": " + e.Err.Error()
}

func (e *FetchError) Unwrap() error { return e.Err }

// ParseError reports that a document arrived but holds no usable release
// history: XML that libxml would reject, no short_name element, or the
// <error> document the server sends for unknown projects (Err is then a
// [*NoHistoryError]). Drupal records such a project as having no data, status
// UNKNOWN ("No available releases found").
type ParseError struct {
	Project string
	// Category is empty when the document did not come from a [Client].
	Category string
	Err      error
}

func (e *ParseError) Error() string {
	s := "parse release history " + printable(e.Project)
	if e.Category != "" {
		s += "/" + printable(e.Category)
	}
	return s + ": " + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// NoHistoryError is the server's answer for a project it has no history
// for: HTTP 200 with a document whose root is <error>, such as
// "<error>No release history was found for the requested project
// (NAME).</error>". drupal.org has sent it for existing projects during
// outages, so it means "no data now", not "project gone".
type NoHistoryError struct {
	// Message is the root element's text, as the server wrote it.
	Message string
}

func (e *NoHistoryError) Error() string {
	return "error document: " + strings.TrimSpace(e.Message)
}

// ErrInvalidRequest is wrapped by the FetchError for a project name or
// category that cannot be used in a URL or a path.
var ErrInvalidRequest = errors.New("invalid request")

// errNoShortName is Drupal's test for a document that is not a release
// history.
var errNoShortName = errors.New("no short_name element")

// printable returns a name as it is when it is a valid project name or
// category, else quoted, so that error messages stay one clean line.
func printable(s string) string {
	if validProject(s) {
		return s
	}
	return strconv.Quote(s)
}
