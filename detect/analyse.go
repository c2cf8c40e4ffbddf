package detect

import (
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"

	"github.com/mcpaudit/mcpaudit/detect/argument"
	"github.com/mcpaudit/mcpaudit/detect/canon"
	"github.com/mcpaudit/mcpaudit/detect/injection"
	"github.com/mcpaudit/mcpaudit/detect/signal"
)

// The analysers (detect/injection, detect/canon, detect/argument) run once
// per event, before the rules, and only for the verdicts some loaded rule
// reads: the engine collects the names each compiled expression uses.

// analysis names a rule can read, and what they cost to compute.
const (
	useToolRisk   = "risk"           // tools[].risk: injection.AnalyzeTool
	useToolHidden = "hidden"         // tools[].hidden: canon.Hidden
	useTextRisk   = "text_risk"      // injection.Analyze of text
	useTextHidden = "text_hidden"    // canon.Hidden of text
	useArgs       = "args"           // argument.Analyze
	useMemoryRisk = "memory_risk"    // injection.Analyze of a memory write
	useResultSecr = "result_secrets" // secrets.Kinds of a result's text
)

var analysisNames = []string{useToolRisk, useToolHidden, useTextRisk, useTextHidden, useArgs, useMemoryRisk, useResultSecr}

// namesUsed returns the identifiers and member names p's expression
// mentions.
func namesUsed(p *vm.Program, into map[string]bool) {
	if p == nil {
		return
	}
	node := p.Node()
	ast.Walk(&node, nameVisitor(into))
}

type nameVisitor map[string]bool

func (v nameVisitor) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.IdentifierNode:
		v[x.Value] = true
	case *ast.MemberNode:
		if s, ok := x.Property.(*ast.StringNode); ok {
			v[s.Value] = true
		}
	}
}

// uses returns the analysis names the rule's expressions mention.
func (r *Rule) uses() map[string]bool {
	all := map[string]bool{}
	for _, p := range []*vm.Program{r.cond, r.by, r.until, r.distinct, r.value, r.reasons} {
		namesUsed(p, all)
	}
	for _, s := range r.Steps {
		namesUsed(s.prog, all)
		namesUsed(s.by, all)
	}
	out := map[string]bool{}
	for _, n := range analysisNames {
		if all[n] {
			out[n] = true
		}
	}
	return out
}

