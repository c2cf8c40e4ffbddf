package canon

import (
	"sync"
	"unicode"

	"github.com/liuzl/gocc"
)

// opencc holds OpenCC's converter (github.com/liuzl/gocc), loaded on
// first use: tw2sp maps Traditional characters and the Taiwanese words
// that differ (使用者 → 用户, 金鑰 → 密钥, 檔案 → 文件); the characters
// its t2s dictionary changes tell Traditional text from Simplified.
var opencc struct {
	once  sync.Once
	tw2sp *gocc.OpenCC
	// trad are the CJK Unified Ideographs t2s changes: a text holding
	// none is not Traditional
	trad map[rune]bool
}

// loadOpenCC fills opencc; on any error it stays empty.
func loadOpenCC() {
	t2s, err := gocc.New("t2s")
	if err != nil {
		return
	}
	tw2sp, err := gocc.New("tw2sp")
	if err != nil {
		return
	}
	var block []rune
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		block = append(block, r)
	}
	out, err := t2s.Convert(string(block))
	if err != nil {
		return
	}
	conv := []rune(out)
	trad := map[rune]bool{}
	if len(conv) == len(block) {
		for i, r := range block {
			if conv[i] != r {
				trad[r] = true
			}
		}
	} else {
		for _, r := range block {
			if o, err := t2s.Convert(string(r)); err == nil && o != string(r) {
				trad[r] = true
			}
		}
	}
	opencc.tw2sp, opencc.trad = tw2sp, trad
}

// Simplified returns s with Traditional Chinese written as Simplified
// Chinese, words included (讀取 → 读取, 密碼 → 密码, 金鑰 → 密钥), so one
// vocabulary reads both. Text without Han characters, text with kana
// (Japanese, whose kanji forms are its own), text already Simplified
// (t2s changes nothing) and text the dictionaries fail on are returned as
// they are.
func Simplified(s string) string {
	han := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
			return s
		case !han && isHan(r):
			han = true
		}
	}
	if !han {
		return s
	}
	opencc.once.Do(loadOpenCC)
	if opencc.tw2sp == nil {
		return s
	}
	traditional := false
	for _, r := range s {
		if opencc.trad[r] {
			traditional = true
			break
		}
	}
	if !traditional {
		return s
	}
	out, err := opencc.tw2sp.Convert(s)
	if err != nil {
		return s
	}
	return out
}
