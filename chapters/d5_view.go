package chapters

import (
	"fmt"
	"math"
	"strings"
	"unicode"

	"gonum.org/v1/plot/vg"

	"tinynets/pkg/notebook"
	"tinynets/pkg/plots"
	"tinynets/pkg/tensor"
	"tinynets/pkg/tf"
)

// Plumbing shared by the D5 sections of chapters 2.1b to 2.6. None of it
// is shown on the pages: the sections call it by name.

// d5View is the default transformer run on the first tf.block characters
// of its training text (the row chapter 2.1 saved as tf/tokens). Every
// "tf/" activation of the book is of this one window.
type d5View struct {
	M      *tf.Model
	Window []rune    // the characters of the window
	Tokens []int     // their token ids
	Trace  *tf.Trace // every activation, under TransformerLens's hook names
	Labels []string  // one tick label per position: the character
}

// d5Window trains (or loads) the default model and runs it on its window.
func d5Window(c *notebook.Cell) (*d5View, error) {
	m, err := d5(c)
	if err != nil {
		return nil, err
	}
	return viewOf(c, m)
}

// viewOf runs m on the first characters of the training text, as many as
// its window holds.
func viewOf(c *notebook.Cell, m *tf.Model) (*d5View, error) {
	text, err := trainingText(c)
	if err != nil {
		return nil, err
	}
	window, ids, err := demoWindow(text, m.Vocab, m.Config.Block)
	if err != nil {
		return nil, err
	}
	return &d5View{M: m, Window: window, Tokens: ids, Trace: m.Forward(ids), Labels: charLabels(m.Vocab, window)}, nil
}

// promptIDs returns tf.prompt as token ids of m's vocabulary.
func promptIDs(c *notebook.Cell, m *tf.Model) ([]int, error) {
	return m.Vocab.Encode(tfPrompt.Get(c), "tf.prompt")
}

// charLabel is how a character is written on a plot's axis: itself, except
// that a space is "_" (the plot font has no visible-space glyph) unless the
// vocabulary holds "_", then "sp", and control characters are escaped.
func charLabel(v *tf.Vocab, r rune) string {
	switch {
	case r == ' ':
		for _, x := range v.Runes {
			if x == '_' {
				return "sp"
			}
		}
		return "_"
	case r == '\n':
		return `\n`
	case r == '\t':
		return `\t`
	case !unicode.IsPrint(r):
		return fmt.Sprintf("U+%04X", r)
	}
	return string(r)
}

// charLabels labels each of runes.
func charLabels(v *tf.Vocab, runes []rune) []string {
	out := make([]string, len(runes))
	for i, r := range runes {
		out[i] = charLabel(v, r)
	}
	return out
}

// vocabLabels labels every token of v, in id order.
func vocabLabels(v *tf.Vocab) []string { return charLabels(v, v.Runes) }

// quoted writes a piece of text for a table cell or printed line, with
// spaces kept visible by the quotes and newlines escaped.
func quoted(s string) string { return fmt.Sprintf("%q", s) }

// weight returns m's weight called name (a TransformerLens name such as
// "embed.W_E"). It shares m's storage: do not change it.
// weight panics if m has no such weight.
func weight(m *tf.Model, name string) *tensor.Tensor {
	for _, w := range m.Weights() {
		if w.Name == name {
			return w.T
		}
	}
	panic("chapters: the transformer has no weight " + name)
}

// hasWeight reports whether m has a weight called name (the LayerNorm
// weights are absent with tf.norm=none).
func hasWeight(m *tf.Model, name string) bool {
	for _, w := range m.Weights() {
		if w.Name == name {
			return true
		}
	}
	return false
}

// row returns row i of a (rows, cols) tensor, as float64.
func row(t *tensor.Tensor, i int) []float64 {
	cols := t.Shape[len(t.Shape)-1]
	out := make([]float64, cols)
	for j := range out {
		out[j] = float64(t.Data[i*cols+j])
	}
	return out
}

// lastRow returns the last row of a (rows, cols) tensor.
func lastRow(t *tensor.Tensor) []float64 { return row(t, t.Shape[0]-1) }

// argmaxOf returns the index of the largest value (the first on a tie).
func argmaxOf(x []float64) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// maxAbsDiff returns max |a[i] - b[i]|.
// maxAbsDiff panics if the lengths differ.
func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("chapters: comparing %d values with %d", len(a), len(b)))
	}
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// f64 copies float32 values to float64.
func f64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// formatRow writes numbers with a fixed format, space separated.
func formatRow(format string, x []float64) string {
	parts := make([]string, len(x))
	for i, v := range x {
		parts[i] = fmt.Sprintf(format, v)
	}
	return strings.Join(parts, " ")
}

