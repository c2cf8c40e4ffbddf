// Package apierr builds the gRPC status errors the mcpaudit APIs return and
// renders them for REST callers as RFC 9457 problem JSON.
//
// Handlers return errors made here; status codes are chosen only at the API
// edge (STYLE.md). The REST side is wired into grpc-gateway with
// runtime.WithErrorHandler(apierr.HTTPErrorHandler).
package apierr

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// InvalidArgument returns an INVALID_ARGUMENT status naming field (a path in
// the request such as `events[3].session.id`, or a query parameter) with a
// google.rpc.BadRequest detail, so both gRPC and REST callers can tell which
// field was wrong. An empty field means the request as a whole (a body that
// is not one JSON document, say): the status then has the description as
// its message and no field violation.
//
// Both strings are made valid UTF-8 (invalid bytes become U+FFFD), as a
// status detail must be: a field named by a hostile caller may not be.
func InvalidArgument(field, description string) error {
	field = strings.ToValidUTF8(field, "\uFFFD")
	description = strings.ToValidUTF8(description, "\uFFFD")
	if field == "" {
		return status.Error(codes.InvalidArgument, description)
	}
	return InvalidArguments(fmt.Sprintf("%s: %s", field, description), &errdetails.BadRequest_FieldViolation{Field: field, Description: description})
}

// InvalidArguments returns an INVALID_ARGUMENT status with message msg and
// a google.rpc.BadRequest detail listing violations, for a request refused
// for several fields at once (every event of an Export batch, say). Every
// string is made valid UTF-8, as in InvalidArgument.
func InvalidArguments(msg string, violations ...*errdetails.BadRequest_FieldViolation) error {
	br := &errdetails.BadRequest{FieldViolations: make([]*errdetails.BadRequest_FieldViolation, len(violations))}
	for i, v := range violations {
		br.FieldViolations[i] = &errdetails.BadRequest_FieldViolation{
			Field:       strings.ToValidUTF8(v.GetField(), "\uFFFD"),
			Description: strings.ToValidUTF8(v.GetDescription(), "\uFFFD"),
		}
	}
	st := status.New(codes.InvalidArgument, strings.ToValidUTF8(msg, "\uFFFD"))
	if d, err := st.WithDetails(br); err == nil {
		return d.Err()
	}
	return st.Err()
}

// Problem is an RFC 9457 problem details object, extended with the gRPC code
// name and the offending fields.
type Problem struct {
	// Type is a URI reference identifying the problem type; "about:blank"
	// when the HTTP status says it all.
	Type string `json:"type"`
	// Title is the HTTP status text.
	Title string `json:"title"`
	// Status is the HTTP status code.
	Status int `json:"status"`
	// Detail is the human-readable explanation (the gRPC status message).
	Detail string `json:"detail"`
	// Code is the gRPC status code name, e.g. "INVALID_ARGUMENT".
	Code string `json:"code"`
	// Errors lists offending request fields for INVALID_ARGUMENT.
	Errors []FieldError `json:"errors,omitempty"`
}

// FieldError names one offending request field.
type FieldError struct {
	// Field is the path of the field in the request.
	Field string `json:"field"`
	// Detail says what is wrong with it.
	Detail string `json:"detail"`
}

// Realm is the realm of the bearer challenge sent with 401 responses.
const Realm = "mcpaudit"

// HTTPErrorHandler writes err as application/problem+json with the HTTP status
// grpc-gateway maps its gRPC code to. It satisfies runtime.ErrorHandlerFunc;
// mux, marshaler and r may be nil (r is read only for its Authorization
// header). An UNAUTHENTICATED status (401) carries the bearer challenge of
// RFC 6750, section 3: `WWW-Authenticate: Bearer realm="mcpaudit"`, with
// `error="invalid_token"` when the request sent a credential that was
// refused. A google.rpc.RetryInfo detail becomes Retry-After (seconds,
// rounded up).
func HTTPErrorHandler(_ context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	st := status.Convert(err)
	httpStatus := runtime.HTTPStatusFromCode(st.Code())
	p := Problem{
		Status: httpStatus,
		Detail: st.Message(),
		Code:   CodeName(st.Code()),
	}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				p.Errors = append(p.Errors, FieldError{Field: v.GetField(), Detail: v.GetDescription()})
			}
		}
	}
	if ri, ok := retryInfo(st); ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(ri.GetRetryDelay().AsDuration().Seconds()+0.999)))
	}
	if st.Code() == codes.Unauthenticated {
		challenge := `Bearer realm="` + Realm + `"`
		if r != nil && r.Header.Get("Authorization") != "" {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	WriteProblem(w, p)
}

// WriteProblem writes p as application/problem+json with status p.Status,
// for the statuses that have no gRPC code of their own (405, 413, 415) and
// for endpoints outside grpc-gateway. An empty Type becomes "about:blank" and
// an empty Title the status text (RFC 9457, section 4.2.1). Headers already
// set on w (Allow, WWW-Authenticate) are kept.
func WriteProblem(w http.ResponseWriter, p Problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Del("Content-Length")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // problem+json is not HTML: keep '&' and '<' readable
	_ = enc.Encode(p)
}

// Unavailable returns an UNAVAILABLE status advising the client to retry after
// retryAfterSeconds, with a google.rpc.RetryInfo detail (Retry-After on REST).
func Unavailable(code codes.Code, msg string, retryAfterSeconds int) error {
	st := status.New(code, msg)
	if d, err := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(time.Duration(retryAfterSeconds) * time.Second)}); err == nil {
		return d.Err()
	}
	return st.Err()
}

func retryInfo(st *status.Status) (*errdetails.RetryInfo, bool) {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			return ri, true
		}
	}
	return nil, false
}

// CodeName returns the canonical upper-case name of c ("INVALID_ARGUMENT"),
// as google.rpc.Code spells it and Problem.Code carries it.
func CodeName(c codes.Code) string {
	if n, ok := codeNames[c]; ok {
		return n
	}
	return c.String()
}

var codeNames = map[codes.Code]string{
	codes.OK: "OK", codes.Canceled: "CANCELLED", codes.Unknown: "UNKNOWN",
	codes.InvalidArgument: "INVALID_ARGUMENT", codes.DeadlineExceeded: "DEADLINE_EXCEEDED",
	codes.NotFound: "NOT_FOUND", codes.AlreadyExists: "ALREADY_EXISTS",
	codes.PermissionDenied: "PERMISSION_DENIED", codes.ResourceExhausted: "RESOURCE_EXHAUSTED",
	codes.FailedPrecondition: "FAILED_PRECONDITION", codes.Aborted: "ABORTED",
	codes.OutOfRange: "OUT_OF_RANGE", codes.Unimplemented: "UNIMPLEMENTED",
	codes.Internal: "INTERNAL", codes.Unavailable: "UNAVAILABLE", codes.DataLoss: "DATA_LOSS",
	codes.Unauthenticated: "UNAUTHENTICATED",
}
