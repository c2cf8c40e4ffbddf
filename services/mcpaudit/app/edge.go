package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
)

// restRoute is one REST binding of a gRPC method, read from its
// google.api.http annotation (proto/google/api/http.proto).
type restRoute struct {
	// method is the HTTP method.
	method string
	// template is the path template as annotated ("/v1/alerts/{alert_id}").
	template string
	// re matches the paths of template.
	re *regexp.Regexp
	// vars are the field paths the template binds ("alert_id").
	vars []string
	// body is the annotation's body: "" (none), "*" (the whole request) or
	// a field name.
	body string
	// input is the request message type.
	input protoreflect.MessageType
}

// restRoutesOf returns the REST routes of every service registered on gs,
// from the google.api.http annotations of their methods (and the
// additional bindings), so the 405 Allow header and the request checks
// follow the protos rather than a list kept by hand.
func restRoutesOf(gs *grpc.Server) ([]restRoute, error) {
	var routes []restRoute
	names := make([]string, 0)
	for name := range gs.GetServiceInfo() {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(name))
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		sd, ok := d.(protoreflect.ServiceDescriptor)
		if !ok {
			return nil, fmt.Errorf("service %s: not a service", name)
		}
		for i := range sd.Methods().Len() {
			md := sd.Methods().Get(i)
			rule, ok := proto.GetExtension(md.Options(), annotations.E_Http).(*annotations.HttpRule)
			if !ok || rule == nil {
				continue
			}
			input, err := protoregistry.GlobalTypes.FindMessageByName(md.Input().FullName())
			if err != nil {
				return nil, fmt.Errorf("method %s: %w", md.FullName(), err)
			}
			for _, r := range append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...) {
				rt, err := newRestRoute(r, input)
				if err != nil {
					return nil, fmt.Errorf("method %s: %w", md.FullName(), err)
				}
				if rt.template != "" {
					routes = append(routes, rt)
				}
			}
		}
	}
	return routes, nil
}

func newRestRoute(r *annotations.HttpRule, input protoreflect.MessageType) (restRoute, error) {
	rt := restRoute{body: r.GetBody(), input: input}
	switch p := r.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		rt.method, rt.template = http.MethodGet, p.Get
	case *annotations.HttpRule_Put:
		rt.method, rt.template = http.MethodPut, p.Put
	case *annotations.HttpRule_Post:
		rt.method, rt.template = http.MethodPost, p.Post
	case *annotations.HttpRule_Delete:
		rt.method, rt.template = http.MethodDelete, p.Delete
	case *annotations.HttpRule_Patch:
		rt.method, rt.template = http.MethodPatch, p.Patch
	case *annotations.HttpRule_Custom:
		rt.method, rt.template = p.Custom.GetKind(), p.Custom.GetPath()
	default:
		return rt, nil
	}
	re, vars, err := compileTemplate(rt.template)
	if err != nil {
		return rt, err
	}
	rt.re, rt.vars = re, vars
	return rt, nil
}

