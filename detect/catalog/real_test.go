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

// loadRealTools reads every tools/list result of the recorded cases.
func loadRealTools(t *testing.T) []realTool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(realDefinitionsDir, "*.json"))
	if err != nil || len(files) < 50 {
		t.Fatalf("want the recorded definitions of at least 50 real servers under %s (scripts/mcp-servers/record.sh), found %d (%v)", realDefinitionsDir, len(files), err)
	}
	var out []realTool
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		var c struct {
			Connections []struct {
				Messages []struct {
					Message struct {
						Result struct {
							Tools []struct {
								Name        string          `json:"name"`
								Title       string          `json:"title"`
								Description string          `json:"description"`
								InputSchema json.RawMessage `json:"inputSchema"`
								Annotations struct {
									ReadOnlyHint    *bool `json:"readOnlyHint"`
									DestructiveHint *bool `json:"destructiveHint"`
									OpenWorldHint   *bool `json:"openWorldHint"`
								} `json:"annotations"`
							} `json:"tools"`
						} `json:"result"`
					} `json:"message"`
				} `json:"messages"`
			} `json:"connections"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("decode %s: %v", f, err)
		}
		for _, conn := range c.Connections {
			for _, m := range conn.Messages {
				for _, tl := range m.Message.Result.Tools {
					out = append(out, realTool{file: filepath.Base(f), def: Definition{
						Name: tl.Name, Title: tl.Title, Description: tl.Description, InputSchemaJSON: string(tl.InputSchema),
						Annotations: Annotations{ReadOnlyHint: tl.Annotations.ReadOnlyHint, DestructiveHint: tl.Annotations.DestructiveHint, OpenWorldHint: tl.Annotations.OpenWorldHint},
					}})
				}
			}
		}
	}
	return out
}

// TestRealToolLabels labels every tool of the recorded real servers and
// checks the labels of well-known tools, and that reading tools are not
// taken for senders: a name whose first verb reads (get_, list_, read_,
// search_, ...) sends outside only when it takes a URL and speaks of
// HTTP requests.
func TestRealToolLabels(t *testing.T) {
	tools := loadRealTools(t)
	if len(tools) < 1000 {
		t.Fatalf("only %d real tools loaded", len(tools))
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
	} {
		caps, ok := byKey[tc.key]
		if !ok {
			t.Errorf("%s not among the recorded tools", tc.key)
			continue
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
