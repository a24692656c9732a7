package cnn

// This file holds the training path of the convolution and linear layers:
// the same maths as layers.go, arranged as matrix products. A convolution
// becomes one product after im2col copies, for every output pixel, the
// K*K*Cin inputs under the kernel into a column. The products are the three
// kernels in gemm.go, where the time goes; tests hold every function here
// equal to its reference in layers.go.

// im2col unrolls in into col: row (ci, ky, kx) of col holds, for every
// output pixel (y, x), the input in[ci, y+ky-pad, x+kx-pad], or zero where
// that falls outside the image.
//
// col is (Cin*K*K, H*W), in is (Cin, H, W).
func im2col[T float](col, in []T, s convShape) {
	if len(col) != s.colSize() || len(in) != s.inSize() {
		panic("cnn: im2col buffers do not match " + s.String())
	}
	pad, hw := s.pad(), s.pixels()
	r := 0
	for ci := range s.Cin {
		for ky := range s.K {
			for kx := range s.K {
				row := col[r*hw : (r+1)*hw]
				dy, dx := ky-pad, kx-pad
				x0, x1 := max(0, -dx), min(s.W, s.W-dx) // output columns whose input column is inside
				for y := range s.H {
					dst := row[y*s.W : (y+1)*s.W]
					iy := y + dy
					if iy < 0 || iy >= s.H {
						clear(dst)
						continue
					}
					src := in[(ci*s.H+iy)*s.W : (ci*s.H+iy+1)*s.W]
					clear(dst[:x0])
					copy(dst[x0:x1], src[x0+dx:x1+dx])
					clear(dst[x1:])
				}
				r++
			}
		}
	}
}

// col2im is the adjoint of im2col: it adds every entry of dCol back into
// the input position it was copied from.
//
// dIn is (Cin, H, W), dCol is (Cin*K*K, H*W).
func col2im[T float](dIn, dCol []T, s convShape) {
	if len(dCol) != s.colSize() || len(dIn) != s.inSize() {
		panic("cnn: col2im buffers do not match " + s.String())
	}
	pad, hw := s.pad(), s.pixels()
	r := 0
	for ci := range s.Cin {
		for ky := range s.K {
			for kx := range s.K {
				row := dCol[r*hw : (r+1)*hw]
				dy, dx := ky-pad, kx-pad
				x0, x1 := max(0, -dx), min(s.W, s.W-dx)
				for y := range s.H {
					iy := y + dy
					if iy < 0 || iy >= s.H || x0 >= x1 {
						continue
					}
					src := row[y*s.W+x0 : y*s.W+x1]
					off := (ci*s.H+iy)*s.W + x0 + dx
					dst := dIn[off : off+len(src)]
					for i, v := range src {
						dst[i] += v
					}
				}
				r++
			}
		}
	}
}

// conv2dForwardFast computes the same as conv2dForward as the product
// out = w × col + b, after im2col fills col; col is left holding the
// unrolled input for conv2dBackwardFast.
//
// out is (Cout, H, W), in is (Cin, H, W), w is (Cout, Cin, K, K), b is (Cout),
// col is (Cin*K*K, H*W).
func conv2dForwardFast[T float](out, in, w, b, col []T, s convShape) {
	s.check(len(out), len(in), len(w), len(b))
	im2col(col, in, s)
	hw := s.pixels()
	for co := range s.Cout {
		row := out[co*hw : (co+1)*hw]
		for i := range row {
			row[i] = b[co]
		}
	}
	gemmNN(out, w, col, s.Cout, s.taps(), hw) // out (Cout, HW) += w (Cout, taps) × col (taps, HW)
}

// conv2dBackwardFast adds the same gradients as conv2dBackward. col must
// hold im2col of the input, as conv2dForwardFast leaves it; dCol is
// scratch. dIn and dCol may both be nil when no input gradient is needed.
//
// dIn is (Cin, H, W), dW and w are (Cout, Cin, K, K), dB is (Cout),
// dOut is (Cout, H, W), col and dCol are (Cin*K*K, H*W).
func conv2dBackwardFast[T float](dIn, dW, dB, dOut, w, col, dCol []T, s convShape) {
	s.check(len(dOut), length(dIn), len(w), len(dB))
	s.check(-1, -1, len(dW), -1)
	if len(col) != s.colSize() {
		panic("cnn: conv backward col does not match " + s.String())
	}
	hw := s.pixels()
	for co := range s.Cout {
		sum := T(0)
		for _, g := range dOut[co*hw : (co+1)*hw] {
			sum += g
		}
		dB[co] += sum
	}
	gemmNT(dW, dOut, col, s.Cout, hw, s.taps()) // dW (Cout, taps) += dOut (Cout, HW) × colᵀ
	if dIn == nil {
		return
	}
	if len(dCol) != s.colSize() {
		panic("cnn: conv backward dCol does not match " + s.String())
	}
	clear(dCol)
	gemmTN(dCol, w, dOut, s.taps(), s.Cout, hw) // dCol (taps, HW) = wᵀ × dOut (Cout, HW)
	col2im(dIn, dCol, s)
}

// linearForwardFast computes the same as linearForward with the gemm
// kernels. out is (Out), in is (In), w is (Out, In), b is (Out).
func linearForwardFast[T float](out, in, w, b []T) {
	checkLinear(len(out), len(in), len(w), len(b))
	copy(out, b)
	gemmNT(out, in, w, 1, len(in), len(out)) // out (1, Out) += in (1, In) × wᵀ
}

// linearBackwardFast adds the same gradients as linearBackward.
// dIn and in are (In), dW and w are (Out, In), dB and dOut are (Out).
func linearBackwardFast[T float](dIn, dW, dB, dOut, in, w []T) {
	checkLinear(len(dOut), len(in), len(w), len(dB))
	checkLinear(len(dOut), len(dIn), len(dW), len(dB))
	for o, g := range dOut {
		dB[o] += g
	}
	gemmNN(dW, dOut, in, len(dOut), 1, len(in)) // dW (Out, In) += dOut (Out, 1) × in (1, In)
	gemmNN(dIn, dOut, w, 1, len(dOut), len(in)) // dIn (1, In) += dOut (1, Out) × w (Out, In)
}
