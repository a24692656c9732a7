package charcnn

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

func TestEmbeddingGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	V, C := 5, 3
	ids := []int{2, 0, 2, 4} // token 2 twice: its gradient rows must add
	T := len(ids)
	table := randn(rng, V*C, 1)
	R := randn(rng, T*C, 1)
	out := make([]float64, T*C)
	f := func() float64 { embeddingForward(out, table, ids, C); return dot(out, R) }
	dTable := make([]float64, V*C)
	embeddingBackward(dTable, R, ids, C)
	checkGrad(t, "dTable", f, table, dTable)
}

func TestCausalConvGrad(t *testing.T) {
	for _, dil := range []int{1, 2, 4} {
		rng := rand.New(rand.NewPCG(uint64(dil), 3))
		T, Cin, Cout := 6, 3, 2
		in := randn(rng, T*Cin, 1)
		w := randn(rng, Cout*Cin*2, 1)
		b := randn(rng, Cout, 1)
		R := randn(rng, T*Cout, 1)
		out := make([]float64, T*Cout)
		f := func() float64 { causalConvForward(out, in, w, b, T, Cin, Cout, dil); return dot(out, R) }
		dIn, dW, dB := make([]float64, len(in)), make([]float64, len(w)), make([]float64, len(b))
		causalConvBackward(dIn, dW, dB, R, in, w, T, Cin, Cout, dil)
		checkGrad(t, "dIn", f, in, dIn)
		checkGrad(t, "dW", f, w, dW)
		checkGrad(t, "dB", f, b, dB)
	}
}

// TestCausalConvIsCausal changes a future input and checks that no earlier
// output moves: the model cannot peek at the character it predicts.
func TestCausalConvIsCausal(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	T, C, dil := 6, 2, 2
	in, w, b := randn(rng, T*C, 1), randn(rng, C*C*2, 1), randn(rng, C, 1)
	before, after := make([]float64, T*C), make([]float64, T*C)
	causalConvForward(before, in, w, b, T, C, C, dil)
	in[3*C] += 1 // position 3
	causalConvForward(after, in, w, b, T, C, C, dil)
	for i := range before {
		pos := i / C
		changed := before[i] != after[i]
		if pos < 3 && changed {
			t.Errorf("output at position %d changed when input 3 did", pos)
		}
		if (pos == 3 || pos == 3+dil) && !changed {
			t.Errorf("output at position %d did not see input 3", pos)
		}
	}
}

func TestReluGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	in := randn(rng, 20, 1)
	for i, x := range in { // keep away from the kink at 0
		if math.Abs(x) < 0.05 {
			in[i] = 0.5
		}
	}
	R := randn(rng, len(in), 1)
	out := make([]float64, len(in))
	f := func() float64 { reluForward(out, in); return dot(out, R) }
	dIn := make([]float64, len(in))
	reluBackward(dIn, R, in)
	checkGrad(t, "dIn", f, in, dIn)
}

func TestLinearGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	T, C, V := 3, 4, 5
	in, w, b, R := randn(rng, T*C, 1), randn(rng, V*C, 1), randn(rng, V, 1), randn(rng, T*V, 1)
	out := make([]float64, T*V)
	f := func() float64 { linearForward(out, in, w, b, T, C, V); return dot(out, R) }
	dIn, dW, dB := make([]float64, len(in)), make([]float64, len(w)), make([]float64, len(b))
	linearBackward(dIn, dW, dB, R, in, w, T, C, V)
	checkGrad(t, "dIn", f, in, dIn)
	checkGrad(t, "dW", f, w, dW)
	checkGrad(t, "dB", f, b, dB)
}

func TestSoftmaxCrossEntropyGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	T, V := 4, 6
	logits := randn(rng, T*V, 2)
	targets := []int{0, 5, 2, 2}
	probs := make([]float64, T*V)
	const scale = 0.25
	f := func() float64 {
		softmaxForward(probs, logits, T, V)
		return scale * crossEntropyForward(probs, targets, V)
	}
	f()
	for t0 := range T {
		sum := 0.0
		for _, p := range probs[t0*V : (t0+1)*V] {
			sum += p
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("probabilities of row %d add up to %v", t0, sum)
		}
	}
	dLogits := make([]float64, T*V)
	crossEntropyBackward(dLogits, probs, targets, V, scale)
	checkGrad(t, "dLogits", f, logits, dLogits)
}

// TestNetGrad checks the gradient of the whole net, every weight at once.
func TestNetGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	V, C, L := 5, 3, 3
	n := newNet[float64](V, C, L)
	for i := range n.all {
		n.all[i] = 0.7 * rng.NormFloat64()
	}
	ids := []int{1, 4, 0, 0, 3, 2, 1, 4}
	targets := []int{4, 0, 0, 3, 2, 1, 4, 1}
	T := len(ids)
	tr := newTrace(n, T)
	scale := 1 / float64(T)
	f := func() float64 { n.forward(tr, ids); return scale * crossEntropyForward(tr.probs, targets, V) }
	f()
	kink := math.Inf(1)
	for _, p := range tr.pre {
		for _, x := range p {
			kink = math.Min(kink, math.Abs(x))
		}
	}
	if kink < 1e-3 {
		t.Fatalf("a pre-activation is %.2g from the ReLU kink; pick other weights", kink)
	}
	g := newNet[float64](V, C, L)
	n.backward(g, tr, ids, targets, scale)
	checkGrad(t, "net", f, n.all, g.all)
}
