package chapters

import (
	"math"
	"strings"
	"testing"

	"tinynets/pkg/tf"
)

// helloModel trains the default D5 on "hello world" (a fraction of a second).
func helloModel(t *testing.T) *tf.Model {
	t.Helper()
	m, err := tf.Train(tf.DefaultConfig(), "hello world", nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCharLabel(t *testing.T) {
	v, _ := tf.NewVocab("ab c\n")
	got := charLabels(v, []rune("a \n"))
	if want := []string{"a", "_", `\n`}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("labels %q, want %q", got, want)
	}
	u, _ := tf.NewVocab("a_b c")
	if got := charLabel(u, ' '); got != "sp" {
		t.Errorf("space with _ in the vocabulary: %q, want \"sp\"", got)
	}
}

func TestLongestCopiedAndPrefix(t *testing.T) {
	text := "the lamp keeper lived at the end"
	n, start := longestCopied("xx keeper livyy", text)
	if n != len(" keeper liv") || start != 2 {
		t.Errorf("longestCopied = %d at %d, want %d at 2", n, start, len(" keeper liv"))
	}
	if n, _ := longestCopied("qqq", text); n != 0 {
		t.Errorf("nothing copied: got %d", n)
	}
	if got := commonPrefix("the lamb", text); got != 7 {
		t.Errorf("commonPrefix = %d, want 7", got)
	}
	known, total := knownWords("The lamp kept, the end.", text)
	if known != 4 || total != 5 {
		t.Errorf("knownWords = %d of %d, want 4 of 5", known, total)
	}
}

func TestWindowState(t *testing.T) {
	for _, c := range []struct {
		p, i int
		want string
	}{{1, 0, "filling: 1 of 8"}, {1, 7, "full"}, {1, 8, "shifted by 1"}, {9, 0, "shifted by 1"}} {
		if got := windowState(c.p, c.i, 8); got != c.want {
			t.Errorf("windowState(%d, %d, 8) = %q, want %q", c.p, c.i, got, c.want)
		}
	}
}

// The recomputations the sections print must agree with the model.
func TestRecomputationsMatchTheModel(t *testing.T) {
	m := helloModel(t)
	ids, _ := m.Vocab.Encode("hello wo", "test")
	tr := m.Forward(ids)
	z := weightedSum(tr.Get("blocks.0.attn.hook_pattern"), tr.Get("blocks.0.attn.hook_v"))
	if d := maxAbsDiff(z, f64(tr.Get("blocks.0.attn.hook_z").Data)); d > 1e-5 {
		t.Errorf("weightedSum differs from hook_z by %g", d)
	}
	if q, want := queryByHand(m, tr, 3, 0, 5), tr.Get("blocks.0.attn.hook_q").At(3, 0, 5); math.Abs(float64(q-want)) > 1e-5 {
		t.Errorf("queryByHand = %g, model %g", q, want)
	}
	if l, want := logitByHand(m, tr, 7, 2), tr.Get("logits").At(7, 2); math.Abs(float64(l-want)) > 1e-4 {
		t.Errorf("logitByHand = %g, model %g", l, want)
	}
	// At factor 1 the moved key is the model's own: the weights are the pattern's.
	factors, w := moveKey(tr, 0, 7, 2, -1, 1, 3)
	if factors[2] != 1 {
		t.Fatalf("factors %v do not end at 1", factors)
	}
	for s := range 8 {
		if d := math.Abs(w[s][2] - float64(tr.Get("blocks.0.attn.hook_pattern").At(0, 7, s))); d > 1e-5 {
			t.Errorf("moveKey at factor 1, key %d: off by %g", s, d)
		}
	}
	if math.Abs(w[2][0]-w[2][1]) < 1e-6 && math.Abs(w[2][1]-w[2][2]) < 1e-6 {
		t.Errorf("moving key 2 did not change its weight: %v", w[2])
	}
	if d := maxAbsDiff(softmaxRows(tr.Get("logits")), f64(tr.Get("probs").Data)); d > 1e-5 {
		t.Errorf("softmaxRows differs from probs by %g", d)
	}
}

func TestTextLossIsTheTrainingLoss(t *testing.T) {
	m := helloModel(t)
	loss, err := textLoss(m, "hello world")
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(loss-m.FinalLoss) > 1e-4*math.Max(1, m.FinalLoss) {
		t.Errorf("textLoss %g, Train's final loss %g", loss, m.FinalLoss)
	}
	cp, err := silenced(m, "blocks.0.mlp.W_out", "blocks.0.mlp.b_out")
	if err != nil {
		t.Fatal(err)
	}
	worse, _ := textLoss(cp, "hello world")
	if !(worse > loss) {
		t.Errorf("switching the FFN off gave loss %g, not above %g", worse, loss)
	}
	if again, _ := textLoss(m, "hello world"); again != loss {
		t.Errorf("silenced changed the original model: loss %g then %g", loss, again)
	}
}

func TestWithoutNeuronsZeroesOnlyTheirRows(t *testing.T) {
	m := helloModel(t)
	cp, err := withoutNeurons(m, []int{3, 10})
	if err != nil {
		t.Fatal(err)
	}
	orig, w := weight(m, "blocks.0.mlp.W_out"), weight(cp, "blocks.0.mlp.W_out") // (d_mlp, d_model)
	D := w.Shape[1]
	for n := range w.Shape[0] {
		for j := range D {
			got, was := w.Data[n*D+j], orig.Data[n*D+j]
			if (n == 3 || n == 10) && got != 0 {
				t.Fatalf("neuron %d, column %d not zeroed: %g", n, j, got)
			}
			if n != 3 && n != 10 && got != was {
				t.Fatalf("neuron %d changed", n)
			}
		}
	}
}

func TestRankNeuronsFindsTheSeparatingOne(t *testing.T) {
	var cases []prettyCase
	for i := range 10 {
		far := i%2 == 0
		next, x := 'l', 0.1*float64(i%3)
		if far {
			next = 'a'
		}
		sep := 0.0
		if far {
			sep = 2
		}
		cases = append(cases, prettyCase{Next: next, New: i >= 8, Post: []float64{x, sep + 0.01*float64(i), -x}})
	}
	rank := rankNeurons(cases)
	if rank[0].Neuron != 1 || rank[0].DPrime <= 0 {
		t.Errorf("best neuron %d (d' %g), want 1 with d' > 0", rank[0].Neuron, rank[0].DPrime)
	}
	if rank[0].NewRight != rank[0].NewTotal || rank[0].NewTotal != 2 {
		t.Errorf("held-out cases on the right side: %d of %d, want 2 of 2", rank[0].NewRight, rank[0].NewTotal)
	}
}

func TestPrettyCasesFindEveryPlace(t *testing.T) {
	m, err := tf.Train(tf.Config{DModel: 8, Heads: 1, FF: 8, Block: 16, Layers: 1, Norm: "ln", Steps: 1, Batch: 4, LR: 0.01, Seed: 1}, prettyText, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := prettyCases(m, prettyText, prettyHeldOut)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Count(prettyText, "pretty f") + len(prettyHeldOut); len(cases) != want {
		t.Errorf("%d cases, want %d", len(cases), want)
	}
	for _, p := range cases {
		if !strings.HasSuffix(p.Window, "pretty f") || len([]rune(p.Window)) > 16 {
			t.Errorf("window %q", p.Window)
		}
		if p.New && strings.Contains(prettyText, p.Window) {
			t.Errorf("held-out window %q is in the training text", p.Window)
		}
	}
}

// Prefilling and then adding one position at a time costs what one
// recompute of the final window costs (the tf package's identity).
func TestCountMACsWhileFilling(t *testing.T) {
	m := helloModel(t)
	prompt, _ := m.Vocab.Encode("he", "test")
	steps := m.Generate(prompt, 6, tf.Sampler{}) // windows of 2 .. 7: never full
	mc := countMACs(m, prompt, steps)
	if mc.fullSteps != 0 || mc.fillSteps != 6 {
		t.Fatalf("fill %d, full %d steps; want 6, 0", mc.fillSteps, mc.fullSteps)
	}
	if want := m.MACs(len(steps[5].Window)); mc.cacheFill != want {
		t.Errorf("cached run costs %d multiply-adds, want %d (one recompute of the last window)", mc.cacheFill, want)
	}
	want := 0
	for _, s := range steps {
		want += m.MACs(len(s.Window))
	}
	if mc.recomputeFill != want {
		t.Errorf("recompute costs %d, want %d", mc.recomputeFill, want)
	}
}
