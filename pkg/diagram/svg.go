package diagram

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The drawing's colours. Every diagram paints its own opaque light
// background, so it reads the same on a light page and on a dark one.
const (
	background = "#fbfbf8"
	frame      = "#d4d4cf"
	ink        = "#1b1f24" // text
	faint      = "#5b6470" // secondary text
	arrowInk   = "#3d4451"

	cnnFill, cnnStroke = "#dcebfb", "#2f6db5" // D4: blues
	tfFill, tfStroke   = "#fde8d4", "#b8561b" // D5: oranges
	weightFill         = "#f3f1ea"            // boxes that hold weights only
	blockFill          = "#fff7ef"            // the frame of a transformer block
	bandA, bandB       = "#f2f4f7", "#fbfbf8" // alternating role bands
	loopInk            = "#8a3ab9"            // the autoregressive loop
)

const (
	sansFont = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
	monoFont = "DejaVu Sans Mono, Liberation Mono, Menlo, Consolas, monospace"
)

// font is a face whose width textWidth estimates.
type font int

const (
	regular font = iota
	bold
	mono
)

// textWidth is a generous estimate of the width, in pixels, of s set at
// size px. SVG text is laid out by the viewer, so boxes are sized from
// this estimate with room to spare: DejaVu Sans, the widest of the fonts
// named, averages a little under 0.58 em in running text (0.63 em bold),
// and every monospace face is about 0.6 em.
func textWidth(s string, size float64, f font) float64 {
	per := map[font]float64{regular: 0.58, bold: 0.63, mono: 0.61}[f]
	return float64(utf8.RuneCountInString(s)) * size * per
}

// canvas accumulates SVG elements. Coordinates are CSS pixels from the top
// left. Numbers are written with one decimal, so the same drawing always
// gives the same bytes.
type canvas struct {
	b    strings.Builder
	w, h float64
}

func (c *canvas) printf(format string, args ...any) { fmt.Fprintf(&c.b, format, args...) }

// rect draws a rectangle with rounded corners r; stroke "" draws none, and
// a dash length d > 0 dashes the outline.
func (c *canvas) rect(x, y, w, h, r float64, fill, stroke string, width, dash float64) {
	c.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="%.1f" fill="%s"`, x, y, w, h, r, fill)
	if stroke != "" {
		c.printf(` stroke="%s" stroke-width="%.1f"`, stroke, width)
		if dash > 0 {
			c.printf(` stroke-dasharray="%.1f %.1f"`, dash, dash)
		}
	}
	c.printf("/>\n")
}

// textStyle says how a line of text is set.
type textStyle struct {
	size   float64
	bold   bool
	italic bool
	mono   bool
	fill   string
	anchor string // "start", "middle" or "end"
	rotate bool   // set vertically, reading upwards
}

// text draws s with its baseline at y.
func (c *canvas) text(x, y float64, s string, st textStyle) {
	font := sansFont
	if st.mono {
		font = monoFont
	}
	fill := st.fill
	if fill == "" {
		fill = ink
	}
	anchor := st.anchor
	if anchor == "" {
		anchor = "start"
	}
	c.printf(`<text x="%.1f" y="%.1f" font-family="%s" font-size="%.1f" fill="%s" text-anchor="%s"`,
		x, y, font, st.size, fill, anchor)
	if st.bold {
		c.printf(` font-weight="bold"`)
	}
	if st.italic {
		c.printf(` font-style="italic"`)
	}
	if st.rotate {
		c.printf(` transform="rotate(-90 %.1f %.1f)"`, x, y)
	}
	c.printf(">%s</text>\n", escape(s))
}

// line draws a straight segment; arrow puts an arrowhead at its end.
func (c *canvas) line(x1, y1, x2, y2 float64, stroke string, width float64, arrow bool) {
	c.printf(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f"`,
		x1, y1, x2, y2, stroke, width)
	if arrow {
		c.printf(` marker-end="url(#%s)"`, markerFor(stroke))
	}
	c.printf("/>\n")
}

// path draws a polyline through the points (x0, y0, x1, y1, ...), with an
// arrowhead at the end if arrow is set.
func (c *canvas) path(stroke string, width float64, arrow bool, pts ...float64) {
	if len(pts) < 4 || len(pts)%2 != 0 {
		panic(fmt.Sprintf("diagram: a path needs at least two points, got %d numbers", len(pts)))
	}
	c.printf(`<path d="M %.1f %.1f`, pts[0], pts[1])
	for i := 2; i < len(pts); i += 2 {
		c.printf(` L %.1f %.1f`, pts[i], pts[i+1])
	}
	c.printf(`" fill="none" stroke="%s" stroke-width="%.1f" stroke-linejoin="round"`, stroke, width)
	if arrow {
		c.printf(` marker-end="url(#%s)"`, markerFor(stroke))
	}
	c.printf("/>\n")
}

// circle draws a circle of radius r.
func (c *canvas) circle(x, y, r float64, fill, stroke string) {
	c.printf(`<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s" stroke="%s" stroke-width="1.4"/>`+"\n", x, y, r, fill, stroke)
}

// markers are the arrowheads, one per arrow colour.
var markers = []struct{ id, colour string }{
	{"arrow", arrowInk},
	{"arrow-loop", loopInk},
	{"arrow-cnn", cnnStroke},
	{"arrow-tf", tfStroke},
}

func markerFor(colour string) string {
	for _, m := range markers {
		if m.colour == colour {
			return m.id
		}
	}
	panic("diagram: no arrowhead of colour " + colour)
}

// svg returns the finished document: the opaque background with a thin
// frame, the arrowheads, a title and description for screen readers, and
// the elements drawn.
func (c *canvas) svg(title, desc string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" role="img">`+"\n",
		c.w, c.h, c.w, c.h)
	fmt.Fprintf(&b, "<title>%s</title>\n<desc>%s</desc>\n<defs>\n", escape(title), escape(desc))
	for _, m := range markers {
		fmt.Fprintf(&b, `<marker id="%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">`+
			`<path d="M 0 0 L 10 5 L 0 10 z" fill="%s"/></marker>`+"\n", m.id, m.colour)
	}
	b.WriteString("</defs>\n")
	fmt.Fprintf(&b, `<rect x="0.5" y="0.5" width="%.1f" height="%.1f" rx="10" fill="%s" stroke="%s"/>`+"\n",
		c.w-1, c.h-1, background, frame)
	b.WriteString(c.b.String())
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// escape makes s safe as SVG character data.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
