package plots

import (
	"strings"
	"testing"
)

func TestTicks(t *testing.T) {
	labels := func(ts []string) string { return strings.Join(ts, " ") }
	nice := func(lo, hi float64, n int, ints bool) string {
		var out []string
		for _, tk := range (niceTicks{n: n, integers: ints}).Ticks(lo, hi) {
			out = append(out, tk.Label)
		}
		return labels(out)
	}
	for _, tc := range []struct {
		got, want string
	}{
		{nice(-4.6, 4.6, 4, false), "-4 -2 0 2 4"},
		{nice(0, 1, 5, false), "0 0.2 0.4 0.6 0.8 1.0"},
		{nice(1, 5, 6, true), "1 2 3 4 5"},
		{nice(0, 200, 6, true), "0 50 100 150 200"},
	} {
		if tc.got != tc.want {
			t.Errorf("ticks %q, want %q", tc.got, tc.want)
		}
	}
	var major []string
	for _, tk := range (logTicks{}).Ticks(0.02, 5) {
		if tk.Label != "" {
			major = append(major, tk.Label)
		}
	}
	if got, want := labels(major), "0.02 0.05 0.1 0.2 0.5 1 2 5"; got != want {
		t.Errorf("log ticks %q, want %q", got, want)
	}
	if roundDown125(0.037) != 0.02 || roundUp125(0.037) != 0.05 || roundUp125(2.3) != 5 || roundDown125(2.3) != 2 {
		t.Errorf("roundDown125/roundUp125 wrong")
	}
	var idx []string
	for _, tk := range (indexTicks{n: 28}).Ticks(0, 0) {
		idx = append(idx, tk.Label)
	}
	if got, want := labels(idx), "0 5 10 15 20 25"; got != want {
		t.Errorf("index ticks %q, want %q", got, want)
	}
}
