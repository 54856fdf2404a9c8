package server

import (
	"net/http"

	"github.com/drupdate/drupdate/notify"
)

// Notifications is the answer of GET /v1/notifications: the notification
// outbox, oldest first: messages waiting or being sent, and the delivered
// and failed ones still kept (notify's history setting), with attempts
// and the last error.
type Notifications struct {
	Messages []notify.OutboxEntry `json:"messages"`
}

func (s *Server) getNotifications(w http.ResponseWriter, r *http.Request) {
	if _, err := s.parseQuery(r, nil); s.answerBadRequest(w, err) {
		return
	}
	release, err := s.acquireScan(r.Context())
	if err != nil {
		s.storeError(w, r, "read the outbox", err)
		return
	}
	defer release()
	entries, err := notify.Outbox(r.Context(), s.st)
	if err != nil {
		s.storeError(w, r, "read the outbox", err)
		return
	}
	if entries == nil {
		entries = []notify.OutboxEntry{}
	}
	writeJSON(w, http.StatusOK, Notifications{entries})
}
