package tf

import (
	"slices"
	"strings"
	"testing"
)

// TestGenerateCached: while the window fills, the cached steps give the
// logits of a full recompute; after it shifts, GenerateCached recomputes.
func TestGenerateCached(t *testing.T) {
	for _, cfg := range []Config{DefaultConfig(), func() Config {
		c := DefaultConfig()
		c.Layers, c.Heads, c.Steps = 2, 2, 50
		return c
	}()} {
		m, err := Train(cfg, "hello world", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, prompt := range []string{"h", "hello", "hello wor"} {
			p := mustEncode(t, m.Vocab, prompt)
			for _, s := range []Sampler{{}, {Temperature: 1.5, Seed: 3}} {
				plain, cached := m.Generate(p, 12, s), m.GenerateCached(p, 12, s)
				d := MaxAbsLogitDiff(plain, cached)
				if d != 0 { // the same row functions in the same order: equal to the bit
					t.Errorf("layers %d prompt %q: cached logits differ by %g", cfg.Layers, prompt, d)
				}
				for i := range plain {
					if plain[i].Token != cached[i].Token || !slices.Equal(plain[i].Window, cached[i].Window) {
						t.Fatalf("prompt %q step %d: cached run diverged", prompt, i)
					}
					if want := len(p)+i <= cfg.Block; cached[i].Cached != want {
						t.Errorf("prompt %q step %d: Cached %v, want %v", prompt, i, cached[i].Cached, want)
					}
				}
				t.Logf("layers %d prompt %q sampler %+v: max |cached - recomputed| logit = %g", cfg.Layers, prompt, s, d)
			}
		}
	}
}

// TestStaleCache: once the window shifts, keys and values from the old
// positions give wrong logits.
func TestStaleCache(t *testing.T) {
	m := helloModel(t)
	seq := mustEncode(t, m.Vocab, "hello world")
	shifts := m.StaleCache(seq)
	if len(shifts) != len(seq)-m.Config.Block {
		t.Fatalf("%d shifts for %d tokens and a window of %d", len(shifts), len(seq), m.Config.Block)
	}
	for i, s := range shifts {
		end := m.Config.Block + 1 + i
		if !slices.Equal(s.Window, seq[end-m.Config.Block:end]) {
			t.Fatalf("shift %d window %v", i, s.Window)
		}
		if s.MaxAbsDiff == 0 {
			t.Errorf("shift %d: the stale cache gave exactly the recomputed logits", i)
		}
		t.Logf("window %q: fresh -> %q, stale -> %q, max |Δlogit| %.3f", m.Vocab.Decode(s.Window),
			m.Vocab.Decode([]int{s.FreshArgmax}), m.Vocab.Decode([]int{s.StaleArgmax}), s.MaxAbsDiff)
	}
	// The first shift recomputed: the window "ello wor" predicts 'l'.
	if got := m.Vocab.Decode([]int{shifts[0].FreshArgmax}); got != "l" {
		t.Errorf("recomputed \"ello wor\" predicts %q, want \"l\"", got)
	}
}

// TestStaleCacheWithoutPositions checks what "stale" means: if every
// position embedding is the same, a one-block model's keys and values do
// not depend on position, so the kept cache is still right; with two
// blocks the second block's keys still carry the dropped token.
func TestStaleCacheWithoutPositions(t *testing.T) {
	for _, layers := range []int{1, 2} {
		cfg := DefaultConfig()
		cfg.Layers = layers
		v, _ := NewVocab("hello world")
		m, _ := New(cfg, v)
		wpos := m.p.WPos
		for i := range wpos {
			wpos[i] = wpos[i%cfg.DModel] // every row equal to row 0
		}
		seq := mustEncode(t, v, "hello world")
		for _, s := range m.StaleCache(seq) {
			if layers == 1 && s.MaxAbsDiff > 1e-6 {
				t.Errorf("1 block, no positions: stale differs by %g", s.MaxAbsDiff)
			}
			if layers == 2 && s.MaxAbsDiff < 1e-6 {
				t.Errorf("2 blocks: stale cache equals recompute (%g) though block 1 saw the dropped token", s.MaxAbsDiff)
			}
		}
	}
}

// TestMACs: a full recompute uses every matrix once per position plus the
// attention's t(t+1)/2 (query, key) pairs; prefilling the cache one token
// at a time costs the same in total.
func TestMACs(t *testing.T) {
	for _, cfg := range []Config{DefaultConfig(), {DModel: 12, Heads: 3, FF: 20, Block: 6, Layers: 2, Norm: "none", Steps: 1, Batch: 1, LR: 1}} {
		v, _ := NewVocab("abcdefg")
		m, _ := New(cfg, v)
		matrix := 0 // weights used in one multiply-add per position: all W_ but the embeddings
		for _, w := range m.Weights() {
			last := w.Name[strings.LastIndex(w.Name, ".")+1:]
			if strings.HasPrefix(last, "W_") && last != "W_E" && last != "W_pos" {
				matrix += w.T.Len()
			}
		}
		sumCached := 0
		for tok := 1; tok <= cfg.Block; tok++ {
			want := tok*matrix + cfg.Layers*cfg.DModel*tok*(tok+1) // 2·D per pair, per block
			if got := m.MACs(tok); got != want {
				t.Errorf("MACs(%d) = %d, want %d", tok, got, want)
			}
			sumCached += m.CachedMACs(tok)
			if sumCached != m.MACs(tok) {
				t.Errorf("cached steps 1..%d cost %d, a recompute %d", tok, sumCached, m.MACs(tok))
			}
		}
		t.Logf("%+v: recompute of a full window %d MACs, one cached step at the end %d", cfg, m.MACs(cfg.Block), m.CachedMACs(cfg.Block))
	}
}
