package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	_ "google.golang.org/grpc/encoding/proto" // registers the "proto" codec wrapped here
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/mcpaudit/mcpaudit/internal/fieldpath"
)

// recordingCodec is the gRPC server codec: grpc-go's proto codec, except
// that a request that does not decode is answered INVALID_ARGUMENT naming
// the field at fault instead of INTERNAL.
//
// Why a codec and a side table: grpc-go's server wraps any error of
// Codec.Unmarshal in codes.Internal ("grpc: failed to unmarshal the received
// message", rpc_util.go recv), whatever status the codec returns, and has no
// option to change that; a client rightly retries INTERNAL, so a malformed
// message would be resent forever. So Unmarshal never fails for a message:
// it resets the message, records the decode error against the message
// pointer, and returns nil; the interceptors, which see the same pointer
// before any handler does, take the record out and fail the call with
// INVALID_ARGUMENT. Every record is taken out by the interceptor of the call
// that decoded it (unary) or by the RecvMsg wrapper (streams), so the table
// holds only calls in flight. The interceptors also refuse, for every
// request, fields and enum numbers this server's schema lacks
// (fieldpath.CheckKnown), which protobuf decodes without error — in the
// request message itself: the elements of a repeated field (the events of
// an ExportRequest) are the service's to judge one by one.
type recordingCodec struct {
	inner encoding.CodecV2
	bad   sync.Map // proto.Message -> *fieldProblem
}

var _ encoding.CodecV2 = (*recordingCodec)(nil)

func newRecordingCodec() *recordingCodec {
	return &recordingCodec{inner: encoding.GetCodecV2("proto")}
}

// Name is "proto": the codec serves application/grpc and
// application/grpc+proto.
func (c *recordingCodec) Name() string { return c.inner.Name() }

// Marshal encodes responses with the proto codec.
func (c *recordingCodec) Marshal(v any) (mem.BufferSlice, error) { return c.inner.Marshal(v) }

// Unmarshal decodes a request. For a protobuf message that does not decode
// it records where and why, leaves the message empty and returns nil (see
// recordingCodec).
func (c *recordingCodec) Unmarshal(data mem.BufferSlice, v any) error {
	err := c.inner.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	m, ok := v.(proto.Message)
	if !ok {
		return err
	}
	buf := data.Materialize()
	p := locateWire(buf, m.ProtoReflect().Descriptor(), "", 0)
	if p == nil {
		p = &fieldProblem{Path: "", Desc: fmt.Sprintf("not a valid %s message: %v", m.ProtoReflect().Descriptor().FullName(), err)}
	}
	proto.Reset(m)
	c.bad.Store(v, p)
	return nil
}

// checkRequest returns the INVALID_ARGUMENT status for a request that did
// not decode or carries fields this schema lacks, else nil. It removes the
// decode record of req.
func (c *recordingCodec) checkRequest(req any) error {
	if p, ok := c.bad.LoadAndDelete(req); ok {
		return problemStatus(p.(*fieldProblem))
	}
	if m, ok := req.(proto.Message); ok {
		if p := fieldpath.CheckKnown("", m.ProtoReflect(), true); p != nil {
			return problemStatus(p)
		}
	}
	return nil
}

