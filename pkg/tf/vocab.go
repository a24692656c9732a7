package tf

import (
	"fmt"
	"unicode/utf8"
)

// Vocab is a character vocabulary: token id i stands for Runes[i].
type Vocab struct {
	Runes []rune // distinct, in order of first appearance in the text
}

// NewVocab returns the vocabulary of text: its distinct runes in order of
// first appearance. For "hello world" that is h e l o ␣ w r d, the seed's
// 8-entry vocabulary.
//
// NewVocab returns an error naming tf.text if text is not valid UTF-8 or
// has fewer than 2 runes (one training window needs an input character
// and the character after it).
func NewVocab(text string) (*Vocab, error) {
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("tf.text: invalid UTF-8 at byte %d", invalidByte(text))
	}
	n := utf8.RuneCountInString(text)
	if n < 2 {
		return nil, fmt.Errorf("tf.text = %q: has %d characters, need at least 2 (an input and the next character to predict)", text, n)
	}
	v := &Vocab{}
	for _, r := range text {
		if v.id(r) < 0 {
			v.Runes = append(v.Runes, r)
		}
	}
	return v, nil
}

// Size returns the number of tokens, d_vocab.
func (v *Vocab) Size() int { return len(v.Runes) }

// Encode returns the token ids of the characters of s. param names s in
// errors (for example "tf.prompt").
//
// Encode returns an error if s is empty, is not valid UTF-8, or holds a
// character that is not in the vocabulary.
func (v *Vocab) Encode(s string, param string) ([]int, error) {
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("%s: invalid UTF-8 at byte %d", param, invalidByte(s))
	}
	if s == "" {
		return nil, fmt.Errorf("%s is empty: need at least one character from the vocabulary %q", param, string(v.Runes))
	}
	ids := make([]int, 0, len(s))
	for _, r := range s {
		id := v.id(r)
		if id < 0 {
			return nil, fmt.Errorf("%s = %q: character %q is not in the vocabulary %q", param, s, r, string(v.Runes))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Decode returns the characters of token ids.
// Decode panics if an id is outside [0, Size()).
func (v *Vocab) Decode(ids []int) string {
	out := make([]rune, len(ids))
	for i, id := range ids {
		if id < 0 || id >= len(v.Runes) {
			panic(fmt.Sprintf("tf: Decode: token id %d outside the vocabulary [0, %d)", id, len(v.Runes)))
		}
		out[i] = v.Runes[id]
	}
	return string(out)
}

// id returns the token id of r, or -1. A linear scan: vocabularies here
// are a few dozen runes, and a slice keeps the order visible.
func (v *Vocab) id(r rune) int {
	for i, x := range v.Runes {
		if x == r {
			return i
		}
	}
	return -1
}

func invalidByte(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(s)
}
