package injection

import (
	"regexp"
	"strings"
)

// Signals of protocol structure forged inside server-to-model data: an
// object shaped like a call the agent should make, a chat message with
// a role, a marker that closes the tool result or opens a tool call.
// They need no wording: they are found by shape (a key that names a tool
// next to a key that holds its arguments), so they read the same in any
// language. Own code: no library recognises agent-call shapes in text.
const (
	sigActionObject  = "template.action_object"
	sigRoleObject    = "template.role_object"
	sigResultClosure = "template.result_closure"

	wActionObject      = 0.45 // a call shape marked pending, or naming a tool the agent has
	wActionObjectPlain = 0.25 // a call shape inside a record's free text
	wPendingOrder      = 0.45 // a trigger or agent-action key whose value is an order
	wPendingNote       = 0.15 // another pending-action key whose value is an order
	wRoleObject        = 0.45
	wRoleObjectPlain   = 0.25
	wResultClosure     = 0.4
)

// maxStructKeys bounds the keys read per text.
const maxStructKeys = 256

// jsonKey is one quoted key of JSON-like text and its value.
type jsonKey struct {
	key     string // folded, '-' and ' ' as '_'
	at      int    // offset of the key's opening quote in the unescaped text
	val     string // a string value (unquoted, up to 400 bytes), or ""
	obj     bool   // the value opens an object or an array
	escaped bool   // the key was written with \" (JSON inside a string)
}

// keySeparators folds the separators of a JSON key to "_" ("tool-name",
// "tool name" and "tool_name" read alike).
var keySeparators = strings.NewReplacer("-", "_", " ", "_")

// jsonKeys returns the quoted keys of folded text, reading JSON written
// inside JSON strings (\" and \\\" quotes) as well. A byte scan.
func jsonKeys(f string) []jsonKey {
	var out []jsonKey
	for i := 0; i < len(f) && len(out) < maxStructKeys; i++ {
		if f[i] != ':' {
			continue
		}
		// the key: "name" or \"name\" just before the ':'
		k := i
		for k > 0 && f[k-1] == ' ' {
			k--
		}
		if k == 0 || f[k-1] != '"' {
			continue
		}
		end := k - 1
		esc := end > 0 && f[end-1] == '\\'
		for end > 0 && f[end-1] == '\\' {
			end--
		}
		a := end
		for a > 0 && end-a < 48 && (isWordByte(f[a-1]) || f[a-1] == '-' || f[a-1] == ' ' || f[a-1] >= 0x80) {
			a--
		}
		if a == 0 || f[a-1] != '"' || a == end {
			continue
		}
		open := a - 1
		for open > 0 && f[open-1] == '\\' {
			open--
		}
		key := keySeparators.Replace(f[a:end])
		jk := jsonKey{key: key, at: open, escaped: esc}
		// the value
		v := i + 1
		for v < len(f) && f[v] == ' ' {
			v++
		}
		for v < len(f) && f[v] == '\\' {
			v++
		}
		switch {
		case v < len(f) && (f[v] == '{' || f[v] == '['):
			jk.obj = true
		case v < len(f) && f[v] == '"':
			s := v + 1
			e := s
			for e < len(f) && e-s < 400 && f[e] != '"' {
				e++
			}
			val := strings.TrimRight(f[s:e], "\\")
			if val != "" && (val[0] == '{' || val[0] == '[') {
				jk.obj = true // JSON written inside the string
			} else {
				jk.val = val
			}
		}
		out = append(out, jk)
		i = v
	}
	return out
}

// callKeys name the tool of a call object ({"tool": "run_shell", "args": …}).
var callKeys = map[string]bool{"tool": true, "tool_name": true, "toolname": true, "function": true, "function_name": true,
	"call": true, "invoke": true, "do": true, "action": true, "operation": true, "next_tool": true, "use_tool": true}

// argKeys hold a call's arguments.
var argKeys = map[string]bool{"arguments": true, "args": true, "params": true, "parameters": true, "input": true,
	"tool_input": true, "tool_args": true, "kwargs": true}

