package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpaudit/mcpaudit/detect"
)

// corpusDir is the project's labelled corpus.
const corpusDir = "../testdata/corpus"

// TestCorpusFloors runs the built-in pack over the committed corpus and
// fails when a family's recall falls below its recorded floor or the
// benign alert rate rises above its ceiling (floors.json). With
// MCPAUDIT_EVAL_DIRS (a list of directories separated by the OS path list
// separator) it also runs the cases there, such as the benign sessions
// recorded from real npm servers (make eval).
func TestCorpusFloors(t *testing.T) {
	rules, err := detect.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	dirs := []string{corpusDir}
	if extra := os.Getenv("MCPAUDIT_EVAL_DIRS"); extra != "" {
		dirs = append(dirs, filepath.SplitList(extra)...)
	}
	cases, err := LoadCases(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 400 {
		t.Fatalf("corpus has %d cases, want at least 400", len(cases))
	}
	r, err := NewRunner(rules)
	if err != nil {
		t.Fatal(err)
	}
	rep, _, err := Evaluate(t.Context(), r, cases, nil)
	if err != nil {
		t.Fatal(err)
	}
	floors, err := ReadFloors(filepath.Join(corpusDir, FloorsFile))
	if err != nil {
		t.Fatal(err)
	}
	var report strings.Builder
	_ = rep.WriteText(&report, testing.Verbose())
	t.Log("\n" + report.String())
	if err := floors.Check(rep); err != nil {
		t.Error(err)
	}
}
