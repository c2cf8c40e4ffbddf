package catalog

import (
	"slices"
	"testing"
)

func TestCapabilities(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		d    Definition
		want []string
	}{
		{Definition{Name: "read_file", Description: "Read the complete contents of a file from the file system."}, []string{ReadsPrivate}},
		{Definition{Name: "write_file", Description: "Create a new file or overwrite an existing one."}, []string{WritesFiles}},
		{Definition{Name: "directory_tree", Description: "Get a recursive tree view of files and directories."}, []string{ReadsPrivate}},
		{Definition{Name: "run_command", Description: "Run a shell command on the host.", InputSchemaJSON: `{"properties":{"command":{"type":"string"}}}`}, []string{Executes}},
		{Definition{Name: "execute_sql", Description: "Execute a SQL statement."}, []string{Executes}},
		{Definition{Name: "fetch", Description: "Fetches a URL from the internet and returns its contents as markdown.", InputSchemaJSON: `{"properties":{"url":{"type":"string"}}}`}, []string{ReadsUntrusted}},
		{Definition{Name: "web_search", Description: "Search the web."}, []string{ReadsUntrusted}},
		{Definition{Name: "send_email", Description: "Send an email."}, []string{SendsOutside}},
		{Definition{Name: "slack_post_message", Description: "Post a new message to a Slack channel."}, []string{SendsOutside}},
		{Definition{Name: "create_pull_request", Description: "Create a new pull request in a GitHub repository."}, []string{SendsOutside}},
		// Inbound content of a tracker, mailbox or chat with no
		// openWorldHint: others write it, and it may be confidential.
		{Definition{Name: "get_issue", Description: "Get details of a specific issue in a GitHub repository."}, []string{ReadsPrivate, ReadsUntrusted}},
		{Definition{Name: "list_issues", Description: "List issues.", Annotations: Annotations{ReadOnlyHint: &yes}}, []string{ReadsPrivate, ReadsUntrusted}},
		{Definition{Name: "get_issue", Description: "Get an issue.", Annotations: Annotations{ReadOnlyHint: &yes, OpenWorldHint: &yes}}, []string{ReadsUntrusted}},
		// inbound content with openWorldHint false: others still write it
		{Definition{Name: "get_issue", Description: "Fetch a Jira issue by key.", Annotations: Annotations{ReadOnlyHint: &yes, OpenWorldHint: &no}}, []string{ReadsPrivate, ReadsUntrusted}},
		{Definition{Name: "query", Description: "Run a read-only SQL query.", Annotations: Annotations{ReadOnlyHint: &yes, OpenWorldHint: &no}}, []string{ReadsPrivate}},
		// files of the open world: a stranger's public repository or the user's private one
		{Definition{Name: "get_file_contents", Description: "Get the contents of a file or directory from a GitHub repository", Annotations: Annotations{ReadOnlyHint: &yes, OpenWorldHint: &yes}}, []string{ReadsPrivate, ReadsUntrusted}},
		{Definition{Name: "list_threads", Description: "List threads of the public community forum.", Annotations: Annotations{ReadOnlyHint: &yes}}, []string{ReadsUntrusted}},
		{Definition{Name: "read_channel", Description: "Read messages."}, []string{ReadsPrivate, ReadsUntrusted}},
		{Definition{Name: "get_item", Description: "Get a Hacker News item with its comments."}, []string{ReadsUntrusted}},
		// A read verb first: the nouns after it are what is read, not a send.
		{Definition{Name: "read_email", Description: "Read an email."}, []string{ReadsPrivate, ReadsUntrusted}},
		{Definition{Name: "get_post", Description: "Get a blog post by id."}, []string{ReadsPrivate, ReadsUntrusted}},
		{Definition{Name: "get_pull_request_comments", Description: "Get the review comments on a pull request."}, []string{ReadsPrivate, ReadsUntrusted}},
		{Definition{Name: "get_me", Description: "Get details of the authenticated user (id, displayName, email)."}, []string{ReadsPrivate}},
		// Pages: a web page with a URL or a browser, a workspace document otherwise.
		{Definition{Name: "get_page", Description: "Get a page.", Annotations: Annotations{ReadOnlyHint: &yes}}, []string{ReadsPrivate}},
		{Definition{Name: "API-retrieve-a-page", Description: "Retrieve a page.", Annotations: Annotations{ReadOnlyHint: &yes}}, []string{ReadsPrivate}},
		{Definition{Name: "get_page", Description: "Get the text of a web page.", InputSchemaJSON: `{"properties":{"url":{}}}`}, []string{ReadsUntrusted}},
		{Definition{Name: "list_pages", Description: "Get a list of pages open in the browser.", Annotations: Annotations{ReadOnlyHint: &yes}}, []string{ReadsUntrusted}},
		// No verb in the name: the description's leading verb and object.
		{Definition{Name: "sql", Description: "Query the pricing database.", Annotations: Annotations{ReadOnlyHint: &yes}}, []string{ReadsPrivate}},
		{Definition{Name: "search", Description: "Search Confluence."}, []string{ReadsPrivate}},
		{Definition{Name: "read_sheet", Description: "Read a spreadsheet."}, []string{ReadsPrivate}},
		{Definition{Name: "search", Description: "Search for files in Google Drive."}, []string{ReadsPrivate}},
		{Definition{Name: "brave_local_search", Description: "Searches for local businesses and places."}, []string{ReadsUntrusted}},
		{Definition{Name: "get_forecast", Description: "Get the weather forecast for your location."}, nil},
		// Sending: a send verb leading the description, outward objects.
		{Definition{Name: "create_mr_note", Description: "Comment on a merge request."}, []string{SendsOutside}},
		{Definition{Name: "create_paste", Description: "Create a paste and return its URL."}, []string{SendsOutside}},
		{Definition{Name: "create_note", Description: "Create a new note."}, []string{WritesMemory}},
		{Definition{Name: "close_page", Description: "Close a browser tab."}, nil},
		{Definition{Name: "git_status", Description: "Shows the working tree status."}, nil},
		{Definition{Name: "create_topic", Description: "Create a topic in a Kafka cluster."}, nil},
		{Definition{Name: "get_merge_request", Description: "Get a merge request.", Annotations: Annotations{ReadOnlyHint: &yes, OpenWorldHint: &yes}}, []string{ReadsUntrusted}},
		{Definition{Name: "http_request", Description: "Make an HTTP request.", InputSchemaJSON: `{"properties":{"url":{},"method":{},"body":{}}}`}, []string{SendsOutside}},
		{Definition{Name: "create_entities", Description: "Create multiple new entities in the knowledge graph."}, []string{WritesMemory}},
		{Definition{Name: "save_memory", Description: "Remember a fact for later."}, []string{WritesMemory}},
		{Definition{Name: "read_graph", Description: "Read the entire knowledge graph."}, []string{ReadsMemory, ReadsPrivate}},
		{Definition{Name: "search_memories", Description: "Search stored memories."}, []string{ReadsMemory, ReadsPrivate}},
		{Definition{Name: "delete_repository", Description: "Delete a repository."}, []string{Destructive}},
		{Definition{Name: "format", Description: "Format files with prettier."}, nil},
		{Definition{Name: "format_disk", Description: "Format a USB drive as exFAT."}, []string{Destructive}},
		{Definition{Name: "query", Description: "Run a read-only SQL query against the database.", Annotations: Annotations{ReadOnlyHint: &yes}}, []string{ReadsPrivate}},
		// an observation of the weather is no stored memory
		{Definition{Name: "get_current_conditions", Description: "Get the most recent weather observation for a location.", Annotations: Annotations{ReadOnlyHint: &yes}}, []string{ReadsPrivate}},
		{Definition{Name: "search_nodes", Description: "Search the knowledge graph.", Annotations: Annotations{ReadOnlyHint: &yes}}, []string{ReadsMemory, ReadsPrivate}},
		// open world, but a service's records, not content a stranger wrote
		{Definition{Name: "get_weather", Description: "Get the forecast for a city.", Annotations: Annotations{ReadOnlyHint: &yes, OpenWorldHint: &yes}}, nil},
		{Definition{Name: "eligibility_270", Description: "Check a patient's dental benefits with the payer.", Annotations: Annotations{ReadOnlyHint: &yes, OpenWorldHint: &yes}}, nil},
		{Definition{Name: "search_answers", Description: "Search community answers.", Annotations: Annotations{ReadOnlyHint: &yes, OpenWorldHint: &yes}}, []string{ReadsUntrusted}},
		{Definition{Name: "get_document", Description: "Get a document.", Annotations: Annotations{ReadOnlyHint: &yes, OpenWorldHint: &no}}, []string{ReadsPrivate}},
		{Definition{Name: "publish_page", Annotations: Annotations{DestructiveHint: &no}}, []string{SendsOutside}},
		{Definition{Name: "sync", Annotations: Annotations{OpenWorldHint: &yes, DestructiveHint: &yes}}, []string{Destructive, SendsOutside}},
		{Definition{Name: "echo", Description: "Echoes back the input."}, nil},
	} {
		got := Capabilities(tc.d)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("Capabilities(%s) = %v, want %v", tc.d.Name, got, want)
		}
	}
}

