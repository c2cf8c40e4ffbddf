package apierr

import (
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
)

func durationpbSeconds(s int) *durationpb.Duration {
	return durationpb.New(time.Duration(s) * time.Second)
}
