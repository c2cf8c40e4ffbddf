package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/mcpaudit/mcpaudit/internal/fieldpath"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

// exportSeeds returns the bodies of testdata/export-bodies.txt.
func exportSeeds(f *testing.F) [][]byte {
	file, err := os.Open("testdata/export-bodies.txt")
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	var out [][]byte
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		if line := sc.Text(); !strings.HasPrefix(line, "#") {
			out = append(out, []byte(line))
		}
	}
	return out
}

// FuzzJSONBody feeds arbitrary bytes to the REST body decoder
// (decodeJSON) as an ExportRequest.
//
// Property: no panic; the result is nil, io.EOF (only for a blank body)
// or a *fieldProblem; decodeJSON accepts a body exactly when it is one JSON
// document that protojson accepts and whose enum numbers the schema
// defines; and the walker that names the field (locateJSON) never reports
// a problem in a document protojson accepts.
//
// Seeds: testdata/export-bodies.txt.
func FuzzJSONBody(f *testing.F) {
	for _, s := range exportSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := decodeJSON(data, &ingestv1.ExportRequest{})
		var fp *fieldProblem
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			if len(bytes.TrimSpace(data)) != 0 {
				t.Fatalf("io.EOF for a body that is not blank: %q", data)
			}
			return
		case !errors.As(err, &fp):
			t.Fatalf("error %v (%T) is not a *fieldProblem", err, err)
		}

		// The reference: one document, protojson, known enum numbers.
		trimmed := bytes.TrimSpace(data)
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		var doc json.RawMessage
		single := dec.Decode(&doc) == nil && dec.InputOffset() == int64(len(trimmed))
		ref := &ingestv1.ExportRequest{}
		accepted := single && protojson.Unmarshal(doc, ref) == nil && fieldpath.CheckKnown("", ref.ProtoReflect(), true) == nil
		if accepted != (err == nil) {
			t.Fatalf("decodeJSON: %v; reference accepts: %v; body %q", err, accepted, data)
		}
		if single && protojson.Unmarshal(doc, &ingestv1.ExportRequest{}) == nil {
			if p := locateJSON(doc, ref.ProtoReflect().Descriptor()); p != nil {
				t.Fatalf("walker reports %v in a document protojson accepts: %q", p, doc)
			}
		}
	})
}

// FuzzGRPCRequest feeds arbitrary bytes to the gRPC server codec as an
// ExportRequest, then through the interceptor's check.
//
// Property: no panic; Unmarshal never fails (grpc-go would make that
// INTERNAL); the check fails exactly when proto.Unmarshal fails or the
// message has fields or enum numbers the schema lacks, always with
// INVALID_ARGUMENT; and the field locator (locateWire) never reports a
// problem in bytes proto.Unmarshal accepts.
//
// Seeds: testdata/export-bodies.txt, each body that protojson accepts
// marshalled to protobuf, plus the raw bytes of every line.
func FuzzGRPCRequest(f *testing.F) {
	for _, s := range exportSeeds(f) {
		f.Add(s)
		m := &ingestv1.ExportRequest{}
		if protojson.Unmarshal(s, m) == nil {
			if b, err := proto.Marshal(m); err == nil {
				f.Add(b)
			}
		}
	}
	codec := newRecordingCodec()
	f.Fuzz(func(t *testing.T, data []byte) {
		m := &ingestv1.ExportRequest{}
		if err := codec.Unmarshal(mem.BufferSlice{mem.SliceBuffer(data)}, m); err != nil {
			t.Fatalf("codec Unmarshal failed: %v", err)
		}
		err := codec.checkRequest(m)
		ref := &ingestv1.ExportRequest{}
		decodes := proto.Unmarshal(data, ref) == nil
		valid := decodes && fieldpath.CheckKnown("", ref.ProtoReflect(), true) == nil
		if valid != (err == nil) {
			t.Fatalf("check: %v; reference valid: %v; bytes %x", err, valid, data)
		}
		if err != nil && status.Code(err) != codes.InvalidArgument {
			t.Fatalf("code %v, want InvalidArgument: %v", status.Code(err), err)
		}
		if decodes {
			if p := locateWire(data, ref.ProtoReflect().Descriptor(), "", 0); p != nil {
				t.Fatalf("locator reports %v in bytes proto.Unmarshal accepts: %x", p, data)
			}
		}
		if _, ok := codec.bad.Load(m); ok {
			t.Fatal("decode record left in the table after the check")
		}
	})
}
