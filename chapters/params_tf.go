package chapters

import (
	"fmt"

	"tinynets/pkg/notebook"
	"tinynets/pkg/tf"
)

// The transformer's parameters; defaults are tf.DefaultConfig's.
var (
	tfDefault = tf.DefaultConfig()

	tfDModel = params.Int("tf.dmodel", tfDefault.DModel, 1, 256,
		"numbers per token, the seed's \"dims\" (it says 8 in one place and 16 in another)")
	tfHeads  = params.Int("tf.heads", tfDefault.Heads, 1, 16, "attention heads per block; must divide tf.dmodel")
	tfFF     = params.Int("tf.ff", tfDefault.FF, 1, 1024, "hidden neurons of each FFN (the seed's 64)")
	tfBlock  = params.Int("tf.block", tfDefault.Block, 1, 256, "the context window n_ctx, in characters")
	tfLayers = params.Int("tf.layers", tfDefault.Layers, 1, 8, "transformer blocks (the seed's D5 has one)")
	tfNorm   = params.Choice("tf.norm", tfDefault.Norm, []string{"ln", "none"},
		"ln: pre-LayerNorm in each block and before the unembedding; none: no LayerNorm, as the seed's diagram")
	tfSteps = params.Int("tf.steps", tfDefault.Steps, 1, 1000000, "Adam steps of training")
	tfBatch = params.Int("tf.batch", tfDefault.Batch, 1, 4096, "training windows per step")
	tfLR    = params.Float("tf.lr", tfDefault.LR, 0, 10, "Adam learning rate")
	tfSeed  = params.Int("tf.seed", int(tfDefault.Seed), 0, 1<<31-1, "seed of the initial weights and the window order")

	tfTemperature = params.Float("tf.temperature", 0.8, 0, 100, "sampling temperature for the sampled generation beside greedy")
	tfTopK        = params.Int("tf.topk", 3, 1, 1<<20, "sample only among the k most likely characters")
)

func init() {
	params.Rule([]string{"tf.heads", "tf.dmodel"}, func() error {
		if tfDModel.Int()%tfHeads.Int() != 0 {
			return fmt.Errorf("tf.heads=%d does not divide tf.dmodel=%d: each head gets tf.dmodel/tf.heads numbers",
				tfHeads.Int(), tfDModel.Int())
		}
		return nil
	})
}

// tfConfig is the transformer configuration this build runs with.
func tfConfig(c *notebook.Cell) tf.Config {
	return tf.Config{
		DModel: tfDModel.Get(c), Heads: tfHeads.Get(c), FF: tfFF.Get(c), Block: tfBlock.Get(c),
		Layers: tfLayers.Get(c), Norm: tfNorm.Get(c), Steps: tfSteps.Get(c), Batch: tfBatch.Get(c),
		LR: tfLR.Get(c), Seed: uint64(tfSeed.Get(c)),
	}
}
