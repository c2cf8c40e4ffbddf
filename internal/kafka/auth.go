package kafka

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// SASL mechanism names, as Kafka's sasl.mechanism setting spells them
// (KIP-43 PLAIN, KIP-84 SCRAM).
const (
	MechanismPlain       = "PLAIN"
	MechanismSCRAMSHA256 = "SCRAM-SHA-256"
	MechanismSCRAMSHA512 = "SCRAM-SHA-512"
)

// SASLConfig is the `kafka.sasl` configuration block: how mcpaudit's Kafka
// clients authenticate. An empty Mechanism turns SASL off.
type SASLConfig struct {
	// Mechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty: no SASL.
	Mechanism string `yaml:"mechanism"`
	// Username is the SASL user name.
	Username string `yaml:"username"`
	// Password is the SASL password given inline. Prefer PasswordFile or
	// the MCPAUDIT_KAFKA_SASL_PASSWORD environment variable.
	Password string `yaml:"password"`
	// PasswordFile names a file holding the password (one line; a trailing
	// newline is dropped). It wins over Password.
	PasswordFile string `yaml:"password_file"`
}

// Validate checks the block's shape (not the files: see Verify in the
// app), naming the config key under prefix (for example "kafka.sasl").
func (c SASLConfig) Validate(prefix string) error {
	switch c.Mechanism {
	case "":
		if c.Username != "" || c.Password != "" || c.PasswordFile != "" {
			return fmt.Errorf("%s.mechanism: required when a username or password is set (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)", prefix)
		}
		return nil
	case MechanismPlain, MechanismSCRAMSHA256, MechanismSCRAMSHA512:
	default:
		return fmt.Errorf("%s.mechanism: %q is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512", prefix, c.Mechanism)
	}
	if c.Username == "" {
		return fmt.Errorf("%s.username: required with mechanism %s", prefix, c.Mechanism)
	}
	return nil
}

// NewMechanism returns the kafka-go SASL mechanism for name (PLAIN,
// SCRAM-SHA-256, SCRAM-SHA-512) with the given credentials, or nil for an
// empty name.
func NewMechanism(name, username, password string) (sasl.Mechanism, error) {
	switch name {
	case "":
		return nil, nil
	case MechanismPlain:
		return plain.Mechanism{Username: username, Password: password}, nil
	case MechanismSCRAMSHA256:
		m, err := scram.Mechanism(scram.SHA256, username, password)
		if err != nil {
			return nil, fmt.Errorf("sasl %s: %w", name, err)
		}
		return m, nil
	case MechanismSCRAMSHA512:
		m, err := scram.Mechanism(scram.SHA512, username, password)
		if err != nil {
			return nil, fmt.Errorf("sasl %s: %w", name, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("sasl mechanism %q is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512", name)
}

// ClientAuth is what every Kafka client mcpaudit builds (readers, writers,
// the topic-creating and health-checking client) presents to the brokers.
// The zero value connects in plaintext without SASL.
type ClientAuth struct {
	// SASL authenticates each connection; nil skips SASL.
	SASL sasl.Mechanism
	// TLS, when non-nil, wraps each connection in TLS.
	TLS *tls.Config
}

// transport returns a kafka-go transport (writers and the admin client)
// that authenticates with a.
func (a ClientAuth) transport() *kafkago.Transport {
	return &kafkago.Transport{
		Dial:        (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		DialTimeout: 5 * time.Second,
		SASL:        a.SASL,
		TLS:         a.TLS,
	}
}

// dialer returns a kafka-go dialer (readers) that authenticates with a.
func (a ClientAuth) dialer() *kafkago.Dialer {
	return &kafkago.Dialer{
		Timeout:       5 * time.Second,
		DualStack:     true,
		SASLMechanism: a.SASL,
		TLS:           a.TLS,
	}
}

// NewClient returns a kafka-go admin client for brokers that authenticates
// with auth; each request is bounded by timeout.
func NewClient(brokers []string, auth ClientAuth, timeout time.Duration) *kafkago.Client {
	return &kafkago.Client{Addr: kafkago.TCP(brokers...), Timeout: timeout, Transport: auth.transport()}
}

// ErrNoBrokers is returned when an operation needs brokers and none are
// configured.
var ErrNoBrokers = errors.New("no kafka brokers configured")

// Ping does one Metadata round trip (for no topic in particular) with the
// brokers, within ctx. Brokers answer Metadata only on an authenticated
// connection (ApiVersions is answered before SASL), so a nil error means a
// broker is reachable and accepts auth.
func Ping(ctx context.Context, brokers []string, auth ClientAuth) error {
	if len(brokers) == 0 {
		return ErrNoBrokers
	}
	c := NewClient(brokers, auth, 5*time.Second)
	defer c.Transport.(*kafkago.Transport).CloseIdleConnections()
	if _, err := c.Metadata(ctx, &kafkago.MetadataRequest{Topics: []string{TopicEvents}}); err != nil {
		return fmt.Errorf("kafka metadata: %w", err)
	}
	return nil
}

func (a ClientAuth) isZero() bool { return a.SASL == nil && a.TLS == nil }
