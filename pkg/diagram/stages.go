// Package diagram draws the book's maps of D4 and D5 as SVG: boxes and
// arrows with the real shape of every stage, worked out from the models'
// configurations, so that a drawing follows any change of a parameter.
//
// CNNStages and TFStages list the stages of each network by the job the
// seed gives them (input, context sharing, storyline, logits, label, the
// autoregressive loop); Overview, MainLoop, CNNLayers and TFLayers draw
// them. The drawings are deterministic: the same configuration gives the
// same bytes. Each paints its own opaque light background, so it reads
// the same on a light page and a dark one.
//
// The package computes shapes from a configuration and never runs a
// model; its tests hold every shape and parameter count to the models'
// own forward passes.
package diagram

import (
	"fmt"
	"strconv"
	"strings"

	"tinynets/pkg/cnn"
	"tinynets/pkg/tf"
)

// Role is the job a stage does in the seed's map of both networks.
type Role int

// The roles, in the order data meets them.
const (
	Input     Role = iota // 2.1: the numbers that go in
	Embed                 // 2.1b: token ids become vectors (D5 only)
	Context               // 2.2.1, 2.3.1: context sharing (convolution, attention)
	Storyline             // 2.2.3, 2.3.3: storyline computation (ReLU and pool, FFN)
	Logits                // 2.4: one score per class
	Label                 // 2.5: pick the class
	Loop                  // 2.6: feed the answer back in (D5 only)
)

// String returns the role in the seed's words.
func (r Role) String() string {
	switch r {
	case Input:
		return "input"
	case Embed:
		return "embed"
	case Context:
		return "context sharing"
	case Storyline:
		return "storyline"
	case Logits:
		return "logits"
	case Label:
		return "select label"
	case Loop:
		return "autoregressive"
	}
	return "Role(" + strconv.Itoa(int(r)) + ")"
}

// Stage is one step of a network, as the diagrams draw it.
type Stage struct {
	Role   Role
	Layer  int    // 1, 2, ... for Context and Storyline; 0 otherwise
	Op     string // what the stage computes, in the field's words
	Detail string // a second line: a weight shape or an inner shape
	Shape  []int  // the shape of the stage's output, PyTorch layout, one input
	Result string // what comes out, if it is a choice rather than a tensor
	Params int    // weights and biases the stage holds
}

// Out returns what the stage outputs: its Result if it has one, else its
// shape written as "8 × 28 × 28".
func (s Stage) Out() string {
	if s.Result != "" {
		return s.Result
	}
	return ShapeText(s.Shape)
}

// ShapeText writes a shape with multiplication signs: (8, 28, 28) is
// "8 × 28 × 28". An empty shape is a single number, "1".
func ShapeText(shape []int) string {
	if len(shape) == 0 {
		return "1"
	}
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, " × ")
}

// CNNStages returns D4's stages for cfg: the image, two layers of
// convolution (context sharing) then ReLU and 2x2 max pool (storyline),
// the fully connected classifier and the choice of a digit. Shapes are
// PyTorch's (C, H, W) for one image. CNNStages panics if cfg's shape is
// not valid (see cnn.Config.Validate).
func CNNStages(cfg cnn.Config) []Stage {
	if err := cfg.Validate(); err != nil {
		panic("diagram: CNNStages: " + err.Error())
	}
	const side = cnn.Side
	k, f1, f2 := cfg.Kernel, cfg.Filters1, cfg.Filters2
	flat := f2 * (side / 4) * (side / 4)
	return []Stage{
		{Role: Input, Op: "image", Detail: "grey levels in [0, 1]", Shape: []int{1, side, side}},
		{Role: Context, Layer: 1, Op: fmt.Sprintf("conv %d×%d, %d filters", k, k, f1),
			Detail: "weights " + ShapeText([]int{f1, 1, k, k}) + ", same padding", Shape: []int{f1, side, side}, Params: f1*k*k + f1},
		{Role: Storyline, Layer: 1, Op: "ReLU, 2×2 max pool", Detail: "keeps 1 value of every 4", Shape: []int{f1, side / 2, side / 2}},
		{Role: Context, Layer: 2, Op: fmt.Sprintf("conv %d×%d, %d filters", k, k, f2),
			Detail: "weights " + ShapeText([]int{f2, f1, k, k}) + ", same padding", Shape: []int{f2, side / 2, side / 2}, Params: f2*f1*k*k + f2},
		{Role: Storyline, Layer: 2, Op: "ReLU, 2×2 max pool", Detail: "keeps 1 value of every 4", Shape: []int{f2, side / 4, side / 4}},
		{Role: Logits, Op: "flatten, fully connected", Detail: fmt.Sprintf("%d inputs, weights %s", flat, ShapeText([]int{cnn.Classes, flat})),
			Shape: []int{cnn.Classes}, Params: cnn.Classes*flat + cnn.Classes},
		{Role: Label, Op: "softmax, argmax", Detail: "the largest logit wins", Shape: []int{}, Result: fmt.Sprintf("1 of %d digits", cnn.Classes)},
	}
}

