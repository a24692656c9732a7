package plots

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/plot/vg"

	"tinynets/pkg/tensor"
)

// rendered is a figure's PNG, decoded, with its layout.
type rendered struct {
	img image.Image
	f   *Figure
}

func render(t *testing.T, f *Figure) rendered {
	t.Helper()
	data, err := f.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return rendered{img, f}
}

// at returns the pixel at pt, in points from the figure's bottom left.
func (r rendered) at(pt vg.Point) colorRGBA {
	h := r.img.Bounds().Dy()
	x := int(math.Floor(pt.X.Dots(DPI)))
	y := int(math.Floor(float64(h) - pt.Y.Dots(DPI)))
	return color.RGBAModel.Convert(r.img.At(x, y)).(color.RGBA)
}

// cellCentre returns the centre of cell (row, col) of grid i of the layout.
func (r rendered) cellCentre(i int, g grid, row, col int) vg.Point {
	c := cellRect(r.f.layout.grids[i], g, row, col)
	return vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2}
}

// pixelsIn returns the pixels whose centres lie in rect inset by inset.
func (r rendered) pixelsIn(rc vg.Rectangle, inset vg.Length) []colorRGBA {
	h := r.img.Bounds().Dy()
	x0, x1 := int(math.Ceil((rc.Min.X + inset).Dots(DPI))), int(math.Floor((rc.Max.X - inset).Dots(DPI)))
	y0, y1 := int(math.Ceil(float64(h)-(rc.Max.Y-inset).Dots(DPI))), int(math.Floor(float64(h)-(rc.Min.Y+inset).Dots(DPI)))
	var out []colorRGBA
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			out = append(out, color.RGBAModel.Convert(r.img.At(x, y)).(color.RGBA))
		}
	}
	return out
}

// causalScores is an 8x8 attention score matrix with the upper triangle
// (keys after the query) masked with -Inf.
func causalScores() *tensor.Tensor {
	rng := rand.New(rand.NewPCG(1, 2))
	t := tensor.New(8, 8)
	for q := range 8 {
		for k := range 8 {
			if k > q {
				t.Set(float32(math.Inf(-1)), q, k)
			} else {
				t.Set(float32(rng.NormFloat64()*1.5), q, k)
			}
		}
	}
	return t
}

func t2(rows, cols int, v ...float64) *tensor.Tensor { return tensor.FromFloat64s(v, rows, cols) }

// panicCase is a call that must panic with a message containing want.
type panicCase struct {
	name, want string
	f          func()
}

func expectPanics(t *testing.T, cases []panicCase) {
	t.Helper()
	for _, tc := range cases {
		func() {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if r == nil || !strings.Contains(msg, tc.want) {
					t.Errorf("%s: panic %v, want one saying %q", tc.name, r, tc.want)
				}
			}()
			tc.f()
		}()
	}
}

func TestRenderTwiceSameBytes(t *testing.T) {
	// Two figures built from the same input, rendered concurrently, must
	// give the same bytes as one figure rendered twice.
	build := func() *Figure {
		return Heatmap(causalScores(), XTicks("a", "b", "c", "d", "e", "f", "g", "h"), Annotate("%.1f"), Title("t"))
	}
	want, err := build().PNG()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([][]byte, 4)
	for i := range got {
		wg.Go(func() {
			if i%2 == 0 {
				got[i], _ = build().PNG()
			} else {
				got[i], _ = build().SVG()
			}
		})
	}
	wg.Wait()
	svg, _ := build().SVG()
	for i, g := range got {
		if i%2 == 0 && !bytes.Equal(g, want) {
			t.Errorf("PNG render %d differs", i)
		}
		if i%2 == 1 && !bytes.Equal(g, svg) {
			t.Errorf("SVG render %d differs", i)
		}
	}
}

func TestHeatmapUpright(t *testing.T) {
	// Row 0 holds the maximum, the last row the minimum: row 0 must be at
	// the top of the picture, and the top strip of pixels of the grid must
	// be row 0's colour.
	g := grid{rows: 4, cols: 3, v: []float64{1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0, 0, 0}}
	f := Heatmap(t2(4, 3, g.v...), Greyscale())
	r := render(t, f)
	pal := toRGBA(Greys())
	top, bottom := pal[len(pal)-1], pal[0]
	for col := range 3 {
		if got := r.at(r.cellCentre(0, g, 0, col)); got != top {
			t.Errorf("row 0, col %d: got %v, want the palette's top %v", col, got, top)
		}
		if got := r.at(r.cellCentre(0, g, 3, col)); got != bottom {
			t.Errorf("row 3, col %d: got %v, want the palette's bottom %v", col, got, bottom)
		}
	}
	gr := f.layout.grids[0]
	strip := vg.Rectangle{Min: vg.Point{X: gr.Min.X, Y: gr.Max.Y - 3}, Max: gr.Max}
	for _, p := range r.pixelsIn(strip, 1) {
		if p != top {
			t.Fatalf("top strip of the grid has pixel %v, want row 0's colour %v", p, top)
		}
	}
	// The grid is drawn where the layout says, with square cells.
	if w, h := gr.Max.X-gr.Min.X, gr.Max.Y-gr.Min.Y; abs(w/3-h/4) > 1e-6 {
		t.Errorf("cells are %v by %v, not square", w/3, h/4)
	}
}

