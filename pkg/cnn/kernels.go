package cnn

import (
	"fmt"
	"unsafe"
)

// The four kernels the training path spends its time in, each a driver
// that checks every index it will touch and then runs the work on the
// AVX2 assembly (kernels_amd64.s, for float32 on CPUs that have AVX2) or
// on the portable Go loop beside it.
//
// The assembly and the Go loops do the same float32 operations in the same
// order: every product is rounded, then added (no fused multiply-add), and
// each output sums its terms one after another, never in split lanes. So
// the two give the same bits, on any CPU, and a driver may hand any
// columns of its output to either (gemm-style column strips of 16 and 8 to
// the assembly, the rest to Go). Tests hold the two to bit equality and
// both to the readable layers in layers.go.
//
// Buffers are flat, with explicit strides (in elements) so the kernels can
// read and write the inside of a zero-bordered image: a pixel (r, q) of a
// grid with strides (row, pix) starts at r*row + q*pix.

// useAsm selects the assembly kernels for float32. It is set at start-up
// from the CPU's features (haveAsm); tests switch it off to run the Go
// loops, and the purego build tag removes the assembly.
var useAsm = haveAsm()

// asm32 reports whether T is float32 and the assembly is on. The size test
// is a constant for each instantiation, so the other branch compiles away.
func asm32[T float]() bool { return useAsm && unsafe.Sizeof(T(0)) == 4 }

// f32 returns a pointer to x[0] as a *float32, for T float32 only.
func f32[T float](x []T) *float32 { return (*float32)(unsafe.Pointer(unsafe.SliceData(x))) }

// convTaps computes, for every pixel (r, q) of a rows x cols grid and every
// column j < n,
//
//	c[r*cRow + q*cPix + j] = bias[j] + sum over ky < kh, t < kwc of
//	                         a[r*aRow + q*aPix + ky*aRow + t] * w[(ky*kwc + t)*ldw + j]
//
// in that order of ky and t; with a nil bias it adds into c instead. This
// is a convolution of a zero-bordered (H, W, Cin) image with kernels
// stored (K, K, Cin, Cout) (aRow is a bordered row, aPix = Cin, kh = K,
// kwc = K*Cin, n = Cout), and with rows = 1 a matrix product.
// convTaps panics if an index falls outside a buffer.
func convTaps[T float](c []T, cRow, cPix int, a []T, aRow, aPix, kh, kwc int, w []T, ldw int, bias []T, rows, cols, n int) {
	last := func(rows, row, cols, pix, width int) int { return (rows-1)*row + (cols-1)*pix + width }
	switch {
	case rows < 1 || cols < 1 || kh < 1 || kwc < 1 || n < 1 || min(cRow, cPix, aRow, aPix, ldw) < 0:
		panic(fmt.Sprintf("cnn: convTaps of a %dx%d grid, %dx%d taps, %d columns, strides c %d,%d a %d,%d w %d",
			rows, cols, kh, kwc, n, cRow, cPix, aRow, aPix, ldw))
	case last(rows, cRow, cols, cPix, n) > len(c):
		panic(fmt.Sprintf("cnn: convTaps writes past c (%d values)", len(c)))
	case last(rows+kh-1, aRow, cols, aPix, kwc) > len(a):
		panic(fmt.Sprintf("cnn: convTaps reads past a (%d values)", len(a)))
	case (kh*kwc-1)*ldw+n > len(w):
		panic(fmt.Sprintf("cnn: convTaps reads past w (%d values)", len(w)))
	case bias != nil && n > len(bias):
		panic(fmt.Sprintf("cnn: convTaps reads past bias (%d values)", len(bias)))
	}
	j := 0
	if asm32[T]() {
		if strips := n / 16; strips > 0 {
			convTaps16(f32(c), cRow, cPix, f32(a), aRow, aPix, kh, kwc, f32(w), ldw, f32(bias), rows, cols, strips)
			j = 16 * strips
		}
		if n-j >= 8 {
			var b *float32
			if bias != nil {
				b = f32(bias[j:])
			}
			convTaps8(f32(c[j:]), cRow, cPix, f32(a), aRow, aPix, kh, kwc, f32(w[j:]), ldw, b, rows, cols, 1)
			j += 8
		}
	}
	if j < n {
		var b []T
		if bias != nil {
			b = bias[j:]
		}
		convTapsGo(c[j:], cRow, cPix, a, aRow, aPix, kh, kwc, w[j:], ldw, b, rows, cols, n-j)
	}
}

