package chapters

import (
	"slices"

	"tinynets/pkg/notebook"
)

// chapterLayer1 follows the seed's heading "2.2 Layer 1".
//
// The seed splits every layer into two jobs. First, context sharing: each
// position takes in information from other positions (D4's convolution
// looks at a 3x3 neighbourhood of pixels, D5's attention looks back over
// earlier characters). Then the storyline: a non-linear step that turns
// the mixed numbers into features (D4's ReLU and max-pool, D5's FFN with
// GELU). This chapter runs both jobs of the first layer of each network on
// the demo inputs of chapter 2.1.
var chapterLayer1 = notebook.Chapter{
	ID:       "2.2",
	Title:    "Layer 1: context sharing and storyline",
	Seed:     "2.2 Layer 1",
	File:     "ch2_2_layer1.go",
	Intro:    "chapterLayer1",
	Sections: slices.Concat(layer1D4, layer1D5),
}

// layer1D4 are the CNN's sections of this chapter, in reading order.
var layer1D4 = []notebook.Section{}

// layer1D5 are the transformer's sections of this chapter, in reading order.
var layer1D5 = []notebook.Section{}
