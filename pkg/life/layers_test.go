package life

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The backward pass of every layer is checked against central finite
// differences in float64. Each check reduces the layer's output to a
// scalar with fixed random weights R, loss = sum(out * R), so that dOut = R.

const fdStep = 1e-6

// checkGrad compares the analytic gradient grad of f with respect to x
// against central differences, for every element of x.
func checkGrad(t *testing.T, name string, f func() float64, x, grad []float64) {
	t.Helper()
	if len(x) != len(grad) {
		t.Fatalf("%s: %d values but %d gradients", name, len(x), len(grad))
	}
	worst := 0.0
	for i := range x {
		old := x[i]
		x[i] = old + fdStep
		fp := f()
		x[i] = old - fdStep
		fm := f()
		x[i] = old
		num := (fp - fm) / (2 * fdStep)
		err := math.Abs(num-grad[i]) / math.Max(1, math.Abs(num)+math.Abs(grad[i]))
		worst = math.Max(worst, err)
		if err > 1e-7 {
			t.Errorf("%s[%d]: analytic %.10g, finite difference %.10g", name, i, grad[i], num)
		}
	}
	t.Logf("%s: %d values, worst relative error %.2g", name, len(x), worst)
}

func randn(rng *rand.Rand, n int, scale float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = scale * rng.NormFloat64()
	}
	return s
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func TestConv2dGrad(t *testing.T) {
	for _, S := range []int{3, 4, 5} { // 3: every tap of a border cell wraps
		rng := rand.New(rand.NewPCG(uint64(S), 1))
		Cin, Cout := 2, 3
		in, w, b := randn(rng, Cin*S*S, 1), randn(rng, Cout*Cin*9, 1), randn(rng, Cout, 1)
		R := randn(rng, Cout*S*S, 1)
		out := make([]float64, Cout*S*S)
		f := func() float64 { conv2dForward(out, in, w, b, Cin, Cout, S); return dot(out, R) }
		dIn, dW, dB := make([]float64, len(in)), make([]float64, len(w)), make([]float64, len(b))
		conv2dBackward(dIn, dW, dB, R, in, w, Cin, Cout, S)
		checkGrad(t, "dIn", f, in, dIn)
		checkGrad(t, "dW", f, w, dW)
		checkGrad(t, "dB", f, b, dB)

		// Without dIn the weight gradients are the same.
		dW2, dB2 := make([]float64, len(w)), make([]float64, len(b))
		conv2dBackward(nil, dW2, dB2, R, in, w, Cin, Cout, S)
		for i := range dW {
			if dW[i] != dW2[i] {
				t.Fatalf("dW[%d] differs when dIn is nil", i)
			}
		}
	}
}

// TestConv2dIsCircular checks the torus against a board shifted by
// (dy, dx): shifting the input shifts the output the same way, across the
// edges too.
func TestConv2dIsCircular(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	S, C := 5, 2
	in, w, b := randn(rng, C*S*S, 1), randn(rng, C*C*9, 1), randn(rng, C, 1)
	shift := func(a []float64, dy, dx int) []float64 {
		s := make([]float64, len(a))
		for c := range C {
			for y := range S {
				for x := range S {
					s[(c*S+(y+dy)%S)*S+(x+dx)%S] = a[(c*S+y)*S+x]
				}
			}
		}
		return s
	}
	out, outShifted := make([]float64, C*S*S), make([]float64, C*S*S)
	conv2dForward(out, in, w, b, C, C, S)
	conv2dForward(outShifted, shift(in, 2, 4), w, b, C, C, S)
	want := shift(out, 2, 4)
	for i := range want {
		if math.Abs(want[i]-outShifted[i]) > 1e-12 {
			t.Fatalf("output %d: shifted input gives %v, shifted output %v", i, outShifted[i], want[i])
		}
	}
}

func TestPointwiseGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	Cin, Cout, N := 3, 4, 7
	in, w, b, R := randn(rng, Cin*N, 1), randn(rng, Cout*Cin, 1), randn(rng, Cout, 1), randn(rng, Cout*N, 1)
	out := make([]float64, Cout*N)
	f := func() float64 { pointwiseForward(out, in, w, b, Cin, Cout, N); return dot(out, R) }
	dIn, dW, dB := make([]float64, len(in)), make([]float64, len(w)), make([]float64, len(b))
	pointwiseBackward(dIn, dW, dB, R, in, w, Cin, Cout, N)
	checkGrad(t, "dIn", f, in, dIn)
	checkGrad(t, "dW", f, w, dW)
	checkGrad(t, "dB", f, b, dB)
}

func TestReluGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	in := randn(rng, 30, 1)
	for i, x := range in { // keep away from the kink at 0
		if math.Abs(x) < 0.05 {
			in[i] = -0.5
		}
	}
	R := randn(rng, len(in), 1)
	out := make([]float64, len(in))
	f := func() float64 { reluForward(out, in); return dot(out, R) }
	dIn := make([]float64, len(in))
	reluBackward(dIn, R, in)
	checkGrad(t, "dIn", f, in, dIn)
}

func TestBCEGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	z := randn(rng, 12, 3)
	z[0], z[1] = 40, -40 // far in the tails, where a naive log(sigmoid) overflows
	y := []uint8{0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0}
	const scale = 0.5
	f := func() float64 { return scale * bceForward(z, y) }
	dZ := make([]float64, len(z))
	bceBackward(dZ, z, y, scale)
	checkGrad(t, "dZ", f, z, dZ)
	// The loss of each cell is -log p for a live label, -log(1-p) for a dead one.
	for n := range z {
		p := 1 / (1 + math.Exp(-z[n]))
		want := -math.Log(p)
		if y[n] == 0 {
			want = -math.Log(1 - p)
		}
		if got := bceForward(z[n:n+1], y[n:n+1]); math.Abs(got-want) > 1e-9*math.Max(1, want) && !math.IsInf(want, 0) {
			t.Errorf("cell %d: loss %v, want %v", n, got, want)
		}
	}
	if l := bceForward([]float64{-40}, []uint8{1}); math.Abs(l-40) > 1e-9 {
		t.Errorf("loss of a confident wrong answer is %v, want 40", l)
	}
}

// TestNetGrad checks the gradient of the whole net, every weight at once.
func TestNetGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	n := newNet[float64](3, 4)
	for i := range n.all {
		n.all[i] = 0.8 * rng.NormFloat64()
	}
	S := 5
	board := make([]uint8, S*S)
	for i := range board {
		board[i] = uint8(rng.IntN(2))
	}
	next := TrueStep(board, S)
	tr := newTrace(n, S)
	scale := 1 / float64(S*S)
	f := func() float64 { n.forward(tr, board); return scale * bceForward(tr.z, next) }
	f()
	kink := math.Inf(1)
	for _, x := range append(append([]float64(nil), tr.a1...), tr.a2...) {
		kink = math.Min(kink, math.Abs(x))
	}
	if kink < 1e-3 {
		t.Fatalf("a pre-activation is %.2g from the ReLU kink; pick other weights", kink)
	}
	g := newNet[float64](3, 4)
	n.backward(g, tr, next, scale)
	checkGrad(t, "net", f, n.all, g.all)
}
