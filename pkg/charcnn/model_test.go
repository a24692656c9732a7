package charcnn

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
	"tinynets/pkg/srchash"
)

// TestHelloWorld is the package's promise: trained with the defaults on
// "hello world", greedy generation from "h" writes "hello world".
func TestHelloWorld(t *testing.T) {
	m, err := Train(DefaultConfig(), DefaultText, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, steps, err := m.GenerateText("h", 10)
	if err != nil {
		t.Fatal(err)
	}
	if out != DefaultText {
		t.Fatalf("generated %q, want %q", out, DefaultText)
	}
	if len(steps) != 10 {
		t.Fatalf("%d steps, want 10", len(steps))
	}
	ids, _ := m.Vocab.Encode(DefaultText)
	for i, s := range steps {
		// The window is the last Block tokens so far, sliding once full.
		end := i + 1
		want := ids[max(0, end-m.Config.Block):end]
		if !slices.Equal(s.Window, want) {
			t.Errorf("step %d saw window %v, want %v", i, s.Window, want)
		}
		if s.Token != ids[end] || s.Prob != s.Probs[s.Token] {
			t.Errorf("step %d: token %d prob %v, want token %d", i, s.Token, s.Prob, ids[end])
		}
		sum := 0.0
		for _, p := range s.Probs {
			sum += p
			if p > s.Prob {
				t.Errorf("step %d: token %d is not the most likely", i, s.Token)
			}
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Errorf("step %d: probabilities add up to %v", i, sum)
		}
	}
	if m.FinalLoss > 0.01 {
		t.Errorf("final loss %v, want below 0.01", m.FinalLoss)
	}
	if len(m.Losses) != m.Config.Steps || m.Losses[0] < 1 {
		t.Errorf("%d losses starting at %v; want %d starting above 1 (chance is ln 8 = 2.08)",
			len(m.Losses), m.Losses[0], m.Config.Steps)
	}
	t.Logf("%d params, final loss %.2g, %.3f s", m.NumParams(), m.FinalLoss, m.Seconds)
}

func TestLayersCoverBlock(t *testing.T) {
	for _, tc := range []struct{ block, layers, rf int }{
		{1, 0, 1}, {2, 1, 2}, {3, 2, 4}, {8, 3, 8}, {9, 4, 16}, {16, 4, 16},
	} {
		cfg := DefaultConfig()
		cfg.Block, cfg.Steps = tc.block, 1
		m, err := Train(cfg, "abcabd", nil)
		if err != nil {
			t.Fatal(err)
		}
		if m.Layers() != tc.layers || m.ReceptiveField() != tc.rf {
			t.Errorf("block %d: %d layers, receptive field %d; want %d, %d",
				tc.block, m.Layers(), m.ReceptiveField(), tc.layers, tc.rf)
		}
		// NumParams counts embedding, convs and unembedding.
		V, C := 4, cfg.Channels
		if want := 2*V*C + V + tc.layers*(2*C*C+C); m.NumParams() != want {
			t.Errorf("block %d: %d params, want %d", tc.block, m.NumParams(), want)
		}
	}
}

// TestReceptiveField checks that the last position's output depends on
// exactly the last ReceptiveField tokens.
func TestReceptiveField(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Block, cfg.Steps = 4, 5
	m, err := Train(cfg, "abcdefg", nil)
	if err != nil {
		t.Fatal(err)
	}
	rf := m.ReceptiveField() // 4
	window := []int{0, 1, 2, 3, 4, 5}
	base := m.Forward(window).Logits.Slice(5).Data
	for pos := range window {
		changed := slices.Clone(window)
		changed[pos] = 6
		got := m.Forward(changed).Logits.Slice(5).Data
		sees := !slices.Equal(got, base)
		if want := pos >= len(window)-rf; sees != want {
			t.Errorf("changing position %d: last output changed = %v, want %v", pos, sees, want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Steps = 50
	a, _ := Train(cfg, DefaultText, nil)
	b, _ := Train(cfg, DefaultText, nil)
	if !slices.Equal(a.net.all, b.net.all) || !slices.Equal(a.Losses, b.Losses) {
		t.Fatal("two trainings with the same seed differ")
	}
	cfg.Seed++
	c, _ := Train(cfg, DefaultText, nil)
	if slices.Equal(a.net.all, c.net.all) {
		t.Fatal("a different seed gave the same weights")
	}
}

func TestProgress(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Steps = 250
	var calls [][2]int
	if _, err := Train(cfg, DefaultText, func(done, total int) { calls = append(calls, [2]int{done, total}) }); err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 || len(calls) > 101 || calls[len(calls)-1] != [2]int{250, 250} {
		t.Fatalf("progress calls %v", calls)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] <= calls[i-1][0] {
			t.Fatalf("progress went from %d to %d", calls[i-1][0], calls[i][0])
		}
	}
}

func TestValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		change func(*Config)
		key    string
	}{
		{func(c *Config) { c.Channels = 0 }, "charcnn.channels"},
		{func(c *Config) { c.Block = MaxBlock + 1 }, "charcnn.block"},
		{func(c *Config) { c.Steps = -1 }, "charcnn.steps"},
		{func(c *Config) { c.Batch = 0 }, "charcnn.batch"},
		{func(c *Config) { c.LR = 0 }, "charcnn.lr"},
		{func(c *Config) { c.LR = math.NaN() }, "charcnn.lr"},
	} {
		c := DefaultConfig()
		tc.change(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("Validate() = %v, want an error naming %s", err, tc.key)
		}
		if _, err := Train(c, DefaultText, nil); err == nil {
			t.Errorf("Train accepted an invalid %s", tc.key)
		}
	}
}

func TestTrainRejectsText(t *testing.T) {
	for _, text := range []string{"", "h", "ab\xff"} {
		if _, err := Train(DefaultConfig(), text, nil); err == nil {
			t.Errorf("Train(%q) did not fail", text)
		}
	}
}

func TestVocab(t *testing.T) {
	v := NewVocab("hello world")
	if v.String() != "helo wrd" || v.Size() != 8 {
		t.Fatalf("vocabulary %q", v.String())
	}
	ids, err := v.Encode("hold")
	if err != nil || !slices.Equal(ids, []int{0, 3, 2, 7}) {
		t.Fatalf("Encode(hold) = %v, %v", ids, err)
	}
	text, err := v.Decode(ids)
	if err != nil || text != "hold" {
		t.Fatalf("Decode = %q, %v", text, err)
	}
	_, err = v.Encode("help")
	if err == nil || !strings.Contains(err.Error(), `'p'`) || !strings.Contains(err.Error(), "text") ||
		!strings.Contains(err.Error(), "position 3") {
		t.Errorf("Encode(help) error %v: want it to name text, 'p' and position 3", err)
	}
	_, err = v.Decode([]int{1, 8})
	if err == nil || !strings.Contains(err.Error(), "ids[1] = 8") {
		t.Errorf("Decode error %v: want it to name ids[1] = 8", err)
	}
	if _, err := v.Encode("h\xffe"); err == nil {
		t.Error("Encode accepted invalid UTF-8")
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	m, err := Train(DefaultConfig(), DefaultText, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := m.MarshalBinary()
	var back Model
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	again, _ := back.MarshalBinary()
	if !bytes.Equal(data, again) {
		t.Fatal("marshal, unmarshal, marshal changed the bytes")
	}
	if back.Config != m.Config || back.Vocab.String() != m.Vocab.String() || back.Seconds != m.Seconds ||
		!slices.Equal(back.Losses, m.Losses) || back.FinalLoss != m.FinalLoss {
		t.Fatal("round trip changed the config, vocabulary or training record")
	}
	for i := range m.net.all {
		if math.Float32bits(m.net.all[i]) != math.Float32bits(back.net.all[i]) {
			t.Fatalf("weight %d changed", i)
		}
	}
	out, _, _ := back.GenerateText("h", 10)
	if out != DefaultText {
		t.Fatalf("unmarshalled model writes %q", out)
	}

	for _, bad := range [][]byte{
		nil,
		data[:len(data)-1],
		data[:len(magic)+10],
		append(slices.Clone(data), 0),
		func() []byte { d := slices.Clone(data); d[len(d)/2] ^= 1; return d }(),
		func() []byte { d := slices.Clone(data); d[0] = 'X'; return d }(),
	} {
		before := back
		if err := back.UnmarshalBinary(bad); err == nil {
			t.Errorf("UnmarshalBinary accepted %d corrupt bytes", len(bad))
		} else if !strings.HasPrefix(err.Error(), "charcnn: model data") {
			t.Errorf("error %q does not say what was bad", err)
		}
		if back.net != before.net {
			t.Error("a failed UnmarshalBinary changed the model")
		}
	}
}

// TestCodeVersion recomputes the hash from the files on disk.
func TestCodeVersion(t *testing.T) {
	want, files, err := srchash.OnDisk(".", ".go")
	if err != nil {
		t.Fatal(err)
	}
	if got := CodeVersion(); got != want || files < 3 {
		t.Fatalf("CodeVersion() = %s, but the %d source files on disk hash to %s", got, files, want)
	}
}

// BenchmarkTrainDefault measures a whole default training on DefaultText.
func BenchmarkTrainDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Train(DefaultConfig(), DefaultText, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate measures writing "hello world" from "h".
func BenchmarkGenerate(b *testing.B) {
	m, err := Train(DefaultConfig(), DefaultText, nil)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		m.Generate([]int{0}, 10)
	}
}
