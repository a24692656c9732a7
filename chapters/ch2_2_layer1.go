package chapters

import (
	"fmt"
	"math"
	"slices"

	"tinynets/pkg/cnn"
	"tinynets/pkg/notebook"
	"tinynets/pkg/plots"
)

// chapterLayer1 follows the seed's heading "2.2 Layer 1".
//
// The seed splits every layer into two jobs. First, context sharing: each
// position takes in information from other positions (D4's convolution
// looks at a 3x3 neighbourhood of pixels, D5's attention looks back over
// earlier characters). Then the storyline: a non-linear step that turns
// the mixed numbers into features (D4's ReLU and max-pool, D5's FFN with
// GELU). This chapter runs both jobs of the first layer of each network on
// the demo inputs of chapter 2.1.
var chapterLayer1 = notebook.Chapter{
	ID:       "2.2",
	Title:    "Layer 1: context sharing and storyline",
	Seed:     "2.2 Layer 1",
	File:     "ch2_2_layer1.go",
	Intro:    "chapterLayer1",
	Sections: slices.Concat(layer1D4, layer1D5),
}

// layer1D4 are the CNN's sections of this chapter, in reading order.
var layer1D4 = []notebook.Section{
	{ID: "2.2.1-D4", Title: "D4: convolution, the learned kernels and their feature maps", Run: conv1D4},
	{ID: "2.2.1-D4-by-hand", Title: "D4: one value of a feature map, by hand", Run: conv1ByHand},
	{ID: "2.2.3-D4", Title: "D4: ReLU keeps the positive part", Run: relu1D4},
	{ID: "2.2.3-D4-pool", Title: "D4: max-pooling halves each side", Run: pool1D4},
}

// The first convolution gives the network its first look at the digit.
// Each of its filters owns one small square kernel of learned weights (3x3
// by default, and 8 filters). The filter slides its kernel over the image:
// at every pixel it multiplies the kernel with the patch of pixels under
// it, adds up the products and its bias, and writes the sum into its own
// feature map. Outside the image the pixels count as 0 ("same" padding), so
// every map has the 28x28 positions of the image.
//
// In the seed's words this is context sharing: the number at a position
// now mixes in its neighbours, as attention mixes a token with other
// tokens. And the filters give each position several numbers, one per
// filter, the way a token carries several dims.
//
// The kernels below are what training found (red weights are positive,
// blue negative, grey near zero). The maps are the demo digit seen through
// each filter, before ReLU, so they have both signs.
func conv1D4(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	t := m.Forward(data.Test.Image(0)) // every stage of the demo digit
	f1, k := m.Config.Filters1, m.Config.Kernel
	weights, biases := len(m.Conv1W.Data), len(m.Conv1B.Data)
	c.Printf("conv1: %d filters, each a %dx%d kernel over the 1 input image\n", f1, k, k)
	c.Printf("%d weights + %d biases = %d parameters\n", weights, biases, weights+biases)
	perFilter := notebook.TileCaptions(numbered("filter", f1))
	if err := c.Tensor("cnn/conv1.weight", m.Conv1W, notebook.Signed(),
		notebook.DrawAs(f1, k, k), perFilter, notebook.ScaleLabel("weight"),
		notebook.Caption("The learned kernels of conv1, shape (F1, 1, K, K).")); err != nil {
		return err
	}
	if err := c.Tensor("cnn/conv1.bias", m.Conv1B, notebook.NoImage(),
		notebook.Labels(numbered("filter", f1), nil),
		notebook.Caption("The bias of each filter.")); err != nil {
		return err
	}
	c.Printf("input %s -> conv1 %s:\n", shapeOf(t.Input), shapeOf(t.Conv1))
	c.Printf("still %dx%d positions, now %d numbers at each\n",
		t.Conv1.Shape[1], t.Conv1.Shape[2], t.Conv1.Shape[0])
	return c.Tensor("cnn/conv1.out", t.Conv1, notebook.Signed(), perFilter,
		notebook.ScaleLabel("value"),
		notebook.Caption("The feature maps of the demo digit before ReLU, shape (F1, 28, 28)."))
}

