package charcnn

import (
	"fmt"
	"unicode/utf8"
)

// Vocab is the model's alphabet: the distinct characters (runes) of the
// training text in order of first appearance. A token id is an index into
// it, so for "hello world" 'h' is 0, 'e' is 1, 'l' is 2 and so on.
type Vocab struct {
	runes []rune       // id -> character
	ids   map[rune]int // character -> id; only looked up, never iterated
}

// NewVocab returns the vocabulary of text: its distinct runes in order of
// first appearance.
func NewVocab(text string) *Vocab {
	v := &Vocab{ids: map[rune]int{}}
	for _, r := range text {
		if _, ok := v.ids[r]; !ok {
			v.ids[r] = len(v.runes)
			v.runes = append(v.runes, r)
		}
	}
	return v
}

func vocabFromRunes(runes []rune) *Vocab {
	v := &Vocab{runes: runes, ids: map[rune]int{}}
	for i, r := range runes {
		v.ids[r] = i
	}
	return v
}

// Size returns the number of characters in the vocabulary.
func (v *Vocab) Size() int { return len(v.runes) }

// Runes returns a copy of the characters, in token-id order.
func (v *Vocab) Runes() []rune { return append([]rune(nil), v.runes...) }

// String returns the characters in token-id order as one string.
func (v *Vocab) String() string { return string(v.runes) }

// Encode turns text into token ids. It returns an error naming the first
// character that is not in the vocabulary, or the first invalid UTF-8 byte.
func (v *Vocab) Encode(text string) ([]int, error) {
	ids := make([]int, 0, utf8.RuneCountInString(text))
	pos := 0 // rune position, for the error message
	for i, r := range text {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(text[i:]); size == 1 {
				return nil, fmt.Errorf("charcnn: text: invalid UTF-8 at byte %d", i)
			}
		}
		id, ok := v.ids[r]
		if !ok {
			return nil, fmt.Errorf("charcnn: text: character %q (%U) at position %d is not in the vocabulary %q",
				r, r, pos, string(v.runes))
		}
		ids = append(ids, id)
		pos++
	}
	return ids, nil
}

// Decode turns token ids into text. It returns an error naming the first id
// that is not in the vocabulary.
func (v *Vocab) Decode(ids []int) (string, error) {
	out := make([]rune, len(ids))
	for i, id := range ids {
		if id < 0 || id >= len(v.runes) {
			return "", fmt.Errorf("charcnn: ids: ids[%d] = %d is not a token id (allowed 0 to %d)", i, id, len(v.runes)-1)
		}
		out[i] = v.runes[id]
	}
	return string(out), nil
}
