package app

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirection enforces the layering of the design: the vocabulary
// imports nothing of ours but PHP's primitives; feeds/osv is vocabulary too
// (OSV types and a pure parser over an fs.FS), so the resolver may use it; feeds, resolver and store
// import only the vocabulary; notify also keeps its outbox in the store; platforms may use the resolver; only
// cmd/drupdate imports the app.
func TestImportDirection(t *testing.T) {
	const mod = "github.com/drupdate/drupdate/"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, mod+"...").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	leaf := []string{"internal/phpver", "internal/drupal"}
	allowed := map[string][]string{
		"internal/phpver":   nil,
		"internal/drupal":   {"internal/phpver"},
		"feeds":             append([]string{"feeds"}, leaf...),
		"resolver":          append([]string{"resolver", "feeds/osv"}, leaf...),
		"notify":            append([]string{"notify", "internal/store"}, leaf...),
		"internal/store":    append([]string{"internal/store"}, leaf...),
		"platforms":         append([]string{"platforms", "resolver"}, leaf...),
		"internal/watch":    append([]string{"internal/watch", "feeds", "platforms", "resolver", "internal/store", "internal/secdb"}, leaf...),
		"internal/secdb":    append([]string{"feeds", "resolver"}, leaf...),
		"internal/alerting": append([]string{"internal/watch", "internal/store", "notify"}, leaf...),
		"internal/server":   append([]string{"internal/server", "internal/watch", "internal/store", "notify"}, leaf...),
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			dep := strings.TrimPrefix(imp, mod)
			if dep == "internal/app" && pkg != "cmd/drupdate" {
				t.Errorf("%s imports internal/app; only cmd/drupdate may", pkg)
			}
			for area, ok := range allowed {
				if pkg != area && !strings.HasPrefix(pkg, area+"/") {
					continue
				}
				if !within(dep, ok) {
					t.Errorf("%s imports %s; %s may import only %v", pkg, dep, area, ok)
				}
			}
		}
	}
}

func within(dep string, areas []string) bool {
	for _, a := range areas {
		if dep == a || strings.HasPrefix(dep, a+"/") {
			return true
		}
	}
	return false
}
