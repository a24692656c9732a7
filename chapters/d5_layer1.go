package chapters

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot/vg"

	"tinynets/pkg/notebook"
	"tinynets/pkg/plots"
	"tinynets/pkg/tensor"
	"tinynets/pkg/tf"
)

// Helpers of the D5 sections of chapter 2.2 (attention and FFN): drawing
// groups of tensors, and the small recomputations the sections check the
// model against.

// showVectors captures each named 1-D (or one-row) weight of m under
// prefix+name, listed as its values (no drawing).
func showVectors(c *notebook.Cell, m *tf.Model, prefix string, names []string) error {
	var missing []string
	for _, name := range names {
		if !hasWeight(m, name) {
			missing = append(missing, name)
			continue
		}
		if err := c.Tensor(prefix+name, weight(m, name), notebook.NoImage(), notebook.Format("%.3f")); err != nil {
			return err
		}
	}
	noteMissing(c, missing)
	return nil
}

func noteMissing(c *notebook.Cell, missing []string) {
	if len(missing) > 0 {
		c.Printf("this model has no LayerNorm (tf.norm=none), so there is no %s\n", strings.Join(missing, ", "))
	}
}

// showMatrices draws the per-head matrices of the named weights (each
// (n_heads, rows, cols)) as tiles sharing one colour scale, in one figure
// called fig, and captures each weight under prefix+name.
func showMatrices(c *notebook.Cell, m *tf.Model, prefix, fig string, names []string) error {
	var data []float32
	var caps []string
	var rows, cols int
	for _, name := range names {
		w := weight(m, name) // (n_heads, rows, cols)
		rows, cols = w.Shape[1], w.Shape[2]
		data = append(data, w.Data...)
		for h := range w.Shape[0] {
			short := name[strings.LastIndex(name, ".")+1:]
			if w.Shape[0] == 1 {
				caps = append(caps, short)
			} else {
				caps = append(caps, fmt.Sprintf("%s head %d", short, h))
			}
		}
	}
	tiles := tensor.FromSlice(data, len(caps), rows, cols)
	perRow := tileColumns(len(caps), len(names))
	cell := min(vg.Length(9), (460/vg.Length(perRow)-8)/vg.Length(cols))
	f := plots.Tiles(tiles, plots.Signed(), plots.Captions(caps...), plots.ScaleLabel("weight"),
		plots.Columns(perRow), plots.CellSize(cell))
	if err := c.Figure(fig, f, fmt.Sprintf("Heatmaps of %v, one tile per head and matrix, on one colour scale.", names),
		fmt.Sprintf("Each tile is (%d, %d): rows are the numbers going in, columns the numbers coming out.", rows, cols)); err != nil {
		return err
	}
	for _, name := range names {
		if err := c.Tensor(prefix+name, weight(m, name), notebook.NoImage(), notebook.NoGrid()); err != nil {
			return err
		}
	}
	return nil
}

// showActivation draws the window's activation called name, one row per
// character, and captures it under prefix+name. A (pos, n_heads, d_head)
// activation is drawn with its heads side by side.
func showActivation(c *notebook.Cell, v *d5View, prefix, name string) error {
	t, ok := v.Trace.Lookup(name)
	if !ok {
		noteMissing(c, []string{name})
		return nil
	}
	h := heat{Y: v.Labels, Signed: true, XLabel: "dimension"}
	switch len(t.Shape) {
	case 2:
		h.Title = name + " (pos, d_model)"
	case 3:
		h.Shape = []int{t.Shape[0], t.Shape[1] * t.Shape[2]}
		h.Title = name + " (pos, n_heads, d_head)"
		if t.Shape[1] > 1 {
			h.XLabel = fmt.Sprintf("head × d_head (%d heads of %d)", t.Shape[1], t.Shape[2])
		}
	}
	return showTensor(c, prefix+name, t, h)
}

// showHeads draws an (n_heads, query_pos, key_pos) activation as one
// heatmap per head with the window's characters on both axes, and
// captures it under name.
func showHeads(c *notebook.Cell, v *d5View, name string, t *tensor.Tensor, scale string, signed bool) error {
	H, T := t.Shape[0], t.Shape[1]
	for h := range H {
		opts := []plots.Option{plots.XTicks(v.Labels...), plots.YTicks(v.Labels...),
			plots.XLabel("key (this or an earlier character)"), plots.YLabel("query"), plots.ScaleLabel(scale),
			plots.CellSize(labelCell(T, T, true))}
		if signed {
			opts = append(opts, plots.Signed())
		} else {
			opts = append(opts, plots.Unsigned(), plots.Range(0, 1))
		}
		if T <= 10 {
			opts = append(opts, plots.Annotate("%.2f"))
		}
		fig, title := name, afterPrefix(name)
		if H > 1 {
			fig, title = fmt.Sprintf("%s-head%d", name, h), fmt.Sprintf("%s, head %d", title, h)
		}
		opts = append(opts, plots.Title(title))
		alt := fmt.Sprintf("Heatmap of %s for head %d: rows are queries, columns keys, both labelled with the window's characters", name, h)
		if signed {
			alt += "; entries above the diagonal are masked (hatched)"
		}
		if err := c.Figure(fig, plots.Heatmap(t.Slice(h), opts...), alt+".", ""); err != nil {
			return err
		}
	}
	return c.Tensor(name, t, notebook.NoImage(), notebook.NoGrid())
}

