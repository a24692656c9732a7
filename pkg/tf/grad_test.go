package tf

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// This file checks every backward function against central finite
// differences in float64. Each check builds a scalar loss L = Σ out·R with
// R fixed random weights, runs the backward pass with dOut = R, and
// compares every input's gradient with (L(x+h) - L(x-h)) / 2h.

const fdStep = 1e-6

// gradErr returns the worst error of grad against central differences of
// loss with respect to x (perturbed in place and restored), relative to
// max(1, |numerical|), and its index.
func gradErr(x, grad []float64, loss func() float64) (worst float64, at int) {
	for i := range x {
		old := x[i]
		x[i] = old + fdStep
		lp := loss()
		x[i] = old - fdStep
		lm := loss()
		x[i] = old
		num := (lp - lm) / (2 * fdStep)
		if e := math.Abs(num-grad[i]) / max(1, math.Abs(num)); e > worst {
			worst, at = e, i
		}
	}
	return worst, at
}

// checkGrads fails t if any named gradient is off by more than 1e-6.
func checkGrads(t *testing.T, loss func() float64, pairs ...any) {
	t.Helper()
	for i := 0; i < len(pairs); i += 3 {
		name, x, g := pairs[i].(string), pairs[i+1].([]float64), pairs[i+2].([]float64)
		if len(x) != len(g) {
			t.Fatalf("%s: %d values, %d gradients", name, len(x), len(g))
		}
		if worst, at := gradErr(x, g, loss); worst > 1e-6 {
			t.Errorf("%s[%d]: gradient off by %.3g (relative)", name, at, worst)
		}
	}
}

func randVec(rng *rand.Rand, n int, std float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64() * std
	}
	return v
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 99)) }

// TestGradErrCatchesWrongGradient keeps the checker honest: a gradient
// that is off in one entry must be reported.
func TestGradErrCatchesWrongGradient(t *testing.T) {
	x := []float64{0.3, -1.2, 2.0}
	loss := func() float64 { return x[0]*x[0] + math.Sin(x[1]) + x[0]*x[2] }
	good := []float64{2*x[0] + x[2], math.Cos(x[1]), x[0]}
	if w, _ := gradErr(x, good, loss); w > 1e-8 {
		t.Fatalf("correct gradient reported off by %g", w)
	}
	bad := append([]float64(nil), good...)
	bad[1] += 1e-3
	if w, at := gradErr(x, bad, loss); w < 1e-4 || at != 1 {
		t.Fatalf("wrong gradient not caught: worst %g at %d", w, at)
	}
}

func TestEmbeddingGrad(t *testing.T) {
	rng := newRNG(1)
	const rows, D = 5, 4
	ids := []int{3, 0, 3, 1, 4, 3} // repeats: gradients must add up
	table := randVec(rng, rows*D, 1)
	R := randVec(rng, len(ids)*D, 1)
	out := make([]float64, len(ids)*D)
	loss := func() float64 { embedForward(out, table, ids, D); return dot(out, R) }
	dTable := make([]float64, rows*D)
	embedBackward(dTable, R, ids, D)
	checkGrads(t, loss, "table", table, dTable)
}

func TestLayerNormGrad(t *testing.T) {
	rng := newRNG(2)
	const T, D = 3, 7
	x, w, b := randVec(rng, T*D, 1.5), randVec(rng, D, 1), randVec(rng, D, 1)
	R := randVec(rng, T*D, 1)
	out, xhat, rstd := make([]float64, T*D), make([]float64, T*D), make([]float64, T)
	loss := func() float64 { layerNormForward(out, xhat, rstd, x, w, b, T, D); return dot(out, R) }
	loss()
	dx, dw, db := make([]float64, T*D), make([]float64, D), make([]float64, D)
	layerNormBackward(dx, dw, db, R, xhat, rstd, w, T, D)
	checkGrads(t, loss, "x", x, dx, "w", w, dw, "b", b, db)
}

func TestLinearGrad(t *testing.T) {
	rng := newRNG(3)
	const T, Din, Dout = 3, 5, 4
	in, w, b := randVec(rng, T*Din, 1), randVec(rng, Din*Dout, 1), randVec(rng, Dout, 1)
	R := randVec(rng, T*Dout, 1)
	out := make([]float64, T*Dout)
	loss := func() float64 { linearForward(out, in, w, b, T, Din, Dout); return dot(out, R) }
	dIn, dW, dB := make([]float64, T*Din), make([]float64, Din*Dout), make([]float64, Dout)
	linearBackward(dIn, dW, dB, R, in, w, T, Din, Dout)
	checkGrads(t, loss, "in", in, dIn, "w", w, dW, "b", b, dB)
}

func TestHeadsGrad(t *testing.T) {
	rng := newRNG(4)
	const T, D, H, Dh = 3, 4, 2, 3
	in, w, b := randVec(rng, T*D, 1), randVec(rng, H*D*Dh, 1), randVec(rng, H*Dh, 1)
	R := randVec(rng, T*H*Dh, 1)
	out := make([]float64, T*H*Dh)
	loss := func() float64 { headsForward(out, in, w, b, T, D, H, Dh); return dot(out, R) }
	dIn, dW, dB := make([]float64, T*D), make([]float64, H*D*Dh), make([]float64, H*Dh)
	headsBackward(dIn, dW, dB, R, in, w, T, D, H, Dh)
	checkGrads(t, loss, "in", in, dIn, "w", w, dW, "b", b, dB)
}

