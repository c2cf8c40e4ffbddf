package app

import (
	"bufio"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	queryv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/query/v1"
)

// FuzzQueryParameters feeds arbitrary raw query strings to the REST edge's
// query parameter checks (parseQueryString, then parseParams against the
// request message of every GET route of QueryService, with the route's path
// variables), as a request to /v1/... would reach them.
//
// Property: no panic; every error is an INVALID_ARGUMENT status whose
// google.rpc.BadRequest violation names one of the parameters of the query
// string (as sent, or as sent before unescaping when it does not unescape;
// made valid UTF-8), and whose message starts with that name; and a query
// string accepted once is accepted again (parsing has no hidden state).
//
// Seeds: testdata/query-params.txt.
func FuzzQueryParameters(f *testing.F) {
	file, err := os.Open("testdata/query-params.txt")
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		if line := sc.Text(); !strings.HasPrefix(line, "#") {
			f.Add(line)
		}
	}
	file.Close()

	gs := grpc.NewServer()
	queryv1.RegisterQueryServiceServer(gs, queryv1.UnimplementedQueryServiceServer{})
	routes, err := restRoutesOf(gs)
	if err != nil {
		f.Fatal(err)
	}
	var gets []restRoute
	for _, rt := range routes {
		if rt.method == http.MethodGet {
			gets = append(gets, rt)
		}
	}
	if len(gets) != 4 {
		f.Fatalf("%d GET routes, want 4", len(gets))
	}
	edge := &restEdge{routes: routes}

	f.Fuzz(func(t *testing.T, raw string) {
		// The names a violation may carry: each &-separated key, raw and
		// unescaped, spelt as paramName does.
		var names []string
		for part := range strings.SplitSeq(raw, "&") {
			k, _, _ := strings.Cut(part, "=")
			names = append(names, paramName(k))
			if u, err := url.QueryUnescape(k); err == nil {
				names = append(names, paramName(u))
			}
		}
		for _, rt := range gets {
			err := edge.checkQuery(rt, raw)
			if err == nil {
				if again := edge.checkQuery(rt, raw); again != nil {
					t.Fatalf("%s: accepted once, then refused: %v", rt.template, again)
				}
				continue
			}
			st, ok := status.FromError(err)
			if !ok || st.Code() != codes.InvalidArgument {
				t.Fatalf("%s %q: %v, want INVALID_ARGUMENT", rt.template, raw, err)
			}
			var field string
			for _, d := range st.Details() {
				if br, ok := d.(*errdetails.BadRequest); ok && len(br.GetFieldViolations()) == 1 {
					field = br.GetFieldViolations()[0].GetField()
				}
			}
			if field == "" || !slices.Contains(names, field) {
				t.Fatalf("%s %q: violation names %q, not one of the parameters %q (%v)", rt.template, raw, field, names, err)
			}
			if !strings.HasPrefix(st.Message(), field+": ") {
				t.Fatalf("%s %q: message %q does not start with %q", rt.template, raw, st.Message(), field)
			}
		}
	})
}
