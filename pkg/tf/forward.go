package tf

// lnActs is what one LayerNorm keeps for its backward pass.
type lnActs[F scalar] struct {
	out, xhat []F // (T, D)
	rstd      []F // (T)
}

// blockActs are one block's activations for a window.
type blockActs[F scalar] struct {
	residPre          []F // (T, D)      hook_resid_pre (the previous block's residPost)
	ln1               lnActs[F]
	x1                []F // (T, D)      attention input: ln1.out, or residPre without LayerNorm
	q, k, v           []F // (T, H, Dh)  attn.hook_q, hook_k, hook_v
	scores, pattern   []F // (H, T, T)   attn.hook_attn_scores, hook_pattern
	z                 []F // (T, H, Dh)  attn.hook_z
	attnOut, residMid []F // (T, D)      hook_attn_out, hook_resid_mid
	ln2               lnActs[F]
	x2                []F // (T, D)      FFN input: ln2.out, or residMid
	pre, post         []F // (T, FF)     mlp.hook_pre, hook_post
	cdf               []F // (T, FF)     Φ(pre), kept for the GELU backward
	mlpOut, residPost []F // (T, D)      hook_mlp_out, hook_resid_post
}

// acts are a window's activations, and scratch for its backward pass.
type acts[F scalar] struct {
	T               int
	embed, posEmbed []F // (T, D)  hook_embed, hook_pos_embed
	resid0          []F // (T, D)  embed + posEmbed = blocks.0.hook_resid_pre
	blocks          []blockActs[F]
	lnf             lnActs[F]
	xf              []F // (T, D)  unembedding input: ln_final.out, or the last residPost
	logits, probs   []F // (T, V)
	lse             []F // (T)     log-sum-exp of each row of logits

	// backward scratch
	dResid, dX     []F // (T, D)
	dq, dk, dv, dz []F // (T, H, Dh)
	dPre, dPost    []F // (T, FF)
	dLogits        []F // (T, V)
	dp             []F // (T)
}

func newLNActs[F scalar](lay layout, T int) lnActs[F] {
	if !lay.LN {
		return lnActs[F]{}
	}
	return lnActs[F]{out: make([]F, T*lay.D), xhat: make([]F, T*lay.D), rstd: make([]F, T)}
}

// newActs allocates the activations of a window of T positions.
func newActs[F scalar](lay layout, T int) *acts[F] {
	D, HDh, FF, V := lay.D, lay.H*lay.Dh, lay.FF, lay.V
	vec := func(n int) []F { return make([]F, n) }
	a := &acts[F]{
		T: T, embed: vec(T * D), posEmbed: vec(T * D), resid0: vec(T * D),
		blocks: make([]blockActs[F], lay.L), lnf: newLNActs[F](lay, T),
		logits: vec(T * V), probs: vec(T * V), lse: vec(T),
		dResid: vec(T * D), dX: vec(T * D),
		dq: vec(T * HDh), dk: vec(T * HDh), dv: vec(T * HDh), dz: vec(T * HDh),
		dPre: vec(T * FF), dPost: vec(T * FF), dLogits: vec(T * V), dp: vec(T),
	}
	prev := a.resid0
	for l := range a.blocks {
		b := &a.blocks[l]
		b.residPre = prev
		b.ln1, b.ln2 = newLNActs[F](lay, T), newLNActs[F](lay, T)
		b.x1, b.x2 = b.ln1.out, b.ln2.out
		b.q, b.k, b.v, b.z = vec(T*HDh), vec(T*HDh), vec(T*HDh), vec(T*HDh)
		b.scores, b.pattern = vec(lay.H*T*T), vec(lay.H*T*T)
		b.attnOut, b.residMid = vec(T*D), vec(T*D)
		if !lay.LN {
			b.x1, b.x2 = b.residPre, b.residMid
		}
		b.pre, b.post, b.cdf = vec(T*FF), vec(T*FF), vec(T*FF)
		b.mlpOut, b.residPost = vec(T*D), vec(T*D)
		prev = b.residPost
	}
	a.xf = a.lnf.out
	if !lay.LN {
		a.xf = prev
	}
	return a
}

