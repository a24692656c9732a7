package chapters

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"tinynets/pkg/notebook"
	"tinynets/pkg/plots"
	"tinynets/pkg/tensor"
	"tinynets/pkg/tf"
)

// The "pretty far" / "pretty flower" experiment of section 2.2.3-D5.

// prettyText is the experiment's training text, written for it: "pretty
// far" after verbs of going, "a pretty flower" after verbs that take an
// object. Both continue "pretty f", so the letter after it can only be
// predicted from the words before "pretty".
const prettyText = "we walked pretty far. she picked a pretty flower. the boat went pretty far. " +
	"he found a pretty flower. they drove pretty far. i drew a pretty flower. " +
	"the birds flew pretty far. you grew a pretty flower. we swam pretty far. " +
	"she wore a pretty flower. the road ran pretty far. he sent a pretty flower. " +
	"he rode pretty far. we saw a pretty flower. she sailed pretty far. they sold a pretty flower. " +
	"the ball rolled pretty far. i held a pretty flower. the kite went pretty far. you gave a pretty flower. "

// prettyHeldOut are sentences the model never saw, each ending in "pretty
// f", with the letter that would come next. Even their last 16 characters,
// all the model reads, are nowhere in prettyText.
var prettyHeldOut = []struct {
	Text string
	Next rune
}{
	{"we hiked pretty f", 'a'}, {"they moved pretty f", 'a'}, {"the kid ran pretty f", 'a'}, {"the cars went pretty f", 'a'},
	{"we bought a pretty f", 'l'}, {"she kept a pretty f", 'l'}, {"they cut a pretty f", 'l'}, {"i liked a pretty f", 'l'},
}

// prettyConfig is this build's model shape with one block, a 16-character
// window and 3000 steps.
func prettyConfig(c *notebook.Cell) tf.Config {
	cfg := tfConfig(c)
	cfg.Block, cfg.Layers, cfg.Steps = 16, 1, 3000
	return cfg
}

// prettyCase is one place where "pretty f" has just been read.
type prettyCase struct {
	Window string    // what the model read, ending in "pretty f"
	Next   rune      // the true next letter: 'a' (far) or 'l' (flower)
	New    bool      // a held-out sentence, not in the training text
	Post   []float64 // mlp.hook_post at the last position, (d_mlp)
}

func (p prettyCase) far() bool { return p.Next == 'a' }

func (p prettyCase) label() string {
	word := "flower"
	if p.far() {
		word = "far"
	}
	s := fmt.Sprintf("%s -> %s", p.Window, word)
	if p.New {
		s = "new: " + s
	}
	return s
}

