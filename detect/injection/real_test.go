package injection

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcpaudit/mcpaudit/detect/signal"
)

// rawTool is a tool of a tools/list result as JSON.
type rawTool struct {
	Name         string          `json:"name"`
	Title        string          `json:"title"`
	Description  string          `json:"description"`
	InputSchema  json.RawMessage `json:"inputSchema"`
	OutputSchema json.RawMessage `json:"outputSchema"`
	Meta         json.RawMessage `json:"_meta"`
	Annotations  struct {
		Title string `json:"title"`
	} `json:"annotations"`
}

func (r rawTool) def() ToolDef {
	return ToolDef{Name: r.Name, Title: r.Title, Description: r.Description, InputSchemaJSON: r.InputSchema, OutputSchemaJSON: r.OutputSchema, MetaJSON: r.Meta, AnnotationsTitle: r.Annotations.Title}
}

// server is one server's tool list.
type server struct {
	name  string
	tools []rawTool
}

// loadToolLists reads tools/list results from a fixture file: either a
// JSON-RPC response ({"result":{"tools":[...]}}) or a corpus case (every
// s2c message of every connection whose result has tools; the server
// name from the initialize result).
func loadToolLists(t *testing.T, path string) []server {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var resp struct {
		Result struct {
			Tools []rawTool `json:"tools"`
		} `json:"result"`
		Connections []struct {
			Messages []struct {
				Dir     string `json:"dir"`
				Message struct {
					Result struct {
						Tools      []rawTool `json:"tools"`
						ServerInfo struct {
							Name string `json:"name"`
						} `json:"serverInfo"`
					} `json:"result"`
				} `json:"message"`
			} `json:"messages"`
		} `json:"connections"`
	}
	if err := json.Unmarshal(b, &resp); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	if len(resp.Result.Tools) > 0 {
		return []server{{name: filepath.Base(path), tools: resp.Result.Tools}}
	}
	var out []server
	for _, c := range resp.Connections {
		srv := server{name: filepath.Base(path)}
		for _, m := range c.Messages {
			if n := m.Message.Result.ServerInfo.Name; n != "" {
				srv.name = n
			}
			srv.tools = append(srv.tools, m.Message.Result.Tools...)
		}
		if len(srv.tools) > 0 {
			out = append(out, srv)
		}
	}
	return out
}

type scored struct {
	server, tool string
	v            signal.Verdict
}

// analyzeServers runs AnalyzeTool over every tool with its siblings as
// context and returns the verdicts, highest score first.
func analyzeServers(servers []server) []scored {
	var out []scored
	for _, s := range servers {
		names := make([]string, 0, len(s.tools))
		for _, tl := range s.tools {
			names = append(names, tl.Name)
		}
		for _, tl := range s.tools {
			sib := slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == tl.Name })
			v := AnalyzeTool(tl.def(), Context{ServerName: s.name, SiblingTools: sib})
			out = append(out, scored{s.name, tl.Name, v})
		}
	}
	slices.SortStableFunc(out, func(a, b scored) int { return cmp.Compare(b.v.Score, a.v.Score) })
	return out
}

// realCorpusDirs are where the recorded real tools/list cases are, when a
// run of scripts/mcp-servers/record.sh has written them.
func realCorpusDirs() []string {
	var dirs []string
	if d := os.Getenv("MCPAUDIT_CORPUS_REAL"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range []string{"../../.tmp/corpus-real", "../../.tmp/npm-textan/lists", "../../.tmp/npm-textan/lists2"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// TestRealToolDefinitionsBelowMedium runs AnalyzeTool over the real
// tools/list results of the reference servers (detect/testdata) and over
// any recorded real servers (.tmp/corpus-real), and requires every tool
// to stay below the medium threshold: these are benign definitions. The
// top scores are logged to show where the false-positive pressure is.
func TestRealToolDefinitionsBelowMedium(t *testing.T) {
	files, err := filepath.Glob("../testdata/toolslist-*.json")
	if err != nil || len(files) < 3 {
		t.Fatalf("want the reference tools/list fixtures, got %v (%v)", files, err)
	}
	for _, d := range realCorpusDirs() {
		filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() && strings.HasSuffix(p, ".json") {
				files = append(files, p)
			}
			return nil
		})
	}
	var servers []server
	for _, f := range files {
		servers = append(servers, loadToolLists(t, f)...)
	}
	res := analyzeServers(servers)
	if len(res) < 20 {
		t.Fatalf("only %d tools loaded", len(res))
	}
	for i, r := range res {
		if i < 15 {
			sigs := []string{}
			for _, f := range r.v.Findings {
				if len(sigs) < 4 {
					sigs = append(sigs, f.Signal+"@"+f.Field+"="+f.Span)
				}
			}
			t.Logf("%.3f %-8s %s/%s %v", r.v.Score, r.v.Level, r.server, r.tool, sigs)
		}
		if r.v.Level.AtLeast(signal.LevelMedium) {
			t.Errorf("benign %s/%s scored %.3f (%s): %+v", r.server, r.tool, r.v.Score, r.v.Level, r.v.Findings)
		}
	}
	t.Logf("%d tools of %d servers analysed", len(res), len(servers))
}

// TestRealDocumentsAsResultsBelowMedium analyses the READMEs of the
// installed npm packages (.tmp/npm, always present; .tmp/npm-textan when
// installed) as tool results, as a read_file or fetch of documentation
// would return them, and requires every one to stay below medium: a
// README full of "pass your API key", "curl … | sh" and URLs is data, not
// an injection.
func TestRealDocumentsAsResultsBelowMedium(t *testing.T) {
	var files []string
	for _, pat := range []string{"../../.tmp/npm/node_modules/*/README.md", "../../.tmp/npm/node_modules/@*/*/README.md", "../../.tmp/npm-textan/node_modules/*/README.md", "../../.tmp/npm-textan/node_modules/@*/*/README.md"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) < 20 {
		t.Fatalf("want the READMEs of the installed npm servers under .tmp/npm, found %d", len(files))
	}
	type res struct {
		file string
		v    signal.Verdict
	}
	var out []res
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		if len(b) > 64<<10 {
			b = b[:64<<10]
		}
		out = append(out, res{f, Analyze(string(b), Context{Surface: ToolResult, Field: "result.content[0].text", ToolName: "read_file", SiblingTools: []string{"list_directory"}})})
	}
	slices.SortStableFunc(out, func(a, b res) int { return cmp.Compare(b.v.Score, a.v.Score) })
	for i, r := range out {
		if i < 5 {
			t.Logf("%.3f %s %v", r.v.Score, r.file, r.v.Signals())
		}
		if r.v.Level.AtLeast(signal.LevelMedium) {
			t.Errorf("README %s as a tool result scored %.3f (%s): %+v", r.file, r.v.Score, r.v.Level, r.v.Findings)
		}
	}
	t.Logf("%d READMEs analysed", len(out))
}
