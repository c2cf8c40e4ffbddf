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
		{Definition{Name: "get_issue", Description: "Get details of a specific issue in a GitHub repository."}, []string{ReadsUntrusted}},
		{Definition{Name: "http_request", Description: "Make an HTTP request.", InputSchemaJSON: `{"properties":{"url":{},"method":{},"body":{}}}`}, []string{SendsOutside}},
		{Definition{Name: "create_entities", Description: "Create multiple new entities in the knowledge graph."}, []string{WritesMemory}},
		{Definition{Name: "save_memory", Description: "Remember a fact for later."}, []string{WritesMemory}},
		{Definition{Name: "delete_repository", Description: "Delete a repository."}, []string{Destructive}},
		{Definition{Name: "query", Description: "Run a read-only SQL query against the database.", Annotations: Annotations{ReadOnlyHint: &yes}}, []string{ReadsPrivate}},
		{Definition{Name: "get_weather", Description: "Get the forecast for a city.", Annotations: Annotations{ReadOnlyHint: &yes, OpenWorldHint: &yes}}, []string{ReadsUntrusted}},
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
