package diagram

import (
	"fmt"

	"tinynets/pkg/cnn"
	"tinynets/pkg/tf"
)

// A flow is a column of items joined by arrows: tensors (what flows) and
// operations (what is done to them), as the layer diagrams draw them.
type item struct {
	op     bool   // an operation box; else a tensor
	title  string // operation name, or the tensor's name
	lines  []string
	shape  []int  // a tensor's shape, drawn as a glyph
	result string // a tensor that is a choice, not an array: shown instead of the shape
	role   string // the seed's job of an operation, for the brackets at the left
	minH   float64
}

// Sizes of the layer diagrams, in CSS pixels.
const (
	opLine    = 15.0 // height of a detail line in an operation box
	arrowGap  = 22.0 // vertical space for an arrow between items
	glyphUnit = 1.7  // pixels per row of a feature map glyph
)

// height is the item's height: what its text or glyph needs, or minH,
// which lines up the rows of two flows side by side.
func (it item) height() float64 {
	if it.op {
		return max(it.minH, 26+opLine*float64(len(it.lines)))
	}
	return max(it.minH, 30, glyphHeight(it.shape)+8)
}

// glyphHeight is the height of the drawing of a tensor of this shape:
// a stack of maps for (C, H, W), a strip of cells for a vector.
func glyphHeight(shape []int) float64 {
	switch len(shape) {
	case 3:
		n := min(shape[0], 8)
		return float64(shape[1])*glyphUnit + float64(n-1)*4
	case 2:
		return min(float64(shape[0])*6, 60)
	}
	return 12
}

// drawGlyph draws a tensor of shape with its top left at (x, y) and
// returns its width. (C, H, W) is a stack of up to 8 squares, H rows
// each; (rows, cols) a small grid; (n) a strip of up to 16 cells.
func drawGlyph(c *canvas, x, y float64, shape []int, fill, stroke string) float64 {
	switch len(shape) {
	case 3:
		n := min(shape[0], 8)
		side := float64(shape[1]) * glyphUnit
		for i := n - 1; i >= 0; i-- {
			c.rect(x+float64(i)*4, y+float64(n-1-i)*4, side, side*float64(shape[2])/float64(shape[1]), 1.5, fill, stroke, 1, 0)
		}
		return side + float64(n-1)*4
	case 2:
		rows, cols := min(shape[0], 10), min(shape[1], 16)
		cell := min(6.0, 60/float64(rows))
		for r := range rows {
			for k := range cols {
				c.rect(x+float64(k)*cell, y+float64(r)*cell, cell, cell, 0, fill, stroke, 0.6, 0)
			}
		}
		return float64(cols) * cell
	case 1:
		n := min(shape[0], 16)
		for k := range n {
			c.rect(x+float64(k)*9, y, 9, 12, 0, fill, stroke, 0.8, 0)
		}
		return float64(n) * 9
	}
	c.circle(x+6, y+6, 6, fill, stroke)
	return 12
}

// flowWidth is the width an item needs.
func (it item) width() float64 {
	if it.op {
		w := textWidth(it.title, 13.5, bold)
		for _, l := range it.lines {
			w = max(w, textWidth(l, 11.5, regular))
		}
		return w + 26
	}
	return 200 + max(textWidth(it.title, 12.5, regular), textWidth(it.label(), 13, mono))
}

func (it item) label() string {
	if it.result != "" {
		return it.result
	}
	return ShapeText(it.shape)
}

// drawFlow draws items top to bottom, centred on x, from y, and returns
// the y below the last item and where each item was drawn.
func drawFlow(c *canvas, x, y, opW float64, items []item, fill, stroke string) (float64, []box) {
	boxes := make([]box, len(items))
	for i, it := range items {
		h := it.height()
		if i > 0 {
			prev := boxes[i-1]
			c.line(x, prev.bottom(), x, y-1, arrowInk, 1.4, true)
		}
		if it.op {
			b := box{x - opW/2, y, opW, h}
			c.rect(b.x, b.y, b.w, b.h, 7, fill, stroke, 1.4, 0)
			c.text(b.x+12, b.y+18, it.title, textStyle{size: 13.5, bold: true})
			for k, l := range it.lines {
				c.text(b.x+12, b.y+18+opLine*float64(k+1), l, textStyle{size: 11.5, fill: faint})
			}
			boxes[i] = b
		} else {
			gh := glyphHeight(it.shape)
			gw := drawGlyphWidth(it.shape)
			gx := x - 14 - gw
			drawGlyph(c, gx, y+(h-gh)/2, it.shape, "#ffffff", stroke)
			c.text(x+14, y+h/2-3, it.title, textStyle{size: 12.5, fill: faint})
			c.text(x+14, y+h/2+13, it.label(), textStyle{size: 13, mono: true, bold: true, fill: stroke})
			boxes[i] = box{gx, y, gw, h} // the glyph's columns, the row's height
		}
		y += h + arrowGap
	}
	return y - arrowGap, boxes
}

