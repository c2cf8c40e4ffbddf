// Package detect is mcpaudit's detection engine: it loads rules written as
// YAML with Sigma-like metadata and expr-lang/expr conditions, evaluates them
// over the event stream, and raises mcpaudit.event.v1.Alert values.
//
// # Rule files
//
// A rule file (*.yaml or *.yml) holds one rule per YAML document; several
// rules in one file are separated by "---". Unknown keys are errors. Keys:
//
//	id: mcp-sensitive-read-then-egress   # unique, [a-z0-9] words joined by '-'
//	title: ...                           # required
//	description: ...
//	severity: informational|low|medium|high|critical   # required
//	status: experimental|test|stable     # default experimental
//	tags: [safe.t1502, attack.t1041]     # SAFE-MCP, MITRE ATT&CK, ATLAS ids, lowercase
//	references: [...]
//	falsepositives: [...]
//	author, date, modified: ...          # free text, ignored
//	kind: match | sequence | threshold
//	by: <expr>          # group key; default the session id (always scoped by tenant)
//	condition: <expr>   # match and threshold: selects events
//	maxspan: 5m         # sequence: first to last step, in event time
//	steps:              # sequence: at least two, in order
//	  - {name: read, condition: <expr>}
//	  - {name: egress, condition: <expr>}
//	until: <expr>       # sequence: resets the group's partial matches
//	window: 10s         # threshold: sliding window in event time
//	count: 20           # threshold: events (or distinct values) needed
//	distinct: <expr>    # threshold: count distinct values of this instead
//	suppress: 10m       # one alert per rule and group key in this window
//
// suppress defaults to maxspan for sequences, window for thresholds and 0 for
// match rules (every matching event alerts; the alert is keyed by the session
// and the matching event). "0" disables suppression.
//
// Every expression is compiled once, at load, against the typed environment
// Env (snake_case field names: method, kind, direction, session_id,
// tool_name, arguments, tools, ...; the raw proto as event) with the helper
// library (lowerCamel: sensitivePath, secrets, hasSecret, invisibleUnicode,
// invisibleCodePoints, ansiEscape, injectionMarkers, injectionMarkerList,
// pathTraversal, shellMeta, ssrfTarget, entropy, editDistance, urlish,
// argStrings, pathArgs, egressTool; see the Go function of the same name for
// each). Conditions, steps and until must be boolean. A typo is a load error
// (*RuleError) naming the file, the rule id and the field. To test a
// predicate over every argument use expr's any builtin, e.g.
// any(argStrings(arguments), hasSecret(#)).
//
// # Semantics
//
// Windows run on event time (Event.time, else received_time, else the wall
// clock), never on arrival time. A sequence keeps, per rule and tenant +
// group key, up to 8 partial matches; a partial match older than maxspan is
// dropped; each event advances at most one partial match (the oldest it
// satisfies) or starts a new one; completing one raises an alert whose
// event_ids are the step events in order and clears the group. A threshold
// keeps the matching events of the last window (one per distinct value when
// distinct is set); reaching count raises an alert with those events and
// empties the window. Each rule keeps at most WithMaxGroups groups (default
// 100000), evicting the least recently seen and counting evictions; idle
// groups are swept once their window and suppression have passed.
//
// Alert ids are deterministic (AlertID): re-processing the same events in a
// fresh Engine raises the same alerts with the same ids, so replays after a
// crash are harmless downstream.
//
// # Known gap: state is in memory
//
// Sequence, threshold and suppression state lives in the process's memory. It
// is lost when the process restarts and when a Kafka partition moves to
// another replica after a rebalance: a sequence that straddles a restart is
// missed, and a suppressed alert may be raised once more. ARCHITECTURE.md
// plans to rebuild the state by re-reading the longest rule window from Kafka
// when a partition is assigned; this version does not do that yet.
//
// # Service
//
// Service is the detect role: a consumer of mcpaudit.events.v1 in group
// mcpaudit-detect (internal/kafka.Consumer). Per batch it decodes each
// message (undecodable ones go to mcpaudit.deadletter.v1 and are counted),
// feeds the events to one Engine in order, writes the alerts to
// mcpaudit.alerts.v1 (key kafka.Key(tenant, session), value the protobuf
// Alert, header mcpaudit.alert_id), and only then lets the consumer commit.
// A retried batch reuses its computed output, so the engine never sees an
// event twice because of a failed write.
package detect
