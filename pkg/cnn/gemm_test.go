package cnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemmMatchesReference holds the three fast products to their naive
// loops, on sizes that exercise every remainder of the blocking and on the
// sizes D4 uses.
func TestGemmMatchesReference(t *testing.T) {
	t.Run("float32", func(t *testing.T) { gemmMatchesReference[float32](t, 1e-5) })
	t.Run("float64", func(t *testing.T) { gemmMatchesReference[float64](t, 1e-13) })
}

func gemmMatchesReference[T float](t *testing.T, tol float64) {
	rng := rand.New(rand.NewPCG(5, 1))
	var sizes [][3]int
	for m := 1; m <= 5; m++ {
		for k := 1; k <= 9; k += 2 {
			for n := 1; n <= 9; n += 3 {
				sizes = append(sizes, [3]int{m, k, n})
			}
		}
	}
	// conv1 and conv2 forward, their weight gradients, conv2's input
	// gradient, the classifier forward and its gradients.
	sizes = append(sizes, [3]int{8, 9, 784}, [3]int{16, 72, 196}, [3]int{8, 784, 9}, [3]int{16, 196, 72},
		[3]int{72, 16, 196}, [3]int{1, 784, 10}, [3]int{10, 1, 784}, [3]int{1, 10, 784})
	for _, kind := range []string{"NN", "TN", "NT"} {
		fast, ref := gemmNN[T], gemmNNRef[T]
		switch kind {
		case "TN":
			fast, ref = gemmTN[T], gemmTNRef[T]
		case "NT":
			fast, ref = gemmNT[T], gemmNTRef[T]
		}
		for _, s := range sizes {
			m, k, n := s[0], s[1], s[2]
			a, b := make([]T, m*k), make([]T, k*n)
			for i := range a {
				a[i] = T(rng.NormFloat64())
			}
			for i := range b {
				b[i] = T(rng.NormFloat64())
			}
			want, got := make([]T, m*n), make([]T, m*n)
			for i := range want {
				want[i] = T(rng.NormFloat64()) // both add into the same start
				got[i] = want[i]
			}
			ref(want, a, b, m, k, n)
			fast(got, a, b, m, k, n)
			for i := range got {
				if d := math.Abs(float64(got[i] - want[i])); !(d <= tol*math.Sqrt(float64(k))*(1+math.Abs(float64(want[i])))) {
					t.Fatalf("gemm%s %v: [%d] = %v, reference %v", kind, s, i, got[i], want[i])
				}
			}
		}
	}
}

// TestFastLayersMatchReference holds the training path's convolution and
// linear layers to the readable loops on D4's own shapes.
func TestFastLayersMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 2))
	def := archOf(DefaultConfig())
	for _, s := range []convShape{def.conv1(), def.conv2(), {Cin: 3, Cout: 5, H: 9, W: 4, K: 7}} {
		in, w, b := randomSlice(rng, s.inSize()), randomSlice(rng, s.wSize()), randomSlice(rng, s.Cout)
		dOut := randomSlice(rng, s.outSize())
		want, got, col, dCol := make([]float32, s.outSize()), make([]float32, s.outSize()), make([]float32, s.colSize()), make([]float32, s.colSize())
		conv2dForward(want, in, w, b, s)
		conv2dForwardFast(got, in, w, b, col, s)
		close32(t, fmt.Sprint(s, " forward"), got, want)
		wantIn, wantW, wantB := make([]float32, s.inSize()), make([]float32, s.wSize()), make([]float32, s.Cout)
		gotIn, gotW, gotB := make([]float32, s.inSize()), make([]float32, s.wSize()), make([]float32, s.Cout)
		conv2dBackward(wantIn, wantW, wantB, dOut, in, w, s)
		conv2dBackwardFast(gotIn, gotW, gotB, dOut, w, col, dCol, s)
		close32(t, fmt.Sprint(s, " dIn"), gotIn, wantIn)
		close32(t, fmt.Sprint(s, " dW"), gotW, wantW)
		close32(t, fmt.Sprint(s, " dB"), gotB, wantB)
	}
	in, w, b, dOut := randomSlice(rng, 784), randomSlice(rng, 7840), randomSlice(rng, 10), randomSlice(rng, 10)
	want, got := make([]float32, 10), make([]float32, 10)
	linearForward(want, in, w, b)
	linearForwardFast(got, in, w, b)
	close32(t, "linear forward", got, want)
	wantIn, wantW, wantB := make([]float32, 784), make([]float32, 7840), make([]float32, 10)
	gotIn, gotW, gotB := make([]float32, 784), make([]float32, 7840), make([]float32, 10)
	linearBackward(wantIn, wantW, wantB, dOut, in, w)
	linearBackwardFast(gotIn, gotW, gotB, dOut, in, w)
	close32(t, "linear dIn", gotIn, wantIn)
	close32(t, "linear dW", gotW, wantW)
	close32(t, "linear dB", gotB, wantB)
}

// close32 fails unless got equals want to float32 rounding, relative to
// the largest magnitude in want.
func close32(t *testing.T, what string, got, want []float32) {
	t.Helper()
	scale := 1.0
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); !(d <= 1e-5*scale) {
			t.Fatalf("%s: [%d] = %v, reference %v", what, i, got[i], want[i])
		}
	}
}
