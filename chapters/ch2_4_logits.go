package chapters

import (
	"fmt"
	"slices"

	"tinynets/pkg/cnn"
	"tinynets/pkg/notebook"
	"tinynets/pkg/plots"
	"tinynets/pkg/tensor"
)

// chapterLogits follows the seed's heading "2.4 Compute logits".
//
// Both networks end in the same operation: a linear layer, Wx + b, that
// turns the last features into one score per possible answer. D4 scores
// the 10 digits from its pooled features (784 of them by default); D5
// scores every character of its vocabulary from the numbers of the last
// position (16 by default).
var chapterLogits = notebook.Chapter{
	ID:       "2.4",
	Title:    "Compute logits",
	Seed:     "2.4 Compute logits",
	File:     "ch2_4_logits.go",
	Intro:    "chapterLogits",
	Sections: slices.Concat(logitsD4, logitsD5),
}

// logitsD4 are the CNN's sections of this chapter, in reading order.
var logitsD4 = []notebook.Section{
	{ID: "2.4-D4", Title: "D4: the classifier's weights, one set per digit", Run: classifierD4},
	{ID: "2.4-D4-logits", Title: "D4: the ten logits of the demo digit", Run: logitsOfDigit},
}

// The classifier is one fully connected layer: each of the 10 digits has
// one weight for every value of the flattened vector (784 of them by
// default) and a bias, and its score, its logit, is the weighted sum plus
// the bias. PyTorch stores the weights as a (10, 784) matrix, one row per
// digit.
//
// A row is easier to read in the shape it was flattened from: F2 maps of
// 7x7, one per filter of conv2. Drawn that way (a row of tiles per digit,
// filter 0 of conv2 on the left), red weights say "a large value here
// makes this digit more likely" and blue ones "less likely": it is what
// each class listens to. The seed calls this the other half of the FFN
// that ReLU and pooling began.
func classifierD4(c *notebook.Cell) error {
	m, _, err := d4(c)
	if err != nil {
		return err
	}
	weights, biases := len(m.FCW.Data), len(m.FCB.Data)
	c.Printf("fc: %d inputs -> %d logits\n", m.FCW.Shape[1], m.FCW.Shape[0])
	c.Printf("%d weights + %d biases = %d parameters\n", weights, biases, weights+biases)
	side := cnn.Side / 4 // the 7x7 maps of pool2
	if err := c.Tensor("cnn/fc.weight", m.FCW, notebook.Signed(),
		notebook.DrawAs(cnn.Classes, m.Config.Filters2, side, side),
		notebook.TileCaptions(digitNames()), notebook.ScaleLabel("weight"),
		notebook.Caption("The classifier's weights, shape (10, 784): a row per digit, "+
			"drawn as the F2 maps of 7x7 it reads (filter 0 on the left).")); err != nil {
		return err
	}
	return c.Tensor("cnn/fc.bias", m.FCB, notebook.NoImage(),
		notebook.Labels(digitNames(), nil), notebook.Caption("The bias of each digit."))
}

