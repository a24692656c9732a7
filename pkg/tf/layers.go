package tf

import "math"

// This file holds the layers of D5, each as a forward function next to its
// backward function. All buffers are flat, row-major slices; every one has
// its shape in a comment. T is the number of positions in the window, D is
// d_model, H is n_heads, Dh is d_head, FF is d_mlp and V is d_vocab.
//
// Backward functions ADD into the gradient buffers they are given (dIn,
// dW, ...), as gradients from several uses of one buffer must add up; the
// caller zeroes a buffer before its first use.
//
// Each forward function treats the T rows one by one, in the same order of
// operations for a row as when it is called on that row alone (T = 1).
// The KV cache relies on this: one cached step computes exactly the
// numbers that the full forward computes for that row.

// scalar is the element type of the arithmetic: float32 to train and
// generate, float64 for finite-difference gradient checks.
type scalar interface{ ~float32 | ~float64 }

// embedForward copies table rows: out[t] = table[ids[t]].
// out is (T, D), table is (rows, D), ids is (T).
// Token embedding: table W_E, ids the tokens. Position embedding: table
// W_pos, ids 0, 1, ..., T-1.
func embedForward[F scalar](out, table []F, ids []int, D int) {
	for t, id := range ids {
		copy(out[t*D:(t+1)*D], table[id*D:(id+1)*D])
	}
}

// embedBackward adds each row's gradient to the table row it came from:
// dTable[ids[t]] += dOut[t]. dTable is (rows, D), dOut is (T, D).
func embedBackward[F scalar](dTable, dOut []F, ids []int, D int) {
	for t, id := range ids {
		row := dTable[id*D : (id+1)*D]
		for i, g := range dOut[t*D : (t+1)*D] {
			row[i] += g
		}
	}
}

// addForward is the residual connection: out = a + b, all the same length.
// Its backward is the identity for both inputs: the caller passes the
// residual gradient on unchanged and adds the branch's gradient into it.
func addForward[F scalar](out, a, b []F) {
	for i := range out {
		out[i] = a[i] + b[i]
	}
}

// layerNormForward normalises each row of x over its D features and applies
// the learned gain and bias: out = (x - mean) / sqrt(var + eps) * w + b,
// var the biased variance. It keeps xhat = (x - mean) / sqrt(var + eps) and
// rstd = 1 / sqrt(var + eps) for the backward pass.
// x, out and xhat are (T, D); rstd is (T); w and b are (D).
func layerNormForward[F scalar](out, xhat, rstd, x, w, b []F, T, D int) {
	for t := 0; t < T; t++ {
		row := x[t*D : (t+1)*D]
		var mean F
		for _, v := range row {
			mean += v
		}
		mean /= F(D)
		var variance F
		for _, v := range row {
			d := v - mean
			variance += d * d
		}
		variance /= F(D)
		s := F(1 / math.Sqrt(float64(variance)+lnEps))
		rstd[t] = s
		for i, v := range row {
			h := (v - mean) * s
			xhat[t*D+i] = h
			out[t*D+i] = h*w[i] + b[i]
		}
	}
}

// layerNormBackward: with g = dOut * w per row,
// dx += rstd * (g - mean(g) - xhat * mean(g * xhat)), dw += dOut * xhat,
// db += dOut. dx, dOut and xhat are (T, D); rstd is (T); dw, db, w are (D).
func layerNormBackward[F scalar](dx, dw, db, dOut, xhat, rstd, w []F, T, D int) {
	for t := 0; t < T; t++ {
		g := dOut[t*D : (t+1)*D]
		h := xhat[t*D : (t+1)*D]
		var meanG, meanGH F
		for i := range g {
			gw := g[i] * w[i]
			meanG += gw
			meanGH += gw * h[i]
		}
		meanG /= F(D)
		meanGH /= F(D)
		for i := range g {
			gw := g[i] * w[i]
			dx[t*D+i] += rstd[t] * (gw - meanG - h[i]*meanGH)
			dw[i] += g[i] * h[i]
			db[i] += g[i]
		}
	}
}

// linearForward: out = in @ w + b, row by row.
// in is (T, Din), w is (Din, Dout) (TransformerLens layout), b is (Dout),
// out is (T, Dout). Used for W_O, W_in, W_out and W_U.
func linearForward[F scalar](out, in, w, b []F, T, Din, Dout int) {
	for t := 0; t < T; t++ {
		o := out[t*Dout : (t+1)*Dout]
		copy(o, b)
		for i, x := range in[t*Din : (t+1)*Din] {
			wr := w[i*Dout : (i+1)*Dout]
			for j := range o {
				o[j] += x * wr[j]
			}
		}
	}
}

