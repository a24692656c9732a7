package plots

import (
	"fmt"
	"image"
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"tinynets/pkg/tensor"
)

// grid is a 2-D view of values, row 0 at the top as in an image.
type grid struct {
	rows, cols int
	v          []float64 // v is (rows, cols)
}

// gridOf copies a 2-D array into a grid.
// gridOf panics, naming fn, if a is not 2-D or is empty.
func gridOf(fn string, a tensor.Array) grid {
	d := a.Dims()
	if len(d) != 2 || d[0] == 0 || d[1] == 0 {
		panic(fmt.Sprintf("plots: %s needs a non-empty 2-D (rows, cols) grid, got shape %s", fn, tensor.ShapeString(d)))
	}
	return grid{rows: d[0], cols: d[1], v: a.Float64s()}
}

// cellRect returns the rectangle of cell (row, col) of g drawn in r.
func cellRect(r vg.Rectangle, g grid, row, col int) vg.Rectangle {
	w := (r.Max.X - r.Min.X) / vg.Length(g.cols)
	h := (r.Max.Y - r.Min.Y) / vg.Length(g.rows)
	return rect(r.Min.X+vg.Length(col)*w, r.Max.Y-vg.Length(row+1)*h, w, h)
}

// cellColor returns the colour of cell i (row-major) and whether it is
// drawn instead as masked.
type cellColor func(i int, v float64) (c colorRGBA, isMasked bool)

// scaleColors colours cells by s, masking non-finite values.
func scaleColors(s scale) cellColor {
	return func(_ int, v float64) (colorRGBA, bool) {
		if masked(v) {
			return maskGround, true
		}
		return s.color(v), false
	}
}

// drawGrid draws the cells of g in r, upright (row 0 at the top), masked
// cells hatched, and a thin frame around them.
//
// The cells are one raster image with about one image pixel per device
// pixel (k by k pixels per cell), so cells have no seams between them and
// stay sharp when the image is scaled to the device.
func drawGrid(c draw.Canvas, r vg.Rectangle, g grid, colorOf cellColor) {
	cw := (r.Max.X - r.Min.X) / vg.Length(g.cols)
	ch := (r.Max.Y - r.Min.Y) / vg.Length(g.rows)
	kx := max(1, int(math.Ceil(cw.Dots(DPI))))
	ky := max(1, int(math.Ceil(ch.Dots(DPI))))
	img := image.NewRGBA(image.Rect(0, 0, g.cols*kx, g.rows*ky))
	var hatched []int
	for row := range g.rows {
		for col := range g.cols {
			i := row*g.cols + col
			clr, isMasked := colorOf(i, g.v[i])
			if isMasked {
				hatched = append(hatched, i)
			}
			for y := row * ky; y < (row+1)*ky; y++ {
				off := img.PixOffset(col*kx, y)
				for x := 0; x < kx; x++ {
					p := img.Pix[off+4*x : off+4*x+4 : off+4*x+4]
					p[0], p[1], p[2], p[3] = clr.R, clr.G, clr.B, clr.A
				}
			}
		}
	}
	c.DrawImage(r, img)
	for _, i := range hatched {
		hatch(c, r.Min, cellRect(r, g, i/g.cols, i%g.cols), min(cw, ch))
	}
	frame(c, r)
}

// hatch draws diagonal lines across cell, with a phase taken from origin
// so that the lines of neighbouring masked cells join up.
func hatch(c draw.Canvas, origin vg.Point, cell vg.Rectangle, side vg.Length) {
	sp := min(max(side/3, 2.5), 5) // line spacing
	sty := draw.LineStyle{Color: maskLine, Width: 0.7}
	x0, x1 := cell.Min.X-origin.X, cell.Max.X-origin.X
	y0, y1 := cell.Min.Y-origin.Y, cell.Max.Y-origin.Y
	// Lines x - y = n*sp, clipped to the cell.
	for n := int(math.Ceil(float64((x0 - y1) / sp))); vg.Length(n)*sp <= x1-y0; n++ {
		k := vg.Length(n) * sp
		lo, hi := max(x0, y0+k), min(x1, y1+k)
		if hi <= lo {
			continue
		}
		c.StrokeLine2(sty, origin.X+lo, origin.Y+lo-k, origin.X+hi, origin.Y+hi-k)
	}
}

// frame strokes a thin dark outline around r.
func frame(c draw.Canvas, r vg.Rectangle) {
	outline(c, r, draw.LineStyle{Color: rgb(60, 60, 60), Width: 0.5})
}

// outline strokes the outline of r. The path starts and ends half way
// along the bottom edge: gonum's image canvas does not join a path's end to
// its start, which would leave a notch in a corner.
func outline(c draw.Canvas, r vg.Rectangle, sty draw.LineStyle) {
	mid := vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: r.Min.Y}
	var p vg.Path
	p.Move(mid)
	p.Line(vg.Point{X: r.Max.X, Y: r.Min.Y})
	p.Line(r.Max)
	p.Line(vg.Point{X: r.Min.X, Y: r.Max.Y})
	p.Line(r.Min)
	p.Line(mid)
	c.SetLineStyle(sty)
	c.Stroke(p)
}
