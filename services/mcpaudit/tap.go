package main

import (
	"context"
	"errors"
	"io"
)

func runTap(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("tap: not implemented yet")
}