// TestAttentionGrad covers the scores, their scaling, the causal mask and
// the softmax: the loss reads z, so every path from q, k, v is exercised.
func TestAttentionGrad(t *testing.T) {
	rng := newRNG(5)
	const T, H, Dh = 4, 2, 3
	q, k, v := randVec(rng, T*H*Dh, 1), randVec(rng, T*H*Dh, 1), randVec(rng, T*H*Dh, 1)
	R := randVec(rng, T*H*Dh, 1)
	z, scores, pattern := make([]float64, T*H*Dh), make([]float64, H*T*T), make([]float64, H*T*T)
	loss := func() float64 { attentionForward(z, scores, pattern, q, k, v, T, H, Dh); return dot(z, R) }
	loss()
	dq, dk, dv := make([]float64, T*H*Dh), make([]float64, T*H*Dh), make([]float64, T*H*Dh)
	attentionBackward(dq, dk, dv, R, pattern, q, k, v, make([]float64, T), T, H, Dh)
	checkGrads(t, loss, "q", q, dq, "k", k, dk, "v", v, dv)
}

// TestAttentionIsCausal: changing a later position's key or value must not
// change an earlier query's output, and masked entries are -Inf and 0.
func TestAttentionIsCausal(t *testing.T) {
	rng := newRNG(6)
	const T, H, Dh = 5, 2, 3
	q, k, v := randVec(rng, T*H*Dh, 1), randVec(rng, T*H*Dh, 1), randVec(rng, T*H*Dh, 1)
	z, scores, pattern := make([]float64, T*H*Dh), make([]float64, H*T*T), make([]float64, H*T*T)
	attentionForward(z, scores, pattern, q, k, v, T, H, Dh)
	for h := 0; h < H; h++ {
		for i := 0; i < T; i++ {
			sum := 0.0
			for j := 0; j < T; j++ {
				s, p := scores[(h*T+i)*T+j], pattern[(h*T+i)*T+j]
				if j > i && (!math.IsInf(s, -1) || p != 0) {
					t.Errorf("head %d query %d key %d: masked entry has score %v, pattern %v", h, i, j, s, p)
				}
				if j <= i && (math.IsInf(s, 0) || !(p > 0)) {
					t.Errorf("head %d query %d key %d: visible entry has score %v, pattern %v", h, i, j, s, p)
				}
				sum += p
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("head %d query %d: pattern sums to %v", h, i, sum)
			}
		}
	}
	before := append([]float64(nil), z...)
	const last = T - 1
	for e := 0; e < H*Dh; e++ {
		k[last*H*Dh+e] += 1
		v[last*H*Dh+e] -= 1
	}
	attentionForward(z, scores, pattern, q, k, v, T, H, Dh)
	for i := 0; i < last*H*Dh; i++ {
		if z[i] != before[i] {
			t.Fatalf("z[%d] of an earlier query changed when the last key and value changed", i)
		}
	}
	if z[last*H*Dh] == before[last*H*Dh] {
		t.Fatalf("the last query ignored its own key and value")
	}
}

func TestGELUGrad(t *testing.T) {
	rng := newRNG(7)
	in := randVec(rng, 20, 2)
	R := randVec(rng, 20, 1)
	out, cdf := make([]float64, 20), make([]float64, 20)
	loss := func() float64 { geluForward(out, cdf, in); return dot(out, R) }
	loss()
	dIn := make([]float64, 20)
	geluBackward(dIn, R, in, cdf)
	checkGrads(t, loss, "in", in, dIn)
}

// TestFFNGrad: the storyline block D -> FF -> D with GELU between.
func TestFFNGrad(t *testing.T) {
	rng := newRNG(8)
	const T, D, FF = 3, 4, 6
	x := randVec(rng, T*D, 1)
	wIn, bIn := randVec(rng, D*FF, 0.7), randVec(rng, FF, 0.5)
	wOut, bOut := randVec(rng, FF*D, 0.7), randVec(rng, D, 0.5)
	R := randVec(rng, T*D, 1)
	pre, post, cdf, out := make([]float64, T*FF), make([]float64, T*FF), make([]float64, T*FF), make([]float64, T*D)
	loss := func() float64 {
		linearForward(pre, x, wIn, bIn, T, D, FF)
		geluForward(post, cdf, pre)
		linearForward(out, post, wOut, bOut, T, FF, D)
		return dot(out, R)
	}
	loss()
	dPost, dPre, dx := make([]float64, T*FF), make([]float64, T*FF), make([]float64, T*D)
	dwIn, dbIn, dwOut, dbOut := make([]float64, D*FF), make([]float64, FF), make([]float64, FF*D), make([]float64, D)
	linearBackward(dPost, dwOut, dbOut, R, post, wOut, T, FF, D)
	geluBackward(dPre, dPost, pre, cdf)
	linearBackward(dx, dwIn, dbIn, dPre, x, wIn, T, D, FF)
	checkGrads(t, loss, "x", x, dx, "W_in", wIn, dwIn, "b_in", bIn, dbIn, "W_out", wOut, dwOut, "b_out", bOut, dbOut)
}

