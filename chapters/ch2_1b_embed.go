package chapters

import (
	"fmt"
	"math"

	"tinynets/pkg/notebook"
	"tinynets/pkg/plots"
	"tinynets/pkg/tensor"
	"tinynets/pkg/tf"
)

// chapterEmbed follows the seed's heading "2.1b Convert input (D5 only)".
//
// A token id is a name, not a quantity: id 3 is not "more" than id 2. So
// before any arithmetic the transformer swaps each id for a row of learned
// numbers, its embedding, and adds a second learned row that says where in
// the window the character sits. The CNN needs no such step, because a
// pixel's grey level is already a quantity.
//
// The seed says the embedding holds 8 numbers per token in one place and
// 16 in another (its diagram, and the FFN's "16 inputs"). Both are
// possible sizes, set by tf.dmodel; this book's default model uses 16, and
// the last section of this chapter trains the other size and compares.
var chapterEmbed = notebook.Chapter{
	ID:    "2.1b",
	Title: "Convert input: embedding",
	Seed:  "2.1b Convert input (D5 only)",
	File:  "ch2_1b_embed.go",
	Intro: "chapterEmbed",
	Sections: []notebook.Section{
		{ID: "2.1b-D5", Title: "D5: the embedding row of a character", Run: embedRow},
		{ID: "2.1b-D5-pos", Title: "D5: where a character sits", Run: embedPositions},
		{ID: "2.1b-D5-dims", Title: "D5: 8 numbers per token or 16?", Run: embedDims},
	},
}

// The embedding is a table, embed.W_E, with one row per character of the
// vocabulary and tf.dmodel columns. Converting a character is a lookup:
// its token id picks a row. Nothing is computed from the byte 0x68; the
// numbers in the row were set by training, starting from random values.
//
// The drawing shows the whole table. If the seed's "meaning of h" is
// anywhere, it is in how the rows relate: two characters with rows that
// point the same way are treated alike by everything that follows. The
// second figure measures that, as the cosine of the angle between every
// pair of rows (1: the same direction, 0: unrelated, -1: opposite). A
// model that learned only "hello world" has little reason to make any
// two rows alike; a longer text (tf.textfile) gives it more.
func embedRow(c *notebook.Cell) error {
	v, err := d5Window(c)
	if err != nil {
		return err
	}
	m := v.M
	prompt, err := promptIDs(c, m)
	if err != nil {
		return err
	}
	WE := weight(m, "embed.W_E") // (d_vocab, d_model)
	id, D := prompt[0], m.Config.DModel
	c.Printf("%q is token %d; its embedding is row %d of embed.W_E, %d numbers:\n",
		m.Vocab.Runes[id], id, id, D)
	c.Printf("  [%s]\n", formatRow("%.3f", row(WE, id)))
	if err := showTensor(c, "tf/embed.W_E", WE, heat{X: indexLabels(D), Y: vocabLabels(m.Vocab), Signed: true,
		Title: "embed.W_E (d_vocab, d_model)", Scale: "weight", XLabel: "dimension",
		Grid:    m.Vocab.Size() <= 16,
		Caption: "One row per character of the vocabulary (space is written _), one column per dimension."}); err != nil {
		return err
	}

	cos := cosineRows(WE) // (d_vocab, d_vocab)
	labels := vocabLabels(m.Vocab)
	fig := plots.Heatmap(cos, append(annotateSmall(len(labels), "%.2f"), plots.Signed(),
		plots.Range(-1, 1),
		plots.XTicks(labels...), plots.YTicks(labels...),
		plots.Title("cosine similarity of embedding rows"), plots.ScaleLabel("cosine"))...)
	if err := c.Figure("tf/embed-cosine", fig,
		"Heatmap of the cosine similarity between every pair of rows of the embedding table; the diagonal is 1.",
		"Space is written _ on the axes."); err != nil {
		return err
	}
	other, sim := nearestRow(cos, id)
	c.Printf("the row most like %q's is %q's (cosine %.2f)\n", m.Vocab.Runes[id],
		m.Vocab.Runes[other], sim)
	return nil
}

// A lookup alone would give the same numbers to both "l"s of "hello", and
// attention, which comes next, weighs its inputs by their content, not by
// where they stand. So a second table, pos_embed.W_pos, holds one learned row per position of
// the window (tf.block rows), and the row of a character's position is
// added to its embedding. The sum, blocks.0.hook_resid_pre, is what the
// first block reads: the start of the residual stream that every later
// layer adds to.
//
// These positions are absolute: row 0 is for whatever character is first
// in the window. That detail matters in chapter 2.6, when the window
// slides along the text and every character changes position.
func embedPositions(c *notebook.Cell) error {
	v, err := d5Window(c)
	if err != nil {
		return err
	}
	m, tr := v.M, v.Trace
	posLabels := make([]string, m.Config.Block)
	for i := range posLabels {
		posLabels[i] = fmt.Sprint(i)
	}
	if err := showTensor(c, "tf/pos_embed.W_pos", weight(m, "pos_embed.W_pos"),
		heat{Y: posLabels, Signed: true,
			Title: "pos_embed.W_pos (n_ctx, d_model)", Scale: "weight", XLabel: "dimension",
			YLabel: "position", Caption: "One row per position of the window."}); err != nil {
		return err
	}
	for _, name := range []string{"hook_embed", "hook_pos_embed", "blocks.0.hook_resid_pre"} {
		rows := v.Labels // one row per character of the window
		if name == "hook_pos_embed" {
			rows = posLabels[:len(v.Tokens)] // the rows of W_pos do not depend on the characters
		}
		if err := showTensor(c, "tf/"+name, tr.Get(name), heat{Y: rows, Signed: true,
			Title: name + " (pos, d_model)", XLabel: "dimension",
			Caption: "The window " + quoted(string(v.Window)) + ", one row per position."}); err != nil {
			return err
		}
	}
	sum := addRows(tr.Get("hook_embed"), tr.Get("hook_pos_embed"))
	c.Printf("hook_resid_pre - (hook_embed + hook_pos_embed): largest difference %.2g\n",
		maxAbsDiff(f64(tr.Get("blocks.0.hook_resid_pre").Data), sum))

	if i, j, ok := repeatedChar(v.Window); ok {
		e, r := tr.Get("hook_embed"), tr.Get("blocks.0.hook_resid_pre")
		c.Printf("%q is at positions %d and %d: embeddings differ by %.2g, after adding positions by %.3f\n",
			v.Window[i], i, j, maxAbsDiff(row(e, i), row(e, j)), maxAbsDiff(row(r, i), row(r, j)))
	}
	return nil
}

