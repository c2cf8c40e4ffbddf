package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// Tool is the part of an MCP Tool definition the recorder reads to choose
// calls (MCP 2025-06-18 schema: name, inputSchema, annotations).
type Tool struct {
	Name        string         `json:"name"`
	InputSchema map[string]any `json:"inputSchema"`
	Annotations *struct {
		ReadOnlyHint    *bool `json:"readOnlyHint"`
		DestructiveHint *bool `json:"destructiveHint"`
	} `json:"annotations"`
}

// maxSchemaDepth bounds recursion through nested and $ref'd schemas.
const maxSchemaDepth = 8

// readWords and writeWords are verbs in tool names (split into words by
// nameWords) that mark a query or a change.
var (
	readWords  = wordSet("get list search read fetch query describe show find view info status lookup retrieve count current whoami resolve doc docs help explain check validate summarize summary browse inspect analyze tree stat stats diff log logs preview")
	writeWords = wordSet("delete remove drop create write update edit send post push merge exec execute run kill close move rename set deploy cancel destroy install upload insert modify patch put publish archive trigger start stop restart invoke approve reject revoke transfer pay refund charge book order reply comment add assign import apply scale rollback terminate shell command eval script click type fill press drag upgrade reset purge clear wipe truncate commit checkout clone pull fork save store generate invite share subscribe mark enable disable toggle lock unlock sign login logout authenticate navigate evaluate select hover upsert")
)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for w := range strings.FieldsSeq(words) {
		m[w] = true
	}
	return m
}

// nameWords splits a tool name into lowercase words at non-alphanumerics
// and camelCase boundaries: "getFileContents" and "get_file_contents" both
// give [get file contents].
func nameWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range name {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return words
}

func anyWord(name string, set map[string]bool) bool {
	for _, w := range nameWords(name) {
		if set[w] {
			return true
		}
	}
	return false
}

// ChooseTools returns up to n tools to call in a benign session, read-only
// ones first: a tool is a candidate when its annotations say readOnlyHint, or
// when it does not say destructiveHint and its name reads like a query and
// not like a write. When no tool qualifies, tools whose names do not read
// like a write are taken. Order: annotated read-only first, then by position.
func ChooseTools(tools []Tool, n int) []Tool {
	type scored struct {
		t     Tool
		score int
		pos   int
	}
	var c []scored
	for i, t := range tools {
		ro, destructive := false, false
		if t.Annotations != nil {
			ro = t.Annotations.ReadOnlyHint != nil && *t.Annotations.ReadOnlyHint
			destructive = t.Annotations.DestructiveHint != nil && *t.Annotations.DestructiveHint
		}
		writes := anyWord(t.Name, writeWords)
		switch {
		case ro && !destructive && !writes:
			c = append(c, scored{t, 3, i})
		case ro && !destructive:
			c = append(c, scored{t, 2, i})
		case !destructive && !writes && anyWord(t.Name, readWords):
			c = append(c, scored{t, 1, i})
		}
	}
	if len(c) == 0 {
		for i, t := range tools {
			if !anyWord(t.Name, writeWords) && (t.Annotations == nil || t.Annotations.DestructiveHint == nil || !*t.Annotations.DestructiveHint) {
				c = append(c, scored{t, 0, i})
			}
		}
	}
	slices.SortStableFunc(c, func(a, b scored) int { return b.score - a.score })
	var out []Tool
	for _, s := range c {
		if len(out) == n {
			break
		}
		out = append(out, s.t)
	}
	return out
}

// ArgsFor returns arguments for a call to a tool with the given inputSchema:
// every required property filled with an ordinary value chosen from its
// schema (const, enum, default, examples, format, type) and its name (a city
// for "city", a file inside sandbox for "path", a query for "query", "123"
// for ids). Optional properties are left out. A missing or non-object schema
// gives an empty object.
func ArgsFor(schema map[string]any, sandbox string) map[string]any {
	g := argGen{root: schema, sandbox: sandbox, budget: new(int)}
	*g.budget = maxArgValues
	v, ok := g.value("", schema, 0).(map[string]any)
	if !ok {
		return map[string]any{}
	}
	return v
}

type argGen struct {
	root    map[string]any
	sandbox string
	// budget counts down the values still allowed (shared by all levels).
	budget *int
}

// maxArgValues bounds the values generated for one call, so that a hostile
// schema (wide required lists nested under minItems arrays) cannot make the
// arguments explode.
const maxArgValues = 2000