// analyse fills the verdicts of env that needs names, from the event and
// the state views state.apply filled.
func analyse(env *Env, needs map[string]bool) {
	if len(needs) == 0 {
		return
	}
	if len(env.Tools) > 0 && (needs[useToolRisk] || needs[useToolHidden]) {
		names := make([]string, len(env.Tools))
		for i, t := range env.Tools {
			names[i] = t.Name
		}
		for i := range env.Tools {
			t := &env.Tools[i]
			if needs[useToolHidden] {
				t.Hidden = canon.Hidden(t.Text)
				prefixFields(t.Hidden.Findings, "tools["+t.Name+"]")
			}
			if needs[useToolRisk] {
				t.Risk = injection.AnalyzeTool(injection.ToolDef{
					Name: t.Name, Title: t.Title, Description: t.Description,
					InputSchemaJSON: []byte(t.InputSchemaJSON), OutputSchemaJSON: []byte(t.OutputSchemaJSON),
					MetaJSON: []byte(t.MetaJSON), AnnotationsTitle: t.Definition.GetAnnotations().GetTitle(),
					AnnotationsExtraJSON: []byte(t.Definition.GetAnnotations().GetExtraJson()),
				}, injection.Context{
					Surface: injection.ToolDefinition, ToolName: t.Name, ServerName: env.ServerName,
					SiblingTools: names, ForeignTools: env.ForeignTools,
				})
				prefixFields(t.Risk.Findings, "tools["+t.Name+"]")
			}
		}
	}
	if len(env.ReferringTools) > 0 && needs[useToolRisk] {
		for i := range env.ReferringTools {
			t := &env.ReferringTools[i]
			// foreign to it: every tool the client was offered but its
			// own server's
			var foreign []string
			for _, n := range env.ForeignTools {
				if !slices.Contains(t.siblings, n) {
					foreign = append(foreign, n)
				}
			}
			for _, o := range env.Tools {
				foreign = append(foreign, o.Name)
			}
			t.Risk = injection.AnalyzeTool(injection.ToolDef{
				Name: t.Name, Title: t.Title, Description: t.Description,
				InputSchemaJSON: []byte(t.InputSchemaJSON), OutputSchemaJSON: []byte(t.OutputSchemaJSON), MetaJSON: []byte(t.MetaJSON),
				AnnotationsTitle: t.Definition.GetAnnotations().GetTitle(), AnnotationsExtraJSON: []byte(t.Definition.GetAnnotations().GetExtraJson()),
			}, injection.Context{
				Surface: injection.ToolDefinition, ToolName: t.Name, ServerName: t.ReferringServer, SiblingTools: t.siblings, ForeignTools: foreign,
			})
			prefixFields(t.Risk.Findings, "servers["+t.ReferringServer+"].tools["+t.Name+"]")
		}
	}
	if env.Text != "" {
		if needs[useTextHidden] {
			env.TextHidden = canon.Hidden(env.Text)
		}
		if needs[useTextRisk] {
			ctx := injection.Context{
				Surface: textSurface(env.TextSurface), Field: env.TextSurface, ToolName: env.ToolName, ServerName: env.ServerName,
				SiblingTools: env.sessionTools,
			}
			if env.Direction == "server_to_client" && (env.TextSurface == "tool_result" || env.TextSurface == "resource" || env.TextSurface == "prompt") {
				ctx.Orders = func(lit string) { env.orderLits = append(env.orderLits, lit) }
			}
			if sp := env.Event.GetSampling().GetSystemPrompt(); env.TextSurface == "sampling" && sp != "" {
				// the server's system prompt speaks to the model by its
				// place; the messages are analysed as any server text
				sys := ctx
				sys.Field, sys.ModelDirected = "params.systemPrompt", true
				env.TextRisk = signal.Merge(injection.Analyze(sp, sys), injection.Analyze(env.Event.GetSampling().GetText(), ctx))
			} else {
				env.TextRisk = injection.Analyze(env.Text, ctx)
			}
			if env.TextSurface == "tool_result" && hasCapability(env.CalledTool, "reads_memory") {
				// a memory read back is a stored note: read as one too, so
				// a standing order planted in an earlier session ("the
				// assistant carries them out without a confirmation step
				// in every later conversation") shows where it returns
				mem := ctx
				mem.Surface, mem.Orders = injection.MemoryWrite, nil
				if v := injection.Analyze(env.Text, mem); v.Score > env.TextRisk.Score {
					env.TextRisk = v
				}
			}
		}
	}
	if needs[useResultSecr] && env.ResultText != "" {
		env.ResultSecrets = Secrets(env.ResultText)
	}
	if env.Method == "resources/read" && env.Kind == "request" && env.ResourceURI != "" && needs[useArgs] {
		// a resource URI is a path the server resolves: traversal in any
		// encoding reads it as it reads a tool's path argument
		env.Args = argument.Analyze(map[string]any{"uri": env.ResourceURI}, argument.Context{
			ToolName: "resources/read", ServerName: env.ServerName, Roots: env.Session.Roots,
		})
	}
	if env.Method == "tools/call" && env.Kind == "request" {
		if needs[useArgs] && env.Arguments != nil {
			env.Args = argument.Analyze(env.Arguments, argument.Context{
				ToolName: env.ToolName, ToolDescription: env.CalledTool.Description, ServerName: env.ServerName,
				ExecLike: hasCapability(env.CalledTool, "executes"), Roots: env.Session.Roots,
			})
		}
		if needs[useMemoryRisk] && (hasCapability(env.CalledTool, "writes_memory") || agentInstructionsWrite(env) || agentSettingWrite(env)) {
			env.MemoryRisk = memoryRisk(env)
		}
	}
}

func hasCapability(t Tool, c string) bool {
	for _, x := range t.Capabilities {
		if x == c {
			return true
		}
	}
	return false
}