// unaryInterceptor fails a unary call whose request did not decode.
func (c *recordingCodec) unaryInterceptor(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := c.checkRequest(req); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

// streamInterceptor makes RecvMsg of a stream fail for a message that did
// not decode.
func (c *recordingCodec) streamInterceptor(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	return handler(srv, &checkedStream{ServerStream: ss, codec: c})
}

type checkedStream struct {
	grpc.ServerStream
	codec *recordingCodec
}

// RecvMsg receives and checks the next message.
func (s *checkedStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return s.codec.checkRequest(m)
}

// maxWireDepth matches the nesting limit of the protobuf decoder.
const maxWireDepth = 10000

// locateWire finds the first field of b (the wire form of a message of
// type md at path) that stops proto.Unmarshal: a truncated or malformed tag
// or value, invalid UTF-8 in a string field, broken packed data, nesting
// deeper than the decoder allows. It returns nil when it finds none.
func locateWire(b []byte, md protoreflect.MessageDescriptor, path string, depth int) *fieldProblem {
	if depth > maxWireDepth {
		return &fieldProblem{Path: path, Desc: fmt.Sprintf("messages nested deeper than %d", maxWireDepth)}
	}
	counts := map[protowire.Number]int{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return &fieldProblem{Path: path, Desc: fmt.Sprintf("malformed field tag: %v", protowire.ParseError(n))}
		}
		b = b[n:]
		fd := md.Fields().ByNumber(num)
		fp := fieldpath.Join(path, fmt.Sprint(num))
		if fd != nil {
			fp = fieldpath.Join(path, string(fd.Name()))
		}
		vlen := protowire.ConsumeFieldValue(num, typ, b)
		if vlen < 0 {
			return &fieldProblem{Path: fp, Desc: fmt.Sprintf("truncated or malformed value: %v", protowire.ParseError(vlen))}
		}
		val := b[:vlen]
		b = b[vlen:]
		if fd == nil || typ != protowire.BytesType {
			// Unknown numbers and wire types that do not fit are kept as
			// unknown fields by the decoder (fieldpath.CheckKnown refuses them).
			continue
		}
		payload, _ := protowire.ConsumeBytes(val)
		i := counts[num]
		counts[num]++
		ep := fp
		if fd.IsList() {
			ep = fieldpath.Index(fp, i)
		}
		switch {
		case fd.IsMap():
			entry := fieldpath.Index(fp, i)
			if p := locateWire(payload, fd.Message(), entry, depth+1); p != nil {
				// Name the entry by its key, and a bad value by the entry
				// itself: labels["env"], not labels[0].value.
				if k, ok := mapEntryKey(payload); ok {
					rest := strings.TrimPrefix(p.Path, entry)
					if rest == ".value" {
						rest = ""
					}
					p.Path = fieldpath.Key(fp, k) + rest
				}
				return p
			}
		case fd.Kind() == protoreflect.MessageKind:
			if p := locateWire(payload, fd.Message(), ep, depth+1); p != nil {
				return p
			}
		case fd.Kind() == protoreflect.StringKind:
			if !utf8.Valid(payload) {
				return &fieldProblem{Path: ep, Desc: "invalid UTF-8 in a string field"}
			}
		case fd.IsList() && fd.Kind() != protoreflect.BytesKind:
			if p := checkPacked(payload, fd, fp, i); p != nil {
				return p
			}
		}
	}
	return nil
}

// checkPacked walks the packed elements of a repeated scalar field.
func checkPacked(b []byte, fd protoreflect.FieldDescriptor, path string, first int) *fieldProblem {
	for j := first; len(b) > 0; j++ {
		var n int
		switch fd.Kind() {
		case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind, protoreflect.FloatKind:
			_, n = protowire.ConsumeFixed32(b)
		case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind, protoreflect.DoubleKind:
			_, n = protowire.ConsumeFixed64(b)
		default:
			_, n = protowire.ConsumeVarint(b)
		}
		if n < 0 {
			return &fieldProblem{Path: fieldpath.Index(path, j), Desc: fmt.Sprintf("malformed packed element: %v", protowire.ParseError(n))}
		}
		b = b[n:]
	}
	return nil
}

// mapEntryKey returns the string key (field 1) of a map entry's wire form,
// and whether it has one that is valid UTF-8.
func mapEntryKey(b []byte) (string, bool) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return "", false
		}
		b = b[n:]
		vlen := protowire.ConsumeFieldValue(num, typ, b)
		if vlen < 0 {
			return "", false
		}
		if num == 1 && typ == protowire.BytesType {
			k, _ := protowire.ConsumeBytes(b[:vlen])
			return string(k), utf8.Valid(k)
		}
		b = b[vlen:]
	}
	return "", false
}
