package chapters

import (
	"encoding/json"
	"sync"

	"tinynets/pkg/notebook"
	"tinynets/pkg/tf"
)

// Trained models are expensive, so each is made once per build (memo) and
// kept between builds (the notebook's cache). The key holds everything the
// model depends on: its configuration, its data and its package's code
// version, so changing any of them retrains exactly that model.
var (
	memoMu sync.Mutex
	memo   = map[string]any{}
)

// trained returns the model for (kind, key): from this build's memo, from
// the cache, or by running train. The cached bytes are marshal's output.
func trained[M any](c *notebook.Cell, kind string, key any, train func() (M, error),
	marshal func(M) ([]byte, error), unmarshal func([]byte) (M, error)) (M, error) {
	kj, err := json.Marshal(key)
	if err != nil {
		panic("chapters: model key does not marshal: " + err.Error())
	}
	id := kind + "\x00" + string(kj)
	memoMu.Lock()
	defer memoMu.Unlock()
	if m, ok := memo[id]; ok {
		return m.(M), nil
	}
	var zero M
	// The model is always decoded from its bytes, so a build that trains
	// and a build that reads the cache use bit-identical weights.
	data, err := c.Cached(kind, key, func() ([]byte, error) {
		m, err := train()
		if err != nil {
			return nil, err
		}
		return marshal(m)
	})
	if err != nil {
		return zero, err
	}
	m, err := unmarshal(data)
	if err != nil {
		return zero, err
	}
	memo[id] = m
	return m, nil
}

// tfKey is what a trained transformer depends on.
type tfKey struct {
	Config tf.Config
	Text   string
	Code   string
}

// trainTF returns the transformer trained with cfg on text.
func trainTF(c *notebook.Cell, prefix string, cfg tf.Config, text string) (*tf.Model, error) {
	return trained(c, "tf", tfKey{cfg, text, tf.CodeVersion()},
		func() (*tf.Model, error) { return tf.Train(cfg, text, c.Progress("training "+prefix)) },
		(*tf.Model).MarshalBinary, tf.Unmarshal)
}

// d5 is the book's default transformer: this build's tf.* parameters and
// training text. Its tensors carry the prefix "tf/".
func d5(c *notebook.Cell) (*tf.Model, error) {
	text, err := trainingText(c)
	if err != nil {
		return nil, err
	}
	return trainTF(c, "tf", tfConfig(c), text)
}
