package plots

import "testing"

// BenchmarkPNG measures rendering the book's typical figures to PNG.
func BenchmarkPNG(b *testing.B) {
	for _, ex := range []example{
		{"digit", Heatmap(digitSeven(), Greyscale())},
		{"attention", Heatmap(causalScores(), Annotate("%.1f"))},
		{"loss", Lines([]Series{{Name: "CNN", Y: lossCurve(200, 2.3, 0.02)}})},
	} {
		b.Run(ex.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := ex.fig.PNG(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