// What does one number of a feature map mean? It is a weighted sum, and it
// can be recomputed with a plain loop. The code takes the largest value in
// all the maps, walks the kernel window around its pixel, multiplies each
// pixel by the kernel weight on top of it and adds the bias. The table
// shows the window, "pixel × weight" for each place, and the sum is
// compared with the value the model's own code computed. That code adds
// the same products in another order (it is arranged for speed), so the
// two may differ in the last digits of float32, about 1e-7.
func conv1ByHand(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	t := m.Forward(data.Test.Image(0))
	f, y, x := strongest(t.Conv1) // the strongest response of any filter
	k, pad := m.Config.Kernel, m.Config.Kernel/2

	sum := m.Conv1B.At(f)
	window := notebook.Table{
		Caption: fmt.Sprintf("filter %d at row %d, column %d: pixel × weight", f, y, x),
		Header:  append([]string{"row \\ column"}, numberedFrom(x-pad, k)...),
	}
	for ky := range k {
		row := []string{fmt.Sprint(y + ky - pad)}
		for kx := range k {
			iy, ix := y+ky-pad, x+kx-pad
			pixel := float32(0) // outside the image: the zero padding
			if iy >= 0 && iy < cnn.Side && ix >= 0 && ix < cnn.Side {
				pixel = t.Input.At(0, iy, ix)
			}
			w := m.Conv1W.At(f, 0, ky, kx)
			sum += pixel * w
			row = append(row, fmt.Sprintf("%.3f × %+.3f", pixel, w))
		}
		window.Rows = append(window.Rows, row)
	}
	c.Table(window)
	model := t.Conv1.At(f, y, x)
	c.Printf("bias %+.4f + the %d products = %.6f by hand\n", m.Conv1B.At(f), k*k, sum)
	c.Printf("the model's conv1[%d, %d, %d] = %.6f\n", f, y, x, model)
	c.Printf("difference %.2g\n", math.Abs(float64(sum-model)))
	return nil
}

// ReLU is the non-linear step: every negative number becomes 0, every
// positive one stays as it is. A filter's map after ReLU says only where
// its pattern is present, not where its opposite is. The figure shows each
// map before ReLU beside the same map after, on one colour scale:
// everything blue before turns grey (zero) after.
//
// The seed calls this step, with the pool, "half of an FFN" (the other half
// comes with the classifier in 2.4): an FFN's hidden layer is also a
// weighted sum followed by a non-linearity.
func relu1D4(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	t := m.Forward(data.Test.Image(0))
	n, z := len(t.ReLU1.Data), countZeros(t.ReLU1.Data)
	c.Printf("ReLU set %d of the %d values of conv1 to zero (%s)\n", z, n, percent(z, n))
	c.Printf("%d values stayed positive\n", n-z)
	c.Table(zeroShareTable("Values that are zero after ReLU, per filter", t.ReLU1))

	pairs, captions := beforeAfter(t.Conv1, t.ReLU1) // each map before, then after
	fig := plots.Tiles(pairs, plots.Signed(), plots.ScaleLabel("value"),
		plots.Captions(captions...), plots.Columns(4))
	if err := c.Figure("cnn/relu1.before-after", fig,
		"Each feature map of conv1 for the demo digit before ReLU, beside the same map after ReLU",
		"Pairs of maps: before ReLU, then after. Negative (blue) values become zero (grey)."); err != nil {
		return err
	}
	return c.Tensor("cnn/relu1.out", t.ReLU1, notebook.NoImage())
}

