package plots

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/vg"

	"tinynets/pkg/tensor"
)

// Option changes a figure. Each option says which drawing functions take
// it; passing it to another one panics, so a misplaced option is never
// silently ignored.
type Option struct {
	name  string
	kinds kind
	apply func(*config)
}

// kind is a set of drawing functions, for checking options.
type kind uint

const (
	kindHeatmap kind = 1 << iota
	kindTiles
	kindStrip
	kindConfusion
	kindBars
	kindLines
)

const (
	kindGrids = kindHeatmap | kindTiles | kindStrip | kindConfusion
	kindAll   = kindGrids | kindBars | kindLines
)

func (k kind) String() string {
	names := []string{"Heatmap", "Tiles", "Strip", "Confusion", "Bars", "Lines"}
	var out []string
	for i, n := range names {
		if k&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", ")
}

// scaleKind says how values map to colours.
type scaleKind int

const (
	scaleAuto     scaleKind = iota // signed if any finite value is negative
	scaleSigned                    // diverging, symmetric around zero
	scaleUnsigned                  // sequential
)

// box is a rectangle of cells: rows [row, row+rows), columns [col, col+cols).
type box struct{ row, col, rows, cols int }

// config is what the options set.
type config struct {
	title, xLabel, yLabel string
	xTicks, yTicks        []string

	scale      scaleKind
	palette    []colorRGBA // nil: the default for the scale
	hasRange   bool
	lo, hi     float64
	scaleLabel string
	cell       vg.Length // cell side; 0: automatic
	annotate   string    // fmt verb for values written in cells or on bars
	outlines   []box

	columns   int
	captions  []string
	rowLabels []string

	highlight int // bar to highlight; -1: none

	logY, markers bool

	diff       []float64 // strip reference frames, same shape as the frames
	diffShape  []int
	diffName   string
	valueNames [2]string
}

// newConfig applies opts for a drawing function of kind k.
// newConfig panics if an option does not apply to k.
func newConfig(k kind, opts []Option) config {
	c := config{highlight: -1, valueNames: [2]string{"0", "1"}}
	for _, o := range opts {
		if o.apply == nil {
			panic("plots: zero Option")
		}
		if o.kinds&k == 0 {
			panic(fmt.Sprintf("plots: option %s does not apply to %v (it applies to %v)", o.name, k, o.kinds))
		}
		o.apply(&c)
	}
	return c
}

// Title sets the figure's title, drawn centred above it.
// Title applies to every drawing function.
func Title(s string) Option {
	return Option{"Title", kindAll, func(c *config) { c.title = s }}
}

// XLabel sets the label under the horizontal axis.
// XLabel applies to Heatmap, Confusion, Bars and Lines.
func XLabel(s string) Option {
	return Option{"XLabel", kindHeatmap | kindConfusion | kindBars | kindLines, func(c *config) { c.xLabel = s }}
}

// YLabel sets the label beside the vertical axis.
// YLabel applies to Heatmap, Confusion, Bars and Lines.
func YLabel(s string) Option {
	return Option{"YLabel", kindHeatmap | kindConfusion | kindBars | kindLines, func(c *config) { c.yLabel = s }}
}

// XTicks labels the columns of a heatmap, one label per column, such as
// the characters of the keys of an attention pattern.
// XTicks applies to Heatmap; Heatmap panics if the number of labels is not
// the number of columns.
func XTicks(labels ...string) Option {
	l := append([]string{}, labels...)
	return Option{"XTicks", kindHeatmap, func(c *config) { c.xTicks = l }}
}

// YTicks labels the rows of a heatmap, one label per row, from the top.
// YTicks applies to Heatmap; Heatmap panics if the number of labels is not
// the number of rows.
func YTicks(labels ...string) Option {
	l := append([]string{}, labels...)
	return Option{"YTicks", kindHeatmap, func(c *config) { c.yTicks = l }}
}

// Signed draws values with a diverging palette (BlueRed unless Palette is
// given) on a range symmetric around zero, ±max|v|, so zero is the
// palette's middle colour. Use it for weights, logits and scores.
// Without Signed or Unsigned, a grid is signed if any of its finite values
// is negative.
// Signed applies to Heatmap and Tiles.
func Signed() Option {
	return Option{"Signed", kindHeatmap | kindTiles, func(c *config) { c.scale = scaleSigned }}
}

// Unsigned draws values with a sequential palette (Viridis unless Palette
// is given) on the range [0, max] (or [min, max] if some value is
// negative). Use it for pixels, probabilities and activations after ReLU.
// Unsigned applies to Heatmap and Tiles.
func Unsigned() Option {
	return Option{"Unsigned", kindHeatmap | kindTiles, func(c *config) { c.scale = scaleUnsigned }}
}

// Greyscale is Unsigned with the Greys palette (white for the low end,
// black for the high end): an image as ink on paper.
// Greyscale applies to Heatmap and Tiles.
func Greyscale() Option {
	g := toRGBA(Greys())
	return Option{"Greyscale", kindHeatmap | kindTiles, func(c *config) { c.scale, c.palette = scaleUnsigned, g }}
}

