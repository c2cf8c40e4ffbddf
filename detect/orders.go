package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/mcpaudit/mcpaudit/detect/catalog"
	"github.com/mcpaudit/mcpaudit/detect/injection"
	"github.com/mcpaudit/mcpaudit/detect/signal"
)

// This file links an order in server text to the call that carries it
// out (Env.Followed). The injection analyser names the targets of the
// order sentences of a result, resource or prompt (injection.OrderLiterals:
// addresses, accounts, identifiers); the state keeps their fingerprints
// per client, leaving out every literal the client itself had sent
// before; a later call that acts (not a read) and whose arguments carry
// one of them did what the server's text told the model, in whatever
// words the order was given.

// Followed is a target that an order in an earlier result, resource or
// prompt of the same client named, and that this tools/call request's
// arguments carry (expr: followed). Only calls of tools that act (run,
// send, write, delete: by capability or the verb of their name, and not
// annotated readOnlyHint) get them, and only targets the client had not
// sent in any earlier request and that were named in the last hour.
type Followed struct {
	// Field is the argument path that carries the target.
	Field string `expr:"field"`
	// Kind is url, host (a web address on the same host), email, iban, ip
	// or identifier.
	Kind string `expr:"kind"`
	// SourceTool names the tool (or resource URI, or prompt) whose text
	// gave the order.
	SourceTool string `expr:"source_tool"`
	// SourceServer names the server of that text.
	SourceServer string `expr:"source_server"`
}

// order is what the state keeps of one target an order named: never the
// value, only where it came from.
type order struct {
	kind, tool, server string
	at                 time.Time
}

// Bounds of the order state per client.
const (
	// maxOrders caps the targets remembered per client.
	maxOrders = 2048
	// maxSaid caps the literals remembered of the client's own requests;
	// beyond it the set starts again (an order's target then may count
	// although the client had sent it long before).
	maxSaid = 8192
	// orderWindow is how long an order's target counts.
	orderWindow = time.Hour
	// maxFollowedArg is the longest argument value whose identifiers are
	// compared: commands, names, destinations — not the prose of a
	// message body, which quotes what it answers. Addresses (URL, e-mail,
	// IBAN, IP) count in values of any length.
	maxFollowedArg = 256
	// maxFollowedWords is the most words such a value may have.
	maxFollowedWords = 12
)

// acts reports a called tool that changes or sends something: it runs
// commands, sends outside, writes files or memory or destroys, or its
// name's verb sends, writes or runs; a tool annotated readOnlyHint never
// acts.
func acts(t Tool) bool {
	if t.Annotations.ReadOnlyHint {
		return false
	}
	for _, c := range t.Capabilities {
		switch c {
		case catalog.Executes, catalog.SendsOutside, catalog.WritesFiles, catalog.WritesMemory, catalog.Destructive:
			return true
		}
	}
	switch catalog.NameVerb(t.Name) {
	case "send", "write", "exec":
		return true
	}
	return false
}

// changeVerbs are the first words of tool names that operate on a
// system (upgrade_helm_chart, deploy_service, restart_pod, sync_repo):
// what they return is the operation's own report and next steps ("watch
// the status by running kubectl get service …"), not content someone
// else wrote.
var changeVerbs = map[string]bool{"upgrade": true, "install": true, "uninstall": true, "deploy": true, "update": true, "scale": true,
	"restart": true, "rollout": true, "rollback": true, "sync": true, "migrate": true, "provision": true, "start": true, "stop": true,
	"trigger": true, "build": true, "release": true, "merge": true, "approve": true, "enable": true, "disable": true, "set": true, "configure": true}

// changes reports a tool whose name starts with a verb that operates on
// a system (changeVerbs), unless annotated readOnlyHint.
func changes(t Tool) bool {
	if t.Annotations.ReadOnlyHint {
		return false
	}
	w := catalog.Words(t.Name)
	return len(w) > 0 && changeVerbs[w[0]]
}

