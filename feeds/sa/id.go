package sa

import (
	"regexp"
	"strings"
)

// Advisory ids. drupal.org numbers SAs within a year (SA-CONTRIB-2026-015)
// and names PSAs by date (PSA-2026-05-20) or, before 2019, by number
// (PSA-2018-003).
var (
	idInText = regexp.MustCompile(`(?i)\b(SA-(?:CORE|CONTRIB)-\d{4}-\d{3,6}|PSA-\d{4}-\d{2,3}(?:-\d{2})?)\b`)
	idExact  = regexp.MustCompile(`^(?:SA-(?:CORE|CONTRIB)-\d{4}-\d{3,6}|PSA-\d{4}-\d{2,3}(?:-\d{2})?)$`)
	saIDRe   = regexp.MustCompile(`(?i)^SA-(CORE|CONTRIB)-(\d{4}-\d{3,6})$`)
	osvIDRe  = regexp.MustCompile(`(?i)^DRUPAL-(CORE|CONTRIB)-(\d{4}-\d{3,6})$`)
)

// OSVID returns the id the Drupal Security Team's OSV database gives the
// advisory id: "SA-CONTRIB-2026-015" becomes "DRUPAL-CONTRIB-2026-015".
// Case is ignored. It returns "" for anything else, PSAs included: they
// have no OSV record.
func OSVID(id string) string {
	m := saIDRe.FindStringSubmatch(id)
	if m == nil {
		return ""
	}
	return "DRUPAL-" + strings.ToUpper(m[1]) + "-" + m[2]
}

// SAID is the inverse of [OSVID]: "DRUPAL-CORE-2026-003" becomes
// "SA-CORE-2026-003", and anything else "".
func SAID(id string) string {
	m := osvIDRe.FindStringSubmatch(id)
	if m == nil {
		return ""
	}
	return "SA-" + strings.ToUpper(m[1]) + "-" + m[2]
}

// findID returns the last advisory id in s, upper-cased, or "". The last,
// because titles end with the id and a project name could look like one.
func findID(s string) string {
	all := idInText.FindAllString(s, -1)
	if len(all) == 0 {
		return ""
	}
	return strings.ToUpper(all[len(all)-1])
}
