package plots

import (
	"bytes"
	"flag"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"tinynets/pkg/tensor"
)

var outDir = flag.String("plots.out", "", "write the example figures as PNG and SVG files to this folder")

// digitSeven draws a 28x28 "7" with soft edges, values in [0, 1].
func digitSeven() *tensor.Tensor {
	t := tensor.New(28, 28)
	seg := func(x0, y0, x1, y1, w float64) {
		for r := range 28 {
			for c := range 28 {
				px, py := float64(c)+0.5, float64(r)+0.5
				dx, dy := x1-x0, y1-y0
				u := math.Max(0, math.Min(1, ((px-x0)*dx+(py-y0)*dy)/(dx*dx+dy*dy)))
				d := math.Hypot(px-(x0+u*dx), py-(y0+u*dy))
				v := math.Max(0, math.Min(1, (w-d)/1.2))
				if float64(t.At(r, c)) < v {
					t.Set(float32(v), r, c)
				}
			}
		}
	}
	seg(6, 6, 22, 6, 1.8)   // the bar, near the top
	seg(22, 6, 12, 24, 1.8) // the stem, down to the bottom left
	return t
}

// kernels returns n signed 3x3 kernels, (n, 3, 3).
func kernels(n int) *tensor.Tensor {
	rng := rand.New(rand.NewPCG(3, 4))
	t := tensor.New(n, 3, 3)
	for i := range t.Data {
		t.Data[i] = float32(rng.NormFloat64() * 0.4)
	}
	return t
}

// featureMaps returns n non-negative 28x28 maps (ReLU of shifted digits).
func featureMaps(n int) *tensor.Tensor {
	d := digitSeven()
	t := tensor.New(n, 28, 28)
	for k := range n {
		for r := range 28 {
			for c := range 28 {
				v := 0.0
				if r+k%3 < 28 && c+k/3 < 28 {
					v = float64(d.At(r+k%3, c+k/3))*float64(k+1)/4 - float64(d.At(r, c))*0.5
				}
				t.Set(float32(math.Max(0, v)), k, r, c)
			}
		}
	}
	return t
}

// lifeStep is one Game of Life step on a torus.
func lifeStep(b []float32, h, w int) []float32 {
	out := make([]float32, len(b))
	for r := range h {
		for c := range w {
			n := 0
			for dr := -1; dr <= 1; dr++ {
				for dc := -1; dc <= 1; dc++ {
					if (dr != 0 || dc != 0) && b[((r+dr+h)%h)*w+(c+dc+w)%w] > 0.5 {
						n++
					}
				}
			}
			alive := b[r*w+c] > 0.5
			if n == 3 || (alive && n == 2) {
				out[r*w+c] = 1
			}
		}
	}
	return out
}

// lifeFrames returns 6 true frames of a glider on a 12x12 board, and a
// "model" copy with a few wrong cells.
func lifeFrames() (truth, model *tensor.Tensor) {
	const n, h, w = 6, 12, 12
	truth, model = tensor.New(n, h, w), tensor.New(n, h, w)
	b := make([]float32, h*w)
	for _, p := range [][2]int{{1, 2}, {2, 3}, {3, 1}, {3, 2}, {3, 3}, {6, 8}, {6, 9}, {6, 10}} {
		b[p[0]*w+p[1]] = 1
	}
	for i := range n {
		copy(truth.Data[i*h*w:], b)
		b = lifeStep(b, h, w)
	}
	copy(model.Data, truth.Data)
	model.Set(1, 3, 5, 5)
	model.Set(0, 4, 6, 9)
	model.Set(1, 5, 0, 0)
	return truth, model
}

type example struct {
	name string
	fig  *Figure
}

func lossCurve(n int, start, end float64) []float64 {
	rng := rand.New(rand.NewPCG(5, uint64(n)))
	y := make([]float64, n)
	for i := range y {
		y[i] = end + (start-end)*math.Exp(-float64(i)/float64(n)*5) + rng.Float64()*0.02*start*math.Exp(-float64(i)/float64(n)*2)
	}
	return y
}

func linspace(a, b float64, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	return x
}

func apply(x []float64, f func(float64) float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = f(v)
	}
	return y
}

func gelu(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }
func relu(x float64) float64 { return math.Max(0, x) }

func confusionCounts() [][]int {
	rng := rand.New(rand.NewPCG(7, 8))
	c := make([][]int, 10)
	for i := range c {
		c[i] = make([]int, 10)
		c[i][i] = 950 + rng.IntN(180)
		for k := 0; k < 3; k++ {
			c[i][rng.IntN(10)] += rng.IntN(12)
		}
	}
	return c
}

