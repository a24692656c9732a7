package opcount

import (
	"math"
	"testing"

	"tinynets/pkg/cnn"
	"tinynets/pkg/tf"
)

// bruteConvMACs counts, output value by output value, the kernel taps of
// a same-padded convolution that land inside an n x n image.
func bruteConvMACs(n, k, cin, cout int) int64 {
	count := int64(0)
	for y := range n {
		for x := range n {
			for ky := range k {
				for kx := range k {
					iy, ix := y+ky-k/2, x+kx-k/2
					if iy >= 0 && iy < n && ix >= 0 && ix < n {
						count++
					}
				}
			}
		}
	}
	return count * int64(cin*cout)
}

func TestCNN(t *testing.T) {
	for _, shape := range [][3]int{{8, 16, 3}, {3, 5, 5}, {12, 7, 1}, {2, 2, 13}} {
		cfg := cnn.DefaultConfig()
		cfg.Filters1, cfg.Filters2, cfg.Kernel = shape[0], shape[1], shape[2]
		stages := CNN(cfg)
		want := bruteConvMACs(28, cfg.Kernel, 1, cfg.Filters1) + bruteConvMACs(14, cfg.Kernel, cfg.Filters1, cfg.Filters2) +
			int64(10*cfg.Filters2*49)
		tot := Total(stages)
		if tot.MACs != want {
			t.Errorf("%v: %d MACs, counting tap by tap gives %d", shape, tot.MACs, want)
		}
		if n := cnn.New(cfg).NumParams(); tot.Params != int64(n) {
			t.Errorf("%v: %d params, the model has %d", shape, tot.Params, n)
		}
		if p := PaddedCNNMACs(cfg); p < tot.MACs || (cfg.Kernel > 1 && p == tot.MACs) {
			t.Errorf("%v: padded count %d vs inside count %d", shape, p, tot.MACs)
		}
	}
	// The default D4, worked by hand: conv1 8·(28+27+27)², conv2 16·8·(14+13+13)², fc 10·784.
	if got := Total(CNN(cnn.DefaultConfig())).MACs; got != 8*82*82+16*8*40*40+7840 {
		t.Errorf("default D4: %d MACs", got)
	}
	if got := PaddedCNNMACs(cnn.DefaultConfig()); got != 8*9*784+16*8*9*196+7840 {
		t.Errorf("default D4 with padding: %d MACs", got)
	}
}

// The transformer counts agree with package tf's own, for the window
// recomputed and for each cached step, and the parameters with the model.
func TestTransformerAgreesWithTF(t *testing.T) {
	v, err := tf.NewVocab("hello world")
	if err != nil {
		t.Fatal(err)
	}
	a := tf.DefaultConfig()
	b := a
	b.Layers, b.Heads, b.DModel, b.FF, b.Block, b.Norm = 3, 2, 12, 20, 6, "none"
	for _, cfg := range []tf.Config{a, b} {
		m, err := tf.New(cfg, v)
		if err != nil {
			t.Fatal(err)
		}
		tr := D5(cfg, v.Size())
		if got := tr.Params(); got != int64(m.NumParams()) {
			t.Errorf("%+v: %d params, the model has %d", cfg, got, m.NumParams())
		}
		if got := Total(tr.Full(cfg.Block)).Params; got != int64(m.NumParams()) {
			t.Errorf("%+v: stages hold %d params, the model %d", cfg, got, m.NumParams())
		}
		for n := 1; n <= cfg.Block; n++ {
			if got, want := Total(tr.Full(n)).MACs, int64(m.MACs(n)); got != want {
				t.Errorf("%+v, %d tokens: %d MACs, tf counts %d", cfg, n, got, want)
			}
			if got, want := Total(tr.Cached(n)).MACs, int64(m.CachedMACs(n)); got != want {
				t.Errorf("%+v, step %d: %d MACs, tf counts %d", cfg, n, got, want)
			}
		}
	}
}

// GPT-2 small's parameter count is known exactly (124,439,808, as its
// published checkpoint has), and GPT-3's paper reports 175.0 billion.
func TestPublishedParameterCounts(t *testing.T) {
	gpt2 := Transformer{Vocab: 50257, DModel: 768, FF: 3072, Ctx: 1024, Layers: 12, LayerNorm: true, TiedUnembed: true}
	if got := gpt2.Params(); got != 124439808 {
		t.Errorf("GPT-2 small: %d params, want 124,439,808", got)
	}
	got := float64(GPT3().Params())
	if rel := math.Abs(got-175.0e9) / 175.0e9; rel > 0.005 {
		t.Errorf("GPT-3: %.4g params, %.2f%% from the published 175.0B", got, 100*rel)
	}
	// A cached step reads every weight at least once: bytes moved are at
	// least the parameters' bytes.
	tot := Total(GPT3().Cached(2048))
	if tot.Bytes() < BytesPerValue*GPT3().Params() {
		t.Errorf("GPT-3 cached step moves %d bytes, less than its weights", tot.Bytes())
	}
}

func TestByKind(t *testing.T) {
	st := GPT3().Cached(2048)
	kinds := ByKind(st)
	names := []string{"input", "embed", "context sharing", "storyline", "logits", "select label"}
	if len(kinds) != len(names) {
		t.Fatalf("%d kinds, want %d", len(kinds), len(names))
	}
	for i, k := range kinds {
		if k.Kind != names[i] {
			t.Errorf("kind %d is %q, want %q", i, k.Kind, names[i])
		}
	}
	if Total(kinds) != (Stage{Name: "total", Kind: "total", Layer: -1, MACs: Total(st).MACs, Params: Total(st).Params,
		Reads: Total(st).Reads, Writes: Total(st).Writes}) {
		t.Errorf("grouping changed the totals")
	}
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"0 tokens":      func() { GPT3().Full(0) },
		"past context":  func() { GPT3().Cached(2049) },
		"invalid cnn":   func() { CNN(cnn.Config{}) },
		"zero-size net": func() { Transformer{}.Full(1) },
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