// convTapsGo is convTaps in Go, for columns [0, n).
func convTapsGo[T float](c []T, cRow, cPix int, a []T, aRow, aPix, kh, kwc int, w []T, ldw int, bias []T, rows, cols, n int) {
	for r := range rows {
		for q := range cols {
			out := c[r*cRow+q*cPix:][:n]
			if bias != nil {
				copy(out, bias[:n])
			}
			at := r*aRow + q*aPix
			for ky := range kh {
				for t, x := range a[at+ky*aRow:][:kwc] {
					wt := w[(ky*kwc+t)*ldw:][:n]
					for j, v := range wt {
						out[j] += T(x * v) // rounded product, then the sum: no fused multiply-add
					}
				}
			}
		}
	}
}

// convWeightGrad adds, for every tap (ky, t) with ky < kh, t < kwc and
// every column j < n,
//
//	dw[(ky*kwc + t)*ldw + j] += sum over the pixels (r, q) of a rows x cols grid of
//	                            a[r*aRow + q*aPix + ky*aRow + t] * d[r*dRow + q*dPix + j]
//
// the pixels taken in row order. This is a convolution's weight gradient
// for an input laid out as in convTaps and the output's gradient d (H, W,
// Cout), and with rows = 1 the product aᵀ × d.
// convWeightGrad panics if an index falls outside a buffer.
func convWeightGrad[T float](dw []T, ldw int, a []T, aRow, aPix, kh, kwc int, d []T, dRow, dPix, rows, cols, n int) {
	last := func(rows, row, cols, pix, width int) int { return (rows-1)*row + (cols-1)*pix + width }
	switch {
	case rows < 1 || cols < 1 || kh < 1 || kwc < 1 || n < 1 || min(aRow, aPix, dRow, dPix, ldw) < 0:
		panic(fmt.Sprintf("cnn: convWeightGrad of a %dx%d grid, %dx%d taps, %d columns, strides a %d,%d d %d,%d dw %d",
			rows, cols, kh, kwc, n, aRow, aPix, dRow, dPix, ldw))
	case (kh*kwc-1)*ldw+n > len(dw):
		panic(fmt.Sprintf("cnn: convWeightGrad writes past dw (%d values)", len(dw)))
	case last(rows+kh-1, aRow, cols, aPix, kwc) > len(a):
		panic(fmt.Sprintf("cnn: convWeightGrad reads past a (%d values)", len(a)))
	case last(rows, dRow, cols, dPix, n) > len(d):
		panic(fmt.Sprintf("cnn: convWeightGrad reads past d (%d values)", len(d)))
	}
	j := 0
	if asm32[T]() {
		for ; j+8 <= n; j += 16 {
			nr := 16
			if n-j < 16 {
				nr = 8
			}
			// Tiles of th kernel rows by tw taps, as many accumulators as
			// the registers hold (6 of 16 columns or 12 of 8), with the
			// fewest kernel rows.
			maxAcc := 12 * 8 / nr
			th, size := 1, 0
			for h := 1; h <= min(kh, 3); h++ {
				if s := h * min(kwc, maxAcc/h); s > size {
					th, size = h, s
				}
			}
			tw := size / th
			for ky := 0; ky < kh; ky += th {
				th := min(th, kh-ky)
				for t := 0; t < kwc; {
					tw := min(tw, kwc-t)
					tiles := (kwc - t) / tw
					weightGradKernels[weightGradIndex(nr, th, tw)](f32(dw[(ky*kwc+t)*ldw+j:]), kwc*ldw, ldw,
						f32(a[ky*aRow+t:]), aRow, aPix, f32(d[j:]), dRow, dPix, rows, cols, tiles)
					t += tiles * tw
				}
			}
			if nr == 8 {
				j += 8
				break
			}
		}
	}
	if j < n {
		convWeightGradGo(dw[j:], ldw, a, aRow, aPix, kh, kwc, d[j:], dRow, dPix, rows, cols, n-j)
	}
}