// resolve follows a local "$ref" ("#/$defs/x", "#/definitions/x").
func (g argGen) resolve(s map[string]any) map[string]any {
	for range maxSchemaDepth {
		ref, ok := s["$ref"].(string)
		if !ok || !strings.HasPrefix(ref, "#") {
			return s
		}
		var cur any = g.root
		for part := range strings.SplitSeq(strings.TrimPrefix(ref, "#"), "/") {
			if part == "" {
				continue
			}
			part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
			m, ok := cur.(map[string]any)
			if !ok {
				return map[string]any{}
			}
			cur = m[part]
		}
		next, ok := cur.(map[string]any)
		if !ok {
			return map[string]any{}
		}
		s = next
	}
	return s
}

func schemaType(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if str, ok := x.(string); ok && str != "null" {
				return str
			}
		}
	}
	if _, ok := s["properties"]; ok {
		return "object"
	}
	if _, ok := s["items"]; ok {
		return "array"
	}
	return ""
}

func (g argGen) value(name string, s map[string]any, depth int) any {
	if depth > maxSchemaDepth || s == nil || *g.budget <= 0 {
		return nil
	}
	*g.budget--
	s = g.resolve(s)
	if c, ok := s["const"]; ok {
		return c
	}
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		for _, x := range e {
			if x != nil {
				return x
			}
		}
	}
	if d, ok := s["default"]; ok && d != nil {
		return d
	}
	if ex, ok := s["examples"].([]any); ok && len(ex) > 0 && ex[0] != nil {
		return ex[0]
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		if alts, ok := s[key].([]any); ok {
			for _, a := range alts {
				if m, ok := a.(map[string]any); ok && schemaType(g.resolve(m)) != "null" {
					return g.value(name, m, depth+1)
				}
			}
		}
	}
	if all, ok := s["allOf"].([]any); ok && len(all) > 0 {
		merged := map[string]any{}
		props := map[string]any{}
		var req []any
		for _, a := range all {
			m, ok := a.(map[string]any)
			if !ok {
				continue
			}
			m = g.resolve(m)
			for k, v := range m {
				merged[k] = v
			}
			if p, ok := m["properties"].(map[string]any); ok {
				for k, v := range p {
					props[k] = v
				}
			}
			if r, ok := m["required"].([]any); ok {
				req = append(req, r...)
			}
		}
		if len(props) > 0 {
			merged["properties"] = props
			merged["required"] = req
			merged["type"] = "object"
		}
		delete(merged, "allOf")
		return g.value(name, merged, depth+1)
	}
	switch schemaType(s) {
	case "object":
		out := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, r := range req {
			key, ok := r.(string)
			if !ok {
				continue
			}
			ps, _ := props[key].(map[string]any)
			if ps == nil {
				ps = map[string]any{"type": "string"}
			}
			out[key] = g.value(key, ps, depth+1)
		}
		return out
	case "array":
		items, _ := s["items"].(map[string]any)
		if items == nil {
			items = map[string]any{"type": "string"}
		}
		n := 1
		if m, ok := s["minItems"].(float64); ok && int(m) > n && m <= 5 {
			n = int(m)
		}
		arr := make([]any, 0, n)
		for range n {
			arr = append(arr, g.value(singular(name), items, depth+1))
		}
		return arr
	case "integer":
		return clampNum(numberFor(name, true), s, true)
	case "number":
		return clampNum(numberFor(name, false), s, false)
	case "boolean":
		return false
	case "null":
		return nil
	default:
		return g.stringFor(name, s)
	}
}

func singular(name string) string {
	if strings.HasSuffix(name, "ies") {
		return strings.TrimSuffix(name, "ies") + "y"
	}
	return strings.TrimSuffix(name, "s")
}

// norm lowercases name and drops separators: "file_path", "filePath" and
// "file-path" all give "filepath".
func norm(name string) string {
	return strings.NewReplacer("_", "", "-", "", ".", "", " ", "").Replace(strings.ToLower(name))
}

func numberFor(name string, integer bool) float64 {
	n := norm(name)
	switch {
	case strings.Contains(n, "lat"):
		return 38.7223
	case strings.Contains(n, "lon") || strings.Contains(n, "lng"):
		return -9.1393
	case strings.Contains(n, "limit") || strings.Contains(n, "count") || strings.Contains(n, "size") || strings.Contains(n, "max") || strings.Contains(n, "top") || strings.Contains(n, "num"):
		return 5
	case strings.Contains(n, "year"):
		return 2025
	case strings.Contains(n, "width"):
		return 800
	case strings.Contains(n, "height"):
		return 600
	}
	return 1
}

