package cnn

import (
	"math"
	"slices"
	"testing"
)

func TestNumParams(t *testing.T) {
	if n := New(DefaultConfig()).NumParams(); n != 9098 {
		t.Fatalf("default D4 has %d parameters, want 9,098", n)
	}
	// 5x5 kernels, 4 and 6 filters: (4·25+4) + (6·4·25+6) + (10·6·49+10).
	cfg := DefaultConfig()
	cfg.Kernel, cfg.Filters1, cfg.Filters2 = 5, 4, 6
	if n := New(cfg).NumParams(); n != 104+606+2950 {
		t.Fatalf("5x5, 4/6-filter D4 has %d parameters, want %d", n, 104+606+2950)
	}
}

func TestInitBounds(t *testing.T) {
	m := New(DefaultConfig())
	// PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
	for _, c := range []struct {
		name  string
		data  []float32
		fanIn int
	}{{"conv1", m.Conv1W.Data, 9}, {"conv2", m.Conv2W.Data, 72}, {"fc", m.FCW.Data, 784}} {
		bound := 1 / math.Sqrt(float64(c.fanIn))
		lo, hi := slices.Min(c.data), slices.Max(c.data)
		if float64(lo) < -bound || float64(hi) > bound || float64(hi-lo) < bound {
			t.Errorf("%s weights span [%v, %v], want most of [-%v, %v]", c.name, lo, hi, bound, bound)
		}
	}
	if !slices.Equal(New(DefaultConfig()).FCW.Data, m.FCW.Data) {
		t.Error("two models of one seed differ")
	}
	other := DefaultConfig()
	other.Seed = 2
	if slices.Equal(New(other).FCW.Data, m.FCW.Data) {
		t.Error("models of seeds 1 and 2 are equal")
	}
}

func TestForwardTrace(t *testing.T) {
	m := New(DefaultConfig())
	img := make([]float32, Side*Side)
	for i := range img {
		img[i] = float32(i%29) / 29
	}
	tr := m.Forward(img)
	shapes := []struct {
		name      string
		got, want []int
	}{
		{"Input", tr.Input.Shape, []int{1, 28, 28}},
		{"Conv1", tr.Conv1.Shape, []int{8, 28, 28}},
		{"ReLU1", tr.ReLU1.Shape, []int{8, 28, 28}},
		{"Pool1", tr.Pool1.Shape, []int{8, 14, 14}},
		{"Conv2", tr.Conv2.Shape, []int{16, 14, 14}},
		{"ReLU2", tr.ReLU2.Shape, []int{16, 14, 14}},
		{"Pool2", tr.Pool2.Shape, []int{16, 7, 7}},
		{"Flatten", tr.Flatten.Shape, []int{784}},
		{"Logits", tr.Logits.Shape, []int{10}},
		{"Probs", tr.Probs.Shape, []int{10}},
	}
	for _, s := range shapes {
		if !slices.Equal(s.got, s.want) {
			t.Errorf("%s has shape %v, want %v", s.name, s.got, s.want)
		}
	}
	if !slices.Equal(tr.Input.Data, img) || !slices.Equal(tr.Flatten.Data, tr.Pool2.Data) {
		t.Error("Input is not the image, or Flatten is not Pool2")
	}
	// Spot checks from the definitions: ReLU1 = max(Conv1, 0), and the
	// first pool1 value is the max of ReLU1's top-left 2x2 block.
	for i, v := range tr.Conv1.Data {
		if tr.ReLU1.Data[i] != max(v, 0) {
			t.Fatalf("ReLU1[%d] = %v for Conv1 %v", i, tr.ReLU1.Data[i], v)
		}
	}
	if got, want := tr.Pool1.At(3, 0, 0), max(tr.ReLU1.At(3, 0, 0), tr.ReLU1.At(3, 0, 1), tr.ReLU1.At(3, 1, 0), tr.ReLU1.At(3, 1, 1)); got != want {
		t.Errorf("Pool1[3, 0, 0] = %v, want %v", got, want)
	}
	sum := 0.0
	for _, p := range tr.Probs.Data {
		sum += float64(p)
	}
	if math.Abs(sum-1) > 1e-5 || tr.Label != predicted(tr.Logits.Data) {
		t.Errorf("probabilities sum to %v; label %d", sum, tr.Label)
	}
}