// forward runs the model on one window of tokens (T = a.T of them) and
// fills a, up to the logits and probabilities of every position.
func (p *params[F]) forward(a *acts[F], tokens []int) {
	lay := p.lay
	T, D, H, Dh, FF, V := a.T, lay.D, lay.H, lay.Dh, lay.FF, lay.V
	if len(tokens) != T {
		panic("tf: forward: window length does not match its activations")
	}
	// 2.1b: each character becomes D numbers, plus D numbers for its place.
	embedForward(a.embed, p.WE, tokens, D)
	embedForward(a.posEmbed, p.WPos, lay.positions[:T], D)
	addForward(a.resid0, a.embed, a.posEmbed)
	for l := range p.Blocks {
		w, b := &p.Blocks[l], &a.blocks[l]
		// 2.2.1 context sharing: every position gathers from the ones before it.
		if lay.LN {
			layerNormForward(b.ln1.out, b.ln1.xhat, b.ln1.rstd, b.residPre, w.Ln1W, w.Ln1B, T, D)
		}
		headsForward(b.q, b.x1, w.WQ, w.BQ, T, D, H, Dh)
		headsForward(b.k, b.x1, w.WK, w.BK, T, D, H, Dh)
		headsForward(b.v, b.x1, w.WV, w.BV, T, D, H, Dh)
		attentionForward(b.z, b.scores, b.pattern, b.q, b.k, b.v, T, H, Dh)
		linearForward(b.attnOut, b.z, w.WO, w.BO, T, H*Dh, D)
		addForward(b.residMid, b.residPre, b.attnOut)
		// 2.2.3 storyline: the FFN works on each position alone.
		if lay.LN {
			layerNormForward(b.ln2.out, b.ln2.xhat, b.ln2.rstd, b.residMid, w.Ln2W, w.Ln2B, T, D)
		}
		linearForward(b.pre, b.x2, w.WIn, w.BIn, T, D, FF)
		geluForward(b.post, b.cdf, b.pre)
		linearForward(b.mlpOut, b.post, w.WOut, w.BOut, T, FF, D)
		addForward(b.residPost, b.residMid, b.mlpOut)
	}
	// 2.4: logits from W_unembed.
	if lay.LN {
		last := a.resid0
		if lay.L > 0 {
			last = a.blocks[lay.L-1].residPost
		}
		layerNormForward(a.lnf.out, a.lnf.xhat, a.lnf.rstd, last, p.LnFW, p.LnFB, T, D)
	}
	linearForward(a.logits, a.xf, p.WU, p.BU, T, D, V)
	softmaxForward(a.probs, a.lse, a.logits, T, V)
}

// backward adds to g the gradient of scale * Σ_t crossEntropy(t) for the
// window whose forward pass filled a; targets[t] is the token after
// position t. It walks forward's steps in reverse.
func (p *params[F]) backward(g *params[F], a *acts[F], tokens, targets []int, scale F) {
	lay := p.lay
	T, D, H, Dh, FF, V := a.T, lay.D, lay.H, lay.Dh, lay.FF, lay.V
	clear(a.dLogits)
	crossEntropyBackward(a.dLogits, a.probs, targets, V, scale)
	d := a.dResid // (T, D): gradient of the loss with respect to the residual stream
	clear(d)
	if lay.LN {
		clear(a.dX)
		linearBackward(a.dX, g.WU, g.BU, a.dLogits, a.xf, p.WU, T, D, V)
		layerNormBackward(d, g.LnFW, g.LnFB, a.dX, a.lnf.xhat, a.lnf.rstd, p.LnFW, T, D)
	} else {
		linearBackward(d, g.WU, g.BU, a.dLogits, a.xf, p.WU, T, D, V)
	}
	for l := lay.L - 1; l >= 0; l-- {
		w, gw, b := &p.Blocks[l], &g.Blocks[l], &a.blocks[l]
		// residPost = residMid + mlpOut: d passes through, the FFN adds to it.
		clear(a.dPost)
		linearBackward(a.dPost, gw.WOut, gw.BOut, d, b.post, w.WOut, T, FF, D)
		clear(a.dPre)
		geluBackward(a.dPre, a.dPost, b.pre, b.cdf)
		dx2 := d
		if lay.LN {
			dx2 = a.dX
			clear(dx2)
		}
		linearBackward(dx2, gw.WIn, gw.BIn, a.dPre, b.x2, w.WIn, T, D, FF)
		if lay.LN {
			layerNormBackward(d, gw.Ln2W, gw.Ln2B, dx2, b.ln2.xhat, b.ln2.rstd, w.Ln2W, T, D)
		}
		// residMid = residPre + attnOut: likewise for the attention.
		clear(a.dz)
		linearBackward(a.dz, gw.WO, gw.BO, d, b.z, w.WO, T, H*Dh, D)
		clear(a.dq)
		clear(a.dk)
		clear(a.dv)
		attentionBackward(a.dq, a.dk, a.dv, a.dz, b.pattern, b.q, b.k, b.v, a.dp, T, H, Dh)
		dx1 := d
		if lay.LN {
			dx1 = a.dX
			clear(dx1)
		}
		headsBackward(dx1, gw.WQ, gw.BQ, a.dq, b.x1, w.WQ, T, D, H, Dh)
		headsBackward(dx1, gw.WK, gw.BK, a.dk, b.x1, w.WK, T, D, H, Dh)
		headsBackward(dx1, gw.WV, gw.BV, a.dv, b.x1, w.WV, T, D, H, Dh)
		if lay.LN {
			layerNormBackward(d, gw.Ln1W, gw.Ln1B, dx1, b.ln1.xhat, b.ln1.rstd, w.Ln1W, T, D)
		}
	}
	// resid0 = embed + posEmbed.
	embedBackward(g.WE, d, tokens, D)
	embedBackward(g.WPos, d, lay.positions[:T], D)
}
