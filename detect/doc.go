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
//	kind: match | sequence | threshold | new_value
//	by: <expr>          # group key; default the session id (always scoped by tenant)
//	condition: <expr>   # match, threshold, new_value: selects events
//	maxspan: 5m         # sequence: first to last step, in event time
//	steps:              # sequence: at least two, in order
//	  - {name: read, condition: <expr>, by: <expr>}   # by: this step's join key
//	  - {name: egress, condition: <expr>}
//	  - {name: reply, condition: <expr>, absent: true, within: 1m}  # last step only
//	until: <expr>       # sequence: resets the group's partial matches
//	window: 10s         # threshold: sliding window; new_value: memory of values
//	count: 20           # threshold: events (or distinct values) needed
//	distinct: <expr>    # threshold: count distinct values of this instead
//	value: <expr>       # new_value: alert when the group has not had this value
//	reasons: <expr>     # findings the alert carries (Alert.reasons)
//	suppress: 10m       # one alert per rule and group key in this window
//
// suppress defaults to maxspan for sequences, window for thresholds and 0 for
// match rules (every matching event alerts; the alert is keyed by the session
// and the matching event). "0" disables suppression.
//
// Every expression is compiled once, at load, against the typed environment
// Env (snake_case field names: method, kind, direction, session_id,
// tool_name, arguments, tools, ...; the raw proto as event; the state views
// tool, session, client, definition_changes, collisions, flows; the
// analyser verdicts tools[].risk, tools[].hidden, text_risk, text_hidden,
// args, memory_risk — see detect/rules/README.md) with the helper
// library (lowerCamel: atLeast, finding, highImpact, sensitivePath, secrets, hasSecret, invisibleUnicode,
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
// # Analysers and state
//
// The analysers (detect/injection for instructions aimed at the model,
// detect/canon for hidden characters, detect/argument for tool-call
// arguments, detect/catalog for tool capabilities) run once per event,
// before the rules, and only for the verdicts some loaded rule reads (the
// engine collects the names every compiled expression uses). The engine
// keeps, besides rule state: per session, the tool catalogue of the last
// tools/list, the capabilities its calls used, consent given through
// elicitation and the client's roots; per client (tenant, principal,
// client, host), the servers and tools it was offered (shadowing) and the
// values its results disclosed, as fingerprints only (flows; the
// collector's redaction markers carry the same keyed fingerprint,
// WithFingerprintKey); per tenant, server and tool, the definition
// baseline (Baseline): in memory by default, shared by replicas and kept
// across restarts through the compacted topic mcpaudit.definitions.v1 with
// KafkaBaseline.
//
// # Known gap: session and rule state is in memory
//
// Sequence, threshold, suppression, session and client state lives in the
// process's memory (the definition baseline does not). It is lost when the
// process restarts and when a Kafka partition moves to another replica
// after a rebalance: a sequence that straddles a restart is missed, and a
// suppressed alert may be raised once more. ARCHITECTURE.md plans to
// rebuild it by re-reading the longest rule window from Kafka when a
// partition is assigned; this version does not do that yet.
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
