package chapters

import (
	"slices"

	"tinynets/pkg/notebook"
)

// chapterLabel follows the seed's heading "2.5 Select label".
//
// Scores become an answer: softmax turns the logits into probabilities and
// the largest one is the label, "7" for the digit and "e" after "h". The
// same step, a choice among a fixed list of classes, ends both networks;
// this is the sense in which the transformer's next token is a
// classification.
var chapterLabel = notebook.Chapter{
	ID:       "2.5",
	Title:    "Select label",
	Seed:     "2.5 Select label",
	File:     "ch2_5_label.go",
	Intro:    "chapterLabel",
	Sections: slices.Concat(labelD4, labelD5),
}

// labelD4 are the CNN's sections of this chapter, in reading order.
var labelD4 = []notebook.Section{}

// labelD5 are the transformer's sections of this chapter, in reading order.
var labelD5 = []notebook.Section{}
