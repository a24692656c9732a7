package chapters

import (
	"fmt"
	"math"
	"strconv"

	"tinynets/pkg/charcnn"
	"tinynets/pkg/life"
	"tinynets/pkg/notebook"
	"tinynets/pkg/plots"
	"tinynets/pkg/tensor"
	"tinynets/pkg/tf"
)

// chapterGenerators follows the seed's heading "3 CNNs could be turned
// into generators".
//
// The seed ends with a claim: the one big difference between the two
// networks is that the transformer runs an autoregressive loop and the CNN
// does not, but a CNN could. Feed its output back in as its next input and
// it stops being a classifier of one static input and becomes a system
// that evolves over time.
//
// This chapter builds two such CNNs and trains them for real. The first
// writes text: a causal, dilated one-dimensional convolution over
// characters, trained on the same text as D5 and run in the same loop,
// so the two can be compared number for number. The second is the seed's
// own example, image in, next image out: a small convolutional network
// learns one step of Conway's Game of Life on a torus and then runs on
// its own output, generation after generation, checked against the true
// rule at every step. Its learned kernels show what the seed calls the
// architecture hosting an algorithm.
var chapterGenerators = notebook.Chapter{
	ID:    "3",
	Title: "CNNs turned into generators",
	Seed:  "3 CNNs could be turned into generators",
	File:  "ch3_generators.go",
	Intro: "chapterGenerators",
	Sections: []notebook.Section{
		{ID: "3-text-train", Title: "A CNN that writes: trained on D5's text", Run: genTextTrain},
		{ID: "3-text-generate", Title: "The same prompt, the same loop", Run: genTextGenerate},
		{ID: "3-text-steps", Title: "Step by step, beside D5", Run: genTextSteps},
		{ID: "3-life-train", Title: "A CNN that plays the Game of Life", Run: genLifeTrain},
		{ID: "3-life-rollout", Title: "Rolling out: each answer is the next input", Run: genLifeRollout},
		{ID: "3-life-frames", Title: "Frames: the model beside the rule", Run: genLifeFrames},
		{ID: "3-life-kernels", Title: "The learned kernels: an architecture hosting an algorithm", Run: genLifeKernels},
	},
}

// The char-CNN reads a window of characters, like D5, and at every
// position predicts the next character, like D5. Only its context sharing
// differs: instead of attention it stacks causal convolutions with kernel
// 2 whose dilations double (1, 2, 4, ...), so after L layers the last
// position sees the 2^L characters before it, enough to cover the window.
// Each layer's ReLU is its storyline computation; a 1x1 convolution at the
// end gives the logits. It is trained like D5: Adam on the cross-entropy
// of the next character, on the same text (`tf.text` or `tf.textfile`).
//
// The table puts the two models side by side and the plot overlays their
// training losses.
func genTextTrain(c *notebook.Cell) error {
	mc, m5, err := genTextModels(c)
	if err != nil {
		return err
	}
	c.Table(genSideBySide(mc, m5))
	c.Timing("charcnn.seconds", mc.Seconds)

	fig := plots.Lines([]plots.Series{
		{Name: "D5 (transformer)", Y: m5.Losses},
		{Name: "char-CNN", Y: mc.Losses},
	}, plots.Title("Training loss on the same text"), plots.XLabel("Adam step"),
		plots.YLabel("cross-entropy of the next character"), plots.LogY())
	if err := c.Figure("text-losses", fig,
		"Line plot of the training loss per Adam step of D5 and of the char-CNN, on a log scale.",
		"Both models' minibatch losses, step by step."); err != nil {
		return err
	}
	if mc.ReceptiveField() < m5.Config.Block {
		c.Markdownf("The char-CNN sees %d characters, fewer than D5's window of %d: "+
			"set `charcnn.block` to at least `tf.block` to compare like with like.",
			mc.ReceptiveField(), m5.Config.Block)
	}
	return nil
}

