package tf

import (
	"fmt"
	"strings"

	"tinynets/pkg/tensor"
)

// Model is a D5 transformer with its vocabulary and, after Train, its
// training record.
type Model struct {
	Config Config
	Vocab  *Vocab

	Losses    []float64 // minibatch loss before each Adam step (len Config.Steps)
	FinalLoss float64   // mean loss over every window of the text after training
	Seconds   float64   // wall-clock seconds of training

	lay layout
	p   params[float32]
}

// New returns an untrained model with seeded initial weights (see Train).
// New returns an error if cfg is invalid.
func New(cfg Config, v *Vocab) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if v == nil || v.Size() == 0 {
		return nil, fmt.Errorf("tf: New: empty vocabulary")
	}
	m := newModel(cfg, v)
	initParams(m.p, cfg.Seed)
	return m, nil
}

func newModel(cfg Config, v *Vocab) *Model {
	lay := newLayout(cfg, v.Size())
	return &Model{Config: cfg, Vocab: v, lay: lay, p: newParams[float32](lay)}
}

// Clone returns a deep copy of m, for experiments that change weights
// (see Weights) without touching the original.
func (m *Model) Clone() *Model {
	c := newModel(m.Config, &Vocab{Runes: append([]rune(nil), m.Vocab.Runes...)})
	copy(c.p.flat, m.p.flat)
	c.Losses = append([]float64(nil), m.Losses...)
	c.FinalLoss, c.Seconds = m.FinalLoss, m.Seconds
	return c
}

// Named is a tensor with its TransformerLens name.
type Named struct {
	Name string
	T    *tensor.Tensor
}

// Weights returns every weight tensor under its TransformerLens name
// (embed.W_E, pos_embed.W_pos, blocks.0.ln1.w, ..., unembed.b_U), in a fixed
// order. The tensors share the model's storage: changing a value changes
// the model (an ablation); Clone the model first to keep the original.
func (m *Model) Weights() []Named {
	_, specs, _ := bind[float32](nil, m.lay)
	out := make([]Named, len(specs))
	for i, s := range specs {
		n := tensor.Size(s.Shape)
		out[i] = Named{s.Name, tensor.FromSlice(m.p.flat[s.Offset:s.Offset+n:s.Offset+n], s.Shape...)}
	}
	return out
}

// NumParams returns the number of trained numbers.
func (m *Model) NumParams() int { return len(m.p.flat) }

// HookedConfig returns the model's shape in TransformerLens's terms.
func (m *Model) HookedConfig() HookedConfig {
	c := HookedConfig{
		DVocab: m.lay.V, DModel: m.lay.D, NHeads: m.lay.H, DHead: m.lay.Dh, DMLP: m.lay.FF,
		NLayers: m.lay.L, NCtx: m.lay.Ctx, ActFn: "gelu", Eps: lnEps,
		PositionalEmbeddingType: "standard",
	}
	if m.lay.LN {
		ln := "LN"
		c.NormalizationType = &ln
	}
	return c
}

// Trace is the ordered list of a window's activations, named as
// TransformerLens's hooks name them, batch dimension dropped.
type Trace struct {
	Tokens []int // the window
	list   []Named
}

// All returns the activations in the order the forward pass makes them.
func (tr *Trace) All() []Named { return tr.list }

// Lookup returns the activation called name and whether there is one.
func (tr *Trace) Lookup(name string) (*tensor.Tensor, bool) {
	for _, n := range tr.list {
		if n.Name == name {
			return n.T, true
		}
	}
	return nil, false
}

// Get returns the activation called name.
// Get panics if the trace has no such activation (the LayerNorm hooks are
// absent with Norm "none").
func (tr *Trace) Get(name string) *tensor.Tensor {
	t, ok := tr.Lookup(name)
	if !ok {
		names := make([]string, len(tr.list))
		for i, n := range tr.list {
			names[i] = n.Name
		}
		panic(fmt.Sprintf("tf: Trace.Get: no activation %q; have %s", name, strings.Join(names, ", ")))
	}
	return t
}

