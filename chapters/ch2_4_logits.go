package chapters

import (
	"slices"

	"tinynets/pkg/notebook"
)

// chapterLogits follows the seed's heading "2.4 Compute logits".
//
// Both networks end in the same operation: a linear layer, Wx + b, that
// turns the last features into one score per possible answer. D4 scores
// the 10 digits from its 784 pooled features; D5 scores every character
// of its vocabulary from the 16 numbers of the last position.
var chapterLogits = notebook.Chapter{
	ID:       "2.4",
	Title:    "Compute logits",
	Seed:     "2.4 Compute logits",
	File:     "ch2_4_logits.go",
	Intro:    "chapterLogits",
	Sections: slices.Concat(logitsD4, logitsD5),
}

// logitsD4 are the CNN's sections of this chapter, in reading order.
var logitsD4 = []notebook.Section{}

// logitsD5 are the transformer's sections of this chapter, in reading order.
var logitsD5 = []notebook.Section{}
