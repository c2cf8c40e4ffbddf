package main

import (
	"context"
	"errors"
	"io"
)

func runQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("query: not implemented yet")
}