// showHidden draws a (pos, d_mlp) activation transposed, one row per
// hidden neuron and one column per character, and captures it under name.
func showHidden(c *notebook.Cell, v *d5View, name string, t *tensor.Tensor) error {
	T, FF := t.Shape[0], t.Shape[1]
	tt := tensor.New(FF, T) // (d_mlp, pos)
	for p := range T {
		for n := range FF {
			tt.Set(t.At(p, n), n, p)
		}
	}
	cell := vg.Length(11) // wide enough for a character label per column
	if FF*11 > 720 {
		cell = 720 / vg.Length(FF)
	}
	short := afterPrefix(name)
	fig := plots.Heatmap(tt, plots.Unsigned(), plots.XTicks(v.Labels...), plots.CellSize(cell),
		plots.XLabel("position"), plots.YLabel("hidden neuron"), plots.Title(short), plots.ScaleLabel("activation"))
	if err := c.Figure(name, fig, fmt.Sprintf("Heatmap of %s transposed: %d hidden neurons down, the window's %d characters across.", name, FF, T), ""); err != nil {
		return err
	}
	return c.Tensor(name, t, notebook.NoImage(), notebook.NoGrid())
}

// queryByHand recomputes hook_q[t, h, j] from the attention input and
// W_Q, b_Q.
func queryByHand(m *tf.Model, tr *tf.Trace, t, h, j int) float32 {
	x, ok := tr.Lookup("blocks.0.ln1.hook_normalized")
	if !ok {
		x = tr.Get("blocks.0.hook_resid_pre")
	}
	WQ, bQ := weight(m, "blocks.0.attn.W_Q"), weight(m, "blocks.0.attn.b_Q") // (H, D, Dh), (H, Dh)
	sum := float64(bQ.At(h, j))
	for i := range x.Shape[1] {
		sum += float64(x.At(t, i)) * float64(WQ.At(h, i, j))
	}
	return float32(sum)
}

// rowSumError is the largest |Σ_k pattern[h, q, k] - 1|.
func rowSumError(p *tensor.Tensor) float64 {
	H, T := p.Shape[0], p.Shape[1]
	worst := 0.0
	for h := range H {
		for q := range T {
			s := 0.0
			for k := range T {
				s += float64(p.At(h, q, k))
			}
			worst = math.Max(worst, math.Abs(s-1))
		}
	}
	return worst
}

// upperIsZero reports whether every weight of a key after its query is 0.
func upperIsZero(p *tensor.Tensor) bool {
	H, T := p.Shape[0], p.Shape[1]
	for h := range H {
		for q := range T {
			for k := q + 1; k < T; k++ {
				if p.At(h, q, k) != 0 {
					return false
				}
			}
		}
	}
	return true
}

// weightedSum returns z[t, h, :] = Σ_s pattern[h, t, s] v[s, h, :], as a
// flat (pos, n_heads, d_head) slice; pattern is (H, T, T), v (T, H, Dh).
func weightedSum(pattern, v *tensor.Tensor) []float64 {
	H, T, Dh := pattern.Shape[0], pattern.Shape[1], v.Shape[2]
	z := make([]float64, T*H*Dh)
	for t := range T {
		for h := range H {
			for s := range T {
				w := float64(pattern.At(h, t, s))
				for j := range Dh {
					z[(t*H+h)*Dh+j] += w * float64(v.At(s, h, j))
				}
			}
		}
	}
	return z
}

// scaled returns a copy of t times s.
func scaled(t *tensor.Tensor, s float32) *tensor.Tensor {
	out := t.Clone()
	for i := range out.Data {
		out.Data[i] *= s
	}
	return out
}

// scaledF returns x times s.
func scaledF(x []float64, s float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v * s
	}
	return out
}

