// Package opcount counts the work of one forward pass, stage by stage:
// multiply-adds, parameters, and the bytes that move between memory and
// the arithmetic, for D4 (one digit), for D5 and for any GPT-style
// transformer (one token), computed from the shapes alone.
//
// The counting rules, the same for every model:
//
//   - A multiply-add (MAC) is one product added into a sum, w·x + acc.
//     Only products of a weight or an activation with an activation
//     count: bias additions, ReLU, max pooling, softmax, GELU and
//     LayerNorm do not (they are fewer, and none is a product of two
//     inputs). A convolution counts only the products of taps that fall
//     inside the image, the ones the readable reference loop computes;
//     zero padding costs nothing.
//   - Parameters are weights and biases, as the models count them.
//   - Bytes moved assume each stage reads its input activations and the
//     weights it uses once, writes its output once, and keeps everything
//     in between (such as the attention pattern) in fast memory: the
//     smallest traffic any implementation of the stage needs. Every
//     number is a 4-byte float32, as the book's models store them; a
//     token id counts as 4 bytes too.
package opcount

import (
	"fmt"

	"tinynets/pkg/cnn"
	"tinynets/pkg/tf"
)

// BytesPerValue is the size of one stored number: a float32.
const BytesPerValue = 4

// Stage is the work of one stage of a forward pass.
type Stage struct {
	Name   string // e.g. "conv1", "block 0 attention"
	Kind   string // the seed's job: "input", "embed", "context sharing", "storyline", "logits", "select label"
	Layer  int    // 0-based block or conv layer for context sharing and storyline, else -1
	MACs   int64
	Params int64 // weights and biases the stage holds
	Reads  int64 // values read: input activations, weights used, cached keys and values
	Writes int64 // values written
}

// Bytes returns the bytes the stage moves: every value read or written,
// BytesPerValue each.
func (s Stage) Bytes() int64 { return BytesPerValue * (s.Reads + s.Writes) }

// Total returns the sum of stages, named "total".
func Total(stages []Stage) Stage {
	t := Stage{Name: "total", Kind: "total", Layer: -1}
	for _, s := range stages {
		t.MACs += s.MACs
		t.Params += s.Params
		t.Reads += s.Reads
		t.Writes += s.Writes
	}
	return t
}

// ByKind sums the stages of each kind, in order of first appearance: the
// 96 attention stages of a large model become one row.
func ByKind(stages []Stage) []Stage {
	var out []Stage
	index := map[string]int{}
	for _, s := range stages {
		i, ok := index[s.Kind]
		if !ok {
			index[s.Kind] = len(out)
			out = append(out, Stage{Name: s.Kind, Kind: s.Kind, Layer: -1})
			i = len(out) - 1
		}
		out[i].MACs += s.MACs
		out[i].Params += s.Params
		out[i].Reads += s.Reads
		out[i].Writes += s.Writes
	}
	return out
}

