package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
)

// colorRGBA is an opaque 8-bit colour, what a PNG pixel holds.
type colorRGBA = color.RGBA

func rgb(r, g, b uint8) colorRGBA { return color.RGBA{R: r, G: g, B: b, A: 255} }

var (
	white = rgb(255, 255, 255)
	black = rgb(0, 0, 0)

	// The masked hatch: a pale grey-green with darker diagonal lines.
	// Green-greys are the one neutral-ish hue that none of this package's
	// palettes passes near: every palette colour is more than 30 (8-bit RGB
	// distance) away from both hatch colours and the blends between them
	// (tested), so a masked cell never looks like a value.
	maskGround = rgb(190, 236, 190)
	maskLine   = rgb(110, 160, 110)

	// Bars and lines: a muted blue, and orange for the highlighted bar.
	barColor       = rgb(76, 114, 176)
	highlightColor = rgb(221, 132, 82)

	// seriesColors are the line colours, in order (Tableau 10).
	seriesColors = []colorRGBA{
		rgb(31, 119, 180), rgb(255, 127, 14), rgb(44, 160, 44), rgb(214, 39, 40),
		rgb(148, 103, 189), rgb(140, 86, 75), rgb(227, 119, 194), rgb(127, 127, 127),
	}

	// markColors are the candidates for marks drawn over a grid (outlines,
	// differing cells); the one farthest from the palette is used.
	markColors = []colorRGBA{rgb(255, 69, 0), rgb(0, 0, 0), rgb(0, 200, 0), rgb(255, 0, 255)}
)

// BlueRed returns Kenneth Moreland's smooth cool-warm diverging palette:
// blue for negative, light grey for zero, red for positive. It has 255
// colours, so colour 127 is exactly the middle.
func BlueRed() palette.Palette {
	m := moreland.SmoothBlueRed()
	m.SetMin(-1)
	m.SetMax(1)
	return m.Palette(255)
}

// Viridis returns a sequential palette close to matplotlib's viridis (dark
// purple to yellow, luminance increasing linearly), 256 colours.
func Viridis() palette.Palette {
	return luminancePalette(false,
		rgb(68, 1, 84), rgb(71, 45, 123), rgb(59, 82, 139),
		rgb(44, 114, 142), rgb(33, 145, 140), rgb(40, 174, 128),
		rgb(94, 201, 98), rgb(173, 220, 48), rgb(253, 231, 37))
}

// Blues returns a sequential palette from near-white to dark blue (the
// colours of ColorBrewer's Blues), 256 colours.
func Blues() palette.Palette {
	return luminancePalette(true,
		rgb(8, 48, 107), rgb(8, 81, 156), rgb(33, 113, 181),
		rgb(66, 146, 198), rgb(107, 174, 214), rgb(158, 202, 225),
		rgb(198, 219, 239), rgb(222, 235, 247), rgb(247, 251, 255))
}

// Greys returns a sequential palette from white to black, 256 colours.
func Greys() palette.Palette {
	return luminancePalette(true, black, white)
}

// luminancePalette interpolates 256 colours between controls of increasing
// luminance, reversed if dark is true (so the palette ends dark).
func luminancePalette(dark bool, controls ...color.Color) palette.Palette {
	m, err := moreland.NewLuminance(controls)
	if err != nil {
		panic(fmt.Sprintf("plots: bad palette controls: %v", err))
	}
	m.SetMin(0)
	m.SetMax(1)
	cs := m.Palette(256).Colors()
	if dark {
		r := make([]color.Color, len(cs))
		for i, c := range cs {
			r[len(cs)-1-i] = c
		}
		cs = r
	}
	return colors(cs)
}

// colors is a palette.Palette.
type colors []color.Color

func (c colors) Colors() []color.Color { return c }

// toRGBA converts a palette to opaque 8-bit colours.
func toRGBA(p palette.Palette) []colorRGBA {
	cs := p.Colors()
	out := make([]colorRGBA, len(cs))
	for i, c := range cs {
		r := color.RGBAModel.Convert(c).(color.RGBA)
		r.A = 255
		out[i] = r
	}
	return out
}