// The demo digit's ten logits, the largest highlighted. A logit is a
// score with no fixed scale: only the differences between them matter,
// and 2.5 turns them into probabilities.
//
// The code then recomputes the winning digit's logit by hand: its bias
// plus, for every value of the flattened vector, that value times its
// weight. Laid out again as the 7x7 maps of pool2, the products show where
// the evidence for the digit sits (red adds to its score, blue takes
// away); summed map by map, they give one bar per filter of conv2.
//
// The table puts the seed's numbers for this step beside this run's. The
// seed's transformer figures (12,288 dims, about 50K classes) are those of
// a large published model, GPT-3 (a width of 12,288 and a vocabulary of
// 50,257 tokens), not of D5.
func logitsOfDigit(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	t := m.Forward(data.Test.Image(0))
	bars := plots.Bars(digitNames(), t.Logits.Float64s(), plots.Highlight(t.Label),
		plots.Annotate("%.1f"), plots.XLabel("digit"), plots.YLabel("logit"))
	if err := c.Figure("cnn/logits-bars", bars,
		fmt.Sprintf("Bar chart of the 10 logits of the demo digit; the largest, "+
			"for digit %d, is highlighted", t.Label),
		"The logits of the demo digit."); err != nil {
		return err
	}
	if err := c.Tensor("cnn/logits", t.Logits, notebook.NoImage(),
		notebook.Labels(digitNames(), nil), notebook.Format("%.3f")); err != nil {
		return err
	}

	f2, side := m.Config.Filters2, cnn.Side/4
	evidence := tensor.New(f2, side, side) // weight × value for the winning digit
	logit := float64(m.FCB.At(t.Label))
	for i, v := range t.Flatten.Data {
		evidence.Data[i] = m.FCW.At(t.Label, i) * v
		logit += float64(evidence.Data[i])
	}
	c.Printf("logit of %d by hand: bias %.3f + %d products = %.4f\n",
		t.Label, m.FCB.At(t.Label), t.Flatten.Len(), logit)
	c.Printf("the model's: %.4f\n", t.Logits.At(t.Label))
	tiles := plots.Tiles(evidence, plots.Signed(), plots.ScaleLabel("weight × value"),
		plots.Captions(numbered("filter", f2)...), plots.Columns(8))
	if err := c.Figure("cnn/logit-evidence", tiles,
		fmt.Sprintf("For each conv2 filter, a 7x7 map of weight times value: "+
			"what each input adds to the logit of %d", t.Label),
		fmt.Sprintf("Weight × value for the logit of %d, in the layout of pool2.", t.Label)); err != nil {
		return err
	}
	groups := plots.Bars(numbered("", f2), tileSums(evidence), plots.XLabel("filter of conv2"),
		plots.YLabel(fmt.Sprintf("adds to the logit of %d", t.Label)))
	if err := c.Figure("cnn/logit-by-filter", groups,
		fmt.Sprintf("Bar chart: how much the values of each conv2 filter's map "+
			"add to the logit of %d", t.Label),
		"Each bar: one tile above, summed. The bars plus the bias make the logit."); err != nil {
		return err
	}

	d5, window, err := untrainedD5(c)
	if err != nil {
		return err
	}
	c.Table(notebook.Table{
		Caption: "The classifier's input and output: this run's numbers and the seed's",
		Header:  []string{"", "D4", "D5", "the seed"},
		Rows: [][]string{
			{"numbers it reads", fmt.Sprint(t.Flatten.Len()), fmt.Sprint(d5.Config.DModel),
				"784 (D4); 12288 (TF)"},
			{"from positions", fmt.Sprintf("all %d of %dx%d", side*side, side, side),
				fmt.Sprintf("the last of %d", len(window)), "1/16 of the pixels; the last token"},
			{"classes", fmt.Sprint(cnn.Classes), fmt.Sprint(d5.Vocab.Size()), "10; 50K"},
		},
	})
	return nil
}

// logitsD5 are the transformer's sections of this chapter, in reading order.
var logitsD5 = []notebook.Section{
	{ID: "2.4-D5", Title: "D5: W_unembed at every position", Run: unembedAll},
	{ID: "2.4-D5-one", Title: "D5: the seed's demo, one character", Run: oneToken},
	{ID: "2.4-D5-window", Title: "D5: the last position of a full window", Run: lastPosition},
}

