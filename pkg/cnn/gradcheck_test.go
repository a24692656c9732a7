package cnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The backward passes against central finite differences, in float64:
// for a loss L(x) = sum(forward(x) · r) with a fixed random r, the
// gradient with respect to every input, weight and bias must match
// (L(x+h) - L(x-h)) / 2h. Inputs keep away from the kinks of ReLU and the
// ties of max pooling, where the difference quotient is not the gradient.

const fdStep = 1e-6

func randoms(rng *rand.Rand, n int, scale float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64() * scale
	}
	return x
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// checkGradient compares analytic, the gradient of loss with respect to x,
// against finite differences, moving every entry of x in turn.
func checkGradient(t *testing.T, what string, x, analytic []float64, loss func() float64) {
	t.Helper()
	all := make([]int, len(x))
	for i := range all {
		all[i] = i
	}
	checkGradientAt(t, what, x, analytic, loss, all)
}

// checkGradientAt is checkGradient for the entries of x at indices.
func checkGradientAt(t *testing.T, what string, x, analytic []float64, loss func() float64, indices []int) {
	t.Helper()
	for _, i := range indices {
		old := x[i]
		x[i] = old + fdStep
		up := loss()
		x[i] = old - fdStep
		down := loss()
		x[i] = old
		numeric := (up - down) / (2 * fdStep)
		err := math.Abs(numeric-analytic[i]) / math.Max(1, math.Abs(numeric))
		if !(err < 1e-6) {
			t.Errorf("%s[%d]: backward %v, finite differences %v", what, i, analytic[i], numeric)
			return
		}
	}
	if len(indices) == 0 {
		t.Errorf("%s: nothing to check", what)
	}
}

func TestConvGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	for _, s := range []convShape{
		{Cin: 2, Cout: 3, H: 5, W: 6, K: 3},
		{Cin: 3, Cout: 2, H: 4, W: 7, K: 5},
		{Cin: 1, Cout: 4, H: 3, W: 3, K: 1},
	} {
		for _, fast := range []bool{false, true} {
			name := fmt.Sprintf("%v fast=%v", s, fast)
			in, w, b := randoms(rng, s.inSize(), 1), randoms(rng, s.wSize(), 0.5), randoms(rng, s.Cout, 0.5)
			r := randoms(rng, s.outSize(), 1) // dLoss/dOut
			out := make([]float64, s.outSize())
			loss := func() float64 { conv2dForward(out, in, w, b, s); return dot(out, r) }
			if fast {
				// The training path's bias gradient comes from its pooling
				// (checked in TestNetGradient); here its loss is its own.
				loss = func() float64 { out, _, _ = convFast(in, w, b, r, s); return dot(out, r) }
				_, dIn, dW := convFast(in, w, b, r, s)
				checkGradient(t, name+" dIn", in, dIn, loss)
				checkGradient(t, name+" dW", w, dW, loss)
				continue
			}
			dIn, dW, dB := make([]float64, s.inSize()), make([]float64, s.wSize()), make([]float64, s.Cout)
			conv2dBackward(dIn, dW, dB, r, in, w, s)
			checkGradient(t, name+" dIn", in, dIn, loss)
			checkGradient(t, name+" dW", w, dW, loss)
			checkGradient(t, name+" dB", b, dB, loss)
		}
	}
}

func TestReLUGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 2))
	in := randoms(rng, 50, 1)
	for i, v := range in {
		if math.Abs(v) < 0.01 { // away from the kink at 0
			in[i] += 0.05
		}
	}
	r := randoms(rng, len(in), 1)
	out, dIn := make([]float64, len(in)), make([]float64, len(in))
	loss := func() float64 { reluForward(out, in); return dot(out, r) }
	loss()
	reluBackward(dIn, r, out)
	checkGradient(t, "relu dIn", in, dIn, loss)
}

func TestMaxPoolGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, shape := range [][3]int{{2, 4, 6}, {3, 5, 5}} {
		c, h, w := shape[0], shape[1], shape[2]
		// Distinct values 0.01 apart in random places: no near ties.
		in := make([]float64, c*h*w)
		for i, p := range rng.Perm(len(in)) {
			in[i] = float64(p)*0.01 - 0.2
		}
		r := randoms(rng, c*(h/2)*(w/2), 1)
		out, arg, dIn := make([]float64, len(r)), make([]int32, len(r)), make([]float64, len(in))
		loss := func() float64 { maxPool2Forward(out, arg, in, c, h, w); return dot(out, r) }
		loss()
		maxPool2Backward(dIn, r, arg)
		checkGradient(t, fmt.Sprintf("max pool %v dIn", shape), in, dIn, loss)
	}
}

func TestLinearGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const nIn, nOut = 9, 5
	in, w, b := randoms(rng, nIn, 1), randoms(rng, nIn*nOut, 0.5), randoms(rng, nOut, 0.5)
	r := randoms(rng, nOut, 1)
	out := make([]float64, nOut)
	loss := func() float64 { linearForward(out, in, w, b); return dot(out, r) }
	dIn, dW, dB := make([]float64, nIn), make([]float64, len(w)), make([]float64, nOut)
	linearBackward(dIn, dW, dB, r, in, w)
	checkGradient(t, "linear dIn", in, dIn, loss)
	checkGradient(t, "linear dW", w, dW, loss)
	checkGradient(t, "linear dB", b, dB, loss)
}

func TestSoftmaxCrossEntropyGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	logits := randoms(rng, Classes, 2)
	probs, dLogits := make([]float64, Classes), make([]float64, Classes)
	const label, dLoss = 6, 0.25
	loss := func() float64 { return dLoss * softmaxCrossEntropyForward(probs, logits, label) }
	loss()
	softmaxCrossEntropyBackward(dLogits, probs, label, dLoss)
	checkGradient(t, "softmax cross-entropy dLogits", logits, dLogits, loss)
	sum := 0.0
	for _, p := range probs {
		sum += p
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("probabilities sum to %v", sum)
	}
}

// TestNetGradient checks the whole of D4, both paths (the training path's
// Go loops, in float64), end to end: the
// gradient of the mean loss of two images with respect to every
// convolution parameter, every classifier bias and every 5th classifier
// weight (all of them would take long and check the same loop).
func TestNetGradient(t *testing.T) {
	a := arch{K: 3, F1: 2, F2: 3}
	rng := rand.New(rand.NewPCG(3, 6))
	flat := randoms(rng, a.numParams(), 0.3)
	p := split(a, flat)
	images := make([][]float64, 2)
	for i := range images {
		images[i] = make([]float64, Side*Side)
		for j := range images[i] {
			images[i][j] = rng.Float64()
		}
	}
	labels := []int{3, 8}
	x, d := newActivations[float64](a), newDeltas[float64](a)
	loss := func() float64 {
		sum := 0.0
		for i, img := range images {
			copy(x.input, img)
			sum += forward(a, p, x, labels[i])
		}
		return sum / 2
	}
	// The inputs must keep clear of kinks and ties for the check to hold.
	for _, img := range images {
		copy(x.input, img)
		forward(a, p, x, 0)
		if m := minAbs(x.conv1, x.conv2); m < 1e-5 {
			t.Fatalf("a pre-activation is %.2g from the ReLU kink: choose another seed", m)
		}
		if g := minPoolGap(x.relu1, x.arg1, a.F1, Side); g < 1e-5 {
			t.Fatalf("a pool1 window has a near tie (%.2g): choose another seed", g)
		}
		if g := minPoolGap(x.relu2, x.arg2, a.F2, Side/2); g < 1e-5 {
			t.Fatalf("a pool2 window has a near tie (%.2g): choose another seed", g)
		}
	}
	var indices []int
	fcStart := len(p.conv1W) + len(p.conv1B) + len(p.conv2W) + len(p.conv2B)
	for i := range flat {
		if i < fcStart || i >= fcStart+len(p.fcW) || i%5 == 0 {
			indices = append(indices, i)
		}
	}
	grad := make([]float64, len(flat))
	g := split(a, grad)
	for i, img := range images {
		copy(x.input, img)
		forward(a, p, x, labels[i])
		backward(a, p, g, x, d, labels[i], 0.5)
	}
	checkGradientAt(t, "D4 reference parameters", flat, grad, loss, indices)
	_, fastGrad, _ := fastNet(a, p, append(images[0], images[1]...), labels)
	checkGradientAt(t, "D4 training path parameters", flat, fastGrad, loss, indices)
}

// minAbs returns the smallest magnitude in the slices.
func minAbs(xs ...[]float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		for _, v := range x {
			m = math.Min(m, math.Abs(v))
		}
	}
	return m
}

// minPoolGap returns, over the 2x2 windows of in (C, side, side) whose max
// is positive, the smallest gap between the max and the other values.
// Windows of all zeros (ReLU off) pass no gradient either way.
func minPoolGap(in []float64, arg []int32, c, side int) float64 {
	gap := math.Inf(1)
	half := side / 2
	for ch := range c {
		for y := range half {
			for x := range half {
				best := in[arg[(ch*half+y)*half+x]]
				if best <= 0 {
					continue
				}
				for dy := range 2 {
					for dx := range 2 {
						i := int32((ch*side+2*y+dy)*side + 2*x + dx)
						if i != arg[(ch*half+y)*half+x] {
							gap = math.Min(gap, best-in[i])
						}
					}
				}
			}
		}
	}
	return gap
}
