package chapters

import (
	"slices"

	"tinynets/pkg/notebook"
)

// chapterLayer2 follows the seed's heading "2.3 Layer 2".
//
// D4 has a second layer: another convolution, now over the 8 feature maps
// of layer 1, another ReLU and another pool. The seed's D5 has only one
// block and describes a second one in words; here the second block is
// trained for real (tf.layers=2) so its effect can be measured instead of
// imagined.
var chapterLayer2 = notebook.Chapter{
	ID:       "2.3",
	Title:    "Layer 2: a second round",
	Seed:     "2.3 Layer 2",
	File:     "ch2_3_layer2.go",
	Intro:    "chapterLayer2",
	Sections: slices.Concat(layer2D4, layer2D5),
}

// layer2D4 are the CNN's sections of this chapter, in reading order.
var layer2D4 = []notebook.Section{}

// layer2D5 are the transformer's sections of this chapter, in reading order.
var layer2D5 = []notebook.Section{}