// drawGlyphWidth is the width drawGlyph will use for shape.
func drawGlyphWidth(shape []int) float64 {
	switch len(shape) {
	case 3:
		return float64(shape[1])*glyphUnit + float64(min(shape[0], 8)-1)*4
	case 2:
		return float64(min(shape[1], 16)) * min(6.0, 60/float64(min(shape[0], 10)))
	case 1:
		return float64(min(shape[0], 16)) * 9
	}
	return 12
}

// roleBrackets draws, left of the flow, a bracket and a name over each
// run of operations that share a role.
func roleBrackets(c *canvas, x float64, items []item, boxes []box) {
	for i := 0; i < len(items); {
		if !items[i].op || items[i].role == "" {
			i++
			continue
		}
		j := i
		for k := i + 1; k < len(items); k++ {
			if items[k].op {
				if items[k].role != items[i].role {
					break
				}
				j = k
			}
		}
		top, bottom := boxes[i].y, boxes[j].bottom()
		c.path(faint, 1.2, false, x+8, top, x, top, x, bottom, x+8, bottom)
		c.text(x-8, (top+bottom)/2+4, items[i].role, textStyle{size: 12.5, bold: true, fill: faint, anchor: "end"})
		i = j + 1
	}
}

// cnnItems lists D4's tensors and operations for cfg.
func cnnItems(cfg cnn.Config) []item {
	k, f1, f2 := cfg.Kernel, cfg.Filters1, cfg.Filters2
	s := cnn.Side
	flat := f2 * (s / 4) * (s / 4)
	conv := func(name string, cin, cout int) item {
		return item{op: true, role: "context sharing", title: fmt.Sprintf("%s: %d×%d convolution, %d filters", name, k, k, cout),
			lines: []string{
				fmt.Sprintf("weights %s + bias %d = %s params", ShapeText([]int{cout, cin, k, k}), cout, thousands(cout*cin*k*k+cout)),
				fmt.Sprintf("each output value reads %d inputs (%d×%d×%d)", cin*k*k, k, k, cin),
			}}
	}
	pool := func() []item {
		return []item{
			{op: true, role: "storyline", title: "ReLU", lines: []string{"max(x, 0), value by value"}},
			{op: true, role: "storyline", title: "2×2 max pool", lines: []string{"the largest of each 2×2 square"}},
		}
	}
	items := []item{{title: "image", shape: []int{1, s, s}}, conv("conv1", 1, f1), {title: "conv1 maps", shape: []int{f1, s, s}}}
	items = append(items, pool()...)
	items = append(items, item{title: "pool1 maps", shape: []int{f1, s / 2, s / 2}}, conv("conv2", f1, f2), item{title: "conv2 maps", shape: []int{f2, s / 2, s / 2}})
	items = append(items, pool()...)
	return append(items,
		item{title: "pool2 maps", shape: []int{f2, s / 4, s / 4}},
		item{op: true, role: "logits", title: "flatten, fully connected",
			lines: []string{fmt.Sprintf("%d values in, weights %s + bias %d = %s params", flat, ShapeText([]int{cnn.Classes, flat}), cnn.Classes, thousands(cnn.Classes*flat+cnn.Classes))}},
		item{title: "logits", shape: []int{cnn.Classes}},
		item{op: true, role: "select label", title: "softmax, argmax", lines: []string{"probabilities; the largest wins"}},
		item{title: "the digit", result: fmt.Sprintf("1 of %d", cnn.Classes)},
	)
}

// CNNLayers draws D4 layer by layer for cfg: every tensor as a glyph with
// its shape, every operation with its weights, and brackets naming the
// seed's jobs. CNNLayers panics if cfg is not valid.
func CNNLayers(cfg cnn.Config) []byte {
	if err := cfg.Validate(); err != nil {
		panic("diagram: CNNLayers: " + err.Error())
	}
	items := cnnItems(cfg)
	opW := 0.0
	for _, it := range items {
		if it.op {
			opW = max(opW, it.width())
		}
	}
	const margin, left = 20.0, 170.0
	x := margin + left + max(opW/2, 140)
	h := 70.0
	for _, it := range items {
		h += it.height() + arrowGap
	}
	c := &canvas{w: x + max(opW/2, 230) + margin, h: h + margin}
	c.text(c.w/2, margin+18, fmt.Sprintf("D4, layer by layer: %s parameters", thousands(TotalParams(CNNStages(cfg)))),
		textStyle{size: 17, bold: true, fill: cnnStroke, anchor: "middle"})
	_, boxes := drawFlow(c, x, margin+48, opW, items, cnnFill, cnnStroke)
	roleBrackets(c, x-opW/2-14, items, boxes)
	return c.svg("D4 layer by layer",
		"A column from the 28 by 28 image down to the digit: each convolution, ReLU, pool and the fully connected layer as a box with its weights, and between them the tensors with their shapes; brackets at the left name the seed's jobs.")
}

