package app

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// serveConfig is the "serve" section of a fleet file:
//
//	serve:
//	  listen: 127.0.0.1:8080
//	  token_file: /etc/drupdate/token   # or the DRUPDATE_TOKEN environment variable
//	  store: bolt:/var/lib/drupdate/drupdate.db   # or redis://host:6379/0
//	  release_history: https://updates.drupal.org/release-history
//	  poll_interval: 1h
//	  urgent_interval: 15m
//	  scan_interval: 15m
//	  jitter: 0.1
//	  retries: 3
//	  concurrency: 8
//	  timeout: 30s
//	  log_format: text
type serveConfig struct {
	Listen         string
	Token          string
	Store          string
	ReleaseHistory string
	PollInterval   time.Duration
	UrgentInterval time.Duration
	ScanInterval   time.Duration
	Jitter         float64
	Retries        int
	Concurrency    int
	Timeout        time.Duration
	LogFormat      string
}

func defaultServeConfig() serveConfig {
	return serveConfig{
		Listen:         "127.0.0.1:8080",
		Store:          "bolt:drupdate.db",
		ReleaseHistory: defaultReleaseHistory,
		PollInterval:   time.Hour,
		UrgentInterval: 15 * time.Minute,
		ScanInterval:   15 * time.Minute,
		Jitter:         0.1,
		Retries:        3,
		Concurrency:    8,
		Timeout:        30 * time.Second,
		LogFormat:      "text",
	}
}

// parseServeConfig reads the serve section (nil: all defaults). file names
// the config in errors; relative paths are resolved against its directory.
// The token comes from token_file, else DRUPDATE_TOKEN; it is never echoed.
func parseServeConfig(file string, n *yaml.Node, getenv func(string) string) (serveConfig, error) {
	c := defaultServeConfig()
	dir := filepath.Dir(file)
	errf := func(line int, format string, args ...any) error {
		return fmt.Errorf("config %s:%d: serve: %s", file, line, fmt.Sprintf(format, args...))
	}
	var tokenFile string
	if n != nil {
		if n.Kind != yaml.MappingNode {
			return c, errf(n.Line, "expected a mapping")
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if seen[k.Value] {
				return c, errf(k.Line, "%s: duplicate key", k.Value)
			}
			seen[k.Value] = true
			if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null" {
				return c, errf(v.Line, "%s: expected a value", k.Value)
			}
			var err error
			duration := func(d *time.Duration) {
				var x time.Duration
				if x, err = time.ParseDuration(v.Value); err != nil || x <= 0 {
					err = errf(v.Line, "%s: %q is not a positive duration like 15m or 1h", k.Value, v.Value)
					return
				}
				*d = x
			}
			positive := func(p *int) {
				var x int
				if x, err = strconv.Atoi(v.Value); err != nil || x < 1 {
					err = errf(v.Line, "%s: %q is not a positive whole number", k.Value, v.Value)
					return
				}
				*p = x
			}
			switch k.Value {
			case "listen":
				c.Listen = v.Value
			case "token":
				err = errf(k.Line, "token: put the token in token_file or DRUPDATE_TOKEN, not in the config")
			case "token_file":
				tokenFile = resolve(dir, v.Value)
			case "store":
				c.Store = v.Value
			case "release_history":
				c.ReleaseHistory = v.Value
			case "poll_interval":
				duration(&c.PollInterval)
			case "urgent_interval":
				duration(&c.UrgentInterval)
			case "scan_interval":
				duration(&c.ScanInterval)
			case "timeout":
				duration(&c.Timeout)
			case "retries":
				positive(&c.Retries)
			case "concurrency":
				positive(&c.Concurrency)
			case "jitter":
				f, perr := strconv.ParseFloat(v.Value, 64)
				if perr != nil || f < 0 || f > 0.5 {
					err = errf(v.Line, "jitter: %q is not a fraction from 0 to 0.5", v.Value)
				}
				c.Jitter = f
			case "log_format":
				if v.Value != "text" && v.Value != "json" {
					err = errf(v.Line, "log_format: %q is neither text nor json", v.Value)
				}
				c.LogFormat = v.Value
			default:
				err = errf(k.Line, "unknown key %q", k.Value)
			}
			if err != nil {
				return c, err
			}
		}
	}
	if c.UrgentInterval > c.PollInterval {
		return c, fmt.Errorf("config %s: serve: urgent_interval %s is longer than poll_interval %s", file, c.UrgentInterval, c.PollInterval)
	}
	if path, ok := strings.CutPrefix(c.Store, "bolt:"); ok {
		c.Store = "bolt:" + resolve(dir, path)
	}
	if !strings.Contains(c.ReleaseHistory, "://") {
		c.ReleaseHistory = resolve(dir, c.ReleaseHistory)
	}
	switch {
	case tokenFile != "":
		b, err := readLimited(tokenFile, 4096)
		if err != nil {
			return c, fmt.Errorf("config %s: serve: token_file: %w", file, err)
		}
		c.Token = strings.TrimSpace(string(b))
		if c.Token == "" {
			return c, fmt.Errorf("config %s: serve: token_file %s is empty", file, tokenFile)
		}
	case getenv("DRUPDATE_TOKEN") != "":
		c.Token = getenv("DRUPDATE_TOKEN")
	}
	return c, nil
}

func resolve(dir, path string) string {
	if filepath.IsAbs(path) || path == "" {
		return path
	}
	return filepath.Join(dir, path)
}
