package main

import (
	"context"
	"errors"
	"io"
)

func runStore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("store: not implemented yet")
}