// TFLayers draws D5 layer by layer for cfg and a vocabulary of vocab
// characters: the embedding, then every block with its attention and FFN
// branching off the residual stream and added back into it, the
// unembedding, the choice of the next character and the loop that feeds
// it back. With cfg.Layers = 2 the drawing has two blocks. TFLayers panics
// if cfg is not valid or vocab < 2.
func TFLayers(cfg tf.Config, vocab int) []byte {
	if err := cfg.Validate(); err != nil {
		panic("diagram: TFLayers: " + err.Error())
	}
	if vocab < 2 {
		panic(fmt.Sprintf("diagram: TFLayers: a vocabulary of %d characters; want at least 2", vocab))
	}
	t, d, h, ff, v := cfg.Block, cfg.DModel, cfg.Heads, cfg.FF, vocab
	dh := d / h
	ln := cfg.Norm == "ln"

	heads := "1 head"
	if h > 1 {
		heads = fmt.Sprintf("%d heads", h)
	}
	attn := item{op: true, title: fmt.Sprintf("attention, %s of %d dims", heads, dh), lines: []string{
		fmt.Sprintf("q, k, v = x·W_Q, x·W_K, x·W_V: each %s", ShapeText([]int{t, h, dh})),
		fmt.Sprintf("pattern = softmax(q·k / √%d), causal: %s", dh, ShapeText([]int{h, t, t})),
		fmt.Sprintf("out = (pattern·v)·W_O: %s; %s params", ShapeText([]int{t, d}), thousands(4*d*d+4*d)),
	}}
	ffn := item{op: true, title: fmt.Sprintf("FFN %d → %d → %d", d, ff, d), lines: []string{
		fmt.Sprintf("hidden = GELU(x·W_in + b_in): %s", ShapeText([]int{t, ff})),
		fmt.Sprintf("out = hidden·W_out + b_out: %s; %s params", ShapeText([]int{t, d}), thousands(2*d*ff+ff+d)),
	}}
	lnItem := func(name string) item {
		return item{op: true, title: "LayerNorm " + name, lines: []string{fmt.Sprintf("each position, gain and bias: %d params", 2*d)}}
	}
	var tail []item
	if ln {
		tail = append(tail, lnItem("ln_final"))
	}
	tail = append(tail,
		item{op: true, title: "unembed: x·W_U + b_U", lines: []string{fmt.Sprintf("weights %s; %s params", ShapeText([]int{d, v}), thousands(d*v+v))}},
		item{title: "logits, every position", shape: []int{t, v}},
		item{op: true, title: "last position: softmax, argmax", lines: []string{fmt.Sprintf("the most likely of %d characters", v)}},
		item{title: "the next character", result: fmt.Sprintf("1 of %d", v)},
		item{op: true, title: "append, slide the window", lines: []string{fmt.Sprintf("keep the last %d characters", t)}},
	)
	opW := 300.0 // every branch box has the width of the widest
	for _, it := range []item{attn, ffn, lnItem("blocks.0.ln1")} {
		opW = max(opW, it.width())
	}
	tailW := 0.0
	for _, it := range tail {
		if it.op {
			tailW = max(tailW, it.width())
		}
	}

	const margin = 20.0
	spine := margin + 150.0    // x of the residual stream
	bx := spine + 50 + opW/2   // centre of the branch boxes
	frameR := bx + opW/2 + 140 // right edge of a block's frame
	loopX := frameR + 30       // x of the loop arrow
	w := loopX + 30 + margin

	// Three layers, so frames lie under lines and lines under boxes.
	under, mid, top := &canvas{}, &canvas{}, &canvas{}

	y := margin + 48
	in := box{spine - 60, y, 120, 40}
	top.rect(in.x, in.y, in.w, in.h, 7, "#ffffff", tfStroke, 1.4, 0)
	top.text(in.cx(), in.y+17, "token ids", textStyle{size: 12.5, fill: faint, anchor: "middle"})
	top.text(in.cx(), in.y+33, ShapeText([]int{t}), textStyle{size: 13, mono: true, bold: true, fill: tfStroke, anchor: "middle"})
	y += in.h + arrowGap

	emb := box{spine - 140, y, 300, 56}
	mid.line(in.cx(), in.bottom(), emb.cx(), emb.y-1, arrowInk, 1.4, true)
	top.rect(emb.x, emb.y, emb.w, emb.h, 7, tfFill, tfStroke, 1.4, 0)
	top.text(emb.x+12, emb.y+18, "embed: W_E[token] + W_pos[position]", textStyle{size: 13, bold: true})
	top.text(emb.x+12, emb.y+34, fmt.Sprintf("tables %s and %s", ShapeText([]int{v, d}), ShapeText([]int{t, d})), textStyle{size: 11.5, fill: faint})
	top.text(emb.x+12, emb.y+49, thousands(v*d+t*d)+" params", textStyle{size: 11.5, fill: faint})
	y = emb.bottom()
	streamTop := y
	top.text(spine-12, y+30, "residual stream", textStyle{size: 12.5, bold: true, fill: tfStroke, anchor: "end"})
	top.text(spine-12, y+46, ShapeText([]int{t, d}), textStyle{size: 13, mono: true, bold: true, fill: tfStroke, anchor: "end"})
	y += 60

	// sublayer draws one branch: off the stream, down through its boxes,
	// and added back into the stream at a ⊕. It returns the y below.
	sublayer := func(y float64, role string, items []item) float64 {
		forkY := y
		y += 20
		boxes := make([]box, len(items))
		for i, it := range items {
			boxes[i] = box{bx - opW/2, y, opW, it.height()}
			if i > 0 {
				mid.line(bx, boxes[i-1].bottom(), bx, boxes[i].y-1, arrowInk, 1.4, true)
			}
			top.rect(boxes[i].x, boxes[i].y, opW, boxes[i].h, 7, tfFill, tfStroke, 1.4, 0)
			top.text(boxes[i].x+12, y+18, it.title, textStyle{size: 13.5, bold: true})
			for k, l := range it.lines {
				top.text(boxes[i].x+12, y+18+opLine*float64(k+1), l, textStyle{size: 11.5, fill: faint})
			}
			y += boxes[i].h + 16
		}
		last := boxes[len(boxes)-1]
		joinY := y + 2
		mid.path(arrowInk, 1.4, true, spine, forkY, bx, forkY, bx, boxes[0].y-1)
		mid.path(arrowInk, 1.4, true, bx, last.bottom(), bx, joinY, spine+10, joinY)
		top.circle(spine, joinY, 9, "#ffffff", tfStroke)
		top.text(spine, joinY+5, "+", textStyle{size: 15, bold: true, fill: tfStroke, anchor: "middle"})
		top.text(bx+opW/2+12, (boxes[0].y+last.bottom())/2+4, role, textStyle{size: 12.5, bold: true, fill: faint})
		return joinY + 26
	}
	for l := range cfg.Layers {
		blockTop := y
		y += 30
		attnItems, ffnItems := []item{attn}, []item{ffn}
		if ln {
			attnItems = []item{lnItem(fmt.Sprintf("blocks.%d.ln1", l)), attn}
			ffnItems = []item{lnItem(fmt.Sprintf("blocks.%d.ln2", l)), ffn}
		}
		y = sublayer(y, "context sharing", attnItems)
		y = sublayer(y, "storyline", ffnItems)
		under.rect(spine-32, blockTop, frameR-(spine-32), y-blockTop-8, 10, blockFill, tfStroke, 1.2, 5)
		top.text(spine-22, blockTop+20, fmt.Sprintf("block %d of %d", l+1, cfg.Layers), textStyle{size: 13, bold: true, fill: tfStroke})
		y += 12
	}
	streamBottom := y
	mid.line(spine, streamTop, spine, streamBottom, tfStroke, 3, false)

	y += arrowGap
	tailX := spine + 40 + tailW/2
	mid.path(arrowInk, 1.4, true, spine, streamBottom, spine, streamBottom+arrowGap/2, tailX, streamBottom+arrowGap/2, tailX, y-1)
	yEnd, boxes := drawFlow(top, tailX, y, tailW, tail, tfFill, tfStroke)
	loopBox := boxes[len(boxes)-1]
	mid.path(loopInk, 2, true, loopBox.right(), loopBox.cy(), loopX, loopBox.cy(), loopX, in.cy(), in.right()+1, in.cy())
	top.text(loopX+16, (in.cy()+loopBox.cy())/2, "autoregressive loop: the new character goes back in",
		textStyle{size: 12.5, bold: true, fill: loopInk, anchor: "middle", rotate: true})
	top.text(w/2, margin+18, fmt.Sprintf("D5, layer by layer: %s parameters", thousands(TotalParams(TFStages(cfg, vocab)))),
		textStyle{size: 17, bold: true, fill: tfStroke, anchor: "middle"})

	c := &canvas{w: w, h: yEnd + margin}
	c.b.WriteString(under.b.String())
	c.b.WriteString(mid.b.String())
	c.b.WriteString(top.b.String())
	return c.svg("D5 layer by layer",
		fmt.Sprintf("The residual stream runs down the left; in each of the %d block(s) attention and then the FFN branch off it and are added back in; below, the unembedding, the choice of the next character, and a loop arrow back to the token ids.", cfg.Layers))
}