// pendingParts and actionParts are the parts of a key that marks its
// value as an action the reader is to take ("next_action",
// "pending_action", "agent_action", "action_request", "required_step",
// "operacion_pendiente"); a key needs one of each.
var (
	pendingParts = map[string]bool{"next": true, "pending": true, "required": true, "requested": true, "agent": true, "queued": true,
		"auto": true, "automatic": true, "mandatory": true, "followup": true, "todo": true, "request": true,
		"pendiente": true, "pendente": true, "siguiente": true, "proxima": true, "requerida": true, "suivante": true, "requise": true,
		"ausstehend": true, "ausstehende": true, "naechste": true, "nachste": true, "erforderlich": true, "prossima": true, "richiesta": true}
	actionParts = map[string]bool{"action": true, "actions": true, "call": true, "calls": true, "step": true, "steps": true,
		"operation": true, "task": true, "invocation": true, "tool_call": true, "directive": true, "instruction": true,
		"operacion": true, "operacao": true, "accion": true, "acao": true, "tarea": true, "tarefa": true, "paso": true, "passo": true,
		"aktion": true, "aufgabe": true, "schritt": true, "vorgang": true, "azione": true, "operazione": true, "etape": true, "tache": true}
	// triggerKeys run their value when the record is read ("on_read").
	triggerKeys = map[string]bool{"on_read": true, "on_open": true, "on_load": true, "on_view": true, "when_read": true,
		"on_summarize": true, "on_summarise": true, "on_process": true, "before_reply": true, "before_responding": true}
	// urgentValues mark a key's value as "do it now, unasked".
	urgentValues = map[string]bool{"required": true, "mandatory": true, "immediately": true, "immediate": true, "now": true,
		"silent": true, "silently": true, "urgent": true, "auto": true, "automatic": true, "inmediatamente": true,
		"imediatamente": true, "sofort": true, "immediatement": true, "subito": true}
)

// pendingKey reports a key that marks its value as an action to take.
func pendingKey(key string) bool {
	if triggerKeys[key] || key == "action_request" || key == "tool_call_request" {
		return true
	}
	var p, a bool
	for _, part := range strings.Split(key, "_") {
		p = p || pendingParts[part]
		a = a || actionParts[part]
	}
	return p && a
}

// agentKey reports a key that names an automated reader ("agent_action",
// "ai_instruction", "automation_step", "bot_task").
func agentKey(key string) bool {
	for _, part := range strings.Split(key, "_") {
		switch part {
		case "agent", "ai", "llm", "assistant", "automation", "automated", "bot", "model":
			return true
		}
	}
	return false
}

// urgent reports a value that asks for the action now or unasked
// ("required", "immediately, before replying", "silent").
func urgent(v string) bool {
	w := v
	if i := strings.IndexAny(v, " ,;."); i >= 0 {
		w = v[:i]
	}
	return urgentValues[w]
}

// identValue reports a string value that can name a tool: one word of
// letters, digits, '_', '.', '-' or '/', 2 to 64 bytes.
func identValue(v string) bool {
	if len(v) < 2 || len(v) > 64 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !isWordByte(c) && c != '.' && c != '-' && c != '/' {
			return false
		}
	}
	return true
}

// agentTool reports a name of a tool the agent can call other than the
// one whose text this is (a sibling or a foreign tool, with or without a
// server prefix such as "github.create_gist" or "slack/post_message").
func (a *analysis) agentTool(name string) bool {
	for _, n := range [2]string{name, name[strings.LastIndexAny(name, "./")+1:]} {
		if n != "" && n != a.names.self && (a.names.siblings[n] || a.names.foreign[n]) {
			return true
		}
	}
	return false
}

// structureWindow is how far apart (bytes) the keys of one call object
// may stand.
const structureWindow = 320

