package life

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// reference is testdata/reference.json, written by testdata/gen_reference.py
// with PyTorch in float64.
type reference struct {
	Conv struct {
		S      int       `json:"S"`
		Cin    int       `json:"Cin"`
		Cout   int       `json:"Cout"`
		In     []float64 `json:"in"`
		W      []float64 `json:"w"`
		B      []float64 `json:"b"`
		R      []float64 `json:"R"`
		Out    []float64 `json:"out"`
		GradIn []float64 `json:"grad_in"`
		GradW  []float64 `json:"grad_w"`
		GradB  []float64 `json:"grad_b"`
	} `json:"conv"`
	Net struct {
		S       int       `json:"S"`
		Filters int       `json:"Filters"`
		Hidden  int       `json:"Hidden"`
		Board   []int     `json:"board"`
		Next    []int     `json:"next"`
		W1      []float64 `json:"w1"`
		B1      []float64 `json:"b1"`
		W2      []float64 `json:"w2"`
		B2      []float64 `json:"b2"`
		W3      []float64 `json:"w3"`
		B3      []float64 `json:"b3"`
		A1      []float64 `json:"a1"`
		A2      []float64 `json:"a2"`
		Z       []float64 `json:"z"`
		Loss    float64   `json:"loss"`
		GradW1  []float64 `json:"grad_w1"`
		GradB1  []float64 `json:"grad_b1"`
		GradW2  []float64 `json:"grad_w2"`
		GradB2  []float64 `json:"grad_b2"`
		GradW3  []float64 `json:"grad_w3"`
		GradB3  []float64 `json:"grad_b3"`
	} `json:"net"`
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

func convert[F Float](src []float64) []F {
	dst := make([]F, len(src))
	for i, v := range src {
		dst[i] = F(v)
	}
	return dst
}

func cells(src []int) []uint8 {
	dst := make([]uint8, len(src))
	for i, v := range src {
		dst[i] = uint8(v)
	}
	return dst
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

func testConvAgainstTorch[F Float](t *testing.T, tol float64) {
	c := loadReference(t).Conv
	in, w, b, R := convert[F](c.In), convert[F](c.W), convert[F](c.B), convert[F](c.R)
	out := make([]F, c.Cout*c.S*c.S)
	conv2dForward(out, in, w, b, c.Cin, c.Cout, c.S)
	compare(t, "out", out, c.Out, tol)
	dIn, dW, dB := make([]F, len(in)), make([]F, len(w)), make([]F, len(b))
	conv2dBackward(dIn, dW, dB, R, in, w, c.Cin, c.Cout, c.S)
	compare(t, "grad in", dIn, c.GradIn, tol)
	compare(t, "grad w", dW, c.GradW, tol)
	compare(t, "grad b", dB, c.GradB, tol)
}

func testNetAgainstTorch[F Float](t *testing.T, tol float64) {
	r := loadReference(t).Net
	board, next := cells(r.Board), cells(r.Next)
	for i, c := range TrueStep(board, r.S) {
		if c != next[i] {
			t.Fatalf("TrueStep differs from PyTorch's rule at cell %d", i)
		}
	}
	n := newNet[F](r.Filters, r.Hidden)
	for _, p := range []struct {
		dst []F
		src []float64
	}{{n.w1, r.W1}, {n.b1, r.B1}, {n.w2, r.W2}, {n.b2, r.B2}, {n.w3, r.W3}, {n.b3, r.B3}} {
		if len(p.dst) != len(p.src) {
			t.Fatalf("reference weight has %d values, want %d", len(p.src), len(p.dst))
		}
		copy(p.dst, convert[F](p.src))
	}
	tr := newTrace(n, r.S)
	n.forward(tr, board)
	compare(t, "a1", tr.a1, r.A1, tol)
	compare(t, "a2", tr.a2, r.A2, tol)
	compare(t, "z", tr.z, r.Z, tol)
	N := r.S * r.S
	g := newNet[F](r.Filters, r.Hidden)
	loss := n.backward(g, tr, next, F(1/float64(N))) / float64(N)
	compare(t, "loss", []float64{loss}, []float64{r.Loss}, tol)
	compare(t, "grad w1", g.w1, r.GradW1, tol)
	compare(t, "grad b1", g.b1, r.GradB1, tol)
	compare(t, "grad w2", g.w2, r.GradW2, tol)
	compare(t, "grad b2", g.b2, r.GradB2, tol)
	compare(t, "grad w3", g.w3, r.GradW3, tol)
	compare(t, "grad b3", g.b3, r.GradB3, tol)
}

func TestConvAgainstPyTorch64(t *testing.T) { testConvAgainstTorch[float64](t, 1e-12) }
func TestConvAgainstPyTorch32(t *testing.T) { testConvAgainstTorch[float32](t, 1e-5) }
func TestNetAgainstPyTorch64(t *testing.T)  { testNetAgainstTorch[float64](t, 1e-12) }
func TestNetAgainstPyTorch32(t *testing.T)  { testNetAgainstTorch[float32](t, 1e-5) }
