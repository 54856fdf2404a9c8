package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/drupdate/drupdate/notify"
	"github.com/drupdate/drupdate/notify/email"
	"github.com/drupdate/drupdate/notify/slack"
	"github.com/drupdate/drupdate/notify/webhook"
	"github.com/drupdate/drupdate/platforms"
)

// notifyConfig is the fleet file's notify section: the receivers, and the
// pipeline's routes and timing (notify.Config) beside them.
//
//	notify:
//	  receivers:
//	    - name: ops
//	      email: {smarthost: smtp.example.com:587, from: drupdate@example.com, to: [ops@example.com],
//	              username: drupdate, password_file: smtp-password}
//	    - name: chat
//	      slack: {webhook_url_env: SLACK_WEBHOOK_URL}
//	  routes:
//	    - match: {kinds: ["security.*"], min_risk: moderately critical}
//	      receivers: [ops, chat]
type notifyConfig struct {
	Receivers     []receiverConfig `yaml:"receivers"`
	notify.Config `yaml:",inline"`
}

// receiverConfig is one receiver: a name and exactly one kind.
type receiverConfig struct {
	Name    string          `yaml:"name"`
	Email   *email.Config   `yaml:"email"`
	Slack   *slack.Config   `yaml:"slack"`
	Webhook *webhook.Config `yaml:"webhook"`
}

// loadNotify reads the notify section and builds its receivers; nil when
// the fleet file has none. Relative *_file paths are resolved against the
// fleet file. Secrets are loaded here and never echoed.
func loadNotify(file string, fleet *platforms.Fleet) (*notifyConfig, map[string]notify.Receiver, error) {
	if fleet == nil || fleet.Sections[notifySection] == nil {
		return nil, nil, nil
	}
	var nc notifyConfig
	if err := decodeSection(file, notifySection, fleet.Sections[notifySection], &nc); err != nil {
		return nil, nil, err
	}
	dir := filepath.Dir(file)
	receivers := map[string]notify.Receiver{}
	var errs []error
	for i, rc := range nc.Receivers {
		where := fmt.Sprintf("receivers[%d]", i)
		if rc.Name != "" {
			where += " (" + rc.Name + ")"
		}
		r, err := rc.build(dir)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		case receivers[rc.Name] != nil:
			errs = append(errs, fmt.Errorf("%s: name used twice", where))
		default:
			receivers[rc.Name] = r
		}
	}
	if len(nc.Receivers) == 0 {
		errs = append(errs, errors.New("receivers: none configured"))
	}
	if err := nc.Validate(); err != nil {
		errs = append(errs, err)
	}
	for i, r := range nc.Routes {
		for _, name := range r.Receivers {
			if receivers[name] == nil && !slices.ContainsFunc(nc.Receivers, func(rc receiverConfig) bool { return rc.Name == name }) {
				errs = append(errs, fmt.Errorf("routes[%d].receivers: no receiver named %q", i, name))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, fmt.Errorf("config %s: notify: %w", file, err)
	}
	return &nc, receivers, nil
}

func (rc receiverConfig) build(dir string) (notify.Receiver, error) {
	if rc.Name == "" || strings.Contains(rc.Name, "/") {
		return nil, errors.New("name: give each receiver a name without '/'")
	}
	kinds := 0
	for _, set := range []bool{rc.Email != nil, rc.Slack != nil, rc.Webhook != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return nil, errors.New("give exactly one of email, slack and webhook")
	}
	switch {
	case rc.Email != nil:
		c := *rc.Email
		c.PasswordFile = resolve(dir, c.PasswordFile)
		c.TLSConfig.CAFile = resolve(dir, c.TLSConfig.CAFile)
		return email.New(rc.Name, c)
	case rc.Slack != nil:
		c := *rc.Slack
		c.WebhookURLFile = resolve(dir, c.WebhookURLFile)
		return slack.New(rc.Name, c)
	}
	c := *rc.Webhook
	c.URLFile, c.SecretFile = resolve(dir, c.URLFile), resolve(dir, c.SecretFile)
	return webhook.New(rc.Name, c)
}

func runNotify(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "test" {
		return usagef("notify has one subcommand: drupdate notify test RECEIVER --config FLEET")
	}
	fs := newFlags(e, "notify test", "RECEIVER --config FLEET")
	config := fs.String("config", "", "fleet configuration `FILE` whose notify section names the receiver")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 || *config == "" {
		return usagef("notify test needs one RECEIVER and --config FLEET")
	}
	fleet, err := platforms.LoadFleet(*config, fleetSections...)
	if err != nil {
		return err
	}
	_, receivers, err := loadNotify(*config, fleet)
	if err != nil {
		return err
	}
	r := receivers[pos[0]]
	if r == nil {
		return usagef("no receiver %q in %s (receivers: %s)", pos[0], *config, strings.Join(slices.Sorted(maps.Keys(receivers)), ", "))
	}
	m := sampleMessage(r.Name(), e.now())
	if err := r.Send(ctx, m); err != nil {
		return fmt.Errorf("notify test %s: %w", r.Name(), err)
	}
	fmt.Fprintf(e.stdout, "Sent a sample message (id %s) to %s.\n", m.ID, r.Name())
	return nil
}

// sampleMessage is what `notify test` sends: plainly a test, shaped like
// a real security alert.
func sampleMessage(receiver string, now time.Time) *notify.Message {
	adv := &notify.AdvisoryRef{ID: "SA-CONTRIB-0000-000", Aliases: []string{"CVE-0000-0000"}, Risk: "Moderately critical", Score: 12,
		Link: "https://www.drupal.org/security", Range: "<1.15.0", Fixed: "1.15.0"}
	alert := func(platform string, sites ...string) notify.Alert {
		return notify.Alert{Kind: notify.KindAdvisory, Platform: platform, Sites: sites, Project: "token", Package: "drupal/token",
			Installed: "8.x-1.11", Recommended: "8.x-1.15", Status: "NOT_SECURE", Advisory: adv,
			Fix: "composer require 'drupal/token:^1.15' --update-with-all-dependencies", At: now}
	}
	return &notify.Message{
		ID: fmt.Sprintf("drupdate-test-%d", now.UnixNano()), Receiver: receiver, Created: now,
		Alerts: []notify.Alert{alert("example-platform (drupdate notify test: not a real alert)", "www.example.com"), alert("example-staging", "staging.example.com")},
	}
}
