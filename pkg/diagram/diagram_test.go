package diagram

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"tinynets/pkg/cnn"
	"tinynets/pkg/tf"
)

// cnnConfigs are shapes to hold the diagrams to; training fields do not
// matter here.
func cnnConfigs() []cnn.Config {
	a := cnn.DefaultConfig()
	b := a
	b.Filters1, b.Filters2, b.Kernel = 3, 5, 5
	c := a
	c.Filters1, c.Filters2, c.Kernel = 12, 20, 1
	return []cnn.Config{a, b, c}
}

func tfConfigs() []tf.Config {
	a := tf.DefaultConfig()
	b := a
	b.Layers, b.Heads, b.DModel, b.FF, b.Block = 2, 2, 12, 30, 5
	c := a
	c.Norm = "none"
	c.Layers = 3
	return []tf.Config{a, b, c}
}

// The stage shapes are the shapes of the model's own forward pass.
func TestCNNStagesMatchForward(t *testing.T) {
	for _, cfg := range cnnConfigs() {
		m := cnn.New(cfg)
		tr := m.Forward(make([]float32, cnn.Side*cnn.Side))
		want := [][]int{tr.Input.Shape, tr.Conv1.Shape, tr.Pool1.Shape, tr.Conv2.Shape, tr.Pool2.Shape, tr.Logits.Shape, {}}
		stages := CNNStages(cfg)
		if len(stages) != len(want) {
			t.Fatalf("%+v: %d stages, want %d", cfg, len(stages), len(want))
		}
		for i, s := range stages {
			if !slices.Equal(s.Shape, want[i]) {
				t.Errorf("%+v: stage %d (%s) shape %v, forward gives %v", cfg, i, s.Op, s.Shape, want[i])
			}
		}
		if got := TotalParams(stages); got != m.NumParams() {
			t.Errorf("%+v: stages hold %d params, the model %d", cfg, got, m.NumParams())
		}
	}
}

func TestTFStagesMatchForward(t *testing.T) {
	const text = "hello world"
	for _, cfg := range tfConfigs() {
		v, err := tf.NewVocab(text)
		if err != nil {
			t.Fatal(err)
		}
		m, err := tf.New(cfg, v)
		if err != nil {
			t.Fatal(err)
		}
		tokens := make([]int, cfg.Block)
		for i := range tokens {
			tokens[i] = i % v.Size()
		}
		tr := m.Forward(tokens)
		stages := TFStages(cfg, v.Size())
		want := map[string][]int{"input": {cfg.Block}, "embed": tr.Get("hook_embed").Shape}
		for l := range cfg.Layers {
			want[fmt.Sprintf("context sharing %d", l+1)] = tr.Get(fmt.Sprintf("blocks.%d.hook_resid_mid", l)).Shape
			want[fmt.Sprintf("storyline %d", l+1)] = tr.Get(fmt.Sprintf("blocks.%d.hook_resid_post", l)).Shape
			pattern := tr.Get(fmt.Sprintf("blocks.%d.attn.hook_pattern", l)).Shape
			if s := stageOf(stages, Context, l+1); !strings.Contains(s.Detail, ShapeText(pattern)) {
				t.Errorf("%+v: block %d attention says %q, the pattern is %v", cfg, l, s.Detail, pattern)
			}
			hidden := tr.Get(fmt.Sprintf("blocks.%d.mlp.hook_post", l)).Shape
			if s := stageOf(stages, Storyline, l+1); !strings.Contains(s.Detail, ShapeText(hidden)) {
				t.Errorf("%+v: block %d FFN says %q, the hidden layer is %v", cfg, l, s.Detail, hidden)
			}
		}
		want["logits"] = tr.Get("logits").Shape
		want["loop"] = []int{cfg.Block}
		got := map[string][]int{}
		for _, s := range stages {
			key := s.Role.String()
			switch s.Role {
			case Input, Embed, Logits:
			case Context, Storyline:
				key = fmt.Sprintf("%s %d", s.Role, s.Layer)
			case Loop:
				key = "loop"
			default:
				continue
			}
			got[key] = s.Shape
		}
		for k, w := range want {
			if !slices.Equal(got[k], w) {
				t.Errorf("%+v: %s shape %v, forward gives %v", cfg, k, got[k], w)
			}
		}
		if n := TotalParams(stages); n != m.NumParams() {
			t.Errorf("%+v: stages hold %d params, the model %d", cfg, n, m.NumParams())
		}
	}
}

func stageOf(stages []Stage, r Role, layer int) Stage {
	for _, s := range stages {
		if s.Role == r && s.Layer == layer {
			return s
		}
	}
	panic(fmt.Sprintf("no stage %v %d", r, layer))
}

// drawings returns every drawing of one pair of configurations.
func drawings(c4 cnn.Config, c5 tf.Config) map[string][]byte {
	return map[string][]byte{
		"overview": Overview(c4, c5, 8),
		"mainloop": MainLoop(c4, c5, 8),
		"cnn":      CNNLayers(c4),
		"tf":       TFLayers(c5, 8),
	}
}

// Every drawing is well-formed XML with an opaque background, and the
// same configuration gives the same bytes.
func TestDrawingsWellFormedAndDeterministic(t *testing.T) {
	for i, c4 := range cnnConfigs() {
		c5 := tfConfigs()[i]
		first, second := drawings(c4, c5), drawings(c4, c5)
		for name, svg := range first {
			if !bytes.Equal(svg, second[name]) {
				t.Errorf("%s: two drawings of the same configuration differ", name)
			}
			if err := wellFormed(svg); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			if !bytes.Contains(svg, []byte(`fill="`+background+`"`)) {
				t.Errorf("%s: no opaque background", name)
			}
		}
	}
}

func wellFormed(svg []byte) error {
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// The drawings follow the configuration: shapes and block counts change
// with it.
func TestDrawingsFollowConfig(t *testing.T) {
	c5 := tf.DefaultConfig()
	one := string(TFLayers(c5, 8))
	c5.Layers = 2
	two := string(TFLayers(c5, 8))
	if strings.Contains(one, "block 2 of") || !strings.Contains(one, "block 1 of 1") {
		t.Errorf("one layer: want exactly one block drawn")
	}
	if !strings.Contains(two, "block 1 of 2") || !strings.Contains(two, "block 2 of 2") {
		t.Errorf("two layers: want two blocks drawn")
	}
	c4 := cnn.DefaultConfig()
	c4.Filters1 = 5
	svg := string(CNNLayers(c4))
	if !strings.Contains(svg, "5 × 28 × 28") || strings.Contains(svg, "8 × 28 × 28") {
		t.Errorf("cnn.filters1=5: the conv1 maps should be drawn 5 × 28 × 28")
	}
	ov := string(Overview(c4, c5, 11))
	for _, want := range []string{"5 × 14 × 14", "8 × 11", "1 of 11 characters"} {
		if !strings.Contains(ov, want) {
			t.Errorf("overview: no %q", want)
		}
	}
}

// Text from outside (none today, but the helpers must stay safe) is
// escaped.
func TestEscape(t *testing.T) {
	c := &canvas{w: 10, h: 10}
	c.text(0, 0, `a<b & "c"`, textStyle{size: 10})
	if err := wellFormed(c.svg("t<", "d&")); err != nil {
		t.Fatal(err)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 9098: "9,098", 1234567: "1,234,567", -4321: "-4,321"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