// Both models now continue the prompt `tf.prompt` greedily, one character
// at a time, each appending its answer and sliding its window, exactly the
// loop of chapter 2.6. When the prompt is the start of the training text,
// a model that has learned the text writes it back.
func genTextGenerate(c *notebook.Cell) error {
	mc, m5, err := genTextModels(c)
	if err != nil {
		return err
	}
	text, err := trainingText(c)
	if err != nil {
		return err
	}
	prompt := tfPrompt.Get(c)
	n := genLength(text, prompt)
	cnnText, _, tfText, _, err := genBoth(mc, m5, prompt, n)
	if err != nil {
		return err
	}
	c.Markdownf("char-CNN, greedy from the prompt: %s", notebook.Escape(cnnText))
	c.Markdownf("D5, greedy from the prompt: %s", notebook.Escape(tfText))
	c.Printf("the training text: the char-CNN %s, D5 %s\n",
		genMatch(cnnText, text), genMatch(tfText, text))
	c.Model("charcnn", map[string]any{
		"params": mc.NumParams(), "final_loss": mc.FinalLoss, "greedy": cnnText,
	})
	return nil
}

// The loop itself, one turn per row: what each model read (the last
// characters so far, at most its window) and which character it picked,
// with the probability it gave that character.
func genTextSteps(c *notebook.Cell) error {
	mc, m5, err := genTextModels(c)
	if err != nil {
		return err
	}
	text, err := trainingText(c)
	if err != nil {
		return err
	}
	n := min(genLength(text, tfPrompt.Get(c)), 40)
	_, cnnSteps, _, tfSteps, err := genBoth(mc, m5, tfPrompt.Get(c), n)
	if err != nil {
		return err
	}
	c.Table(genStepTable(mc, m5, cnnSteps, tfSteps))
	return nil
}

// Now the seed's own example: image_t → CNN → image_(t+1). A board of the
// Game of Life is a grid of cells, alive (1) or dead (0), on a torus (the
// edges wrap around). The rule: a live cell with two or three live
// neighbours survives, a dead cell with exactly three comes alive, every
// other cell is dead next.
//
// The network is a 3×3 convolution with circular padding (each cell sees
// its eight neighbours: context sharing), a 1×1 convolution with ReLU per
// cell (storyline), and a 1×1 convolution with a sigmoid giving each
// cell's probability of being alive. It trains on fresh random boards of
// every density. Because a cell's answer depends only on its 3×3
// neighbourhood, there are exactly 512 cases to get right, and training
// stops once all 512 are right by a margin: then the thresholded network
// is the rule, on any board, for any number of steps.
func genLifeTrain(c *notebook.Cell) error {
	ml, err := trainLife(c, lifeConfig(c))
	if err != nil {
		return err
	}
	c.Timing("life.seconds", ml.Seconds)
	c.Printf("%d parameters, trained for %d Adam steps of %d random boards\n",
		ml.NumParams(), len(ml.Losses), ml.Config.Batch)
	c.Printf("%d of the 512 neighbourhoods wrong\n", ml.Check.Wrong)
	if ml.Check.Passed() {
		c.Printf("every answer at least %.3f from the 0.5 threshold\n", ml.Check.Margin)
	}
	c.Measuredf("training took %.2f s\n", ml.Seconds)

	fig := plots.Lines([]plots.Series{{Y: ml.Losses}}, plots.Title("Life CNN: training loss"),
		plots.XLabel("Adam step"), plots.YLabel("binary cross-entropy per cell"), plots.LogY())
	return c.Figure("life-loss", fig,
		"Line plot of the Life CNN's training loss per Adam step, on a log scale.",
		"The Life CNN's loss, step by step, until every neighbourhood is right.")
}

