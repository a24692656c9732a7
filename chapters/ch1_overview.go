package chapters

import (
	"fmt"

	"tinynets/pkg/cnn"
	"tinynets/pkg/diagram"
	"tinynets/pkg/notebook"
	"tinynets/pkg/plots"
	"tinynets/pkg/tf"
)

// chapterOverview follows the seed's heading "1 CNN/TF algorithms –
// overview".
//
// The seed's central picture puts the tiny CNN (D4) and the tiny
// transformer (D5) side by side and pairs their parts by the job each
// does, not by the operation it uses. Both start from numbers (pixels,
// token ids). Both then alternate two jobs, which the seed calls context
// sharing (each position takes in information from others: a convolution
// in D4, attention in D5) and storyline computation (a non-linear step
// that builds features: ReLU and pooling in D4, the feed-forward network
// in D5). Both end with one score per class, the logits, and pick the
// best. Only D5 then feeds its answer back in and goes round again.
//
// This chapter draws that picture from the two models' configurations,
// fills the same map from the models as they run, and checks the seed's
// boldest simplification on the spot: that the transformer's next-token
// step is a classification, just as the CNN's digit is.
var chapterOverview = notebook.Chapter{
	ID:    "1",
	Title: "Overview: the same jobs, side by side",
	Seed:  "1 CNN/TF algorithms – overview",
	File:  "ch1_overview.go",
	Intro: "chapterOverview",
	Sections: []notebook.Section{
		{ID: "1-map", Title: "D4 and D5, job by job", Run: overviewMap},
		{ID: "1-roles", Title: "The map, filled from the running models", Run: overviewRoles},
		{ID: "1-classifier", Title: "The next token is a classification", Run: overviewClassifier},
	},
}

// The seed's diagram, redrawn from this build's configurations: D4 on the
// left, D5 on the right, one band for each job. Every box gives the
// operation, the weights it holds and the shape of what it outputs for
// one input. Change a parameter (say `-set cnn.filters1=4` or
// `-set tf.layers=2`) and the drawing follows.
//
// Where a network has nothing for a job, the band says so. D4 has no
// embedding, because a pixel's grey level is already a number with a
// meaning. D5 has no second layer by default. And D4 has no loop: it
// answers once.
func overviewMap(c *notebook.Cell) error {
	m5, err := d5(c)
	if err != nil {
		return err
	}
	svg := diagram.Overview(cnnConfig(c), m5.Config, m5.Vocab.Size())
	return c.File("d4-d5-overview", ".svg", svg,
		"Two columns of boxes: D4's stages on the left, D5's on the right, in bands "+
			"for each job from input to the autoregressive loop, each with its output shape.",
		"D4 (left) and D5 (right), job by job, drawn from this build's configurations.")
}

// The same map as a table, but filled from the models themselves: D4
// reads test image 0, D5 reads the first window of its training text, and
// every shape below is the shape of a tensor that forward pass really
// produced (the drawing above computes its shapes from the configuration;
// the two agree). The last rows show what each network actually answered.
func overviewRoles(c *notebook.Cell) error {
	m4, data, err := d4(c)
	if err != nil {
		return err
	}
	m5, err := d5(c)
	if err != nil {
		return err
	}
	window, err := mechWindow(c, m5)
	if err != nil {
		return err
	}
	t4 := m4.Forward(data.Test.Image(0))
	t5 := m5.Forward(window)
	c.Table(overviewRoleTable(m4.Config, t4, m5, t5, window))
	return nil
}

// The seed says a transformer is, in the end, mainly a classifier: its
// predicted token is a class, picked from the vocabulary the way a digit
// is picked from ten. Here are both decisions as they happen: first the
// logits D4 gives the ten digits for test image 0, then the logits D5
// gives each character of its vocabulary to follow the prompt
// `tf.prompt`. In both the largest logit wins (highlighted); a softmax
// turns the logits into probabilities without changing their order (the
// table under each chart). Both
// networks were trained the same way, by cross-entropy against the right
// class. What differs is what happens next: D4 stops, D5 appends its
// answer and classifies again (chapter 2.6).
func overviewClassifier(c *notebook.Cell) error {
	m4, data, err := d4(c)
	if err != nil {
		return err
	}
	tr := m4.Forward(data.Test.Image(0))
	digits := overviewDigitLabels()
	fig4 := overviewBars("D4: which digit?", "digit",
		digits, tr.Logits.Data, tr.Label)
	if err := c.Figure("d4-logits", fig4,
		"Bar chart of D4's ten logits for test image 0, the largest highlighted.",
		"D4: one logit per digit."); err != nil {
		return err
	}
	c.Table(overviewSoftmaxTable("D4's softmax", digits, tr.Logits.Data, tr.Probs.Data))
	c.Printf("D4: test image 0 (label %d) is classified as %d\n", data.Test.Labels[0], tr.Label)

	m5, err := d5(c)
	if err != nil {
		return err
	}
	prompt, err := m5.Vocab.Encode(tfPrompt.Get(c), "tf.prompt")
	if err != nil {
		return err
	}
	step := m5.Generate(prompt, 1, tf.Sampler{})[0] // temperature 0: greedy
	chars := overviewCharLabels(m5.Vocab.Runes)
	fig5 := overviewBars("D5: which character next?", "next character",
		chars, step.Logits, step.Token)
	if err := c.Figure("d5-logits", fig5,
		"Bar chart of D5's logits for each character of its vocabulary "+
			"to follow the prompt, the largest highlighted.",
		"D5: one logit per character of the vocabulary."); err != nil {
		return err
	}
	c.Table(overviewSoftmaxTable("D5's softmax", chars, step.Logits, step.Probs))
	next := string(m5.Vocab.Runes[step.Token])
	c.Markdownf("D5: the prompt %s is classified as followed by %s, probability %.3f.",
		notebook.Escape(tfPrompt.Get(c)), notebook.Escape(next), step.Prob)
	return nil
}

