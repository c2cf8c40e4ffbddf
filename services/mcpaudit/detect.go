package main

import (
	"context"
	"errors"
	"io"
)

func runDetect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("detect: not implemented yet")
}
