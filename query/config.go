package query

import (
	"errors"
	"time"
)

// Config configures the query Service. It is the `query` section of the
// mcpaudit configuration file.
type Config struct {
	// QueryTimeout bounds each ClickHouse statement a request runs
	// (`query_timeout`, a Go duration such as "30s"). A request whose
	// statement runs longer fails with DEADLINE_EXCEEDED.
	QueryTimeout time.Duration `yaml:"query_timeout"`
}

// DefaultConfig returns the defaults: a 30 second statement timeout.
func DefaultConfig() Config {
	return Config{QueryTimeout: 30 * time.Second}
}

// Validate reports the first invalid setting, naming its config key.
func (c Config) Validate() error {
	if c.QueryTimeout <= 0 {
		return errors.New("query.query_timeout: must be positive")
	}
	return nil
}
