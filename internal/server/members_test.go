package server

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// members is eachMember's answer as a map, the last of duplicate keys
// winning as in encoding/json.
func members(data []byte) (map[string]string, error) {
	out := map[string]string{}
	err := eachMember(data, func(key string, value []byte) error {
		out[key] = string(value)
		return nil
	})
	return out, err
}

func TestEachMember(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]string // nil: an error
	}{
		{`{}`, map[string]string{}},
		{" \n{ } \t", map[string]string{}},
		{`{"a":1}`, map[string]string{"a": "1"}},
		{`{"a" : "x\"}" , "b":[1,{"c":"]"}],"d":null,"e":true,"f":-1.5e3,"g":{"h":{}}}`, map[string]string{
			"a": `"x\"}"`, "b": `[1,{"c":"]"}]`, "d": "null", "e": "true", "f": "-1.5e3", "g": `{"h":{}}`}},
		{`{"a\u0062":"\\"}`, map[string]string{"ab": `"\\"`}},
		{`{"a":1,"a":2}`, map[string]string{"a": "2"}},
		{`{"k":"\\\\\"q"}`, map[string]string{"k": `"\\\\\"q"`}},
		{``, nil},
		{`[]`, nil},
		{`{`, nil},
		{`{"a"}`, nil},
		{`{"a":}`, nil},
		{`{"a":1,}`, nil},
		{`{"a":1 "b":2}`, nil},
		{`{"a":[1}`, nil},
		{`{"a":{]}`, nil},
		{`{"a":"x}`, nil},
		{`{"a":"x\"}`, nil},
		{`{"a":1}x`, nil},
		{`{a:1}`, nil},
	} {
		got, err := members([]byte(tc.in))
		if tc.want == nil {
			if err == nil {
				t.Errorf("eachMember(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("eachMember(%q): %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("eachMember(%q): (-want +got)\n%s", tc.in, diff)
		}
	}
}

// FuzzEachMember checks eachMember against encoding/json: on every valid
// JSON object it finds the same members with the same raw values, and on
// any input it does not panic.
func FuzzEachMember(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":"x\"y","c":[{"d":null}],"e":{"f":[true,false]}}`,
		`{"a\u00e9":"\ud83d\ude00"}`, `{"a":1,"a":2}`, `{"a":[1}`, ` {"report":{"projects":{}}} `, `{"\\":"\\\\"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := members(data)
		var want map[string]json.RawMessage
		if json.Unmarshal(data, &want) != nil || want == nil {
			return // not an object: eachMember may answer anything but a panic
		}
		if err != nil {
			t.Fatalf("eachMember(%q): %v; encoding/json reads it", data, err)
		}
		wantS := map[string]string{}
		for k, v := range want {
			wantS[k] = string(v)
		}
		if diff := cmp.Diff(wantS, got); diff != "" {
			t.Fatalf("eachMember(%q): (-encoding/json +eachMember)\n%s", data, diff)
		}
	})
}