// masked reports whether v is drawn as masked rather than as a value.
func masked(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// scale maps values to palette colours, linearly from lo to hi.
type scale struct {
	colors []colorRGBA
	lo, hi float64
	signed bool
}

// newScale chooses the palette and range for the values of vs.
// newScale panics if a signed range set by Range is not symmetric.
func newScale(cfg config, vs []float64) scale {
	minV, maxV, maxAbs := math.Inf(1), math.Inf(-1), 0.0
	for _, v := range vs {
		if masked(v) {
			continue
		}
		minV, maxV, maxAbs = math.Min(minV, v), math.Max(maxV, v), math.Max(maxAbs, math.Abs(v))
	}
	if math.IsInf(minV, 0) { // no finite values
		minV, maxV = 0, 0
	}
	s := scale{signed: cfg.scale == scaleSigned || (cfg.scale == scaleAuto && minV < 0)}
	switch {
	case cfg.hasRange:
		if s.signed && cfg.lo != -cfg.hi {
			panic(fmt.Sprintf("plots: signed scale needs a symmetric Range, got [%g, %g]", cfg.lo, cfg.hi))
		}
		s.lo, s.hi = cfg.lo, cfg.hi
	case s.signed:
		if maxAbs == 0 {
			maxAbs = 1
		}
		s.lo, s.hi = -maxAbs, maxAbs
	default:
		s.lo, s.hi = math.Min(0, minV), maxV
		if s.hi <= s.lo {
			s.hi = s.lo + 1
		}
	}
	s.colors = cfg.palette
	if s.colors == nil {
		if s.signed {
			s.colors = toRGBA(BlueRed())
		} else {
			s.colors = toRGBA(Viridis())
		}
	}
	return s
}

// index returns the palette index of the finite value v, clamped to the
// ends of the palette.
func (s scale) index(v float64) int {
	n := len(s.colors)
	i := int(math.Round((v - s.lo) / (s.hi - s.lo) * float64(n-1)))
	return min(max(i, 0), n-1)
}

// color returns the colour of the finite value v.
func (s scale) color(v float64) colorRGBA { return s.colors[s.index(v)] }

// colorMap adapts a scale to palette.ColorMap for plotter.ColorBar.
type colorMap struct{ s scale }

var _ palette.ColorMap = (*colorMap)(nil)

func (m *colorMap) At(v float64) (color.Color, error) {
	switch {
	case math.IsNaN(v):
		return nil, palette.ErrNaN
	case v < m.s.lo:
		return nil, palette.ErrUnderflow
	case v > m.s.hi:
		return nil, palette.ErrOverflow
	}
	return m.s.color(v), nil
}
func (m *colorMap) Max() float64       { return m.s.hi }
func (m *colorMap) Min() float64       { return m.s.lo }
func (m *colorMap) SetMax(v float64)   { m.s.hi = v }
func (m *colorMap) SetMin(v float64)   { m.s.lo = v }
func (m *colorMap) Alpha() float64     { return 1 }
func (m *colorMap) SetAlpha(a float64) { panic(errors.New("plots: colour scales are opaque")) }
func (m *colorMap) Palette(n int) palette.Palette {
	cs := make(colors, n)
	for i := range cs {
		cs[i] = m.s.color(m.s.lo + (m.s.hi-m.s.lo)*float64(i)/float64(max(n-1, 1)))
	}
	return cs
}

// distance is the Euclidean distance of two colours in 8-bit RGB.
func distance(a, b colorRGBA) float64 {
	dr, dg, db := float64(a.R)-float64(b.R), float64(a.G)-float64(b.G), float64(a.B)-float64(b.B)
	return math.Sqrt(dr*dr + dg*dg + db*db)
}

// nearest returns the distance from c to the closest colour of cs.
func nearest(c colorRGBA, cs []colorRGBA) float64 {
	d := math.Inf(1)
	for _, p := range cs {
		d = math.Min(d, distance(c, p))
	}
	return d
}

// markColor returns the first candidate mark colour that is far (at least
// 120 in 8-bit RGB) from every colour of the palette, or else the one
// farthest from it, so outlines and highlights stand out.
func markColor(pal []colorRGBA) colorRGBA {
	best, bestD := markColors[0], -1.0
	for _, c := range markColors {
		d := nearest(c, pal)
		if d >= 120 {
			return c
		}
		if d > bestD {
			best, bestD = c, d
		}
	}
	return best
}

// textOn returns black or white, whichever reads better on background c.
func textOn(c colorRGBA) colorRGBA {
	lum := 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)
	if lum > 140 {
		return black
	}
	return white
}
