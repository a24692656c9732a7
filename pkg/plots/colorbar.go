package plots

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

const (
	barWidth  = vg.Length(10) // width of the colour bar's gradient
	barGap    = vg.Length(10) // between the grids and the colour bar
	barMinLen = vg.Length(70) // shortest gradient, so ticks do not crowd
	swatch    = vg.Length(9)  // side of a key swatch
)

// colorBar is the key of a grid figure: a vertical gradient with tick
// labels on its right and an optional label, and a "masked" swatch below
// when the grids have masked cells.
type colorBar struct {
	s      scale
	label  string
	masked bool
}

// place adds the colour bar to b, beside grids whose right edge is at x and
// which span y0 to y1 vertically.
func (k colorBar) place(b *builder, x, y0, y1 vg.Length) {
	if y1-y0 < barMinLen {
		mid := (y0 + y1) / 2
		y0, y1 = mid-barMinLen/2, mid+barMinLen/2
	}
	x += barGap
	r := rect(x, y0, barWidth, y1-y0)
	b.bar = r
	s := k.s
	b.add(r, func(c draw.Canvas, r vg.Rectangle) {
		cb := &plotter.ColorBar{ColorMap: &colorMap{s}, Vertical: true, Colors: 256}
		p := plot.New()
		p.Add(cb) // sets the data range the bar is drawn on
		cb.Plot(sub(c, r), p)
		frame(c, r)
	})

	// Ticks on the right, labels beside them.
	tickSty := draw.LineStyle{Color: black, Width: 0.5}
	labelSty := textStyle(tickSize, draw.XLeft, draw.YCenter)
	labelsRight := x + barWidth + 3
	n := min(max(int((y1-y0)/35), 3), 6) // labels about 35pt apart
	for _, t := range (niceTicks{n: n}).Ticks(s.lo, s.hi) {
		label := t.Label
		y := y0 + vg.Length((t.Value-s.lo)/(s.hi-s.lo))*(y1-y0)
		b.add(rect(x+barWidth, y-0.25, 3, 0.5), func(c draw.Canvas, r vg.Rectangle) {
			yy := (r.Min.Y + r.Max.Y) / 2
			c.StrokeLine2(tickSty, r.Min.X, yy, r.Max.X, yy)
		})
		pt := vg.Point{X: x + barWidth + 5, Y: y}
		b.text(labelSty, pt, label)
		labelsRight = max(labelsRight, pt.X+labelSty.Width(label))
	}
	if k.label != "" {
		sty := textStyle(labelSize, draw.XCenter, draw.YTop)
		sty.Rotation = math.Pi / 2
		b.text(sty, vg.Point{X: labelsRight + 4, Y: (y0 + y1) / 2}, k.label)
	}
	if k.masked {
		keySwatch(b, x, y0-6-swatch, maskGround, true, "masked")
	}
}

// keySwatch adds a square swatch of colour clr (hatched if isMasked) with
// its bottom left at (x, y), and name beside it. It returns the x just
// right of the name.
func keySwatch(b *builder, x, y vg.Length, clr colorRGBA, isMasked bool, name string) vg.Length {
	b.add(rect(x, y, swatch, swatch), func(c draw.Canvas, r vg.Rectangle) {
		c.SetColor(clr)
		c.Fill(r.Path())
		if isMasked {
			hatch(c, r.Min, r, swatch)
		}
		frame(c, r)
	})
	sty := textStyle(captionSize, draw.XLeft, draw.YCenter)
	b.text(sty, vg.Point{X: x + swatch + 3, Y: y + swatch/2}, name)
	return x + swatch + 3 + sty.Width(name)
}