// weightGradFunc is an assembly weight-gradient kernel for one strip of
// columns and one tile shape (kernels_amd64.s).
type weightGradFunc func(dw *float32, ldwRow, ldw int, a *float32, aRow, aPix int, d *float32, dRow, dPix, rows, cols, tiles int)

// weightGradIndex is where the kernel for a tile of th kernel rows by tw
// taps and nr columns (16 or 8) sits in weightGradKernels.
func weightGradIndex(nr, th, tw int) int { return (nr/8-1)*36 + (th-1)*12 + tw - 1 }

// convWeightGradGo is convWeightGrad in Go, for columns [0, n).
func convWeightGradGo[T float](dw []T, ldw int, a []T, aRow, aPix, kh, kwc int, d []T, dRow, dPix, rows, cols, n int) {
	for ky := range kh {
		for t := range kwc {
			acc := dw[(ky*kwc+t)*ldw:][:n]
			for r := range rows {
				for q := range cols {
					x := a[r*aRow+q*aPix+ky*aRow+t]
					for j, v := range d[r*dRow+q*dPix:][:n] {
						acc[j] += T(x * v)
					}
				}
			}
		}
	}
}

// reluPool is ReLU followed by 2x2 max pooling, on (H, W, C) images: for
// every output pixel (y, x) of a rows x cols grid and channel j < ch, of
// the block in[2y.., 2x..] (strides inRow, inPix) it keeps the largest
// value, the first in row order on a tie, as
//
//	out[y*outRow + x*outPix + j] = max(best, 0) (NaN stays NaN)
//	win[y*winRow + x*winPix + j] = 0..3, which of the block won, or -1 if the ReLU was off (best <= 0)
//
// which equals maxPool2Forward(reluForward(in)): max(relu(v)) is relu(max(v)),
// and where the ReLU is on, the first of a tie wins in both. win is all the
// backward pass needs. reluPool panics if an index falls outside a buffer.
func reluPool[T float](out []T, outRow, outPix int, win []int32, winRow, winPix int, in []T, inRow, inPix, rows, cols, ch int) {
	last := func(rows, row, cols, pix, width int) int { return (rows-1)*row + (cols-1)*pix + width }
	switch {
	case rows < 1 || cols < 1 || ch < 1 || min(outRow, outPix, winRow, winPix, inRow, inPix) < 0:
		panic(fmt.Sprintf("cnn: reluPool of a %dx%dx%d grid", rows, cols, ch))
	case last(rows, outRow, cols, outPix, ch) > len(out) || last(rows, winRow, cols, winPix, ch) > len(win):
		panic(fmt.Sprintf("cnn: reluPool writes past out (%d values) or win (%d)", len(out), len(win)))
	case last(2*rows, inRow, 2*cols, inPix, ch) > len(in):
		panic(fmt.Sprintf("cnn: reluPool reads past in (%d values)", len(in)))
	}
	j := 0
	if asm32[T]() && ch >= 8 {
		reluPool8(f32(out), outRow, outPix, unsafe.SliceData(win), winRow, winPix, f32(in), inRow, inPix, rows, cols, ch/8)
		j = ch / 8 * 8
	}
	if j < ch {
		reluPoolGo(out[j:], outRow, outPix, win[j:], winRow, winPix, in[j:], inRow, inPix, rows, cols, ch-j)
	}
}

