package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/drupal"
)

// A Fetcher serves GitHub-hosted projects to a feeds.Client (through
// feeds.WithFetcher) as release-history documents, so that the watcher
// stores, diffs and evaluates them like drupal.org's. The ETag of the
// releases listing is the document's, so polls are conditional.
type Fetcher struct {
	Client *Client
	// Repos maps project machine names to "owner/name".
	Repos map[string]string
	// Now is the clock for Retry-After; nil means time.Now.
	Now func() time.Time
}

// Fetch lists the project's releases and renders them as a history. Only
// the modern ("current") category exists: Drupal 7 projects are not
// served from GitHub.
func (f *Fetcher) Fetch(ctx context.Context, req feeds.Request) (feeds.Response, error) {
	repo, ok := f.Repos[req.Project]
	if !ok {
		return feeds.Response{}, fmt.Errorf("%w: project %s has no GitHub repository", feeds.ErrInvalidRequest, req.Project)
	}
	if req.Category != drupal.CategoryCurrent {
		return feeds.Response{}, fmt.Errorf("%w: GitHub-hosted projects have only the %q category, not %q", feeds.ErrInvalidRequest, drupal.CategoryCurrent, req.Category)
	}
	l, err := f.Client.Releases(ctx, repo, req.ETag)
	if err != nil {
		return feeds.Response{}, f.fetchError(req, err)
	}
	if l.NotModified {
		return feeds.Response{NotModified: true, ETag: l.ETag}, nil
	}
	h, _ := History(req.Project, l.Releases) // tags that are not versions are no releases
	return feeds.Response{Body: feeds.MarshalHistory(h), ETag: l.ETag}, nil
}

// fetchError carries the status and the wait the feeds client and the
// watcher's retries read; a rate limit reads as 429 so that it is retried
// after it lifts.
func (f *Fetcher) fetchError(req feeds.Request, err error) error {
	fe := &feeds.FetchError{Project: req.Project, Category: req.Category, Err: err}
	var ge *FetchError
	if errors.As(err, &ge) {
		fe.StatusCode = ge.StatusCode
		if errors.Is(err, ErrRateLimited) {
			fe.StatusCode = http.StatusTooManyRequests
		}
		if !ge.RetryAt.IsZero() {
			now := time.Now
			if f.Now != nil {
				now = f.Now
			}
			fe.RetryAfter = max(ge.RetryAt.Sub(now()), 0)
		}
	}
	return fe
}
