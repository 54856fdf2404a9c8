package watch

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/resolver/status"
)

// encodePlatformRecord and decodePlatformRecord agree with encoding/json,
// whatever the report's strings hold.
func TestPlatformRecordCodec(t *testing.T) {
	v := "1.0"
	for _, report := range []string{
		``,
		`{}`,
		`{"projects":{}}`,
		`{"path":"/srv/{odd}\"dir\\","error":"}{][","projects":{"x":{"reason":"a \"quoted\" }"}}}`,
		`{"tags":["a\\","b\\\"}"],"projects":{"<&>":{"extra":[]}}}`,
	} {
		rec := PlatformRecord{Name: "p", Path: "/srv/p", Tags: []string{"t"}, ScannedAt: time.Unix(1, 0).UTC(),
			Inventory: &drupal.Inventory{CoreVersion: "10.3.1", Projects: map[string]drupal.InstalledProject{"x": {Version: &v}}},
			Statuses:  map[string]drupal.Status{"x": drupal.Current}, EvalKey: "k"}
		if report != "" {
			rec.Report = json.RawMessage(report)
		}
		raw, err := encodePlatformRecord(rec)
		if err != nil {
			t.Fatalf("encodePlatformRecord(report %s): %v", report, err)
		}
		var want, got PlatformRecord
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("json.Unmarshal(%s): %v", raw, err)
		}
		if err := decodePlatformRecord(raw, &got); err != nil {
			t.Fatalf("decodePlatformRecord(%s): %v", raw, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("decodePlatformRecord(%s) differs from json.Unmarshal (-want +got):\n%s", raw, diff)
		}
		// Records laid out otherwise decode too.
		plain, _ := json.Marshal(rec)
		want, got = PlatformRecord{}, PlatformRecord{}
		json.Unmarshal(plain, &want)
		if err := decodePlatformRecord(plain, &got); err != nil || !cmp.Equal(want, got) {
			t.Errorf("decodePlatformRecord(%s) = %+v, %v; want %+v", plain, got, err, want)
		}
	}
	for _, bad := range []string{`{"report":{`, `{"report":{"a":"}`, `{"report":{},`, `{"report":{}, "name": 1}`} {
		var rec PlatformRecord
		if err := decodePlatformRecord([]byte(bad), &rec); err == nil {
			t.Errorf("decodePlatformRecord(%s) = %+v, want an error", bad, rec)
		}
	}
}

// marshalReport writes what json.Marshal writes.
func TestMarshalReport(t *testing.T) {
	v := "8.x-1.14"
	inv := &drupal.Inventory{CoreVersion: "10.3.1", Projects: map[string]drupal.InstalledProject{
		"token": {Version: &v}, "custom<&>": {ProjectScanInfo: drupal.ProjectScanInfo{Custom: true}}}}
	h := hist(t, "published: 8.x-1.15=Security+update 8.x-1.14=Insecure")
	p, err := PlatformOf(inv)
	if err != nil {
		t.Fatal(err)
	}
	rep := (&status.Evaluator{}).Evaluate(p, map[string]status.Data{"token": {Feed: status.Prepare(h), State: status.Fetched}})
	for _, r := range []PlatformReport{
		NewPlatformReport("/srv/\"x\"", []string{"a"}, inv, rep, nil),
		NewPlatformReport("/srv/x", nil, nil, status.Report{}, errStr("scan: <broken> & \"gone\"")),
	} {
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalReport(r, (*status.Result).MarshalJSON)
		if err != nil || string(got) != string(want) {
			t.Errorf("marshalReport = %s, %v\nwant %s", got, err, want)
		}
	}
}

type errStr string

func (e errStr) Error() string { return string(e) }