// Max-pooling keeps the largest of every 2x2 block of a map and drops the
// other three, so each map shrinks from 28x28 to 14x14: a quarter of the
// positions. A kept value now stands for a 2x2 patch, and a small shift of
// the digit often leaves it unchanged.
//
// The seed pairs this with the transformer: its "storyline" is supposed to
// rise to a higher level with only a quarter of the original tokens. The
// run below counts positions on both sides. The CNN's count does shrink.
// The transformer's does not: every block of D5 takes in one vector per
// token and hands out one vector per token, so its sequence keeps its
// length from the first block to the last. On this point the analogy does
// not hold. What the two share is weaker: after pooling a CNN position
// summarises a wider patch, and after attention a token's vector mixes in
// other tokens, but only the CNN gets there by having fewer positions.
func pool1D4(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	t := m.Forward(data.Test.Image(0))
	if err := c.Tensor("cnn/pool1.out", t.Pool1, notebook.ScaleLabel("value"),
		notebook.TileCaptions(numbered("filter", m.Config.Filters1)),
		notebook.Caption("The pooled maps, shape (F1, 14, 14).")); err != nil {
		return err
	}
	before := t.ReLU1.Shape[1] * t.ReLU1.Shape[2]
	after := t.Pool1.Shape[1] * t.Pool1.Shape[2]
	c.Printf("D4: %d positions before the pool, %d after: %.2f of them\n",
		before, after, float64(after)/float64(before))

	d5, window, err := untrainedD5(c)
	if err != nil {
		return err
	}
	tr := d5.Forward(window)
	last := d5.Config.Layers - 1
	in := tr.Get("blocks.0.hook_resid_pre").Shape[0]
	out := tr.Get(fmt.Sprintf("blocks.%d.hook_resid_post", last)).Shape[0]
	c.Printf("D5: %d token positions enter block 0, %d leave block %d:\n", in, out, last)
	c.Printf("the sequence %s\n", verdict(in == out, "does not shrink", "shrinks"))
	return nil
}

// layer1D5 are the transformer's sections of this chapter, in reading order.
var layer1D5 = []notebook.Section{
	{ID: "2.2.1-D5", Title: "D5: queries, keys and values", Run: attnQKV},
	{ID: "2.2.1-D5-pattern", Title: "D5: scores, the causal mask and the softmax", Run: attnPattern},
	{ID: "2.2.1-D5-sum", Title: "D5: the weighted sum goes back into the residual stream", Run: attnMix},
	{ID: "2.2.1-D5-linear", Title: "D5: is attention linear?", Run: attnLinearity},
	{ID: "2.2.3-D5", Title: "D5: the FFN, position by position", Run: ffnHidden},
	{ID: "2.2.3-D5-gelu", Title: "D5: GELU", Run: geluCurve},
	{ID: "2.2.3-D5-pretty", Title: "D5: \"pretty far\" or \"pretty flower\"?", Run: prettyNeurons},
}

// Attention is how a position of the window takes in the positions before
// it. First the block normalises each row of the residual stream
// (LayerNorm ln1: the row's mean is subtracted and it is divided by its
// standard deviation, then multiplied by the learned gain ln1.w and shifted
// by ln1.b). Then it makes three new rows for every position, each a
// linear map with a bias, learned in training:
//
//   - the query, q = x W_Q + b_Q: what this position is looking for;
//   - the key, k = x W_K + b_K: what this position offers to queries;
//   - the value, v = x W_V + b_V: what it passes on when it is chosen.
//
// With more than one head (tf.heads), each of the three is cut into
// heads of d_head numbers that attend independently. The check at the end
// recomputes one query number from the formula.
//
// (The seed notes here that each token has 8 dims and suspects the 16 of
// its diagram is wrong. Both are possible sizes of the same model;
// chapter 2.1b trains each and compares them.)
func attnQKV(c *notebook.Cell) error {
	v, err := d5Window(c)
	if err != nil {
		return err
	}
	m, tr := v.M, v.Trace
	if err := showVectors(c, m, "tf/", []string{"blocks.0.ln1.w", "blocks.0.ln1.b",
		"blocks.0.attn.b_Q", "blocks.0.attn.b_K", "blocks.0.attn.b_V"}); err != nil {
		return err
	}
	if err := showMatrices(c, m, "tf/", "tf/blocks.0.attn.W_QKV",
		[]string{"blocks.0.attn.W_Q", "blocks.0.attn.W_K", "blocks.0.attn.W_V"}); err != nil {
		return err
	}
	for _, name := range []string{"blocks.0.ln1.hook_normalized", "blocks.0.attn.hook_q",
		"blocks.0.attn.hook_k", "blocks.0.attn.hook_v"} {
		if err := showActivation(c, v, "tf/", name); err != nil {
			return err
		}
	}
	got, want := tr.Get("blocks.0.attn.hook_q").At(0, 0, 0), queryByHand(m, tr, 0, 0, 0)
	c.Printf("q[position 0, head 0, number 0]: the model says %.6f, x W_Q + b_Q by hand gives %.6f\n", got, want)
	return nil
}

