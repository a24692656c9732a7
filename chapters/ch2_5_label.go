package chapters

import (
	"fmt"
	"math"
	"slices"

	"tinynets/pkg/cnn"
	"tinynets/pkg/notebook"
	"tinynets/pkg/plots"
	"tinynets/pkg/tensor"
	"tinynets/pkg/tf"
)

// chapterLabel follows the seed's heading "2.5 Select label".
//
// Scores become an answer: softmax turns the logits into probabilities and
// the largest one is the label, "7" for the digit and "e" after "h". The
// same step, a choice among a fixed list of classes, ends both networks;
// this is the sense in which the transformer's next token is a
// classification.
var chapterLabel = notebook.Chapter{
	ID:       "2.5",
	Title:    "Select label",
	Seed:     "2.5 Select label",
	File:     "ch2_5_label.go",
	Intro:    "chapterLabel",
	Sections: slices.Concat(labelD4, labelD5),
}

// labelD4 are the CNN's sections of this chapter, in reading order.
var labelD4 = []notebook.Section{
	{ID: "2.5-D4", Title: "D4: softmax and the label", Run: labelOfDigit},
	{ID: "2.5-D4-test", Title: "D4: every test image", Run: testSetD4},
	{ID: "2.5-D4-mistakes", Title: "D4: the digits it gets wrong", Run: mistakesD4},
}

// Softmax turns the ten logits into probabilities: it raises e to each
// logit and divides by the sum, so every probability is positive and they
// add up to 1, in the same order as the logits. The label is the digit
// with the largest one; no probability is needed to pick it (the largest
// logit wins anyway), but the probability says how sure the network is.
//
// The code recomputes softmax from the logits by hand and compares it with
// the model's.
func labelOfDigit(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	t := m.Forward(data.Test.Image(0))
	if err := c.Tensor("cnn/probs", t.Probs, notebook.NoImage(),
		notebook.Labels(digitNames(), nil), notebook.Format("%.4f"),
		notebook.Caption("softmax of the logits: the probability of each digit.")); err != nil {
		return err
	}
	top := float64(t.Logits.At(t.Label))
	total := 0.0
	for _, l := range t.Logits.Data {
		total += math.Exp(float64(l) - top) // minus the largest: exp cannot overflow
	}
	worst := 0.0
	for d, l := range t.Logits.Data {
		p := math.Exp(float64(l)-top) / total
		worst = max(worst, math.Abs(p-float64(t.Probs.At(d))))
	}
	c.Printf("softmax by hand differs from the model's by at most %.2g\n", worst)
	c.Printf("the largest probability is %.6f, for digit %d\n", t.Probs.At(t.Label), t.Label)
	c.Printf("the label: %q; MNIST's label for this image: %d\n",
		fmt.Sprint(t.Label), data.Test.Labels[0])
	return nil
}

// One digit proves little. The network now labels all 10,000 test images,
// which it never trained on, and the confusion matrix counts, for every
// true digit (row), what the network said (column). The diagonal holds
// the right answers; every other cell is a kind of mistake.
func testSetD4(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	test := data.Test
	said := m.Predict(test) // one digit per test image
	counts := make([][]int, cnn.Classes)
	for d := range counts {
		counts[d] = make([]int, cnn.Classes)
	}
	right := 0
	for i, p := range said {
		counts[test.Labels[i]][p]++
		if p == int(test.Labels[i]) {
			right++
		}
	}
	c.Printf("test accuracy: %d of %d images right, %.2f%%\n",
		right, test.N, 100*float64(right)/float64(test.N))
	trueDigit, wrong := commonestMistake(counts)
	c.Printf("the commonest mistake: a %d read as %d, %d times\n",
		trueDigit, wrong, counts[trueDigit][wrong])
	return c.Figure("cnn/confusion", plots.Confusion(digitNames(), counts),
		"Confusion matrix of D4 over the 10,000 MNIST test images: "+
			"true digit by row, predicted digit by column, with counts",
		"Rows: the true digit. Columns: what D4 said.")
}

// The first mistakes of the test set, in file order, with the true label
// and what the network said. Judge for yourself which of them a person
// would also misread, and which ones only show the limits of a network of
// 9,098 numbers (by default).
func mistakesD4(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	test := data.Test
	said := m.Predict(test)
	var shown []int // indexes of the first 16 mistakes
	for i, p := range said {
		if p != int(test.Labels[i]) && len(shown) < 16 {
			shown = append(shown, i)
		}
	}
	if len(shown) == 0 {
		c.Printf("no test image is misclassified\n")
		return nil
	}
	gallery := tensor.New(len(shown), cnn.Side, cnn.Side)
	captions := make([]string, len(shown))
	for j, i := range shown {
		copy(gallery.Slice(j).Data, test.Image(i))
		captions[j] = fmt.Sprintf("true %d → said %d", test.Labels[i], said[i])
	}
	c.Printf("test images shown: %v\n", shown)
	fig := plots.Tiles(gallery, plots.Greyscale(), plots.Captions(captions...), plots.Columns(4))
	return c.Figure("cnn/mistakes", fig,
		fmt.Sprintf("The first %d misclassified MNIST test digits, each captioned "+
			"with its true label and D4's answer", len(shown)),
		"The first misclassified test digits, in file order.")
}