// Palette sets the colours, from the low end of the scale to the high end.
// For a signed scale the palette should be diverging with an odd number of
// colours, so that zero has an exact middle colour.
// Palette applies to Heatmap, Tiles and Confusion; it panics if p has
// fewer than two colours.
func Palette(p palette.Palette) Option {
	cs := toRGBA(p)
	if len(cs) < 2 {
		panic(fmt.Sprintf("plots: Palette needs at least 2 colours, got %d", len(cs)))
	}
	return Option{"Palette", kindHeatmap | kindTiles | kindConfusion, func(c *config) { c.palette = cs }}
}

// Range fixes the colour scale to [lo, hi] instead of the data's range,
// for instance [0, 1] for probabilities. Values outside are drawn in the
// end colours. With a signed scale the range must be symmetric, lo == -hi.
// Range applies to Heatmap and Tiles; it panics if lo >= hi or either is
// not finite, and the drawing function panics if a signed range is not
// symmetric.
func Range(lo, hi float64) Option {
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		panic(fmt.Sprintf("plots: Range(%g, %g) needs finite lo < hi", lo, hi))
	}
	return Option{"Range", kindHeatmap | kindTiles, func(c *config) { c.hasRange, c.lo, c.hi = true, lo, hi }}
}

// ScaleLabel sets the label of the colour bar, such as "probability".
// ScaleLabel applies to Heatmap, Tiles and Confusion.
func ScaleLabel(s string) Option {
	return Option{"ScaleLabel", kindHeatmap | kindTiles | kindConfusion, func(c *config) { c.scaleLabel = s }}
}

// CellSize sets the side of a grid cell, instead of a size chosen from the
// grid's shape.
// CellSize applies to Heatmap, Tiles, Strip and Confusion; it panics if
// side is not positive.
func CellSize(side vg.Length) Option {
	if !(side > 0) {
		panic(fmt.Sprintf("plots: CellSize(%v) is not positive", side))
	}
	return Option{"CellSize", kindGrids, func(c *config) { c.cell = side }}
}

// Annotate writes each value, formatted as a float64 with format (such as
// "%.2f"), in its heatmap cell or beside the end of its bar. Confusion writes counts
// ("%.0f") unless told otherwise. Masked cells are not annotated.
// Annotate applies to Heatmap, Confusion and Bars.
func Annotate(format string) Option {
	return Option{"Annotate", kindHeatmap | kindConfusion | kindBars, func(c *config) { c.annotate = format }}
}

// Outline draws a rectangle around the cells of rows [row, row+rows) and
// columns [col, col+cols), in a colour that is not on the palette: for
// instance the region of the input that one output pixel sees. Outline may
// be given more than once.
// Outline applies to Heatmap; Heatmap panics if the rectangle is empty or
// does not fit in the grid.
func Outline(row, col, rows, cols int) Option {
	b := box{row, col, rows, cols}
	return Option{"Outline", kindHeatmap, func(c *config) { c.outlines = append(c.outlines, b) }}
}

// Columns sets how many tiles or frames a row holds.
// Columns applies to Tiles and Strip; it panics if n < 1.
func Columns(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("plots: Columns(%d) is less than 1", n))
	}
	return Option{"Columns", kindTiles | kindStrip, func(c *config) { c.columns = n }}
}

// Captions sets the small caption under each tile or frame, in order.
// Captions applies to Tiles and Strip; they panic if the number of
// captions is not the number of tiles.
func Captions(captions ...string) Option {
	l := append([]string{}, captions...)
	return Option{"Captions", kindTiles | kindStrip, func(c *config) { c.captions = l }}
}

// RowLabels labels the rows of a 4-D (rows, cols, H, W) tile grid, such as
// the classes of a (10, 16, 7, 7) set of maps.
// RowLabels applies to Tiles; Tiles panics if the grid is not 4-D or the
// number of labels is not the number of rows.
func RowLabels(labels ...string) Option {
	l := append([]string{}, labels...)
	return Option{"RowLabels", kindTiles, func(c *config) { c.rowLabels = l }}
}

// Highlight draws bar i in a second colour, such as the argmax of logits.
// Highlight applies to Bars; Bars panics if i is out of range.
func Highlight(i int) Option {
	return Option{"Highlight", kindBars, func(c *config) { c.highlight = i }}
}

// LogY draws the vertical axis on a log scale. Points with y <= 0 cannot
// be drawn there and are left out.
// LogY applies to Lines.
func LogY() Option {
	return Option{"LogY", kindLines, func(c *config) { c.logY = true }}
}

// Markers draws a marker at each point of each series.
// Markers applies to Lines.
func Markers() Option {
	return Option{"Markers", kindLines, func(c *config) { c.markers = true }}
}

// Diff compares each frame of a strip with the frame at the same place in
// reference (the same shape as the frames) and draws the cells that differ
// by 0.5 or more in a highlight colour, with name (such as "differs from
// truth") in the key.
// Diff applies to Strip; Strip panics if the shapes differ.
func Diff(reference tensor.Array, name string) Option {
	d := reference.Float64s()
	shape := append([]int{}, reference.Dims()...)
	return Option{"Diff", kindStrip, func(c *config) { c.diff, c.diffShape, c.diffName = d, shape, name }}
}

// ValueNames sets the names of the values 0 and 1 in a strip's key, such as
// "dead" and "alive". The default is "0" and "1".
// ValueNames applies to Strip.
func ValueNames(zero, one string) Option {
	return Option{"ValueNames", kindStrip, func(c *config) { c.valueNames = [2]string{zero, one} }}
}
