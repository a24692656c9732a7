package chapters

import (
	"fmt"
	"math"
	"slices"

	"tinynets/pkg/cnn"
	"tinynets/pkg/notebook"
	"tinynets/pkg/plots"
	"tinynets/pkg/tensor"
	"tinynets/pkg/tf"
)

// chapterLayer2 follows the seed's heading "2.3 Layer 2".
//
// D4 has a second layer: another convolution, now over all the feature
// maps of layer 1 at once, another ReLU and another pool. The seed's D5 has only one
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
var layer2D4 = []notebook.Section{
	{ID: "2.3.1-D4", Title: "D4: the second convolution", Run: conv2D4},
	{ID: "2.3.1-D4-inputs", Title: "D4: how many values one output reads", Run: conv2Inputs},
	{ID: "2.3.1-D4-field", Title: "D4: the patch of the digit one output sees", Run: conv2Field},
	{ID: "2.3.3-D4", Title: "D4: second ReLU and pool, then flatten", Run: pool2D4},
}

// The second convolution works like the first, with one change: its input
// is no longer one grey image but the F1 pooled maps of layer 1 (8 by
// default), so each of its filters has one KxK kernel per input map and
// adds up all of them. Its weights have PyTorch's shape (F2, F1, K, K): in
// the drawing each row is one filter of conv2 (16 by default) and each
// column the kernel it lays on one input map, map 0 on the left.
//
// The seed reads this as a second round of context sharing, with the
// filters as the dims of each position. The output keeps the 14x14
// positions of its input (same padding again) and has F2 numbers at each.
func conv2D4(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	t := m.Forward(data.Test.Image(0))
	f1, f2, k := m.Config.Filters1, m.Config.Filters2, m.Config.Kernel
	weights, biases := len(m.Conv2W.Data), len(m.Conv2B.Data)
	c.Printf("conv2: %d filters, each %d kernels of %dx%d, one per input map\n", f2, f1, k, k)
	c.Printf("%d weights + %d biases = %d parameters\n", weights, biases, weights+biases)
	perFilter := notebook.TileCaptions(numbered("filter", f2))
	if err := c.Tensor("cnn/conv2.weight", m.Conv2W, notebook.Signed(), perFilter,
		notebook.ScaleLabel("weight"),
		notebook.Caption("The kernels of conv2, shape (F2, F1, K, K): a row per filter, "+
			"a column per input map (map 0 on the left).")); err != nil {
		return err
	}
	if err := c.Tensor("cnn/conv2.bias", m.Conv2B, notebook.NoImage(),
		notebook.Labels(numbered("", f2), nil),
		notebook.Caption("The bias of each filter of conv2.")); err != nil {
		return err
	}
	c.Printf("pool1 %s -> conv2 %s:\n", shapeOf(t.Pool1), shapeOf(t.Conv2))
	c.Printf("still %dx%d positions, now %d numbers at each\n",
		t.Conv2.Shape[1], t.Conv2.Shape[2], t.Conv2.Shape[0])
	return c.Tensor("cnn/conv2.out", t.Conv2, notebook.Signed(), perFilter,
		notebook.ScaleLabel("value"),
		notebook.Caption("The feature maps of conv2 before ReLU, shape (F2, 14, 14)."))
}

