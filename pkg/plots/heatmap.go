package plots

import (
	"fmt"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"tinynets/pkg/tensor"
)

// maxGridSide caps the automatic size of a heatmap, in points.
const maxGridSide = 480

// Heatmap draws a 2-D (rows, cols) grid upright, with square cells and a
// colour bar: row 0 at the top, so an MNIST digit stands as written.
//
// The scale is signed (diverging, centred on zero) if any finite value is
// negative, unsigned (sequential) otherwise, unless Signed, Unsigned or
// Greyscale says which. Masked values (NaN, ±Inf) are hatched and keyed
// "masked", never coloured as values.
//
// Heatmap takes the options Title, XLabel, YLabel, XTicks, YTicks, Signed,
// Unsigned, Greyscale, Palette, Range, ScaleLabel, CellSize, Annotate and
// Outline. Heatmap panics if a is not a non-empty 2-D array, if tick
// labels do not match the grid, if an outline does not fit in the grid,
// or if another option does not apply.
func Heatmap(a tensor.Array, opts ...Option) *Figure {
	cfg := newConfig(kindHeatmap, opts)
	g := gridOf("Heatmap", a)
	checkCount("Heatmap: XTicks", len(cfg.xTicks), g.cols, "columns", cfg.xTicks != nil)
	checkCount("Heatmap: YTicks", len(cfg.yTicks), g.rows, "rows", cfg.yTicks != nil)
	for _, o := range cfg.outlines {
		if o.rows < 1 || o.cols < 1 || o.row < 0 || o.col < 0 || o.row+o.rows > g.rows || o.col+o.cols > g.cols {
			panic(fmt.Sprintf("plots: Heatmap: Outline(%d, %d, %d, %d) does not fit in a %dx%d grid",
				o.row, o.col, o.rows, o.cols, g.rows, g.cols))
		}
	}
	return heatmapFigure(cfg, g, newScale(cfg, g.v))
}

