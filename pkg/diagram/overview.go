package diagram

import (
	"fmt"
	"strconv"

	"tinynets/pkg/cnn"
	"tinynets/pkg/tf"
)

// row is one band of the overview: a role (and layer), with the stage of
// each network that does that job, if it has one.
type row struct {
	role     Role
	layer    int
	cnn, tf  *Stage
	cnnEmpty string // why D4 has nothing here
	tfEmpty  string // why D5 has nothing here
}

// label names a band in the seed's words (its first line) and says which
// layer and which section of the seed it is (its second line).
func (r row) label() (string, string) {
	switch r.role {
	case Input:
		return "input", "seed 2.1"
	case Embed:
		return "embed", "seed 2.1b"
	case Context:
		return "context sharing", fmt.Sprintf("layer %d · seed %s", r.layer, layerSection(r.layer, "1"))
	case Storyline:
		return "storyline", fmt.Sprintf("layer %d · seed %s", r.layer, layerSection(r.layer, "3"))
	case Logits:
		return "logits", "seed 2.4"
	case Label:
		return "select label", "seed 2.5"
	case Loop:
		return "autoregressive", "seed 2.6"
	}
	return r.role.String(), ""
}

// layerSection is the seed's section of a layer's job: 2.2.x for layer 1,
// 2.3.x for layer 2; the seed has no sections for deeper layers.
func layerSection(layer int, part string) string {
	if layer > 2 {
		return "as 2.3." + part
	}
	return "2." + strconv.Itoa(layer+1) + "." + part
}

// overviewRows pairs the stages of both networks by role and layer.
func overviewRows(d4, d5 []Stage, tfLayers int) []row {
	find := func(stages []Stage, role Role, layer int) *Stage {
		for i := range stages {
			if stages[i].Role == role && stages[i].Layer == layer {
				return &stages[i]
			}
		}
		return nil
	}
	rows := []row{{role: Input}, {role: Embed, cnnEmpty: "none: a pixel is a number already"}}
	layers := max(2, tfLayers)
	for l := 1; l <= layers; l++ {
		for _, role := range []Role{Context, Storyline} {
			r := row{role: role, layer: l}
			if l > 2 {
				r.cnnEmpty = "none: D4 has two layers"
			}
			if l > tfLayers {
				r.tfEmpty = "none: this D5 has one block"
				if tfLayers > 1 {
					r.tfEmpty = fmt.Sprintf("none: this D5 has %d blocks", tfLayers)
				}
			}
			rows = append(rows, r)
		}
	}
	rows = append(rows, row{role: Logits}, row{role: Label},
		row{role: Loop, cnnEmpty: "none: one image, one answer"})
	for i := range rows {
		rows[i].cnn = find(d4, rows[i].role, rows[i].layer)
		rows[i].tf = find(d5, rows[i].role, rows[i].layer)
	}
	return rows
}