// linearBackward: dIn += dOut @ wᵀ, dW += inᵀ @ dOut, dB += column sums of
// dOut. dIn and in are (T, Din); dW and w are (Din, Dout); dB is (Dout);
// dOut is (T, Dout).
func linearBackward[F scalar](dIn, dW, dB, dOut, in, w []F, T, Din, Dout int) {
	for t := 0; t < T; t++ {
		g := dOut[t*Dout : (t+1)*Dout]
		for j, gj := range g {
			dB[j] += gj
		}
		x := in[t*Din : (t+1)*Din]
		for i, xi := range x {
			wr := w[i*Dout : (i+1)*Dout]
			dwr := dW[i*Dout : (i+1)*Dout]
			var s F
			for j, gj := range g {
				s += gj * wr[j]
				dwr[j] += xi * gj
			}
			dIn[t*Din+i] += s
		}
	}
}

// headsForward projects each row into H heads: out[t, h] = in[t] @ w[h] + b[h].
// in is (T, D), w is (H, D, Dh), b is (H, Dh), out is (T, H, Dh).
// Used for the queries, keys and values (W_Q, W_K, W_V).
func headsForward[F scalar](out, in, w, b []F, T, D, H, Dh int) {
	for t := 0; t < T; t++ {
		x := in[t*D : (t+1)*D]
		for h := 0; h < H; h++ {
			o := out[(t*H+h)*Dh : (t*H+h+1)*Dh]
			copy(o, b[h*Dh:(h+1)*Dh])
			wh := w[h*D*Dh : (h+1)*D*Dh] // (D, Dh)
			for i, xi := range x {
				wr := wh[i*Dh : (i+1)*Dh]
				for e := range o {
					o[e] += xi * wr[e]
				}
			}
		}
	}
}

// headsBackward: dIn[t] += Σ_h dOut[t, h] @ w[h]ᵀ, dW[h] += in[t]ᵀ dOut[t, h],
// dB[h] += dOut[t, h]. Shapes as in headsForward.
func headsBackward[F scalar](dIn, dW, dB, dOut, in, w []F, T, D, H, Dh int) {
	for t := 0; t < T; t++ {
		x := in[t*D : (t+1)*D]
		for h := 0; h < H; h++ {
			g := dOut[(t*H+h)*Dh : (t*H+h+1)*Dh]
			db := dB[h*Dh : (h+1)*Dh]
			for e, ge := range g {
				db[e] += ge
			}
			wh := w[h*D*Dh : (h+1)*D*Dh]
			dwh := dW[h*D*Dh : (h+1)*D*Dh]
			for i, xi := range x {
				wr := wh[i*Dh : (i+1)*Dh]
				dwr := dwh[i*Dh : (i+1)*Dh]
				var s F
				for e, ge := range g {
					s += ge * wr[e]
					dwr[e] += xi * ge
				}
				dIn[t*D+i] += s
			}
		}
	}
}

// attendRow is causal self-attention for one query: the query is the last
// of n positions, so it sees keys 0..n-1 and the causal mask is implicit.
// For each head h:
//
//	scores[j]  = q[h] · k[j, h] / sqrt(Dh)          j < n
//	pattern    = softmax(scores)
//	z[h]       = Σ_j pattern[j] v[j, h]
//
// q and z are (H, Dh), one row of hook_q and hook_z; k and v are (n, H, Dh).
// Head h's scores and pattern go to [h*ld, h*ld+n) of scores and pattern.
func attendRow[F scalar](z, scores, pattern []F, ld int, q, k, v []F, n, H, Dh int) {
	sqrtDh := F(math.Sqrt(float64(Dh)))
	for h := 0; h < H; h++ {
		qh := q[h*Dh : (h+1)*Dh]
		sc := scores[h*ld : h*ld+n]
		pat := pattern[h*ld : h*ld+n]
		maxScore := F(math.Inf(-1))
		for j := range sc {
			kj := k[(j*H+h)*Dh : (j*H+h+1)*Dh]
			var s F
			for e, qe := range qh {
				s += qe * kj[e]
			}
			sc[j] = s / sqrtDh
			maxScore = max(maxScore, sc[j])
		}
		var sum F
		for j, s := range sc {
			pat[j] = F(math.Exp(float64(s - maxScore)))
			sum += pat[j]
		}
		for j := range pat {
			pat[j] /= sum
		}
		zh := z[h*Dh : (h+1)*Dh]
		clear(zh)
		for j, p := range pat {
			vj := v[(j*H+h)*Dh : (j*H+h+1)*Dh]
			for e := range zh {
				zh[e] += p * vj[e]
			}
		}
	}
}

// attentionForward is causal self-attention over a window: query i attends
// to keys 0..i. Masked scores (key after query) are -Inf and their pattern
// entries 0, as in TransformerLens's hook_attn_scores and hook_pattern.
// q, k, v and z are (T, H, Dh); scores and pattern are (H, T, T), indexed
// (head, query, key).
func attentionForward[F scalar](z, scores, pattern, q, k, v []F, T, H, Dh int) {
	for i := 0; i < T; i++ {
		attendRow(z[i*H*Dh:(i+1)*H*Dh], scores[i*T:], pattern[i*T:], T*T, q[i*H*Dh:(i+1)*H*Dh], k, v, i+1, H, Dh)
		for h := 0; h < H; h++ {
			for j := i + 1; j < T; j++ {
				scores[(h*T+i)*T+j] = F(math.Inf(-1))
				pattern[(h*T+i)*T+j] = 0
			}
		}
	}
}