// The generator at work. Four starting boards: a glider (it travels one
// cell diagonally every four generations), a blinker (period 2), a pulsar
// (period 3) and a random board. From each, the network runs on its own
// thresholded output for `life.rolloutsteps` generations, and beside it the
// true rule runs on its own boards. A board "matches" when every cell is
// the same. The heat map shows, generation by generation, whether each
// board matched; the plot sets how many cells the rule changes in each
// generation (what there is to get right) beside how many the model gets
// wrong.
func genLifeRollout(c *notebook.Cell) error {
	ml, err := trainLife(c, lifeConfig(c))
	if err != nil {
		return err
	}
	steps := lifeRoll.Get(c)
	rollouts := genRollouts(ml, steps)
	c.Table(genRolloutTable(rollouts))
	if err := genRolloutFigures(c, rollouts, steps); err != nil {
		return err
	}

	exact := genExactSteps(rollouts, steps)
	c.Printf("every test board matched the rule, cell for cell, for the first %d of %d generations\n",
		exact, steps)
	c.Model("life", map[string]any{
		"params": ml.NumParams(), "rollout_steps": steps, "exact_steps": exact,
		"patterns": genNames(rollouts),
	})
	return nil
}

// Some of those generations as pictures: for each starting board, the
// model's boards on the top row and the true rule's below, at the same
// generations. Any cell where the model's board differs from the rule's
// would be drawn in the highlight colour.
func genLifeFrames(c *notebook.Cell) error {
	ml, err := trainLife(c, lifeConfig(c))
	if err != nil {
		return err
	}
	steps := lifeRoll.Get(c)
	for _, r := range genRollouts(ml, steps) {
		fig := genStrip(r, genFrameSteps(steps), ml.Config.Size)
		alt := fmt.Sprintf("Two rows of Game of Life boards from the %s start: "+
			"the model's on top, the true rule's below, at the same generations.", r.Name)
		caption := fmt.Sprintf("%s: the model (top) and the rule (bottom).", r.Name)
		if err := c.Figure("life-"+r.Name, fig, alt, caption); err != nil {
			return err
		}
	}
	return nil
}

// What did the network learn? Its first layer is the only place where a
// cell meets its neighbours, so whatever the rule needs from the
// neighbourhood must be gathered there. The rule needs two things: how
// many of the eight neighbours are alive, whichever they are, and whether
// the cell itself is. A kernel whose eight outer weights are equal counts
// the live neighbours, and its centre weight mixes in the cell itself.
// The table measures how close each learned kernel comes to that shape:
// the spread of its eight outer weights against their mean (0 is a
// perfect counter). How many come out as clean counters depends on the
// run (the line under the table counts them); the 1×1 layers after them
// combine all the kernels into alive or dead, and the check of all 512
// neighbourhoods says whether the combination is exactly the rule. This is the seed's phrase in miniature:
// the convolution is generic machinery, and training has put an algorithm
// into it, though not necessarily one laid out the way a person would
// write it.
func genLifeKernels(c *notebook.Cell) error {
	ml, err := trainLife(c, lifeConfig(c))
	if err != nil {
		return err
	}
	k := ml.Kernels() // (F, 1, 3, 3)
	f := k.Shape[0]
	if err := c.Tensor("life/conv1.weight", k, notebook.Signed(),
		notebook.DrawAs(f, 3, 3), notebook.Columns(min(f, 8)), notebook.ScaleLabel("weight"),
		notebook.Caption("The Life CNN's first-layer kernels, one 3×3 tile per filter.")); err != nil {
		return err
	}
	c.Table(genKernelTable(ml))
	c.Printf("%d of %d kernels weigh their eight neighbours within 10%% of each other\n",
		genNeighbourCounters(k, 0.1), f)
	return nil
}

// genTextModels returns the char-CNN and D5, both trained on this
// build's training text.
func genTextModels(c *notebook.Cell) (*charcnn.Model, *tf.Model, error) {
	text, err := trainingText(c)
	if err != nil {
		return nil, nil, err
	}
	mc, err := trainChar(c, charConfig(c), text)
	if err != nil {
		return nil, nil, err
	}
	m5, err := d5(c)
	if err != nil {
		return nil, nil, err
	}
	return mc, m5, nil
}