// Each query is compared with every key by a dot product, scaled by
// 1/sqrt(d_head) so that the scores do not grow with the head's size.
// Causal attention forbids looking ahead: the score of a key after its
// query is set to minus infinity (hatched in the first figure), so that
// the softmax gives it weight exactly 0. The softmax turns each query's row
// of scores into weights that are positive and add up to 1: the attention
// pattern, one heatmap per head, queries down and keys across.
//
// The seed's "neighbours in meaning" are these rows: a row says which
// earlier characters a position takes information from, and how much.
func attnPattern(c *notebook.Cell) error {
	v, err := d5Window(c)
	if err != nil {
		return err
	}
	tr := v.Trace
	scores, pattern := tr.Get("blocks.0.attn.hook_attn_scores"),
		tr.Get("blocks.0.attn.hook_pattern")
	if err := showHeads(c, v, "tf/blocks.0.attn.hook_attn_scores", scores, "score",
		true); err != nil {
		return err
	}
	if err := showHeads(c, v, "tf/blocks.0.attn.hook_pattern", pattern, "weight",
		false); err != nil {
		return err
	}
	T := len(v.Tokens)
	c.Printf("each row of the pattern adds up to 1 (largest error %.1g); above the diagonal it is exactly 0: %v\n",
		rowSumError(pattern), upperIsZero(pattern))
	for h := range pattern.Shape[0] {
		k := argmaxOf(row(pattern.Slice(h), T-1))
		c.Printf("head %d: the last position (%q) takes most from position %d (%q), weight %.2f\n",
			h, v.Window[T-1], k, v.Window[k], pattern.At(h, T-1, k))
	}
	return nil
}

// The weighted sum: each position's z is its row of weights times the
// values, z[t] = Σ_s pattern[t, s] v[s], for each head. The output
// projection W_O (with bias b_O) maps the heads' z back to d_model numbers,
// hook_attn_out, and the block adds them to the residual stream:
// hook_resid_mid = hook_resid_pre + hook_attn_out. Adding rather than
// replacing means a position keeps its own character and place, and
// attention only adds what it gathered.
func attnMix(c *notebook.Cell) error {
	v, err := d5Window(c)
	if err != nil {
		return err
	}
	m, tr := v.M, v.Trace
	if err := showMatrices(c, m, "tf/", "tf/blocks.0.attn.W_O-tiles",
		[]string{"blocks.0.attn.W_O"}); err != nil {
		return err
	}
	if err := showVectors(c, m, "tf/", []string{"blocks.0.attn.b_O"}); err != nil {
		return err
	}
	for _, name := range []string{"blocks.0.attn.hook_z", "blocks.0.hook_attn_out",
		"blocks.0.hook_resid_mid"} {
		if err := showActivation(c, v, "tf/", name); err != nil {
			return err
		}
	}
	z := weightedSum(tr.Get("blocks.0.attn.hook_pattern"), tr.Get("blocks.0.attn.hook_v"))
	c.Printf("z recomputed as pattern × v: largest difference from hook_z %.2g\n",
		maxAbsDiff(z, f64(tr.Get("blocks.0.attn.hook_z").Data)))
	mid := addRows(tr.Get("blocks.0.hook_resid_pre"), tr.Get("blocks.0.hook_attn_out"))
	c.Printf("resid_pre + attn_out: largest difference from hook_resid_mid %.2g\n",
		maxAbsDiff(mid, f64(tr.Get("blocks.0.hook_resid_mid").Data)))
	return nil
}

