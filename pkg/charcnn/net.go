package charcnn

import "fmt"

// net holds every weight of the character CNN in one flat buffer, with a
// named view per tensor, so that Adam, marshalling and the gradient checks
// treat all weights alike.
//
//	tokens (T)
//	-> embedding                         h[0] is (T, C)
//	-> for l = 0..L-1, dilation 2^l:     h[l+1] = h[l] + relu(conv_l(h[l]))
//	-> 1x1 conv (unembed)                logits is (T, V)
//
// The receptive field of the last position is 2^L tokens: each layer adds
// the position 2^l steps back.
type net[F Float] struct {
	V, C, L int

	all   []F   // every weight below, back to back
	emb   []F   // (V, C)
	convW [][]F // L of (C, C, 2)
	convB [][]F // L of (C)
	outW  []F   // (V, C)
	outB  []F   // (V)
}

func newNet[F Float](V, C, L int) *net[F] {
	n := &net[F]{V: V, C: C, L: L}
	size := V*C + L*(C*C*2+C) + V*C + V
	n.all = make([]F, size)
	rest := n.all
	take := func(k int) []F {
		s := rest[:k:k]
		rest = rest[k:]
		return s
	}
	n.emb = take(V * C)
	for range L {
		n.convW = append(n.convW, take(C*C*2))
		n.convB = append(n.convB, take(C))
	}
	n.outW = take(V * C)
	n.outB = take(V)
	return n
}

// dilation returns the dilation of layer l: 1, 2, 4, ...
func dilation(l int) int { return 1 << l }

// trace keeps what backward needs from one window's forward pass, plus the
// scratch buffers of the backward pass.
type trace[F Float] struct {
	T      int
	h      [][]F // L+1 of (T, C); h[0] is the embeddings
	pre    [][]F // L of (T, C); conv output before the ReLU
	logits []F   // (T, V)
	probs  []F   // (T, V)

	dh      []F // (T, C)
	dhPrev  []F // (T, C)
	dPre    []F // (T, C)
	dLogits []F // (T, V)
}

func newTrace[F Float](n *net[F], T int) *trace[F] {
	tr := &trace[F]{T: T}
	for range n.L + 1 {
		tr.h = append(tr.h, make([]F, T*n.C))
	}
	for range n.L {
		tr.pre = append(tr.pre, make([]F, T*n.C))
	}
	tr.logits = make([]F, T*n.V)
	tr.probs = make([]F, T*n.V)
	tr.dh = make([]F, T*n.C)
	tr.dhPrev = make([]F, T*n.C)
	tr.dPre = make([]F, T*n.C)
	tr.dLogits = make([]F, T*n.V)
	return tr
}

// forward runs the net on one window of tokens and fills tr.
// forward panics if len(ids) differs from tr.T or an id is out of range.
func (n *net[F]) forward(tr *trace[F], ids []int) {
	T, C, V := tr.T, n.C, n.V
	if len(ids) != T {
		panic(fmt.Sprintf("charcnn: window has %d tokens, trace is for %d", len(ids), T))
	}
	for t, id := range ids {
		if id < 0 || id >= V {
			panic(fmt.Sprintf("charcnn: token %d at position %d is outside the vocabulary of %d", id, t, V))
		}
	}
	embeddingForward(tr.h[0], n.emb, ids, C)
	for l := range n.L {
		causalConvForward(tr.pre[l], tr.h[l], n.convW[l], n.convB[l], T, C, C, dilation(l))
		reluForward(tr.h[l+1], tr.pre[l])
		for i, x := range tr.h[l] {
			tr.h[l+1][i] += x // residual connection
		}
	}
	linearForward(tr.logits, tr.h[n.L], n.outW, n.outB, T, C, V)
	softmaxForward(tr.probs, tr.logits, T, V)
}

// backward adds to g the gradient of scale * (summed cross-entropy of the
// window), after forward filled tr for the same ids. It returns the summed
// cross-entropy. g must have n's shape.
func (n *net[F]) backward(g *net[F], tr *trace[F], ids, targets []int, scale F) float64 {
	T, C, V := tr.T, n.C, n.V
	if len(targets) != T {
		panic(fmt.Sprintf("charcnn: %d targets for a window of %d tokens", len(targets), T))
	}
	loss := crossEntropyForward(tr.probs, targets, V)
	clear(tr.dLogits)
	crossEntropyBackward(tr.dLogits, tr.probs, targets, V, scale)
	clear(tr.dh)
	linearBackward(tr.dh, g.outW, g.outB, tr.dLogits, tr.h[n.L], n.outW, T, C, V)
	for l := n.L - 1; l >= 0; l-- {
		// h[l+1] = h[l] + relu(pre[l]): the gradient reaches h[l] directly
		// through the residual and through the conv.
		copy(tr.dhPrev, tr.dh)
		clear(tr.dPre)
		reluBackward(tr.dPre, tr.dh, tr.pre[l])
		causalConvBackward(tr.dhPrev, g.convW[l], g.convB[l], tr.dPre, tr.h[l], n.convW[l], T, C, C, dilation(l))
		tr.dh, tr.dhPrev = tr.dhPrev, tr.dh
	}
	embeddingBackward(g.emb, tr.dh, ids, C)
	return loss
}
