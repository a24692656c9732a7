package cnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The training path against the readable layers. The fast layers take
// (H, W, C) images with a zero border and (K, K, Cin, Cout) kernels; these
// helpers move PyTorch-layout buffers in and out, written independently of
// fastnet.go's rearrangement so that they check it too.

// hwcOf returns chw (C, H, W) as (H+2pad, W+2pad, C) with a zero border.
func hwcOf[T float](chw []T, c, h, w, pad int) []T {
	out := make([]T, (h+2*pad)*(w+2*pad)*c)
	for ch := range c {
		for y := range h {
			for x := range w {
				out[((y+pad)*(w+2*pad)+x+pad)*c+ch] = chw[(ch*h+y)*w+x]
			}
		}
	}
	return out
}

// chwOf is the inverse of hwcOf: the inside of hwc as (C, H, W).
func chwOf[T float](hwc []T, c, h, w, pad int) []T {
	out := make([]T, c*h*w)
	for ch := range c {
		for y := range h {
			for x := range w {
				out[(ch*h+y)*w+x] = hwc[((y+pad)*(w+2*pad)+x+pad)*c+ch]
			}
		}
	}
	return out
}

// kernelsOf returns w (Cout, Cin, K, K) as (K, K, Cin, Cout), and turned by
// 180 degrees with in and out swapped, (K, K, Cout, Cin).
func kernelsOf[T float](w []T, s convShape) (wk, flip []T) {
	wk, flip = make([]T, len(w)), make([]T, len(w))
	k := s.K
	for co := range s.Cout {
		for ci := range s.Cin {
			for ky := range k {
				for kx := range k {
					v := w[((co*s.Cin+ci)*k+ky)*k+kx]
					wk[((ky*k+kx)*s.Cin+ci)*s.Cout+co] = v
					flip[(((k-1-ky)*k+k-1-kx)*s.Cout+co)*s.Cin+ci] = v
				}
			}
		}
	}
	return wk, flip
}

// convFast runs convForwardFast and convBackwardFast on PyTorch-layout
// buffers: out (Cout, H, W), dIn (Cin, H, W), dW (Cout, Cin, K, K).
func convFast[T float](in, w, b, dOut []T, s convShape) (out, dIn, dW []T) {
	p := s.pad()
	wk, flip := kernelsOf(w, s)
	inPad, dOutPad := hwcOf(in, s.Cin, s.H, s.W, p), hwcOf(dOut, s.Cout, s.H, s.W, p)
	o, di, dwk := make([]T, s.outSize()), make([]T, s.inSize()), make([]T, s.wSize())
	convForwardFast(o, inPad, wk, b, s)
	convBackwardFast(di, dwk, dOutPad, inPad, flip, make([]T, s.Cin), s)
	dW = make([]T, s.wSize())
	k := s.K
	for co := range s.Cout {
		for ci := range s.Cin {
			for t := range k * k {
				dW[(co*s.Cin+ci)*k*k+t] = dwk[(t*s.Cin+ci)*s.Cout+co]
			}
		}
	}
	return chwOf(o, s.Cout, s.H, s.W, 0), chwOf(di, s.Cin, s.H, s.W, 0), dW
}

// closeTo fails unless got equals want to the rounding of T (tol relative
// to the largest magnitude in want, or 1).
func closeTo[T float](t *testing.T, what string, got, want []T, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	scale := 1.0
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); !(d <= tol*scale) {
			t.Fatalf("%s: [%d] = %v, reference %v", what, i, got[i], want[i])
		}
	}
}

// fastTol is the tolerance of the training path against the reference: the
// two add the same terms in other orders, which changes the last bits.
func fastTol[T float]() float64 {
	var z T
	if _, ok := any(z).(float32); ok {
		return 1e-5
	}
	return 1e-13
}

// TestFastLayersMatchReference holds every layer of the training path to
// its readable loop, with the assembly and with the Go loops, in float32
// and float64.
func TestFastLayersMatchReference(t *testing.T) {
	for _, asm := range []bool{true, false} {
		if asm && !useAsm {
			continue
		}
		run := func(name string, f func(t *testing.T)) {
			t.Run(fmt.Sprintf("%s asm=%v", name, asm), func(t *testing.T) {
				if !asm {
					withGo(func() { f(t) })
				} else {
					f(t)
				}
			})
		}
		run("float32", fastLayersMatchReference[float32])
		run("float64", fastLayersMatchReference[float64])
	}
}

