package plots

import (
	"bytes"
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
)

// chartPoint converts data coordinates of a chart to figure points.
func chartPoint(f *Figure, x, y float64) vg.Point {
	l := f.layout
	fx := (x - l.xRange[0]) / (l.xRange[1] - l.xRange[0])
	fy := (y - l.yRange[0]) / (l.yRange[1] - l.yRange[0])
	if l.logY {
		fy = math.Log(y/l.yRange[0]) / math.Log(l.yRange[1]/l.yRange[0])
	}
	return vg.Point{
		X: l.data.Min.X + vg.Length(fx)*(l.data.Max.X-l.data.Min.X),
		Y: l.data.Min.Y + vg.Length(fy)*(l.data.Max.Y-l.data.Min.Y),
	}
}

func TestBars(t *testing.T) {
	f := Bars([]string{"a", "b", "c"}, []float64{2, -1, 3}, Highlight(2))
	r := render(t, f)
	for _, tc := range []struct {
		x, y float64
		want colorRGBA
	}{
		{0, 1, barColor},         // inside bar a, above zero
		{1, -0.5, barColor},      // bar b grows down
		{1, 0.5, white},          // and not up
		{2, 1.5, highlightColor}, // the highlighted bar
	} {
		if got := r.at(chartPoint(f, tc.x, tc.y)); got != tc.want {
			t.Errorf("at (%g, %g): got %v, want %v", tc.x, tc.y, got, tc.want)
		}
	}
}

func TestLinesBreakAtMissingPoints(t *testing.T) {
	// A flat line at y=1 with a NaN at x=2 and, on a log axis, a zero at
	// x=6: the line is drawn across [0,1] and [3,5] but not over the gaps.
	y := []float64{1, 1, math.NaN(), 1, 1, 1, 0, 1, 1}
	y2 := []float64{5, 5, 5, 5, 5, 5, 5, 5, 5} // keeps the y range open
	f := Lines([]Series{{Y: y}, {Y: y2}}, LogY())
	r := render(t, f)
	line := seriesColors[0]
	for _, tc := range []struct {
		x    float64
		want bool
	}{{0.5, true}, {2, false}, {4, true}, {6, false}, {7.5, true}} {
		got := distance(r.at(chartPoint(f, tc.x, 1)), line) < 30
		if got != tc.want {
			t.Errorf("line drawn at x=%g: %v, want %v", tc.x, got, tc.want)
		}
	}
}

func TestChartShapeMistakesPanic(t *testing.T) {
	expectPanics(t, []panicCase{
		{"bars length", "one label per value", func() { Bars([]string{"a"}, []float64{1, 2}) }},
		{"highlight range", "Highlight(2) is out of range", func() { Bars([]string{"a", "b"}, []float64{1, 2}, Highlight(2)) }},
		{"no points", "no point", func() { Lines([]Series{{Y: []float64{math.NaN()}}}) }},
		{"x and y lengths", "2 x values and 1 y values", func() { Lines([]Series{{X: []float64{1, 2}, Y: []float64{1}}}) }},
		{"heatmap option on bars", "Outline does not apply to Bars", func() { Bars([]string{"a"}, []float64{1}, Outline(0, 0, 1, 1)) }},
	})
}

func TestSVGHasNoEmbeddedFonts(t *testing.T) {
	s, err := Bars([]string{"a", "b"}, []float64{1, 2}, Title("t")).SVG()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(s, []byte("@font-face")) || !bytes.Contains(s, []byte("<text")) {
		t.Errorf("SVG should have text elements and no embedded fonts")
	}
	if !bytes.Contains(s, []byte("Arial,Helvetica,sans-serif;")) || bytes.Contains(s, []byte("font-family:Liberation Sans;")) {
		t.Errorf("SVG text has no fallback fonts")
	}
	if len(s) > 50_000 {
		t.Errorf("SVG of a 2-bar chart is %d bytes", len(s))
	}
}
