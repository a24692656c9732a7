package tf

import (
	"fmt"
	"math"
)

// The seed (2.6) guesses that after each new token "everything must be
// recomputed from scratch". This file tests that guess. While the window
// is still filling, the earlier positions' keys and values do not change
// when a token is appended (attention is causal), so they can be kept: a
// KV cache. Once the window is full it shifts, every token moves to a new
// position and, through W_pos, gets new keys and values: a cache kept
// across the shift is stale.

// kvCache holds, per block, the keys and values of the positions seen so
// far. k[l] and v[l] are (n, H, Dh).
type kvCache struct {
	k, v [][]float32
	n    int
}

func newKVCache(lay layout) *kvCache {
	return &kvCache{k: make([][]float32, lay.L), v: make([][]float32, lay.L)}
}

// dropOldest forgets the first cached position.
func (c *kvCache) dropOldest(lay layout) {
	HDh := lay.H * lay.Dh
	for l := range c.k {
		c.k[l] = append(c.k[l][:0], c.k[l][HDh:]...)
		c.v[l] = append(c.v[l][:0], c.v[l][HDh:]...)
	}
	c.n--
}

// cachedStep runs one token at position pos through the model, attending
// over the cached keys and values and its own, and appends its keys and
// values to the cache. It returns the token's logits, (d_vocab). It uses
// the forward pass's own row functions, so for a window that only grew it
// gives the numbers a full recompute gives.
func (m *Model) cachedStep(c *kvCache, tok, pos int) []float32 {
	lay, p := m.lay, &m.p
	D, H, Dh, FF, V := lay.D, lay.H, lay.Dh, lay.FF, lay.V
	a := newActs[float32](lay, 1) // one row of every activation
	embedForward(a.embed, p.WE, []int{tok}, D)
	embedForward(a.posEmbed, p.WPos, []int{pos}, D)
	addForward(a.resid0, a.embed, a.posEmbed)
	n := c.n + 1 // positions attended over
	scores, pattern := make([]float32, H*n), make([]float32, H*n)
	for l := range p.Blocks {
		w, b := &p.Blocks[l], &a.blocks[l]
		if lay.LN {
			layerNormForward(b.ln1.out, b.ln1.xhat, b.ln1.rstd, b.residPre, w.Ln1W, w.Ln1B, 1, D)
		}
		headsForward(b.q, b.x1, w.WQ, w.BQ, 1, D, H, Dh)
		headsForward(b.k, b.x1, w.WK, w.BK, 1, D, H, Dh)
		headsForward(b.v, b.x1, w.WV, w.BV, 1, D, H, Dh)
		c.k[l] = append(c.k[l], b.k...)
		c.v[l] = append(c.v[l], b.v...)
		attendRow(b.z, scores, pattern, n, b.q, c.k[l], c.v[l], n, H, Dh)
		linearForward(b.attnOut, b.z, w.WO, w.BO, 1, H*Dh, D)
		addForward(b.residMid, b.residPre, b.attnOut)
		if lay.LN {
			layerNormForward(b.ln2.out, b.ln2.xhat, b.ln2.rstd, b.residMid, w.Ln2W, w.Ln2B, 1, D)
		}
		linearForward(b.pre, b.x2, w.WIn, w.BIn, 1, D, FF)
		geluForward(b.post, b.cdf, b.pre)
		linearForward(b.mlpOut, b.post, w.WOut, w.BOut, 1, FF, D)
		addForward(b.residPost, b.residMid, b.mlpOut)
	}
	c.n = n
	if lay.LN {
		layerNormForward(a.lnf.out, a.lnf.xhat, a.lnf.rstd, a.blocks[lay.L-1].residPost, p.LnFW, p.LnFB, 1, D)
	}
	linearForward(a.logits, a.xf, p.WU, p.BU, 1, D, V)
	return a.logits
}

// GenerateCached is Generate with a KV cache: while the window is still
// filling, each step computes only the new token, reading the earlier
// tokens' keys and values from the cache (Step.Cached is true). Once the
// window is full and shifts, positions change and the step recomputes the
// whole window, as Generate does (Step.Cached is false). With the same
// sampler it picks the same tokens as Generate; compare their logits with
// MaxAbsLogitDiff.
//
// GenerateCached panics when Generate does.
func (m *Model) GenerateCached(prompt []int, n int, s Sampler) []Step {
	m.checkGenerate("GenerateCached", prompt, n, s)
	rng := s.rng()
	seq := append([]int(nil), prompt...)
	c := newKVCache(m.lay)
	steps := make([]Step, 0, n)
	for range n {
		window := seq[max(0, len(seq)-m.lay.Ctx):]
		var logits []float32
		cached := len(seq) <= m.lay.Ctx
		if cached {
			for c.n < len(seq) { // the prompt on the first step, then the one new token
				logits = m.cachedStep(c, seq[c.n], c.n)
			}
		} else {
			logits = m.lastLogits(window)
		}
		st := m.newStep(window, logits)
		st.Cached = cached
		st.Token = s.pick(st.Logits, rng)
		st.Prob = st.Probs[st.Token]
		steps = append(steps, st)
		seq = append(seq, st.Token)
	}
	return steps
}