// The seed says that each value of this layer is computed from 72 values
// of the layer before: 8 input maps times a 3x3 window. That count follows
// from the shapes alone, so the code reads it off the weight tensor, and
// it changes when cnn.filters1 or cnn.kernel do.
//
// Then the loop recomputes the strongest value of conv2 from exactly those
// values of pool1: one weight times one input for every input map and
// every place of the window, plus the bias. If it matches the model's
// value, nothing else went into it. (At the border of the map some of the
// window lies outside, where the padding adds zeros, so fewer real values
// are read there.)
func conv2Inputs(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	t := m.Forward(data.Test.Image(0))
	f1, kh, kw := m.Conv2W.Shape[1], m.Conv2W.Shape[2], m.Conv2W.Shape[3]
	perValue := f1 * kh * kw
	c.Printf("one conv2 value = its bias + %d maps × %dx%d window\n", f1, kh, kw)
	c.Printf("= %d weighted values of pool1\n", perValue)
	c.Printf("cnn.ReceptiveField counts %d\n", cnn.ReceptiveField(m.Config).Conv2Inputs)
	c.Printf("the seed's 72: %s\n", verdict(perValue == 72, "the same", "not with these settings"))

	f, y, x := strongest(t.Conv2)
	pad, side := kh/2, t.Pool1.Shape[1]
	sum, read := m.Conv2B.At(f), 0
	for ci := range f1 {
		for ky := range kh {
			for kx := range kw {
				iy, ix := y+ky-pad, x+kx-pad
				if iy < 0 || iy >= side || ix < 0 || ix >= side {
					continue // zero padding: adds nothing
				}
				sum += m.Conv2W.At(f, ci, ky, kx) * t.Pool1.At(ci, iy, ix)
				read++
			}
		}
	}
	model := t.Conv2.At(f, y, x)
	c.Printf("conv2[%d, %d, %d] by hand from %d values of pool1: %.6f\n", f, y, x, read, sum)
	c.Printf("the model's: %.6f; difference %.2g\n", model, math.Abs(float64(sum-model)))
	return nil
}

// Two small windows in a row see a larger patch of the digit. A conv2
// value reads a window of pool1; each pool1 value is the maximum of a 2x2
// block of conv1; each conv1 value reads a window of the image. Following
// the shapes back, cnn.ReceptiveField finds the square of input pixels that
// one conv2 value depends on (8x8 for 3x3 kernels), clipped where it meets
// the border. The first figure draws this square for two outputs of the
// same filter: the strongest value of conv2 and the top-left corner.
//
// The claim can be tested on the model itself. The loop changes one pixel
// of the digit at a time (it adds ink where there was none and removes it
// where there was some), runs the whole network again, and records how much
// the chosen conv2 value moved. A pixel outside the square must never move
// it. A pixel inside may move it or not: ReLU and the max-pool can block a
// change, for instance when the changed conv1 value stays negative or does
// not win its 2x2 block.
func conv2Field(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	img := data.Test.Image(0)
	t := m.Forward(img)
	rf := cnn.ReceptiveField(m.Config)
	c.Printf("away from the border, one conv2 value sees %dx%d input pixels\n",
		rf.Conv2Side, rf.Conv2Side)
	c.Printf("(one pool2 value: %dx%d)\n", rf.Pool2Side, rf.Pool2Side)
	f, y, x := strongest(t.Conv2)
	stroke, corner := rf.Conv2(y, x), rf.Conv2(0, 0)
	c.Printf("conv2[%d, %d, %d] sees %s\n", f, y, x, rowsCols(stroke))
	c.Printf("conv2[%d, 0, 0] sees %s\n", f, rowsCols(corner))
	digit := tensor.FromSlice(img, cnn.Side, cnn.Side)
	if err := c.Figure("cnn/conv2.field", plots.Heatmap(digit, plots.Greyscale(),
		plots.ScaleLabel("pixel"), outlineRect(stroke), outlineRect(corner)),
		"The demo digit with two outlined squares: the input pixels that two conv2 values depend on",
		fmt.Sprintf("The receptive fields of conv2[%d, %d, %d] (on the stroke) and "+
			"conv2[%d, 0, 0] (in the corner, clipped by the border).", f, y, x, f)); err != nil {
		return err
	}

	moved := tensor.New(cnn.Side, cnn.Side) // how far conv2[f, y, x] moves per pixel
	for p := range img {
		changed := slices.Clone(img)
		changed[p] = 1 - float32(math.Round(float64(img[p]))) // add ink, or remove it
		v := m.Forward(changed).Conv2.At(f, y, x)
		moved.Data[p] = float32(math.Abs(float64(v - t.Conv2.At(f, y, x))))
	}
	inside, outside := countMoved(moved, stroke)
	area := stroke.Dx() * stroke.Dy()
	c.Printf("changing one pixel moved conv2[%d, %d, %d]:\n", f, y, x)
	c.Printf("for %d of the %d pixels inside its square\n", inside, area)
	c.Printf("for %d of the %d pixels outside\n", outside, cnn.Side*cnn.Side-area)
	return c.Figure("cnn/conv2.field-test", plots.Heatmap(moved, plots.Unsigned(),
		plots.ScaleLabel("|change|"), outlineRect(stroke)),
		fmt.Sprintf("For each input pixel, how much changing it moves conv2[%d, %d, %d]; "+
			"the outlined square is its computed receptive field", f, y, x),
		"Each cell: how far the value moved when that one pixel was changed.")
}