// The seed gives two sizes for a token's row: "8 dims" in its text and 16
// in its diagram and in the FFN's "16 inputs". Here both are trained on
// the same text with the same steps and seed, differing only in d_model
// (and hence in every weight matrix's size), and compared by their final
// loss and by what they write from the prompt.
//
// The 8-number model's tensors carry the prefix "tf8/" (or, if this build
// already uses 8, the 16-number one is trained under "tf16/").
func embedDims(c *notebook.Cell) error {
	base, err := d5(c)
	if err != nil {
		return err
	}
	text, err := trainingText(c)
	if err != nil {
		return err
	}
	size, prefix := 8, "tf8/"
	if base.Config.DModel == 8 {
		size, prefix = 16, "tf16/"
	}
	other, err := trainTF(c, prefix, withDModel(tfConfig(c), size), text)
	if err != nil {
		return err
	}
	if other.Config.Heads != base.Config.Heads {
		c.Printf("tf.heads=%d does not divide %d, so the %d-number model has %d head(s)\n",
			base.Config.Heads, size, size, other.Config.Heads)
	}
	prompt, err := promptIDs(c, base)
	if err != nil {
		return err
	}
	n := len([]rune(text))
	t := notebook.Table{Caption: "Same text, steps and seed; only d_model differs",
		Header: []string{"d_model", "parameters", "final loss", "greedy text from the prompt",
			"matches the text for"}}
	for _, m := range []*tf.Model{base, other} {
		gen := greedyText(m, prompt, n)
		t.Rows = append(t.Rows, []string{fmt.Sprint(m.Config.DModel), fmt.Sprint(m.NumParams()),
			fmt.Sprintf("%.4f", m.FinalLoss), quoted(clip(gen, 80)),
			fmt.Sprintf("%d of %d characters", commonPrefix(gen, text), n)})
	}
	c.Table(t)
	fig := plots.Lines([]plots.Series{
		{Name: fmt.Sprintf("d_model %d", base.Config.DModel), Y: lossY(base)},
		{Name: fmt.Sprintf("d_model %d", other.Config.DModel), Y: lossY(other)},
	}, plots.LogY(), plots.Title("training loss"), plots.XLabel("Adam step"),
		plots.YLabel("cross-entropy"))
	if err := c.Figure("tf/embed-dims-loss", fig,
		"Training loss per Adam step of the two models, log scale, one line per d_model.",
		""); err != nil {
		return err
	}
	return showTensor(c, prefix+"embed.W_E", weight(other, "embed.W_E"),
		heat{Y: vocabLabels(other.Vocab), Signed: true,
			Title: prefix + "embed.W_E", Scale: "weight", XLabel: "dimension",
			Caption: fmt.Sprintf("The %d-number model's embedding table.", size)})
}

// cosineRows returns the cosine similarity of every pair of rows of a
// (n, d) tensor, (n, n).
func cosineRows(w *tensor.Tensor) *tensor.Tensor {
	n := w.Shape[0]
	out := tensor.New(n, n)
	for i := range n {
		for j := range n {
			a, b := row(w, i), row(w, j)
			var ab, aa, bb float64
			for k := range a {
				ab += a[k] * b[k]
				aa += a[k] * a[k]
				bb += b[k] * b[k]
			}
			out.Set(float32(ab/math.Sqrt(aa*bb)), i, j)
		}
	}
	return out
}

// nearestRow returns the row of a cosine matrix most like row i, besides i.
func nearestRow(cos *tensor.Tensor, i int) (int, float64) {
	best, sim := -1, math.Inf(-1)
	for j := range cos.Shape[0] {
		if j != i && float64(cos.At(i, j)) > sim {
			best, sim = j, float64(cos.At(i, j))
		}
	}
	return best, sim
}

// addRows returns a + b elementwise, as float64.
func addRows(a, b *tensor.Tensor) []float64 {
	out := f64(a.Data)
	for i, v := range b.Data {
		out[i] += float64(v)
	}
	return out
}

// repeatedChar finds the first character that occurs twice in w.
func repeatedChar(w []rune) (i, j int, ok bool) {
	for j := range w {
		for i := range j {
			if w[i] == w[j] {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// annotateSmall writes values into the cells of a grid of n columns if
// it is small enough to read them, and leaves bigger ones plain.
func annotateSmall(n int, format string) []plots.Option {
	if n <= 12 {
		return []plots.Option{plots.Annotate(format)}
	}
	return nil
}
