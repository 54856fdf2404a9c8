package app

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

var update = flag.Bool("update", false, "rewrite want.json of scenarios from drupdate's own output")

// TestStatusScenarios runs `drupdate status` in-process over every scenario
// of testdata/status-scenarios: an inventory, a mirror of feeds and the
// expected JSON. The expected outputs were produced by running Drupal's own
// update module code on the same inputs (see the folder's README), so each
// scenario checks drupdate against Drupal itself. Every field present in
// want.json must match; drupdate's own extra fields are not compared.
func TestStatusScenarios(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/status-scenarios/*/inventory.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no scenarios found: %v", err)
	}
	for _, inv := range dirs {
		dir := filepath.Dir(inv)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			args := []string{"status", "--installed", inv, "--release-history", filepath.Join(dir, "feeds"), "--format", "json"}
			var meta struct {
				Now string `json:"now"`
			}
			if data, err := os.ReadFile(inv); err == nil {
				_ = json.Unmarshal(data, &meta)
			}
			if meta.Now == "" {
				meta.Now = "2026-11-25T00:00:00Z"
			}
			args = append(args, "--now", meta.Now)
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), args, &stdout, &stderr)
			var got map[string]any
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatalf("drupdate %v: exit %d, output is not JSON: %v\nstderr: %s", args, code, err, stderr.String())
			}
			got["exit_code"] = float64(code)
			wantPath := filepath.Join(dir, "want.json")
			if *update {
				delete(got, "algorithm")
				delete(got, "feed")
				delete(got, "core_version")
				out, _ := json.MarshalIndent(got, "", "    ")
				if err := os.WriteFile(wantPath, append(out, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			data, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatal(err)
			}
			var want map[string]any
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("%s: %v", wantPath, err)
			}
			for _, diff := range subsetDiff("", want, got) {
				t.Error(diff)
			}
			if t.Failed() {
				if desc, err := os.ReadFile(filepath.Join(dir, "description.txt")); err == nil {
					t.Logf("scenario: %s", bytes.TrimSpace(desc))
				}
			}
		})
	}
}

// subsetDiff lists where got differs from want, looking only at the keys
// want has (recursively through objects; arrays must match whole).
func subsetDiff(path string, want, got any) []string {
	wm, ok := want.(map[string]any)
	if !ok {
		if !reflect.DeepEqual(want, got) {
			w, _ := json.Marshal(want)
			g, _ := json.Marshal(got)
			return []string{path + ": got " + string(g) + ", want " + string(w)}
		}
		return nil
	}
	gm, ok := got.(map[string]any)
	if !ok {
		g, _ := json.Marshal(got)
		return []string{path + ": got " + string(g) + ", want an object"}
	}
	keys := make([]string, 0, len(wm))
	for k := range wm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		gv, ok := gm[k]
		if !ok {
			out = append(out, path+"."+k+": missing")
			continue
		}
		out = append(out, subsetDiff(path+"."+k, wm[k], gv)...)
	}
	return out
}
