package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/watch"
)

// maxListLimit caps the limit parameter of /v1/platforms.
const maxListLimit = 1000

// platformHead is the part of a [watch.PlatformRecord] the listing needs.
// [decodeHead] skips the inventory and the report without decoding them.
// The statuses stay raw JSON, read by eachStatus without building a map.
// TestPlatformHeadMatchesRecord keeps the keys in step with the record's.
type platformHead struct {
	Name, Path, ScanError  string
	Tags                   []string
	ScannedAt, EvaluatedAt time.Time
	Statuses               []byte // raw JSON object: project → status name
}

// PlatformSummary is one platform in GET /v1/platforms.
type PlatformSummary struct {
	Name        string    `json:"name"`
	Path        string    `json:"path"`
	Tags        []string  `json:"tags"`
	ScannedAt   time.Time `json:"scanned_at,omitzero"`
	EvaluatedAt time.Time `json:"evaluated_at,omitzero"`
	ScanError   string    `json:"scan_error,omitempty"`
	// Counts is how many of the platform's projects have each status.
	Counts map[string]int `json:"counts"`
	// Worst is the worst status among them, in drupal.Statuses order
	// (NOT_SECURE first); empty when there are none.
	Worst string `json:"worst,omitempty"`
	// Insecure lists the NOT_SECURE projects, sorted.
	Insecure []string `json:"insecure"`
	// Error says the stored record could not be read (the fields but
	// name are then empty) or its statuses only in part (counts, worst
	// and insecure are then incomplete).
	Error string `json:"error,omitempty"`
}

// statusRank orders status names worst first, as drupal.Statuses does;
// names this code does not know rank last.
var statusRank = func() map[string]int {
	m := map[string]int{}
	for i, st := range drupal.Statuses {
		m[st.String()] = i
	}
	return m
}()

func rankOf(status string) int {
	if r, ok := statusRank[status]; ok {
		return r
	}
	return len(statusRank)
}

// summarize turns one stored platform record into its summary.
func summarize(kv store.KV) (PlatformSummary, error) {
	h, err := decodeHead(kv)
	if err != nil {
		return PlatformSummary{Name: kv.Key, Tags: []string{}, Counts: map[string]int{}, Insecure: []string{},
			Error: "stored record is unreadable"}, err
	}
	return h.summary(kv.Key), nil
}