// gcd is the greatest common divisor of two positive integers.
func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// withDModel returns cfg with d_model set to d. If cfg's head count does
// not divide d, it takes the largest count that divides both.
func withDModel(cfg tf.Config, d int) tf.Config {
	cfg.DModel = d
	cfg.Heads = gcd(cfg.Heads, d)
	return cfg
}

// lossY is a model's training curve (loss per Adam step) for plots.Lines.
func lossY(m *tf.Model) []float64 { return append([]float64(nil), m.Losses...) }

// greedyText returns the prompt continued greedily to n characters in all
// (the prompt included), or the prompt alone if it is already that long.
func greedyText(m *tf.Model, prompt []int, n int) string {
	steps := m.Generate(prompt, max(0, n-len(prompt)), tf.Sampler{})
	return m.Text(prompt, steps)
}

// clip shortens s to at most n runes, marking the cut with "...".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "..."
}

// commonPrefix returns the number of leading runes a and b share.
func commonPrefix(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && ra[n] == rb[n] {
		n++
	}
	return n
}

// longestCopied returns the longest run of gen (in runes) that appears
// verbatim somewhere in text, and where it starts in gen.
func longestCopied(gen, text string) (length, start int) {
	g := []rune(gen)
	for i := range g {
		// Only runs longer than the best so far are worth checking.
		for j := i + length + 1; j <= len(g); j++ {
			if !strings.Contains(text, string(g[i:j])) {
				break
			}
			length, start = j-i, i
		}
	}
	return length, start
}

// wordsOf splits text into lower-case words of letters (and apostrophes).
func wordsOf(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
}

// heat says how showTensor draws a tensor.
type heat struct {
	X, Y    []string // tick labels of the columns and rows (nil: indices)
	Title   string
	Scale   string // colour-bar label
	Caption string
	Alt     string    // alt text; empty: made from the name and shape
	Signed  bool      // diverging palette centred on zero
	Shape   []int     // draw the values in this 2-D shape (the .npy keeps its own)
	Tiles   []string  // draw a 3-D tensor as tiles with these captions
	Cell    vg.Length // cell side; 0: big enough for every row label
	Format  string    // value-grid and annotation format; "" is "%.2f"
	Notes   bool      // write the values into the cells
	Grid    bool      // also list the values as a table
	Unit    bool      // fix the colour scale to [0, 1], for probabilities
	XLabel  string
	YLabel  string
}

// showTensor captures t under name (its .npy, listed in book.json, and
// with h.Grid its values as a table) and draws it as a heatmap whose every row and
// column label is readable: notebook.Tensor's own drawing sizes cells for
// the grid, not for labels, and would thin them.
func showTensor(c *notebook.Cell, name string, t tensor.Array, h heat) error {
	format := h.Format
	if format == "" {
		format = "%.2f"
	}
	dims := t.Dims()
	if h.Shape != nil {
		dims = h.Shape
	}
	var opts []plots.Option
	if h.Signed {
		opts = append(opts, plots.Signed())
	} else {
		opts = append(opts, plots.Unsigned())
	}
	if h.Unit {
		opts = append(opts, plots.Range(0, 1))
	}
	if h.Title != "" {
		opts = append(opts, plots.Title(h.Title))
	}
	if h.Scale != "" {
		opts = append(opts, plots.ScaleLabel(h.Scale))
	}
	if h.XLabel != "" && (len(dims) == 2 || (len(dims) == 3 && dims[0] == 1)) {
		opts = append(opts, plots.XLabel(h.XLabel))
	}
	if h.YLabel != "" && (len(dims) == 2 || (len(dims) == 3 && dims[0] == 1)) {
		opts = append(opts, plots.YLabel(h.YLabel))
	}
	values := tensor.FromFloat64s(t.Float64s(), dims...)
	var fig *plots.Figure
	switch {
	case h.Tiles != nil:
		fig = plots.Tiles(values, append(opts, plots.Captions(h.Tiles...))...)
	case len(dims) == 3 && dims[0] == 1:
		dims = dims[1:]
		fallthrough
	case len(dims) == 2:
		values = tensor.FromFloat64s(values.Float64s(), dims...)
		if h.X != nil {
			opts = append(opts, plots.XTicks(h.X...))
		}
		if h.Y != nil {
			opts = append(opts, plots.YTicks(h.Y...))
		}
		cell := h.Cell
		if cell == 0 {
			cell = labelCell(dims[0], dims[1], h.Y != nil)
		}
		opts = append(opts, plots.CellSize(cell))
		if h.Notes {
			opts = append(opts, plots.Annotate(format))
		}
		fig = plots.Heatmap(values, opts...)
	case len(dims) == 1:
		fig = plots.Heatmap(tensor.FromFloat64s(values.Float64s(), 1, dims[0]), append(opts, plots.CellSize(labelCell(1, dims[0], false)))...)
	default:
		panic(fmt.Sprintf("chapters: showTensor %s: cannot draw shape %v", name, dims))
	}
	alt := h.Alt
	if alt == "" {
		alt = fmt.Sprintf("Heatmap of %s, shape %s", name, tensor.ShapeString(t.Dims()))
	}
	if err := c.Figure(name, fig, alt, h.Caption); err != nil {
		return err
	}
	topts := []notebook.TensorOption{notebook.NoImage(), notebook.Labels(h.X, h.Y), notebook.Format(format)}
	if !h.Grid {
		topts = append(topts, notebook.NoGrid())
	}
	return c.Tensor(name, t, topts...)
}

