package diagram

import (
	"fmt"

	"tinynets/pkg/cnn"
	"tinynets/pkg/tf"
)

// MainLoop draws the main loop of both networks side by side: D4 reads an
// image and answers with a digit, once; D5 reads a window of characters,
// answers with the next one, appends it and reads again. Every arrow is
// labelled with the real shape for cfg4 and cfg5 and a vocabulary of
// vocab characters. MainLoop panics if a configuration is invalid or
// vocab < 2.
func MainLoop(cfg4 cnn.Config, cfg5 tf.Config, vocab int) []byte {
	d4, d5 := CNNStages(cfg4), TFStages(cfg5, vocab)
	t, v := cfg5.Block, vocab
	blocks := "1 block"
	if cfg5.Layers > 1 {
		blocks = fmt.Sprintf("%d blocks", cfg5.Layers)
	}
	left := []item{
		{title: "an image", shape: []int{1, cnn.Side, cnn.Side}},
		{op: true, title: "D4", lines: []string{
			fmt.Sprintf("conv %d×%d → ReLU → pool, twice", cfg4.Kernel, cfg4.Kernel),
			"then flatten → fully connected",
			thousands(TotalParams(d4)) + " params"}},
		{title: "10 logits", shape: []int{cnn.Classes}},
		{op: true, title: "softmax, argmax", lines: []string{"the most likely digit"}},
		{title: "the label", result: fmt.Sprintf("1 of %d digits", cnn.Classes)},
		{op: true, title: "done: one image, one answer", lines: []string{"the next image comes from the data set"}},
	}
	right := []item{
		{title: "a window of token ids", shape: []int{t}},
		{op: true, title: "D5", lines: []string{
			"embed → " + blocks + " (attention, FFN)",
			"→ unembed, at every position",
			thousands(TotalParams(d5)) + " params"}},
		{title: "logits", shape: []int{t, v}},
		{op: true, title: "last position: softmax, argmax", lines: []string{"the most likely next character"}},
		{title: "the label", result: fmt.Sprintf("1 of %d characters", v)},
		{op: true, title: "append, slide the window", lines: []string{fmt.Sprintf("keep the last %d characters", t)}},
	}
	opW := 240.0
	for _, it := range append(append([]item{}, left...), right...) {
		if it.op {
			opW = max(opW, it.width())
		}
	}
	const margin, gap = 20.0, 110.0
	xl := margin + 60 + opW/2
	xr := xl + opW + gap
	w := xr + opW/2 + 80 + margin
	h := 0.0
	for i := range left { // rows of equal height line up across the columns
		rh := max(left[i].height(), right[i].height())
		left[i].minH, right[i].minH = rh, rh
		h += rh + arrowGap
	}
	top := margin + 76
	c := &canvas{w: w, h: top + h + margin}
	c.text(xl, margin+18, "D4: classify once", textStyle{size: 17, bold: true, fill: cnnStroke, anchor: "middle"})
	c.text(xl, margin+38, "image → class", textStyle{size: 12.5, fill: faint, anchor: "middle"})
	c.text(xr, margin+18, "D5: classify, append, repeat", textStyle{size: 17, bold: true, fill: tfStroke, anchor: "middle"})
	c.text(xr, margin+38, "context → next token, over and over", textStyle{size: 12.5, fill: faint, anchor: "middle"})
	_, lb := drawFlow(c, xl, top, opW, left, cnnFill, cnnStroke)
	_, rb := drawFlow(c, xr, top, opW, right, tfFill, tfStroke)
	last, first := rb[len(rb)-1], rb[0]
	x := xr + opW/2 + 40
	glyphTop := first.y + (first.h-glyphHeight(right[0].shape))/2
	c.path(loopInk, 2, true, last.right(), last.cy(), x, last.cy(), x, first.y-12, first.cx(), first.y-12, first.cx(), glyphTop-1)
	c.text(x+16, (first.cy()+last.cy())/2, "the answer goes back in", textStyle{size: 12.5, bold: true, fill: loopInk, anchor: "middle", rotate: true})
	// Between the columns: the jobs they share.
	mid := (xl + xr) / 2
	for i, label := range []string{"input", "the network", "scores", "select label", "the answer", "then"} {
		y := lb[i].cy() + 4
		c.text(mid, y, label, textStyle{size: 12, italic: true, fill: faint, anchor: "middle"})
	}
	return c.svg("The main loop of D4 and D5",
		"Two columns: D4 takes an image, runs once and outputs a digit; D5 takes a window of characters, outputs the next character, appends it and runs again, drawn as a loop arrow from its last box back to its input.")
}
