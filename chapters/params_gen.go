package chapters

import (
	"tinynets/pkg/charcnn"
	"tinynets/pkg/life"
	"tinynets/pkg/notebook"
)

// The generating CNNs' parameters (chapter 3); defaults are the packages'
// DefaultConfig, keys and ranges those their Validate checks.
var (
	charDefault = charcnn.DefaultConfig()

	charChannels = params.Int("charcnn.channels", charDefault.Channels, 1, charcnn.MaxChannels,
		"numbers per position of the char-CNN (its embedding width and conv channels)")
	charBlock = params.Int("charcnn.block", charDefault.Block, 1, charcnn.MaxBlock,
		"the char-CNN's window in characters; it stacks enough dilated layers to see all of it")
	charSteps = params.Int("charcnn.steps", charDefault.Steps, 1, charcnn.MaxSteps, "Adam steps of the char-CNN's training")
	charBatch = params.Int("charcnn.batch", charDefault.Batch, 1, charcnn.MaxBatch, "training windows per step of the char-CNN")
	charLR    = params.Float("charcnn.lr", charDefault.LR, 0, 1, "the char-CNN's Adam learning rate")
	charSeed  = params.Int("charcnn.seed", int(charDefault.Seed), 0, 1<<31-1, "seed of the char-CNN's weights and window order")

	lifeDefault = life.DefaultConfig()

	lifeSize = params.Int("life.size", lifeDefault.Size, life.MinPatternSize, life.MaxSize,
		"side of the Game of Life torus, for training boards and test patterns")
	lifeFilters = params.Int("life.filters", lifeDefault.Filters, 1, life.MaxFilters, "3x3 filters of the Life CNN's first layer")
	lifeHidden  = params.Int("life.hidden", lifeDefault.Hidden, 1, life.MaxHidden, "channels of the Life CNN's 1x1 hidden layer")
	lifeSteps   = params.Int("life.steps", lifeDefault.Steps, 1, life.MaxSteps,
		"most Adam steps; training stops early once all 512 neighbourhoods are right")
	lifeBatch = params.Int("life.batch", lifeDefault.Batch, 1, life.MaxBatch, "random boards per training step")
	lifeLR    = params.Float("life.lr", lifeDefault.LR, 0, 1, "the Life CNN's Adam learning rate")
	lifeSeed  = params.Int("life.seed", int(lifeDefault.Seed), 0, 1<<31-1, "seed of the Life CNN's weights and training boards")
	lifeRoll  = params.Int("life.rolloutsteps", lifeDefault.RolloutSteps, 1, life.MaxRolloutSteps,
		"generations the Life CNN runs on its own output")
)

// charConfig is the char-CNN configuration this build runs with.
func charConfig(c *notebook.Cell) charcnn.Config {
	return charcnn.Config{
		Channels: charChannels.Get(c), Block: charBlock.Get(c), Steps: charSteps.Get(c),
		Batch: charBatch.Get(c), LR: charLR.Get(c), Seed: uint64(charSeed.Get(c)),
	}
}

// lifeConfig is the Life CNN configuration this build runs with.
func lifeConfig(c *notebook.Cell) life.Config {
	return life.Config{
		Size: lifeSize.Get(c), Filters: lifeFilters.Get(c), Hidden: lifeHidden.Get(c), Steps: lifeSteps.Get(c),
		Batch: lifeBatch.Get(c), LR: lifeLR.Get(c), Seed: uint64(lifeSeed.Get(c)), RolloutSteps: lifeRoll.Get(c),
	}
}

// charKey is what a trained char-CNN depends on.
type charKey struct {
	Config charcnn.Config
	Text   string
	Code   string
}

// trainChar returns the char-CNN trained with cfg on text.
func trainChar(c *notebook.Cell, cfg charcnn.Config, text string) (*charcnn.Model, error) {
	return trained(c, "charcnn", charKey{cfg, text, charcnn.CodeVersion()},
		func() (*charcnn.Model, error) { return charcnn.Train(cfg, text, c.Progress("training char-CNN")) },
		(*charcnn.Model).MarshalBinary,
		func(b []byte) (*charcnn.Model, error) { m := new(charcnn.Model); return m, m.UnmarshalBinary(b) })
}

// lifeKey is what a trained Life CNN depends on. The rollout length is
// left out: it changes how long the model runs, not how it was trained.
type lifeKey struct {
	Config life.Config
	Code   string
}

// trainLife returns the Life CNN trained with cfg (whose RolloutSteps
// does not matter: the model is trained and cached with the default).
func trainLife(c *notebook.Cell, cfg life.Config) (*life.Model, error) {
	cfg.RolloutSteps = lifeDefault.RolloutSteps
	key := cfg
	key.RolloutSteps = 0
	return trained(c, "life", lifeKey{key, life.CodeVersion()},
		func() (*life.Model, error) { return life.Train(cfg, c.Progress("training Life CNN")) },
		(*life.Model).MarshalBinary,
		func(b []byte) (*life.Model, error) { m := new(life.Model); return m, m.UnmarshalBinary(b) })
}
