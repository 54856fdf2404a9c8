package github

import (
	"strings"
	"time"

	gogithub "github.com/google/go-github/v60/github"
)

// Release is what drupdate keeps of one published GitHub release.
type Release struct {
	Tag        string
	Name       string
	URL        string    // the release page (html_url)
	Published  time.Time // published_at; zero when unknown
	Prerelease bool      // GitHub's pre-release flag, whatever the tag says
	// Security is set when the release is marked as a security release:
	// see "Security releases" in the package documentation.
	Security bool
}

// Listing is the result of [Client.Releases].
type Listing struct {
	// Releases holds every published release and pre-release, in the
	// API's order (newest first); drafts are left out. Nil when
	// NotModified.
	Releases []Release
	// ETag is the validator to send next time.
	ETag string
	// NotModified reports that the releases are unchanged since ETag.
	NotModified bool
}

// fromAPI converts one API release; ok is false for a draft, which only
// collaborators see and which is no release yet.
func fromAPI(r *gogithub.RepositoryRelease) (rel Release, ok bool) {
	if r.GetDraft() {
		return Release{}, false
	}
	return Release{
		Tag:        r.GetTagName(),
		Name:       r.GetName(),
		URL:        r.GetHTMLURL(),
		Published:  r.GetPublishedAt().Time,
		Prerelease: r.GetPrerelease(),
		Security:   securityMarked(r.GetName(), r.GetBody()),
	}, true
}

// securityMarked applies the package's convention: "[security]" in the
// release name, or a body line reading "Security update", either in any
// case; the line may be a Markdown heading or in bold or italics.
func securityMarked(name, body string) bool {
	if strings.Contains(strings.ToLower(name), "[security]") {
		return true
	}
	for line := range strings.Lines(body) {
		if strings.EqualFold(strings.Trim(line, "#*_ \t\r\n"), "security update") {
			return true
		}
	}
	return false
}
