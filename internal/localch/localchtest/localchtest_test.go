package localchtest

import (
	"regexp"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"
)

func TestMain(m *testing.M) { Main(m) }

func TestStartSharesOneServer(t *testing.T) {
	a1, a2 := Start(t), Start(t)
	if a1 != a2 {
		t.Fatalf("two servers: %s and %s", a1, a2)
	}
	conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{a1}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var v string
	if err := conn.QueryRow(t.Context(), "SELECT version()").Scan(&v); err != nil {
		t.Fatalf("query %s: %v", a1, err)
	}
	t.Logf("ClickHouse %s at %s", v, a1)
}

func TestDatabase(t *testing.T) {
	ident := regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	for _, name := range []string{"simple", "with spaces/and-slashes", "ÜnicodeName"} {
		t.Run(name, func(t *testing.T) {
			d1, d2 := Database(t), Database(t)
			if !ident.MatchString(d1) || d1 == d2 || len(d1) > 60 {
				t.Fatalf("Database = %q, %q", d1, d2)
			}
		})
	}
}