// memoryRisk analyses the strings a memory tool is asked to store, as text
// a later model will read.
func memoryRisk(env *Env) signal.Verdict {
	var vs []signal.Verdict
	var all []string
	size := 0
	walkStrings(env.Arguments, "arguments", func(path, s string) {
		if len(s) < 12 || len(vs) >= 64 {
			return
		}
		vs = append(vs, injection.Analyze(s, injection.Context{Surface: injection.MemoryWrite, Field: path, ToolName: env.ToolName, ServerName: env.ServerName}))
		if size += len(s); size <= 64<<10 {
			all = append(all, s)
		}
	})
	merged := signal.Merge(vs...)
	if len(all) > 1 {
		// the entries of one write read together: an address in one
		// observation, the order to forward codes to it in the next; kept
		// only when it says more than the entries one by one, so the
		// reasons do not list each finding twice
		if joined := injection.Analyze(strings.Join(all, "\n"), injection.Context{Surface: injection.MemoryWrite, Field: "arguments", ToolName: env.ToolName, ServerName: env.ServerName}); joined.Level.Rank() > merged.Level.Rank() {
			return signal.Merge(merged, joined)
		}
	}
	return merged
}

func textSurface(s string) injection.Surface {
	switch s {
	case "resource":
		return injection.ResourceContents
	case "prompt":
		return injection.PromptMessages
	case "sampling":
		return injection.SamplingRequest
	case "elicitation":
		return injection.ElicitationRequest
	case "instructions", "definitions":
		return injection.ToolDefinition
	}
	return injection.ToolResult
}

// prefixFields makes findings' fields paths from the event: a tool's
// findings become tools[name].description, tools[name] for the whole text.
func prefixFields(fs []signal.Finding, prefix string) {
	for i := range fs {
		if fs[i].Field == "" {
			fs[i].Field = prefix
		} else {
			fs[i].Field = prefix + "." + fs[i].Field
		}
	}
}

// agentInstructionFiles are the files coding agents load as standing
// instructions at the start of every session.
var agentInstructionFiles = []string{"agents.md", "claude.md", "gemini.md", ".cursorrules", ".windsurfrules", "copilot-instructions.md",
	".cursor/rules/", ".clinerules", ".github/instructions/", ".continue/rules", ".roo/rules"}

// agentInstructionsWrite reports a tools/call that writes one of those
// files: memory by another name.
func agentInstructionsWrite(env *Env) bool {
	if !hasCapability(env.CalledTool, "writes_files") && !containsFoldAny(env.ToolName, "write", "create", "save", "append", "edit", "put", "update") {
		return false
	}
	for _, p := range PathArgs(env.Arguments) {
		lp := strings.ToLower(strings.ReplaceAll(p, "\\", "/"))
		for _, f := range agentInstructionFiles {
			if strings.HasSuffix(lp, f) || strings.Contains(lp, "/"+f) || strings.HasPrefix(lp, f) {
				return true
			}
		}
	}
	return false
}

// settingKeys are the argument names that say which entry a key-value or
// settings write sets.
var settingKeys = map[string]bool{"k": true, "key": true, "name": true, "field": true, "setting": true, "label": true, "slot": true}

// agentSettingWords name an entry that steers the agent: its prompt,
// instructions, persona, rules, behaviour.
var agentSettingWords = []string{"system_prompt", "systemprompt", "prompt", "instruction", "persona", "rules", "guideline", "behavior", "behaviour", "directive"}

// agentSettingWrite reports a key-value or settings write (kv_set,
// set_preference, put_config, ...) whose entry is the agent's own prompt,
// instructions, persona or rules: text the agent reads back as orders,
// which is a memory write whatever the store is called.
func agentSettingWrite(env *Env) bool {
	if !containsFoldAny(env.ToolName, "set", "put", "write", "save", "update", "store", "upsert") {
		return false
	}
	for k, v := range env.Arguments {
		sv, ok := v.(string)
		if !ok || !settingKeys[strings.ToLower(k)] || len(sv) > 128 {
			continue
		}
		if containsFoldAny(sv, agentSettingWords...) {
			return true
		}
	}
	return false
}