func decodeHead(kv store.KV) (*platformHead, error) {
	var h platformHead
	err := eachMember(kv.Value, func(key string, value []byte) error {
		var p any
		switch key {
		case "name":
			p = &h.Name
		case "path":
			p = &h.Path
		case "tags":
			p = &h.Tags
		case "scanned_at":
			p = &h.ScannedAt
		case "scan_error":
			p = &h.ScanError
		case "evaluated_at":
			p = &h.EvaluatedAt
		case "statuses":
			h.Statuses = value
		}
		if p != nil {
			return json.Unmarshal(value, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("decode platform %s: %w", store.Quote(kv.Key), err)
	}
	return &h, nil
}

func (h *platformHead) summary(name string) PlatformSummary {
	out := PlatformSummary{
		Name:        name,
		Path:        h.Path,
		Tags:        h.Tags,
		ScannedAt:   h.ScannedAt,
		EvaluatedAt: h.EvaluatedAt,
		ScanError:   h.ScanError,
		Counts:      make(map[string]int, 4),
		Insecure:    []string{},
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	err := eachStatus(h.Statuses, func(project []byte, st string) {
		out.Counts[st]++
		if out.Worst == "" || rankOf(st) < rankOf(out.Worst) || rankOf(st) == rankOf(out.Worst) && st < out.Worst {
			out.Worst = st
		}
		if st == notSecure {
			out.Insecure = append(out.Insecure, string(project))
		}
	})
	if err != nil {
		out.Error = "stored statuses are unreadable"
	}
	slices.Sort(out.Insecure)
	return out
}

var notSecure = drupal.NotSecure.String()

// statusNames maps each status name to itself, so that reading one from
// bytes does not allocate.
var statusNames = func() map[string]string {
	m := map[string]string{}
	for _, st := range drupal.Statuses {
		m[st.String()] = st.String()
	}
	return m
}()

// eachStatus calls fn with each project and status of a record's raw
// statuses object (empty or null: none). A status this code does not know
// is passed on as it is, so that a newer writer does not make a record
// unreadable.
func eachStatus(raw []byte, fn func(project []byte, status string)) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return eachMemberRaw(raw, func(key, value []byte) error {
		if len(value) < 2 || value[0] != '"' {
			return errSyntax
		}
		st, ok := statusNames[string(value[1:len(value)-1])]
		if !ok {
			var err error
			if st, err = unquote(value); err != nil {
				return err
			}
		}
		if k := key[1 : len(key)-1]; plain(k) {
			fn(k, st)
			return nil
		}
		k, err := unquote(key)
		if err != nil {
			return err
		}
		fn([]byte(k), st)
		return nil
	})
}

// listPlatforms serves GET /v1/platforms[?tag=T...][&after=NAME][&limit=N].
//
// The list is read from the store a page at a time and streamed, so a
// large fleet is never in memory at once. A store error after the first
// page has been sent drops the connection, so that a client never takes a
// cut list for a whole one.
func (s *Server) listPlatforms(w http.ResponseWriter, r *http.Request) {
	q, err := s.parseQuery(r, map[string]bool{"tag": true, "after": false, "limit": false})
	if s.answerBadRequest(w, err) {
		return
	}
	tags := q["tag"]
	if slices.Contains(tags, "") {
		s.writeError(w, http.StatusBadRequest, "tag must not be empty")
		return
	}
	after := q.Get("after")
	if len(after) > store.MaxKeyLen {
		s.writeError(w, http.StatusBadRequest, fmt.Sprintf("after must be at most %d bytes", store.MaxKeyLen))
		return
	}
	limit := 0 // all
	if q.Has("limit") {
		limit, err = strconv.Atoi(q.Get("limit"))
		if err != nil || limit < 1 || limit > maxListLimit {
			s.writeError(w, http.StatusBadRequest, fmt.Sprintf("limit must be an integer from 1 to %d", maxListLimit))
			return
		}
	}

	ctx := r.Context()
	release, err := s.acquireScan(ctx)
	if err != nil {
		s.storeError(w, r, "list platforms", err)
		return
	}
	defer release()
	page, err := s.st.List(ctx, watch.BucketPlatforms, "", after, pageSize)
	if err != nil {
		s.storeError(w, r, "list platforms", err)
		return
	}

	w.Header().Set("Content-Type", contentJSON)
	w.WriteHeader(http.StatusOK)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	buf.WriteString(`{"platforms":[`)
	n, next := 0, ""
scan:
	for {
		for _, kv := range page {
			sum, err := summarize(kv)
			if err != nil {
				s.log.Error("unreadable platform record", "err", s.redact(err.Error()))
			}
			if !hasTags(sum.Tags, tags) {
				continue
			}
			if n > 0 {
				buf.WriteByte(',')
			}
			enc.Encode(sum) // cannot fail: strings, times, maps of ints
			buf.Truncate(buf.Len() - 1)
			n++
			if limit > 0 && n == limit {
				next = kv.Key
				break scan
			}
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return // the client left
		}
		buf.Reset()
		if len(page) < pageSize {
			break
		}
		after = page[len(page)-1].Key
		if page, err = s.st.List(ctx, watch.BucketPlatforms, "", after, pageSize); err != nil {
			s.log.Error("store call failed mid-response", "op", "list platforms", "err", s.redact(err.Error()))
			panic(http.ErrAbortHandler)
		}
	}
	buf.WriteByte(']')
	if next != "" {
		buf.WriteString(`,"next":`)
		enc.Encode(next)
		buf.Truncate(buf.Len() - 1)
	}
	buf.WriteString("}\n")
	w.Write(buf.Bytes())
}

// hasTags reports whether have holds every tag of want.
func hasTags(have, want []string) bool {
	for _, t := range want {
		if !slices.Contains(have, t) {
			return false
		}
	}
	return true
}

// platformReport is the part of a [watch.PlatformRecord] GET
// /v1/platforms/{name} needs.
type platformReport struct {
	ScannedAt, EvaluatedAt time.Time
	ScanError              string
	Report                 []byte
}

// decodeReport reads a stored platform record for GET
// /v1/platforms/{name}. The report is v's own bytes, not a copy.
func decodeReport(v []byte) (platformReport, error) {
	var rec platformReport
	err := eachMember(v, func(key string, value []byte) error {
		switch key {
		case "scanned_at":
			return json.Unmarshal(value, &rec.ScannedAt)
		case "scan_error":
			return json.Unmarshal(value, &rec.ScanError)
		case "evaluated_at":
			return json.Unmarshal(value, &rec.EvaluatedAt)
		case "report":
			rec.Report = value
		}
		return nil
	})
	return rec, err
}

// notEvaluated is the 503 answer for a platform without a report yet.
type notEvaluated struct {
	Error     string    `json:"error"`
	ScannedAt time.Time `json:"scanned_at,omitzero"`
	ScanError string    `json:"scan_error,omitempty"`
}

// getPlatform serves GET /v1/platforms/{name}: the stored report as is,
// with an ETag of its content.
func (s *Server) getPlatform(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.parseQuery(r, nil); s.answerBadRequest(w, err) {
		return
	}
	if s.answerBadRequest(w, s.checkPlatformName(name)) {
		return
	}
	v, err := s.st.Get(r.Context(), watch.BucketPlatforms, name)
	if errors.Is(err, store.ErrNotFound) {
		s.writeError(w, http.StatusNotFound, "platform "+s.quote(name)+" not found")
		return
	}
	if err != nil {
		s.storeError(w, r, "get platform", err)
		return
	}
	rec, err := decodeReport(v)
	if err != nil {
		s.log.Error("unreadable platform record", "platform", s.quote(name), "err", s.redact(err.Error()))
		s.writeError(w, http.StatusInternalServerError, "stored record of platform "+s.quote(name)+" is unreadable")
		return
	}
	if len(rec.Report) == 0 || string(rec.Report) == "null" {
		msg := "platform " + s.quote(name) + " has not been evaluated yet"
		if rec.ScanError != "" {
			msg += "; its last scan failed"
		}
		writeJSON(w, http.StatusServiceUnavailable, notEvaluated{s.redact(msg), rec.ScannedAt, s.redact(rec.ScanError)})
		return
	}
	tag := etag(rec.Report)
	h := w.Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", "private, no-cache")
	if noneMatch(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentJSON)
	h.Set("Content-Length", strconv.Itoa(len(rec.Report)))
	w.WriteHeader(http.StatusOK)
	w.Write(rec.Report)
}

// etag is a strong entity tag of b's content.
func etag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// noneMatch reports whether an If-None-Match header matches tag, by the
// weak comparison RFC 9110 prescribes for it: "*", or any listed tag
// with the same opaque part, W/ or not.
func noneMatch(header, tag string) bool {
	for header != "" {
		header = strings.TrimLeft(header, " \t,")
		if header == "" {
			break
		}
		if header[0] == '*' {
			return true
		}
		header = strings.TrimPrefix(header, "W/")
		if header == "" || header[0] != '"' {
			return false // malformed: no match, so the full answer
		}
		end := strings.IndexByte(header[1:], '"')
		if end < 0 {
			return false
		}
		if header[:end+2] == tag {
			return true
		}
		header = header[end+2:]
	}
	return false
}