func fastLayersMatchReference[T float](t *testing.T) {
	tol := fastTol[T]()
	rng := rand.New(rand.NewPCG(5, 2))
	random := func(n int) []T {
		x := make([]T, n)
		for i := range x {
			x[i] = T(rng.NormFloat64())
		}
		return x
	}
	def := archOf(DefaultConfig())
	for _, s := range []convShape{def.conv1(), def.conv2(), {Cin: 3, Cout: 5, H: 9, W: 4, K: 7}, {Cin: 8, Cout: 24, H: 6, W: 10, K: 5}} {
		in, w, b, dOut := random(s.inSize()), random(s.wSize()), random(s.Cout), random(s.outSize())
		want, wantIn, wantW, wantB := make([]T, s.outSize()), make([]T, s.inSize()), make([]T, s.wSize()), make([]T, s.Cout)
		conv2dForward(want, in, w, b, s)
		conv2dBackward(wantIn, wantW, wantB, dOut, in, w, s)
		got, gotIn, gotW := convFast(in, w, b, dOut, s)
		closeTo(t, fmt.Sprint(s, " forward"), got, want, tol)
		closeTo(t, fmt.Sprint(s, " dIn"), gotIn, wantIn, tol)
		closeTo(t, fmt.Sprint(s, " dW"), gotW, wantW, tol)
	}

	// ReLU and pooling, forward and backward, with exact ties and values at
	// the ReLU's kink among random ones: no arithmetic but the bias
	// gradient's sum, so everything else must be equal.
	for _, shape := range [][3]int{{8, 28, 28}, {16, 14, 14}, {5, 6, 4}} {
		c, h, w := shape[0], shape[1], shape[2]
		in := random(c * h * w)
		for i := range in {
			switch rng.IntN(8) {
			case 0:
				in[i] = 0
			case 1:
				in[i] = in[max(i-1, 0)]
			}
		}
		dOut := random(c * h * w / 4)
		relu, pool, arg := make([]T, len(in)), make([]T, len(dOut)), make([]int32, len(dOut))
		reluForward(relu, in)
		maxPool2Forward(pool, arg, relu, c, h, w)
		dRelu, wantIn := make([]T, len(in)), make([]T, len(in))
		maxPool2Backward(dRelu, dOut, arg)
		reluBackward(wantIn, dRelu, relu)
		wantB := make([]T, c)
		for ch := range c {
			for _, v := range wantIn[ch*h*w : (ch+1)*h*w] {
				wantB[ch] += v
			}
		}
		for _, pad := range []int{0, 2} {
			what := fmt.Sprintf("ReLU and pool %v, border %d", shape, pad)
			outPad, win := make([]T, (h/2+2*pad)*(w/2+2*pad)*c), make([]int32, len(dOut))
			reluPoolForwardFast(outPad, pad, win, hwcOf(in, c, h, w, 0), c, h, w)
			sameValues(t, what+" out", chwOf(outPad, c, h/2, w/2, pad), pool)
			dInPad, dB := make([]T, (h+2*pad)*(w+2*pad)*c), make([]T, c)
			reluPoolBackwardFast(dInPad, pad, dB, hwcOf(dOut, c, h/2, w/2, 0), win, c, h, w)
			sameValues(t, what+" dIn", chwOf(dInPad, c, h, w, pad), wantIn)
			closeTo(t, what+" dB", dB, wantB, tol)
		}
	}

	// The classifier, three images at once.
	const n, nIn = 3, 40
	x, w, b, dOut := random(n*nIn), random(Classes*nIn), random(Classes), random(n*Classes)
	wT, b16, dOut16 := make([]T, nIn*classesPad), make([]T, classesPad), make([]T, n*classesPad)
	for o := range Classes {
		for i := range nIn {
			wT[i*classesPad+o] = w[o*nIn+i]
		}
		b16[o] = b[o]
		for k := range n {
			dOut16[k*classesPad+o] = dOut[k*Classes+o]
		}
	}
	out, dX, dWT, dB := make([]T, n*classesPad), make([]T, n*nIn), make([]T, nIn*classesPad), make([]T, classesPad)
	linearForwardFast(out, x, wT, b16, n, nIn)
	linearBackwardFast(dX, dWT, dB, dOut16, x, w, make([]T, nIn), n, nIn)
	wantW, wantB := make([]T, len(w)), make([]T, Classes)
	for k := range n {
		want, wantIn := make([]T, Classes), make([]T, nIn)
		linearForward(want, x[k*nIn:(k+1)*nIn], w, b)
		linearBackward(wantIn, wantW, wantB, dOut[k*Classes:(k+1)*Classes], x[k*nIn:(k+1)*nIn], w)
		closeTo(t, fmt.Sprint("linear forward ", k), out[k*classesPad:][:Classes], want, tol)
		closeTo(t, fmt.Sprint("linear dIn ", k), dX[k*nIn:(k+1)*nIn], wantIn, tol)
	}
	gotW := make([]T, len(w))
	for o := range Classes {
		for i := range nIn {
			gotW[o*nIn+i] = dWT[i*classesPad+o]
		}
	}
	closeTo(t, "linear dW", gotW, wantW, tol)
	closeTo(t, "linear dB", dB[:Classes], wantB, tol)
}