// Overview draws D4 (left) and D5 (right) side by side, one band per job
// of the seed's map: input, embed, each layer's context sharing and
// storyline, logits, select label and the autoregressive loop. Every box
// gives the operation, its weights and the shape it outputs for one input
// (a digit, a window of cfg5.Block characters of a vocabulary of vocab).
// A band where a network does nothing says so. Overview panics if a
// configuration is invalid or vocab < 2.
func Overview(cfg4 cnn.Config, cfg5 tf.Config, vocab int) []byte {
	d4, d5 := CNNStages(cfg4), TFStages(cfg5, vocab)
	rows := overviewRows(d4, d5, cfg5.Layers)

	const (
		margin  = 16.0
		labelW  = 150.0
		gap     = 24.0
		rowH    = 78.0
		boxH    = 58.0
		headerH = 64.0
		loopW   = 56.0
	)
	colW := 230.0
	for _, r := range rows {
		for _, s := range []*Stage{r.cnn, r.tf} {
			if s != nil {
				colW = max(colW, boxWidth(*s))
			}
		}
	}
	x4 := margin + labelW
	x5 := x4 + colW + gap
	footer := fmt.Sprintf("Shapes for one input: (channels, rows, columns) in D4, "+
		"(positions, dims) in D5; a vocabulary of %d characters.", vocab)
	c := &canvas{w: max(x5+colW+loopW+margin, textWidth(footer, 11.5, regular)+2*margin),
		h: headerH + float64(len(rows))*rowH + 2*margin + 22}

	// Headers.
	top := margin
	c.text(x4+colW/2, top+20, "D4: tiny CNN", textStyle{size: 17, bold: true, fill: cnnStroke, anchor: "middle"})
	c.text(x4+colW/2, top+40, fmt.Sprintf("one digit · %s parameters", thousands(TotalParams(d4))), textStyle{size: 12.5, fill: faint, anchor: "middle"})
	c.text(x5+colW/2, top+20, "D5: tiny transformer", textStyle{size: 17, bold: true, fill: tfStroke, anchor: "middle"})
	c.text(x5+colW/2, top+40, fmt.Sprintf("one next character · %s parameters", thousands(TotalParams(d5))), textStyle{size: 12.5, fill: faint, anchor: "middle"})
	c.text(margin+8, top+40, "the seed's job", textStyle{size: 12.5, bold: true, fill: faint})

	// Bands, boxes and the arrows between boxes of one column.
	y0 := top + headerH
	var last4, last5 *box
	var first5, loop5 *box
	var empties []empty // drawn last, over the arrows that pass them
	for i, r := range rows {
		y := y0 + float64(i)*rowH
		fill := bandA
		if i%2 == 1 {
			fill = bandB
		}
		c.rect(margin, y, c.w-2*margin, rowH, 6, fill, "", 0, 0)
		name, where := r.label()
		c.text(margin+8, y+rowH/2-2, name, textStyle{size: 13.5, bold: true})
		c.text(margin+8, y+rowH/2+15, where, textStyle{size: 11.5, fill: faint})
		by := y + (rowH-boxH)/2
		if r.cnn != nil {
			b := stageBox(c, x4, by, colW, boxH, *r.cnn, cnnFill, cnnStroke)
			if last4 != nil {
				c.line(last4.cx(), last4.bottom(), b.cx(), b.y-1, cnnStroke, 1.6, true)
			}
			last4 = &b
		} else {
			empties = append(empties, empty{box{x4, by, colW, boxH}, r.cnnEmpty})
		}
		if r.tf != nil {
			b := stageBox(c, x5, by, colW, boxH, *r.tf, tfFill, tfStroke)
			if last5 != nil {
				c.line(last5.cx(), last5.bottom(), b.cx(), b.y-1, tfStroke, 1.6, true)
			}
			if first5 == nil {
				first5 = &b
			}
			if r.role == Loop {
				loop5 = &b
			}
			last5 = &b
		} else {
			empties = append(empties, empty{box{x5, by, colW, boxH}, r.tfEmpty})
		}
	}
	for _, e := range empties {
		emptyCell(c, e.box, e.why)
	}
	// The loop: from the last box back up into the input.
	if first5 != nil && loop5 != nil {
		xr := x5 + colW + loopW*0.4
		c.path(loopInk, 2, true, loop5.right(), loop5.cy(), xr, loop5.cy(), xr, first5.cy(), first5.right()+1, first5.cy())
		c.text(xr+16, (first5.cy()+loop5.cy())/2, "next step: the answer goes back in", textStyle{size: 12, bold: true, fill: loopInk, anchor: "middle", rotate: true})
	}
	c.text(c.w/2, c.h-margin, footer, textStyle{size: 11.5, fill: faint, anchor: "middle"})
	return c.svg("D4 (left) and D5 (right), job by job",
		"Two columns of boxes, D4's stages on the left and D5's on the right, in bands for input, embed, context sharing and storyline of each layer, logits, select label and the autoregressive loop; each box gives the operation and its output shape.")
}

// box is a drawn rectangle, for attaching arrows.
type box struct{ x, y, w, h float64 }

func (b box) cx() float64     { return b.x + b.w/2 }
func (b box) cy() float64     { return b.y + b.h/2 }
func (b box) bottom() float64 { return b.y + b.h }
func (b box) right() float64  { return b.x + b.w }

// boxWidth is the width a stage's box needs for its three lines of text.
func boxWidth(s Stage) float64 {
	w := max(textWidth(s.Op, 13.5, bold), textWidth(s.Detail, 11.5, regular),
		textWidth("→ "+s.Out(), 13, mono)+textWidth("00,000 params", 11.5, regular)+16)
	return w + 24
}

// stageBox draws a stage: its operation in bold, the detail under it, and
// on the last line its output shape (left) and parameter count (right).
func stageBox(c *canvas, x, y, w, h float64, s Stage, fill, stroke string) box {
	c.rect(x, y, w, h, 7, fill, stroke, 1.4, 0)
	c.text(x+12, y+18, s.Op, textStyle{size: 13.5, bold: true})
	c.text(x+12, y+34, s.Detail, textStyle{size: 11.5, fill: faint})
	c.text(x+12, y+51, "→ "+s.Out(), textStyle{size: 13, mono: true, bold: true, fill: stroke})
	if s.Params > 0 {
		c.text(x+w-10, y+51, thousands(s.Params)+" params", textStyle{size: 11.5, fill: faint, anchor: "end"})
	}
	return box{x, y, w, h}
}

// empty is a band where a network does nothing, and why.
type empty struct {
	box
	why string
}

// emptyCell marks a band where a network does nothing. It is opaque, so
// an arrow that passes it is seen to go behind it.
func emptyCell(c *canvas, b box, why string) {
	c.rect(b.x, b.y, b.w, b.h, 7, background, frame, 1.2, 4)
	c.text(b.cx(), b.cy()+4, why, textStyle{size: 12, italic: true, fill: faint, anchor: "middle"})
}

// thousands writes n with commas: 9098 is "9,098".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
