package cnn

import (
	"fmt"
	"image"
)

// ReceptiveFields says which input pixels D4's deeper values depend on,
// worked out from the layer shapes by following a pixel interval back
// through each layer: a same-padded KxK convolution widens it by K/2 on
// each side, a 2x2 pool maps output row r to input rows 2r and 2r+1, and
// every layer clips it to its input.
type ReceptiveFields struct {
	// Conv2Side and Pool2Side are the sides of the square of input pixels
	// that one conv2 value and one pool2 value see away from the image's
	// border (8 and 10 for 3x3 kernels).
	Conv2Side, Pool2Side int
	// Conv2Inputs is the number of pool1 values one conv2 output value is
	// computed from, besides its bias: K·K·F1, 72 for the default D4.
	Conv2Inputs int

	cfg Config
}

// ReceptiveField returns the receptive fields of D4 with cfg's shape.
// ReceptiveField panics if cfg is not valid.
func ReceptiveField(cfg Config) ReceptiveFields {
	if err := cfg.Validate(); err != nil {
		panic("cnn: ReceptiveField: " + err.Error())
	}
	r := ReceptiveFields{cfg: cfg, Conv2Inputs: archOf(cfg).conv2().taps()}
	// Unclipped sides: follow [0, 0] back without the border.
	lo, hi := back(0, 0, layersBelow(cfg, "conv2"), false)
	r.Conv2Side = hi - lo + 1
	lo, hi = back(0, 0, layersBelow(cfg, "pool2"), false)
	r.Pool2Side = hi - lo + 1
	return r
}

// Conv2 returns the input pixels that conv2's value at (row, col) of its
// 14x14 map depends on, clipped to the 28x28 image: Min is the top-left
// pixel, Max one past the bottom-right, X the column and Y the row.
// Conv2 panics if (row, col) is outside the map.
func (r ReceptiveFields) Conv2(row, col int) image.Rectangle {
	return r.field("conv2", Side/2, row, col)
}

// Pool2 is Conv2 for pool2's value at (row, col) of its 7x7 map.
func (r ReceptiveFields) Pool2(row, col int) image.Rectangle {
	return r.field("pool2", Side/4, row, col)
}

func (r ReceptiveFields) field(layer string, side, row, col int) image.Rectangle {
	if row < 0 || row >= side || col < 0 || col >= side {
		panic(fmt.Sprintf("cnn: %s pixel (%d, %d) outside its %dx%d map", layer, row, col, side, side))
	}
	layers := layersBelow(r.cfg, layer)
	y0, y1 := back(row, row, layers, true)
	x0, x1 := back(col, col, layers, true)
	return image.Rect(x0, y0, x1+1, y1+1)
}

// step is one layer seen from above: a convolution (pad > 0 or 0) or a
// 2x2 pool, with the side of its input map.
type step struct {
	pool   bool
	pad    int
	inSide int
}

// layersBelow lists the layers under layer's output, top first.
func layersBelow(cfg Config, layer string) []step {
	pad := cfg.Kernel / 2
	all := []step{
		{pool: true, inSide: Side / 2}, // pool2: 14 -> 7
		{pad: pad, inSide: Side / 2},   // conv2: 14 -> 14
		{pool: true, inSide: Side},     // pool1: 28 -> 14
		{pad: pad, inSide: Side},       // conv1: 28 -> 28
	}
	if layer == "conv2" {
		return all[1:]
	}
	return all
}

// back maps the interval [lo, hi] of one layer's output rows (or columns)
// to the input rows it depends on, through layers.
func back(lo, hi int, layers []step, clip bool) (int, int) {
	for _, l := range layers {
		if l.pool {
			lo, hi = 2*lo, 2*hi+1
		} else {
			lo, hi = lo-l.pad, hi+l.pad
		}
		if clip {
			lo, hi = max(lo, 0), min(hi, l.inSide-1)
		}
	}
	return lo, hi
}
