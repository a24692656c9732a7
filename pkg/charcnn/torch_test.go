package charcnn

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// reference is testdata/reference.json, written by testdata/gen_reference.py
// with PyTorch in float64.
type reference struct {
	V, C, L, T int
	IDs        []int       `json:"ids"`
	Targets    []int       `json:"targets"`
	Emb        []float64   `json:"emb"`
	ConvW      [][]float64 `json:"conv_w"`
	ConvB      [][]float64 `json:"conv_b"`
	OutW       []float64   `json:"out_w"`
	OutB       []float64   `json:"out_b"`
	Pre        [][]float64 `json:"pre"`
	Hidden     [][]float64 `json:"hidden"`
	Logits     []float64   `json:"logits"`
	Loss       float64     `json:"loss"`
	GradEmb    []float64   `json:"grad_emb"`
	GradConvW  [][]float64 `json:"grad_conv_w"`
	GradConvB  [][]float64 `json:"grad_conv_b"`
	GradOutW   []float64   `json:"grad_out_w"`
	GradOutB   []float64   `json:"grad_out_b"`
}

func loadReference(t *testing.T) *reference {
	t.Helper()
	data, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatalf("testdata/reference.json: %v", err)
	}
	return &ref
}

// referenceNet builds a net of element type F holding the reference weights.
func referenceNet[F Float](ref *reference) *net[F] {
	n := newNet[F](ref.V, ref.C, ref.L)
	set := func(dst []F, src []float64) {
		if len(dst) != len(src) {
			panic("reference weights have the wrong size")
		}
		for i, v := range src {
			dst[i] = F(v)
		}
	}
	set(n.emb, ref.Emb)
	for l := range ref.L {
		set(n.convW[l], ref.ConvW[l])
		set(n.convB[l], ref.ConvB[l])
	}
	set(n.outW, ref.OutW)
	set(n.outB, ref.OutB)
	return n
}

func compare[F Float](t *testing.T, name string, got []F, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, PyTorch has %d", name, len(got), len(want))
	}
	worst := 0.0
	for i := range got {
		d := math.Abs(float64(got[i]) - want[i])
		worst = math.Max(worst, d)
		if d > tol*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s[%d] = %.10g, PyTorch %.10g", name, i, float64(got[i]), want[i])
		}
	}
	t.Logf("%s: worst difference %.2g", name, worst)
}

func testAgainstTorch[F Float](t *testing.T, tol float64) {
	ref := loadReference(t)
	n := referenceNet[F](ref)
	tr := newTrace(n, ref.T)
	n.forward(tr, ref.IDs)
	for l := range ref.L {
		compare(t, "pre", tr.pre[l], ref.Pre[l], tol)
		compare(t, "hidden", tr.h[l+1], ref.Hidden[l], tol)
	}
	compare(t, "logits", tr.logits, ref.Logits, tol)
	g := newNet[F](n.V, n.C, n.L)
	loss := n.backward(g, tr, ref.IDs, ref.Targets, F(1/float64(ref.T))) / float64(ref.T)
	compare(t, "loss", []float64{loss}, []float64{ref.Loss}, tol)
	compare(t, "grad embed", g.emb, ref.GradEmb, tol)
	for l := range ref.L {
		compare(t, "grad conv w", g.convW[l], ref.GradConvW[l], tol)
		compare(t, "grad conv b", g.convB[l], ref.GradConvB[l], tol)
	}
	compare(t, "grad unembed w", g.outW, ref.GradOutW, tol)
	compare(t, "grad unembed b", g.outB, ref.GradOutB, tol)
}

func TestAgainstPyTorch64(t *testing.T) { testAgainstTorch[float64](t, 1e-12) }
func TestAgainstPyTorch32(t *testing.T) { testAgainstTorch[float32](t, 1e-5) }
