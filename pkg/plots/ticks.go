package plots

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// indexTicks label the cells 0..n-1 of a grid axis, with labels if given
// and with the indices otherwise. Indices are labelled at a round step
// that leaves at most 8 labels; both are thinned to every minStep-th cell
// at least, so that labels of small cells do not overlap.
type indexTicks struct {
	n       int
	labels  []string
	minStep int
}

func (t indexTicks) Ticks(_, _ float64) []plot.Tick {
	var ticks []plot.Tick
	if t.labels != nil {
		step := max(t.minStep, 1)
		for i := 0; i < len(t.labels); i += step {
			ticks = append(ticks, plot.Tick{Value: float64(i), Label: t.labels[i]})
		}
		return ticks
	}
	step := 1
	for _, s := range []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000} {
		step = s
		if (t.n-1)/s+1 <= 8 && s >= t.minStep {
			break
		}
	}
	for i := 0; i < t.n; i += step {
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: strconv.Itoa(i)})
	}
	return ticks
}

// minLabelStep returns how many cells of side cell one label of the given
// extent (plus a gap) needs.
func minLabelStep(extent, cell vg.Length) int {
	return max(1, int(math.Ceil(float64((extent+4)/cell))))
}

// niceTicks are about n (default 6) labelled ticks at a round step (1, 2
// or 5 times a power of ten), no smaller than 1 if integers is set (for
// axes such as epochs).
type niceTicks struct {
	n        int
	integers bool
}

func (t niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: formatTick(lo)}}
	}
	n := t.n
	if n == 0 {
		n = 6
	}
	// Of the round steps near (hi-lo)/n, take the one whose number of
	// ticks is closest to n, but never fewer than 2 ticks if avoidable.
	base := math.Pow(10, math.Floor(math.Log10((hi-lo)/float64(n))))
	step, bestScore := 0.0, math.Inf(1)
	for _, m := range []float64{1, 2, 5, 10, 20} {
		st := m * base
		if t.integers {
			st = math.Max(st, 1)
		}
		count := math.Floor(hi/st+1e-9) - math.Ceil(lo/st-1e-9) + 1
		score := math.Abs(count - float64(n))
		if count < 2 {
			score += 100
		}
		if score < bestScore {
			step, bestScore = st, score
		}
	}
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	var out []plot.Tick
	for k := math.Ceil(lo/step - 1e-9); k*step <= hi+1e-9*step; k++ {
		v := k * step
		label := strconv.FormatFloat(v, 'f', decimals, 64)
		if k == 0 {
			label = "0"
		}
		out = append(out, plot.Tick{Value: v, Label: label})
	}
	return out
}

// logTicks label 1, 2 and 5 times powers of ten when the axis spans less
// than three decades, and only the powers of ten otherwise (with minor
// ticks between).
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	few := math.Log10(hi/lo) < 3
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		base := math.Pow(10, e)
		for m := 1; m < 10; m++ {
			v := float64(m) * base
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || (few && (m == 2 || m == 5)) {
				t.Label = formatTick(v)
			}
			out = append(out, t)
		}
	}
	return out
}

func formatTick(v float64) string {
	return fmt.Sprint(float32(v)) // shortest form: 0.02, not 0.020000000000000004
}

// roundDown125 returns the largest of 1, 2, 5 times a power of ten that is
// at most v (v > 0); roundUp125 the smallest that is at least v.
func roundDown125(v float64) float64 {
	base := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{5, 2, 1} {
		if m*base <= v*(1+1e-9) {
			return m * base
		}
	}
	return base
}

func roundUp125(v float64) float64 {
	base := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*base >= v*(1-1e-9) {
			return m * base
		}
	}
	return 10 * base
}
