// Package auth authenticates API callers with static bearer tokens and maps
// each to a tenant. Tokens are kept only as SHA-256 hashes.
//
// Both the gRPC servers and the grpc-gateway REST handlers call Authenticate:
// the gateway forwards the HTTP Authorization header as gRPC metadata
// "authorization".
package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/grpc/metadata"
)

// DefaultTenant is the tenant of anonymous callers when anonymous access is
// allowed, and the tenant the all-in-one mode uses.
const DefaultTenant = "default"

// Sentinel errors returned by Authenticate. Handlers map both to
// codes.Unauthenticated.
var (
	// ErrMissingCredential means the call carried no bearer token and
	// anonymous access is off.
	ErrMissingCredential = errors.New("missing bearer token")
	// ErrInvalidCredential means the bearer token matched no configured token.
	ErrInvalidCredential = errors.New("invalid bearer token")
)

// Token is one configured credential.
type Token struct {
	// SHA256 is the lowercase hex SHA-256 of the token text.
	SHA256 string `yaml:"sha256"`
	// Tenant is the tenant the token's holder acts for.
	Tenant string `yaml:"tenant"`
	// Name labels the token in logs (never the token itself).
	Name string `yaml:"name"`
}

// Config configures an Authenticator.
type Config struct {
	// Tokens are the accepted credentials.
	Tokens []Token `yaml:"tokens"`
	// AllowAnonymous lets calls without a token in as DefaultTenant. It is on
	// by default only while no token is configured.
	AllowAnonymous bool `yaml:"allow_anonymous"`
}

// Validate reports the first invalid field, naming its config key.
func (c Config) Validate() error {
	for i, t := range c.Tokens {
		if b, err := hex.DecodeString(t.SHA256); err != nil || len(b) != sha256.Size {
			return fmt.Errorf("auth.tokens[%d].sha256: want 64 hex characters", i)
		}
		if t.Tenant == "" {
			return fmt.Errorf("auth.tokens[%d].tenant: required", i)
		}
	}
	return nil
}

// ParseTokenFlag parses "TENANT=TOKEN" (the --auth-token flag) into a Token
// holding the token's hash.
func ParseTokenFlag(s string) (Token, error) {
	tenant, tok, ok := strings.Cut(s, "=")
	if !ok || tenant == "" || tok == "" {
		return Token{}, fmt.Errorf("auth token %q: want TENANT=TOKEN", s)
	}
	return Token{SHA256: HashToken(tok), Tenant: tenant, Name: tenant}, nil
}

// HashToken returns the lowercase hex SHA-256 of token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Identity is an authenticated caller.
type Identity struct {
	// Tenant the caller acts for.
	Tenant string
	// Name of the credential used, or "anonymous".
	Name string
}

// Authenticator checks bearer tokens. It is safe for concurrent use.
type Authenticator struct {
	tokens    map[[sha256.Size]byte]Token
	anonymous bool
}

// New returns an Authenticator for cfg, or the Validate error.
func New(cfg Config) (*Authenticator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &Authenticator{tokens: make(map[[sha256.Size]byte]Token), anonymous: cfg.AllowAnonymous || len(cfg.Tokens) == 0}
	for _, t := range cfg.Tokens {
		var k [sha256.Size]byte
		hex.Decode(k[:], []byte(strings.ToLower(t.SHA256)))
		a.tokens[k] = t
	}
	return a, nil
}

// Anonymous reports whether calls without a token are let in.
func (a *Authenticator) Anonymous() bool { return a.anonymous }

// Authenticate returns the identity of the caller in ctx, read from the
// incoming gRPC metadata "authorization: Bearer TOKEN". It returns
// ErrMissingCredential or ErrInvalidCredential when the caller is not let in.
func (a *Authenticator) Authenticate(ctx context.Context) (Identity, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	var raw string
	if v := md.Get("authorization"); len(v) > 0 {
		raw = v[0]
	}
	if raw == "" {
		if a.anonymous {
			return Identity{Tenant: DefaultTenant, Name: "anonymous"}, nil
		}
		return Identity{}, ErrMissingCredential
	}
	scheme, tok, ok := strings.Cut(raw, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") || tok == "" {
		return Identity{}, ErrInvalidCredential
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	for k, t := range a.tokens {
		if subtle.ConstantTimeCompare(k[:], sum[:]) == 1 {
			return Identity{Tenant: t.Tenant, Name: t.Name}, nil
		}
	}
	if len(a.tokens) == 0 && a.anonymous {
		// No tokens configured at all: any token is accepted as anonymous.
		return Identity{Tenant: DefaultTenant, Name: "anonymous"}, nil
	}
	return Identity{}, ErrInvalidCredential
}
