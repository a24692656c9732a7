package book

import (
	"strings"
	"testing"
)

func TestMaskHTML(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<p>a</p><pre class="out-text" data-volatile>took 3 s
</pre><p>b</p>`, `<p>a</p><pre class="out-text" data-volatile>[measured]</pre><p>b</p>`},
		{`<td>1</td><td data-volatile>0.5</td><td data-volatile>0.7</td>`, `<td>1</td><td data-volatile>[measured]</td><td data-volatile>[measured]</td>`},
		// Nested elements of the same name are inside the mask.
		{`<div class="out-md" data-volatile><div>x</div> y</div>after`, `<div class="out-md" data-volatile>[measured]</div>after`},
		// The words in text are not an attribute.
		{`<p>elements marked data-volatile are masked</p>`, `<p>elements marked data-volatile are masked</p>`},
		{`<span data-volatile>1 s</span> and <span>kept</span>`, `<span data-volatile>[measured]</span> and <span>kept</span>`},
	} {
		if got := string(MaskHTML([]byte(tc.in))); got != tc.want {
			t.Errorf("MaskHTML(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestMaskJSON(t *testing.T) {
	a := `{"chapters": [{"id": "2.1", "seconds": 1.5, "sections": [{"id": "x", "seconds": 0.2}]}], "timings": {"cnn": 3}, "models": {"cnn": {"accuracy": 0.98, "seconds_to_98": 2.5}}}`
	b := `{"chapters": [{"id": "2.1", "seconds": 9.5, "sections": [{"id": "x", "seconds": 4}]}], "timings": {"cnn": 7}, "models": {"cnn": {"accuracy": 0.98, "seconds_to_98": 3.1}}}`
	c := strings.Replace(b, "0.98", "0.97", 1)
	ma, err := MaskJSON([]byte(a))
	if err != nil {
		t.Fatal(err)
	}
	mb, _ := MaskJSON([]byte(b))
	mc, _ := MaskJSON([]byte(c))
	if string(ma) != string(mb) {
		t.Errorf("times are not masked:\n%s\n%s", ma, mb)
	}
	if string(ma) == string(mc) {
		t.Errorf("a changed accuracy is masked")
	}
	if strings.Contains(string(ma), "seconds") || strings.Contains(string(ma), "timings") {
		t.Errorf("masked JSON still has times: %s", ma)
	}
}
