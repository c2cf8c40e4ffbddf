package main

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func decodeSchema(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("schema %s: %v", s, err)
	}
	return m
}

func TestArgsFor(t *testing.T) {
	const sandbox = "/sandbox/work"
	cases := []struct {
		name, schema, want string
	}{
		{"no schema", `{}`, `{}`},
		{"only required filled", `{"type":"object","properties":{"path":{"type":"string"},"head":{"type":"number"}},"required":["path"]}`,
			`{"path":"/sandbox/work/notes.txt"}`},
		{"directory gets the sandbox", `{"type":"object","properties":{"directory":{"type":"string"}},"required":["directory"]}`,
			`{"directory":"/sandbox/work"}`},
		{"camelCase and snake_case names", `{"type":"object","properties":{"filePath":{"type":"string"},"search_query":{"type":"string"},"userId":{"type":"string"}},"required":["filePath","search_query","userId"]}`,
			`{"filePath":"/sandbox/work/notes.txt","search_query":"weather forecast Lisbon","userId":"123"}`},
		{"city and country", `{"type":"object","properties":{"city":{"type":"string"},"country_code":{"type":"string"}},"required":["city","country_code"]}`,
			`{"city":"Lisbon","country_code":"PT"}`},
		{"ids", `{"type":"object","properties":{"issue_id":{"type":"string"},"id":{"type":"string"}},"required":["issue_id","id"]}`,
			`{"id":"123","issue_id":"123"}`},
		{"enum const default examples", `{"type":"object","properties":{"a":{"type":"string","enum":["x","y"]},"b":{"const":"c"},"c":{"type":"integer","default":7},"d":{"type":"string","examples":["ex"]}},"required":["a","b","c","d"]}`,
			`{"a":"x","b":"c","c":7,"d":"ex"}`},
		{"formats", `{"type":"object","properties":{"when":{"type":"string","format":"date-time"},"site":{"type":"string","format":"uri"},"who":{"type":"string","format":"email"}},"required":["when","site","who"]}`,
			`{"site":"https://example.com/","when":"2025-06-18T09:00:00Z","who":"alice@example.com"}`},
		{"numbers clamped", `{"type":"object","properties":{"limit":{"type":"integer","maximum":3},"page":{"type":"integer","minimum":10},"latitude":{"type":"number"}},"required":["limit","page","latitude"]}`,
			`{"latitude":38.7223,"limit":3,"page":10}`},
		{"array of objects with minItems", `{"type":"object","properties":{"entities":{"type":"array","minItems":2,"items":{"type":"object","properties":{"name":{"type":"string"},"obs":{"type":"array","items":{"type":"string"}}},"required":["name"]}}},"required":["entities"]}`,
			`{"entities":[{"name":"example"},{"name":"example"}]}`},
		{"nullable type list and anyOf", `{"type":"object","properties":{"title":{"type":["null","string"]},"n":{"anyOf":[{"type":"null"},{"type":"integer"}]}},"required":["title","n"]}`,
			`{"n":1,"title":"Weekly planning notes"}`},
		{"local $ref", `{"type":"object","properties":{"filter":{"$ref":"#/$defs/F"}},"required":["filter"],"$defs":{"F":{"type":"object","properties":{"status":{"type":"string","enum":["open","closed"]}},"required":["status"]}}}`,
			`{"filter":{"status":"open"}}`},
		{"self $ref terminates", `{"type":"object","properties":{"node":{"$ref":"#"}},"required":["node"]}`, ``},
		{"allOf merged", `{"allOf":[{"type":"object","properties":{"owner":{"type":"string"}},"required":["owner"]},{"properties":{"repo":{"type":"string"}},"required":["repo"]}]}`,
			`{"owner":"octocat","repo":"hello-world"}`},
		{"minLength and maxLength", `{"type":"object","properties":{"code":{"type":"string","minLength":6},"tag":{"type":"string","maxLength":3}},"required":["code","tag"]}`,
			`{"code":"1 + 1x","tag":"exa"}`},
		{"ids before other words", `{"type":"object","properties":{"timesheetID":{"type":"string"},"workspaceId":{"type":"string"},"fileKey":{"type":"string"},"database":{"type":"string"}},"required":["timesheetID","workspaceId","fileKey","database"]}`,
			`{"database":"app","fileKey":"123","timesheetID":"123","workspaceId":"123"}`},
		{"boolean false", `{"type":"object","properties":{"recursive":{"type":"boolean"}},"required":["recursive"]}`, `{"recursive":false}`},
		{"required without properties", `{"type":"object","required":["q"]}`, `{"q":"weather forecast Lisbon"}`},
		{"schema not an object type", `{"type":"string"}`, `{}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ArgsFor(decodeSchema(t, c.schema), sandbox)
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			if c.want == "" { // only termination and marshalability matter
				return
			}
			if string(b) != c.want {
				t.Errorf("ArgsFor(%s)\n got %s\nwant %s", c.schema, b, c.want)
			}
		})
	}
}

func tool(name string, ro, destructive *bool) Tool {
	t := Tool{Name: name}
	if ro != nil || destructive != nil {
		t.Annotations = &struct {
			ReadOnlyHint    *bool `json:"readOnlyHint"`
			DestructiveHint *bool `json:"destructiveHint"`
		}{ro, destructive}
	}
	return t
}

func TestChooseTools(t *testing.T) {
	yes, no := new(bool), new(bool)
	*yes = true
	cases := []struct {
		name  string
		tools []Tool
		n     int
		want  []string
	}{
		{"read-only annotation first, writes never", []Tool{
			tool("delete_file", nil, nil), tool("list_files", nil, nil), tool("browser_snapshot", yes, no), tool("create_issue", nil, nil),
		}, 3, []string{"browser_snapshot", "list_files"}},
		{"destructive annotation excludes a read name", []Tool{
			tool("get_and_purge", nil, yes), tool("getUser", nil, nil),
		}, 3, []string{"getUser"}},
		{"read-only annotation on a write name ranks after clean read-only", []Tool{
			tool("run_report", yes, nil), tool("search_docs", yes, nil),
		}, 3, []string{"search_docs", "run_report"}},
		{"words, not substrings: address and settings are not add/set", []Tool{
			tool("get_address", nil, nil), tool("show_settings", nil, nil), tool("get-annotated-message", nil, nil),
		}, 5, []string{"get_address", "show_settings", "get-annotated-message"}},
		{"fallback to tools not named like writes", []Tool{
			tool("sequentialthinking", nil, nil), tool("send_mail", nil, nil),
		}, 3, []string{"sequentialthinking"}},
		{"limit n", []Tool{tool("list_a", nil, nil), tool("list_b", nil, nil), tool("list_c", nil, nil)}, 2, []string{"list_a", "list_b"}},
		{"nothing callable", []Tool{tool("execute_command", nil, nil)}, 3, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, tl := range ChooseTools(c.tools, c.n) {
				got = append(got, tl.Name)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("ChooseTools = %v, want %v", got, c.want)
			}
		})
	}
}

func TestParsePackages(t *testing.T) {
	t.Run("fields", func(t *testing.T) {
		in := "# comment\n\n@scope/pkg@1.2.3\tbin-a\t--stdio {work}\tKEY=v OTHER=x=y\nplain@0.1.0-beta.19\n"
		got, err := ParsePackages(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		want := []Server{
			{Line: 3, Package: "@scope/pkg", Version: "1.2.3", Bin: "bin-a", Args: []string{"--stdio", "{work}"}, Env: []string{"KEY=v", "OTHER=x=y"}},
			{Line: 4, Package: "plain", Version: "0.1.0-beta.19"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
		if n := got[0].SafeName(); n != "scope__pkg" {
			t.Errorf("SafeName = %q", n)
		}
	})
	bad := []struct{ name, in, field string }{
		{"range version", "pkg@^1.2.3\n", "version"},
		{"no version", "@scope/pkg\n", "spec"},
		{"env without =", "pkg@1.0.0\t-\t-\tNOEQUALS\n", "env"},
		{"duplicate", "pkg@1.0.0\npkg@1.0.1\n", "already listed"},
		{"too many fields", "pkg@1.0.0\ta\tb\tc\td\n", "fields"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePackages(strings.NewReader(c.in))
			if !errors.Is(err, ErrPackageLine) {
				t.Fatalf("err = %v, want ErrPackageLine", err)
			}
			if !strings.Contains(err.Error(), c.field) {
				t.Errorf("err %q does not name %q", err, c.field)
			}
		})
	}
}

func TestArgsForBoundedOnExplodingSchema(t *testing.T) {
	// Four required self-references and a 5-item array of itself: without a
	// budget this is 8^8 values deep.
	schema := decodeSchema(t, `{"type":"object","required":["a","b","c","d"],"properties":{"a":{"$ref":"#"},"b":{"$ref":"#"},"c":{"$ref":"#"},"d":{"type":"array","minItems":5,"items":{"$ref":"#"}}}}`)
	b, err := json.Marshal(ArgsFor(schema, "/sandbox"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "{"); n > maxArgValues {
		t.Errorf("%d objects generated, want at most %d", n, maxArgValues)
	}
}
