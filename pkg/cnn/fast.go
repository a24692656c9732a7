package cnn

import "fmt"

// This file holds the training path's layers: the maths of layers.go on a
// layout made for the kernels of kernels.go. An image is (H, W, C),
// channels last, so a pixel's 8 or 16 channels fill one or two AVX2
// registers, and a convolution's input carries a zero border of p = K/2
// pixels, so that every output pixel reads a whole K x K window with no
// test for the edge. Convolution weights are (K, K, Cin, Cout). ReLU and
// max pooling are one pass, and that pass's backward also sums the
// convolution's bias gradient. Tests hold every function here to its
// reference in layers.go.
//
// Unlike the reference layers, these overwrite their input gradients
// (dIn); weight and bias gradients are added, as there.

// convForwardFast computes the same as conv2dForward.
//
// out is (H, W, Cout), inPad is (H+2p, W+2p, Cin) with a zero border,
// w is (K, K, Cin, Cout), b is (Cout).
func convForwardFast[T float](out, inPad, w, b []T, s convShape) {
	wp := s.W + 2*s.pad()
	checkLen(s, "out", len(out), s.H*s.W*s.Cout)
	checkLen(s, "inPad", len(inPad), (s.H+2*s.pad())*wp*s.Cin)
	checkLen(s, "w", len(w), s.wSize())
	convTaps(out, s.W*s.Cout, s.Cout, inPad, wp*s.Cin, s.Cin, s.K, s.K*s.Cin, w, s.Cout, b, s.H, s.W, s.Cout)
}

// convBackwardFast adds the weight gradient into dW and, if dIn is not
// nil, writes the input gradient into dIn: the full correlation of the
// output's gradient with the kernels turned by 180 degrees. The bias
// gradient is reluPoolBackwardFast's, which writes dOutPad.
//
// dIn is (H, W, Cin), dW is (K, K, Cin, Cout), dOutPad is (H+2p, W+2p, Cout)
// with a zero border, inPad is (H+2p, W+2p, Cin), wFlip is (K, K, Cout, Cin)
// with wFlip[ky, kx, co, ci] = w[K-1-ky, K-1-kx, ci, co], zeros holds at
// least Cin zeros.
func convBackwardFast[T float](dIn, dW, dOutPad, inPad, wFlip, zeros []T, s convShape) {
	p := s.pad()
	wp := s.W + 2*p
	checkLen(s, "dW", len(dW), s.wSize())
	checkLen(s, "dOutPad", len(dOutPad), (s.H+2*p)*wp*s.Cout)
	checkLen(s, "inPad", len(inPad), (s.H+2*p)*wp*s.Cin)
	inside := (p*wp + p) * s.Cout // dOut[0, 0] in dOutPad
	convWeightGrad(dW, s.Cout, inPad, wp*s.Cin, s.Cin, s.K, s.K*s.Cin, dOutPad[inside:], wp*s.Cout, s.Cout, s.H, s.W, s.Cout)
	if dIn == nil {
		return
	}
	checkLen(s, "dIn", len(dIn), s.H*s.W*s.Cin)
	checkLen(s, "wFlip", len(wFlip), s.wSize())
	convTaps(dIn, s.W*s.Cin, s.Cin, dOutPad, wp*s.Cout, s.Cout, s.K, s.K*s.Cout, wFlip, s.Cin, zeros[:s.Cin], s.H, s.W, s.Cin)
}

// reluPoolForwardFast computes the same as reluForward followed by
// maxPool2Forward, writing the pooled image into the inside of outPad and
// in win which of each 2x2 block won (0..3, in row order), or -1 where the
// ReLU let nothing through.
//
// outPad is (H/2+2pad, W/2+2pad, C), win is (H/2, W/2, C), in is (H, W, C);
// H and W are even.
func reluPoolForwardFast[T float](outPad []T, pad int, win []int32, in []T, c, h, w int) {
	oh, ow := h/2, w/2
	if h%2 != 0 || w%2 != 0 || len(in) != h*w*c || len(win) != oh*ow*c || len(outPad) != (oh+2*pad)*(ow+2*pad)*c {
		panic(fmt.Sprintf("cnn: ReLU and pool of (%d, %d, %d) with in %d, win %d, outPad %d (border %d) values", h, w, c, len(in), len(win), len(outPad), pad))
	}
	row := (ow + 2*pad) * c
	reluPool(outPad[pad*row+pad*c:], row, c, win, ow*c, c, in, w*c, c, oh, ow, c)
}

