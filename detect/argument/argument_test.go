package argument

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/mcpaudit/mcpaudit/detect/signal"
)

// fixtureCase is one entry of testdata/cases.json: a tools/call, the
// analyser to check ("all" for Report.All), the signal that must be among
// its findings (when set) and the bounds its level must fall within.
type fixtureCase struct {
	Name        string         `json:"name"`
	Tool        string         `json:"tool"`
	Description string         `json:"description"`
	Server      string         `json:"server"`
	Exec        bool           `json:"exec"`
	Roots       []string       `json:"roots"`
	Args        map[string]any `json:"args"`
	Analyser    string         `json:"analyser"`
	Signal      string         `json:"signal"`
	Min         signal.Level   `json:"min"`
	// Max is the highest level allowed; "none" for no finding at low or
	// above.
	Max *string `json:"max"`
}

func loadCases(t testing.TB) []fixtureCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cs []fixtureCase
	if err := json.Unmarshal(raw, &cs); err != nil {
		t.Fatalf("testdata/cases.json: %v", err)
	}
	return cs
}

// pick returns the verdict a fixture names.
func pick(t *testing.T, r Report, name string) signal.Verdict {
	t.Helper()
	switch name {
	case "all":
		return r.All()
	case "command_injection":
		return r.CommandInjection
	case "privileged_command":
		return r.PrivilegedCommand
	case "destructive":
		return r.Destructive
	case "ssrf":
		return r.SSRF
	case "traversal":
		return r.Traversal
	case "sensitive_path":
		return r.SensitivePath
	case "listing":
		return r.Listing
	case "secrets":
		return r.Secrets
	case "covert":
		return r.Covert
	}
	t.Fatalf("unknown analyser %q", name)
	return signal.Verdict{}
}

// TestAnalyzeFixtures runs every case of testdata/cases.json: attacks must
// raise their signal at or above their minimum level, hard negatives must
// stay at or below their maximum.
func TestAnalyzeFixtures(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			if c.Signal == "" && c.Max == nil {
				t.Fatal("case checks nothing: set signal/min or max")
			}
			r := Analyze(c.Args, Context{ToolName: c.Tool, ToolDescription: c.Description, ServerName: c.Server, ExecLike: c.Exec, Roots: c.Roots})
			v := pick(t, r, c.Analyser)
			if c.Signal != "" && !v.Has(c.Signal) {
				t.Errorf("signal %s missing; got %s", c.Signal, describe(v))
			}
			if c.Min != signal.LevelNone && !v.Level.AtLeast(c.Min) {
				t.Errorf("level %q below %q; got %s", v.Level, c.Min, describe(v))
			}
			maxLevel := signal.LevelNone
			if c.Max != nil && *c.Max != "none" {
				maxLevel = signal.Level(*c.Max)
				if maxLevel.Rank() < 0 {
					t.Fatalf("bad max level %q", *c.Max)
				}
			}
			if c.Max != nil && v.Level.Rank() > maxLevel.Rank() {
				t.Errorf("level %q above %q; got %s", v.Level, *c.Max, describe(v))
			}
			checkFindings(t, r)
		})
	}
}

// describe prints a verdict for a failure message.
func describe(v signal.Verdict) string {
	var b strings.Builder
	b.WriteString(string(v.Level))
	for _, f := range v.Findings {
		b.WriteString("\n\t" + f.Signal + " " + f.Field + " " + strings.TrimRight(strings.TrimRight(jsonNum(f.Weight), "0"), ".") + " " + f.Span)
	}
	return b.String()
}

func jsonNum(f float64) string {
	b, _ := json.Marshal(f)
	return string(b) + ".0"
}

// checkFindings asserts what every finding must satisfy: a field path
// under "arguments", a span within signal.MaxSpan in valid UTF-8 with no
// secret in clear, a weight in [0, 1], a level that matches the score.
func checkFindings(t testing.TB, r Report) {
	t.Helper()
	for _, v := range []signal.Verdict{r.CommandInjection, r.PrivilegedCommand, r.Destructive, r.SSRF, r.Traversal,
		r.SensitivePath, r.Listing, r.Secrets, r.Covert} {
		if v.Level != levelOf(v.Score) {
			t.Errorf("level %q does not match score %v", v.Level, v.Score)
		}
		if v.Score < 0 || v.Score > 1 {
			t.Errorf("score %v out of [0,1]", v.Score)
		}
		for _, f := range v.Findings {
			if !strings.HasPrefix(f.Field, "arguments") {
				t.Errorf("finding %s has field %q", f.Signal, f.Field)
			}
			if len(f.Span) > signal.MaxSpan {
				t.Errorf("finding %s span is %d bytes", f.Signal, len(f.Span))
			}
			if !utf8Valid(f.Span) {
				t.Errorf("finding %s span is not UTF-8: %q", f.Signal, f.Span)
			}
			if hasClearSecret(f.Span) {
				t.Errorf("finding %s span holds a secret in clear: %q", f.Signal, f.Span)
			}
			if f.Weight < 0 || f.Weight > 1 {
				t.Errorf("finding %s weight %v", f.Signal, f.Weight)
			}
		}
	}
}