// attentionBackward: for each head and query i, with dp[j] = dz[i] · v[j]:
// dv[j] += pattern[i, j] dz[i]; dscore[j] = pattern[i, j] (dp[j] - Σ_j' pattern[i, j'] dp[j'])
// (the softmax backward); dq[i] += Σ_j dscore[j] k[j] / sqrt(Dh);
// dk[j] += dscore[j] q[i] / sqrt(Dh). Masked keys get no gradient.
// dq, dk, dv, dz, q, k, v are (T, H, Dh); pattern is (H, T, T); dp is
// scratch of length T.
func attentionBackward[F scalar](dq, dk, dv, dz, pattern, q, k, v, dp []F, T, H, Dh int) {
	sqrtDh := F(math.Sqrt(float64(Dh)))
	for h := 0; h < H; h++ {
		for i := 0; i < T; i++ {
			pat := pattern[(h*T+i)*T : (h*T+i)*T+i+1]
			dzi := dz[(i*H+h)*Dh : (i*H+h+1)*Dh]
			var dot F
			for j, p := range pat {
				vj := v[(j*H+h)*Dh : (j*H+h+1)*Dh]
				dvj := dv[(j*H+h)*Dh : (j*H+h+1)*Dh]
				var s F
				for e, g := range dzi {
					s += g * vj[e]
					dvj[e] += p * g
				}
				dp[j] = s
				dot += p * s
			}
			qi := q[(i*H+h)*Dh : (i*H+h+1)*Dh]
			dqi := dq[(i*H+h)*Dh : (i*H+h+1)*Dh]
			for j, p := range pat {
				ds := p * (dp[j] - dot) / sqrtDh
				kj := k[(j*H+h)*Dh : (j*H+h+1)*Dh]
				dkj := dk[(j*H+h)*Dh : (j*H+h+1)*Dh]
				for e := range dqi {
					dqi[e] += ds * kj[e]
					dkj[e] += ds * qi[e]
				}
			}
		}
	}
}

// geluForward is the exact GELU, out = x Φ(x) = x (1 + erf(x/√2)) / 2,
// elementwise (torch.nn.functional.gelu without approximation). It keeps
// Φ(x) in cdf for the backward pass. out, cdf and in have one length.
func geluForward[F scalar](out, cdf, in []F) {
	for i, x := range in {
		phi := 0.5 * (1 + math.Erf(float64(x)/math.Sqrt2))
		cdf[i] = F(phi)
		out[i] = F(float64(x) * phi)
	}
}

// geluBackward: dIn += dOut * (Φ(x) + x φ(x)), φ the standard normal density.
func geluBackward[F scalar](dIn, dOut, in, cdf []F) {
	for i, x := range in {
		xf := float64(x)
		pdf := math.Exp(-0.5*xf*xf) / math.Sqrt(2*math.Pi)
		dIn[i] += dOut[i] * F(float64(cdf[i])+xf*pdf)
	}
}

// softmaxForward turns each row of logits into probabilities, and keeps
// each row's log-sum-exp, lse = log Σ_j exp(logits[j]), for the loss.
// logits and probs are (T, V), lse is (T).
func softmaxForward[F scalar](probs, lse, logits []F, T, V int) {
	for t := 0; t < T; t++ {
		row := logits[t*V : (t+1)*V]
		p := probs[t*V : (t+1)*V]
		m := F(math.Inf(-1))
		for _, x := range row {
			m = max(m, x)
		}
		var sum F
		for j, x := range row {
			p[j] = F(math.Exp(float64(x - m)))
			sum += p[j]
		}
		for j := range p {
			p[j] /= sum
		}
		lse[t] = m + F(math.Log(float64(sum)))
	}
}

// crossEntropyForward returns the summed next-token loss
// Σ_t -log probs[t][targets[t]] = Σ_t lse[t] - logits[t][targets[t]], from
// softmaxForward's lse, so that a tiny probability does not round to log(0).
// logits is (T, V); lse and targets are (T).
func crossEntropyForward[F scalar](lse, logits []F, targets []int, V int) F {
	var total F
	for t, y := range targets {
		total += lse[t] - logits[t*V+y]
	}
	return total
}

// crossEntropyBackward: dLogits += scale * (probs - onehot(targets)), the
// gradient of scale * crossEntropyForward. probs and dLogits are (T, V).
func crossEntropyBackward[F scalar](dLogits, probs []F, targets []int, V int, scale F) {
	for t, y := range targets {
		for j := 0; j < V; j++ {
			g := probs[t*V+j]
			if j == y {
				g--
			}
			dLogits[t*V+j] += scale * g
		}
	}
}