// prettyCases finds every "pretty f" of text and adds the held-out
// sentences, each read in a window of at most the model's block.
func prettyCases(m *tf.Model, text string, held []struct {
	Text string
	Next rune
}) ([]prettyCase, error) {
	var out []prettyCase
	add := func(window []rune, next rune, isNew bool) error {
		if n := m.Config.Block; len(window) > n {
			window = window[len(window)-n:]
		}
		if isNew && strings.Contains(text, string(window)) {
			return fmt.Errorf("the held-out window %q is in the training text: it is not new", string(window))
		}
		ids, err := m.Vocab.Encode(string(window), "pretty text")
		if err != nil {
			return err
		}
		post := m.Forward(ids).Get("blocks.0.mlp.hook_post") // (pos, d_mlp)
		out = append(out, prettyCase{Window: string(window), Next: next, New: isNew, Post: lastRow(post)})
		return nil
	}
	r := []rune(text)
	const key = "pretty f"
	for i := len(key); i < len(r); i++ {
		if string(r[i-len(key):i]) == key {
			if err := add(r[:i], r[i], false); err != nil {
				return nil, err
			}
		}
	}
	for _, h := range held {
		if err := add([]rune(h.Text), h.Next, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// neuronScore is how well one hidden neuron separates far from flower.
type neuronScore struct {
	Neuron                  int
	DPrime                  float64 // (mean far - mean flower) / pooled std, on the training text
	FarMean, FlowerMean     float64 // training text
	NewFarMean, NewFlowMean float64 // held-out sentences
	NewRight, NewTotal      int     // held-out cases on the right side of the midpoint
}

// rankNeurons scores every hidden neuron on the training cases and
// returns them best separating first (largest |d'|).
func rankNeurons(cases []prettyCase) []neuronScore {
	FF := len(cases[0].Post)
	scores := make([]neuronScore, FF)
	d := make([]float64, FF)
	for n := range FF {
		var far, flower, newFar, newFlower []float64
		for _, p := range cases {
			switch {
			case !p.New && p.far():
				far = append(far, p.Post[n])
			case !p.New:
				flower = append(flower, p.Post[n])
			case p.far():
				newFar = append(newFar, p.Post[n])
			default:
				newFlower = append(newFlower, p.Post[n])
			}
		}
		mf, vf := meanVar(far)
		ml, vl := meanVar(flower)
		s := neuronScore{Neuron: n, DPrime: (mf - ml) / math.Sqrt((vf+vl)/2+1e-12), FarMean: mf, FlowerMean: ml}
		s.NewFarMean, _ = meanVar(newFar)
		s.NewFlowMean, _ = meanVar(newFlower)
		mid := (mf + ml) / 2
		for _, x := range newFar {
			if (x > mid) == (mf > ml) {
				s.NewRight++
			}
		}
		for _, x := range newFlower {
			if (x > mid) != (mf > ml) {
				s.NewRight++
			}
		}
		s.NewTotal = len(newFar) + len(newFlower)
		scores[n], d[n] = s, s.DPrime
	}
	out := make([]neuronScore, FF)
	for i, n := range sortedByAbs(d) {
		out[i] = scores[n]
	}
	return out
}

// meanVar returns the mean and the (population) variance of x.
func meanVar(x []float64) (mean, variance float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(len(x))
}

func prettyNeuronTable(cases []prettyCase, top []neuronScore) notebook.Table {
	t := notebook.Table{Caption: "The hidden neurons that best tell \"pretty far\" from \"pretty flower\", read after \"pretty f\"",
		Header: []string{"neuron", "d' (training text)", "mean before far", "mean before flower",
			"new sentences: far", "new sentences: flower", "new sentences on the right side"}}
	for _, s := range top {
		t.Rows = append(t.Rows, []string{fmt.Sprint(s.Neuron), fmt.Sprintf("%+.1f", s.DPrime),
			fmt.Sprintf("%.3f", s.FarMean), fmt.Sprintf("%.3f", s.FlowerMean),
			fmt.Sprintf("%.3f", s.NewFarMean), fmt.Sprintf("%.3f", s.NewFlowMean),
			fmt.Sprintf("%d of %d", s.NewRight, s.NewTotal)})
	}
	return t
}

// prettyHeatmap draws the top neurons' activations for every case, the
// far cases first, then the flower ones, then the same for new sentences.
func prettyHeatmap(c *notebook.Cell, name string, cases []prettyCase, top []neuronScore) error {
	cases = append([]prettyCase(nil), cases...)
	group := func(p prettyCase) int {
		g := 0
		if p.New {
			g = 2
		}
		if !p.far() {
			g++
		}
		return g
	}
	sort.SliceStable(cases, func(i, j int) bool { return group(cases[i]) < group(cases[j]) })
	vals := tensor.New(len(cases), len(top))
	labels := make([]string, len(cases))
	cols := make([]string, len(top))
	for j, s := range top {
		cols[j] = fmt.Sprint(s.Neuron)
	}
	for i, p := range cases {
		labels[i] = p.label()
		for j, s := range top {
			vals.Set(float32(p.Post[s.Neuron]), i, j)
		}
	}
	fig := plots.Heatmap(vals, plots.Unsigned(), plots.XTicks(cols...), plots.YTicks(labels...),
		plots.CellSize(16), plots.Annotate("%.2f"), plots.XLabel("hidden neuron"),
		plots.Title("activation after \"pretty f\""), plots.ScaleLabel("GELU output"))
	return c.Figure(name, fig, "Heatmap of the best-separating hidden neurons' activations (columns) at the letter after \"pretty f\", one row per place in the text and per new sentence.",
		"Each row is labelled with the characters the model read (its window) and the word that really follows. Rows marked new: are sentences the model never saw.")
}

// prettyOutcome counts a model's right guesses of the letter after
// "pretty f" on the training cases and on the new ones.
type prettyOutcome struct {
	Right, Total, NewRight, NewTotal int
	MeanProb                         float64 // mean probability of the right letter, all cases
}

func prettyScore(m *tf.Model, cases []prettyCase) (prettyOutcome, error) {
	var o prettyOutcome
	for _, p := range cases {
		ids, err := m.Vocab.Encode(p.Window, "pretty text")
		if err != nil {
			return o, err
		}
		probs := lastRow(m.Forward(ids).Get("probs"))
		want, _ := m.Vocab.Encode(string(p.Next), "pretty text")
		right := argmaxOf(probs) == want[0]
		o.MeanProb += probs[want[0]] / float64(len(cases))
		if p.New {
			o.NewTotal++
			if right {
				o.NewRight++
			}
		} else {
			o.Total++
			if right {
				o.Right++
			}
		}
	}
	return o, nil
}

// withoutNeurons returns a copy of m whose listed hidden neurons add
// nothing: their rows of W_out are zero.
func withoutNeurons(m *tf.Model, neurons []int) (*tf.Model, error) {
	data, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	cp, err := tf.Unmarshal(data)
	if err != nil {
		return nil, err
	}
	wOut := weight(cp, "blocks.0.mlp.W_out") // (d_mlp, d_model), shares cp's storage
	D := wOut.Shape[1]
	for _, n := range neurons {
		clear(wOut.Data[n*D : (n+1)*D])
	}
	return cp, nil
}

// prettyAblationTable switches off the k best and the k worst separating
// neurons, for a few k, and scores each copy.
func prettyAblationTable(m *tf.Model, cases []prettyCase, rank []neuronScore) (notebook.Table, error) {
	t := notebook.Table{Caption: "Predictions of the letter after \"pretty f\" with neurons switched off",
		Header: []string{"neurons switched off", "right on the training text", "right on new sentences", "mean probability of the right letter"}}
	addRow := func(what string, neurons []int) error {
		cp, err := withoutNeurons(m, neurons)
		if err != nil {
			return err
		}
		o, err := prettyScore(cp, cases)
		if err != nil {
			return err
		}
		t.Rows = append(t.Rows, []string{what, fmt.Sprintf("%d of %d", o.Right, o.Total),
			fmt.Sprintf("%d of %d", o.NewRight, o.NewTotal), fmt.Sprintf("%.2f", o.MeanProb)})
		return nil
	}
	if err := addRow("none", nil); err != nil {
		return t, err
	}
	for _, k := range []int{1, 3, 8} {
		if k > len(rank)/2 {
			break
		}
		best, worst := make([]int, k), make([]int, k)
		for i := range k {
			best[i], worst[i] = rank[i].Neuron, rank[len(rank)-1-i].Neuron
		}
		if err := addRow(fmt.Sprintf("the %d best separating %s", k, neuronList(best)), best); err != nil {
			return t, err
		}
		if err := addRow(fmt.Sprintf("the %d worst separating %s", k, neuronList(worst)), worst); err != nil {
			return t, err
		}
	}
	return t, nil
}

func neuronList(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
