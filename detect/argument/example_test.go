package argument_test

import (
	"fmt"

	"github.com/mcpaudit/mcpaudit/detect/argument"
)

// ExampleAnalyze analyses a fetch whose URL spells the cloud metadata
// address as one decimal number.
func ExampleAnalyze() {
	r := argument.Analyze(map[string]any{
		"url": "http://2852039166/latest/meta-data/iam/security-credentials/",
	}, argument.Context{ToolName: "fetch"})
	fmt.Println(r.SSRF.Level, r.SSRF.Signals())
	fmt.Println(r.CommandInjection.Hit())
	// Output:
	// critical [ssrf.metadata ssrf.credential_path ssrf.obfuscated_host]
	// false
}