// labelD5 are the transformer's sections of this chapter, in reading order.
var labelD5 = []notebook.Section{
	{ID: "2.5-D5", Title: "D5: probabilities and the label", Run: probsAndLabel},
	{ID: "2.5-D5-sampling", Title: "D5: greedy, temperature and top-k", Run: samplers},
}

// Softmax turns each row of logits into probabilities: p_j = exp(l_j) /
// Σ_k exp(l_k). They are positive and add up to 1, and the order of the
// characters stays the order of their logits, so the label, the most
// probable next character, is the argmax of either. The heatmap is
// tf/probs for the whole window; the bars are the probabilities after the
// first character of the prompt alone, the seed's demo.
func probsAndLabel(c *notebook.Cell) error {
	v, err := d5Window(c)
	if err != nil {
		return err
	}
	m := v.M
	probs := v.Trace.Get("probs") // (pos, d_vocab)
	if err := showTensor(c, "tf/probs", probs, heat{X: vocabLabels(m.Vocab), Y: v.Labels,
		Notes: m.Vocab.Size() <= 12, Unit: true,
		Title: "probs (pos, d_vocab)", Scale: "probability", XLabel: "next character",
		YLabel: "position (its character)"}); err != nil {
		return err
	}
	c.Printf("probs - softmax(logits) over the window: largest difference %.2g\n",
		maxAbsDiff(f64(probs.Data), softmaxRows(v.Trace.Get("logits"))))

	prompt, err := promptIDs(c, m)
	if err != nil {
		return err
	}
	p := lastRow(m.Forward(prompt[:1]).Get("probs"))
	best := argmaxOf(p)
	c.Printf("after %q the label is %q, with probability %.4f\n", m.Vocab.Runes[prompt[0]],
		m.Vocab.Runes[best], p[best])
	fig := charBars(m.Vocab, p, best, "probabilities after "+quoted(m.Vocab.Decode(prompt[:1])),
		"probability", "%.2f")
	return c.Figure("tf/probs-one-token", fig,
		fmt.Sprintf("Bar chart of the probability of each next character after %q; %q is highlighted as the most probable.",
			m.Vocab.Runes[prompt[0]], m.Vocab.Runes[best]), "Space is written _.")
}

// Taking the argmax (greedy decoding) always picks the same character. A
// sampler draws the next character at random instead, from a reshaped
// distribution: dividing the logits by a temperature below 1 sharpens it,
// above 1 flattens it, and top-k keeps only the k most likely characters
// and renormalises. The table shows, for the first step from the prompt,
// the distribution each way of choosing draws from; below it, the text
// each one writes. The draws are seeded (with tf.seed), so the book shows
// the same samples on every build.
func samplers(c *notebook.Cell) error {
	m, err := d5(c)
	if err != nil {
		return err
	}
	text, err := trainingText(c)
	if err != nil {
		return err
	}
	prompt, err := promptIDs(c, m)
	if err != nil {
		return err
	}
	temp, k, seed := tfTemperature.Get(c), tfTopK.Get(c), uint64(tfSeed.Get(c))
	ways := []namedSampler{
		{"greedy", tf.Sampler{}},
		{fmt.Sprintf("temperature %g", temp), tf.Sampler{Temperature: temp, Seed: seed}},
		{fmt.Sprintf("temperature %g, top-%d", temp, k), tf.Sampler{Temperature: temp, TopK: k,
			Seed: seed}},
	}
	c.Table(samplerTable(m, prompt, ways))
	n := len([]rune(text))
	t := notebook.Table{Caption: fmt.Sprintf("What each way writes from the prompt, %d characters in all", n),
		Header: []string{"way of choosing", "text", "matches the training text for"}}
	for _, w := range ways {
		gen := m.Text(prompt, m.Generate(prompt, max(0, n-len(prompt)), w.S))
		t.Rows = append(t.Rows, []string{w.Name, quoted(clip(gen, 120)),
			fmt.Sprintf("%d of %d characters", commonPrefix(gen, text), n)})
	}
	c.Table(t)
	return nil
}
