package status

import (
	"strconv"
	"strings"
	"testing"

	"github.com/drupdate/drupdate/internal/drupal"
)

// feed builds a prepared feed from a tiny language, newest release first:
//
//	branches=8.x-1.,2.   (supported_branches; "branches=" is empty, absent when not given)
//	majors=1,2 recommended=2 default=1 status=insecure   (legacy and project fields)
//	8.x-1.2 sec                  a release: flags sec, insecure, unsupported, unpub,
//	8.x-1.x-dev date=100         nodate, date=N, cc=CONSTRAINT, invalid (no release_link),
//	7.x-1.3 major=1 patch=3      and the legacy major=, patch=, extra=
//
// Releases get descending dates (newest first) unless date= or nodate says
// otherwise.
func feed(t testing.TB, spec string) *Feed {
	t.Helper()
	h := &drupal.History{ShortName: "p", Title: drupal.Some("P")}
	lines := strings.Split(strings.TrimSpace(spec), "\n")
	date := 2000000000
	for _, line := range lines {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if strings.Contains(fields[0], "=") {
			for _, kv := range fields {
				k, v, _ := strings.Cut(kv, "=")
				switch k {
				case "branches":
					h.SupportedBranches = drupal.Some(v)
				case "majors":
					h.SupportedMajors = drupal.Some(v)
				case "recommended":
					h.RecommendedMajor = drupal.Some(v)
				case "default":
					h.DefaultMajor = drupal.Some(v)
				case "status":
					h.ProjectStatus = drupal.Some(v)
				default:
					t.Fatalf("feed: unknown project field %q", k)
				}
			}
			continue
		}
		date -= 1000
		r := drupal.Release{Key: fields[0], Version: drupal.Some(fields[0]), Status: drupal.Some("published"),
			ReleaseLink: drupal.Some("https://www.drupal.org/project/p/releases/" + fields[0]), Date: drupal.Some(strconv.Itoa(date))}
		for _, fl := range fields[1:] {
			k, v, _ := strings.Cut(fl, "=")
			switch k {
			case "sec":
				r.Terms = append(r.Terms, drupal.Term{Name: "Release type", Value: drupal.TypeSecurityUpdate})
			case "insecure":
				r.Terms = append(r.Terms, drupal.Term{Name: "Release type", Value: drupal.TypeInsecure})
			case "unsupported":
				r.Terms = append(r.Terms, drupal.Term{Name: "Release type", Value: drupal.TypeUnsupported})
			case "unpub":
				r.Status = drupal.Some("unpublished")
			case "nodate":
				r.Date = drupal.Opt{}
			case "date":
				r.Date = drupal.Some(v)
			case "cc":
				r.CoreCompatibility = drupal.Some(strings.ReplaceAll(v, "_", " "))
			case "invalid":
				r.ReleaseLink = drupal.Opt{}
			case "major":
				r.VersionMajor = drupal.Some(v)
			case "patch":
				r.VersionPatch = drupal.Some(v)
			case "extra":
				r.VersionExtra = drupal.Some(v)
			default:
				t.Fatalf("feed: unknown release flag %q", fl)
			}
		}
		h.Releases = append(h.Releases, r)
	}
	return Prepare(h)
}