func clampNum(v float64, s map[string]any, integer bool) any {
	if m, ok := s["minimum"].(float64); ok && v < m {
		v = m
	}
	if m, ok := s["exclusiveMinimum"].(float64); ok && v <= m {
		v = m + 1
	}
	if m, ok := s["maximum"].(float64); ok && v > m {
		v = m
	}
	if m, ok := s["exclusiveMaximum"].(float64); ok && v >= m {
		v = m - 1
	}
	if integer {
		return int64(v)
	}
	return v
}

func (g argGen) stringFor(name string, s map[string]any) string {
	v := g.stringByFormatOrName(name, s)
	if m, ok := s["minLength"].(float64); ok {
		for len(v) < int(m) && len(v) < 4096 {
			v += "x"
		}
	}
	if m, ok := s["maxLength"].(float64); ok && m >= 1 && len(v) > int(m) {
		v = v[:int(m)]
	}
	return v
}

func (g argGen) stringByFormatOrName(name string, s map[string]any) string {
	switch s["format"] {
	case "date-time":
		return "2025-06-18T09:00:00Z"
	case "date":
		return "2025-06-18"
	case "time":
		return "09:00:00"
	case "uri", "url", "iri", "uri-reference":
		return "https://example.com/"
	case "email":
		return "alice@example.com"
	case "uuid":
		return "123e4567-e89b-12d3-a456-426614174000"
	case "ipv4":
		return "192.0.2.10"
	case "hostname":
		return "example.com"
	}
	n := norm(name)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(n, w) {
				return true
			}
		}
		return false
	}
	switch {
	case strings.HasSuffix(n, "id") || strings.HasSuffix(n, "ids") || strings.HasSuffix(n, "key"):
		return "123"
	case has("direction"):
		return "asc"
	case has("dir", "folder", "root", "cwd", "workspace", "vault"):
		return g.sandbox
	case has("path", "file"):
		return filepath.Join(g.sandbox, "notes.txt")
	case has("url", "uri", "link", "href", "endpoint", "website"):
		return "https://example.com/"
	case has("email", "mail"):
		return "alice@example.com"
	case has("sql", "statement"):
		return "SELECT 1"
	case has("jql"):
		return "project = DEMO ORDER BY created DESC"
	case has("database") || n == "db" || n == "dbname":
		return "app"
	case has("library", "package"):
		return "react"
	case n == "q" || has("query", "search", "keyword", "term", "question", "prompt", "topic", "library"):
		return "weather forecast Lisbon"
	case has("region"):
		return "eu-west-1"
	case has("city", "location", "place", "address", "destination", "origin"):
		return "Lisbon"
	case has("country"):
		return "PT"
	case has("timezone", "tz"):
		return "Europe/Lisbon"
	case has("lang", "locale"):
		return "en"
	case has("date", "since", "until") || n == "start" || n == "end" || n == "from" || n == "to":
		return "2025-06-18"
	case has("time"):
		return "09:00"
	case has("owner", "user", "author", "login", "assignee"):
		return "octocat"
	case has("repo", "project"):
		return "hello-world"
	case has("branch", "ref"):
		return "main"
	case strings.HasSuffix(n, "id") || strings.HasSuffix(n, "ids") || has("key", "number", "sha", "hash"):
		return "123"
	case has("pattern", "glob"):
		return "*.txt"
	case has("thought"):
		return "Break the task into steps and check each one."
	case has("title", "subject", "summary"):
		return "Weekly planning notes"
	case has("color", "colour"):
		return "#336699"
	case has("code", "script", "expression"):
		return "1 + 1"
	case has("name", "label", "tag", "entity"):
		return "example"
	case has("text", "content", "body", "message", "description", "note", "comment", "input", "data"):
		return "Hello, this is an ordinary note."
	case has("type", "kind", "mode", "format", "category", "status", "sort", "order"):
		return "default"
	}
	return "example"
}

// marshalArgs is json.Marshal for generated arguments, which are always
// marshalable (maps, slices, strings, numbers, booleans, nil and values
// copied from a decoded schema).
func marshalArgs(v map[string]any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return b
}
