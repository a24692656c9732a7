package plots

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"tinynets/pkg/tensor"
)

// maxTilesWidth caps the automatic width of a grid of tiles, in points.
const maxTilesWidth = 480

// Tiles draws small multiples: many grids of the same shape side by side,
// upright, with one colour scale shared by all of them and ONE colour bar,
// so that equal colours mean equal values across tiles.
//
// a is either (N, H, W), N tiles laid out in rows of Columns tiles (by
// default a near-square layout) captioned with their index unless
// Captions says otherwise; or (R, C, H, W), an R by C layout such as
// (classes, maps, H, W), with rows labelled by RowLabels and no captions
// unless Captions gives all R*C of them.
//
// The scale is chosen as for Heatmap, over the values of all tiles.
//
// Tiles takes the options Title, Signed, Unsigned, Greyscale, Palette,
// Range, ScaleLabel, CellSize, Columns (3-D only), Captions and RowLabels
// (4-D only). Tiles panics if a is not 3-D or 4-D with non-zero
// dimensions, if the number of captions or row labels is wrong, or if an
// option does not apply.
func Tiles(a tensor.Array, opts ...Option) *Figure {
	cfg := newConfig(kindTiles, opts)
	d := a.Dims()
	if (len(d) != 3 && len(d) != 4) || tensor.Size(d) == 0 {
		panic(fmt.Sprintf("plots: Tiles needs a non-empty (N, H, W) or (R, C, H, W) array, got shape %s", tensor.ShapeString(d)))
	}
	h, w := d[len(d)-2], d[len(d)-1]
	n := tensor.Size(d[:len(d)-2])
	var columns int
	switch len(d) {
	case 3:
		if cfg.rowLabels != nil {
			panic("plots: Tiles: RowLabels needs a 4-D (R, C, H, W) array, got shape " + tensor.ShapeString(d))
		}
		columns = cfg.columns
		if columns == 0 {
			columns = autoColumns(n)
		}
		if cfg.captions == nil {
			cfg.captions = indexCaptions(n)
		}
	case 4:
		if cfg.columns != 0 {
			panic("plots: Tiles: Columns does not apply to a 4-D array, whose layout is its (R, C) shape " + tensor.ShapeString(d))
		}
		columns = d[1]
		checkCount("Tiles: RowLabels", len(cfg.rowLabels), d[0], "rows of tiles", cfg.rowLabels != nil)
	}
	checkCount("Tiles: Captions", len(cfg.captions), n, "tiles", cfg.captions != nil)

	vals := a.Float64s()
	s := newScale(cfg, vals)
	cell := cfg.cell
	if cell == 0 {
		cell = min(max(72/vg.Length(max(h, w)), 2), 16)
		cell = max(min(cell, (maxTilesWidth/vg.Length(columns)-8)/vg.Length(w)), 1)
	}
	ts := tileSet{rows: h, cols: w, n: n, vals: vals, columns: columns, cell: cell,
		captions: cfg.captions, rowLabels: cfg.rowLabels,
		colorOf: func(int) cellColor { return scaleColors(s) }}
	var b builder
	box := ts.place(&b)
	anyMasked := false
	for _, v := range vals {
		anyMasked = anyMasked || masked(v)
	}
	colorBar{s: s, label: cfg.scaleLabel, masked: anyMasked}.place(&b, box.Max.X, box.Min.Y, box.Max.Y)
	return b.figure(cfg.title)
}

