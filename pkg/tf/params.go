package tf

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// layout is the shape of a model: the sizes every buffer is made from.
type layout struct {
	V, D, H, Dh, FF, Ctx, L int
	LN                      bool  // pre-LayerNorm blocks and a final LayerNorm
	positions               []int // 0, 1, ..., Ctx-1: the position ids of a window
}

func newLayout(c Config, vocab int) layout {
	pos := make([]int, c.Block)
	for i := range pos {
		pos[i] = i
	}
	return layout{
		V: vocab, D: c.DModel, H: c.Heads, Dh: c.DModel / c.Heads, FF: c.FF,
		Ctx: c.Block, L: c.Layers, LN: c.Norm == "ln", positions: pos,
	}
}

// blockParams are one transformer block's weights, in TransformerLens
// layouts. The ln slices are nil when the model has no LayerNorm.
type blockParams[F scalar] struct {
	Ln1W, Ln1B []F // (D)          blocks.l.ln1.w, .b
	WQ, WK, WV []F // (H, D, Dh)   blocks.l.attn.W_Q, W_K, W_V
	BQ, BK, BV []F // (H, Dh)      blocks.l.attn.b_Q, b_K, b_V
	WO         []F // (H, Dh, D)   blocks.l.attn.W_O
	BO         []F // (D)          blocks.l.attn.b_O
	Ln2W, Ln2B []F // (D)          blocks.l.ln2.w, .b
	WIn        []F // (D, FF)      blocks.l.mlp.W_in
	BIn        []F // (FF)         blocks.l.mlp.b_in
	WOut       []F // (FF, D)      blocks.l.mlp.W_out
	BOut       []F // (D)          blocks.l.mlp.b_out
}

// params are all weights of a model as views into one flat buffer, so
// that Adam, gradients and serialisation treat them as one vector.
type params[F scalar] struct {
	lay        layout
	flat       []F
	WE         []F // (V, D)    embed.W_E
	WPos       []F // (Ctx, D)  pos_embed.W_pos
	Blocks     []blockParams[F]
	LnFW, LnFB []F // (D)       ln_final.w, .b
	WU         []F // (D, V)    unembed.W_U
	BU         []F // (V)       unembed.b_U
}

// paramSpec names one weight tensor and says where it lives in flat.
type paramSpec struct {
	Name   string
	Shape  []int
	Offset int
	init   initKind
}

type initKind int

const (
	initNormal initKind = iota // weight matrices: N(0, initRange²)
	initZero                   // biases and LayerNorm biases
	initOne                    // LayerNorm gains
)

// bind slices flat into named weights. It is the one place that lists the
// weights: their names, shapes and order. With flat nil it only counts:
// the returned params then hold nil slices.
func bind[F scalar](flat []F, lay layout) (params[F], []paramSpec, int) {
	p := params[F]{lay: lay, flat: flat}
	var specs []paramSpec
	n := 0
	take := func(name string, kind initKind, shape ...int) []F {
		size := 1
		for _, d := range shape {
			size *= d
		}
		specs = append(specs, paramSpec{Name: name, Shape: shape, Offset: n, init: kind})
		n += size
		if flat == nil {
			return nil
		}
		return flat[n-size : n : n]
	}
	V, D, H, Dh, FF := lay.V, lay.D, lay.H, lay.Dh, lay.FF
	p.WE = take("embed.W_E", initNormal, V, D)
	p.WPos = take("pos_embed.W_pos", initNormal, lay.Ctx, D)
	p.Blocks = make([]blockParams[F], lay.L)
	for l := range p.Blocks {
		b := &p.Blocks[l]
		pre := fmt.Sprintf("blocks.%d.", l)
		if lay.LN {
			b.Ln1W = take(pre+"ln1.w", initOne, D)
			b.Ln1B = take(pre+"ln1.b", initZero, D)
		}
		b.WQ = take(pre+"attn.W_Q", initNormal, H, D, Dh)
		b.WK = take(pre+"attn.W_K", initNormal, H, D, Dh)
		b.WV = take(pre+"attn.W_V", initNormal, H, D, Dh)
		b.BQ = take(pre+"attn.b_Q", initZero, H, Dh)
		b.BK = take(pre+"attn.b_K", initZero, H, Dh)
		b.BV = take(pre+"attn.b_V", initZero, H, Dh)
		b.WO = take(pre+"attn.W_O", initNormal, H, Dh, D)
		b.BO = take(pre+"attn.b_O", initZero, D)
		if lay.LN {
			b.Ln2W = take(pre+"ln2.w", initOne, D)
			b.Ln2B = take(pre+"ln2.b", initZero, D)
		}
		b.WIn = take(pre+"mlp.W_in", initNormal, D, FF)
		b.BIn = take(pre+"mlp.b_in", initZero, FF)
		b.WOut = take(pre+"mlp.W_out", initNormal, FF, D)
		b.BOut = take(pre+"mlp.b_out", initZero, D)
	}
	if lay.LN {
		p.LnFW = take("ln_final.w", initOne, D)
		p.LnFB = take("ln_final.b", initZero, D)
	}
	p.WU = take("unembed.W_U", initNormal, D, V)
	p.BU = take("unembed.b_U", initZero, V)
	if flat != nil && len(flat) != n {
		panic(fmt.Sprintf("tf: %d values for a model with %d parameters", len(flat), n))
	}
	return p, specs, n
}

// newParams allocates zeroed weights for lay.
func newParams[F scalar](lay layout) params[F] {
	_, _, n := bind[F](nil, lay)
	p, _, _ := bind(make([]F, n), lay)
	return p
}

// initParams fills p as TransformerLens's default ("gpt2") init does:
// weight matrices, embeddings and unembedding from N(0, (0.8/sqrt(d_model))²),
// biases 0, LayerNorm gains 1. The draws come from a PCG source seeded with
// seed, in the order of bind.
func initParams[F scalar](p params[F], seed uint64) {
	_, specs, _ := bind[F](nil, p.lay)
	rng := rand.New(rand.NewPCG(seed, 0x7f4a7c15))
	std := 0.8 / math.Sqrt(float64(p.lay.D))
	for _, s := range specs {
		size := 1
		for _, d := range s.Shape {
			size *= d
		}
		w := p.flat[s.Offset : s.Offset+size]
		for i := range w {
			switch s.init {
			case initNormal:
				w[i] = F(rng.NormFloat64() * std)
			case initZero:
				w[i] = 0
			case initOne:
				w[i] = 1
			}
		}
	}
}
