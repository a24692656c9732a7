package charcnn

import "math"

// Float is the element type of the layers: float32 for training, float64
// for the finite-difference gradient checks.
type Float interface{ ~float32 | ~float64 }

// Each layer is a forward and a backward function side by side. Buffers are
// token-major, one row per position of the window: (T, C) means T rows of C
// values, like the transformer's (T, C) token dims. Weights use PyTorch's
// layouts so that the reference values load unchanged. Backward functions
// add into their gradient buffers (they never clear them), so gradients of a
// batch accumulate.

// embeddingForward looks up one row of the table per token.
// out is (T, C), table is (V, C), ids has T entries.
func embeddingForward[F Float](out, table []F, ids []int, C int) {
	for t, id := range ids {
		copy(out[t*C:(t+1)*C], table[id*C:(id+1)*C])
	}
}

// embeddingBackward adds each row of dOut to its token's row of dTable.
// dTable is (V, C), dOut is (T, C).
func embeddingBackward[F Float](dTable, dOut []F, ids []int, C int) {
	for t, id := range ids {
		row := dTable[id*C : (id+1)*C]
		for c, d := range dOut[t*C : (t+1)*C] {
			row[c] += d
		}
	}
}

// causalConvForward is a causal, dilated 1-D convolution with kernel 2: the
// output at position t sees the input at t-dil (tap 0) and at t (tap 1),
//
//	out[t][o] = b[o] + sum_i w[o][i][0]*in[t-dil][i] + w[o][i][1]*in[t][i],
//
// with in[t-dil] = 0 before the start of the window (PyTorch's Conv1d with
// dilation dil after padding dil zeros on the left).
// out is (T, Cout), in is (T, Cin), w is (Cout, Cin, 2), b is (Cout).
func causalConvForward[F Float](out, in, w, b []F, T, Cin, Cout, dil int) {
	for t := range T {
		cur := in[t*Cin : (t+1)*Cin]
		var past []F // nil before the window starts: the zero padding
		if t >= dil {
			past = in[(t-dil)*Cin : (t-dil+1)*Cin]
		}
		for o := range Cout {
			wo := w[o*Cin*2 : (o+1)*Cin*2]
			s := b[o]
			for i := range Cin {
				if past != nil {
					s += wo[2*i] * past[i]
				}
				s += wo[2*i+1] * cur[i]
			}
			out[t*Cout+o] = s
		}
	}
}

// causalConvBackward adds the gradients of causalConvForward.
// dIn and in are (T, Cin), dW and w are (Cout, Cin, 2), dB is (Cout),
// dOut is (T, Cout).
func causalConvBackward[F Float](dIn, dW, dB, dOut, in, w []F, T, Cin, Cout, dil int) {
	for t := range T {
		cur, dCur := in[t*Cin:(t+1)*Cin], dIn[t*Cin:(t+1)*Cin]
		var past, dPast []F
		if t >= dil {
			past, dPast = in[(t-dil)*Cin:(t-dil+1)*Cin], dIn[(t-dil)*Cin:(t-dil+1)*Cin]
		}
		for o := range Cout {
			d := dOut[t*Cout+o]
			dB[o] += d
			wo, dWo := w[o*Cin*2:(o+1)*Cin*2], dW[o*Cin*2:(o+1)*Cin*2]
			for i := range Cin {
				if past != nil {
					dWo[2*i] += d * past[i]
					dPast[i] += d * wo[2*i]
				}
				dWo[2*i+1] += d * cur[i]
				dCur[i] += d * wo[2*i+1]
			}
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

// linearForward applies the same affine map to every row (a 1x1 conv):
// out[t][v] = b[v] + sum_c w[v][c]*in[t][c].
// out is (T, V), in is (T, C), w is (V, C), b is (V).
func linearForward[F Float](out, in, w, b []F, T, C, V int) {
	for t := range T {
		x := in[t*C : (t+1)*C]
		for v := range V {
			wv := w[v*C : (v+1)*C]
			s := b[v]
			for c, xc := range x {
				s += wv[c] * xc
			}
			out[t*V+v] = s
		}
	}
}

// linearBackward adds the gradients of linearForward.
// dIn and in are (T, C), dW and w are (V, C), dB is (V), dOut is (T, V).
func linearBackward[F Float](dIn, dW, dB, dOut, in, w []F, T, C, V int) {
	for t := range T {
		x, dx := in[t*C:(t+1)*C], dIn[t*C:(t+1)*C]
		for v := range V {
			d := dOut[t*V+v]
			dB[v] += d
			wv, dWv := w[v*C:(v+1)*C], dW[v*C:(v+1)*C]
			for c := range C {
				dWv[c] += d * x[c]
				dx[c] += d * wv[c]
			}
		}
	}
}

// softmaxForward turns each row of logits into probabilities.
// probs and logits are (T, V).
func softmaxForward[F Float](probs, logits []F, T, V int) {
	for t := range T {
		row, p := logits[t*V:(t+1)*V], probs[t*V:(t+1)*V]
		m := row[0]
		for _, z := range row {
			m = max(m, z)
		}
		var sum F
		for v, z := range row {
			p[v] = F(math.Exp(float64(z - m)))
			sum += p[v]
		}
		for v := range p {
			p[v] /= sum
		}
	}
}

// crossEntropyForward returns sum_t -log probs[t][targets[t]], the loss of
// every position added up (the caller divides by the number of positions).
// probs is (T, V), targets has T entries.
func crossEntropyForward[F Float](probs []F, targets []int, V int) float64 {
	loss := 0.0
	for t, y := range targets {
		loss -= math.Log(float64(probs[t*V+y]))
	}
	return loss
}

// crossEntropyBackward adds the gradient of scale * crossEntropyForward
// with respect to the logits that softmaxForward turned into probs:
// dLogits[t][v] += scale * (probs[t][v] - [v == targets[t]]).
// dLogits and probs are (T, V).
func crossEntropyBackward[F Float](dLogits, probs []F, targets []int, V int, scale F) {
	for t, y := range targets {
		for v := range V {
			g := probs[t*V+v]
			if v == y {
				g--
			}
			dLogits[t*V+v] += scale * g
		}
	}
}
