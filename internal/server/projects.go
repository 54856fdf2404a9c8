package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/watch"
)

// categories are the feed categories GET /v1/projects/{name} looks in.
var categories = []string{drupal.CategoryCurrent, drupal.Category7}

// historyHead is a [watch.HistoryRecord] without its body, of which only
// the raw JSON string (base64) is kept, for its length.
type historyHead struct {
	State, ETag, LastModified, LastError string
	Body                                 []byte
	FetchedAt, ChangedAt, NextPollAt     time.Time
	PolledAt, LastErrorAt                time.Time
	Failures                             int
	Summary                              *watch.Summary
}

// decodeHistory reads a stored history record but for its body.
// TestHistoryHeadMatchesRecord keeps the keys in step with the record's.
func decodeHistory(v []byte) (historyHead, error) {
	var h historyHead
	err := eachMember(v, func(key string, value []byte) error {
		var p any
		switch key {
		case "body":
			h.Body = value
		case "state":
			p = &h.State
		case "etag":
			p = &h.ETag
		case "last_modified":
			p = &h.LastModified
		case "fetched_at":
			p = &h.FetchedAt
		case "changed_at":
			p = &h.ChangedAt
		case "next_poll_at":
			p = &h.NextPollAt
		case "polled_at":
			p = &h.PolledAt
		case "last_error":
			p = &h.LastError
		case "last_error_at":
			p = &h.LastErrorAt
		case "failures":
			p = &h.Failures
		case "summary":
			p = &h.Summary
		}
		if p != nil {
			return json.Unmarshal(value, p)
		}
		return nil
	})
	return h, err
}

// Feed is one category's feed in GET /v1/projects/{name}: the stored
// history record without its body.
type Feed struct {
	State        string         `json:"state"`
	FetchedAt    time.Time      `json:"fetched_at,omitzero"`
	ChangedAt    time.Time      `json:"changed_at,omitzero"`
	NextPollAt   time.Time      `json:"next_poll_at,omitzero"`
	PolledAt     time.Time      `json:"polled_at,omitzero"`
	HasETag      bool           `json:"has_etag"`
	LastModified string         `json:"last_modified,omitempty"`
	LastError    string         `json:"last_error,omitempty"`
	LastErrorAt  time.Time      `json:"last_error_at,omitzero"`
	Failures     int            `json:"failures"`
	BodyBytes    int            `json:"body_bytes"`
	Summary      *watch.Summary `json:"summary,omitempty"`
}

// ProjectPlatform is a platform that runs the project, with its status
// there.
type ProjectPlatform struct {
	Name   string `json:"name"`
	Status string `json:"status"`
}

// Project is the answer of GET /v1/projects/{name}.
type Project struct {
	Name string `json:"name"`
	// Feeds maps a category ("current", "7.x") to its feed's record;
	// categories never stored are left out.
	Feeds map[string]Feed `json:"feeds"`
	// Platforms run the project, sorted by name.
	Platforms []ProjectPlatform `json:"platforms"`
}

// getProject serves GET /v1/projects/{name}. Finding the platforms that
// run the project reads every platform record.
func (s *Server) getProject(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.parseQuery(r, nil); s.answerBadRequest(w, err) {
		return
	}
	if s.answerBadRequest(w, s.checkProjectName(name)) {
		return
	}
	ctx := r.Context()
	out := Project{Name: name, Feeds: map[string]Feed{}, Platforms: []ProjectPlatform{}}
	for _, cat := range categories {
		v, err := s.st.Get(ctx, watch.BucketHistories, watch.FeedKey(cat, name))
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			s.storeError(w, r, "get history", err)
			return
		}
		h, err := decodeHistory(v)
		if err != nil {
			s.log.Error("unreadable history record", "key", watch.FeedKey(cat, name), "err", s.redact(err.Error()))
			s.writeError(w, http.StatusInternalServerError, "stored history of "+cat+"/"+name+" is unreadable")
			return
		}
		out.Feeds[cat] = h.feed()
	}

	release, err := s.acquireScan(ctx)
	if err != nil {
		s.storeError(w, r, "list platforms", err)
		return
	}
	defer release()
	after := ""
	for {
		page, err := s.st.List(ctx, watch.BucketPlatforms, "", after, pageSize)
		if err != nil {
			s.storeError(w, r, "list platforms", err)
			return
		}
		for _, kv := range page {
			h, err := decodeHead(kv)
			if err == nil {
				err = eachStatus(h.Statuses, func(project []byte, st string) {
					if string(project) == name {
						out.Platforms = append(out.Platforms, ProjectPlatform{kv.Key, st})
					}
				})
			}
			if err != nil {
				s.log.Error("unreadable platform record", "platform", s.redact(store.Quote(kv.Key)), "err", s.redact(err.Error()))
			}
		}
		if len(page) < pageSize {
			break
		}
		after = page[len(page)-1].Key
	}
	if len(out.Feeds) == 0 && len(out.Platforms) == 0 {
		s.writeError(w, http.StatusNotFound, "project "+s.quote(name)+" not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *historyHead) feed() Feed {
	return Feed{
		State:        h.State,
		FetchedAt:    h.FetchedAt,
		ChangedAt:    h.ChangedAt,
		NextPollAt:   h.NextPollAt,
		PolledAt:     h.PolledAt,
		HasETag:      h.ETag != "",
		LastModified: h.LastModified,
		LastError:    h.LastError,
		LastErrorAt:  h.LastErrorAt,
		Failures:     h.Failures,
		BodyBytes:    base64Len(h.Body),
		Summary:      h.Summary,
	}
}

// base64Len is the length of the bytes a JSON string of padded standard
// base64 (as encoding/json writes []byte) encodes; 0 for null or none.
func base64Len(raw []byte) int {
	s := string(raw)
	if len(s) < 2 || s[0] != '"' {
		return 0
	}
	s = s[1 : len(s)-1]
	return len(s)/4*3 - (len(s) - len(strings.TrimRight(s, "=")))
}
