package chapters

import (
	"fmt"
	"math"

	"tinynets/pkg/notebook"
	"tinynets/pkg/tf"
)

// Helpers of chapter 2.6: tables of the generation loop, the KV-cache
// comparison and the memorise-or-generalise measures.

// vocabStrings returns the vocabulary as one string per token.
func vocabStrings(v *tf.Vocab) []string {
	out := make([]string, v.Size())
	for i, r := range v.Runes {
		out[i] = string(r)
	}
	return out
}

// windowState says what step i of a run from a prompt of p tokens does to
// a window of block positions.
func windowState(p, i, block int) string {
	read := p + i // tokens written before step i
	switch {
	case read < block:
		return fmt.Sprintf("filling: %d of %d", read, block)
	case read == block:
		return "full"
	default:
		return "shifted by 1"
	}
}

// stepTable lists the first maxRows steps of a run: the window read, what
// happened to it, the character chosen and its probability.
func stepTable(m *tf.Model, prompt []int, steps []tf.Step, maxRows int) notebook.Table {
	t := notebook.Table{Caption: "The generation loop, one row per step (greedy choice)",
		Header: []string{"step", "window (what the model reads)", "what happened to the window", "next character", "probability"}}
	for i, s := range steps {
		if i == maxRows {
			t.Rows = append(t.Rows, []string{"...", fmt.Sprintf("(%d more steps)", len(steps)-maxRows), "", "", ""})
			break
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(i), quoted(m.Vocab.Decode(s.Window)),
			windowState(len(prompt), i, m.Config.Block), quoted(m.Vocab.Decode([]int{s.Token})), fmt.Sprintf("%.4f", s.Prob)})
	}
	return t
}

// firstShift returns the first step whose window is full (the next one
// shifts it), or -1 if the run never fills the window.
func firstShift(m *tf.Model, prompt []int, steps []tf.Step) int {
	for i := range steps {
		if len(prompt)+i >= m.Config.Block {
			return i
		}
	}
	return -1
}

// cacheRunLength is how many tokens the cache experiment generates: as
// many as the text has after the prompt, but at least enough to shift the
// window four times, and at most 300.
func cacheRunLength(c *notebook.Cell, m *tf.Model, p int) int {
	n := m.Config.Block + 4 - p
	if text, err := trainingText(c); err == nil {
		n = max(n, len([]rune(text))-p)
	}
	return max(1, min(n, 300))
}

// fillingRuns are the steps of a plain and a cached run taken while the
// window was still filling (the cached run used its KV cache).
type fillingRuns struct{ plain, cached []tf.Step }

func cachedSteps(plain, cached []tf.Step) fillingRuns {
	var f fillingRuns
	for i := range cached {
		if cached[i].Cached {
			f.plain, f.cached = append(f.plain, plain[i]), append(f.cached, cached[i])
		}
	}
	return f
}

// promptAndTokens is the prompt followed by the tokens a run chose.
func promptAndTokens(prompt []int, steps []tf.Step) []int {
	seq := append([]int(nil), prompt...)
	for _, s := range steps {
		seq = append(seq, s.Token)
	}
	return seq
}

// staleTable lists the first maxRows window shifts: the window after the
// shift, how far a stale cache's logits are from a recompute, and the
// greedy character each gives.
func staleTable(m *tf.Model, shifts []tf.StaleShift, maxRows int) notebook.Table {
	t := notebook.Table{Caption: "After each shift: a stale KV cache against recomputing the window",
		Header: []string{"shift", "window after the shift", "largest logit difference", "recomputed: next", "stale cache: next", "choice changed"}}
	for i, s := range shifts {
		if i == maxRows {
			t.Rows = append(t.Rows, []string{"...", fmt.Sprintf("(%d more shifts)", len(shifts)-maxRows), "", "", "", ""})
			break
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), quoted(m.Vocab.Decode(s.Window)), fmt.Sprintf("%.3f", s.MaxAbsDiff),
			quoted(m.Vocab.Decode([]int{s.FreshArgmax})), quoted(m.Vocab.Decode([]int{s.StaleArgmax})), yesNo(s.ArgmaxChanged())})
	}
	return t
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// macCounts are the multiply-adds of one run, split by phase.
type macCounts struct {
	fillSteps, fullSteps     int
	recomputeFill, cacheFill int // while the window fills
	recomputeFull, staleFull int // once it is full (an exact cache recomputes: recomputeFull)
}

