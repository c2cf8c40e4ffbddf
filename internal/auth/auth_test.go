package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"google.golang.org/grpc/metadata"
)

func withAuth(v string) context.Context {
	if v == "" {
		return context.Background()
	}
	return metadata.NewIncomingContext(context.Background(), metadata.Pairs("authorization", v))
}

func TestAuthenticate(t *testing.T) {
	tok, err := ParseTokenFlag("acme=s3cret")
	if err != nil {
		t.Fatal(err)
	}
	withTokens, err := New(Config{Tokens: []Token{tok}})
	if err != nil {
		t.Fatal(err)
	}
	open, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		a          *Authenticator
		header     string
		wantTenant string
		wantErr    error
	}{
		{"valid token", withTokens, "Bearer s3cret", "acme", nil},
		{"scheme is case-insensitive", withTokens, "bearer s3cret", "acme", nil},
		{"wrong token", withTokens, "Bearer nope", "", ErrInvalidCredential},
		{"not bearer", withTokens, "Basic s3cret", "", ErrInvalidCredential},
		{"missing with tokens configured", withTokens, "", "", ErrMissingCredential},
		{"anonymous when none configured", open, "", DefaultTenant, nil},
		{"any token when none configured", open, "Bearer whatever", DefaultTenant, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := tt.a.Authenticate(withAuth(tt.header))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if id.Tenant != tt.wantTenant {
				t.Fatalf("tenant = %q, want %q", id.Tenant, tt.wantTenant)
			}
		})
	}
}

func TestConfigValidateNamesKey(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Tokens: []Token{{SHA256: "xyz", Tenant: "t"}}}, "auth.tokens[0].sha256"},
		{Config{Tokens: []Token{{SHA256: HashToken("a"), Tenant: ""}}}, "auth.tokens[0].tenant"},
	}
	for _, tt := range tests {
		if err := tt.cfg.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate() = %v, want an error naming %s", err, tt.want)
		}
	}
	for _, bad := range []string{"", "acme", "=tok", "acme="} {
		if _, err := ParseTokenFlag(bad); err == nil {
			t.Errorf("ParseTokenFlag(%q) succeeded", bad)
		}
	}
}
