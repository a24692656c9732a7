package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Bars draws a bar chart of values, one bar per label, such as the 10
// logits of a digit or the 8 probabilities of the next character. Bars
// grow up from zero for positive values and down for negative ones;
// non-finite values get no bar.
//
// Bars takes the options Title, XLabel, YLabel, Highlight and Annotate.
// Bars panics if there are no values, if labels and values differ in
// length, if Highlight is out of range, or if another option does not
// apply.
func Bars(labels []string, values []float64, opts ...Option) *Figure {
	cfg := newConfig(kindBars, opts)
	n := len(values)
	if n == 0 || len(labels) != n {
		panic(fmt.Sprintf("plots: Bars needs one label per value and at least one value: %d labels, %d values", len(labels), n))
	}
	if cfg.highlight < -1 || cfg.highlight >= n {
		panic(fmt.Sprintf("plots: Bars: Highlight(%d) is out of range for %d bars", cfg.highlight, n))
	}
	vals := append([]float64{}, values...)
	lo, hi := 0.0, 0.0
	for _, v := range vals {
		if !masked(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo == hi {
		hi = 1
	}
	pad := 0.06 * (hi - lo)
	if cfg.annotate != "" {
		pad = 0.12 * (hi - lo) // room for the numbers
	}
	if lo < 0 {
		lo -= pad
	}
	if hi > 0 {
		hi += pad
	}

	p := plot.New()
	p.BackgroundColor = nil
	styleAxes(p)
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Min, p.Y.Max = lo, hi
	p.X.Label.Text, p.Y.Label.Text = cfg.xLabel, cfg.yLabel
	ticks := make(plot.ConstantTicks, n)
	widest := vg.Length(0)
	for i, l := range labels {
		ticks[i] = plot.Tick{Value: float64(i), Label: l}
		widest = max(widest, p.X.Tick.Label.Width(l))
	}
	p.X.Tick.Marker = ticks
	p.X.Tick.Length = 0
	p.X.LineStyle.Width = 0 // the zero line is the baseline
	p.Y.Tick.Marker = niceTicks{}
	slot := vg.Length(26)
	w := min(max(vg.Length(n)*slot, 160), maxGridSide)
	if widest > w/vg.Length(n)-2 { // labels would collide: slant them
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal = draw.LineStyle{Color: rgb(225, 225, 225), Width: 0.5}
	p.Add(grid, &bars{values: vals, highlight: cfg.highlight, annotate: cfg.annotate})

	size, data := fitPlot(p, w, 150)
	var b builder
	b.add(rect(0, 0, size.X, size.Y), func(c draw.Canvas, r vg.Rectangle) { p.Draw(sub(c, r)) })
	b.data, b.chart = data, p
	return b.figure(cfg.title)
}

// bars is a plot.Plotter of bars from zero, one colour per bar.
type bars struct {
	values    []float64
	highlight int
	annotate  string
}

func (bs *bars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	y0 := trY(0)
	sty := textStyle(tickSize, draw.XCenter, draw.YBottom)
	for i, v := range bs.values {
		if masked(v) {
			continue
		}
		clr := barColor
		if i == bs.highlight {
			clr = highlightColor
		}
		x0, x1 := trX(float64(i)-0.38), trX(float64(i)+0.38)
		y1 := trY(v)
		r := vg.Rectangle{Min: vg.Point{X: x0, Y: min(y0, y1)}, Max: vg.Point{X: x1, Y: max(y0, y1)}}
		c.SetColor(clr)
		c.Fill(r.Path())
		if bs.annotate != "" {
			s := sty
			pt := vg.Point{X: (x0 + x1) / 2, Y: y1 + 2}
			if v < 0 {
				s.YAlign = draw.YTop
				pt.Y = y1 - 2
			}
			c.FillText(s, pt, fmt.Sprintf(bs.annotate, v))
		}
	}
	// The zero line.
	c.StrokeLine2(draw.LineStyle{Color: black, Width: 0.75}, c.Min.X, y0, c.Max.X, y0)
}

// Series is one line of a line plot: the points (X[i], Y[i]). If X is nil
// the points are at x = 0, 1, 2, ....
type Series struct {
	Name string // shown in the legend if not empty
	X, Y []float64
}

// Lines draws one or more series as lines, such as the loss per epoch of
// two models, or a function curve (GELU). Non-finite points (and, with
// LogY, points with y <= 0) cannot be drawn: they are left out and the
// line breaks there (a point left alone is drawn as a marker). Named
// series get a legend, in the corner of the plot that the lines cross
// least.
//
// Lines takes the options Title, XLabel, YLabel, LogY and Markers.
// Lines panics if a series has X and Y of different lengths, if there is
// no point to draw, or if another option does not apply.
func Lines(series []Series, opts ...Option) *Figure {
	cfg := newConfig(kindLines, opts)
	type run struct {
		series int
		pts    plotter.XYs
	}
	var runs []run
	xInts := true
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for si, s := range series {
		if s.X != nil && len(s.X) != len(s.Y) {
			panic(fmt.Sprintf("plots: Lines: series %d (%q) has %d x values and %d y values", si, s.Name, len(s.X), len(s.Y)))
		}
		var cur plotter.XYs
		flush := func() {
			if len(cur) > 0 {
				runs = append(runs, run{si, cur})
				cur = nil
			}
		}
		for i, y := range s.Y {
			x := float64(i)
			if s.X != nil {
				x = s.X[i]
			}
			if masked(x) || masked(y) || (cfg.logY && y <= 0) {
				flush()
				continue
			}
			cur = append(cur, plotter.XY{X: x, Y: y})
			xInts = xInts && x == math.Trunc(x)
			xlo, xhi, ylo, yhi = math.Min(xlo, x), math.Max(xhi, x), math.Min(ylo, y), math.Max(yhi, y)
		}
		flush()
	}
	if len(runs) == 0 {
		panic("plots: Lines has no point to draw")
	}

	p := plot.New()
	p.BackgroundColor = nil
	styleAxes(p)
	p.X.Label.Text, p.Y.Label.Text = cfg.xLabel, cfg.yLabel
	if xlo == xhi {
		xlo, xhi = xlo-1, xhi+1
	}
	p.X.Min, p.X.Max = xlo, xhi
	p.X.Tick.Marker = niceTicks{integers: xInts}
	if cfg.logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
		p.Y.Min, p.Y.Max = roundDown125(ylo), roundUp125(yhi)
		if p.Y.Min == p.Y.Max {
			p.Y.Min, p.Y.Max = p.Y.Min/2, p.Y.Max*2
		}
	} else {
		if ylo == yhi {
			ylo, yhi = ylo-1, yhi+1
		}
		pad := 0.05 * (yhi - ylo)
		p.Y.Min, p.Y.Max = ylo-pad, yhi+pad
		p.Y.Tick.Marker = niceTicks{}
	}
	grid := plotter.NewGrid()
	grid.Vertical = draw.LineStyle{Color: rgb(232, 232, 232), Width: 0.5}
	grid.Horizontal = grid.Vertical
	p.Add(grid)

	legendDone := make([]bool, len(series))
	for _, r := range runs {
		clr := seriesColors[r.series%len(seriesColors)]
		l, err := plotter.NewLine(r.pts)
		if err != nil {
			panic("plots: internal error: " + err.Error()) // points were checked finite
		}
		l.LineStyle = draw.LineStyle{Color: clr, Width: 1.5}
		p.Add(l)
		thumbs := []plot.Thumbnailer{l}
		if cfg.markers || len(r.pts) == 1 { // a lone point has no line to show it
			sc, err := plotter.NewScatter(r.pts)
			if err != nil {
				panic("plots: internal error: " + err.Error())
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: clr, Radius: 2, Shape: draw.CircleGlyph{}}
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		if name := series[r.series].Name; name != "" && !legendDone[r.series] {
			legendDone[r.series] = true
			p.Legend.Add(name, thumbs...)
		}
	}

	w, h := vg.Length(300), vg.Length(170)
	p.Legend.TextStyle.Font = font.From(sans, captionSize)
	p.Legend.ThumbnailWidth = 18
	p.Legend.Padding = 2
	lines := make([]plotter.XYs, len(runs))
	for i, r := range runs {
		lines[i] = r.pts
	}
	placeLegend(p, lines, w, h, series)

	size, data := fitPlot(p, w, h)
	var b builder
	b.add(rect(0, 0, size.X, size.Y), func(c draw.Canvas, r vg.Rectangle) { p.Draw(sub(c, r)) })
	b.data, b.chart = data, p
	return b.figure(cfg.title)
}

// placeLegend puts p's legend in the corner of the w by h data area that
// the lines pass through least: top right, top left, bottom right, bottom
// left, in that order of preference on a tie.
func placeLegend(p *plot.Plot, runs []plotter.XYs, w, h vg.Length, series []Series) {
	names := 0
	lw := vg.Length(0)
	for _, s := range series {
		if s.Name != "" {
			names++
			lw = max(lw, p.Legend.TextStyle.Width(s.Name))
		}
	}
	if names == 0 {
		return
	}
	lw += p.Legend.ThumbnailWidth + 14
	lh := vg.Length(names)*p.Legend.TextStyle.Height("Ag") + 10
	fw, fh := float64(lw/w), float64(lh/h) // legend size as a fraction of the data area

	// Sample each line finely in data-area fractions.
	var pts [][2]float64
	for _, r := range runs {
		for i := range r {
			a := r[i]
			bpt := a
			if i+1 < len(r) {
				bpt = r[i+1]
			}
			for k := range 16 {
				t := float64(k) / 16
				x := p.X.Norm(a.X + t*(bpt.X-a.X))
				y := p.Y.Norm(a.Y + t*(bpt.Y-a.Y))
				pts = append(pts, [2]float64{x, y})
			}
		}
	}
	type corner struct{ top, left bool }
	best, bestN := corner{true, false}, -1
	for _, cn := range []corner{{true, false}, {true, true}, {false, false}, {false, true}} {
		x0, y0 := 1-fw, 1-fh
		if cn.left {
			x0 = 0
		}
		if !cn.top {
			y0 = 0
		}
		count := 0
		for _, q := range pts {
			if q[0] >= x0 && q[0] <= x0+fw && q[1] >= y0 && q[1] <= y0+fh {
				count++
			}
		}
		if bestN < 0 || count < bestN {
			best, bestN = cn, count
		}
	}
	p.Legend.Top, p.Legend.Left = best.top, best.left
	p.Legend.XOffs, p.Legend.YOffs = -4, -4
	if best.left {
		p.Legend.XOffs = 4
	}
	if !best.top {
		p.Legend.YOffs = 4
	}
}