// labelCell is a cell side that leaves room for a label on every row
// (labelled rows need about 16 points each), within a figure of at most
// about 560 points a side.
func labelCell(rows, cols int, rowLabels bool) vg.Length {
	cell := vg.Length(200) / vg.Length(max(rows, cols))
	if rowLabels {
		cell = max(cell, 16)
	}
	cell = min(max(cell, 6), 24)
	return min(cell, 560/vg.Length(max(rows, cols)))
}

// logitByHand recomputes logits[t, j] from the unembedding's input and
// W_U, b_U.
func logitByHand(m *tf.Model, tr *tf.Trace, t, j int) float32 {
	x, ok := tr.Lookup("ln_final.hook_normalized")
	if !ok {
		x = tr.Get(fmt.Sprintf("blocks.%d.hook_resid_post", m.Config.Layers-1))
	}
	WU, bU := weight(m, "unembed.W_U"), weight(m, "unembed.b_U") // (D, V), (V)
	sum := float64(bU.Data[j])
	for i := range x.Shape[1] {
		sum += float64(x.At(t, i)) * float64(WU.At(i, j))
	}
	return float32(sum)
}

// charAfterWindow returns the character of the training text at index n
// (the one after a window of n characters), if the text is that long.
func charAfterWindow(c *notebook.Cell, n int) (rune, bool) {
	text, err := trainingText(c)
	if err != nil {
		return 0, false
	}
	r := []rune(text)
	if n >= len(r) {
		return 0, false
	}
	return r[n], true
}

// nextCharTable lists, per position of the window, the best-scored next
// character and the one that follows in the text.
func nextCharTable(c *notebook.Cell, v *d5View) notebook.Table {
	logits := v.Trace.Get("logits")
	t := notebook.Table{Caption: "Each position's best-scored next character against the text",
		Header: []string{"position", "window so far", "best-scored next", "next in the text"}}
	for p := range v.Tokens {
		best := v.M.Vocab.Runes[argmaxOf(row(logits, p))]
		next := "(end of text)"
		if r, ok := charAfterWindow(c, p+1); ok {
			next = quoted(string(r))
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(p), quoted(string(v.Window[:p+1])), quoted(string(best)), next})
	}
	return t
}

// charBars draws one bar per character of v, the bar of best highlighted,
// with the values written above the bars if there are few enough to read.
func charBars(v *tf.Vocab, values []float64, best int, title, yLabel, format string) *plots.Figure {
	opts := []plots.Option{plots.Highlight(best), plots.Title(title), plots.XLabel("next character"), plots.YLabel(yLabel)}
	if v.Size() <= 12 {
		opts = append(opts, plots.Annotate(format))
	}
	return plots.Bars(vocabLabels(v), values, opts...)
}

// softmaxRows is the softmax of each row of a (rows, cols) tensor, flat.
func softmaxRows(t *tensor.Tensor) []float64 {
	var out []float64
	for i := range t.Shape[0] {
		out = append(out, softmax(row(t, i))...)
	}
	return out
}

// namedSampler is a way of choosing the next character, with its name.
type namedSampler struct {
	Name string
	S    tf.Sampler
}

// samplerTable lists the distribution each sampler draws from at the
// first step from prompt, next to the model's own softmax.
func samplerTable(m *tf.Model, prompt []int, ways []namedSampler) notebook.Table {
	step := m.Generate(prompt, 1, tf.Sampler{})[0]
	t := notebook.Table{Caption: "The first step from the prompt: the probability each way of choosing gives each character",
		Header: []string{"next character", "model (softmax)"}}
	dists := make([][]float64, len(ways))
	for i, w := range ways {
		t.Header = append(t.Header, w.Name)
		dists[i] = w.S.Distribution(step.Logits)
	}
	for j, r := range m.Vocab.Runes {
		line := []string{quoted(string(r)), fmt.Sprintf("%.4f", step.Probs[j])}
		for i := range ways {
			line = append(line, fmt.Sprintf("%.4f", dists[i][j]))
		}
		t.Rows = append(t.Rows, line)
	}
	return t
}

// indexLabels returns "0", "1", ..., n labels.
func indexLabels(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(i)
	}
	return out
}