// sameValues fails unless got and want hold the same values (NaN aside).
func sameValues[T float](t *testing.T, what string, got, want []T) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: [%d] = %v, reference %v", what, i, got[i], want[i])
		}
	}
}

// fastNet runs images (n of 784 pixels) through D4 on the training path in
// chunks, as the trainer does, and returns the mean loss, the gradient of
// the mean loss in PyTorch's layout, and the trace of each image: conv1,
// pool1, conv2, pool2 in (C, H, W) order and the logits, one image after
// another.
func fastNet[T float](a arch, p params[T], images []T, labels []int) (loss float64, grad []T, stages [5][]T) {
	pm := newParamMap(a)
	k := kernelParamsOf(a, pm, p)
	g := newKernelGrads[T](a)
	w := newFastWork[T](a)
	c1, c2 := a.conv1(), a.conv2()
	pd := c1.pad()
	n := len(labels)
	for at := 0; at < n; at += chunkImages {
		m := min(chunkImages, n-at)
		for i := range m {
			w.setImage(a, i, images[(at+i)*784:(at+i+1)*784])
		}
		forwardFast(a, k, w, m)
		for i := range m {
			loss += w.lossFast(i, labels[at+i])
			d := slot(w.dLogits, i)
			clear(d)
			softmaxCrossEntropyBackward(d[:Classes], slot(w.probs, i), labels[at+i], 1/T(n))
			stages[1] = append(stages[1], chwOf(slot(w.in2, i), c2.Cin, c2.H, c2.W, pd)...)
			stages[3] = append(stages[3], chwOf(slot(w.x, i), c2.Cout, c2.H/2, c2.W/2, 0)...)
			stages[4] = append(stages[4], slot(w.logits, i)[:Classes]...)
		}
		backwardFast(a, k, g, w, m)
	}
	// conv1 and conv2 are scratch, one image at a time.
	for i := range n {
		w.setImage(a, 0, images[i*784:(i+1)*784])
		forwardFast(a, k, w, 1)
		stages[0] = append(stages[0], chwOf(w.conv1, c1.Cout, c1.H, c1.W, 0)...)
		stages[2] = append(stages[2], chwOf(w.conv2, c2.Cout, c2.H, c2.W, 0)...)
	}
	grad = make([]T, a.numParams())
	g.storeTo(pm, grad)
	return loss / float64(n), grad, stages
}

// refNet is fastNet on the reference path.
func refNet[T float](a arch, p params[T], images []T, labels []int) (loss float64, grad []T, stages [5][]T) {
	x, d := newActivations[T](a), newDeltas[T](a)
	grad = make([]T, a.numParams())
	g := split(a, grad)
	n := len(labels)
	for i, label := range labels {
		copy(x.input, images[i*784:(i+1)*784])
		loss += forward(a, p, x, label)
		backward(a, p, g, x, d, label, 1/T(n))
		for s, v := range [5][]T{x.conv1, x.pool1, x.conv2, x.pool2, x.logits} {
			stages[s] = append(stages[s], v...)
		}
	}
	return loss / float64(n), grad, stages
}

// TestFastNetMatchesReference runs D4 both ways on eleven images (a full
// chunk and part of one), with the default shape and with one whose
// channels are not whole registers.
func TestFastNetMatchesReference(t *testing.T) {
	for _, a := range []arch{archOf(DefaultConfig()), {K: 5, F1: 3, F2: 12}} {
		for _, asm := range []bool{true, false} {
			if asm && !useAsm {
				continue
			}
			name := fmt.Sprintf("%+v asm=%v", a, asm)
			t.Run(name, func(t *testing.T) {
				if !asm {
					defer func(old bool) { useAsm = old }(useAsm)
					useAsm = false
				}
				fastNetMatchesReference[float32](t, a)
				fastNetMatchesReference[float64](t, a)
			})
		}
	}
}

func fastNetMatchesReference[T float](t *testing.T, a arch) {
	rng := rand.New(rand.NewPCG(7, 1))
	flat := make([]T, a.numParams())
	for i := range flat {
		flat[i] = T(rng.NormFloat64() * 0.3)
	}
	p := split(a, flat)
	const n = 11
	images, labels := make([]T, n*784), make([]int, n)
	for i := range images {
		images[i] = T(rng.Float64())
	}
	for i := range labels {
		labels[i] = rng.IntN(Classes)
	}
	fLoss, fGrad, fStages := fastNet(a, p, images, labels)
	rLoss, rGrad, rStages := refNet(a, p, images, labels)
	tol := fastTol[T]()
	for s, name := range []string{"conv1", "pool1", "conv2", "pool2", "logits"} {
		closeTo(t, name, fStages[s], rStages[s], tol)
	}
	closeTo(t, "loss", []T{T(fLoss)}, []T{T(rLoss)}, tol)
	closeTo(t, "gradient", fGrad, rGrad, tol)
}