func TestMaskedIsNotAPaletteColour(t *testing.T) {
	// A grid whose masked cells are NaN, -Inf and +Inf, under every palette
	// of the package: no pixel inside a masked cell may be near a palette
	// colour, and the cell shows the hatch (both of its colours).
	vals := []float64{math.NaN(), 0.2, math.Inf(-1), 0.7, math.Inf(1), 1, 0.4, 0.9, 0}
	g := grid{rows: 3, cols: 3, v: vals}
	for _, tc := range []struct {
		name string
		opts []Option
		pal  []colorRGBA
	}{
		{"BlueRed", []Option{Signed()}, toRGBA(BlueRed())},
		{"Viridis", nil, toRGBA(Viridis())},
		{"Blues", []Option{Palette(Blues())}, toRGBA(Blues())},
		{"Greys", []Option{Greyscale()}, toRGBA(Greys())},
	} {
		f := Heatmap(t2(3, 3, vals...), append(tc.opts, Annotate("%.1f"), CellSize(30))...)
		r := render(t, f)
		for i, v := range vals {
			if !masked(v) {
				continue
			}
			cell := cellRect(f.layout.grids[0], g, i/3, i%3)
			px := r.pixelsIn(cell, 1.5)
			ground, line := 0, 0
			for _, p := range px {
				if d := nearest(p, tc.pal); d <= 30 {
					t.Fatalf("%s: masked cell %d has pixel %v at distance %.1f from the palette", tc.name, i, p, d)
				}
				if distance(p, maskGround) < 8 {
					ground++
				}
				if distance(p, maskLine) < 20 {
					line++
				}
			}
			if ground == 0 || line == 0 {
				t.Errorf("%s: masked cell %d is not hatched: %d ground and %d line pixels of %d", tc.name, i, ground, line, len(px))
			}
		}
		// The "masked" key swatch sits under the colour bar.
		bar := f.layout.bar
		key := rect(bar.Min.X, bar.Min.Y-6-swatch, swatch, swatch)
		hasGround := false
		for _, p := range r.pixelsIn(key, 1) {
			hasGround = hasGround || distance(p, maskGround) < 8
		}
		if !hasGround {
			t.Errorf("%s: no masked swatch under the colour bar", tc.name)
		}
	}
}

func TestMaskColoursOffEveryPalette(t *testing.T) {
	// The claim in scale.go: both hatch colours and all blends between them
	// are more than 30 from every colour of every palette.
	for name, pal := range map[string][]colorRGBA{
		"BlueRed": toRGBA(BlueRed()), "Viridis": toRGBA(Viridis()), "Blues": toRGBA(Blues()), "Greys": toRGBA(Greys()),
	} {
		for k := 0; k <= 20; k++ {
			f := float64(k) / 20
			mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a)*(1-f) + float64(b)*f)) }
			c := rgb(mix(maskGround.R, maskLine.R), mix(maskGround.G, maskLine.G), mix(maskGround.B, maskLine.B))
			if d := nearest(c, pal); d <= 30 {
				t.Errorf("%s: hatch blend %v is %.1f from the palette", name, c, d)
			}
		}
	}
}

func TestSignedZeroIsPaletteMiddle(t *testing.T) {
	vals := []float64{-2, 0, 1}
	g := grid{rows: 1, cols: 3, v: vals}
	f := Heatmap(t2(1, 3, vals...)) // negative values: signed without asking
	r := render(t, f)
	pal := toRGBA(BlueRed())
	if len(pal)%2 != 1 {
		t.Fatalf("BlueRed has %d colours, want an odd number", len(pal))
	}
	if got, want := r.at(r.cellCentre(0, g, 0, 1)), pal[len(pal)/2]; got != want {
		t.Errorf("zero drawn as %v, want the middle colour %v", got, want)
	}
	if got, want := r.at(r.cellCentre(0, g, 0, 0)), pal[0]; got != want {
		t.Errorf("-max|v| drawn as %v, want the first colour %v", got, want)
	}
	// 1 is half way from 0 to +2: three quarters along the palette.
	if got, want := r.at(r.cellCentre(0, g, 0, 2)), pal[int(math.Round(0.75*float64(len(pal)-1)))]; got != want {
		t.Errorf("+1 drawn as %v, want %v", got, want)
	}
}

