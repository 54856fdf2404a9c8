package app

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestFleetStatus scans two real platform trees named by a fleet file and
// checks that each feed is fetched once for the whole fleet, though both
// platforms use token, ctools, pathauto and core.
func TestFleetStatus(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		project := strings.Split(strings.Trim(r.URL.Path, "/"), "/")[0]
		switch project {
		case "drupal":
			w.Write([]byte(feedXML("drupal", "10.3.,10.4.", "10.4.2 Security update", "10.4.1", "10.3.1 Insecure", "10.1.5 Insecure")))
		case "token":
			w.Write([]byte(feedXML("token", "8.x-1.", "8.x-1.15 Security update", "8.x-1.14 Insecure", "8.x-1.11 Insecure")))
		default:
			w.Write([]byte(feedXML(project, "8.x-1.,2.,3.,4.,6.", "4.1.0", "3.3.0", "8.x-1.22")))
		}
	}))
	defer srv.Close()
	root, _ := filepath.Abs("../../testdata/platforms")
	fleet := writeFile(t, t.TempDir(), "fleet.yml", "platforms:\n"+
		"  - name: agency\n    path: "+filepath.Join(root, "demo")+"\n    tags: [production]\n"+
		"  - name: shop\n    path: "+filepath.Join(root, "composer")+"\n"+
		"  - name: gone\n    path: /nonexistent/platform\n")

	code, out, stderr := run(t, "status", "--config", fleet, "--release-history", srv.URL, "--format", "json")
	if code != exitInsecure {
		t.Fatalf("status --config = exit %d, want 3; stderr %s", code, stderr)
	}
	for path, n := range hits {
		if n != 1 {
			t.Errorf("%s fetched %d times for the fleet, want once", path, n)
		}
	}
	if hits["/token/current"] != 1 || hits["/drupal/current"] != 1 {
		t.Errorf("shared feeds not fetched: %v", hits)
	}
	var rep struct {
		Platforms map[string]struct {
			Error    string `json:"error"`
			Projects map[string]struct {
				Status string `json:"status"`
			} `json:"projects"`
			Custom []string `json:"custom_projects"`
		} `json:"platforms"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("fleet output is not JSON: %v", err)
	}
	if got := rep.Platforms["agency"].Projects["token"].Status; got != "NOT_SECURE" {
		t.Errorf("agency token = %s, want NOT_SECURE", got)
	}
	if got := rep.Platforms["shop"].Projects["drupal"].Status; got != "NOT_SECURE" {
		t.Errorf("shop drupal = %s, want NOT_SECURE", got)
	}
	if rep.Platforms["gone"].Error == "" {
		t.Errorf("platform gone: no error reported")
	}
	if _, ok := rep.Platforms["agency"].Projects["demo_editorial"]; ok {
		t.Errorf("custom code evaluated as a drupal.org project")
	}

	code, out, _ = run(t, "status", "--config", fleet, "--release-history", srv.URL)
	if code != exitInsecure || !strings.Contains(out, "Fleet: security updates required") || !strings.Contains(out, "token 8.x-1.11 → 8.x-1.15 on agency") {
		t.Errorf("fleet text report = exit %d:\n%s", code, out)
	}

	code, _, _ = run(t, "status", filepath.Join(root, "demo"), "--release-history", srv.URL)
	if code != exitInsecure {
		t.Errorf("status PATH = exit %d, want 3", code)
	}
}
