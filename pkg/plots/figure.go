// Package plots draws the book's figures: heatmaps of grids (images,
// kernels, attention patterns, confusion matrices), small multiples that
// share one colour scale, image strips, bar charts and line plots.
//
// It is a thin layer over gonum.org/v1/plot. Each drawing function takes
// the data and a list of options and returns a *Figure, which renders to
// PNG or SVG bytes. Rendering is deterministic: the same data and options
// give the same bytes.
//
// Grids are drawn upright, as images are: row 0 at the top, column 0 at the
// left, square cells. Every heatmap has a colour bar. Values of both signs
// (weights, logits) use a diverging palette centred on zero, non-negative
// values (pixels, probabilities, activations after ReLU) a sequential one.
// Masked values (NaN, ±Inf, such as masked attention scores) are drawn
// hatched in a neutral colour that no palette of this package contains,
// and the colour bar gets a "masked" key.
//
// Shape mistakes (a grid that is not 2-D, tick labels that do not match the
// grid, an option that does not apply) are programmer errors: the drawing
// functions panic with a message that says what was expected.
package plots

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"git.sr.ht/~sbinet/gg"
	xdraw "golang.org/x/image/draw"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DPI is the resolution of PNG renders, in dots per inch. A figure is meant
// to be shown at its Size in points (1pt = 4/3 CSS px); 192 DPI is then two
// image pixels per CSS pixel, crisp on high-density screens.
const DPI = 192

// Figure is a drawing of a fixed size, ready to render. Figures are made by
// the drawing functions (Heatmap, Tiles, ...); the zero Figure is not
// usable. A Figure holds its own copy of the data, does not change after
// it is made, and may be rendered any number of times, concurrently.
type Figure struct {
	width, height vg.Length
	paint         func(c draw.Canvas)

	// layout records where things were placed, for tests.
	layout layout
}

// layout records, in points from the bottom left of the figure, where the
// parts of a figure were placed.
type layout struct {
	grids []vg.Rectangle // the cell area of each grid (heatmap, tile, frame)
	bar   vg.Rectangle   // the colour bar's gradient
	data  vg.Rectangle   // the data area of a chart (bars, lines)

	xRange, yRange [2]float64 // the data range of a chart's axes
	logY           bool       // whether the y axis is log-scaled
}

// Size returns the width and height of the figure in points (1/72 inch).
func (f *Figure) Size() (width, height vg.Length) { return f.width, f.height }

// DisplaySize returns the size, in CSS pixels, at which the figure is meant
// to be shown (for an HTML img element's width and height).
// The PNG has DPI/96 image pixels per CSS pixel.
func (f *Figure) DisplaySize() (width, height int) {
	return int(f.width.Points()*96/72 + 0.5), int(f.height.Points()*96/72 + 0.5)
}

// PNG renders the figure as a PNG image at DPI dots per inch, on a white
// background (so it reads on light and dark pages alike).
func (f *Figure) PNG() ([]byte, error) {
	// vgimg's own context scales images bilinearly; grids are drawn as
	// images at about device resolution, so nearest-neighbour scaling is
	// both sharper and several times faster.
	img := image.NewRGBA(image.Rect(0, 0, int(f.width.Dots(DPI)+0.5), int(f.height.Dots(DPI)+0.5)))
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	ctx.SetInterpolator(xdraw.NearestNeighbor)
	c := vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(DPI))
	f.paint(draw.New(c))
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&buf, c.Image()); err != nil {
		return nil, fmt.Errorf("plots: encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// SVG renders the figure as an SVG document. Fonts are not embedded (that
// would add about 0.5 MB per font): text asks for Liberation Sans, then
// Arial and Helvetica, whose metrics it shares, so the layout holds, then
// any sans-serif font. Grids are embedded as PNG images, so PNG is the
// better format for heatmaps; SVG suits bar charts and line plots.
func (f *Figure) SVG() ([]byte, error) {
	c := vgsvg.NewWith(vgsvg.UseWH(f.width, f.height))
	paintWhite(draw.New(c))
	f.paint(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plots: write SVG: %w", err)
	}
	return bytes.ReplaceAll(buf.Bytes(), []byte("font-family:Liberation Sans;"),
		[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")), nil
}

// paintWhite fills the whole canvas with white (vgimg canvases start white;
// SVG canvases start transparent).
func paintWhite(c draw.Canvas) {
	c.SetColor(white)
	c.Fill(c.Rectangle.Path())
}