func examples() []example {
	lifeTruth, lifeModel := lifeFrames()
	chars := []string{"h", "e", "l", "l", "o", " ", "w", "o"}
	return []example{
		{"digit", Heatmap(digitSeven(), Greyscale(), Title("input image (28×28)"), ScaleLabel("pixel"))},
		{"digit-viridis", Heatmap(digitSeven(), Title("input image"))},
		{"receptive", Heatmap(digitSeven(), Greyscale(), Outline(10, 12, 5, 5), Outline(12, 14, 1, 1), Title("receptive field"))},
		{"kernels", Tiles(kernels(16), Signed(), Columns(8), Title("conv1 kernels (16, 3, 3)"), ScaleLabel("weight"))},
		{"kernel", Heatmap(kernels(1).Reshape(3, 3), Annotate("%.2f"), Title("one kernel"))},
		{"maps", Tiles(featureMaps(8), Title("feature maps after ReLU (8, 28, 28)"))},
		{"classmaps", Tiles(kernels(160).Reshape(10, 16, 3, 3), RowLabels("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), Title("(10, 16, 3, 3)"))},
		{"logits", Bars([]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, []float64{-2.1, 0.4, 1.3, 0.2, -3.5, -0.7, -1.9, 7.8, -0.2, 2.6}, Highlight(7), Annotate("%.1f"), Title("logits"), XLabel("class"), YLabel("logit"))},
		{"probs", Bars([]string{"h", "e", "l", "o", " ", "w", "r", "d"}, []float64{0.01, 0.62, 0.2, 0.05, 0.04, 0.03, 0.03, 0.02}, Highlight(1), Annotate("%.2f"), Title("next character"), YLabel("probability"))},
		{"loss", Lines([]Series{{Name: "CNN", Y: lossCurve(20, 2.3, 0.05)}, {Name: "transformer", Y: lossCurve(20, 2.1, 0.12)}}, Title("training loss"), XLabel("epoch"), YLabel("loss"), Markers())},
		{"loss-log", Lines([]Series{{Name: "CNN", Y: lossCurve(200, 2.3, 0.02)}, {Name: "transformer", Y: lossCurve(200, 2.1, 0.08)}}, LogY(), Title("training loss"), XLabel("step"), YLabel("loss"))},
		{"accuracy", Lines([]Series{{Name: "train", X: []float64{1, 2, 3, 4, 5}, Y: []float64{0.91, 0.96, 0.975, 0.982, 0.986}}, {Name: "test", X: []float64{1, 2, 3, 4, 5}, Y: []float64{0.93, 0.962, 0.97, 0.975, 0.977}}}, Title("accuracy"), XLabel("epoch"), Markers())},
		{"gelu", Lines([]Series{{Name: "GELU", X: linspace(-4, 4, 161), Y: apply(linspace(-4, 4, 161), gelu)}, {Name: "ReLU", X: linspace(-4, 4, 161), Y: apply(linspace(-4, 4, 161), relu)}}, Title("activation functions"), XLabel("x"))},
		{"confusion", Confusion([]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, confusionCounts(), Title("confusion matrix (test set)"))},
		{"life", Strip(lifeModel, Diff(lifeTruth, "differs from truth"), ValueNames("dead", "alive"), Captions("t=0", "t=1", "t=2", "t=3", "t=4", "t=5"), Title("model's boards"))},
		{"attention", Heatmap(causalScores(), XTicks(chars...), YTicks(chars...), XLabel("key"), YLabel("query"), Title("attention scores"), Annotate("%.1f"))},
	}
}

func TestExamplesRender(t *testing.T) {
	if *outDir != "" {
		if err := os.MkdirAll(*outDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, ex := range examples() {
		a, err := ex.fig.PNG()
		if err != nil {
			t.Fatalf("%s: %v", ex.name, err)
		}
		b, err := ex.fig.PNG()
		if err != nil {
			t.Fatalf("%s: %v", ex.name, err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two PNG renders differ", ex.name)
		}
		img, err := png.Decode(bytes.NewReader(a))
		if err != nil {
			t.Fatalf("%s: %v", ex.name, err)
		}
		w, h := ex.fig.Size()
		if got, want := img.Bounds().Dx(), int(w.Dots(DPI)+0.5); got != want {
			t.Errorf("%s: PNG is %d px wide, want %d", ex.name, got, want)
		}
		if got, want := img.Bounds().Dy(), int(h.Dots(DPI)+0.5); got != want {
			t.Errorf("%s: PNG is %d px high, want %d", ex.name, got, want)
		}
		s1, err := ex.fig.SVG()
		if err != nil {
			t.Fatalf("%s: %v", ex.name, err)
		}
		s2, _ := ex.fig.SVG()
		if !bytes.Equal(s1, s2) {
			t.Errorf("%s: two SVG renders differ", ex.name)
		}
		if *outDir != "" {
			os.WriteFile(filepath.Join(*outDir, ex.name+".png"), a, 0o644)
			os.WriteFile(filepath.Join(*outDir, ex.name+".svg"), s1, 0o644)
			t.Logf("%s: %dx%d px, PNG %d B, SVG %d B", ex.name, img.Bounds().Dx(), img.Bounds().Dy(), len(a), len(s1))
		}
	}
}