// overviewBars draws one logit per class, the chosen class highlighted.
func overviewBars[F float32 | float64](title, axis string, classes []string, logits []F, pick int) *plots.Figure {
	values := make([]float64, len(logits))
	for i, v := range logits {
		values[i] = float64(v)
	}
	return plots.Bars(classes, values, plots.Title(fmt.Sprintf("%s (%d classes)", title, len(classes))),
		plots.XLabel(axis), plots.YLabel("logit"), plots.Highlight(pick), plots.Annotate("%.1f"))
}

// overviewSoftmaxTable lists each class's logit and its softmax
// probability.
func overviewSoftmaxTable[F float32 | float64](caption string, classes []string, logits, probs []F) notebook.Table {
	t := notebook.Table{Caption: caption, Header: append([]string{""}, classes...)}
	lrow, prow := []string{"logit"}, []string{"probability"}
	for i := range classes {
		lrow = append(lrow, fmt.Sprintf("%.2f", logits[i]))
		prow = append(prow, fmt.Sprintf("%.3g", probs[i]))
	}
	t.Rows = [][]string{lrow, prow}
	return t
}

func overviewDigitLabels() []string {
	out := make([]string, cnn.Classes)
	for i := range out {
		out[i] = fmt.Sprint(i)
	}
	return out
}

// overviewCharLabels names characters for axis labels; a space or other
// invisible character is shown by a visible stand-in.
func overviewCharLabels(runes []rune) []string {
	out := make([]string, len(runes))
	for i, r := range runes {
		out[i] = overviewCharLabel(r)
	}
	return out
}

func overviewCharLabel(r rune) string {
	switch {
	case r == ' ':
		return "space"
	case r == '\n':
		return "newline"
	case r < ' ' || r == 0x7f:
		return fmt.Sprintf("U+%04X", r)
	}
	return string(r)
}

// overviewRoleTable is the seed's map filled from one forward pass of
// each model: D4's trace t4 and D5's trace t5 of window.
func overviewRoleTable(cfg4 cnn.Config, t4 *cnn.Trace, m5 *tf.Model, t5 *tf.Trace, window []int) notebook.Table {
	shape := diagram.ShapeText
	t := notebook.Table{
		Caption: "Each job, the operation that does it and the shape it outputs, from this build's forward passes",
		Header:  []string{"job", "seed", "D4 operation", "D4 output", "D5 operation", "D5 output"},
	}
	add := func(row ...string) { t.Rows = append(t.Rows, row) }
	add("input", "2.1", "image, grey levels", shape(t4.Input.Shape), "token ids", shape([]int{len(window)}))
	add("embed", "2.1b", "none", "", "W_E[token] + W_pos[position]", shape(t5.Get("hook_embed").Shape))
	layers := m5.Config.Layers
	for l := range max(2, layers) {
		row1 := []string{fmt.Sprintf("layer %d context sharing", l+1), fmt.Sprintf("2.%d.1", l+2)}
		row3 := []string{fmt.Sprintf("layer %d storyline", l+1), fmt.Sprintf("2.%d.3", l+2)}
		switch l {
		case 0:
			row1 = append(row1, fmt.Sprintf("conv %d×%d, %d filters", cfg4.Kernel, cfg4.Kernel, cfg4.Filters1), shape(t4.Conv1.Shape))
			row3 = append(row3, "ReLU, 2×2 max pool", shape(t4.Pool1.Shape))
		case 1:
			row1 = append(row1, fmt.Sprintf("conv %d×%d, %d filters", cfg4.Kernel, cfg4.Kernel, cfg4.Filters2), shape(t4.Conv2.Shape))
			row3 = append(row3, "ReLU, 2×2 max pool", shape(t4.Pool2.Shape))
		default:
			row1 = append(row1, "none (D4 has two layers)", "")
			row3 = append(row3, "none", "")
		}
		if l < layers {
			b := fmt.Sprintf("blocks.%d.", l)
			row1 = append(row1, "attention, pattern "+shape(t5.Get(b+"attn.hook_pattern").Shape),
				shape(t5.Get(b+"hook_attn_out").Shape)+", added to the stream")
			row3 = append(row3, "FFN, GELU hidden "+shape(t5.Get(b+"mlp.hook_post").Shape),
				shape(t5.Get(b+"hook_mlp_out").Shape)+", added to the stream")
		} else {
			blocks := "one block"
			if layers > 1 {
				blocks = fmt.Sprintf("%d blocks", layers)
			}
			row1 = append(row1, "none (this D5 has "+blocks+")", "")
			row3 = append(row3, "none", "")
		}
		add(row1...)
		add(row3...)
	}
	add("logits", "2.4", "flatten "+shape(t4.Flatten.Shape)+", fully connected", shape(t4.Logits.Shape),
		"unembed, every position", shape(t5.Get("logits").Shape))
	v := m5.Vocab.Size()
	last := t5.Get("probs").Data[(len(window)-1)*v:]
	next := 0
	for i, p := range last {
		if p > last[next] {
			next = i
		}
	}
	add("select label", "2.5", "argmax of 10", fmt.Sprintf("the digit %d", t4.Label),
		fmt.Sprintf("argmax of %d, last position", v), fmt.Sprintf("the character %q", m5.Vocab.Runes[next]))
	add("autoregressive", "2.6", "none", "", "append, slide the window", shape([]int{min(len(window)+1, m5.Config.Block)}))
	return t
}
