package tf

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func mustEncode(t testing.TB, v *Vocab, s string) []int {
	t.Helper()
	ids, err := v.Encode(s, "test")
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func greedyText(t testing.TB, m *Model, prompt string, n int) string {
	t.Helper()
	p := mustEncode(t, m.Vocab, prompt)
	return m.Text(p, m.Generate(p, n, Sampler{}))
}

// TestTrainHelloWorld is the seed's D5 demo: trained with the defaults on
// "hello world", greedy generation from "h" writes "hello world", the
// window shifting once it holds Block tokens.
func TestTrainHelloWorld(t *testing.T) {
	m, err := Train(DefaultConfig(), "hello world", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.Vocab.Runes); got != "helo wrd" {
		t.Fatalf("vocabulary %q, want the seed's 8 characters \"helo wrd\"", got)
	}
	p := mustEncode(t, m.Vocab, "h")
	steps := m.Generate(p, 10, Sampler{})
	if got := m.Text(p, steps); got != "hello world" {
		t.Fatalf("greedy from \"h\" wrote %q, want \"hello world\"", got)
	}
	// The window is the last Block (8) tokens: it grows from "h" to
	// "hello wo", then shifts.
	for i, want := range []string{"h", "he", "hel", "hell", "hello", "hello ", "hello w", "hello wo", "ello wor", "llo worl"} {
		if got := m.Vocab.Decode(steps[i].Window); got != want {
			t.Errorf("step %d read %q, want %q", i, got, want)
		}
	}
	if len(m.Losses) != m.Config.Steps || !(m.FinalLoss < m.Losses[0]/100) {
		t.Errorf("%d losses for %d steps; first %v, final %v", len(m.Losses), m.Config.Steps, m.Losses[0], m.FinalLoss)
	}
	t.Logf("first loss %.4f, final loss %.6f, %.3f s", m.Losses[0], m.FinalLoss, m.Seconds)
}

// TestTrainHelloWorldVariants: other seeds, two heads and no LayerNorm
// learn it as well with the default steps and learning rate.
func TestTrainHelloWorldVariants(t *testing.T) {
	for _, c := range []struct {
		heads int
		norm  string
		seed  uint64
	}{{1, "ln", 2}, {1, "ln", 3}, {2, "ln", 4}, {1, "none", 5}, {2, "none", 6}} {
		cfg := DefaultConfig()
		cfg.Heads, cfg.Norm, cfg.Seed = c.heads, c.norm, c.seed
		m, err := Train(cfg, "hello world", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := greedyText(t, m, "h", 10); got != "hello world" {
			t.Errorf("heads %d, norm %s, seed %d: wrote %q", c.heads, c.norm, c.seed, got)
		}
	}
}

func TestTrainShortText(t *testing.T) {
	// 2 runes: one window of length 1.
	cfg := DefaultConfig()
	m, err := Train(cfg, "ab", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := greedyText(t, m, "a", 1); got != "ab" {
		t.Fatalf("wrote %q, want \"ab\"", got)
	}
}

func TestTrainProgress(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Steps = 5
	var calls [][2]int
	if _, err := Train(cfg, "hello", func(done, total int) { calls = append(calls, [2]int{done, total}) }); err != nil {
		t.Fatal(err)
	}
	want := [][2]int{{1, 5}, {2, 5}, {3, 5}, {4, 5}, {5, 5}}
	if !slices.Equal(calls, want) {
		t.Fatalf("progress calls %v, want %v", calls, want)
	}
}

func TestTrainErrors(t *testing.T) {
	bad := DefaultConfig()
	bad.Heads = 3
	for _, c := range []struct {
		cfg  Config
		text string
		want string
	}{
		{bad, "hello", "tf.heads"},
		{DefaultConfig(), "", "tf.text"},
		{DefaultConfig(), "h", "tf.text"},
		{DefaultConfig(), "he\xffllo", "tf.text: invalid UTF-8 at byte 2"},
	} {
		_, err := Train(c.cfg, c.text, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Train(%q) error %v, want one containing %q", c.text, err, c.want)
		}
	}
}

// TestTrainDiverges: a learning rate that blows the weights up is reported
// with the step and the learning rate.
func TestTrainDiverges(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Norm, cfg.LR, cfg.Steps = "none", 1e30, 20
	_, err := Train(cfg, "hello world", nil)
	if err == nil {
		t.Fatal("no error for tf.lr = 1e30")
	}
	for _, want := range []string{"at step", "tf.lr = 1e+30", "smaller tf.lr"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestTrainDeterministic(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Steps = 20
	a, _ := Train(cfg, "hello world", nil)
	b, _ := Train(cfg, "hello world", nil)
	if !slices.Equal(a.p.flat, b.p.flat) || !slices.Equal(a.Losses, b.Losses) {
		t.Fatal("two runs with one seed differ")
	}
	cfg.Seed++
	c, _ := Train(cfg, "hello world", nil)
	if slices.Equal(a.p.flat, c.p.flat) {
		t.Fatal("two seeds give the same weights")
	}
}

// TestTrainGOMAXPROCS: a batch is split into a fixed number of shards, so
// the weights do not depend on how many threads run them.
func TestTrainGOMAXPROCS(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Steps, cfg.Batch = 15, 7 // 7 windows over 4 shards, from 16
	text := "hello world, hello there, jello"
	run := func(procs int) *Model {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m, err := Train(cfg, text, nil)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	one, four := run(1), run(4)
	if !slices.Equal(one.p.flat, four.p.flat) || !slices.Equal(one.Losses, four.Losses) {
		t.Fatal("GOMAXPROCS 1 and 4 train different weights")
	}
}

// TestNextBatch: with fewer windows per batch than windows, each epoch
// visits every window once, in a shuffled order.
func TestNextBatch(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Block, cfg.Batch = 4, 3
	v, _ := NewVocab("abcdefghijklmn")
	m, _ := New(cfg, v)
	tr := newTrainer(m, mustEncode(t, v, "abcdefghijklmn")) // 14 runes, 10 windows
	if len(tr.starts) != 10 || tr.T != 4 {
		t.Fatalf("%d windows of %d, want 10 of 4", len(tr.starts), tr.T)
	}
	var seen []int
	for range 4 {
		b := tr.nextBatch()
		if len(b) != 3 {
			t.Fatalf("batch of %d", len(b))
		}
		seen = append(seen, b...)
	}
	epoch := slices.Clone(seen[:10])
	slices.Sort(epoch)
	if !slices.Equal(epoch, tr.starts) {
		t.Fatalf("first epoch %v is not a permutation of %v", seen[:10], tr.starts)
	}
	if slices.Equal(seen[:10], tr.starts) {
		t.Fatal("windows were not shuffled")
	}
}

// TestTrainerGradient holds the float32, sharded gradient of a minibatch
// to the float64 gradient of the same weights, window by window.
func TestTrainerGradient(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Block, cfg.Batch, cfg.Layers, cfg.Heads = 5, 6, 2, 2
	text := "hello world, hello"
	v, _ := NewVocab(text)
	m, _ := New(cfg, v)
	ids := mustEncode(t, v, text)
	tr := newTrainer(m, ids)
	batch := tr.nextBatch()
	loss32 := tr.gradient(batch)

	p64 := newParams[float64](m.lay)
	for i, w := range m.p.flat {
		p64.flat[i] = float64(w)
	}
	g64 := newParams[float64](m.lay)
	n := float64(len(batch) * tr.T)
	loss64 := 0.0
	for _, s := range batch {
		a := newActs[float64](m.lay, tr.T)
		p64.forward(a, ids[s:s+tr.T])
		loss64 += crossEntropyForward(a.lse, a.logits, ids[s+1:s+tr.T+1], m.lay.V) / n
		p64.backward(&g64, a, ids[s:s+tr.T], ids[s+1:s+tr.T+1], 1/n)
	}
	if math.Abs(loss32-loss64) > 1e-5 {
		t.Errorf("loss %v in float32, %v in float64", loss32, loss64)
	}
	scale := 0.0
	for _, g := range g64.flat {
		scale = max(scale, math.Abs(g))
	}
	for i, g := range tr.grad.flat {
		if math.Abs(float64(g)-g64.flat[i]) > 1e-5*scale {
			t.Fatalf("gradient %d: %v in float32, %v in float64 (largest %v)", i, g, g64.flat[i], scale)
		}
	}
}

// BenchmarkTrainStep is one Adam step of D5 on "hello world" with the
// default configuration (all 3 windows in the batch).
func BenchmarkTrainStep(b *testing.B) {
	cfg := DefaultConfig()
	v, _ := NewVocab("hello world")
	m, _ := New(cfg, v)
	tr := newTrainer(m, mustEncode(b, v, "hello world"))
	b.ReportAllocs()
	for b.Loop() {
		tr.step()
	}
}

// BenchmarkTrainStepBlock32 is one step on 32-character windows, batch 16,
// the shape of a longer text.
func BenchmarkTrainStepBlock32(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Block = 32
	text := strings.Repeat("the quick brown fox jumps over the lazy dog. ", 4)
	v, _ := NewVocab(text)
	m, _ := New(cfg, v)
	tr := newTrainer(m, mustEncode(b, v, text))
	b.ReportAllocs()
	for b.Loop() {
		tr.step()
	}
}