// argumentLiterals calls fn with the literals of each argument string of
// env (identifiers only from short values).
func argumentLiterals(env *Env, fn func(path, lit string)) {
	walkStrings(env.Arguments, "arguments", func(path, v string) {
		long := len(v) > maxFollowedArg || strings.Count(v, " ") >= maxFollowedWords
		injection.ArgumentLiterals(v, func(lit string) {
			if long && injection.LiteralKind(lit) == "identifier" {
				return
			}
			fn(path, lit)
		})
	})
}

// followed fills env.Followed for a tools/call request and remembers the
// request's own literals as said by the client.
func (s *state) followed(env *Env, c *clientState) {
	if env.Arguments == nil {
		return
	}
	check := len(c.orders) > 0 && acts(env.CalledTool)
	var seen []uint64
	argumentLiterals(env, func(path, lit string) {
		fp := s.fingerprint("lit\x00" + lit)
		if check && !slices.Contains(seen, fp) {
			if o, ok := c.orders[fp]; ok && env.Time.Sub(o.at) <= orderWindow {
				seen = append(seen, fp)
				env.Followed = append(env.Followed, Followed{Field: path, Kind: o.kind, SourceTool: o.tool, SourceServer: o.server})
			}
		}
		if len(c.said) >= maxSaid {
			clear(c.said)
		}
		c.said[fp] = struct{}{}
	})
}

// recordOrders remembers the targets the order sentences of env's server
// text named (env.orderLits), except those the client had sent itself.
// Only the text of a tool that reads (not the output of one that acts
// or operates on a system, whose "now push with git push -u origin
// feat-x" is the tool's own next step), resources and prompts count. Addresses always count, except an
// e-mail address of the principal's own domain; identifiers (a table, a
// deployment, a branch) only when the analyser found something of an
// injection in the text (text_risk low or more): documents full of steps
// the user asked the agent to carry out name identifiers all the time.
func (s *state) recordOrders(env *Env) {
	if env.ToolName != "" && (acts(env.CalledTool) || changes(env.CalledTool)) {
		return
	}
	ss := s.session(env)
	c := s.clientOf(ss, env.Time)
	tool := env.ToolName
	if tool == "" {
		tool = env.ResourceURI
	}
	own := ""
	if at := strings.LastIndexByte(env.Subject, '@'); at >= 0 {
		own = "@" + strings.ToLower(env.Subject[at+1:])
	}
	suspect := env.TextRisk.Score >= suspectScore
	for _, lit := range env.orderLits {
		kind := injection.LiteralKind(lit)
		if kind == "identifier" && !suspect || kind == "email" && own != "" && strings.HasSuffix(lit, own) {
			continue
		}
		fp := s.fingerprint("lit\x00" + lit)
		if _, ok := c.said[fp]; ok {
			continue
		}
		if len(c.orders) >= maxOrders {
			for k, o := range c.orders {
				if env.Time.Sub(o.at) > orderWindow {
					delete(c.orders, k)
				}
			}
			if len(c.orders) >= maxOrders {
				return
			}
		}
		c.orders[fp] = order{kind: kind, tool: tool, server: env.ServerName, at: env.Time}
	}
}

// suspectScore is the text_risk score from which server text shows a sign
// of injection: what its orders name counts (recordOrders), and a reply to
// it is not taken for an answer to its author (recordReadRisk).
const suspectScore = 0.1

// recordReadRisk keeps, on the client's newest record of the read whose
// result env is, whether the result showed a sign of injection
// (env.TextRisk, which must have been computed); a private read whose
// result the analyser rates medium or more counts as untrusted from then
// on.
func (s *state) recordReadRisk(env *Env) {
	ss := s.session(env)
	c := s.clients[ss.client]
	if c == nil {
		return
	}
	for i := len(c.reads) - 1; i >= 0; i-- {
		r := &c.reads[i]
		if r.tool != env.ToolName || r.server != env.ServerName {
			continue
		}
		switch {
		case r.untrusted:
			r.suspect = env.TextRisk.Score >= suspectScore
			r.injected = env.TextRisk.Level.AtLeast(signal.LevelMedium)
		case env.TextRisk.Level.AtLeast(signal.LevelMedium):
			// a private read whose result gives the agent orders
			// (an external guest in a shared channel, a forwarded
			// mail): someone else wrote it, whatever the labels say
			r.untrusted, r.suspect, r.injected = true, true, true
		}
		return
	}
}
