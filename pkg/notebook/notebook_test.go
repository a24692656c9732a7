package notebook

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tinynets/pkg/tensor"
)

func testParams() (*Params, IntParam, FloatParam) {
	ps := NewParams()
	k := ps.Int("cnn.kernel", 3, 1, 27, "kernel size")
	lr := ps.Float("cnn.lr", 0.001, 0, 1, "learning rate")
	ps.Choice("tf.norm", "ln", []string{"ln", "none"}, "norm")
	ps.Rule([]string{"cnn.kernel"}, func() error {
		if k.Int()%2 == 0 {
			return errors.New("cnn.kernel must be odd")
		}
		return nil
	})
	return ps, k, lr
}

func TestParamsSet(t *testing.T) {
	ps, k, lr := testParams()
	if err := ps.Set("cnn.kernel=5"); err != nil || k.Int() != 5 {
		t.Fatalf("Set kernel=5: err %v, value %d", err, k.Int())
	}
	for _, tc := range []struct{ assign, want string }{
		{"cnn.kernal=3", `unknown parameter "cnn.kernal"; closest known: cnn.kernel`},
		{"cnn.kernel=0", "cnn.kernel=\"0\" must be an integer from 1 to 27"},
		{"cnn.kernel=x", "must be an integer"},
		{"cnn.lr=NaN", "must be a finite number greater than 0"},
		{"cnn.lr=-1", "must be a finite number greater than 0"},
		{"cnn.lr=+Inf", "must be a finite number"},
		{"tf.norm=batch", "must be one of ln, none"},
		{"nokey", "want key=value"},
	} {
		err := ps.Set(tc.assign)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Set(%q) = %v, want an error containing %q", tc.assign, err, tc.want)
		}
	}
	if lr.Float() != 0.001 {
		t.Errorf("a rejected value changed cnn.lr to %v", lr.Float())
	}
	if err := ps.Set("cnn.kernel=4"); err != nil {
		t.Fatal(err)
	}
	if err := ps.Validate(); err == nil || !strings.Contains(err.Error(), "must be odd") {
		t.Errorf("Validate with an even kernel = %v, want the rule's error", err)
	}
}

func TestCacheRecomputesCorruptEntries(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	calls := 0
	compute := func() ([]byte, error) { calls++; return []byte("trained weights"), nil }
	key := map[string]any{"lr": 0.001, "epochs": 2}
	for i := 0; i < 2; i++ {
		got, err := c.Cached("model", key, compute)
		if err != nil || string(got) != "trained weights" {
			t.Fatalf("Cached = %q, %v", got, err)
		}
	}
	if calls != 1 {
		t.Fatalf("compute ran %d times for two lookups of one key, want 1", calls)
	}
	files, _ := filepath.Glob(filepath.Join(c.Dir, "model", "*.bin"))
	if len(files) != 1 {
		t.Fatalf("cache holds %v, want one entry", files)
	}
	raw, _ := os.ReadFile(files[0])
	raw[len(raw)-1] ^= 0xff // flip a payload byte
	os.WriteFile(files[0], raw, 0o644)
	if _, err := c.Cached("model", key, compute); err != nil || calls != 2 {
		t.Fatalf("corrupt entry: calls %d, err %v; want a recompute", calls, err)
	}
	os.WriteFile(files[0], raw[:len(raw)/2], 0o644) // truncate
	if _, err := c.Cached("model", key, compute); err != nil || calls != 3 {
		t.Fatalf("truncated entry: calls %d, err %v; want a recompute", calls, err)
	}
	if _, err := c.Cached("model", map[string]any{"lr": 0.002, "epochs": 2}, compute); err != nil || calls != 4 {
		t.Fatalf("changed key: calls %d, want a recompute", calls)
	}
	c.Fresh = true
	if _, err := c.Cached("model", key, compute); err != nil || calls != 5 {
		t.Fatalf("fresh: calls %d, want a recompute", calls)
	}
}

var testKernel IntParam

func sectionShows(c *Cell) error {
	c.Printf("kernel %d\n", testKernel.Get(c))
	c.Printf("second line\n")
	c.Table(Table{Header: []string{"a"}, Rows: [][]string{{"1"}}})
	if err := c.Tensor("t/w", tensor.FromSlice([]float32{1, -2, 3, -4}, 2, 2), Signed()); err != nil {
		return err
	}
	c.Measuredf("took %d ms\n", 12)
	c.Model("cnn", map[string]any{"epochs": 2})
	c.Timing("cnn.seconds", 1.5)
	return nil
}

func sectionPanics(c *Cell) error {
	var s []int
	_ = s[3]
	return nil
}

func TestRunnerCapturesInOrderAndNamesFailures(t *testing.T) {
	ps, k, _ := testParams()
	testKernel = k
	out := t.TempDir()
	r := &Runner{Out: out, Params: ps}
	ch := &Chapter{ID: "9.9", Title: "test", File: "x.go", Sections: []Section{
		{ID: "9.9-a", Title: "shows", Run: sectionShows},
		{ID: "9.9-b", Title: "panics", Run: sectionPanics},
		{ID: "9.9-c", Title: "never runs", Run: sectionShows},
	}}
	res, err := r.Run(ch)
	var se *SectionError
	if !errors.As(err, &se) || se.Chapter != "9.9" || se.Section != "9.9-b" || !strings.Contains(err.Error(), "index out of range") {
		t.Fatalf("Run error = %v, want a SectionError for 9.9-b naming the panic", err)
	}
	if len(res.Sections) != 2 || res.Sections[0].Status != "ok" || res.Sections[1].Status != "failed" {
		t.Fatalf("sections = %+v, want ok then failed and no third", res.Sections)
	}
	outs := res.Sections[0].Outputs
	kinds := []Kind{}
	for _, o := range outs {
		kinds = append(kinds, o.Kind)
	}
	want := []Kind{Text, TableOut, TensorOut, Text}
	if len(kinds) != len(want) {
		t.Fatalf("output kinds %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("output kinds %v, want %v", kinds, want)
		}
	}
	if outs[0].Text != "kernel 3\nsecond line\n" || outs[0].Volatile || !outs[3].Volatile {
		t.Errorf("text outputs %q (volatile %v), %q (volatile %v)", outs[0].Text, outs[0].Volatile, outs[3].Text, outs[3].Volatile)
	}
	if len(res.Used) != 1 || res.Used[0].Key != "cnn.kernel" {
		t.Errorf("used params %v, want cnn.kernel only", res.Used)
	}
	rec := res.Tensors[0]
	if rec.Name != "t/w" || rec.DType != "float32" || rec.File != "chapter-9.9/tensors/t/w.npy" || rec.Section != "9.9-a" {
		t.Errorf("tensor record %+v", rec)
	}
	npy, err := os.ReadFile(filepath.Join(out, rec.File))
	if err != nil || len(npy) != 128+16 {
		t.Errorf("npy file: %d bytes, %v; want a 128-byte header and 16 data bytes", len(npy), err)
	}
	if rec.Grid == nil || rec.Grid.Rows[1][1] != "-4" {
		t.Errorf("value grid %+v, want a 2x2 grid ending in -4", rec.Grid)
	}
	if res.Models["cnn"]["epochs"] != 2 || res.Timings["cnn.seconds"] != 1.5 {
		t.Errorf("models %v timings %v", res.Models, res.Timings)
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"<script>": "`<script>`",
		"a`b":      "``a`b``",
		"`":        "`` ` ``",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}
