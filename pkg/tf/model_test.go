package tf

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"tinynets/pkg/tensor"
)

func TestNewVocab(t *testing.T) {
	v, err := NewVocab("hello world")
	if err != nil {
		t.Fatal(err)
	}
	if string(v.Runes) != "helo wrd" || v.Size() != 8 {
		t.Fatalf("vocabulary %q (%d)", string(v.Runes), v.Size())
	}
	ids, err := v.Encode("hello world", "tf.text")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []int{0, 1, 2, 2, 3, 4, 5, 3, 6, 2, 7}) {
		t.Fatalf("ids %v", ids)
	}
	if got := v.Decode(ids); got != "hello world" {
		t.Fatalf("decoded %q", got)
	}
	u, _ := NewVocab("añb€a")
	if string(u.Runes) != "añb€" {
		t.Fatalf("multi-byte runes: %q", string(u.Runes))
	}
}

func TestVocabErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"", "tf.text = \"\": has 0 characters, need at least 2"},
		{"é", "has 1 characters, need at least 2"},
		{"ab\xc3", "tf.text: invalid UTF-8 at byte 2"},
	} {
		if _, err := NewVocab(c.text); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewVocab(%q): error %v, want %q", c.text, err, c.want)
		}
	}
	v, _ := NewVocab("hello world")
	for _, c := range []struct{ s, want string }{
		{"help", `tf.prompt = "help": character 'p' is not in the vocabulary "helo wrd"`},
		{"", "tf.prompt is empty"},
		{"h\xffe", "tf.prompt: invalid UTF-8 at byte 1"},
	} {
		if _, err := v.Encode(c.s, "tf.prompt"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Encode(%q): error %v, want %q", c.s, err, c.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Decode of id 8 did not panic")
		}
	}()
	v.Decode([]int{8})
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		change func(*Config)
		want   string
	}{
		{func(c *Config) { c.DModel = 0 }, "tf.dmodel = 0"},
		{func(c *Config) { c.Heads = 0 }, "tf.heads = 0"},
		{func(c *Config) { c.Heads = 3 }, "tf.heads = 3: must divide tf.dmodel = 16"},
		{func(c *Config) { c.FF = 0 }, "tf.ff = 0"},
		{func(c *Config) { c.Block = 0 }, "tf.block = 0: must be >= 1"},
		{func(c *Config) { c.Layers = 0 }, "tf.layers = 0"},
		{func(c *Config) { c.Norm = "rms" }, `tf.norm = "rms": must be "ln" or "none"`},
		{func(c *Config) { c.Steps = -1 }, "tf.steps = -1"},
		{func(c *Config) { c.Batch = 0 }, "tf.batch = 0"},
		{func(c *Config) { c.LR = 0 }, "tf.lr = 0: must be positive and finite"},
		{func(c *Config) { c.LR = math.NaN() }, "tf.lr = NaN"},
		{func(c *Config) { c.LR = math.Inf(1) }, "tf.lr = +Inf"},
	} {
		cfg := DefaultConfig()
		c.change(&cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

func d5(t *testing.T, norm string) *Model {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Norm = norm
	v, _ := NewVocab("hello world")
	m, err := New(cfg, v)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWeights(t *testing.T) {
	m := d5(t, "ln")
	var got []string
	total := 0
	for _, w := range m.Weights() {
		got = append(got, fmt.Sprintf("%s%s", w.Name, tensor.ShapeString(w.T.Shape)))
		total += w.T.Len()
	}
	want := []string{
		"embed.W_E(8, 16)", "pos_embed.W_pos(8, 16)",
		"blocks.0.ln1.w(16,)", "blocks.0.ln1.b(16,)",
		"blocks.0.attn.W_Q(1, 16, 16)", "blocks.0.attn.W_K(1, 16, 16)", "blocks.0.attn.W_V(1, 16, 16)",
		"blocks.0.attn.b_Q(1, 16)", "blocks.0.attn.b_K(1, 16)", "blocks.0.attn.b_V(1, 16)",
		"blocks.0.attn.W_O(1, 16, 16)", "blocks.0.attn.b_O(16,)",
		"blocks.0.ln2.w(16,)", "blocks.0.ln2.b(16,)",
		"blocks.0.mlp.W_in(16, 64)", "blocks.0.mlp.b_in(64,)", "blocks.0.mlp.W_out(64, 16)", "blocks.0.mlp.b_out(16,)",
		"ln_final.w(16,)", "ln_final.b(16,)", "unembed.W_U(16, 8)", "unembed.b_U(8,)",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("weights\n%v\nwant\n%v", got, want)
	}
	// d_vocab·D + n_ctx·D + per block (2 LayerNorms 4D, Q K V O 4D² + 4D,
	// FFN 2·D·FF + FF + D) + final LayerNorm 2D + unembedding D·V + V.
	D, V, FF, C := 16, 8, 64, 8
	formula := V*D + C*D + (4*D + 4*D*D + 4*D + 2*D*FF + FF + D) + 2*D + D*V + V
	if total != m.NumParams() || total != formula {
		t.Fatalf("weights hold %d numbers, NumParams %d, formula %d", total, m.NumParams(), formula)
	}
	t.Logf("D5 has %d parameters", total)

	none := d5(t, "none")
	for _, w := range none.Weights() {
		if strings.Contains(w.Name, "ln") {
			t.Errorf("norm none has %s", w.Name)
		}
	}
}

// TestWeightsShareStorage: Weights are views; zeroing W_U zeroes the
// logits except for b_U.
func TestWeightsShareStorage(t *testing.T) {
	m := d5(t, "ln")
	for _, w := range m.Weights() {
		if w.Name == "unembed.W_U" {
			clear(w.T.Data)
		}
		if w.Name == "unembed.b_U" {
			w.T.Data[3] = 2.5
		}
	}
	logits := m.Forward([]int{0, 1}).Get("logits")
	for i, v := range logits.Data {
		want := float32(0)
		if i%8 == 3 {
			want = 2.5
		}
		if v != want {
			t.Fatalf("logit %d = %v after zeroing W_U, want %v", i, v, want)
		}
	}
}

func TestClone(t *testing.T) {
	m := d5(t, "ln")
	m.Losses = []float64{3, 2}
	c := m.Clone()
	before := m.Forward([]int{0, 1}).Get("logits").Clone()
	clear(c.Weights()[0].T.Data) // W_E of the clone
	c.Losses[0] = 7
	c.Vocab.Runes[0] = 'x'
	after := m.Forward([]int{0, 1}).Get("logits")
	if !slices.Equal(before.Data, after.Data) || m.Losses[0] != 3 || m.Vocab.Runes[0] != 'h' {
		t.Fatal("changing the clone changed the original")
	}
	if slices.Equal(c.Forward([]int{0, 1}).Get("logits").Data, before.Data) {
		t.Fatal("zeroing the clone's W_E changed nothing")
	}
}

func TestInit(t *testing.T) {
	m := d5(t, "ln")
	for _, w := range m.Weights() {
		last := w.Name[strings.LastIndex(w.Name, ".")+1:]
		mean, sq := 0.0, 0.0
		for _, x := range w.T.Data {
			mean += float64(x)
			sq += float64(x) * float64(x)
		}
		n := float64(w.T.Len())
		mean /= n
		std := math.Sqrt(sq/n - mean*mean)
		switch {
		case strings.HasPrefix(last, "W_"):
			if want := 0.8 / 4; n >= 256 && math.Abs(std-want) > 0.15*want {
				t.Errorf("%s: std %.3f, want about %.3f", w.Name, std, want)
			}
		case last == "w":
			if mean != 1 || std != 0 {
				t.Errorf("%s: LayerNorm gain not all 1", w.Name)
			}
		default:
			if mean != 0 || std != 0 {
				t.Errorf("%s: bias not all 0", w.Name)
			}
		}
	}
}

func TestHookedConfig(t *testing.T) {
	js, _ := json.Marshal(d5(t, "ln").HookedConfig())
	want := `{"d_vocab":8,"d_model":16,"n_heads":1,"d_head":16,"d_mlp":64,"n_layers":1,"n_ctx":8,"act_fn":"gelu","normalization_type":"LN","eps":0.00001,"positional_embedding_type":"standard"}`
	if string(js) != want {
		t.Errorf("HookedConfig\n%s\nwant\n%s", js, want)
	}
	if c := d5(t, "none").HookedConfig(); c.NormalizationType != nil {
		t.Errorf("norm none: normalization_type %q, want nil", *c.NormalizationType)
	}
}

func TestTrace(t *testing.T) {
	for _, norm := range []string{"ln", "none"} {
		m := d5(t, norm)
		tr := m.Forward([]int{0, 1, 2})
		var got []string
		for _, n := range tr.All() {
			got = append(got, n.Name+tensor.ShapeString(n.T.Shape))
		}
		want := []string{"hook_embed(3, 16)", "hook_pos_embed(3, 16)", "blocks.0.hook_resid_pre(3, 16)",
			"blocks.0.ln1.hook_normalized(3, 16)",
			"blocks.0.attn.hook_q(3, 1, 16)", "blocks.0.attn.hook_k(3, 1, 16)", "blocks.0.attn.hook_v(3, 1, 16)",
			"blocks.0.attn.hook_attn_scores(1, 3, 3)", "blocks.0.attn.hook_pattern(1, 3, 3)", "blocks.0.attn.hook_z(3, 1, 16)",
			"blocks.0.hook_attn_out(3, 16)", "blocks.0.hook_resid_mid(3, 16)", "blocks.0.ln2.hook_normalized(3, 16)",
			"blocks.0.mlp.hook_pre(3, 64)", "blocks.0.mlp.hook_post(3, 64)", "blocks.0.hook_mlp_out(3, 16)",
			"blocks.0.hook_resid_post(3, 16)", "ln_final.hook_normalized(3, 16)", "logits(3, 8)", "probs(3, 8)"}
		if norm == "none" {
			want = slices.DeleteFunc(want, func(s string) bool { return strings.Contains(s, "ln") })
		}
		if !slices.Equal(got, want) {
			t.Errorf("norm %s trace\n%v\nwant\n%v", norm, got, want)
		}
		if _, ok := tr.Lookup("blocks.0.ln1.hook_normalized"); ok != (norm == "ln") {
			t.Errorf("norm %s: Lookup of ln1 says %v", norm, ok)
		}
		// The residual stream adds up.
		pre, attn, mid := tr.Get("blocks.0.hook_resid_pre"), tr.Get("blocks.0.hook_attn_out"), tr.Get("blocks.0.hook_resid_mid")
		for i := range pre.Data {
			if pre.Data[i]+attn.Data[i] != mid.Data[i] {
				t.Fatalf("resid_pre + attn_out != resid_mid at %d", i)
			}
		}
	}
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "hook_embed") {
			t.Errorf("Get of an unknown name: panic %v, want one listing the names", r)
		}
	}()
	d5(t, "ln").Forward([]int{0}).Get("blocks.0.hook_nope")
}