// The seed disagrees with calling softmax part of the network's
// non-linearity: it is non-linear in which neighbours are chosen, the seed
// says, but the context it computes from them is linear. Both halves can
// be tested on this window.
//
// First, keep the attention weights fixed and double the values: if the
// mixing is linear, z doubles exactly. Second, keep everything else fixed
// and scale one key, the one the last position attends to most, by a
// factor from -2 to 3: if the weights were linear in the key they would
// move along straight lines. The figure shows how they move instead.
//
// Both halves hold, with a caveat the second figure makes plain: the
// weights are computed from the same inputs as the values, so attention as
// a whole (input in, z out) is not a linear function of its input. The
// seed's split is right about the parts; it is the choice of weights that
// carries the non-linearity.
func attnLinearity(c *notebook.Cell) error {
	v, err := d5Window(c)
	if err != nil {
		return err
	}
	tr := v.Trace
	pattern, vals := tr.Get("blocks.0.attn.hook_pattern"), tr.Get("blocks.0.attn.hook_v")
	z1 := weightedSum(pattern, vals)
	z2 := weightedSum(pattern, scaled(vals, 2))
	c.Printf("fixed weights, values doubled: largest |z(2v) - 2 z(v)| = %.2g (linear: doubles exactly, up to rounding)\n",
		maxAbsDiff(z2, scaledF(z1, 2)))

	T := len(v.Tokens)
	key := argmaxOf(row(pattern.Slice(0), T-1)) // the key head 0's last query likes best
	factors, weights := moveKey(tr, 0, T-1, key, -2, 3, 51)
	series := make([]plots.Series, T)
	for s := range T {
		series[s] = plots.Series{Name: fmt.Sprintf("key %d %q", s, v.Window[s]), X: factors,
			Y: weights[s]}
	}
	fig := plots.Lines(series,
		plots.Title(fmt.Sprintf("weights of the last query as key %d is scaled", key)),
		plots.XLabel(fmt.Sprintf("factor on key %d", key)), plots.YLabel("attention weight"))
	if err := c.Figure("tf/attn-move-key", fig, fmt.Sprintf(
		"Attention weights of the last query (head 0) for every key, as key %d is multiplied by factors from -2 to 3; the curves bend rather than running straight.", key),
		"Factor 1 is the model as trained; factor 0 removes the key's direction entirely."); err != nil {
		return err
	}
	c.Table(straightLineTable(factors, weights[key], key))
	return nil
}

// After attention the block hands each position, on its own, to a small
// two-layer network: the FFN (the seed's "storyline" step). It
// normalises the row again (ln2), multiplies it by W_in (d_model to tf.ff
// numbers, plus b_in): that is mlp.hook_pre; it applies GELU to each of
// those numbers: mlp.hook_post, the hidden activations; and W_out (plus
// b_out) maps them back to d_model numbers, hook_mlp_out. The block adds
// that to the residual stream: hook_resid_post = hook_resid_mid +
// hook_mlp_out.
//
// Unlike attention, the FFN never looks at other positions; whatever it
// knows about the context came in through attention. The tall heatmap
// shows the hidden activations after GELU (mlp.hook_post), one column per
// position of the window and one row per hidden neuron; mlp.hook_pre, the
// same before GELU, is saved beside it. The table compares the lengths of
// the rows going in and of what each half of the block adds.
func ffnHidden(c *notebook.Cell) error {
	v, err := d5Window(c)
	if err != nil {
		return err
	}
	m, tr := v.M, v.Trace
	c.Printf("this build's FFN: %d inputs, %d hidden neurons, %d outputs (the seed's D5: 16, 64, 16)\n",
		m.Config.DModel, m.Config.FF, m.Config.DModel)
	if err := showVectors(c, m, "tf/", []string{"blocks.0.ln2.w", "blocks.0.ln2.b",
		"blocks.0.mlp.b_in", "blocks.0.mlp.b_out"}); err != nil {
		return err
	}
	if err := showActivation(c, v, "tf/", "blocks.0.ln2.hook_normalized"); err != nil {
		return err
	}
	for _, name := range []string{"blocks.0.mlp.W_in", "blocks.0.mlp.W_out"} {
		if err := showTensor(c, "tf/"+name, weight(m, name), heat{Signed: true, Title: name,
			Scale:  "weight",
			XLabel: "output", YLabel: "input"}); err != nil {
			return err
		}
	}
	if err := c.Tensor("tf/blocks.0.mlp.hook_pre", tr.Get("blocks.0.mlp.hook_pre"),
		notebook.NoImage(), notebook.NoGrid()); err != nil {
		return err
	}
	if err := showHidden(c, v, "tf/blocks.0.mlp.hook_post",
		tr.Get("blocks.0.mlp.hook_post")); err != nil {
		return err
	}
	for _, name := range []string{"blocks.0.hook_mlp_out", "blocks.0.hook_resid_post"} {
		if err := showActivation(c, v, "tf/", name); err != nil {
			return err
		}
	}
	post := addRows(tr.Get("blocks.0.hook_resid_mid"), tr.Get("blocks.0.hook_mlp_out"))
	c.Printf("resid_mid + mlp_out: largest difference from hook_resid_post %.2g\n",
		maxAbsDiff(post, f64(tr.Get("blocks.0.hook_resid_post").Data)))
	c.Table(ffnShareTable(v))
	return nil
}