// Confusion draws a confusion matrix: counts[i][j] is the number of
// examples of true class labels[i] predicted as labels[j]. Rows are true
// classes (top to bottom), columns predicted classes, each cell is
// annotated with its count, and the scale is sequential (Blues) from 0.
//
// Confusion takes the options Title, XLabel (default "predicted"), YLabel
// (default "true"), Palette, ScaleLabel (default "count"), CellSize and
// Annotate (default "%.0f"). Confusion panics if counts is not a square
// matrix with one row per label, or if another option does not apply.
func Confusion(labels []string, counts [][]int, opts ...Option) *Figure {
	cfg := newConfig(kindConfusion, opts)
	n := len(labels)
	if n == 0 || len(counts) != n {
		panic(fmt.Sprintf("plots: Confusion needs one row of counts per label: %d labels, %d rows", n, len(counts)))
	}
	g := grid{rows: n, cols: n, v: make([]float64, 0, n*n)}
	for i, row := range counts {
		if len(row) != n {
			panic(fmt.Sprintf("plots: Confusion: row %d has %d counts, want %d (one per label)", i, len(row), n))
		}
		for _, c := range row {
			g.v = append(g.v, float64(c))
		}
	}
	cfg.scale = scaleUnsigned
	cfg.xTicks = append([]string{}, labels...)
	cfg.yTicks = cfg.xTicks
	if cfg.palette == nil {
		cfg.palette = toRGBA(Blues())
	}
	cfg.xLabel = or(cfg.xLabel, "predicted")
	cfg.yLabel = or(cfg.yLabel, "true")
	cfg.scaleLabel = or(cfg.scaleLabel, "count")
	cfg.annotate = or(cfg.annotate, "%.0f")
	if cfg.cell == 0 {
		cfg.cell = autoCell(n, n, 260, 4, 40) // room for 4-digit counts
	}
	return heatmapFigure(cfg, g, newScale(cfg, g.v))
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// checkCount panics if a list of labels given for a grid has the wrong length.
func checkCount(what string, got, want int, noun string, given bool) {
	if given && got != want {
		panic(fmt.Sprintf("plots: %s has %d labels for %d %s", what, got, want, noun))
	}
}

// autoCell returns a cell side that makes a grid of rows by cols about
// target points on its long side, within [lo, hi], and no more than
// maxGridSide on either side.
func autoCell(rows, cols int, target, lo, hi vg.Length) vg.Length {
	n := vg.Length(max(rows, cols))
	cell := min(max(target/n, lo), hi)
	return min(cell, maxGridSide/n)
}

func heatmapFigure(cfg config, g grid, s scale) *Figure {
	cell := cfg.cell
	if cell == 0 {
		cell = autoCell(g.rows, g.cols, 200, 4, 40)
	}
	w, h := vg.Length(g.cols)*cell, vg.Length(g.rows)*cell

	// The axes are a gonum plot with no plotters, whose data area is the
	// grid: x from -0.5 to cols-0.5 and y inverted, so that row 0 is on top.
	p := plot.New()
	p.BackgroundColor = nil
	styleAxes(p)
	p.X.Min, p.X.Max = -0.5, float64(g.cols)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(g.rows)-0.5
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
	p.X.Padding, p.Y.Padding = 0, 0
	// Labels need room: x labels their width, y labels their height.
	widest := p.X.Tick.Label.Width(strconv.Itoa(g.cols - 1))
	for _, l := range cfg.xTicks {
		widest = max(widest, p.X.Tick.Label.Width(l))
	}
	p.X.Tick.Marker = indexTicks{g.cols, cfg.xTicks, minLabelStep(widest, cell)}
	p.Y.Tick.Marker = indexTicks{g.rows, cfg.yTicks, minLabelStep(p.Y.Tick.Label.Height("0"), cell)}
	p.X.Label.Text, p.Y.Label.Text = cfg.xLabel, cfg.yLabel

	size, data := fitPlot(p, w, h)
	var b builder
	b.add(rect(0, 0, size.X, size.Y), func(c draw.Canvas, r vg.Rectangle) { p.Draw(sub(c, r)) })
	b.grids = append(b.grids, data)

	anyMasked := false
	for _, v := range g.v {
		anyMasked = anyMasked || masked(v)
	}
	b.add(data, func(c draw.Canvas, r vg.Rectangle) {
		drawGrid(c, r, g, scaleColors(s))
		if cfg.annotate != "" {
			annotate(c, r, g, s, cfg.annotate)
		}
		mark := draw.LineStyle{Color: markColor(s.colors), Width: 2}
		for _, o := range cfg.outlines {
			tl := cellRect(r, g, o.row, o.col)
			br := cellRect(r, g, o.row+o.rows-1, o.col+o.cols-1)
			outline(c, vg.Rectangle{Min: vg.Point{X: tl.Min.X, Y: br.Min.Y}, Max: vg.Point{X: br.Max.X, Y: tl.Max.Y}}, mark)
		}
	})
	colorBar{s: s, label: cfg.scaleLabel, masked: anyMasked}.place(&b, data.Max.X, data.Min.Y, data.Max.Y)
	return b.figure(cfg.title)
}

// annotate writes each unmasked value of g in its cell, in black or white
// to contrast with the cell, at a size that fits the widest value.
func annotate(c draw.Canvas, r vg.Rectangle, g grid, s scale, format string) {
	cw := (r.Max.X - r.Min.X) / vg.Length(g.cols)
	ch := (r.Max.Y - r.Min.Y) / vg.Length(g.rows)
	texts := make([]string, len(g.v))
	sty := textStyle(1, draw.XCenter, draw.YCenter)
	widest := vg.Length(0)
	for i, v := range g.v {
		if !masked(v) {
			texts[i] = fmt.Sprintf(format, v)
			widest = max(widest, sty.Width(texts[i]))
		}
	}
	size := min(vg.Length(tickSize), ch*0.45)
	if widest > 0 {
		size = min(size, cw*0.85/widest)
	}
	sty.Font = font.From(sans, size)
	for i, t := range texts {
		if t == "" {
			continue
		}
		cr := cellRect(r, g, i/g.cols, i%g.cols)
		sty.Color = textOn(s.color(g.v[i]))
		c.FillText(sty, vg.Point{X: (cr.Min.X + cr.Max.X) / 2, Y: (cr.Min.Y + cr.Max.Y) / 2}, t)
	}
}
