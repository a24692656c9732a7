package cnn

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
)

// torchReference is testdata/torch_reference.json, written by
// testdata/gen_reference.py from PyTorch 1.13: inputs that are float32
// values, outputs computed in float64 (Adam in float32).
type torchReference struct {
	Conv []struct {
		Cin, Cout, H, W, K      int
		X, Weight, Bias, Dout   []float64
		Out, Dx, Dweight, Dbias []float64
	}
	Relu struct{ X, Dout, Out, Dx []float64 }
	Pool []struct {
		C, H, W          int
		X, Dout, Out, Dx []float64
	}
	Linear struct {
		Nin, Nout               int
		X, Weight, Bias, Dout   []float64
		Out, Dx, Dweight, Dbias []float64
	}
	Softmax []struct {
		Logits, Probs, Dlogits []float64
		Label                  int
		Loss                   float64
	}
	Net []struct {
		F1, F2, K, N                                                     int
		Images                                                           []float64
		Labels                                                           []int
		Loss                                                             float64
		Conv1, Pool1, Conv2, Pool2, Logits                               []float64
		Conv1Weight, Conv1Bias, Conv2Weight, Conv2Bias, FcWeight, FcBias []float64            `json:"-"`
		Raw                                                              map[string][]float64 `json:"-"`
	}
	Adam struct {
		LR           float64
		Start        []float64
		Grads, After [][]float64
	}
}

