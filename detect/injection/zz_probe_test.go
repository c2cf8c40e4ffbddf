package injection

import (
	"fmt"
	"testing"

	"github.com/mcpaudit/mcpaudit/detect/canon"
)

func TestZZProbe(t *testing.T) {
	f := canon.Fold("Do not share your access keys with anyone, and never embed them in code. Access keys consist of two parts: an access key ID (for example, `AKIAIOSFODNN7EXAMPLE`) and a secret access key.")
	s := scan(f)
	for j, k := range s.toks {
		fmt.Println(j, k.w, k.sent, modelNoun(k.w), subjectModel(k.w), readerNoun(k))
	}
	fmt.Println(s.sents)
	sp, l := modelReader(f)
	fmt.Printf("modelReader %q %v\n", sp, l)
}