// Strip draws a row of small frames, such as the boards of a Game of
// Life run: frames is (N, H, W) with values in [0, 1], drawn white (0) to
// black (1). With Diff, cells that differ from a reference (such as the
// true next board) are drawn in a highlight colour instead. A key under
// the strip names the colours.
//
// The frames wrap onto further rows when they would not fit across a page
// (or after Columns frames). Each is captioned with its index unless
// Captions says otherwise.
//
// Strip takes the options Title, CellSize, Columns, Captions, Diff and
// ValueNames. Strip panics if frames is not a non-empty 3-D array, if the
// reference of Diff has another shape, if the number of captions is wrong,
// or if an option does not apply.
func Strip(frames tensor.Array, opts ...Option) *Figure {
	cfg := newConfig(kindStrip, opts)
	d := frames.Dims()
	if len(d) != 3 || tensor.Size(d) == 0 {
		panic(fmt.Sprintf("plots: Strip needs a non-empty (N, H, W) array of frames, got shape %s", tensor.ShapeString(d)))
	}
	n, h, w := d[0], d[1], d[2]
	if cfg.diff != nil && tensor.ShapeString(cfg.diffShape) != tensor.ShapeString(d) {
		panic(fmt.Sprintf("plots: Strip: Diff reference has shape %s, frames have shape %s",
			tensor.ShapeString(cfg.diffShape), tensor.ShapeString(d)))
	}
	if cfg.captions == nil {
		cfg.captions = indexCaptions(n)
	}
	checkCount("Strip: Captions", len(cfg.captions), n, "frames", true)

	s := scale{colors: toRGBA(Greys()), lo: 0, hi: 1}
	diffColor := markColor(s.colors)
	cell := cfg.cell
	if cell == 0 {
		cell = min(max(60/vg.Length(max(h, w)), 2), 12)
	}
	columns := cfg.columns
	if columns == 0 {
		columns = min(n, max(1, int(maxTilesWidth/(vg.Length(w)*cell+8))))
	}
	vals := frames.Float64s()
	anyMasked, anyDiff := false, false
	for i, v := range vals {
		anyMasked = anyMasked || masked(v)
		anyDiff = anyDiff || (cfg.diff != nil && math.Abs(v-cfg.diff[i]) >= 0.5)
	}
	ts := tileSet{rows: h, cols: w, n: n, vals: vals, columns: columns, cell: cell, captions: cfg.captions,
		colorOf: func(t int) cellColor {
			return func(i int, v float64) (colorRGBA, bool) {
				switch {
				case masked(v):
					return maskGround, true
				case cfg.diff != nil && math.Abs(v-cfg.diff[t*h*w+i]) >= 0.5:
					return diffColor, false
				}
				return s.color(v), false
			}
		}}
	var b builder
	box := ts.place(&b)

	// The key, under the strip.
	y := box.Min.Y - ts.captionHeight() - 8 - swatch
	x := box.Min.X
	x = keySwatch(&b, x, y, s.colors[0], false, cfg.valueNames[0]) + 10
	x = keySwatch(&b, x, y, s.colors[len(s.colors)-1], false, cfg.valueNames[1]) + 10
	if cfg.diff != nil {
		name := or(cfg.diffName, "differs")
		if !anyDiff {
			name += " (none)"
		}
		x = keySwatch(&b, x, y, diffColor, false, name) + 10
	}
	if anyMasked {
		keySwatch(&b, x, y, maskGround, true, "masked")
	}
	return b.figure(cfg.title)
}

// autoColumns returns a near-square number of columns for n tiles,
// preferring one that fills every row (8 tiles: 4 columns, 2 rows).
func autoColumns(n int) int {
	c0 := int(math.Ceil(math.Sqrt(float64(n))))
	for c := c0; c <= c0*3/2; c++ {
		if n%c == 0 {
			return c
		}
	}
	return c0
}

func indexCaptions(n int) []string {
	c := make([]string, n)
	for i := range c {
		c[i] = strconv.Itoa(i)
	}
	return c
}

// tileSet is n grids of rows by cols, laid out columns to a row.
type tileSet struct {
	rows, cols, n int
	vals          []float64 // vals is (n, rows, cols)
	columns       int
	cell          vg.Length
	captions      []string // one per tile, or nil
	rowLabels     []string // one per row of tiles, or nil
	colorOf       func(tile int) cellColor
}

func (ts tileSet) captionHeight() vg.Length {
	if ts.captions == nil {
		return 0
	}
	return textStyle(captionSize, draw.XCenter, draw.YTop).Height("Ag") + 2
}

// place adds the tiles, captions and row labels to b, the first tile's top
// left at (label width, 0), and returns the box the tiles span (captions
// and labels excluded).
func (ts tileSet) place(b *builder) vg.Rectangle {
	tw, th := vg.Length(ts.cols)*ts.cell, vg.Length(ts.rows)*ts.cell
	capSty := textStyle(captionSize, draw.XCenter, draw.YTop)
	gapX := vg.Length(8)
	for _, c := range ts.captions {
		gapX = max(gapX, capSty.Width(c)-tw+6)
	}
	capH := ts.captionHeight()
	gapY := vg.Length(8)
	labelSty := textStyle(captionSize, draw.XRight, draw.YCenter)
	left := vg.Length(0)
	for _, l := range ts.rowLabels {
		left = max(left, labelSty.Width(l)+6)
	}

	size := ts.rows * ts.cols
	var box vg.Rectangle
	for t := range ts.n {
		row, col := t/ts.columns, t%ts.columns
		x := left + vg.Length(col)*(tw+gapX)
		top := -vg.Length(row) * (th + capH + gapY)
		r := rect(x, top-th, tw, th)
		if t == 0 {
			box = r
		}
		box = union(box, r)
		b.grids = append(b.grids, r)
		g := grid{rows: ts.rows, cols: ts.cols, v: ts.vals[t*size : (t+1)*size]}
		colorOf := ts.colorOf(t)
		b.add(r, func(c draw.Canvas, r vg.Rectangle) { drawGrid(c, r, g, colorOf) })
		if ts.captions != nil {
			b.text(capSty, vg.Point{X: x + tw/2, Y: top - th - 2}, ts.captions[t])
		}
		if col == 0 && ts.rowLabels != nil {
			b.text(labelSty, vg.Point{X: x - 6, Y: top - th/2}, ts.rowLabels[row])
		}
	}
	return box
}