// compileTemplate turns a google.api.http path template into a regular
// expression over URL paths and the field paths it binds. The grammar
// (http.proto):
//
//	Template = "/" Segments [ Verb ] ;
//	Segments = Segment { "/" Segment } ;
//	Segment  = "*" | "**" | LITERAL | Variable ;
//	Variable = "{" FieldPath [ "=" Segments ] "}" ;
//	Verb     = ":" LITERAL ;
//
// grpc-gateway's own template compiler is internal to its module, hence
// this small one.
func compileTemplate(tmpl string) (*regexp.Regexp, []string, error) {
	if !strings.HasPrefix(tmpl, "/") {
		return nil, nil, fmt.Errorf("path template %q: must start with /", tmpl)
	}
	body, verb := tmpl[1:], ""
	if i := strings.LastIndexByte(body, ':'); i >= 0 && !strings.ContainsAny(body[i:], "/}") {
		body, verb = body[:i], body[i+1:]
	}
	var vars []string
	var segs func(s string) (string, error)
	segs = func(s string) (string, error) {
		var out []string
		for len(s) > 0 {
			var seg string
			if s[0] == '{' {
				end := strings.IndexByte(s, '}')
				if end < 0 {
					return "", fmt.Errorf("path template %q: unclosed {", tmpl)
				}
				seg, s = s[:end+1], s[end+1:]
				name, sub, hasSub := strings.Cut(seg[1:len(seg)-1], "=")
				vars = append(vars, name)
				if !hasSub {
					out = append(out, `[^/]+`)
				} else {
					inner, err := segs(sub)
					if err != nil {
						return "", err
					}
					out = append(out, inner)
				}
			} else {
				end := strings.IndexByte(s, '/')
				if end < 0 {
					end = len(s)
				}
				seg, s = s[:end], s[end:]
				switch seg {
				case "*":
					out = append(out, `[^/]+`)
				case "**":
					out = append(out, `.*`)
				default:
					out = append(out, regexp.QuoteMeta(seg))
				}
			}
			s = strings.TrimPrefix(s, "/")
		}
		return strings.Join(out, "/"), nil
	}
	expr, err := segs(body)
	if err != nil {
		return nil, nil, err
	}
	if verb != "" {
		expr += regexp.QuoteMeta(":" + verb)
	}
	re, err := regexp.Compile("^/" + expr + "$")
	if err != nil {
		return nil, nil, fmt.Errorf("path template %q: %w", tmpl, err)
	}
	return re, vars, nil
}

// restEdge checks REST requests before grpc-gateway decodes them and
// renders what it refuses as problem+json (internal/apierr):
//
//   - a body on a route that takes one must be application/json (a charset
//     parameter must be utf-8): else 415;
//   - a body over server.max_request_bytes: 413 (the decoder sees
//     *http.MaxBytesError, recorded through edgeBody);
//   - the body must be one JSON document, decoded strictly (decodeJSON);
//     errors name the field path;
//   - query parameters must name fields of the request, each once, with a
//     value of the field's type (parseParams); routes whose body is the
//     whole request take none;
//   - a known path with a wrong method: 405 with Allow, computed from the
//     routes.
type restEdge struct {
	routes []restRoute
}

// edgeBody wraps a REST request body so that jsonMarshaler can record why
// it did not decode, for errorHandler.
type edgeBody struct {
	io.ReadCloser
	err error
}

// middleware applies the checks of restEdge that come before routing.
func (e *restEdge) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt, ok := e.match(r)
		if !ok {
			next.ServeHTTP(w, r) // grpc-gateway answers 404 or 405
			return
		}
		if rt.body != "" && r.Body != nil && r.Body != http.NoBody {
			if ct := r.Header.Values("Content-Type"); len(ct) != 1 || !isJSON(ct[0]) {
				got := strings.Join(ct, ", ")
				if got == "" {
					got = "none"
				}
				apierr.WriteProblem(w, apierr.Problem{
					Status: http.StatusUnsupportedMediaType,
					Code:   apierr.CodeName(codes.InvalidArgument),
					Detail: fmt.Sprintf("Content-Type %s: want application/json (charset utf-8, if given)", got),
				})
				return
			}
		}
		if err := e.checkQuery(rt, r.URL.RawQuery); err != nil {
			apierr.HTTPErrorHandler(r.Context(), nil, nil, w, r, err)
			return
		}
		r2 := r.WithContext(r.Context())
		if r.Body != nil {
			r2.Body = &edgeBody{ReadCloser: r.Body}
		}
		next.ServeHTTP(w, r2)
	})
}

// match returns the route of r's method and path.
func (e *restEdge) match(r *http.Request) (restRoute, bool) {
	for _, rt := range e.routes {
		if rt.method == r.Method && rt.re.MatchString(r.URL.Path) {
			return rt, true
		}
	}
	return restRoute{}, false
}

