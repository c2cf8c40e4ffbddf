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
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// InvalidArgument returns an INVALID_ARGUMENT status naming field (a path in
// the request such as `events[3].session.id`) with a google.rpc.BadRequest
// detail, so both gRPC and REST callers can tell which field was wrong.
func InvalidArgument(field, description string) error {
	st := status.New(codes.InvalidArgument, fmt.Sprintf("%s: %s", field, description))
	if d, err := st.WithDetails(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field, Description: description}}}); err == nil {
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

// HTTPErrorHandler writes err as application/problem+json with the HTTP status
// grpc-gateway maps its gRPC code to. It satisfies runtime.ErrorHandlerFunc.
func HTTPErrorHandler(_ context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, _ *http.Request, err error) {
	st := status.Convert(err)
	httpStatus := runtime.HTTPStatusFromCode(st.Code())
	p := Problem{
		Type:   "about:blank",
		Title:  http.StatusText(httpStatus),
		Status: httpStatus,
		Detail: st.Message(),
		Code:   codeName(st.Code()),
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
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(httpStatus)
	_ = json.NewEncoder(w).Encode(p)
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

// codeName returns the canonical upper-case name of c ("INVALID_ARGUMENT").
func codeName(c codes.Code) string {
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
