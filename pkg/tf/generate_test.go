package tf

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// helloModel is D5 trained with the defaults on "hello world", shared by
// the tests that need a trained model.
var helloModel = func() func(t *testing.T) *Model {
	var m *Model
	return func(t *testing.T) *Model {
		t.Helper()
		if m == nil {
			var err error
			if m, err = Train(DefaultConfig(), "hello world", nil); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}
}()

func TestSamplerValidate(t *testing.T) {
	for _, c := range []struct {
		s    Sampler
		want string
	}{
		{Sampler{Temperature: -1}, "tf.temperature"},
		{Sampler{Temperature: math.NaN()}, "tf.temperature"},
		{Sampler{Temperature: math.Inf(1)}, "tf.temperature"},
		{Sampler{Temperature: 1, TopK: -2}, "tf.topk"},
	} {
		if err := c.s.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one naming %s", c.s, err, c.want)
		}
	}
	if err := (Sampler{Temperature: 0.7, TopK: 3}).Validate(); err != nil {
		t.Error(err)
	}
}

func TestSamplerDistribution(t *testing.T) {
	logits := []float64{1, 3, 2, 3, -1}
	greedy := Sampler{}.Distribution(logits)
	if !slices.Equal(greedy, []float64{0, 1, 0, 0, 0}) {
		t.Errorf("greedy %v: want all on the first of the tied maxima", greedy)
	}
	full := Sampler{Temperature: 1}.Distribution(logits)
	sum := 0.0
	for _, l := range logits {
		sum += math.Exp(l)
	}
	for i, p := range full {
		if want := math.Exp(logits[i]) / sum; math.Abs(p-want) > 1e-15 {
			t.Errorf("softmax[%d] = %v, want %v", i, p, want)
		}
	}
	hot := Sampler{Temperature: 2}.Distribution(logits)
	cold := Sampler{Temperature: 0.5}.Distribution(logits)
	if !(hot[4] > full[4] && full[4] > cold[4]) {
		t.Errorf("temperature does not flatten: p(worst) %v, %v, %v at 2, 1, 0.5", hot[4], full[4], cold[4])
	}
	top := Sampler{Temperature: 1, TopK: 3}.Distribution(logits)
	if top[0] != 0 || top[4] != 0 || !(top[1] > 0 && top[2] > 0 && top[3] > 0) {
		t.Errorf("top-3 %v keeps the wrong tokens", top)
	}
	if d := math.Abs(top[1] + top[2] + top[3] - 1); d > 1e-15 {
		t.Errorf("top-3 sums to 1%+g", d)
	}
}

// TestSamplerPick: drawn tokens follow the distribution.
func TestSamplerPick(t *testing.T) {
	logits := []float64{0.5, 2, 1, -3}
	s := Sampler{Temperature: 1.3, TopK: 3, Seed: 7}
	want := s.Distribution(logits)
	rng := s.rng()
	const n = 40000
	count := make([]float64, len(logits))
	for range n {
		count[s.pick(logits, rng)]++
	}
	for i := range count {
		if f := count[i] / n; math.Abs(f-want[i]) > 0.01 {
			t.Errorf("token %d drawn %.4f of the time, want %.4f", i, f, want[i])
		}
	}
}

func TestGenerateSteps(t *testing.T) {
	m := helloModel(t)
	p := mustEncode(t, m.Vocab, "wor")
	steps := m.Generate(p, 12, Sampler{})
	seq := slices.Clone(p)
	for i, st := range steps {
		want := seq[max(0, len(seq)-m.Config.Block):]
		if !slices.Equal(st.Window, want) {
			t.Fatalf("step %d window %v, want the last %d tokens %v", i, st.Window, m.Config.Block, want)
		}
		tr := m.Forward(st.Window)
		row := tr.Get("logits").Slice(len(st.Window) - 1).Float64s()
		if !slices.Equal(row, st.Logits) {
			t.Fatalf("step %d logits differ from Forward's last row", i)
		}
		if st.Prob != st.Probs[st.Token] || st.Token != argmax(st.Logits) {
			t.Fatalf("step %d: token %d, prob %v; greedy wants %d", i, st.Token, st.Prob, argmax(st.Logits))
		}
		sum := 0.0
		for _, q := range st.Probs {
			sum += q
		}
		if math.Abs(sum-1) > 1e-6 {
			t.Fatalf("step %d probabilities sum to %v", i, sum)
		}
		seq = append(seq, st.Token)
	}
}

func TestGenerateSampled(t *testing.T) {
	m := helloModel(t)
	p := mustEncode(t, m.Vocab, "h")
	s := Sampler{Temperature: 3, Seed: 11}
	a, b := m.Text(p, m.Generate(p, 30, s)), m.Text(p, m.Generate(p, 30, s))
	if a != b {
		t.Fatalf("one seed, two texts: %q, %q", a, b)
	}
	s.Seed = 12
	if c := m.Text(p, m.Generate(p, 30, s)); c == a {
		t.Fatalf("seeds 11 and 12 wrote the same %q", a)
	}
	greedy := m.Text(p, m.Generate(p, 30, Sampler{}))
	if a == greedy {
		t.Fatalf("temperature 3 wrote the greedy text %q", a)
	}
	// Top-1 sampling is greedy whatever the temperature.
	if top1 := m.Text(p, m.Generate(p, 30, Sampler{Temperature: 3, TopK: 1, Seed: 5})); top1 != greedy {
		t.Fatalf("top-1 wrote %q, greedy %q", top1, greedy)
	}
}

func TestGeneratePanics(t *testing.T) {
	m := helloModel(t)
	for name, f := range map[string]func(){
		"empty prompt":  func() { m.Generate(nil, 1, Sampler{}) },
		"bad token":     func() { m.Generate([]int{99}, 1, Sampler{}) },
		"negative n":    func() { m.Generate([]int{0}, -1, Sampler{}) },
		"bad sampler":   func() { m.Generate([]int{0}, 1, Sampler{Temperature: -1}) },
		"long window":   func() { m.Forward(make([]int, m.Config.Block+1)) },
		"empty window":  func() { m.Forward(nil) },
		"cached prompt": func() { m.GenerateCached(nil, 1, Sampler{}) },
		"short stale":   func() { m.StaleCache(make([]int, m.Config.Block)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