func genSideBySide(mc *charcnn.Model, m5 *tf.Model) notebook.Table {
	dil := ""
	for l := range mc.Layers() {
		if l > 0 {
			dil += ", "
		}
		dil += strconv.Itoa(1 << l)
	}
	attn := fmt.Sprintf("attention over all earlier positions, %d block", m5.Config.Layers)
	if m5.Config.Layers > 1 {
		attn += "s"
	}
	t := notebook.Table{
		Caption:  "The char-CNN and D5, trained on the same text",
		Header:   []string{"", "char-CNN", "D5 (transformer)"},
		Volatile: []int{},
	}
	t.Rows = [][]string{
		{"parameters", mechCount(int64(mc.NumParams())), mechCount(int64(m5.NumParams()))},
		{"vocabulary", fmt.Sprint(mc.Vocab.Size()), fmt.Sprint(m5.Vocab.Size())},
		{"numbers per position", fmt.Sprint(mc.Config.Channels), fmt.Sprint(m5.Config.DModel)},
		{"window (characters read)", fmt.Sprint(mc.Config.Block), fmt.Sprint(m5.Config.Block)},
		{"context sharing", fmt.Sprintf("%d causal convolutions, kernel 2, dilations %s", mc.Layers(), dil), attn},
		{"the last position sees", fmt.Sprintf("%d characters", mc.ReceptiveField()), fmt.Sprintf("%d characters", m5.Config.Block)},
		{"Adam steps", fmt.Sprint(len(mc.Losses)), fmt.Sprint(len(m5.Losses))},
		{"final loss (mean over the text)", fmt.Sprintf("%.3g", mc.FinalLoss), fmt.Sprintf("%.3g", m5.FinalLoss)},
	}
	return t
}

// genLength is how many characters to generate: enough to write the rest
// of the training text after the prompt (at least one, at most 300).
func genLength(text, prompt string) int {
	return min(max(len([]rune(text))-len([]rune(prompt)), 1), 300)
}

// genWritesBack reports whether out is the start of text.
func genWritesBack(out, text string) bool {
	o, t := []rune(out), []rune(text)
	return len(o) <= len(t) && string(t[:len(o)]) == out
}

// genMatch says in words whether out is the start of text.
func genMatch(out, text string) string {
	if genWritesBack(out, text) {
		return "writes it back"
	}
	return "departs from it"
}

// genRollout is one starting board run for some generations.
type genRollout struct {
	Name   string
	Start  []uint8
	Frames []life.Frame
}

func genRollouts(m *life.Model, steps int) []genRollout {
	var out []genRollout
	for _, p := range life.Patterns(m.Config.Size) {
		out = append(out, genRollout{p.Name, p.Board, life.Rollout(m, p.Board, steps)})
	}
	return out
}

// genFirstMismatch is the number of generations, from the start, whose
// boards all match the rule.
func genFirstMismatch(r genRollout) int {
	for t, f := range r.Frames {
		if f.Diff != 0 {
			return t
		}
	}
	return len(r.Frames)
}

func genExactSteps(rs []genRollout, steps int) int {
	exact := steps
	for _, r := range rs {
		exact = min(exact, genFirstMismatch(r))
	}
	return exact
}

func genRolloutTable(rs []genRollout) notebook.Table {
	t := notebook.Table{
		Caption: "Each starting board, run on the model's own output",
		Header:  []string{"start", "live cells at the start", "live cells at the end", "generations", "matched from the start", "cells ever wrong"},
	}
	for _, r := range rs {
		wrong := 0
		for _, f := range r.Frames {
			wrong += f.Diff
		}
		last := r.Frames[len(r.Frames)-1]
		t.Rows = append(t.Rows, []string{r.Name, fmt.Sprint(genAlive(r.Start)), fmt.Sprint(genAlive(last.Model)),
			fmt.Sprint(len(r.Frames)), fmt.Sprint(genFirstMismatch(r)), fmt.Sprint(wrong)})
	}
	return t
}

func genAlive(b []uint8) int {
	n := 0
	for _, v := range b {
		n += int(v)
	}
	return n
}

