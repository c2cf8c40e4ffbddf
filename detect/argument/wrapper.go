package argument

import (
	"slices"
	"strings"
)

// cliBinaries are command-line tools MCP servers often wrap one-to-one: a
// tool named "kubectl" or "aws_cli" whose `args` string is what follows
// the binary on a command line.
var cliBinaries = set("aws", "kubectl", "oc", "helm", "terraform", "tofu", "pulumi", "terragrunt", "docker", "podman",
	"git", "gcloud", "az", "gsutil", "doctl", "redis-cli", "psql", "mysql", "gh", "heroku", "flyctl", "vercel")

// cliWrapper returns the binary a tool wraps ("" when none): the first
// word of its name when that is a known command-line tool.
func cliWrapper(toolName string) string {
	w := nameWords(toolName)
	if len(w) == 0 || !cliBinaries[w[0]] {
		return ""
	}
	return w[0]
}

// wrapperArgKeys are the argument keys such a tool takes its command line
// in.
var wrapperArgKeys = set("args", "arguments", "argv", "command", "cmd", "subcommand", "params", "cli", "input")

// wrappedCommands reads the string arguments of a CLI-wrapping tool as the
// command line of its binary (kubectl + "delete namespace prod"), so the
// command analysers see what will run.
func (a *analysis) wrappedCommands(args map[string]any) {
	bin := cliWrapper(a.ctx.ToolName)
	if bin == "" || a.exec {
		return // exec-like tools are read as commands already
	}
	// an argument vector given as an array: kubectl {"args": ["delete",
	// "namespace", …]}
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		arr, ok := args[k].([]any)
		if !ok || !argvKeys[strings.ToLower(k)] || len(arr) == 0 {
			continue
		}
		var b strings.Builder
		b.WriteString(bin)
		for _, e := range arr {
			if s, ok := e.(string); ok && b.Len() < maxShellBytes {
				b.WriteByte(' ')
				b.WriteString(shellQuote(s))
			}
		}
		it := item{field: fieldPath("arguments", k), rawKey: "command", s: b.String()}
		a.scriptSignals(&it, a.parseShell(it.s), factorExec, 0)
	}
	for i := range a.items {
		it := &a.items[i]
		if it.isKey || !wrapperArgKeys[strings.ToLower(it.rawKey)] || len(it.s) > 16<<10 {
			continue
		}
		line := strings.TrimSpace(it.s)
		if !strings.HasPrefix(strings.ToLower(line), bin+" ") {
			line = bin + " " + line
		}
		a.scriptSignals(it, a.parseShell(line), factorExec, 0)
	}
}

// destructiveObject reads destructive requests given as structured
// arguments rather than a command line: a force push to a protected
// branch, a database drop command document, an HTTP DELETE of a wildcard
// path, a recursive-delete flag.
func (a *analysis) destructiveObject(args map[string]any) {
	if len(args) == 0 {
		return
	}
	words := a.toolWords
	str := func(k string) string { s, _ := args[k].(string); return strings.ToLower(s) }
	truthy := func(v any) bool {
		switch x := v.(type) {
		case bool:
			return x
		case float64:
			return x != 0
		case string:
			return x == "true" || x == "1" || x == "yes"
		}
		return false
	}
	if hasWord(words, "push") && (truthy(args["force"]) || truthy(args["force_push"]) || truthy(args["forcePush"]) || strings.HasPrefix(str("refspec"), "+")) {
		for _, k := range []string{"branch", "refspec", "ref", "target", "remote_branch", "remoteBranch"} {
			v := str(k)
			if i := strings.LastIndexByte(v, ':'); i >= 0 {
				v = v[i+1:]
			}
			v = strings.TrimPrefix(strings.TrimPrefix(v, "+"), "refs/heads/")
			if protectedBranches[v] {
				a.destr.add("destructive.force_push_protected", "arguments."+k, a.spanAll(str(k)), 0.7)
				break
			}
		}
	}
	var visit func(v any, field string, depth int)
	visit = func(v any, field string, depth int) {
		m, ok := v.(map[string]any)
		if !ok || depth > 4 {
			return
		}
		for k, e := range m {
			lk := strings.ToLower(k)
			switch {
			case (lk == "dropdatabase" || lk == "dropcollection" || lk == "drop" && depth > 0) && truthy(e) || lk == "dropdatabase" && e != nil:
				a.destr.add("destructive.database_drop", fieldPath(field, k), k, 0.7)
			case (strings.Contains(lk, "recursive_delete") || strings.Contains(lk, "recursivedelete") || lk == "delete_all" || lk == "deleteall" || lk == "purge") && truthy(e):
				a.destr.add("destructive.bulk_delete_flag", fieldPath(field, k), k, 0.5)
			}
			visit(e, fieldPath(field, k), depth+1)
		}
	}
	visit(args, "arguments", 0)
	// sync and mirror tools told to delete what the source lacks, with a
	// scope of everything: "sync /tmp/empty to bucket, prefix '', delete"
	if hasWord(words, "sync", "mirror", "rsync") && (truthy(args["delete"]) || truthy(args["delete_removed"]) || truthy(args["deleteRemoved"]) || truthy(args["prune"])) {
		empty := false
		for _, k := range []string{"prefix", "path", "dest", "destination", "target", "remote_path"} {
			if v, ok := args[k].(string); ok && (v == "" || v == "/" || v == "*") {
				empty = true
			}
		}
		w := 0.35
		if empty {
			w = 0.6 // the whole bucket or tree mirrored from one source
		}
		a.destr.add("destructive.sync_delete", "arguments.delete", "delete", w)
	}
	// a delete tool given a whole bucket, container or table: an empty or
	// wildcard prefix, no key ("delete_objects bucket=prod-backups
	// prefix=''"); versioning suspended on a bucket is the step before
	if hasWord(words, "delete", "remove", "purge", "empty", "wipe", "destroy", "rm") && hasWord(words, "objects", "object", "blobs", "files", "keys", "items", "rows", "records", "documents", "bucket") {
		scoped := false
		for _, k := range []string{"bucket", "container", "collection", "table", "index", "namespace"} {
			if v, ok := args[k].(string); ok && v != "" {
				scoped = true
			}
		}
		if scoped {
			selector := false
			for _, k := range []string{"key", "keys", "object", "objects", "ids", "id", "name", "names", "path", "paths", "filter", "where", "query"} {
				if _, ok := args[k]; ok {
					selector = true
				}
			}
			prefix, hasPrefix := args["prefix"].(string)
			switch {
			case selector:
			case !hasPrefix || prefix == "" || prefix == "/" || prefix == "*":
				a.destr.add("destructive.bulk_delete_scope", "arguments", a.safe(a.ctx.ToolName), 0.6)
			default:
				a.destr.add("destructive.bulk_delete_scope", "arguments.prefix", a.spanAll(prefix), 0.45)
			}
		}
	}
	if hasWord(words, "versioning") && strings.EqualFold(str("status"), "suspended") {
		a.destr.add("destructive.versioning_suspended", "arguments.status", "Suspended", 0.45)
	}
	if method := str("method"); method == "delete" {
		for _, k := range []string{"path", "url", "endpoint", "index", "resource"} {
			if p := str(k); p != "" && (strings.Contains(p, "*") || strings.Contains(p, "_all") || p == "/" || strings.HasSuffix(p, "/.*")) {
				a.destr.add("destructive.http_delete_wildcard", "arguments."+k, a.spanAll(p), 0.7)
				break
			}
		}
	}
}
