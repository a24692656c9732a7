package cnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The assembly kernels against the Go loops, bit for bit, on shapes that
// take every remainder of their blocking (pixel blocks of 6 and 12, tiles,
// column strips of 16 and 8 and a Go remainder) and on D4's own shapes.
// Both orders of work round every product and add the terms in the same
// order, so any difference is a bug, not rounding.

// withGo runs f with the assembly switched off.
func withGo(f func()) {
	old := useAsm
	useAsm = false
	defer func() { useAsm = old }()
	f()
}

func needAsm(t *testing.T) {
	t.Helper()
	if !useAsm {
		t.Skip("no assembly kernels on this CPU or in this build (purego)")
	}
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: [%d] = %v (%#x) with assembly, %v (%#x) in Go", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// kernelShape is one random problem for the kernels.
type kernelShape struct {
	rows, cols, kh, kwc, n int
	cRow, cPix, aRow, aPix int
	ldw, dRow, dPix        int
}

func randomKernelShapes(rng *rand.Rand) []kernelShape {
	var shapes []kernelShape
	add := func(rows, cols, kh, kwc, n, aPix int) {
		cPix := n + rng.IntN(3)
		dPix := n + rng.IntN(3)
		shapes = append(shapes, kernelShape{
			rows: rows, cols: cols, kh: kh, kwc: kwc, n: n,
			cPix: cPix, cRow: cols*cPix + rng.IntN(5),
			aPix: aPix, aRow: (cols-1)*aPix + kwc + rng.IntN(5),
			ldw: n + rng.IntN(4), dPix: dPix, dRow: cols*dPix + rng.IntN(5),
		})
	}
	for cols := 1; cols <= 14; cols++ {
		for _, n := range []int{1, 8, 16, 21, 40} {
			add(1+rng.IntN(3), cols, 1+rng.IntN(3), 1+rng.IntN(7), n, 1+rng.IntN(9))
		}
	}
	// D4: conv1, conv2, conv2's input gradient, the classifier and its input gradient.
	add(28, 28, 3, 3, 8, 1)
	add(14, 14, 3, 24, 16, 8)
	add(14, 14, 3, 48, 8, 16)
	add(1, 8, 1, 784, 16, 784)
	add(1, 8, 1, 10, 784, 16)
	add(7, 7, 5, 40, 24, 8) // another configuration: 5x5 kernels, 8 -> 24 channels
	return shapes
}

func TestConvTapsAsmMatchesGo(t *testing.T) {
	needAsm(t)
	rng := rand.New(rand.NewPCG(9, 1))
	for _, s := range randomKernelShapes(rng) {
		for _, withBias := range []bool{true, false} {
			c := randomSlice(rng, (s.rows-1)*s.cRow+(s.cols-1)*s.cPix+s.n)
			a := randomSlice(rng, (s.rows+s.kh-2)*s.aRow+(s.cols-1)*s.aPix+s.kwc)
			w := randomSlice(rng, (s.kh*s.kwc-1)*s.ldw+s.n)
			var bias []float32
			if withBias {
				bias = randomSlice(rng, s.n)
			}
			want := append([]float32(nil), c...)
			withGo(func() {
				convTaps(want, s.cRow, s.cPix, a, s.aRow, s.aPix, s.kh, s.kwc, w, s.ldw, bias, s.rows, s.cols, s.n)
			})
			convTaps(c, s.cRow, s.cPix, a, s.aRow, s.aPix, s.kh, s.kwc, w, s.ldw, bias, s.rows, s.cols, s.n)
			sameBits(t, fmt.Sprintf("convTaps %+v bias %v", s, withBias), c, want)
		}
	}
}

func TestConvWeightGradAsmMatchesGo(t *testing.T) {
	needAsm(t)
	rng := rand.New(rand.NewPCG(9, 2))
	for _, s := range randomKernelShapes(rng) {
		dw := randomSlice(rng, (s.kh*s.kwc-1)*s.ldw+s.n)
		a := randomSlice(rng, (s.rows+s.kh-2)*s.aRow+(s.cols-1)*s.aPix+s.kwc)
		d := randomSlice(rng, (s.rows-1)*s.dRow+(s.cols-1)*s.dPix+s.n)
		want := append([]float32(nil), dw...)
		withGo(func() {
			convWeightGrad(want, s.ldw, a, s.aRow, s.aPix, s.kh, s.kwc, d, s.dRow, s.dPix, s.rows, s.cols, s.n)
		})
		convWeightGrad(dw, s.ldw, a, s.aRow, s.aPix, s.kh, s.kwc, d, s.dRow, s.dPix, s.rows, s.cols, s.n)
		sameBits(t, fmt.Sprintf("convWeightGrad %+v", s), dw, want)
	}
}

// poolInput returns values with ties, zeros of both signs, NaNs and
// infinities among normal ones, which the two pools must treat alike.
func poolInput(rng *rand.Rand, n int) []float32 {
	x := randomSlice(rng, n)
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0.5, -0.5}
	for i := range x {
		if rng.IntN(4) == 0 {
			x[i] = special[rng.IntN(len(special))]
		}
	}
	return x
}

func TestReLUPoolAsmMatchesGo(t *testing.T) {
	needAsm(t)
	rng := rand.New(rand.NewPCG(9, 3))
	for _, ch := range []int{1, 8, 11, 16, 24, 32} {
		for _, side := range []int{1, 2, 7, 14} {
			rows, cols := side, side+rng.IntN(2)
			inPix := ch + rng.IntN(2)
			inRow := 2*cols*inPix + rng.IntN(3)
			outPix, winPix := ch+rng.IntN(3), ch+rng.IntN(3)
			outRow, winRow := cols*outPix+rng.IntN(3), cols*winPix+rng.IntN(3)
			in := poolInput(rng, (2*rows-1)*inRow+(2*cols-1)*inPix+ch)
			out, win := randomSlice(rng, (rows-1)*outRow+(cols-1)*outPix+ch), make([]int32, (rows-1)*winRow+(cols-1)*winPix+ch)
			wantOut, wantWin := append([]float32(nil), out...), append([]int32(nil), win...)
			withGo(func() {
				reluPool(wantOut, outRow, outPix, wantWin, winRow, winPix, in, inRow, inPix, rows, cols, ch)
			})
			reluPool(out, outRow, outPix, win, winRow, winPix, in, inRow, inPix, rows, cols, ch)
			what := fmt.Sprintf("reluPool %d channels, %dx%d", ch, rows, cols)
			sameBits(t, what+" out", out, wantOut)
			for i := range win {
				if win[i] != wantWin[i] {
					t.Fatalf("%s: win[%d] = %d with assembly, %d in Go", what, i, win[i], wantWin[i])
				}
			}

			// Backward, with the winners just found.
			dPix := ch + rng.IntN(2)
			dRow := 2*cols*dPix + rng.IntN(3) // blocks must not overlap: the two orders of writing differ
			oPix := ch + rng.IntN(2)
			oRow := cols*oPix + rng.IntN(3)
			dIn := randomSlice(rng, (2*rows-1)*dRow+(2*cols-1)*dPix+ch)
			dOut, dB := randomSlice(rng, (rows-1)*oRow+(cols-1)*oPix+ch), randomSlice(rng, ch)
			wantIn, wantB := append([]float32(nil), dIn...), append([]float32(nil), dB...)
			withGo(func() {
				reluPoolBackward(wantIn, dRow, dPix, dOut, oRow, oPix, win, winRow, winPix, wantB, rows, cols, ch)
			})
			reluPoolBackward(dIn, dRow, dPix, dOut, oRow, oPix, win, winRow, winPix, dB, rows, cols, ch)
			sameBits(t, what+" dIn", dIn, wantIn)
			sameBits(t, what+" dB", dB, wantB)
		}
	}
}

// TestKernelsPanicOutOfBounds checks that a driver refuses, before any
// assembly runs, a problem that would read or write past a buffer.
func TestKernelsPanicOutOfBounds(t *testing.T) {
	mustPanic := func(what string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", what)
			}
		}()
		f()
	}
	c, a, w, b := make([]float32, 4*8), make([]float32, 6*6), make([]float32, 9*8), make([]float32, 8)
	convTaps(c, 2*8, 8, a, 6, 1, 3, 3, w, 8, b, 2, 2, 8) // fits: 4x4 input, 2x2 output
	mustPanic("convTaps past c", func() { convTaps(c[:31], 2*8, 8, a, 6, 1, 3, 3, w, 8, b, 2, 2, 8) })
	mustPanic("convTaps past a", func() { convTaps(c, 2*8, 8, a[:13], 6, 1, 3, 3, w, 8, b, 2, 2, 8) })
	mustPanic("convTaps past w", func() { convTaps(c, 2*8, 8, a, 6, 1, 3, 3, w[:71], 8, b, 2, 2, 8) })
	mustPanic("convTaps past bias", func() { convTaps(c, 2*8, 8, a, 6, 1, 3, 3, w, 8, b[:7], 2, 2, 8) })
	mustPanic("convWeightGrad past dw", func() { convWeightGrad(w[:71], 8, a, 6, 1, 3, 3, c, 16, 8, 2, 2, 8) })
	mustPanic("convWeightGrad past d", func() { convWeightGrad(w, 8, a, 6, 1, 3, 3, c[:31], 16, 8, 2, 2, 8) })
	win := make([]int32, 8)
	mustPanic("reluPool past in", func() { reluPool(b, 8, 8, win, 8, 8, c[:31], 16, 8, 1, 1, 8) })
	mustPanic("reluPoolBackward past dIn", func() { reluPoolBackward(c[:31], 16, 8, b, 8, 8, win, 8, 8, b, 1, 1, 8) })
}
