package tf

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

// The reference values come from PyTorch (testdata/gen_reference.py, run
// with Debian's /usr/bin/python3): small models with fixed random weights,
// written with TransformerLens's formulas, layouts and hook names.

type refTensor struct {
	Name  string     `json:"name"`
	Shape []int      `json:"shape"`
	Data  []*float64 `json:"data"` // null for a masked (-Inf) attention score
}

type refCase struct {
	Config struct {
		DVocab  int     `json:"d_vocab"`
		DModel  int     `json:"d_model"`
		NHeads  int     `json:"n_heads"`
		DHead   int     `json:"d_head"`
		DMLP    int     `json:"d_mlp"`
		NCtx    int     `json:"n_ctx"`
		NLayers int     `json:"n_layers"`
		Norm    *string `json:"normalization_type"`
		ActFn   string  `json:"act_fn"`
		Eps     float64 `json:"eps"`
	} `json:"config"`
	Tokens      [][]int       `json:"tokens"`
	Targets     [][]int       `json:"targets"`
	Weights     []refTensor   `json:"weights"`
	Activations [][]refTensor `json:"activations"`
	Loss        float64       `json:"loss"`
	Grads       []refTensor   `json:"grads"`
}

func loadReference(t *testing.T) []refCase {
	t.Helper()
	data, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []refCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("no reference cases")
	}
	return ref.Cases
}

func (c *refCase) config() Config {
	norm := "none"
	if c.Config.Norm != nil && *c.Config.Norm == "LN" {
		norm = "ln"
	}
	return Config{DModel: c.Config.DModel, Heads: c.Config.NHeads, FF: c.Config.DMLP, Block: c.Config.NCtx,
		Layers: c.Config.NLayers, Norm: norm, Steps: 1, Batch: 1, LR: 1}
}

// values returns a reference tensor's data with null as -Inf.
func (r refTensor) values() []float64 {
	out := make([]float64, len(r.Data))
	for i, v := range r.Data {
		out[i] = math.Inf(-1)
		if v != nil {
			out[i] = *v
		}
	}
	return out
}

// refParams loads the case's weights into float64 params, checking that
// the names, order and shapes are the ones bind lays out.
func refParams(t *testing.T, c *refCase) params[float64] {
	t.Helper()
	lay := newLayout(c.config(), c.Config.DVocab)
	p := newParams[float64](lay)
	_, specs, _ := bind[float64](nil, lay)
	if len(specs) != len(c.Weights) {
		t.Fatalf("reference has %d weights, the model %d", len(c.Weights), len(specs))
	}
	for i, s := range specs {
		w := c.Weights[i]
		if w.Name != s.Name || !slices.Equal(w.Shape, s.Shape) {
			t.Fatalf("weight %d: reference %s %v, model %s %v", i, w.Name, w.Shape, s.Name, s.Shape)
		}
		copy(p.flat[s.Offset:], w.values())
	}
	return p
}

// closeTo reports the worst |got - want| / max(1, |want|), with two
// -Infs (masked scores) counted as equal and -Inf against a number as 1.
func closeTo(got, want []float64) float64 {
	worst := 0.0
	for i := range want {
		if math.IsInf(want[i], -1) || math.IsInf(got[i], -1) {
			if got[i] != want[i] {
				return 1
			}
			continue
		}
		worst = max(worst, math.Abs(got[i]-want[i])/max(1, math.Abs(want[i])))
	}
	return worst
}

// TestReferenceFloat64 compares every hook, the loss and every weight
// gradient of the float64 path with PyTorch's float64 values.
func TestReferenceFloat64(t *testing.T) {
	worstAct, worstGrad := 0.0, 0.0
	for ci, c := range loadReference(t) {
		p := refParams(t, &c)
		lay := p.lay
		g := newParams[float64](lay)
		n := 0
		for _, w := range c.Tokens {
			n += len(w)
		}
		loss := 0.0
		for b, w := range c.Tokens {
			a := newActs[float64](lay, len(w))
			p.forward(a, w)
			hs := hooks(lay, a)
			if len(hs) != len(c.Activations[b]) {
				t.Fatalf("case %d window %d: %d hooks, reference has %d", ci, b, len(hs), len(c.Activations[b]))
			}
			for i, h := range hs {
				r := c.Activations[b][i]
				if h.name != r.Name || !slices.Equal(h.shape, r.Shape) {
					t.Fatalf("case %d hook %d: %s %v, reference %s %v", ci, i, h.name, h.shape, r.Name, r.Shape)
				}
				e := closeTo(h.data, r.values())
				worstAct = max(worstAct, e)
				if e > 1e-12 {
					t.Errorf("case %d window %d %s: off by %.3g", ci, b, h.name, e)
				}
			}
			loss += crossEntropyForward(a.lse, a.logits, c.Targets[b], lay.V)
			p.backward(&g, a, w, c.Targets[b], 1/float64(n))
		}
		loss /= float64(n)
		if math.Abs(loss-c.Loss) > 1e-12 {
			t.Errorf("case %d: loss %.15g, reference %.15g", ci, loss, c.Loss)
		}
		_, specs, _ := bind[float64](nil, lay)
		for i, s := range specs {
			r := c.Grads[i]
			if r.Name != s.Name {
				t.Fatalf("gradient %d: %s, reference %s", i, s.Name, r.Name)
			}
			e := closeTo(g.flat[s.Offset:s.Offset+sizeOf(s.Shape)], r.values())
			worstGrad = max(worstGrad, e)
			if e > 1e-12 {
				t.Errorf("case %d gradient %s: off by %.3g", ci, s.Name, e)
			}
		}
	}
	t.Logf("worst relative difference from PyTorch: activations %.3g, gradients %.3g", worstAct, worstGrad)
}

// TestReferenceFloat32 runs the public API (Model.Forward, in float32) on
// the reference weights and compares the whole Trace with PyTorch.
func TestReferenceFloat32(t *testing.T) {
	worst := 0.0
	for ci, c := range loadReference(t) {
		p := refParams(t, &c)
		v := &Vocab{Runes: []rune("abcdefghij"[:c.Config.DVocab])}
		m, err := New(c.config(), v)
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range p.flat {
			m.p.flat[i] = float32(w)
		}
		for b, w := range c.Tokens {
			tr := m.Forward(w)
			all := tr.All()
			if len(all) != len(c.Activations[b]) {
				t.Fatalf("case %d: trace has %d activations, reference %d", ci, len(all), len(c.Activations[b]))
			}
			for i, r := range c.Activations[b] {
				got := tr.Get(r.Name)
				if all[i].Name != r.Name || !slices.Equal(got.Shape, r.Shape) {
					t.Fatalf("case %d activation %d: %s %v, reference %s %v", ci, i, all[i].Name, got.Shape, r.Name, r.Shape)
				}
				e := closeTo(got.Float64s(), r.values())
				worst = max(worst, e)
				if e > 2e-5 {
					t.Errorf("case %d window %d %s: float32 off by %.3g", ci, b, r.Name, e)
				}
			}
		}
	}
	t.Logf("worst relative difference of the float32 trace from PyTorch: %.3g", worst)
}