// reluPoolBackwardFast computes the same as maxPool2Backward followed by
// reluBackward into the inside of dInPad, which it overwrites, and adds
// the sum over the pixels of that gradient into dB.
//
// dInPad is (H+2pad, W+2pad, C), dB is (C), dOut and win are (H/2, W/2, C).
func reluPoolBackwardFast[T float](dInPad []T, pad int, dB, dOut []T, win []int32, c, h, w int) {
	oh, ow := h/2, w/2
	if h%2 != 0 || w%2 != 0 || len(dOut) != oh*ow*c || len(win) != len(dOut) || len(dB) != c || len(dInPad) != (h+2*pad)*(w+2*pad)*c {
		panic(fmt.Sprintf("cnn: ReLU and pool backward of (%d, %d, %d) with dOut %d, win %d, dB %d, dInPad %d (border %d) values", h, w, c, len(dOut), len(win), len(dB), len(dInPad), pad))
	}
	row := (w + 2*pad) * c
	reluPoolBackward(dInPad[pad*row+pad*c:], row, c, dOut, ow*c, c, win, ow*c, c, dB, oh, ow, c)
}

// classesPad is Classes rounded up to whole AVX2 registers: the training
// path's logits and classifier weights carry zeros in the columns past
// Classes.
const classesPad = 16

// linearForwardFast computes linearForward for n images at once.
//
// out is (n, 16), x is (n, In), wT is (In, 16) (the weights transposed,
// zero past column 10), b is (16).
func linearForwardFast[T float](out, x, wT, b []T, n, in int) {
	if len(out) != n*classesPad || len(x) != n*in || len(wT) != in*classesPad || len(b) != classesPad {
		panic(fmt.Sprintf("cnn: classifier of %d images of %d inputs with out %d, x %d, wT %d, b %d values", n, in, len(out), len(x), len(wT), len(b)))
	}
	convTaps(out, 0, classesPad, x, 0, in, 1, in, wT, classesPad, b, 1, n, classesPad)
}

// linearBackwardFast adds the weight and bias gradients of n images into
// dWT and dB and, if dX is not nil, writes the input gradients into dX.
//
// dX and x are (n, In), dWT is (In, 16), dB is (16), dOut is (n, 16) with
// zeros past column 10, w is (10, In), zeros holds at least In zeros.
func linearBackwardFast[T float](dX, dWT, dB, dOut, x, w, zeros []T, n, in int) {
	if len(dOut) != n*classesPad || len(x) != n*in || len(dWT) != in*classesPad || len(dB) != classesPad || len(w) != Classes*in {
		panic(fmt.Sprintf("cnn: classifier backward of %d images of %d inputs with dOut %d, x %d, dWT %d, dB %d, w %d values", n, in, len(dOut), len(x), len(dWT), len(dB), len(w)))
	}
	convWeightGrad(dWT, classesPad, x, 0, in, 1, in, dOut, 0, classesPad, 1, n, classesPad) // dWT += xᵀ × dOut
	for i := range n {
		for o, g := range dOut[i*classesPad:][:Classes] {
			dB[o] += g
		}
	}
	if dX != nil {
		if len(dX) != n*in {
			panic(fmt.Sprintf("cnn: classifier backward of %d images of %d inputs with dX %d values", n, in, len(dX)))
		}
		convTaps(dX, 0, in, dOut, 0, classesPad, 1, Classes, w, in, zeros[:in], 1, n, in) // dX = dOut × w
	}
}

func checkLen(s convShape, name string, got, want int) {
	if got != want {
		panic(fmt.Sprintf("cnn: %v: %s has %d values, want %d", s, name, got, want))
	}
}