// reluPoolGo is reluPool in Go, for channels [0, ch).
func reluPoolGo[T float](out []T, outRow, outPix int, win []int32, winRow, winPix int, in []T, inRow, inPix, rows, cols, ch int) {
	for y := range rows {
		for x := range cols {
			o := out[y*outRow+x*outPix:][:ch]
			k := win[y*winRow+x*winPix:][:ch]
			at := 2*y*inRow + 2*x*inPix
			v0, v1 := in[at:][:ch], in[at+inPix:][:ch]
			v2, v3 := in[at+inRow:][:ch], in[at+inRow+inPix:][:ch]
			for j := range o {
				best, which := v0[j], int32(0)
				if v := v1[j]; v > best {
					best, which = v, 1
				}
				if v := v2[j]; v > best {
					best, which = v, 2
				}
				if v := v3[j]; v > best {
					best, which = v, 3
				}
				if !(best > 0) {
					which = -1
				}
				if best <= 0 {
					best = 0
				}
				o[j], k[j] = best, which
			}
		}
	}
}

// reluPoolBackward is the backward pass of reluPool: every block of dIn
// (strides dRow, dPix) gets its output's gradient g = dOut[y, x, j] at the
// input that won, and zeros elsewhere (it overwrites dIn), and dB[j] gains
// g where the ReLU was on, +0 elsewhere, pixel after pixel in row order:
// the bias gradient of the convolution below, whose output gradient is
// the dIn written here. reluPoolBackward panics if an index falls outside
// a buffer.
func reluPoolBackward[T float](dIn []T, dRow, dPix int, dOut []T, oRow, oPix int, win []int32, winRow, winPix int, dB []T, rows, cols, ch int) {
	last := func(rows, row, cols, pix, width int) int { return (rows-1)*row + (cols-1)*pix + width }
	switch {
	case rows < 1 || cols < 1 || ch < 1 || min(dRow, dPix, oRow, oPix, winRow, winPix) < 0:
		panic(fmt.Sprintf("cnn: reluPoolBackward of a %dx%dx%d grid", rows, cols, ch))
	case last(2*rows, dRow, 2*cols, dPix, ch) > len(dIn) || ch > len(dB):
		panic(fmt.Sprintf("cnn: reluPoolBackward writes past dIn (%d values) or dB (%d)", len(dIn), len(dB)))
	case last(rows, oRow, cols, oPix, ch) > len(dOut) || last(rows, winRow, cols, winPix, ch) > len(win):
		panic(fmt.Sprintf("cnn: reluPoolBackward reads past dOut (%d values) or win (%d)", len(dOut), len(win)))
	}
	j := 0
	if asm32[T]() && ch >= 8 {
		reluPoolBackward8(f32(dIn), dRow, dPix, f32(dOut), oRow, oPix, unsafe.SliceData(win), winRow, winPix, f32(dB), rows, cols, ch/8)
		j = ch / 8 * 8
	}
	if j < ch {
		reluPoolBackwardGo(dIn[j:], dRow, dPix, dOut[j:], oRow, oPix, win[j:], winRow, winPix, dB[j:], rows, cols, ch-j)
	}
}

// reluPoolBackwardGo is reluPoolBackward in Go, for channels [0, ch).
func reluPoolBackwardGo[T float](dIn []T, dRow, dPix int, dOut []T, oRow, oPix int, win []int32, winRow, winPix int, dB []T, rows, cols, ch int) {
	dB = dB[:ch]
	for y := range rows {
		for x := range cols {
			g := dOut[y*oRow+x*oPix:][:ch]
			k := win[y*winRow+x*winPix:][:ch]
			at := 2*y*dRow + 2*x*dPix
			d0, d1 := dIn[at:][:ch], dIn[at+dPix:][:ch]
			d2, d3 := dIn[at+dRow:][:ch], dIn[at+dRow+dPix:][:ch]
			for j, gj := range g {
				var z0, z1, z2, z3 T
				switch k[j] {
				case 0:
					z0 = gj
				case 1:
					z1 = gj
				case 2:
					z2 = gj
				case 3:
					z3 = gj
				default:
					gj = 0
				}
				d0[j], d1[j], d2[j], d3[j] = z0, z1, z2, z3
				dB[j] += gj
			}
		}
	}
}