// checkQuery validates the query string of a request for rt.
func (e *restEdge) checkQuery(rt restRoute, raw string) error {
	if raw == "" {
		return nil
	}
	values, err := parseQueryString(raw)
	if err != nil {
		return err
	}
	if rt.body == "*" {
		if keys := sortedKeys(values); len(keys) > 0 {
			return apierr.InvalidArgument(paramName(keys[0]), "unknown query parameter: this call takes its whole input in the JSON body")
		}
	}
	inPath := func(path []string) bool {
		name := strings.Join(path, ".")
		return slices.Contains(rt.vars, name) || (rt.body != "" && rt.body == path[0])
	}
	return parseParams(rt.input.New(), values, inPath)
}

// parseQueryString splits a raw query string like url.ParseQuery, but
// refuses what it would drop or what net/http's ParseForm refuses (a
// malformed escape, a ';'), naming the parameter.
func parseQueryString(raw string) (url.Values, error) {
	values := url.Values{}
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, apierr.InvalidArgument(paramName(k), "malformed %-escape in the parameter name")
		}
		if strings.Contains(k, ";") || strings.Contains(v, ";") {
			return nil, apierr.InvalidArgument(paramName(key), "';' is not a query separator: use '&', or escape it as %3B")
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return nil, apierr.InvalidArgument(paramName(key), "malformed %-escape in the value")
		}
		values[key] = append(values[key], val)
	}
	return values, nil
}

// isJSON reports whether a Content-Type is application/json with no
// charset or charset utf-8.
func isJSON(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}

// errorHandler is the gateway's error handler: a body that did not decode
// is answered from what the decoder recorded in edgeBody (413 for a body
// over the limit, the field for a decode error); everything else goes to
// apierr.HTTPErrorHandler.
func (e *restEdge) errorHandler(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	if eb, ok := r.Body.(*edgeBody); ok && eb.err != nil {
		var tooBig *http.MaxBytesError
		var fp *fieldProblem
		var ne net.Error
		switch {
		case errors.As(eb.err, &ne) && ne.Timeout():
			apierr.WriteProblem(w, apierr.Problem{
				Status: http.StatusRequestTimeout,
				Code:   "DEADLINE_EXCEEDED",
				Detail: "request body not received within server.read_timeout",
			})
			return
		case errors.As(eb.err, &tooBig):
			apierr.WriteProblem(w, apierr.Problem{
				Status: http.StatusRequestEntityTooLarge,
				Code:   "RESOURCE_EXHAUSTED", // what gRPC answers for a message over the limit
				Detail: fmt.Sprintf("request body larger than %d bytes", tooBig.Limit),
			})
			return
		case errors.As(eb.err, &fp):
			err = problemStatus(fp)
		}
	}
	apierr.HTTPErrorHandler(ctx, mux, m, w, r, err)
}

// routingErrorHandler answers requests grpc-gateway has no handler for: 405
// with Allow for a known path and a wrong method, problem+json for the
// rest.
func (e *restEdge) routingErrorHandler(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	if httpStatus == http.StatusMethodNotAllowed {
		var allow []string
		for _, rt := range e.routes {
			if rt.re.MatchString(r.URL.Path) && !slices.Contains(allow, rt.method) {
				allow = append(allow, rt.method)
			}
		}
		if len(allow) > 0 {
			slices.Sort(allow)
			writeMethodNotAllowed(w, r, allow)
			return
		}
	}
	if httpStatus == http.StatusNotFound {
		apierr.WriteProblem(w, apierr.Problem{Status: http.StatusNotFound, Code: "NOT_FOUND", Detail: fmt.Sprintf("no API route %s", r.URL.Path)})
		return
	}
	runtime.DefaultRoutingErrorHandler(ctx, mux, m, w, r, httpStatus)
}

// writeMethodNotAllowed answers 405 with the allowed methods in Allow.
func writeMethodNotAllowed(w http.ResponseWriter, r *http.Request, allow []string) {
	w.Header().Set("Allow", strings.Join(allow, ", "))
	apierr.WriteProblem(w, apierr.Problem{
		Status: http.StatusMethodNotAllowed,
		Code:   "UNIMPLEMENTED", // what gRPC answers for a method it does not have
		Detail: fmt.Sprintf("%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, strings.Join(allow, ", ")),
	})
}