// TestUnembedLossGrad: logits = x W_U + b_U, then the mean cross-entropy.
func TestUnembedLossGrad(t *testing.T) {
	rng := newRNG(9)
	const T, D, V = 4, 5, 6
	x, wU, bU := randVec(rng, T*D, 1), randVec(rng, D*V, 1), randVec(rng, V, 0.5)
	targets := []int{2, 5, 0, 2}
	logits, probs, lse := make([]float64, T*V), make([]float64, T*V), make([]float64, T)
	scale := 1.0 / T
	loss := func() float64 {
		linearForward(logits, x, wU, bU, T, D, V)
		softmaxForward(probs, lse, logits, T, V)
		return scale * crossEntropyForward(lse, logits, targets, V)
	}
	loss()
	dLogits := make([]float64, T*V)
	crossEntropyBackward(dLogits, probs, targets, V, scale)
	fixed := append([]float64(nil), logits...)
	ceLoss := func() float64 {
		softmaxForward(make([]float64, T*V), lse, fixed, T, V)
		return scale * crossEntropyForward(lse, fixed, targets, V)
	}
	checkGrads(t, ceLoss, "logits", fixed, dLogits)
	dx, dwU, dbU := make([]float64, T*D), make([]float64, D*V), make([]float64, V)
	linearBackward(dx, dwU, dbU, dLogits, x, wU, T, D, V)
	checkGrads(t, loss, "x", x, dx, "W_U", wU, dwU, "b_U", bU, dbU)
}

// TestCrossEntropyValue: the loss equals -log softmax computed directly,
// and stays finite where a naive log(softmax) underflows.
func TestCrossEntropyValue(t *testing.T) {
	logits := []float64{1, 2, 3, -1000, 0, 1000}
	probs, lse := make([]float64, 6), make([]float64, 2)
	softmaxForward(probs, lse, logits, 2, 3)
	got := crossEntropyForward(lse, logits, []int{0, 0}, 3)
	want0 := -math.Log(math.Exp(1) / (math.Exp(1) + math.Exp(2) + math.Exp(3)))
	want1 := 2000.0 // -log(e^-1000 / (e^-1000 + e^0 + e^1000)) = 1000 + log(1 + e^-1000 + e^-2000) - (-1000)
	if math.Abs(got-(want0+want1)) > 1e-9 {
		t.Fatalf("cross-entropy %v, want %v", got, want0+want1)
	}
}

// randomParams returns float64 weights for lay drawn from N(0, 0.5²), with
// LayerNorm gains near 1, so that no gradient is trivially zero.
func randomParams(lay layout, seed uint64) params[float64] {
	p := newParams[float64](lay)
	_, specs, _ := bind[float64](nil, lay)
	rng := newRNG(seed)
	for _, s := range specs {
		w := p.flat[s.Offset : s.Offset+sizeOf(s.Shape)]
		for i := range w {
			w[i] = rng.NormFloat64() * 0.5
			if s.init == initOne {
				w[i] = 1 + rng.NormFloat64()*0.2
			}
		}
	}
	return p
}

func sizeOf(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// TestModelGrad checks the whole model, embeddings to loss, on a batch of
// two windows, with and without LayerNorm and with one and two blocks.
func TestModelGrad(t *testing.T) {
	for _, c := range []struct {
		norm   string
		layers int
	}{{"ln", 1}, {"ln", 2}, {"none", 2}} {
		t.Run(fmt.Sprintf("%s/%d", c.norm, c.layers), func(t *testing.T) {
			cfg := Config{DModel: 6, Heads: 2, FF: 8, Block: 4, Layers: c.layers, Norm: c.norm, Steps: 1, Batch: 2, LR: 1}
			lay := newLayout(cfg, 5)
			p := randomParams(lay, 10)
			windows := [][]int{{1, 4, 0, 1}, {3, 3, 2}}
			targets := [][]int{{4, 0, 1, 2}, {3, 2, 0}}
			n := 7.0 // positions in the batch
			loss := func() float64 {
				total := 0.0
				for i, w := range windows {
					a := newActs[float64](lay, len(w))
					p.forward(a, w)
					total += crossEntropyForward(a.lse, a.logits, targets[i], lay.V)
				}
				return total / n
			}
			g := newParams[float64](lay)
			for i, w := range windows {
				a := newActs[float64](lay, len(w))
				p.forward(a, w)
				p.backward(&g, a, w, targets[i], 1/n)
			}
			_, specs, _ := bind[float64](nil, lay)
			for _, s := range specs {
				sz := sizeOf(s.Shape)
				checkGrads(t, loss, s.Name, p.flat[s.Offset:s.Offset+sz], g.flat[s.Offset:s.Offset+sz])
			}
		})
	}
}