// insideTaps returns, for a same-padded convolution of kernel side k over
// n positions, how many (output position, kernel offset) pairs read an
// input inside the image: sum over offsets d in [-k/2, k/2] of n - |d|.
func insideTaps(n, k int) int64 {
	t := int64(0)
	for d := -k / 2; d <= k/2; d++ {
		t += int64(max(n-abs(d), 0))
	}
	return t
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// CNN returns the stages of D4 classifying one image, for cfg's shape.
// CNN panics if cfg is not valid.
func CNN(cfg cnn.Config) []Stage {
	if err := cfg.Validate(); err != nil {
		panic("opcount: CNN: " + err.Error())
	}
	const s = cnn.Side
	k, f1, f2 := int64(cfg.Kernel), int64(cfg.Filters1), int64(cfg.Filters2)
	img := int64(s * s)
	half, quarter := img/4, img/16
	flat := f2 * quarter
	taps28 := insideTaps(s, cfg.Kernel)
	taps14 := insideTaps(s/2, cfg.Kernel)
	w1, w2, wfc := f1*k*k+f1, f2*f1*k*k+f2, cnn.Classes*flat+cnn.Classes
	return []Stage{
		{Name: "input", Kind: "input", Layer: -1, Reads: img, Writes: img},
		{Name: "conv1", Kind: "context sharing", Layer: 0, MACs: f1 * taps28 * taps28, Params: w1, Reads: img + w1, Writes: f1 * img},
		{Name: "ReLU1, pool1", Kind: "storyline", Layer: 0, Reads: f1 * img, Writes: f1 * half},
		{Name: "conv2", Kind: "context sharing", Layer: 1, MACs: f2 * f1 * taps14 * taps14, Params: w2, Reads: f1*half + w2, Writes: f2 * half},
		{Name: "ReLU2, pool2", Kind: "storyline", Layer: 1, Reads: f2 * half, Writes: f2 * quarter},
		{Name: "fully connected", Kind: "logits", Layer: -1, MACs: cnn.Classes * flat, Params: wfc, Reads: flat + wfc, Writes: cnn.Classes},
		{Name: "softmax, argmax", Kind: "select label", Layer: -1, Reads: cnn.Classes, Writes: cnn.Classes + 1},
	}
}

// PaddedCNNMACs returns D4's multiply-adds when the padding zeros are
// multiplied too, as an im2col implementation does: every output value
// reads all K·K·Cin taps.
func PaddedCNNMACs(cfg cnn.Config) int64 {
	const s = cnn.Side
	k2 := int64(cfg.Kernel * cfg.Kernel)
	f1, f2 := int64(cfg.Filters1), int64(cfg.Filters2)
	return f1*k2*s*s + f2*f1*k2*(s/2)*(s/2) + cnn.Classes*f2*(s/4)*(s/4)
}

// Transformer is the shape of a GPT-style decoder: learned token and
// position embeddings, Layers blocks of pre-LayerNorm attention and a
// two-layer FFN, each added into the residual stream, and an unembedding.
type Transformer struct {
	Vocab, DModel, FF, Ctx, Layers int
	LayerNorm                      bool // LayerNorm before attention, FFN and unembedding
	TiedUnembed                    bool // the unembedding is W_E transposed: no weights of its own
	UnembedBias                    bool // the unembedding has a bias
}

// D5 returns the shape of a tf model with cfg and a vocabulary of vocab
// characters: untied unembedding with a bias, as package tf builds it.
func D5(cfg tf.Config, vocab int) Transformer {
	return Transformer{Vocab: vocab, DModel: cfg.DModel, FF: cfg.FF, Ctx: cfg.Block, Layers: cfg.Layers,
		LayerNorm: cfg.Norm == "ln", UnembedBias: true}
}

// GPT3 returns the largest model of Brown et al., "Language Models are
// Few-Shot Learners" (2020), Table 2.1: 96 layers, d_model 12,288, d_ff
// four times d_model, a context of 2,048 tokens, with GPT-2's vocabulary
// of 50,257 tokens and its tied unembedding without bias (Radford et al.,
// 2019). The paper's alternating sparse attention layers are counted as
// dense, which overstates their share slightly.
func GPT3() Transformer {
	const d = 12288
	return Transformer{Vocab: 50257, DModel: d, FF: 4 * d, Ctx: 2048, Layers: 96, LayerNorm: true, TiedUnembed: true}
}

func (t Transformer) check(n int) {
	if t.Vocab < 1 || t.DModel < 1 || t.FF < 1 || t.Ctx < 1 || t.Layers < 1 {
		panic(fmt.Sprintf("opcount: transformer shape %+v has a dimension below 1", t))
	}
	if n < 1 || n > t.Ctx {
		panic(fmt.Sprintf("opcount: %d tokens for a context of %d", n, t.Ctx))
	}
}

// the parameters of one stage kind
func (t Transformer) lnParams() int64 {
	if t.LayerNorm {
		return 2 * int64(t.DModel)
	}
	return 0
}
func (t Transformer) attnParams() int64 {
	d := int64(t.DModel)
	return t.lnParams() + 4*d*d + 4*d // W_Q, W_K, W_V, W_O and their biases
}
func (t Transformer) ffnParams() int64 {
	d, ff := int64(t.DModel), int64(t.FF)
	return t.lnParams() + 2*d*ff + ff + d
}
func (t Transformer) unembedParams() int64 {
	n := t.lnParams()
	if !t.TiedUnembed {
		n += int64(t.DModel) * int64(t.Vocab)
	}
	if t.UnembedBias {
		n += int64(t.Vocab)
	}
	return n
}
func (t Transformer) embedParams() int64 {
	return int64(t.Vocab+t.Ctx) * int64(t.DModel)
}

// Params returns the number of weights and biases.
func (t Transformer) Params() int64 {
	return t.embedParams() + int64(t.Layers)*(t.attnParams()+t.ffnParams()) + t.unembedParams()
}

// Full returns the stages of one forward pass over a window of n tokens
// recomputed from scratch, as tf's Forward and Generate do: every
// position attends to itself and the positions before it, and the
// unembedding scores every position (only the last one's scores pick the
// next token). Full panics if n is not in [1, Ctx].
func (t Transformer) Full(n int) []Stage {
	t.check(n)
	N, d, ff, v := int64(n), int64(t.DModel), int64(t.FF), int64(t.Vocab)
	pairs := N * (N + 1) / 2
	stages := []Stage{
		{Name: "token ids", Kind: "input", Layer: -1, Reads: N, Writes: N},
		{Name: "embed", Kind: "embed", Layer: -1, Params: t.embedParams(), Reads: N + 2*N*d, Writes: N * d},
	}
	for l := range t.Layers {
		stages = append(stages,
			Stage{Name: fmt.Sprintf("block %d attention", l), Kind: "context sharing", Layer: l,
				MACs:   3*N*d*d + 2*pairs*d + N*d*d,
				Params: t.attnParams(), Reads: N*d + t.attnParams(), Writes: N * d},
			Stage{Name: fmt.Sprintf("block %d FFN", l), Kind: "storyline", Layer: l,
				MACs:   2 * N * d * ff,
				Params: t.ffnParams(), Reads: N*d + t.ffnParams(), Writes: N * d})
	}
	return append(stages,
		Stage{Name: "unembed", Kind: "logits", Layer: -1, MACs: N * d * v, Params: t.unembedParams(),
			Reads: N*d + t.unembedReads(), Writes: N * v},
		Stage{Name: "softmax, argmax", Kind: "select label", Layer: -1, Reads: v, Writes: v + 1})
}

// unembedReads is the weights the unembedding reads: its matrix (W_E
// itself when tied), and its LayerNorm and bias if it has them.
func (t Transformer) unembedReads() int64 {
	n := t.unembedParams()
	if t.TiedUnembed {
		n += int64(t.DModel) * int64(t.Vocab)
	}
	return n
}

// Cached returns the stages of one decoding step with a key-value cache:
// the token at position pos (1-based: pos tokens are in the window,
// itself included) is embedded and run through every block, attending to
// the pos-1 earlier keys and values read from the cache and its own, and
// only its scores are computed. Its new key and value are written to the
// cache. Cached panics if pos is not in [1, Ctx].
func (t Transformer) Cached(pos int) []Stage {
	t.check(pos)
	P, d, ff, v := int64(pos), int64(t.DModel), int64(t.FF), int64(t.Vocab)
	stages := []Stage{
		{Name: "token id", Kind: "input", Layer: -1, Reads: 1, Writes: 1},
		{Name: "embed", Kind: "embed", Layer: -1, Params: t.embedParams(), Reads: 1 + 2*d, Writes: d},
	}
	for l := range t.Layers {
		stages = append(stages,
			Stage{Name: fmt.Sprintf("block %d attention", l), Kind: "context sharing", Layer: l,
				MACs:   4*d*d + 2*P*d,
				Params: t.attnParams(), Reads: d + t.attnParams() + 2*(P-1)*d, Writes: d + 2*d},
			Stage{Name: fmt.Sprintf("block %d FFN", l), Kind: "storyline", Layer: l,
				MACs:   2 * d * ff,
				Params: t.ffnParams(), Reads: d + t.ffnParams(), Writes: d})
	}
	return append(stages,
		Stage{Name: "unembed", Kind: "logits", Layer: -1, MACs: d * v, Params: t.unembedParams(),
			Reads: d + t.unembedReads(), Writes: v},
		Stage{Name: "softmax, argmax", Kind: "select label", Layer: -1, Reads: v, Writes: v + 1})
}
