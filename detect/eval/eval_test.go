package eval

import (
	"strings"
	"testing"

	"github.com/mcpaudit/mcpaudit/detect"
)

func TestEvaluate(t *testing.T) {
	rules, err := detect.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	cases, err := LoadCases("testdata/cases")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(rules)
	if err != nil {
		t.Fatal(err)
	}
	rep, results, err := Evaluate(t.Context(), r, cases, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.AttackCases != 1 || rep.AttackAgreed != 1 || rep.BenignCases != 1 {
		t.Fatalf("report %+v", rep)
	}
	// The benign case holds a frame that is not JSON: the invalid-frame
	// rule fires, which makes it a false positive of this tiny corpus.
	if rep.BenignAlerted != 1 || results[1].RuleIDs()[0] != "mcp-invalid-jsonrpc-frame" {
		t.Errorf("benign: %d alerted, rules %v", rep.BenignAlerted, results[1].RuleIDs())
	}
	if results[0].Events != 5 || results[1].Events != 8 {
		t.Errorf("events = %d, %d; want 5, 8", results[0].Events, results[1].Events)
	}
	var b strings.Builder
	if err := rep.WriteText(&b, true); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tool_poisoning", "100.0%", "false positive benign/plain: plain-1 (mcp-invalid-jsonrpc-frame)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report text lacks %q:\n%s", want, b.String())
		}
	}
	floors := Floors{Families: map[string]float64{"tool_poisoning": 1, "ssrf": 0.5}, BenignMaxRate: 0.01}
	err = floors.Check(rep)
	if err == nil || !strings.Contains(err.Error(), "family ssrf has no cases") || !strings.Contains(err.Error(), "benign alert rate 100.0%") || strings.Contains(err.Error(), "tool_poisoning") {
		t.Errorf("Check = %v", err)
	}
}

func TestLoadCasesErrors(t *testing.T) {
	_, err := LoadCases("testdata/bad")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`b1.json: decode: json: unknown field "extra"`,
		`b2.json: label: "maybe" is not attack or benign`,
		`b2.json: techniques[0]: "SAFE.T1"`,
		`b2.json: connections[0].transport: "carrier-pigeon"`,
		`b2.json: connections[0].messages[0].dir: "up" is not c2s or s2c`,
		`b2.json: connections[0].messages[0].at_ms: negative`,
		`b2.json: connections[0].messages[0]: give exactly one of message and raw`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