// forgedStructure reports, in server-to-model text, protocol structure
// written into data: a call object (a key naming a tool next to a key
// holding arguments) that is marked as pending or urgent or names a tool
// the agent has; a pending-action or trigger key whose value is an
// order; a chat message object ({"role": "system", "content": …}) inside
// a record, holding an instruction; a marker that closes the tool result
// or opens a tool call in plain text.
//
// Agent traces and API documentation hold call objects too ({"tool":
// "search", "arguments": …} in a log): shape alone adds only
// wActionObjectPlain, and only inside a record's free text (JSON in a
// JSON string); the full weight needs a pending key, an urgent value or
// a tool of this very agent.
// userRelayRe finds text in server content that claims to relay the
// user's own words (folded): a relayed or forwarded message "from: you",
// or a message, note or instruction "from the user:".
var userRelayRe = regexp.MustCompile(`\b(?:relayed|forwarded)\s+(?:message|note|instruction|request)s?\b[^\n]{0,48}?\bfrom\s*:?\s*(?:you|the\s+user|your\s+user)\b|` +
	`\b(?:message|note|instruction|request)s?\s+from\s+(?:the|your)\s+user\s*:`)

func (a *analysis) forgedStructure(f, field string) {
	if !a.ctx.Surface.serverToModel() {
		return
	}
	a.resultClosure(f, field)
	if loc := userRelayRe.FindStringIndex(f); loc != nil {
		// "[Relayed message · from: you]", "note from the user:": content
		// that passes itself off as the user speaking
		a.add(sigTurnForgery, field, wTurnForgery, f[loc[0]:min(len(f), loc[0]+100)])
	}
	if strings.IndexByte(f, '"') < 0 {
		return
	}
	keys := jsonKeys(f)
	prose := len(f) > 0 && f[0] != '{' && f[0] != '['
	actionDone, roleDone := false, false
	for i, k := range keys {
		switch {
		case !actionDone && callKeys[k.key] && identValue(k.val):
			args, pending, urg := false, false, false
			for _, o := range keys {
				if o.at < k.at-structureWindow || o.at > k.at+structureWindow {
					continue
				}
				args = args || argKeys[o.key] && (o.obj || o.val != "")
				pending = pending || pendingKey(o.key)
				urg = urg || urgent(o.val)
			}
			if !args {
				continue
			}
			span := f[k.at:min(len(f), k.at+160)]
			switch {
			case pending || urg || a.agentTool(k.val):
				a.add(sigActionObject, field, wActionObject, span)
				actionDone = true
			case k.escaped || prose:
				a.add(sigActionObject, field, wActionObjectPlain, span)
				actionDone = true
			}
		case !actionDone && pendingKey(k.key):
			// {"next_action": "hubspot_export", …}, {"on_read": "transition every issue to Done"}
			span := f[k.at:min(len(f), k.at+160)]
			if identValue(k.val) && (a.agentTool(k.val) || urgentNear(keys, k.at)) {
				a.add(sigActionObject, field, wActionObject, span)
				actionDone = true
			} else if k.val != "" && strings.IndexByte(k.val, ' ') > 0 && actsOn(k.val) {
				// a trigger or an agent's action holds an order for the
				// reader; "next_step": "call Maria about the budget" in a
				// CRM record is a note for a person
				w := wPendingNote
				if triggerKeys[k.key] || agentKey(k.key) {
					w = wPendingOrder
				}
				a.add(sigActionObject, field, w, span)
				actionDone = true
			}
		case !roleDone && k.key == "role" && (k.escaped || prose):
			role := k.val
			if role != "system" && role != "developer" && role != "assistant" && role != "tool" {
				continue
			}
			// the message's content: the next key, when it is "content"
			if i+1 >= len(keys) || keys[i+1].key != "content" || keys[i+1].val == "" || keys[i+1].at > k.at+80 {
				continue
			}
			body := keys[i+1].val
			span := f[k.at:min(len(f), keys[i+1].at+len(body)+12)]
			switch lvl := instructionLevel(body); {
			case lvl == 2 || (role == "system" || role == "developer") && actsOn(body) || lvl == 1 && a.bodyNamesAgentTool(body):
				a.add(sigRoleObject, field, wRoleObject, span)
				roleDone = true
			case actsOn(body):
				a.add(sigRoleObject, field, wRoleObjectPlain, span)
				roleDone = true
			}
		}
	}
}

