package chapters

import (
	"fmt"
	"math"

	"tinynets/pkg/notebook"
	"tinynets/pkg/tf"
)

// Helpers of the D5 sections of chapter 2.3: the one- and two-block
// models, summaries of attention patterns and switching blocks off.

// oneAndTwoBlocks returns this build's model shape trained with one block
// and with two. Whichever matches the build's tf.layers is the default
// model itself (the cache key is the configuration, not the prefix).
func oneAndTwoBlocks(c *notebook.Cell) (one, two *tf.Model, err error) {
	text, err := trainingText(c)
	if err != nil {
		return nil, nil, err
	}
	cfg := tfConfig(c)
	cfg.Layers = 1
	if one, err = trainTF(c, "tf1/", cfg, text); err != nil {
		return nil, nil, err
	}
	cfg.Layers = 2
	if two, err = trainTF(c, "tf2/", cfg, text); err != nil {
		return nil, nil, err
	}
	return one, two, nil
}

// patternSummary gives, per block and head, the mean look-back distance
// and the mean entropy of the attention pattern over the window's queries.
func patternSummary(v *d5View) notebook.Table {
	t := notebook.Table{Caption: "Where each block's attention looks, averaged over the window's positions",
		Header: []string{"block", "head", "mean look-back (characters)", "mean entropy (bits)", "most of the last position's weight on"}}
	T := len(v.Tokens)
	for l := range v.M.Config.Layers {
		p := v.Trace.Get(fmt.Sprintf("blocks.%d.attn.hook_pattern", l)) // (H, T, T)
		for h := range p.Shape[0] {
			var back, ent float64
			for q := range T {
				for k := 0; k <= q; k++ {
					w := float64(p.At(h, q, k))
					back += w * float64(q-k)
					if w > 0 {
						ent -= w * math.Log2(w)
					}
				}
			}
			k := argmaxOf(row(p.Slice(h), T-1))
			t.Rows = append(t.Rows, []string{fmt.Sprint(l), fmt.Sprint(h), fmt.Sprintf("%.2f", back/float64(T)),
				fmt.Sprintf("%.2f", ent/float64(T)), fmt.Sprintf("position %d %q (%.2f)", k, v.Window[k], p.At(h, T-1, k))})
		}
	}
	return t
}

// captureLaterBlocks saves the default model's weights and activations of
// every block after the first (chapter 2.2 saves block 0), when this build
// has more than one, so that book.json lists the whole model.
func captureLaterBlocks(c *notebook.Cell) error {
	v, err := d5Window(c)
	if err != nil {
		return err
	}
	if v.M.Config.Layers < 2 {
		return nil
	}
	saved := 0
	for _, w := range v.M.Weights() {
		if blockOf(w.Name) >= 1 {
			if err := c.Tensor("tf/"+w.Name, w.T, notebook.NoImage(), notebook.NoGrid()); err != nil {
				return err
			}
			saved++
		}
	}
	for _, a := range v.Trace.All() {
		if blockOf(a.Name) >= 1 {
			if err := c.Tensor("tf/"+a.Name, a.T, notebook.NoImage(), notebook.NoGrid()); err != nil {
				return err
			}
			saved++
		}
	}
	c.Printf("this build's own model has %d blocks: saved its %d tensors of blocks 1 to %d under tf/\n",
		v.M.Config.Layers, saved, v.M.Config.Layers-1)
	return nil
}

// blockOf returns l for a name "blocks.l. ...", or -1.
func blockOf(name string) int {
	var l int
	if n, err := fmt.Sscanf(name, "blocks.%d.", &l); n == 1 && err == nil {
		return l
	}
	return -1
}

// silenced returns a copy of m in which the named weights are zero.
func silenced(m *tf.Model, names ...string) (*tf.Model, error) {
	data, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	cp, err := tf.Unmarshal(data)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		clear(weight(cp, name).Data) // shares cp's storage
	}
	return cp, nil
}

// textLoss is the mean next-character cross-entropy of m over every
// window of text, the windows Train uses.
func textLoss(m *tf.Model, text string) (float64, error) {
	ids, err := m.Vocab.Encode(text, "tf.text")
	if err != nil {
		return 0, err
	}
	T := min(m.Config.Block, len(ids)-1)
	sum, count := 0.0, 0
	for s := 0; s+T < len(ids); s++ {
		probs := m.Forward(ids[s : s+T]).Get("probs") // (T, d_vocab)
		for t := range T {
			sum -= math.Log(float64(probs.At(t, ids[s+t+1])))
			count++
		}
	}
	return sum / float64(count), nil
}

// blockAblationTable measures the loss of m with its last block's
// attention, FFN or both adding nothing.
func blockAblationTable(m *tf.Model, text string) (notebook.Table, error) {
	l := m.Config.Layers - 1
	attn := []string{fmt.Sprintf("blocks.%d.attn.W_O", l), fmt.Sprintf("blocks.%d.attn.b_O", l)}
	ffn := []string{fmt.Sprintf("blocks.%d.mlp.W_out", l), fmt.Sprintf("blocks.%d.mlp.b_out", l)}
	t := notebook.Table{Caption: fmt.Sprintf("Mean loss over every window of the text with parts of block %d switched off", l),
		Header: []string{"switched off", "mean loss"}}
	cases := []struct {
		what  string
		names []string
	}{
		{"nothing", nil},
		{fmt.Sprintf("block %d's attention", l), attn},
		{fmt.Sprintf("block %d's FFN", l), ffn},
		{fmt.Sprintf("all of block %d", l), append(append([]string{}, attn...), ffn...)},
	}
	for _, cs := range cases {
		cp, err := silenced(m, cs.names...)
		if err != nil {
			return t, err
		}
		loss, err := textLoss(cp, text)
		if err != nil {
			return t, err
		}
		t.Rows = append(t.Rows, []string{cs.what, fmt.Sprintf("%.4f", loss)})
	}
	return t, nil
}