func loadTorch(t *testing.T) *torchReference {
	t.Helper()
	data, err := os.ReadFile("testdata/torch_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref torchReference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	// The network cases' parameters and gradients go by name.
	var raw struct{ Net []map[string]any }
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for i, c := range raw.Net {
		ref.Net[i].Raw = map[string][]float64{}
		for name, v := range c {
			if list, ok := v.([]any); ok {
				f := make([]float64, len(list))
				for j, x := range list {
					f[j] = x.(float64)
				}
				ref.Net[i].Raw[name] = f
			}
		}
	}
	return &ref
}

// convert returns x as a slice of T.
func convert[T float](x []float64) []T {
	out := make([]T, len(x))
	for i, v := range x {
		out[i] = T(v)
	}
	return out
}

// tolerance is the relative error allowed against PyTorch's float64 values.
func tolerance[T float]() float64 {
	var z T
	if _, ok := any(z).(float32); ok {
		return 2e-5
	}
	return 1e-10
}

// near fails t unless got matches want within rel times the largest
// magnitude of want (or 1, if larger).
func near[T float](t *testing.T, what string, got []T, want []float64, rel float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	scale := 1.0
	for _, w := range want {
		scale = math.Max(scale, math.Abs(w))
	}
	worst, at := 0.0, -1
	for i, g := range got {
		if d := math.Abs(float64(g) - want[i]); !(d <= worst) {
			worst, at = d, i
		}
	}
	if !(worst <= rel*scale) {
		t.Errorf("%s: [%d] = %v, want %v (error %.3g > %.3g)", what, at, got[at], want[at], worst, rel*scale)
	}
}

func TestLayersMatchPyTorch(t *testing.T) {
	ref := loadTorch(t)
	t.Run("float64", func(t *testing.T) { layersMatchPyTorch[float64](t, ref) })
	t.Run("float32", func(t *testing.T) { layersMatchPyTorch[float32](t, ref) })
}

func layersMatchPyTorch[T float](t *testing.T, ref *torchReference) {
	tol := tolerance[T]()
	for _, c := range ref.Conv {
		s := convShape{Cin: c.Cin, Cout: c.Cout, H: c.H, W: c.W, K: c.K}
		x, w, b, dOut := convert[T](c.X), convert[T](c.Weight), convert[T](c.Bias), convert[T](c.Dout)
		out, dIn, dW, dB := make([]T, s.outSize()), make([]T, s.inSize()), make([]T, s.wSize()), make([]T, s.Cout)
		conv2dForward(out, x, w, b, s)
		conv2dBackward(dIn, dW, dB, dOut, x, w, s)
		near(t, fmt.Sprint(s, " out"), out, c.Out, tol)
		near(t, fmt.Sprint(s, " dIn"), dIn, c.Dx, tol)
		near(t, fmt.Sprint(s, " dW"), dW, c.Dweight, tol)
		near(t, fmt.Sprint(s, " dB"), dB, c.Dbias, tol)
		// The training path (its bias gradient comes from the pooling, and
		// is checked with the whole net below).
		out, dIn, dW = convFast(x, w, b, dOut, s)
		near(t, fmt.Sprint(s, " fast out"), out, c.Out, tol)
		near(t, fmt.Sprint(s, " fast dIn"), dIn, c.Dx, tol)
		near(t, fmt.Sprint(s, " fast dW"), dW, c.Dweight, tol)
	}

	r := ref.Relu
	out, dIn := make([]T, len(r.X)), make([]T, len(r.X))
	reluForward(out, convert[T](r.X))
	reluBackward(dIn, convert[T](r.Dout), out)
	near(t, "relu out", out, r.Out, tol)
	near(t, "relu dIn", dIn, r.Dx, tol)

	for _, p := range ref.Pool {
		name := fmt.Sprintf("max pool (%d, %d, %d)", p.C, p.H, p.W)
		out, arg, dIn := make([]T, len(p.Out)), make([]int32, len(p.Out)), make([]T, len(p.X))
		maxPool2Forward(out, arg, convert[T](p.X), p.C, p.H, p.W)
		maxPool2Backward(dIn, convert[T](p.Dout), arg)
		near(t, name+" out", out, p.Out, tol)
		near(t, name+" dIn", dIn, p.Dx, tol)
	}

	l := ref.Linear
	x, w, b, dOut := convert[T](l.X), convert[T](l.Weight), convert[T](l.Bias), convert[T](l.Dout)
	out, dIn, dW, dB := make([]T, l.Nout), make([]T, l.Nin), make([]T, len(w)), make([]T, l.Nout)
	linearForward(out, x, w, b)
	linearBackward(dIn, dW, dB, dOut, x, w)
	near(t, "linear out", out, l.Out, tol)
	near(t, "linear dIn", dIn, l.Dx, tol)
	near(t, "linear dW", dW, l.Dweight, tol)
	near(t, "linear dB", dB, l.Dbias, tol)

	for i, s := range ref.Softmax {
		name := fmt.Sprintf("softmax cross-entropy %d", i)
		probs, dLogits := make([]T, len(s.Logits)), make([]T, len(s.Logits))
		loss := softmaxCrossEntropyForward(probs, convert[T](s.Logits), s.Label)
		softmaxCrossEntropyBackward(dLogits, probs, s.Label, 1)
		near(t, name+" loss", []T{T(loss)}, []float64{s.Loss}, tol)
		near(t, name+" probs", probs, s.Probs, tol)
		near(t, name+" dLogits", dLogits, s.Dlogits, tol)
	}
}

// TestNetMatchesPyTorch runs small D4s forward and backward on a few random
// images and compares every stage and every parameter gradient.
func TestNetMatchesPyTorch(t *testing.T) {
	ref := loadTorch(t)
	t.Run("float64", func(t *testing.T) { netMatchesPyTorch[float64](t, ref) })
	t.Run("float32", func(t *testing.T) { netMatchesPyTorch[float32](t, ref) })
}

func netMatchesPyTorch[T float](t *testing.T, ref *torchReference) {
	tol := tolerance[T]()
	names := [6]string{"conv1_weight", "conv1_bias", "conv2_weight", "conv2_bias", "fc_weight", "fc_bias"}
	for _, c := range ref.Net {
		a := arch{K: c.K, F1: c.F1, F2: c.F2}
		flat := make([]T, 0, a.numParams())
		for _, name := range names {
			flat = append(flat, convert[T](c.Raw[name])...)
		}
		p := split(a, flat)
		for _, run := range []struct {
			path string
			net  func(arch, params[T], []T, []int) (float64, []T, [5][]T)
		}{{"reference", refNet[T]}, {"training path", fastNet[T]}} {
			tag := fmt.Sprintf("%+v %s", a, run.path)
			loss, grad, stages := run.net(a, p, convert[T](c.Images), c.Labels)
			for s, want := range [5][]float64{c.Conv1, c.Pool1, c.Conv2, c.Pool2, c.Logits} {
				near(t, tag+" "+[...]string{"conv1", "pool1", "conv2", "pool2", "logits"}[s], stages[s], want, tol)
			}
			near(t, tag+" loss", []T{T(loss)}, []float64{c.Loss}, tol)
			for i, gi := range split(a, grad).all() {
				near(t, tag+" d "+names[i], gi, c.Raw["d_"+names[i]], tol)
			}
		}
	}
}

// TestAdamMatchesPyTorch takes PyTorch's Adam steps on the same gradients.
func TestAdamMatchesPyTorch(t *testing.T) {
	r := loadTorch(t).Adam
	p := convert[float32](r.Start)
	opt := newAdam(len(p))
	for i, g := range r.Grads {
		opt.step(p, convert[float32](g), r.LR)
		near(t, fmt.Sprintf("Adam step %d", i+1), p, r.After[i], 1e-6)
	}
}