// TFStages returns D5's stages for cfg and a vocabulary of vocab
// characters, reading a full window of cfg.Block tokens: the token ids,
// the embedding, then per block attention (context sharing) and the FFN
// (storyline), each added into the residual stream, the unembedding, the
// choice of the next character and the loop that appends it. Shapes are
// TransformerLens's for one window, batch dimension dropped. TFStages
// panics if cfg is not valid or vocab < 2.
func TFStages(cfg tf.Config, vocab int) []Stage {
	if err := cfg.Validate(); err != nil {
		panic("diagram: TFStages: " + err.Error())
	}
	if vocab < 2 {
		panic(fmt.Sprintf("diagram: TFStages: a vocabulary of %d characters; want at least 2", vocab))
	}
	t, d, h, ff, v := cfg.Block, cfg.DModel, cfg.Heads, cfg.FF, vocab
	ln := 0
	if cfg.Norm == "ln" {
		ln = 2 * d // a LayerNorm's gain and bias
	}
	heads := "1 head"
	if h > 1 {
		heads = fmt.Sprintf("%d heads", h)
	}
	stages := []Stage{
		{Role: Input, Op: "token ids", Detail: fmt.Sprintf("a window of %d characters", t), Shape: []int{t}},
		{Role: Embed, Op: "W_E[token] + W_pos[position]", Detail: "tables " + ShapeText([]int{v, d}) + " and " + ShapeText([]int{t, d}),
			Shape: []int{t, d}, Params: v*d + t*d},
	}
	for l := 1; l <= cfg.Layers; l++ {
		stages = append(stages,
			Stage{Role: Context, Layer: l, Op: "attention, " + heads, Detail: "pattern " + ShapeText([]int{h, t, t}) + "; added to the stream",
				Shape: []int{t, d}, Params: ln + 4*d*d + 4*d},
			Stage{Role: Storyline, Layer: l, Op: fmt.Sprintf("FFN %d → %d → %d, GELU", d, ff, d), Detail: "hidden " + ShapeText([]int{t, ff}) + "; added to the stream",
				Shape: []int{t, d}, Params: ln + 2*d*ff + ff + d})
	}
	unembed := "W_U"
	if cfg.Norm == "ln" {
		unembed = "LayerNorm, W_U"
	}
	return append(stages,
		Stage{Role: Logits, Op: unembed, Detail: fmt.Sprintf("weights %s; last row: next character", ShapeText([]int{d, v})),
			Shape: []int{t, v}, Params: ln + d*v + v},
		Stage{Role: Label, Op: "softmax, argmax", Detail: "the largest logit wins", Shape: []int{}, Result: fmt.Sprintf("1 of %d characters", v)},
		Stage{Role: Loop, Op: "append, slide the window", Detail: fmt.Sprintf("keep the last %d characters", t), Shape: []int{t}},
	)
}

// TotalParams returns the parameters of all stages.
func TotalParams(stages []Stage) int {
	n := 0
	for _, s := range stages {
		n += s.Params
	}
	return n
}
