package plots

import (
	"math"
	"testing"

	"gonum.org/v1/plot/vg"

	"tinynets/pkg/tensor"
)

func TestTilesShareOneScale(t *testing.T) {
	// Tile 0 is all 1, tile 1 all 10: with one scale, tile 0 is 10% along
	// the palette, not at its top.
	a := tensor.FromFloat64s([]float64{1, 1, 1, 1, 10, 10, 10, 10}, 2, 2, 2)
	f := Tiles(a, Unsigned())
	r := render(t, f)
	g := grid{rows: 2, cols: 2}
	pal := toRGBA(Viridis())
	want0, want1 := pal[int(math.Round(0.1*float64(len(pal)-1)))], pal[len(pal)-1]
	if got := r.at(r.cellCentre(0, g, 1, 1)); got != want0 {
		t.Errorf("tile 0 is %v, want %v (1 on a 0..10 scale)", got, want0)
	}
	if got := r.at(r.cellCentre(1, g, 0, 0)); got != want1 {
		t.Errorf("tile 1 is %v, want %v (the top of the scale)", got, want1)
	}
	// The single colour bar, right of both tiles, spans their height and
	// tops out at tile 1's colour.
	bar := f.layout.bar
	for _, gr := range f.layout.grids {
		if !(bar.Min.X > gr.Max.X) {
			t.Errorf("colour bar %v is not right of tile %v", bar, gr)
		}
	}
	top := r.at(vg.Point{X: (bar.Min.X + bar.Max.X) / 2, Y: bar.Max.Y - 1})
	if i := nearestIndex(top, pal); i < len(pal)*98/100 {
		t.Errorf("top of the bar is %v, palette colour %d of %d; want the top of the palette, tile 1's colour", top, i, len(pal))
	}
}

// nearestIndex returns the index of the palette colour closest to c.
func nearestIndex(c colorRGBA, pal []colorRGBA) int {
	best := 0
	for i, p := range pal {
		if distance(c, p) < distance(c, pal[best]) {
			best = i
		}
	}
	return best
}

func TestTilesLayout(t *testing.T) {
	for _, tc := range []struct{ n, want int }{{1, 1}, {3, 3}, {7, 3}, {8, 4}, {10, 5}, {16, 4}, {12, 4}} {
		if got := autoColumns(tc.n); got != tc.want {
			t.Errorf("autoColumns(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
	// 4-D: (2, 3, H, W) is 2 rows of 3 tiles, the first row above.
	f := Tiles(tensor.New(2, 3, 4, 4), RowLabels("a", "b"))
	gs := f.layout.grids
	if len(gs) != 6 {
		t.Fatalf("got %d tiles, want 6", len(gs))
	}
	if !(gs[0].Min.Y > gs[3].Max.Y) || gs[0].Min.X != gs[3].Min.X || !(gs[1].Min.X > gs[0].Max.X) {
		t.Errorf("tiles are not in 2 rows of 3: %v", gs)
	}
}

func TestStripDiff(t *testing.T) {
	frames := tensor.FromFloat64s([]float64{0, 1, 0, 1}, 1, 2, 2)
	truth := tensor.FromFloat64s([]float64{0, 1, 1, 1}, 1, 2, 2)
	f := Strip(frames, Diff(truth, "differs"))
	r := render(t, f)
	g := grid{rows: 2, cols: 2}
	pal := toRGBA(Greys())
	want := []colorRGBA{pal[0], pal[len(pal)-1], markColor(pal), pal[len(pal)-1]}
	for i, w := range want {
		if got := r.at(r.cellCentre(0, g, i/2, i%2)); got != w {
			t.Errorf("cell %d: got %v, want %v", i, got, w)
		}
	}
}

func TestTilesShapeMistakesPanic(t *testing.T) {
	expectPanics(t, []panicCase{
		{"2-D tiles", "(N, H, W)", func() { Tiles(t2(2, 2, 0, 1, 2, 3)) }},
		{"captions count", "Captions has 1 labels for 2 tiles", func() { Tiles(tensor.New(2, 2, 2), Captions("x")) }},
		{"Columns on 4-D", "Columns does not apply", func() { Tiles(tensor.New(1, 2, 2, 2), Columns(2)) }},
		{"RowLabels on 3-D", "RowLabels needs a 4-D", func() { Tiles(tensor.New(2, 2, 2), RowLabels("a", "b")) }},
		{"strip diff shape", "Diff reference has shape", func() { Strip(tensor.New(2, 3, 3), Diff(tensor.New(1, 3, 3), "")) }},
		{"strip of 2-D", "(N, H, W) array of frames", func() { Strip(tensor.New(3, 3)) }},
	})
}
