package app

import (
	"fmt"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/feeds/github"
	"github.com/drupdate/drupdate/platforms"
)

// githubConfig is the fleet file's github section: projects released on
// GitHub rather than drupal.org.
//
//	github:
//	  token_file: /etc/drupdate/github-token   # else DRUPDATE_GITHUB_TOKEN
//	  api_url: https://github.example.com/api/v3/   # GitHub Enterprise; default api.github.com
//	  projects:
//	    intranet_theme: acme/intranet-theme
type githubConfig struct {
	TokenFile string            `yaml:"token_file"`
	APIURL    string            `yaml:"api_url"`
	MaxWait   string            `yaml:"max_wait"`
	Projects  map[string]string `yaml:"projects"`
}

// hosting is what the github section gives the commands: where each
// hosted project lives, and the fetcher that serves them.
type hosting struct {
	hosted  map[string]string // project → "github:owner/name", for the scanner
	fetcher *github.Fetcher
}

// loadHosting reads the github section (fleet nil, or no section: none).
// The token comes from token_file or DRUPDATE_GITHUB_TOKEN and is never
// echoed.
func loadHosting(file string, fleet *platforms.Fleet, getenv func(string) string, now func() time.Time) (*hosting, error) {
	if fleet == nil || fleet.Sections[githubSection] == nil {
		return nil, nil
	}
	var gc githubConfig
	if err := decodeSection(file, githubSection, fleet.Sections[githubSection], &gc); err != nil {
		return nil, err
	}
	if len(gc.Projects) == 0 {
		return nil, nil
	}
	var opts []github.Option
	switch {
	case gc.TokenFile != "":
		b, err := readLimited(resolve(filepath.Dir(file), gc.TokenFile), 4096)
		if err != nil {
			return nil, fmt.Errorf("config %s: github: token_file: %w", file, err)
		}
		opts = append(opts, github.WithAuthToken(strings.TrimSpace(string(b))))
	case getenv("DRUPDATE_GITHUB_TOKEN") != "":
		opts = append(opts, github.WithAuthToken(getenv("DRUPDATE_GITHUB_TOKEN")))
	}
	if gc.APIURL != "" {
		opts = append(opts, github.WithBaseURL(gc.APIURL))
	}
	if gc.MaxWait != "" {
		d, err := time.ParseDuration(gc.MaxWait)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("config %s: github: max_wait: %q is not a duration like 1m", file, gc.MaxWait)
		}
		opts = append(opts, github.WithMaxWait(d))
	}
	client, err := github.New(&http.Client{}, opts...)
	if err != nil {
		return nil, fmt.Errorf("config %s: github: %w", file, err)
	}
	h := &hosting{hosted: map[string]string{}, fetcher: &github.Fetcher{Client: client, Repos: gc.Projects, Now: now}}
	for project, repo := range gc.Projects {
		h.hosted[project] = "github:" + repo
	}
	return h, nil
}

// feedOptions routes the hosted projects to GitHub.
func (h *hosting) feedOptions() []feeds.Option {
	if h == nil {
		return nil
	}
	return []feeds.Option{feeds.WithFetcher(h.fetcher, slices.Sorted(maps.Keys(h.fetcher.Repos))...)}
}

func (h *hosting) scanHosted() map[string]string {
	if h == nil {
		return nil
	}
	return h.hosted
}