// The last step of D5 is the seed's "W_unembed": a final LayerNorm
// (ln_final) and then one linear map with a bias, logits = x W_U + b_U,
// from d_model numbers to one score per character of the vocabulary. It
// runs at every position of the window at once, each row giving scores
// for the character that should come next after that position. Training
// uses every row; generation reads only the last.
//
// The logits heatmap has one row per position and one column per
// character; the table below it lists each row's best-scored character
// next to the character that really follows in the text.
func unembedAll(c *notebook.Cell) error {
	v, err := d5Window(c)
	if err != nil {
		return err
	}
	m, tr := v.M, v.Trace
	if err := showVectors(c, m, "tf/", []string{"ln_final.w", "ln_final.b",
		"unembed.b_U"}); err != nil {
		return err
	}
	if err := showActivation(c, v, "tf/", "ln_final.hook_normalized"); err != nil {
		return err
	}
	chars := vocabLabels(m.Vocab)
	if err := showTensor(c, "tf/unembed.W_U", weight(m, "unembed.W_U"), heat{X: chars, Signed: true,
		Title: "unembed.W_U (d_model, d_vocab)", Scale: "weight", XLabel: "next character",
		YLabel: "dimension"}); err != nil {
		return err
	}
	logits := tr.Get("logits") // (pos, d_vocab)
	if err := showTensor(c, "tf/logits", logits, heat{X: chars, Y: v.Labels, Signed: true,
		Notes: len(chars) <= 12,
		Title: "logits (pos, d_vocab)", Scale: "logit", XLabel: "next character",
		YLabel: "position (its character)"}); err != nil {
		return err
	}
	T := len(v.Tokens)
	c.Printf("logit of %q at the last position: the model says %.5f, x W_U + b_U by hand gives %.5f\n",
		m.Vocab.Runes[0], logits.At(T-1, 0), logitByHand(m, tr, T-1, 0))
	c.Table(nextCharTable(c, v))
	return nil
}

// The seed's own demo gives D5 the single character "h". With a window of
// one position, attention has exactly one key to look at, so its pattern
// is the 1x1 matrix [1]: attention can only hand the position a
// transformed copy of its own value, and there is no context to share.
// The bars are the logits of that one position; the highlighted bar is
// the largest.
func oneToken(c *notebook.Cell) error {
	m, err := d5(c)
	if err != nil {
		return err
	}
	prompt, err := promptIDs(c, m)
	if err != nil {
		return err
	}
	tr := m.Forward(prompt[:1])
	pattern := tr.Get("blocks.0.attn.hook_pattern") // (n_heads, 1, 1)
	c.Printf("window %q: attention pattern %v (one head per entry)\n",
		m.Vocab.Decode(prompt[:1]), pattern.Data)
	logits := lastRow(tr.Get("logits"))
	best := argmaxOf(logits)
	c.Printf("largest logit %.2f for %q\n", logits[best], m.Vocab.Runes[best])
	fig := charBars(m.Vocab, logits, best, "logits after "+quoted(m.Vocab.Decode(prompt[:1])),
		"logit", "%.1f")
	return c.Figure("tf/logits-one-token", fig,
		fmt.Sprintf("Bar chart of the %d logits after the single character %q; the bar of %q is highlighted as the largest.",
			m.Vocab.Size(), m.Vocab.Runes[prompt[0]], m.Vocab.Runes[best]), "Space is written _.")
}

// The same read-out at the last position of a full window: all tf.block
// characters of the start of the text. The last position has attended to
// every character of the window, and its row of logits is the model's
// guess of the character that comes after the window.
func lastPosition(c *notebook.Cell) error {
	v, err := d5Window(c)
	if err != nil {
		return err
	}
	m := v.M
	logits := lastRow(v.Trace.Get("logits"))
	best := argmaxOf(logits)
	c.Printf("window %q -> largest logit %.2f for %q\n", string(v.Window), logits[best],
		m.Vocab.Runes[best])
	if next, ok := charAfterWindow(c, len(v.Window)); ok {
		c.Printf("the text continues with %q\n", next)
	}
	fig := charBars(m.Vocab, logits, best, "logits after "+quoted(string(v.Window)), "logit",
		"%.1f")
	return c.Figure("tf/logits-last-position", fig,
		fmt.Sprintf("Bar chart of the %d logits at the last position of the window %q; the bar of %q is highlighted as the largest.",
			m.Vocab.Size(), string(v.Window), m.Vocab.Runes[best]), "Space is written _.")
}