// MaxAbsLogitDiff returns the largest |a[i].Logits[j] - b[i].Logits[j]| over
// two runs of the same length.
// MaxAbsLogitDiff panics if the runs differ in length or vocabulary size.
func MaxAbsLogitDiff(a, b []Step) float64 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("tf: MaxAbsLogitDiff: runs of %d and %d steps", len(a), len(b)))
	}
	d := 0.0
	for i := range a {
		d = max(d, maxAbsDiff(a[i].Logits, b[i].Logits))
	}
	return d
}

func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("tf: comparing %d logits with %d", len(a), len(b)))
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// StaleShift compares, for one shift of a full window, the logits of a
// stale KV cache with those of a recompute.
type StaleShift struct {
	Window      []int     // the window after the shift: the last Block tokens
	Fresh       []float64 // (d_vocab) logits at its last position, recomputed
	Stale       []float64 // (d_vocab) the same from the stale cache
	MaxAbsDiff  float64   // max |Fresh - Stale|
	FreshArgmax int       // the greedy next token, recomputed
	StaleArgmax int       // the greedy next token from the stale cache
}

// ArgmaxChanged reports whether the stale cache changes the greedy token.
func (s StaleShift) ArgmaxChanged() bool { return s.FreshArgmax != s.StaleArgmax }

// StaleCache reads seq token by token with a KV cache that is never
// recomputed. The first Block tokens fill the window at positions 0..Block-1.
// Each further token shifts the window: the cache drops its oldest entry
// and keeps the others' keys and values, computed at their old positions
// (and, from block 1 on, from a context that still held the dropped
// tokens); the new token goes in at position Block-1. For every shift,
// StaleCache compares the new token's logits with a recompute of the
// shifted window.
//
// StaleCache panics if seq has no more than Block tokens or holds an id
// outside the vocabulary.
func (m *Model) StaleCache(seq []int) []StaleShift {
	ctx := m.lay.Ctx
	if len(seq) <= ctx {
		panic(fmt.Sprintf("tf: StaleCache: %d tokens never shift a window of %d (tf.block)", len(seq), ctx))
	}
	m.checkTokens("StaleCache", seq)
	c := newKVCache(m.lay)
	for i := 0; i < ctx; i++ {
		m.cachedStep(c, seq[i], i)
	}
	var out []StaleShift
	for i := ctx; i < len(seq); i++ {
		c.dropOldest(m.lay)
		window := seq[i-ctx+1 : i+1]
		fresh := m.newStep(window, m.lastLogits(window))
		stale := m.newStep(window, m.cachedStep(c, seq[i], ctx-1))
		out = append(out, StaleShift{
			Window: fresh.Window, Fresh: fresh.Logits, Stale: stale.Logits,
			MaxAbsDiff:  maxAbsDiff(fresh.Logits, stale.Logits),
			FreshArgmax: argmax(fresh.Logits), StaleArgmax: argmax(stale.Logits),
		})
	}
	return out
}

// MACs returns the multiply-adds of a full recompute of a window of t
// tokens, as Forward does it: per block the Q, K and V projections
// (3·t·D·D), the scores and the weighted sum of values over the t(t+1)/2
// causal (query, key) pairs (2·D each), the output projection (t·D·D) and
// the FFN (2·t·D·FF); then the unembedding of every position (t·D·V).
// LayerNorm, softmax, GELU and additions are not counted.
func (m *Model) MACs(t int) int {
	D, FF, V := m.lay.D, m.lay.FF, m.lay.V // H·Dh = D
	pairs := t * (t + 1) / 2
	perBlock := 3*t*D*D + 2*pairs*D + t*D*D + 2*t*D*FF
	return m.lay.L*perBlock + t*D*V
}

// CachedMACs returns the multiply-adds of one cached step that adds the
// t-th token of a window: the same work as MACs for one position that
// attends over t keys, with the t-1 earlier keys and values read from the
// cache. Summed over t = 1..n it equals MACs(n): prefilling costs what a
// recompute costs, and each later step costs one position's share.
func (m *Model) CachedMACs(t int) int {
	D, FF, V := m.lay.D, m.lay.FF, m.lay.V
	perBlock := 3*D*D + 2*t*D + D*D + 2*D*FF
	return m.lay.L*perBlock + D*V
}