// What layer 1 did once, layer 2 does again: ReLU clears the negative
// values and the 2x2 pool keeps the largest of each block, leaving maps of
// 7x7, a sixteenth of the 784 positions of the image. The seed draws the
// same parallel as in 2.2 (a storyline with a sixteenth of the tokens); the
// count in chapter 2.2 showed that D5 keeps all its positions, and that
// stays true here.
//
// Flattening changes no value. It reads the (F2, 7, 7) maps as one long
// vector in (C, H, W) order, PyTorch's: all 49 values of map 0 first, row
// by row, then map 1, and so on. This vector is what the classifier of 2.4
// reads.
func pool2D4(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	t := m.Forward(data.Test.Image(0))
	f2 := m.Config.Filters2
	n, z := len(t.ReLU2.Data), countZeros(t.ReLU2.Data)
	c.Printf("ReLU set %d of the %d values of conv2 to zero (%s)\n", z, n, percent(z, n))
	perFilter := notebook.TileCaptions(numbered("filter", f2))
	if err := c.Tensor("cnn/relu2.out", t.ReLU2, notebook.ScaleLabel("value"), perFilter,
		notebook.Caption("conv2 after ReLU, shape (F2, 14, 14).")); err != nil {
		return err
	}
	if err := c.Tensor("cnn/pool2.out", t.Pool2, notebook.ScaleLabel("value"), perFilter,
		notebook.Caption("After the second 2x2 max-pool, shape (F2, 7, 7).")); err != nil {
		return err
	}
	h, w := t.Pool2.Shape[1], t.Pool2.Shape[2]
	c.Printf("positions: %d after conv2, %d after the pool\n", t.ReLU2.Shape[1]*t.ReLU2.Shape[2], h*w)
	c.Printf("%d/%d = 1/%d of the image's\n", h*w, cnn.Side*cnn.Side, cnn.Side*cnn.Side/(h*w))

	inOrder := true
	for ch := range f2 {
		for y := range h {
			for x := range w {
				inOrder = inOrder && t.Flatten.At((ch*h+y)*w+x) == t.Pool2.At(ch, y, x)
			}
		}
	}
	c.Printf("flatten: %d = %d maps × %dx%d values\n", t.Flatten.Len(), f2, h, w)
	c.Printf("equal to pool2 read in (C, H, W) order: %v\n", inOrder)
	return c.Tensor("cnn/flatten", t.Flatten, notebook.NoImage(),
		notebook.Caption("pool2 as one vector, the classifier's input."))
}

// layer2D5 are the transformer's sections of this chapter, in reading order.
var layer2D5 = []notebook.Section{
	{ID: "2.3-D5", Title: "D5: a second block, trained for real", Run: secondBlock},
	{ID: "2.3.1-D5", Title: "D5: what the second block's attention looks at", Run: secondAttention},
	{ID: "2.3.3-D5", Title: "D5: what the second block changes", Run: secondFFN},
}

