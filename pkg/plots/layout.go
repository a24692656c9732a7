package plots

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Text sizes, in points. At the intended display size (1pt = 4/3 CSS px)
// 9pt is 12px: the smallest text a reader should have to read.
const (
	titleSize   = 12
	labelSize   = 10
	tickSize    = 9
	captionSize = 9

	margin = vg.Length(6) // around the whole figure
)

// sans is the font of every text: Liberation Sans (metrics of Arial).
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// textStyle returns a style for text of the given size, anchored by the
// alignments.
func textStyle(size vg.Length, xa draw.XAlignment, ya draw.YAlignment) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(sans, size),
		XAlign:  xa,
		YAlign:  ya,
		Handler: plot.DefaultTextHandler,
	}
}

// builder places the parts of a figure in points, anywhere, and then makes
// a figure that fits them all, with a margin and an optional title.
type builder struct {
	parts []part
	grids []vg.Rectangle // recorded for tests, translated with the parts
	bar   vg.Rectangle
	data  vg.Rectangle
	chart *plot.Plot // the chart whose axis ranges are recorded, if any
}

// part is something drawn in a rectangle.
type part struct {
	r     vg.Rectangle
	paint func(c draw.Canvas, r vg.Rectangle)
}

func (b *builder) add(r vg.Rectangle, paint func(c draw.Canvas, r vg.Rectangle)) {
	b.parts = append(b.parts, part{r, paint})
}

// text adds str anchored at pt.
func (b *builder) text(sty text.Style, pt vg.Point, str string) {
	if str == "" {
		return
	}
	r := sty.Rectangle(str).Add(pt)
	b.add(r, func(c draw.Canvas, rr vg.Rectangle) {
		c.FillText(sty, pt.Add(rr.Min.Sub(r.Min)), str)
	})
}

// figure returns a figure that holds every part, with title centred above.
func (b *builder) figure(title string) *Figure {
	if len(b.parts) == 0 {
		panic("plots: internal error: empty figure")
	}
	u := b.parts[0].r
	for _, p := range b.parts[1:] {
		u = union(u, p.r)
	}
	if title != "" {
		sty := textStyle(titleSize, draw.XCenter, draw.YBottom)
		b.text(sty, vg.Point{X: (u.Min.X + u.Max.X) / 2, Y: u.Max.Y + 4}, title)
		u = union(u, b.parts[len(b.parts)-1].r)
	}
	shift := vg.Point{X: margin, Y: margin}.Sub(u.Min)
	parts := make([]part, len(b.parts))
	for i, p := range b.parts {
		parts[i] = part{p.r.Add(shift), p.paint}
	}
	f := &Figure{
		width:  u.Max.X - u.Min.X + 2*margin,
		height: u.Max.Y - u.Min.Y + 2*margin,
		paint: func(c draw.Canvas) {
			for _, p := range parts {
				p.paint(c, p.r)
			}
		},
	}
	for _, g := range b.grids {
		f.layout.grids = append(f.layout.grids, g.Add(shift))
	}
	f.layout.bar = b.bar.Add(shift)
	f.layout.data = b.data.Add(shift)
	if p := b.chart; p != nil {
		_, isLog := p.Y.Scale.(plot.LogScale)
		f.layout.xRange, f.layout.yRange, f.layout.logY = [2]float64{p.X.Min, p.X.Max}, [2]float64{p.Y.Min, p.Y.Max}, isLog
	}
	return f
}

func union(a, b vg.Rectangle) vg.Rectangle {
	return vg.Rectangle{
		Min: vg.Point{X: min(a.Min.X, b.Min.X), Y: min(a.Min.Y, b.Min.Y)},
		Max: vg.Point{X: max(a.Max.X, b.Max.X), Y: max(a.Max.Y, b.Max.Y)},
	}
}

func rect(x, y, w, h vg.Length) vg.Rectangle {
	return vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + w, Y: y + h}}
}

// sub returns the canvas c restricted to r.
func sub(c draw.Canvas, r vg.Rectangle) draw.Canvas {
	return draw.Canvas{Canvas: c.Canvas, Rectangle: r}
}

// fitPlot returns the size of a canvas on which p's data area is exactly
// w by h, and where that data area lies on it. The axes' size does not
// depend on the canvas size, except for the padding gonum adds so that
// tick labels are not clipped, so a few rounds settle it.
func fitPlot(p *plot.Plot, w, h vg.Length) (size vg.Point, data vg.Rectangle) {
	size = vg.Point{X: w + 60, Y: h + 60}
	for range 6 {
		dc := p.DataCanvas(draw.Canvas{Rectangle: vg.Rectangle{Max: size}})
		dw, dh := dc.Max.X-dc.Min.X, dc.Max.Y-dc.Min.Y
		data = dc.Rectangle
		if abs(dw-w) < 0.01 && abs(dh-h) < 0.01 {
			break
		}
		size.X += w - dw
		size.Y += h - dh
	}
	return size, data
}

func abs(x vg.Length) vg.Length {
	if x < 0 {
		return -x
	}
	return x
}

// styleAxes gives p's axes this package's fonts and thin tick marks.
func styleAxes(p *plot.Plot) {
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, labelSize)
		a.Tick.Label.Font = font.From(sans, tickSize)
		a.Tick.Length = 4
	}
	p.Y.Label.Padding = 4
	p.X.Label.Padding = 2
}