// Forward runs the model on one window and returns all its activations:
//
//	hook_embed, hook_pos_embed                                     (pos, d_model)
//	blocks.{l}.hook_resid_pre, blocks.{l}.ln1.hook_normalized      (pos, d_model)
//	blocks.{l}.attn.hook_q, hook_k, hook_v                         (pos, n_heads, d_head)
//	blocks.{l}.attn.hook_attn_scores, hook_pattern                 (n_heads, query_pos, key_pos)
//	blocks.{l}.attn.hook_z                                         (pos, n_heads, d_head)
//	blocks.{l}.hook_attn_out, hook_resid_mid, ln2.hook_normalized  (pos, d_model)
//	blocks.{l}.mlp.hook_pre, mlp.hook_post                         (pos, d_mlp)
//	blocks.{l}.hook_mlp_out, hook_resid_post                       (pos, d_model)
//	ln_final.hook_normalized                                       (pos, d_model)
//	logits, probs                                                  (pos, d_vocab)
//
// hook_attn_scores are scaled by 1/sqrt(d_head), with -Inf where a key
// comes after its query; the ln hooks are after the gain and bias, as in
// TransformerLens, and absent with Norm "none".
//
// Forward panics if tokens is empty, longer than Config.Block, or holds
// an id outside the vocabulary.
func (m *Model) Forward(tokens []int) *Trace {
	m.checkWindow("Forward", tokens)
	lay := m.lay
	T := len(tokens)
	a := newActs[float32](lay, T)
	m.p.forward(a, tokens)

	tr := &Trace{Tokens: append([]int(nil), tokens...)}
	for _, h := range hooks(lay, a) {
		tr.list = append(tr.list, Named{h.name, tensor.FromSlice(h.data, h.shape...)})
	}
	return tr
}

// hook is one named activation of a window.
type hook[F scalar] struct {
	name  string
	data  []F
	shape []int
}

// hooks lists a window's activations under TransformerLens's hook names,
// in the order the forward pass makes them.
func hooks[F scalar](lay layout, a *acts[F]) []hook[F] {
	var out []hook[F]
	add := func(name string, data []F, shape ...int) {
		out = append(out, hook[F]{name, data, shape})
	}
	T, D, H, Dh, FF, V := a.T, lay.D, lay.H, lay.Dh, lay.FF, lay.V
	add("hook_embed", a.embed, T, D)
	add("hook_pos_embed", a.posEmbed, T, D)
	for l := range a.blocks {
		b := &a.blocks[l]
		pre := fmt.Sprintf("blocks.%d.", l)
		add(pre+"hook_resid_pre", b.residPre, T, D)
		if lay.LN {
			add(pre+"ln1.hook_normalized", b.ln1.out, T, D)
		}
		add(pre+"attn.hook_q", b.q, T, H, Dh)
		add(pre+"attn.hook_k", b.k, T, H, Dh)
		add(pre+"attn.hook_v", b.v, T, H, Dh)
		add(pre+"attn.hook_attn_scores", b.scores, H, T, T)
		add(pre+"attn.hook_pattern", b.pattern, H, T, T)
		add(pre+"attn.hook_z", b.z, T, H, Dh)
		add(pre+"hook_attn_out", b.attnOut, T, D)
		add(pre+"hook_resid_mid", b.residMid, T, D)
		if lay.LN {
			add(pre+"ln2.hook_normalized", b.ln2.out, T, D)
		}
		add(pre+"mlp.hook_pre", b.pre, T, FF)
		add(pre+"mlp.hook_post", b.post, T, FF)
		add(pre+"hook_mlp_out", b.mlpOut, T, D)
		add(pre+"hook_resid_post", b.residPost, T, D)
	}
	if lay.LN {
		add("ln_final.hook_normalized", a.lnf.out, T, D)
	}
	add("logits", a.logits, T, V)
	add("probs", a.probs, T, V)
	return out
}

// checkWindow panics unless tokens is a window the model can read.
func (m *Model) checkWindow(fn string, tokens []int) {
	if len(tokens) == 0 || len(tokens) > m.lay.Ctx {
		panic(fmt.Sprintf("tf: %s: window of %d tokens; need 1 to %d (tf.block)", fn, len(tokens), m.lay.Ctx))
	}
	m.checkTokens(fn, tokens)
}

func (m *Model) checkTokens(fn string, tokens []int) {
	for _, t := range tokens {
		if t < 0 || t >= m.lay.V {
			panic(fmt.Sprintf("tf: %s: token id %d outside the vocabulary [0, %d)", fn, t, m.lay.V))
		}
	}
}
