package app

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/grpc"

	"github.com/mcpaudit/mcpaudit/internal/auth"
)

// TestOpenAPIDocument checks the generated OpenAPI document: a real title
// and version (not the first file's name and "version not set"), a bearer
// security scheme every operation requires, the problem+json error
// response, and a path for every REST route the server registers.
func TestOpenAPIDocument(t *testing.T) {
	b, err := os.ReadFile("../../../proto/openapi/mcpaudit.swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Info struct {
			Title, Version string
		}
		Paths               map[string]map[string]json.RawMessage
		SecurityDefinitions map[string]struct {
			Type, Name, In string
		}
		Security []map[string][]string
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Info.Title != "mcpaudit API" || doc.Info.Version != "v1" {
		t.Errorf("info %+v, want title mcpaudit API, version v1", doc.Info)
	}
	bearer, ok := doc.SecurityDefinitions["bearer"]
	if !ok || bearer.Type != "apiKey" || bearer.In != "header" || bearer.Name != "Authorization" {
		t.Errorf("securityDefinitions %+v, want bearer: an Authorization header", doc.SecurityDefinitions)
	}
	if len(doc.Security) != 1 || doc.Security[0]["bearer"] == nil {
		t.Errorf("security %+v, want bearer required once", doc.Security)
	}

	// Every registered route is documented, with the problem+json error.
	srv := grpc.NewServer()
	newIngest(t, auth.Config{}).RegisterGRPC(srv)
	newQuery(t).RegisterGRPC(srv)
	routes, err := restRoutesOf(srv)
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) != 5 {
		t.Fatalf("%d routes from the annotations, want 5 (Export and the four query calls)", len(routes))
	}
	// The document spells path variables with JSON names ({alertId}).
	vars := regexp.MustCompile(`\{[^}]*\}`)
	paths := map[string]map[string]json.RawMessage{}
	for p, ops := range doc.Paths {
		paths[vars.ReplaceAllString(p, "{}")] = ops
	}
	for _, rt := range routes {
		op, ok := paths[vars.ReplaceAllString(rt.template, "{}")][strings.ToLower(rt.method)]
		if !ok {
			t.Errorf("%s %s is not in the OpenAPI document", rt.method, rt.template)
			continue
		}
		if !strings.Contains(string(op), "application/problem+json") {
			t.Errorf("%s %s: no problem+json error response", rt.method, rt.template)
		}
	}
}
