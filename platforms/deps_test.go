package platforms

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/drupdate/drupdate/internal/drupal"
)

// TestDependencyProblems runs Drupal's pinned constraint cases
// (ModulesListFormTest, D7 ModuleVersionTestCase: a dependency installed
// at x.x-2.4-beta3) through whole scans, so the grammar, the core prefix,
// the installed version string and the check order are wired as Drupal
// wires them.
func TestDependencyProblems(t *testing.T) {
	cases := []struct {
		constraint string
		ok         bool
	}{
		{"", true},
		{"(2.x)", true},
		{"(>2.x)", false},
		{"(=PREFIX2.x)", true},
		{"(=PREFIXx2.x)", false}, // "8.xx2.x": read as major 8
		{"(=2.x, !=2.4-beta3)", false},
		{"(<=2.4-beta2)", false},
		{"(>2.4-beta2)", true},
		{"(>2.4-rc0)", false},
		{"(>=2.4, <3.x)", false}, // 2.4-beta3 sorts below 2.4
		{"(~1.0)", true},         // unparseable pieces are dropped
		{"(>=2.1.3)", true},      // the patch is dropped
	}
	for _, major := range []int{7, 10} {
		prefix := "8.x-"
		files := d10(nil)
		if major == 7 {
			prefix = "7.x-"
			files = map[string]string{
				"includes/bootstrap.inc":                 "<?php\ndefine('VERSION', '7.100');\n",
				"modules/system/system.info":             "name = System\npackage = Core\nversion = VERSION\ncore = 7.x\n",
				"modules/system/system.module":           "",
				"sites/all/modules/target/target.info":   "name = Target\ncore = 7.x\nversion = 7.x-2.4-beta3\n",
				"sites/all/modules/target/target.module": "",
			}
		} else {
			files["modules/target/target.info.yml"] = "name: Target\ntype: module\ncore_version_requirement: ^10\nversion: 8.x-2.4-beta3\n"
		}
		for i, c := range cases {
			con := strings.ReplaceAll(c.constraint, "PREFIX", prefix)
			dep := strings.TrimSpace("target " + con)
			name := fmt.Sprintf("dep%d", i)
			if major == 7 {
				files["sites/all/modules/"+name+"/"+name+".info"] = fmt.Sprintf("name = %s\ncore = 7.x\ndependencies[] = %s\n", name, dep)
				files["sites/all/modules/"+name+"/"+name+".module"] = ""
			} else {
				files["modules/"+name+"/"+name+".info.yml"] = fmt.Sprintf("name: %s\ntype: module\ncore_version_requirement: ^10\ndependencies:\n  - 'drupal:%s'\n", name, dep)
			}
		}
		inv, err := Scan(context.Background(), tree(t, files), Options{})
		if err != nil {
			t.Fatal(err)
		}
		failed := map[string]drupal.Problem{}
		for _, p := range inv.Problems {
			failed[p.Extension] = p
		}
		for i, c := range cases {
			con := strings.ReplaceAll(c.constraint, "PREFIX", prefix)
			p, bad := failed[fmt.Sprintf("dep%d", i)]
			if bad == c.ok {
				t.Errorf("Drupal %d: target %s installed at %s2.4-beta3: problem %+v, want ok=%v", major, con, prefix, p, c.ok)
			}
			if bad && (p.Kind != drupal.ProblemIncompatibleVersion || p.Installed != prefix+"2.4-beta3") {
				t.Errorf("Drupal %d: %s: problem %+v, want incompatible_version against %s2.4-beta3", major, con, p, prefix)
			}
		}
	}
}
