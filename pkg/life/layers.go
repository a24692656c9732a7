package life

import "math"

// Float is the element type of the layers: float32 for training, float64
// for the finite-difference gradient checks.
type Float interface{ ~float32 | ~float64 }

// Each layer is a forward and a backward function side by side. Activations
// are channel-major, (C, S, S) for C channels of an S x S board, and
// weights use PyTorch's layouts. Backward functions add into their gradient
// buffers (they never clear them), so the gradients of a batch accumulate.

// conv2dForward is a 3x3 convolution on the torus, PyTorch's Conv2d with
// padding=1 and padding_mode="circular":
//
//	out[o][y][x] = b[o] + sum_{i,ky,kx} w[o][i][ky][kx] * in[i][y+ky-1][x+kx-1],
//
// with row and column indices taken modulo S.
// out is (Cout, S, S), in is (Cin, S, S), w is (Cout, Cin, 3, 3), b is (Cout).
func conv2dForward[F Float](out, in, w, b []F, Cin, Cout, S int) {
	for o := range Cout {
		for y := range S {
			for x := range S {
				s := b[o]
				for i := range Cin {
					for ky := range 3 {
						row := in[i*S*S+wrap(y+ky-1, S)*S:]
						wk := w[((o*Cin+i)*3+ky)*3:]
						for kx := range 3 {
							s += wk[kx] * row[wrap(x+kx-1, S)]
						}
					}
				}
				out[(o*S+y)*S+x] = s
			}
		}
	}
}

// conv2dBackward adds the gradients of conv2dForward. dIn may be nil when
// the input needs no gradient (the board itself).
// dIn and in are (Cin, S, S), dW and w are (Cout, Cin, 3, 3), dB is (Cout),
// dOut is (Cout, S, S).
func conv2dBackward[F Float](dIn, dW, dB, dOut, in, w []F, Cin, Cout, S int) {
	for o := range Cout {
		for y := range S {
			for x := range S {
				d := dOut[(o*S+y)*S+x]
				dB[o] += d
				for i := range Cin {
					for ky := range 3 {
						r := i*S*S + wrap(y+ky-1, S)*S
						k := ((o*Cin+i)*3 + ky) * 3
						for kx := range 3 {
							c := r + wrap(x+kx-1, S)
							dW[k+kx] += d * in[c]
							if dIn != nil {
								dIn[c] += d * w[k+kx]
							}
						}
					}
				}
			}
		}
	}
}

// pointwiseForward is a 1x1 convolution: the same linear map from Cin to
// Cout values at every cell, out[o][n] = b[o] + sum_i w[o][i] * in[i][n].
// out is (Cout, N), in is (Cin, N), w is (Cout, Cin), b is (Cout); N = S*S.
func pointwiseForward[F Float](out, in, w, b []F, Cin, Cout, N int) {
	for o := range Cout {
		row := out[o*N : (o+1)*N]
		for n := range row {
			row[n] = b[o]
		}
		for i := range Cin {
			wi := w[o*Cin+i]
			for n, x := range in[i*N : (i+1)*N] {
				row[n] += wi * x
			}
		}
	}
}

// pointwiseBackward adds the gradients of pointwiseForward.
// dIn and in are (Cin, N), dW and w are (Cout, Cin), dB is (Cout), dOut is (Cout, N).
func pointwiseBackward[F Float](dIn, dW, dB, dOut, in, w []F, Cin, Cout, N int) {
	for o := range Cout {
		dRow := dOut[o*N : (o+1)*N]
		for _, d := range dRow {
			dB[o] += d
		}
		for i := range Cin {
			x, dx := in[i*N:(i+1)*N], dIn[i*N:(i+1)*N]
			wi := w[o*Cin+i]
			var s F
			for n, d := range dRow {
				s += d * x[n]
				dx[n] += d * wi
			}
			dW[o*Cin+i] += s
		}
	}
}

// reluForward sets out = max(0, in). out and in have the same length.
func reluForward[F Float](out, in []F) {
	for i, x := range in {
		out[i] = max(x, 0)
	}
}

// reluBackward adds dOut where the input was positive.
func reluBackward[F Float](dIn, dOut, in []F) {
	for i, x := range in {
		if x > 0 {
			dIn[i] += dOut[i]
		}
	}
}

// sigmoid is 1 / (1 + e^-z), the probability that a cell is alive.
func sigmoid[F Float](z F) F { return F(1 / (1 + math.Exp(-float64(z)))) }

// bceForward returns the binary cross-entropy of the logits z against the
// labels y (0 or 1), summed over cells (the caller divides by the count):
// sum_n -y log sigmoid(z) - (1-y) log(1 - sigmoid(z)), computed stably as
// max(z, 0) - z*y + log(1 + e^-|z|), PyTorch's BCEWithLogitsLoss.
// z is (N), y is (N).
func bceForward[F Float](z []F, y []uint8) float64 {
	loss := 0.0
	for n, zn := range z {
		v := float64(zn)
		loss += math.Max(v, 0) - v*float64(y[n]) + math.Log1p(math.Exp(-math.Abs(v)))
	}
	return loss
}

// bceBackward adds the gradient of scale * bceForward with respect to the
// logits: dZ[n] += scale * (sigmoid(z[n]) - y[n]).
func bceBackward[F Float](dZ, z []F, y []uint8, scale F) {
	for n, zn := range z {
		dZ[n] += scale * (sigmoid(zn) - F(y[n]))
	}
}