// genExactHeatmap draws, per starting board, the fraction of generations
// whose board matched the rule exactly, in at most 16 bins of equal width.
func genExactHeatmap(rs []genRollout, steps int) *plots.Figure {
	width := (steps + 15) / 16 // generations per bin
	bins := (steps + width - 1) / width
	grid := tensor.New(len(rs), bins)
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.Name
		for b := range bins {
			exact, n := 0, 0
			for t := b * width; t < min((b+1)*width, steps); t++ {
				n++
				if r.Frames[t].Diff == 0 {
					exact++
				}
			}
			grid.Data[i*bins+b] = float32(exact) / float32(n)
		}
	}
	firsts := make([]string, bins)
	for b := range firsts {
		firsts[b] = fmt.Sprint(b*width + 1)
	}
	return plots.Heatmap(grid, plots.Unsigned(), plots.Range(0, 1), plots.YTicks(names...), plots.XTicks(firsts...),
		plots.CellSize(16), plots.XLabel(fmt.Sprintf("generation (bins of %d, labelled by their first)", width)),
		plots.ScaleLabel("fraction that match exactly"), plots.Title("Does the model's board equal the rule's?"))
}

// genDiffLines plots, per generation, how many cells the rule changes on
// each board (how much there is to get right) and the most cells the
// model gets wrong on any board.
func genDiffLines(rs []genRollout) *plots.Figure {
	var series []plots.Series
	steps := len(rs[0].Frames)
	x := make([]float64, steps)
	wrong := make([]float64, steps)
	for t := range x {
		x[t] = float64(t + 1)
	}
	for _, r := range rs {
		changed := make([]float64, steps)
		prev := r.Start
		for t, f := range r.Frames {
			for i := range prev {
				if prev[i] != f.Truth[i] {
					changed[t]++
				}
			}
			prev = f.Truth
			wrong[t] = math.Max(wrong[t], float64(f.Diff))
		}
		series = append(series, plots.Series{Name: r.Name + ": cells the rule changes", X: x, Y: changed})
	}
	series = append(series, plots.Series{Name: "cells the model gets wrong, worst board", X: x, Y: wrong})
	return plots.Lines(series, plots.Title("Cells to get right, and cells got wrong"), plots.XLabel("generation"), plots.YLabel("cells"))
}

// genFrameSteps picks the generations to draw: the start, the first few,
// then doubling, and the last.
func genFrameSteps(steps int) []int {
	out := []int{0}
	for _, t := range []int{1, 2, 3, 4, 8, 16, 32, 64} {
		if t < steps {
			out = append(out, t)
		}
	}
	return append(out, steps)
}

// genStrip draws the model's boards above the rule's at the generations
// in at; generation 0 is the start.
func genStrip(r genRollout, at []int, size int) *plots.Figure {
	n := len(at)
	frames := tensor.New(2*n, size, size)
	truth := tensor.New(2*n, size, size)
	captions := make([]string, 2*n)
	put := func(dst *tensor.Tensor, i int, b []uint8) {
		for j, v := range b {
			dst.Data[i*size*size+j] = float32(v)
		}
	}
	for i, t := range at {
		model, rule := r.Start, r.Start
		if t > 0 {
			model, rule = r.Frames[t-1].Model, r.Frames[t-1].Truth
		}
		put(frames, i, model)
		put(frames, n+i, rule)
		put(truth, i, rule)
		put(truth, n+i, rule)
		captions[i] = fmt.Sprintf("model %d", t)
		captions[n+i] = fmt.Sprintf("rule %d", t)
	}
	return plots.Strip(frames, plots.Columns(n), plots.Captions(captions...), plots.Diff(truth, "differs from the rule"),
		plots.ValueNames("dead", "alive"), plots.Title(r.Name+": generations of the model (top) and of the rule (bottom)"))
}

// genKernelTable measures how close each 3×3 kernel is to "count the
// neighbours": the mean and spread of its eight outer weights, and its
// centre weight and bias.
func genKernelTable(m *life.Model) notebook.Table {
	var bias []float32
	for _, p := range m.Params() {
		if p.Name == "conv1.bias" {
			bias = p.Value.Data
		}
	}
	k := m.Kernels()
	t := notebook.Table{
		Caption: "Each kernel's eight neighbour weights against its centre",
		Header:  []string{"filter", "neighbours: mean", "neighbours: spread (std)", "spread / |mean|", "centre", "bias"},
	}
	for f := range k.Shape[0] {
		w := k.Data[f*9 : f*9+9]
		mean, std := genNeighbourStats(w)
		t.Rows = append(t.Rows, []string{fmt.Sprint(f), fmt.Sprintf("%+.3f", mean), fmt.Sprintf("%.3f", std),
			fmt.Sprintf("%.2f", std/math.Abs(mean)), fmt.Sprintf("%+.3f", w[4]), fmt.Sprintf("%+.3f", bias[f])})
	}
	return t
}

