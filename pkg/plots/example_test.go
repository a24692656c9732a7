package plots_test

import (
	"fmt"

	"tinynets/pkg/plots"
	"tinynets/pkg/tensor"
)

func ExampleHeatmap() {
	// A 28x28 image with one bright row near the top.
	img := tensor.New(28, 28)
	for c := 4; c < 24; c++ {
		img.Set(1, 5, c)
	}
	f := plots.Heatmap(img, plots.Greyscale(), plots.Title("input image"))
	png, err := f.PNG()
	if err != nil {
		panic(err)
	}
	w, h := f.DisplaySize()
	fmt.Printf("PNG %t, shown at %dx%d CSS px\n", len(png) > 0, w, h)
	// Output: PNG true, shown at 355x325 CSS px
}

func ExampleBars() {
	logits := []float64{-2.1, 0.4, 1.3, 0.2, -3.5, -0.7, -1.9, 7.8, -0.2, 2.6}
	labels := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	f := plots.Bars(labels, logits, plots.Highlight(7), plots.Annotate("%.1f"), plots.YLabel("logit"))
	svg, err := f.SVG()
	if err != nil {
		panic(err)
	}
	fmt.Println(string(svg[:5]))
	// Output: <?xml
}