// countMACs adds up the multiply-adds of the run's steps each way.
func countMACs(m *tf.Model, prompt []int, steps []tf.Step) macCounts {
	var mc macCounts
	for i, s := range steps {
		w := len(s.Window)
		if len(prompt)+i <= m.Config.Block { // the window only grew: the cache is exact
			mc.fillSteps++
			mc.recomputeFill += m.MACs(w)
			if i == 0 { // the first step reads the whole prompt into the cache
				for t := 1; t <= w; t++ {
					mc.cacheFill += m.CachedMACs(t)
				}
			} else {
				mc.cacheFill += m.CachedMACs(w)
			}
		} else {
			mc.fullSteps++
			mc.recomputeFull += m.MACs(w)
			mc.staleFull += m.CachedMACs(w)
		}
	}
	return mc
}

// macTable shows the multiply-adds of the run recomputed every step, with
// an exact KV cache (cached while filling, recomputed after shifts) and
// with a stale cache.
func macTable(m *tf.Model, prompt []int, steps []tf.Step) notebook.Table {
	mc := countMACs(m, prompt, steps)
	t := notebook.Table{Caption: "Multiply-adds of the run",
		Header: []string{"steps", "recompute every step", "KV cache, recompute after a shift (exact)", "stale cache kept (wrong after a shift)"}}
	t.Rows = [][]string{
		{fmt.Sprintf("while the window fills (%d)", mc.fillSteps), fmt.Sprint(mc.recomputeFill), fmt.Sprint(mc.cacheFill), fmt.Sprint(mc.cacheFill)},
		{fmt.Sprintf("after it is full (%d)", mc.fullSteps), fmt.Sprint(mc.recomputeFull), fmt.Sprint(mc.recomputeFull), fmt.Sprint(mc.staleFull)},
		{"all", fmt.Sprint(mc.recomputeFill + mc.recomputeFull), fmt.Sprint(mc.cacheFill + mc.recomputeFull), fmt.Sprint(mc.cacheFill + mc.staleFull)},
	}
	return t
}

// cacheVerdict sums up the cache experiment in a sentence or three.
func cacheVerdict(m *tf.Model, f fillingRuns, shifts []tf.StaleShift, prompt []int, steps []tf.Step) string {
	mc := countMACs(m, prompt, steps)
	s := "**Verdict: it depends.** "
	if mc.fillSteps > 0 && mc.recomputeFill > 0 {
		s += fmt.Sprintf("While the window fills, the cache is exact (largest logit difference %.2g) and needs %.0f%% of the multiply-adds of recomputing. ",
			tf.MaxAbsLogitDiff(f.plain, f.cached), 100*float64(mc.cacheFill)/float64(mc.recomputeFill))
	}
	if len(shifts) == 0 {
		return s + "This run never shifts the window."
	}
	changed, worst := 0, 0.0
	for _, sh := range shifts {
		if sh.ArgmaxChanged() {
			changed++
		}
		worst = math.Max(worst, sh.MaxAbsDiff)
	}
	s += fmt.Sprintf("Once the window shifts, a stale cache moves the logits by up to %.3g and changes the greedy choice at %d of %d shifts",
		worst, changed, len(shifts))
	if changed == 0 {
		return s + ": here it happens to pick the same characters, but its numbers are not the model's, so this model has to recompute its window after every shift to be exact."
	}
	return s + ", so this model has to recompute its window after every shift: there the seed's guess is right."
}

// knownWords counts the words of gen that are also words of text.
func knownWords(gen, text string) (known, total int) {
	words := map[string]bool{}
	for _, w := range wordsOf(text) {
		words[w] = true
	}
	for _, w := range wordsOf(gen) {
		total++
		if words[w] {
			known++
		}
	}
	return known, total
}

// recitalVerdict says whether the greedy text of n characters from the
// prompt is the training text itself.
func recitalVerdict(m *tf.Model, prompt []int, text string, n int) string {
	gen := greedyText(m, prompt, n)
	same := commonPrefix(gen, text)
	if same == n {
		return fmt.Sprintf("With this text the model has memorised: its greedy text is the first %d characters of the training text, exactly.", n)
	}
	length, _ := longestCopied(gen, text)
	return fmt.Sprintf("With this text the model does not recite: its greedy text parts from the training text after %d characters, and its longest verbatim copy of the text is %d characters long.", same, length)
}