func TestScaleChoice(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   []Option
		vals   []float64
		signed bool
		lo, hi float64
	}{
		{"non-negative is sequential from 0", nil, []float64{0.5, 2, 1}, false, 0, 2},
		{"negative is diverging, symmetric", nil, []float64{-0.5, 2, math.NaN()}, true, -2, 2},
		{"Signed on positive data", []Option{Signed()}, []float64{1, 3}, true, -3, 3},
		{"Unsigned on negative data", []Option{Unsigned()}, []float64{-1, 3}, false, -1, 3},
		{"Range", []Option{Range(0, 1)}, []float64{0.2, 0.3}, false, 0, 1},
		{"all zero", nil, []float64{0, 0}, false, 0, 1},
		{"all masked", nil, []float64{math.Inf(-1)}, false, 0, 1},
		{"signed all zero", []Option{Signed()}, []float64{0}, true, -1, 1},
	} {
		s := newScale(newConfig(kindHeatmap, tc.opts), tc.vals)
		if s.signed != tc.signed || s.lo != tc.lo || s.hi != tc.hi {
			t.Errorf("%s: got signed=%v [%g, %g], want signed=%v [%g, %g]", tc.name, s.signed, s.lo, s.hi, tc.signed, tc.lo, tc.hi)
		}
	}
}

func TestColorBarIsDrawn(t *testing.T) {
	vals := []float64{0, 1, 2, 3}
	f := Heatmap(t2(2, 2, vals...))
	r := render(t, f)
	gr, bar := f.layout.grids[0], f.layout.bar
	if !(bar.Min.X > gr.Max.X) {
		t.Fatalf("colour bar %v is not right of the grid %v", bar, gr)
	}
	if w, _ := f.Size(); !(w > gr.Max.X+barWidth) {
		t.Errorf("figure width %v leaves no room for the bar beside the grid ending at %v", w, gr.Max.X)
	}
	// Down the middle of the bar the colours run through the palette, low
	// at the bottom and high at the top.
	s := newScale(newConfig(kindHeatmap, nil), vals)
	x := (bar.Min.X + bar.Max.X) / 2
	for _, frac := range []float64{0.05, 0.3, 0.5, 0.7, 0.95} {
		y := bar.Min.Y + vg.Length(frac)*(bar.Max.Y-bar.Min.Y)
		got, want := r.at(vg.Point{X: x, Y: y}), s.color(s.lo+frac*(s.hi-s.lo))
		if d := distance(got, want); d > 6 {
			t.Errorf("bar at %.0f%% of its height is %v, want about %v (distance %.1f)", 100*frac, got, want, d)
		}
	}
}

func TestOutlineIsDrawnOffPalette(t *testing.T) {
	vals := make([]float64, 36)
	f := Heatmap(t2(6, 6, vals...), Greyscale(), Outline(1, 2, 3, 2), CellSize(20))
	r := render(t, f)
	g := grid{rows: 6, cols: 6}
	mark := markColor(toRGBA(Greys()))
	if nearest(mark, toRGBA(Greys())) < 120 {
		t.Fatalf("mark colour %v is close to the greys", mark)
	}
	// The middle of the outline's top edge (the top of row 1, between
	// columns 2 and 3) is the mark colour; the inside of the box is not.
	tl := cellRect(f.layout.grids[0], g, 1, 2)
	if got := r.at(vg.Point{X: tl.Max.X, Y: tl.Max.Y}); got != mark {
		t.Errorf("outline edge is %v, want %v", got, mark)
	}
	if got := r.at(r.cellCentre(0, g, 2, 2)); got == mark {
		t.Errorf("inside of the outline is the mark colour")
	}
}

func TestAnnotationsContrast(t *testing.T) {
	// In a dark cell the number is written in white, in a light one in black.
	labels := []string{"a", "b"}
	f := Confusion(labels, [][]int{{900, 0}, {0, 900}})
	r := render(t, f)
	g := grid{rows: 2, cols: 2}
	darkCell := cellRect(f.layout.grids[0], g, 0, 0)
	lightCell := cellRect(f.layout.grids[0], g, 0, 1)
	count := func(cell vg.Rectangle, c colorRGBA) int {
		n := 0
		for _, p := range r.pixelsIn(cell, 1) {
			if distance(p, c) < 40 {
				n++
			}
		}
		return n
	}
	if count(darkCell, white) == 0 {
		t.Errorf("no white text in the dark cell")
	}
	if count(lightCell, black) == 0 {
		t.Errorf("no black text in the light cell")
	}
}

func TestHeatmapShapeMistakesPanic(t *testing.T) {
	sq := t2(2, 2, 0, 1, 2, 3)
	expectPanics(t, []panicCase{
		{"1-D heatmap", "2-D", func() { Heatmap(tensor.New(4)) }},
		{"XTicks count", "XTicks has 3 labels for 2 columns", func() { Heatmap(sq, XTicks("a", "b", "c")) }},
		{"Outline out of grid", "does not fit", func() { Heatmap(sq, Outline(1, 1, 2, 1)) }},
		{"option for another figure", "LogY does not apply to Heatmap", func() { Heatmap(sq, LogY()) }},
		{"asymmetric signed range", "symmetric", func() { Heatmap(sq, Signed(), Range(0, 1)) }},
		{"non-square confusion", "row 1 has 1 counts", func() { Confusion([]string{"a", "b"}, [][]int{{1, 2}, {3}}) }},
		{"empty palette", "at least 2 colours", func() { Palette(colors{}) }},
	})
}