// moveKey recomputes head h's attention weights of query q while key is
// multiplied by each of n factors from lo to hi. weights[s][i] is the
// weight of key s at factors[i]; keys after q get 0.
func moveKey(tr *tf.Trace, h, q, key int, lo, hi float64, n int) (factors []float64, weights [][]float64) {
	qs, ks := tr.Get("blocks.0.attn.hook_q"), tr.Get("blocks.0.attn.hook_k") // (T, H, Dh)
	T, Dh := ks.Shape[0], ks.Shape[2]
	factors = linspace(lo, hi, n)
	weights = make([][]float64, T)
	for s := range weights {
		weights[s] = make([]float64, n)
	}
	for i, f := range factors {
		scores := make([]float64, q+1)
		for s := range scores {
			dot := 0.0
			for j := range Dh {
				k := float64(ks.At(s, h, j))
				if s == key {
					k *= f
				}
				dot += float64(qs.At(q, h, j)) * k
			}
			scores[s] = dot / math.Sqrt(float64(Dh))
		}
		for s, p := range softmax(scores) {
			weights[s][i] = p
		}
	}
	return factors, weights
}

// softmax returns exp(x - max) normalised to sum 1.
func softmax(x []float64) []float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	out := make([]float64, len(x))
	sum := 0.0
	for i, v := range x {
		out[i] = math.Exp(v - m)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// at returns ys at the x of xs closest to x.
func at(xs, ys []float64, x float64) float64 {
	best := 0
	for i := range xs {
		if math.Abs(xs[i]-x) < math.Abs(xs[best]-x) {
			best = i
		}
	}
	return ys[best]
}

// linspace returns n evenly spaced numbers from a to b.
func linspace(a, b float64, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	return x
}

// mapped returns f of each x.
func mapped(xs []float64, f func(float64) float64) []float64 {
	y := make([]float64, len(xs))
	for i, x := range xs {
		y[i] = f(x)
	}
	return y
}

// gelu is the exact GELU, x Φ(x).
func gelu(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }

// minimumOf returns where f is lowest on [a, b], by golden-section search
// (f is unimodal there).
func minimumOf(f func(float64) float64, a, b float64) float64 {
	g := (math.Sqrt(5) - 1) / 2
	for range 200 {
		x1, x2 := b-g*(b-a), a+g*(b-a)
		if f(x1) < f(x2) {
			b = x2
		} else {
			a = x1
		}
	}
	return (a + b) / 2
}

// countBelow counts the values below x.
func countBelow(data []float32, x float32) int {
	n := 0
	for _, v := range data {
		if v < x {
			n++
		}
	}
	return n
}

// norm is the Euclidean length of row i of a (rows, cols) tensor.
func norm(t *tensor.Tensor, i int) float64 {
	s := 0.0
	for _, v := range row(t, i) {
		s += v * v
	}
	return math.Sqrt(s)
}

// ffnShareTable lists, per position, the lengths of the residual stream
// before the block and of what attention and the FFN add to it.
func ffnShareTable(v *d5View) notebook.Table {
	pre, att := v.Trace.Get("blocks.0.hook_resid_pre"), v.Trace.Get("blocks.0.hook_attn_out")
	mlp, post := v.Trace.Get("blocks.0.hook_mlp_out"), v.Trace.Get("blocks.0.hook_resid_post")
	t := notebook.Table{Caption: "How much each step adds to the residual stream (Euclidean length of each row)",
		Header: []string{"position", "character", "resid_pre", "attn_out", "mlp_out", "resid_post"}}
	for p := range v.Tokens {
		t.Rows = append(t.Rows, []string{fmt.Sprint(p), quoted(string(v.Window[p])),
			fmt.Sprintf("%.2f", norm(pre, p)), fmt.Sprintf("%.2f", norm(att, p)),
			fmt.Sprintf("%.2f", norm(mlp, p)), fmt.Sprintf("%.2f", norm(post, p))})
	}
	return t
}

// sortedByAbs returns the indexes of x ordered by |x| descending, lower
// index first on a tie.
func sortedByAbs(x []float64) []int {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return math.Abs(x[idx[a]]) > math.Abs(x[idx[b]]) })
	return idx
}

// straightLineTable compares a key's attention weight at a few factors
// with the straight line through its values at factors 0 and 1.
func straightLineTable(factors, w []float64, key int) notebook.Table {
	w0, w1 := at(factors, w, 0), at(factors, w, 1)
	t := notebook.Table{Caption: fmt.Sprintf("Weight of key %d: the real curve and a straight line through factors 0 and 1", key),
		Header: []string{"factor", "weight", "straight line"}}
	for _, f := range []float64{-2, -1, 0, 1, 2, 3} {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("%g", f), fmt.Sprintf("%.3f", at(factors, w, f)), fmt.Sprintf("%.3f", w0+f*(w1-w0))})
	}
	return t
}

// afterPrefix returns a tensor name without its model prefix ("tf/").
func afterPrefix(name string) string { return name[strings.Index(name, "/")+1:] }

// tileColumns lays out one row per matrix when there are several heads,
// and the matrices side by side when there is one.
func tileColumns(tiles, matrices int) int {
	if heads := tiles / matrices; heads > 1 {
		return heads
	}
	return tiles
}
