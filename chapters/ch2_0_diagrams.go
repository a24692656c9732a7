package chapters

import (
	"fmt"

	"tinynets/pkg/diagram"
	"tinynets/pkg/notebook"
)

// chapterDiagrams follows the seed's heading "2.0 Overview diagrams" (its
// table of contents calls them the MAIN LOOP diagrams).
//
// The seed draws three pictures before it goes into detail: the main loop
// of both networks together, then each network layer by layer. Here all
// three are generated from the configurations this build runs with, so
// every shape and parameter count in them is the real one, and they change
// when a parameter does (with `-set tf.layers=2` the transformer drawing
// has two blocks). The seed notes that its own D5 drawing needed updating;
// these cannot fall behind the code, because the code draws them.
//
// The chapters after this one follow the drawings from top to bottom,
// one job at a time.
var chapterDiagrams = notebook.Chapter{
	ID:    "2.0",
	Title: "The main loop, and each network layer by layer",
	Seed:  "2.0 Overview diagrams",
	File:  "ch2_0_diagrams.go",
	Intro: "chapterDiagrams",
	Sections: []notebook.Section{
		{ID: "2.0-main", Title: "D4/D5 combined: the main loop", Run: diagramsMainLoop},
		{ID: "2.0-D4", Title: "D4 layer by layer", Run: diagramsCNN},
		{ID: "2.0-D5", Title: "D5 layer by layer", Run: diagramsTF},
	},
}

// The outer loop of each network. D4 takes an image, runs once, and
// outputs one of ten digits: the next image comes from the data set, not
// from the network. D5 takes a window of characters and outputs the next
// one, which is appended to the text; the window slides and the whole
// pass runs again. Between the columns are the jobs the two share.
func diagramsMainLoop(c *notebook.Cell) error {
	m5, err := d5(c)
	if err != nil {
		return err
	}
	svg := diagram.MainLoop(cnnConfig(c), m5.Config, m5.Vocab.Size())
	return c.File("main-loop", ".svg", svg,
		"Two flows side by side: D4 from image to digit, once; D5 from a window "+
			"of characters to the next character, which loops back into the window.",
		"The main loop: D4 classifies once, D5 classifies, appends and repeats.")
}

// D4 from the image to the digit. Each box is an operation, with the
// weights it holds; between the boxes are the tensors that flow, drawn as
// stacks of maps with their shapes (channels × rows × columns). The
// brackets at the left give the seed's name for each job. The drawing's
// parameter count is worked out from the configuration; the line under it
// checks it against the trained model.
func diagramsCNN(c *notebook.Cell) error {
	m4, _, err := d4(c)
	if err != nil {
		return err
	}
	svg := diagram.CNNLayers(m4.Config)
	if err := c.File("d4-layers", ".svg", svg,
		"D4 as a column of boxes from the 28 by 28 image to the digit, "+
			"with every tensor's shape and every layer's weights.",
		"D4 layer by layer."); err != nil {
		return err
	}
	drawn := diagram.TotalParams(diagram.CNNStages(m4.Config))
	return diagramsCheck(c, "D4", drawn, m4.NumParams())
}

// D5 from the token ids to the next character. The thick line on the left
// is the residual stream: one vector of `tf.dmodel` numbers per position,
// which every block reads and adds to. In each block, attention (context
// sharing) branches off the stream and is added back, then the FFN
// (storyline) does the same. After the last block the unembedding turns
// every position's vector into logits; the last position's pick the next
// character, and the loop arrow takes it back to the input.
func diagramsTF(c *notebook.Cell) error {
	m5, err := d5(c)
	if err != nil {
		return err
	}
	svg := diagram.TFLayers(m5.Config, m5.Vocab.Size())
	if err := c.File("d5-layers", ".svg", svg,
		"D5 as the residual stream running down the left, each block's attention "+
			"and FFN branching off it and added back, then the unembedding and a "+
			"loop arrow back to the input.",
		"D5 layer by layer."); err != nil {
		return err
	}
	drawn := diagram.TotalParams(diagram.TFStages(m5.Config, m5.Vocab.Size()))
	return diagramsCheck(c, "D5", drawn, m5.NumParams())
}

// diagramsCheck prints the drawing's parameter count beside the model's,
// and fails the build if they differ.
func diagramsCheck(c *notebook.Cell, name string, drawn, model int) error {
	c.Printf("%s: the drawing counts %s parameters, the trained model holds %s\n",
		name, mechCount(int64(drawn)), mechCount(int64(model)))
	if drawn != model {
		return fmt.Errorf("%s drawing counts %d parameters, the model has %d", name, drawn, model)
	}
	return nil
}