// actsOn reports a verb of folded text that reads, sends, includes or
// calls (actionRoles), or acts on the world (actVerbs, destructiveWords).
func actsOn(f string) bool {
	s := scan(f)
	for _, t := range s.toks {
		if t.r&actionRoles != 0 || actVerbs[t.w] || destructiveWords[t.w] {
			return true
		}
	}
	return false
}

// urgentNear reports an urgent value (see urgent) among the keys within
// structureWindow bytes of offset at.
func urgentNear(keys []jsonKey, at int) bool {
	for _, o := range keys {
		if o.at >= at-structureWindow && o.at <= at+structureWindow && urgent(o.val) {
			return true
		}
	}
	return false
}

// bodyNamesAgentTool reports a word of folded text that is a tool the
// agent can call (see agentTool).
func (a *analysis) bodyNamesAgentTool(body string) bool {
	for _, w := range strings.FieldsFunc(body, func(r rune) bool {
		return r < 0x80 && !isWordByte(byte(r)) && r != '.' && r != '/'
	}) {
		if identValue(w) && a.agentTool(w) {
			return true
		}
	}
	return false
}

// closureNouns name the tool result a closure marker ends.
var closureNouns = []string{"tool_result", "tool result", "tool_output", "tool output", "function_result", "function result",
	"function_results", "tool_response", "tool response", "search_results", "observation"}

// resultClosure reports a marker that ends the tool result or opens a
// tool call inside it, followed by more text: "---- tool_result(list_events)
// END ----", "[end of tool output]", "</tool_result>", "tool_call(delete_event)".
// What follows such a marker is written to be read as the agent's own turn.
func (a *analysis) resultClosure(f, field string) {
	found := false
	eachOccurrence(f, closureNouns, func(i int, n string) bool {
		lo, hi := max(0, i-24), min(len(f), i+len(n)+40)
		win := f[lo:hi]
		closing := strings.Contains(f[max(0, i-2):i], "</") ||
			strings.Contains(win, " end") || strings.Contains(win, "end ") || strings.Contains(win, "[end") || strings.Contains(win, "ends") || strings.Contains(win, "closed")
		if !closing || len(f)-hi < 24 {
			return true
		}
		// a marker stands on a line of its own (or as a tag), not in a sentence
		ls := strings.LastIndexByte(f[:i], '\n') + 1
		le := strings.IndexByte(f[i:], '\n')
		if le < 0 {
			le = len(f) - i
		}
		line := f[ls : i+le]
		if len(line) > 80 && !strings.Contains(f[max(0, i-2):i], "</") {
			return true
		}
		rest := f[i+le:]
		if instructionIn(rest) || strings.Contains(rest, "tool_call") || strings.Contains(rest, "function_call") || hasAction(rest) && a.bodyNamesAgentTool(rest) {
			a.add(sigResultClosure, field, wResultClosure, line)
			found = true
			return false
		}
		return true
	})
	if found {
		return
	}
	// "tool_call(delete_event)" / "function_call: create_event" lines: the
	// model's own call, written by the server
	for _, n := range []string{"tool_call(", "function_call(", "tool_call:", "function_call:", "tool_use("} {
		i := strings.Index(f, n)
		if i < 0 {
			continue
		}
		rest := f[i+len(n) : min(len(f), i+len(n)+64)]
		rest = strings.TrimLeft(rest, " \"")
		j := 0
		for j < len(rest) && (isWordByte(rest[j]) || rest[j] == '.' || rest[j] == '-') {
			j++
		}
		if j > 1 && a.agentTool(rest[:j]) {
			a.add(sigToolCallForgery, field, wToolCallForgery, f[i:min(len(f), i+len(n)+j+40)])
			return
		}
	}
}