func TestCallCapabilities(t *testing.T) {
	for _, tc := range []struct {
		name string
		args map[string]any
		want bool
	}{
		{"s3 canned acl", map[string]any{"bucket": "b", "key": "k", "acl": "public-read"}, true},
		{"acl upper", map[string]any{"ACL": "PUBLIC_READ_WRITE"}, true},
		{"gcs allUsers", map[string]any{"entity": "x", "role": "READER", "acl": []any{map[string]any{"entity": "allUsers", "role": "READER"}}}, true},
		{"drive anyone", map[string]any{"fileId": "1", "permission": map[string]any{"type": "anyone", "role": "reader"}}, true},
		{"unlisted paste", map[string]any{"content": "x", "visibility": "unlisted"}, true},
		{"public flag", map[string]any{"name": "r", "public": true}, true},
		{"private repo", map[string]any{"name": "r", "private": true, "visibility": "private"}, false},
		{"acl private", map[string]any{"acl": "private"}, false},
		{"public word elsewhere", map[string]any{"body": "make this public", "title": "public"}, false},
		{"public channel type", map[string]any{"type": "public", "name": "general"}, false},
		{"none", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			caps := []string{WritesFiles}
			got := CallCapabilities(caps, tc.args)
			if slices.Contains(got, SendsOutside) != tc.want {
				t.Errorf("CallCapabilities(%v) = %v, want sends_outside %v", tc.args, got, tc.want)
			}
			if !slices.Equal(caps, []string{WritesFiles}) {
				t.Errorf("caps modified: %v", caps)
			}
		})
	}
}

func TestWords(t *testing.T) {
	got := words("getFileInfo list-allowed_directories v2Beta")
	want := []string{"get", "file", "info", "list", "allowed", "directories", "v2", "beta"}
	if !slices.Equal(got, want) {
		t.Errorf("words = %v, want %v", got, want)
	}
}

func BenchmarkCapabilities(b *testing.B) {
	d := Definition{Name: "read_multiple_files", Description: "Read the contents of multiple files simultaneously. This is more efficient than reading files one by one when you need to analyze or compare multiple files.",
		InputSchemaJSON: `{"type":"object","properties":{"paths":{"type":"array","items":{"type":"string"}}},"required":["paths"]}`}
	b.ReportAllocs()
	for b.Loop() {
		Capabilities(d)
	}
}