// genNeighbourCounters counts the kernels of k (F, 1, 3, 3) whose eight
// outer weights spread by less than tol times their mean's size.
func genNeighbourCounters(k *tensor.Tensor, tol float64) int {
	n := 0
	for f := range k.Shape[0] {
		mean, std := genNeighbourStats(k.Data[f*9 : f*9+9])
		if std < tol*math.Abs(mean) {
			n++
		}
	}
	return n
}

// genNeighbourStats returns the mean and standard deviation of the eight
// outer weights of a 3×3 kernel w (row-major, centre at index 4).
func genNeighbourStats(w []float32) (mean, std float64) {
	for i, v := range w {
		if i != 4 {
			mean += float64(v) / 8
		}
	}
	for i, v := range w {
		if i != 4 {
			std += (float64(v) - mean) * (float64(v) - mean) / 8
		}
	}
	return mean, math.Sqrt(std)
}

// genBoth generates n characters greedily from prompt with both models.
func genBoth(mc *charcnn.Model, m5 *tf.Model, prompt string, n int) (
	cnnText string, cnnSteps []charcnn.Step, tfText string, tfSteps []tf.Step, err error) {
	cnnText, cnnSteps, err = mc.GenerateText(prompt, n)
	if err != nil {
		return "", nil, "", nil, fmt.Errorf("tf.prompt: %w", err)
	}
	ids, err := m5.Vocab.Encode(prompt, "tf.prompt")
	if err != nil {
		return "", nil, "", nil, err
	}
	tfSteps = m5.Generate(ids, n, tf.Sampler{}) // temperature 0: greedy
	return cnnText, cnnSteps, m5.Text(ids, tfSteps), tfSteps, nil
}

// genStepTable sets the two loops side by side, one turn per row.
func genStepTable(mc *charcnn.Model, m5 *tf.Model, cs []charcnn.Step, ts []tf.Step) notebook.Table {
	t := notebook.Table{
		Caption: fmt.Sprintf("The first %d turns of the loop", len(cs)),
		Header:  []string{"step", "char-CNN read", "picked", "p", "D5 read", "picked", "p"},
	}
	decode := func(ids []int) string {
		s, err := mc.Vocab.Decode(ids)
		if err != nil {
			panic("chapters: the char-CNN generated a token outside its vocabulary: " + err.Error())
		}
		return s
	}
	for i := range cs {
		t.Rows = append(t.Rows, []string{
			fmt.Sprint(i + 1),
			strconv.Quote(decode(cs[i].Window)), strconv.Quote(decode([]int{cs[i].Token})),
			fmt.Sprintf("%.3f", cs[i].Prob),
			strconv.Quote(m5.Vocab.Decode(ts[i].Window)), strconv.Quote(m5.Vocab.Decode([]int{ts[i].Token})),
			fmt.Sprintf("%.3f", ts[i].Prob),
		})
	}
	return t
}

// genRolloutFigures draws whether each board matched, and how many cells
// differ beside how many the rule changes.
func genRolloutFigures(c *notebook.Cell, rs []genRollout, steps int) error {
	if err := c.Figure("life-exact", genExactHeatmap(rs, steps),
		"Heat map with one row per starting board and one column per bin of generations, "+
			"coloured by the fraction of generations whose board equals the true rule's.",
		"Exact match, generation by generation (1: every board of the bin equals the rule's, cell for cell)."); err != nil {
		return err
	}
	return c.Figure("life-diff", genDiffLines(rs),
		"Line plot per generation of how many cells the true rule changes on each starting board, "+
			"and of the most cells the model's board gets wrong on any board.",
		"What there is to get right, and what the model gets wrong.")
}

func genNames(rs []genRollout) []string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.Name
	}
	return names
}
