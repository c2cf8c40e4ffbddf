package catalog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// realDefinitionsDir holds the tools/list results recorded from real npm
// MCP servers by scripts/mcp-servers/record.sh (other people's text: kept
// under .tmp, never committed).
const realDefinitionsDir = "../../.tmp/corpus-real/benign/real_server_definitions"

// realTool is one tool of a recorded server.
type realTool struct {
	file string
	def  Definition
}

// loadRealTools reads the tools/list results of the reference servers
// (detect/testdata/toolslist-*.json, always present) and of every
// recorded real server (.tmp/corpus-real, written by
// scripts/mcp-servers/record.sh, which `make eval` runs); recorded
// reports whether the recorded servers were there.
func loadRealTools(t *testing.T) (out []realTool, recorded bool) {
	t.Helper()
	refs, err := filepath.Glob("../testdata/toolslist-*.json")
	if err != nil || len(refs) < 3 {
		t.Fatalf("want the reference tools/list fixtures, got %v (%v)", refs, err)
	}
	files, _ := filepath.Glob(filepath.Join(realDefinitionsDir, "*.json"))
	recorded = len(files) >= 50
	files = append(refs, files...)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		var c struct {
			Result struct {
				Tools []rawTool `json:"tools"`
			} `json:"result"`
			Connections []struct {
				Messages []struct {
					Message struct {
						Result struct {
							Tools []rawTool `json:"tools"`
						} `json:"result"`
					} `json:"message"`
				} `json:"messages"`
			} `json:"connections"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("decode %s: %v", f, err)
		}
		add := func(tl rawTool) {
			out = append(out, realTool{file: filepath.Base(f), def: Definition{
				Name: tl.Name, Title: tl.Title, Description: tl.Description, InputSchemaJSON: string(tl.InputSchema),
				Annotations: Annotations{ReadOnlyHint: tl.Annotations.ReadOnlyHint, DestructiveHint: tl.Annotations.DestructiveHint, OpenWorldHint: tl.Annotations.OpenWorldHint},
			}})
		}
		for _, tl := range c.Result.Tools {
			add(tl)
		}
		for _, conn := range c.Connections {
			for _, m := range conn.Messages {
				for _, tl := range m.Message.Result.Tools {
					add(tl)
				}
			}
		}
	}
	return out, recorded
}

// rawTool is a tool of a tools/list result as the recorded files hold it.
type rawTool struct {
	Name        string          `json:"name"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	InputSchema json.RawMessage `json:"inputSchema"`
	Annotations struct {
		ReadOnlyHint    *bool `json:"readOnlyHint"`
		DestructiveHint *bool `json:"destructiveHint"`
		OpenWorldHint   *bool `json:"openWorldHint"`
	} `json:"annotations"`
}

// TestRealToolLabels labels every tool of the recorded real servers and
// checks the labels of well-known tools, and that reading tools are not
// taken for senders: a name whose first verb reads (get_, list_, read_,
// search_, ...) sends outside only when it takes a URL and speaks of
// HTTP requests.
func TestRealToolLabels(t *testing.T) {
	tools, recorded := loadRealTools(t)
	if recorded && len(tools) < 1000 || len(tools) < 20 {
		t.Fatalf("only %d real tools loaded (recorded servers: %v)", len(tools), recorded)
	}
	byKey := map[string][]string{}
	counts := map[string]int{}
	for _, rt := range tools {
		caps := Capabilities(rt.def)
		byKey[strings.TrimSuffix(strings.TrimPrefix(rt.file, "real-server-definitions-"), ".json")+"/"+rt.def.Name] = caps
		for _, c := range caps {
			counts[c]++
		}
		if nameVerb(words(rt.def.Name)) == "read" && slices.Contains(caps, SendsOutside) &&
			!(hasURLParam(schemaProperties(rt.def.InputSchemaJSON)) || anyIn(words(rt.def.Description), httpWords)) {
			t.Errorf("%s/%s reads by its name but is labelled %v", rt.file, rt.def.Name, caps)
		}
	}
	t.Logf("%d tools: %v", len(tools), counts)
	for _, tc := range []struct {
		key       string
		want, not []string
	}{
		{"modelcontextprotocol__server-filesystem/read_text_file", []string{ReadsPrivate}, []string{ReadsUntrusted, SendsOutside}},
		{"modelcontextprotocol__server-brave-search/brave_web_search", []string{ReadsUntrusted}, []string{ReadsPrivate, SendsOutside}},
		{"modelcontextprotocol__server-github/create_pull_request", []string{SendsOutside}, []string{ReadsUntrusted}},
		{"modelcontextprotocol__server-github/get_issue", []string{ReadsUntrusted, ReadsPrivate}, []string{SendsOutside}},
		{"modelcontextprotocol__server-github/get_file_contents", []string{ReadsPrivate}, []string{SendsOutside}},
		{"modelcontextprotocol__server-slack/slack_post_message", []string{SendsOutside}, []string{ReadsPrivate}},
		{"gongrzhe__server-gmail-autoauth-mcp/read_email", []string{ReadsUntrusted}, []string{SendsOutside}},
		{"gongrzhe__server-gmail-autoauth-mcp/send_email", []string{SendsOutside}, []string{ReadsUntrusted}},
		{"notionhq__notion-mcp-server/API-retrieve-a-page", []string{ReadsPrivate}, []string{ReadsUntrusted, SendsOutside}},
		{"toolslist-filesystem/read_text_file", []string{ReadsPrivate}, []string{ReadsUntrusted, SendsOutside}},
		{"toolslist-filesystem/write_file", []string{WritesFiles}, []string{ReadsUntrusted}},
		{"toolslist-memory/create_entities", []string{WritesMemory}, []string{SendsOutside}},
	} {
		caps, ok := byKey[tc.key]
		if !ok && (recorded || strings.HasPrefix(tc.key, "toolslist-")) {
			t.Errorf("%s not among the loaded tools", tc.key)
			continue
		}
		if !ok {
			continue // a recorded server's tool; `make eval` records them
		}
		for _, w := range tc.want {
			if !slices.Contains(caps, w) {
				t.Errorf("%s = %v, want %s", tc.key, caps, w)
			}
		}
		for _, n := range tc.not {
			if slices.Contains(caps, n) {
				t.Errorf("%s = %v, must not be %s", tc.key, caps, n)
			}
		}
	}
}
