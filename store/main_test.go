package store

import (
	"testing"

	"github.com/mcpaudit/mcpaudit/internal/localch/localchtest"
)

func TestMain(m *testing.M) { localchtest.Main(m) }
