package tf

import (
	"fmt"
	"math"
)

// Config is the shape of a model and how to train it. The book's
// parameter keys are tf.dmodel, tf.heads, tf.ff, tf.block, tf.layers,
// tf.norm, tf.steps, tf.batch, tf.lr and tf.seed.
type Config struct {
	DModel int    // d_model: numbers per token (the seed's "dims")
	Heads  int    // n_heads: attention heads per block; must divide DModel
	FF     int    // d_mlp: hidden neurons of each FFN
	Block  int    // n_ctx: the longest window the model reads
	Layers int    // n_layers: transformer blocks
	Norm   string // "ln" (pre-LayerNorm, the default) or "none"

	Steps int     // Adam steps
	Batch int     // windows per step (all windows if the text has fewer)
	LR    float64 // Adam learning rate
	Seed  uint64  // seeds the initial weights and the order of the windows
}

// DefaultConfig returns D5: d_model 16, one head, an FFN of 64, a window
// of 8 characters, one block with LayerNorm, trained for 200 Adam steps at
// learning rate 0.01 on batches of 16 windows.
//
// One head, because the seed's D5 has one attention head ("AH") and one
// head gives one attention pattern per block to look at; d_head is then
// the full 16. Training "hello world" needs no more: with these defaults,
// greedy generation from "h" wrote "hello world" for each of the seeds
// 1 to 100 (already after 40 steps; 200 leave a margin, a final loss near
// 0.001), in about 0.1 s each.
func DefaultConfig() Config {
	return Config{
		DModel: 16, Heads: 1, FF: 64, Block: 8, Layers: 1, Norm: "ln",
		Steps: 200, Batch: 16, LR: 0.01, Seed: 1,
	}
}

// Validate returns an error naming the first parameter that is out of
// range, with the allowed values. Every uint64 is a valid seed.
func (c Config) Validate() error {
	switch {
	case c.DModel < 1:
		return fmt.Errorf("tf.dmodel = %d: must be >= 1", c.DModel)
	case c.Heads < 1:
		return fmt.Errorf("tf.heads = %d: must be >= 1", c.Heads)
	case c.DModel%c.Heads != 0:
		return fmt.Errorf("tf.heads = %d: must divide tf.dmodel = %d", c.Heads, c.DModel)
	case c.FF < 1:
		return fmt.Errorf("tf.ff = %d: must be >= 1", c.FF)
	case c.Block < 1:
		return fmt.Errorf("tf.block = %d: must be >= 1", c.Block)
	case c.Layers < 1:
		return fmt.Errorf("tf.layers = %d: must be >= 1", c.Layers)
	case c.Norm != "ln" && c.Norm != "none":
		return fmt.Errorf("tf.norm = %q: must be \"ln\" or \"none\"", c.Norm)
	case c.Steps < 0:
		return fmt.Errorf("tf.steps = %d: must be >= 0", c.Steps)
	case c.Batch < 1:
		return fmt.Errorf("tf.batch = %d: must be >= 1", c.Batch)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("tf.lr = %v: must be positive and finite", c.LR)
	}
	return nil
}

// HookedConfig holds the model's shape under the field names of
// TransformerLens's HookedTransformerConfig; json tags give the Python
// spelling.
type HookedConfig struct {
	DVocab                  int     `json:"d_vocab"`
	DModel                  int     `json:"d_model"`
	NHeads                  int     `json:"n_heads"`
	DHead                   int     `json:"d_head"`
	DMLP                    int     `json:"d_mlp"`
	NLayers                 int     `json:"n_layers"`
	NCtx                    int     `json:"n_ctx"`
	ActFn                   string  `json:"act_fn"`             // "gelu": exact, erf-based
	NormalizationType       *string `json:"normalization_type"` // "LN", or nil for Norm "none"
	Eps                     float64 `json:"eps"`
	PositionalEmbeddingType string  `json:"positional_embedding_type"` // "standard": learned W_pos
}

// lnEps is the LayerNorm epsilon, TransformerLens's and PyTorch's default.
const lnEps = 1e-5