// The seed's D5 has one block and describes a second one only in words:
// the same computation with its own weights, working on what the first
// block wrote. Here both versions are trained on this build's text with
// the same steps and seed, one block and two (tf.layers=2; the two-block
// model's tensors carry the prefix "tf2/"), and compared by their training
// curves, their final loss over every window of the text and what they
// write from the prompt.
func secondBlock(c *notebook.Cell) error {
	one, two, err := oneAndTwoBlocks(c)
	if err != nil {
		return err
	}
	text, err := trainingText(c)
	if err != nil {
		return err
	}
	prompt, err := promptIDs(c, one)
	if err != nil {
		return err
	}
	n := len([]rune(text))
	t := notebook.Table{Caption: "One block against two: same text, steps and seed",
		Header: []string{"blocks", "parameters", "final loss", "greedy text from the prompt",
			"matches the text for"}}
	for _, m := range []*tf.Model{one, two} {
		gen := greedyText(m, prompt, n)
		t.Rows = append(t.Rows, []string{fmt.Sprint(m.Config.Layers), fmt.Sprint(m.NumParams()),
			fmt.Sprintf("%.4f", m.FinalLoss), quoted(clip(gen, 80)),
			fmt.Sprintf("%d of %d characters", commonPrefix(gen, text), n)})
	}
	c.Table(t)
	fig := plots.Lines([]plots.Series{{Name: "1 block", Y: lossY(one)}, {Name: "2 blocks",
		Y: lossY(two)}},
		plots.LogY(), plots.Title("training loss"), plots.XLabel("Adam step"),
		plots.YLabel("cross-entropy"))
	return c.Figure("tf2/loss", fig,
		"Training loss per Adam step of the one-block and the two-block model, log scale.", "")
}

// The second block's attention is the first one's code with its own
// weights, as the seed expects. What differs is its input: block 1 reads
// the residual stream after block 0 has added to it, so its queries and
// keys can use what block 0 gathered, not only each character and its
// place. The heatmaps show both blocks' patterns on the same window.
//
// Two numbers per head summarise a pattern: how far back the weight sits
// on average (0: a position looks only at itself), and its entropy in
// bits (0: all weight on one key; log2 of the number of keys: spread
// evenly).
func secondAttention(c *notebook.Cell) error {
	_, two, err := oneAndTwoBlocks(c)
	if err != nil {
		return err
	}
	v, err := viewOf(c, two)
	if err != nil {
		return err
	}
	for l := range two.Config.Layers {
		name := fmt.Sprintf("blocks.%d.attn.hook_pattern", l)
		if err := showHeads(c, v, "tf2/"+name, v.Trace.Get(name), "weight", false); err != nil {
			return err
		}
	}
	c.Table(patternSummary(v))
	return captureLaterBlocks(c)
}

// The second FFN works on each position like the first. To see what the
// second block changes, the code switches its parts off in copies of the
// two-block model (zeroing the output weights and bias of its attention,
// of its FFN, or of both, so that they add nothing to the residual stream)
// and measures the mean loss over every window of the text again. The
// table also gives the length of what each block's FFN adds at the last
// position of the window.
func secondFFN(c *notebook.Cell) error {
	_, two, err := oneAndTwoBlocks(c)
	if err != nil {
		return err
	}
	text, err := trainingText(c)
	if err != nil {
		return err
	}
	t, err := blockAblationTable(two, text)
	if err != nil {
		return err
	}
	c.Table(t)
	v, err := viewOf(c, two)
	if err != nil {
		return err
	}
	last := len(v.Tokens) - 1
	for l := range two.Config.Layers {
		c.Printf("block %d: the FFN adds a row of length %.2f at the last position (the attention %.2f)\n", l,
			norm(v.Trace.Get(fmt.Sprintf("blocks.%d.hook_mlp_out", l)), last),
			norm(v.Trace.Get(fmt.Sprintf("blocks.%d.hook_attn_out", l)), last))
	}
	return nil
}