// GELU is the FFN's non-linearity: GELU(x) = x Φ(x), where Φ is the
// standard normal's cumulative distribution, Φ(x) = (1 + erf(x/√2))/2.
// The model uses this exact form, not the tanh approximation. For large
// positive x it is almost x, for large negative x almost 0, like D4's ReLU,
// but it is smooth and dips slightly below zero for small negative x.
// The check recomputes every hidden activation of the window from its
// pre-activation with the formula.
func geluCurve(c *notebook.Cell) error {
	v, err := d5Window(c)
	if err != nil {
		return err
	}
	xs := linspace(-4, 4, 161)
	fig := plots.Lines([]plots.Series{
		{Name: "GELU (exact, erf)", X: xs, Y: mapped(xs, gelu)},
		{Name: "ReLU (D4)", X: xs, Y: mapped(xs, func(x float64) float64 {
			return math.Max(0,
				x)
		})},
	}, plots.Title("GELU and ReLU"), plots.XLabel("x"), plots.YLabel("activation"))
	if err := c.Figure("tf/gelu", fig,
		"Line plot of GELU(x) = x Φ(x) and ReLU(x) for x from -4 to 4; GELU is smooth and dips just below zero for negative x.", ""); err != nil {
		return err
	}
	lo := minimumOf(gelu, -3, 0)
	c.Printf("GELU's lowest value is %.4f, at x = %.4f\n", gelu(lo), lo)
	pre, post := v.Trace.Get("blocks.0.mlp.hook_pre"), v.Trace.Get("blocks.0.mlp.hook_post")
	c.Printf("hook_post - GELU(hook_pre) over the window: largest difference %.2g\n",
		maxAbsDiff(f64(post.Data), mapped(f64(pre.Data), gelu)))
	c.Printf("%d of the %d pre-activations are negative; GELU turns them into values in [%.3f, 0)\n",
		countBelow(pre.Data, 0), len(pre.Data), gelu(lo))
	return nil
}

// The seed's example of what the FFN is for: "pretty" means one thing in
// "pretty far" and another in "pretty flower", and only a non-linear
// detector can pick out such combinations. Here it is an experiment. A
// separate model (prefix "pretty/") learns a short text written for it, in
// which "pretty far" follows verbs of going ("we walked pretty far") and
// "a pretty flower" follows an object ("she picked a pretty flower"). The
// model has the shape of this build's, but one block, a window of 16
// characters, so that the words before "pretty" are in view, and 3000
// steps, since the pattern takes longer to learn than "hello world".
//
// The test is at the character after "pretty f": the next one is "a" for
// far and "l" for flower, so the model can only be right if it used the
// earlier words. For every such place in the text, and for sentences the
// model never saw, the code reads the FFN's hidden activations there and
// ranks the neurons by how well they tell the two apart (the difference
// of the two means in units of their spread, d'). Then it switches the
// best neurons off, zeroing their rows of W_out in a copy of the model,
// and counts how many of the predictions survive; switching off as many of
// the worst-ranked neurons is the control.
func prettyNeurons(c *notebook.Cell) error {
	m, err := trainTF(c, "pretty/", prettyConfig(c), prettyText)
	if err != nil {
		return err
	}
	c.Printf("training text (%d characters, final loss %.3f):\n%s\n", len([]rune(prettyText)),
		m.FinalLoss, prettyText)
	cases, err := prettyCases(m, prettyText, prettyHeldOut)
	if err != nil {
		return err
	}
	rank := rankNeurons(cases) // best separating first
	top := rank[:min(6, len(rank))]
	c.Table(prettyNeuronTable(cases, top))
	if err := prettyHeatmap(c, "pretty/mlp.hook_post-after-pretty-f", cases, top); err != nil {
		return err
	}
	ablation, err := prettyAblationTable(m, cases, rank)
	if err != nil {
		return err
	}
	c.Table(ablation)
	return c.Tensor("pretty/blocks.0.mlp.W_out", weight(m, "blocks.0.mlp.W_out"), notebook.Signed(),
		notebook.NoGrid(), notebook.ScaleLabel("weight"),
		notebook.Caption("The pretty model's W_out (d_mlp, d_model): row n is what hidden neuron n adds to the residual stream."))
}
