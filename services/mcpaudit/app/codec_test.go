package app

import (
	"context"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/internal/auth"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

// rawCodec sends a []byte as the message as it is, so a test can put any
// bytes on the wire.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return v.([]byte), nil }

func (rawCodec) Unmarshal(data []byte, v any) error {
	return proto.Unmarshal(data, v.(proto.Message))
}

func (rawCodec) Name() string { return "proto" }

// validEvent is an event the collector accepts.
func validEvent() *eventv1.Event {
	return &eventv1.Event{
		Time:      timestamppb.Now(),
		Session:   &eventv1.Session{Id: "codec-test", Transport: eventv1.Transport_TRANSPORT_STDIO},
		Direction: eventv1.Direction_DIRECTION_CLIENT_TO_SERVER,
		Kind:      eventv1.MessageKind_MESSAGE_KIND_REQUEST,
		JsonrpcId: "1",
		Method:    "ping",
	}
}

// TestGRPCMalformedRequest sends requests that protobuf cannot decode, or
// that carry fields this schema does not have, to the real gRPC listener:
// each gets INVALID_ARGUMENT (never INTERNAL, which clients retry) with a
// google.rpc.BadRequest violation naming the field; a valid request still
// goes through.
func TestGRPCMalformedRequest(t *testing.T) {
	srv := startServer(t, testConfig(), newIngest(t, auth.Config{}))
	cc, err := grpc.NewClient(srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })

	valid, err := proto.Marshal(&ingestv1.ExportRequest{Events: []*eventv1.Event{validEvent()}})
	if err != nil {
		t.Fatal(err)
	}
	num := func(name string) protowire.Number {
		return (&eventv1.Event{}).ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name(name)).Number()
	}
	// events[1] whose method is not UTF-8.
	badUTF8 := protowire.AppendTag(nil, num("method"), protowire.BytesType)
	badUTF8 = protowire.AppendBytes(badUTF8, []byte("tools/\xff\xfe"))
	withBadEvent := protowire.AppendTag(append([]byte{}, valid...), 1, protowire.BytesType)
	withBadEvent = protowire.AppendBytes(withBadEvent, badUTF8)
	// A truncated session inside events[0].
	sess := []byte{0x0a, 0x10, 'x'} // session.id says 16 bytes, has 1
	truncEvent := protowire.AppendTag(nil, num("session"), protowire.BytesType)
	truncEvent = protowire.AppendBytes(truncEvent, sess)
	trunc := protowire.AppendTag(nil, 1, protowire.BytesType)
	trunc = protowire.AppendBytes(trunc, truncEvent)
	// events[0] with a label whose value is not UTF-8.
	entry := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), []byte("env"))
	entry = protowire.AppendBytes(protowire.AppendTag(entry, 2, protowire.BytesType), []byte("pr\xffod"))
	evLabel, _ := proto.Marshal(validEvent())
	evLabel = protowire.AppendBytes(protowire.AppendTag(evLabel, num("labels"), protowire.BytesType), entry)
	badLabel := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), evLabel)
	// Unknown field 99 at the top level, and inside events[0].session.
	unknownTop := protowire.AppendTag(append([]byte{}, valid...), 99, protowire.VarintType)
	unknownTop = protowire.AppendVarint(unknownTop, 1)
	ev, _ := proto.Marshal(validEvent())
	evSess := protowire.AppendTag(append([]byte{}, ev...), num("session"), protowire.BytesType)
	evSess = protowire.AppendBytes(evSess, protowire.AppendVarint(protowire.AppendTag(nil, 77, protowire.VarintType), 3))
	unknownNested := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), evSess)
	// An enum number Transport does not define.
	badEnum, _ := proto.Marshal(&ingestv1.ExportRequest{Events: []*eventv1.Event{validEvent()}})
	bad := &ingestv1.ExportRequest{}
	_ = proto.Unmarshal(badEnum, bad)
	bad.Events[0].Session.Transport = 42
	badEnum, _ = proto.Marshal(bad)

	tests := []struct {
		name      string
		msg       []byte
		wantField string
	}{
		{"garbage", []byte{0xff, 0xff, 0xff, 0xff}, ""},
		{"invalid utf-8 in a string", withBadEvent, "events[1].method"},
		{"truncated nested field", trunc, "events[0].session.id"},
		{"invalid utf-8 in a map value", badLabel, `events[0].labels["env"]`},
		{"unknown top-level field", unknownTop, "99"},
		{"unknown nested field", unknownNested, "events[0].session.77"},
		{"unknown enum number", badEnum, "events[0].session.transport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			var resp ingestv1.ExportResponse
			err := cc.Invoke(ctx, ingestv1.IngestService_Export_FullMethodName, tt.msg, &resp, grpc.ForceCodec(rawCodec{}))
			st := status.Convert(err)
			if st.Code() != codes.InvalidArgument {
				t.Fatalf("code %v (%q), want InvalidArgument", st.Code(), st.Message())
			}
			var field string
			for _, d := range st.Details() {
				if br, ok := d.(*errdetails.BadRequest); ok && len(br.GetFieldViolations()) > 0 {
					field = br.GetFieldViolations()[0].GetField()
				}
			}
			if field != tt.wantField {
				t.Fatalf("field violation %q (message %q), want %q", field, st.Message(), tt.wantField)
			}
		})
	}
	// An event this schema cannot fully read costs only itself: the edge
	// leaves the events of a batch to the collector, which judges each on
	// its own (partial success).
	t.Run("unknown field in one event of two", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		two := append(append([]byte{}, valid...), unknownNested...)
		var resp ingestv1.ExportResponse
		if err := cc.Invoke(ctx, ingestv1.IngestService_Export_FullMethodName, two, &resp, grpc.ForceCodec(rawCodec{})); err != nil {
			t.Fatalf("export: %v", err)
		}
		ps := resp.GetPartialSuccess()
		if resp.GetAcceptedCount() != 1 || ps.GetRejectedEvents() != 1 || len(ps.GetFieldViolations()) != 1 ||
			ps.GetFieldViolations()[0].GetField() != "events[1].session.77" {
			t.Fatalf("accepted %d, partial success %v; want 1 accepted and events[1].session.77 rejected", resp.GetAcceptedCount(), ps)
		}
	})
	t.Run("valid request", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		var resp ingestv1.ExportResponse
		if err := cc.Invoke(ctx, ingestv1.IngestService_Export_FullMethodName, valid, &resp, grpc.ForceCodec(rawCodec{})); err != nil {
			t.Fatalf("valid request: %v", err)
		}
		if resp.GetAcceptedCount() != 1 {
			t.Fatalf("accepted %d, want 1", resp.GetAcceptedCount())
		}
	})
}
