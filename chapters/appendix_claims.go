package chapters

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"tinynets/pkg/cnn"
	"tinynets/pkg/notebook"
	"tinynets/pkg/opcount"
	"tinynets/pkg/tensor"
	"tinynets/pkg/tf"
)

// chapterClaims is the appendix that weighs the seed's claims.
//
// The seed makes many claims about how the two networks relate. This book
// treats each as a hypothesis and runs it. This page collects them, one
// row per claim, in the book's own words rather than the seed's; each row
// links to the section whose run tests it, repeats the key measurement
// (computed again in this build, from the same models), and gives the
// verdict that measurement supports:
//
//   - **shown**: the run agrees with the claim as stated;
//   - **refined**: the claim points at something real, but the run says
//     it more precisely, or only part of it holds;
//   - **contradicted**: the run shows something else.
//
// Where a verdict could go either way with other parameters, it is
// computed from the measurement rather than typed in. The seed also states
// opinions, about intelligence and about the future of AI, that no run of
// these models can test: they are listed at the end, as opinions, without
// a verdict.
var chapterClaims = notebook.Chapter{
	ID:    "claims",
	Title: "What the runs say about the seed's claims",
	Seed:  "TL;DR (the reasons I created this ZAI webpage)",
	File:  "appendix_claims.go",
	Intro: "chapterClaims",
	Sections: []notebook.Section{
		{ID: "claims-input", Title: "Input and embedding", Run: claimsInput},
		{ID: "claims-context", Title: "Context sharing", Run: claimsContext},
		{ID: "claims-storyline", Title: "Storyline", Run: claimsStoryline},
		{ID: "claims-logits", Title: "Logits and the label", Run: claimsLogits},
		{ID: "claims-loop", Title: "The loop, and CNNs that generate", Run: claimsLoop},
		{ID: "claims-machine", Title: "The machine", Run: claimsMachine},
		{ID: "claims-opinions", Title: "Opinions no run can test", Run: claimsOpinions},
		{ID: "claims-tally", Title: "The tally", Run: claimsTally},
	},
}

// What goes in. The seed says a pixel's value already means something
// while a character's code does not; D5 never even sees the code, only the
// character's place in its vocabulary. It also hesitates over how many
// numbers D5 gives each character, 8 or 16.
func claimsInput(c *notebook.Cell) error {
	claimsReset() // this run's tally starts here
	m5, err := d5(c)
	if err != nil {
		return err
	}
	claimsShow(c, claimsInputRows(m5))
	return nil
}

// Context sharing: the seed pairs D4's 3×3 convolution with D5's attention
// head. Both do bring information in from other positions; the run shows
// how differently they choose it. A convolution reads the same fixed
// neighbourhood with the same weights everywhere. Attention computes its
// weights from the input: the measurement compares the last position's
// attention weights in two different windows of the text.
func claimsContext(c *notebook.Cell) error {
	m4, _, err := d4(c)
	if err != nil {
		return err
	}
	m5, err := d5(c)
	if err != nil {
		return err
	}
	rf := cnn.ReceptiveField(m4.Config)
	a, b, err := claimsTwoWindows(c, m5)
	if err != nil {
		return err
	}
	change, sumErr := claimsPatternChange(m5, a, b)
	claimsShow(c, claimsContextRows(m4.Config, m5, rf, change, sumErr))
	return nil
}

// Storyline: the seed pairs D4's pooling, which shrinks the image, with
// the transformer's storyline, which it says keeps fewer and fewer tokens.
// The shapes settle that. It also says attention's softmax adds no
// non-linearity to the mixing itself; the measurement takes D5's attention
// layer and checks whether it maps the midpoint of two inputs to the
// midpoint of their outputs, as any linear (affine) map must: once with the
// attention pattern frozen, once with the pattern recomputed from the
// input, as the model does.
func claimsStoryline(c *notebook.Cell) error {
	m4, data, err := d4(c)
	if err != nil {
		return err
	}
	m5, err := d5(c)
	if err != nil {
		return err
	}
	t4 := m4.Forward(data.Test.Image(0))
	a, b, err := claimsTwoWindows(c, m5)
	if err != nil {
		return err
	}
	tr := m5.Forward(a)
	T := len(a)
	last := fmt.Sprintf("blocks.%d.hook_resid_post", m5.Config.Layers-1)
	kept := tr.Get(last).Shape[0]
	pool1 := t4.Pool1.Shape[1] * t4.Pool1.Shape[2] // positions left after pool1
	pool2 := t4.Pool2.Shape[1] * t4.Pool2.Shape[2]
	lin, err := claimsAttentionLinearity(m5, a, b)
	if err != nil {
		return err
	}
	addErr := claimsResidualAddError(tr)
	hidden := tr.Get("blocks.0.mlp.hook_post").Shape
	claimsShow(c, claimsStorylineRows(m4.Config, m5,
		pool1, pool2, kept, T, lin, addErr, hidden))
	return nil
}

// Logits and the label: the seed's claim that the transformer, in the end,
// is a classifier. Both heads are linear maps onto one score per class;
// both pick the largest; both were trained by cross-entropy against the
// right class. The measurements are each classifier's accuracy on its own
// data: D4 on the 10,000 test digits, D5 on every position of its text.
func claimsLogits(c *notebook.Cell) error {
	m4, data, err := d4(c)
	if err != nil {
		return err
	}
	m5, err := d5(c)
	if err != nil {
		return err
	}
	text, err := trainingText(c)
	if err != nil {
		return err
	}
	flat := m4.FCW.Shape[1]
	wu := claimsWeight(m5, "unembed.W_U").Shape
	acc4 := m4.Accuracy(data.Test)
	acc5, n5, err := claimsNextCharAccuracy(m5, text)
	if err != nil {
		return err
	}
	claimsShow(c, claimsLogitsRows(m5, flat, wu, acc4, acc5, n5))
	return nil
}

// The loop. The seed guesses that after each new token everything must be
// recomputed from scratch. A key-value cache tests the guess: it keeps the
// earlier positions' keys and values and computes only the new token. And
// the seed's last claim, that a CNN could generate too, is tested by the
// two CNNs of chapter 3.
func claimsLoop(c *notebook.Cell) error {
	m5, err := d5(c)
	if err != nil {
		return err
	}
	text, err := trainingText(c)
	if err != nil {
		return err
	}
	prompt, err := m5.Vocab.Encode(tfPrompt.Get(c), "tf.prompt")
	if err != nil {
		return err
	}
	n := m5.Config.Block + 4
	full := m5.Generate(prompt, n, tf.Sampler{})
	cached := m5.GenerateCached(prompt, n, tf.Sampler{})
	diff := tf.MaxAbsLogitDiff(full, cached)
	stale, staleChanged := claimsStale(m5, text)
	block := m5.Config.Block
	savings := float64(m5.CachedMACs(block)) / float64(m5.MACs(block))

	mc, err := trainChar(c, charConfig(c), text)
	if err != nil {
		return err
	}
	length := genLength(text, tfPrompt.Get(c))
	cnnText, _, err := mc.GenerateText(tfPrompt.Get(c), length)
	if err != nil {
		return fmt.Errorf("tf.prompt: %w", err)
	}
	ml, err := trainLife(c, lifeConfig(c))
	if err != nil {
		return err
	}
	steps := lifeRoll.Get(c)
	exact := genExactSteps(genRollouts(ml, steps), steps)
	writesBack := genWritesBack(cnnText, text)

	claimsShow(c, claimsLoopRows(m5, n, len(full[n-1].Window), diff, savings,
		stale, staleChanged, cnnText, writesBack, exact, steps))
	return nil
}

// The machine. The seed's mechanistic view makes two testable claims: that
// a model is a deterministic mechanism, and that it could run, very
// slowly, on relays. Chapter 0 works both out; here are its numbers again.
func claimsMachine(c *notebook.Cell) error {
	m4, data, err := d4(c)
	if err != nil {
		return err
	}
	img := data.Test.Image(0)
	first := mechHash(m4.Forward(img).Logits.Data)
	second := mechHash(m4.Forward(img).Logits.Data) // the same input again
	same := first == second
	gpt3 := opcount.Total(opcount.GPT3().Cached(opcount.GPT3().Ctx)).MACs
	digit := opcount.Total(opcount.CNN(m4.Config)).MACs
	claimsShow(c, claimsMachineRows(same, digit, gpt3))
	return nil
}

// The seed also says things no run of these models can settle: about
// intelligence, about AGI, about language and minds. They are listed here
// so that the page covers the whole seed, with no verdict.
func claimsOpinions(c *notebook.Cell) error {
	c.Markdownf("%s", claimsOpinionList([]claimOpinion{
		{"Language models are not intelligent; they are mechanistic token pattern detection.", "0"},
		{"A language model is brilliant at coding but struggles with original " +
			"conceptual thinking, and resists ideas outside the accepted terminology.", "0"},
		{"Nobody seriously thinks CNNs are intelligent; the idea of " +
			"transformer-based AGI was always hype.", "1"},
		{"Written language is a crude, chaotic encoding of what is meant, fine for " +
			"minds that turn words into thoughts.", "1"},
		{"A transformer is at once a classifier, a generator, a memory system and " +
			"a context tracker, which raises the capacity it needs (a remark of GPT's " +
			"quoted by the seed).", "3"},
		{"GPT agrees with the seed's core conclusions (an appeal to a model's " +
			"agreement is not evidence either way).", "0"},
	}))
	return nil
}

// How the verdicts of this build add up.
func claimsTally(c *notebook.Cell) error {
	counts := map[claimVerdict]int{}
	for _, r := range claimsShown {
		counts[r.Verdict]++
	}
	c.Printf("%d claims tested: %d shown, %d refined, %d contradicted\n",
		len(claimsShown), counts[verdictShown], counts[verdictRefined], counts[verdictContradicted])
	if len(claimsMissing) > 0 {
		c.Printf("sections not yet in the book (linked to their chapter instead): %s\n",
			strings.Join(claimsMissing, ", "))
	}
	return nil
}

// claimVerdict is what a run says about a claim.
type claimVerdict string

const (
	verdictShown        claimVerdict = "shown"
	verdictRefined      claimVerdict = "refined"
	verdictContradicted claimVerdict = "contradicted"
)

// claimsIf returns a if cond holds, else b: a verdict computed from a
// measurement.
func claimsIf(cond bool, a, b claimVerdict) claimVerdict {
	if cond {
		return a
	}
	return b
}

func claimsWord(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// claimRow is one claim, where the book tests it, and what the run says.
type claimRow struct {
	Claim    string   // the claim, in the book's words
	Where    []string // ids of the sections whose runs test it
	Verdict  claimVerdict
	Evidence string // the measurement, from this build
}

// claimsShown collects every row shown, in order, for the tally; and
// claimsMissing the linked sections the book does not have (yet).
var (
	claimsShown   []claimRow
	claimsMissing []string
)

func claimsReset() { claimsShown, claimsMissing = nil, nil }

// claimsBook returns the book's chapters; set in init, so that the claims
// chapter can look up sections without an initialisation cycle.
var claimsBook func() []*notebook.Chapter

func init() { claimsBook = All }

// claimsShow captures rows as a Markdown table with links.
func claimsShow(c *notebook.Cell, rows []claimRow) {
	var b strings.Builder
	b.WriteString("| claim | tested in | verdict | what this build measured |\n|---|---|---|---|\n")
	for _, r := range rows {
		links := make([]string, len(r.Where))
		for i, id := range r.Where {
			links[i] = claimsLink(id)
		}
		fmt.Fprintf(&b, "| %s | %s | **%s** | %s |\n", claimsCell(r.Claim), strings.Join(links, ", "), r.Verdict, claimsCell(r.Evidence))
		claimsShown = append(claimsShown, r)
	}
	c.Markdownf("%s", b.String())
}

// claimsCell makes text safe inside a Markdown table cell.
func claimsCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

// claimsAnchorRE is the rule pkg/book uses for a section's element id:
// anything but letters, digits, '.', '_' and '-' becomes '-'.
var claimsAnchorRE = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// claimsLink returns a Markdown link to the section with this id; a
// section the book does not have (yet) is remembered for the tally.
func claimsLink(id string) string {
	link, found := bookLink(id)
	if !found {
		claimsMissing = append(claimsMissing, id)
	}
	return link
}

// bookLink returns a Markdown link to the section with this id, found
// among the book's chapters, and whether it was found. A section the book
// does not have is linked to the chapter its id names (the part before
// the first "-", or its prefix), or not linked at all.
func bookLink(id string) (string, bool) {
	for _, ch := range claimsBook() {
		for _, s := range ch.Sections {
			if s.ID == id {
				return fmt.Sprintf("[%s](%s#%s)", id, ch.Page(), claimsAnchorRE.ReplaceAllString(id, "-")), true
			}
		}
	}
	chapter, _, _ := strings.Cut(id, "-")
	for chapter != "" {
		for _, ch := range claimsBook() {
			if ch.ID == chapter {
				return fmt.Sprintf("[%s](%s)", id, ch.Page()), false
			}
		}
		i := strings.LastIndex(chapter, ".")
		if i < 0 {
			break
		}
		chapter = chapter[:i]
	}
	return id, false
}

// claimOpinion is a statement of the seed that no run can test.
type claimOpinion struct {
	Text, Heading string
}

func claimsOpinionList(ops []claimOpinion) string {
	var b strings.Builder
	b.WriteString("| opinion (in the book's words) | where the seed says it |\n|---|---|\n")
	for _, o := range ops {
		fmt.Fprintf(&b, "| %s | section %s |\n", claimsCell(o.Text), o.Heading)
	}
	return b.String()
}

// claimsShort shortens a generated text for a table cell.
func claimsShort(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// claimsWeight returns D5's weight tensor called name.
func claimsWeight(m *tf.Model, name string) *tensor.Tensor {
	for _, w := range m.Weights() {
		if w.Name == name {
			return w.T
		}
	}
	panic("chapters: D5 has no weight " + name)
}

// claimsTwoWindows returns two different windows of the training text of
// the same length: the first one, and the one starting a character later
// (or the first one reversed, if the text has only one window).
func claimsTwoWindows(c *notebook.Cell, m *tf.Model) ([]int, []int, error) {
	text, err := trainingText(c)
	if err != nil {
		return nil, nil, err
	}
	ids, err := m.Vocab.Encode(text, "tf.text")
	if err != nil {
		return nil, nil, err
	}
	T := min(m.Config.Block, len(ids))
	a := ids[:T]
	if len(ids) > T {
		return a, ids[1 : T+1], nil
	}
	b := make([]int, T)
	for i := range b {
		b[i] = a[T-1-i]
	}
	return a, b, nil
}

// claimsPatternChange returns the largest change of the last position's
// attention weights (block 0, every head) between windows a and b, and the
// largest distance of any pattern row's sum from 1.
func claimsPatternChange(m *tf.Model, a, b []int) (change, sumErr float64) {
	pa := m.Forward(a).Get("blocks.0.attn.hook_pattern") // (H, T, T)
	pb := m.Forward(b).Get("blocks.0.attn.hook_pattern")
	H, T := pa.Shape[0], pa.Shape[1]
	for h := range H {
		row := (h*T + T - 1) * T
		for j := range T {
			change = math.Max(change, math.Abs(float64(pa.Data[row+j]-pb.Data[row+j])))
		}
		for i := range T {
			s := 0.0
			for j := range T {
				s += float64(pa.Data[(h*T+i)*T+j])
			}
			sumErr = math.Max(sumErr, math.Abs(s-1))
		}
	}
	return change, sumErr
}

// claimsLinearity is the midpoint test of attention: the error of
// f((u1+u2)/2) against (f(u1)+f(u2))/2, relative to the size of f's
// outputs, with the pattern frozen and with it computed from the input.
type claimsLinearity struct{ frozen, live float64 }

// claimsAttentionLinearity runs block 0's attention layer, recomputed here
// in float64 from the model's weights, on the attention inputs of windows
// a and b and on their midpoint. It first checks that the recomputation
// reproduces the model's own hook_attn_out.
func claimsAttentionLinearity(m *tf.Model, a, b []int) (claimsLinearity, error) {
	input := "blocks.0.ln1.hook_normalized"
	if m.Config.Norm == "none" {
		input = "blocks.0.hook_resid_pre"
	}
	ta, tb := m.Forward(a), m.Forward(b)
	ua, ub := claimsF64(ta.Get(input).Data), claimsF64(tb.Get(input).Data)
	att := claimsNewAttention(m)
	outA, patA := att.forward(ua, nil)
	if d := claimsMaxDiff(outA, claimsF64(ta.Get("blocks.0.hook_attn_out").Data)); d > 1e-4 {
		return claimsLinearity{}, fmt.Errorf("the float64 attention differs from D5's by %g", d)
	}
	outB, _ := att.forward(ub, nil)
	mid := make([]float64, len(ua))
	for i := range mid {
		mid[i] = (ua[i] + ub[i]) / 2
	}
	liveMid, _ := att.forward(mid, nil)
	frozenB, _ := att.forward(ub, patA)
	frozenMid, _ := att.forward(mid, patA)
	avg := func(x, y []float64) []float64 {
		out := make([]float64, len(x))
		for i := range x {
			out[i] = (x[i] + y[i]) / 2
		}
		return out
	}
	scale := math.Max(claimsNorm(outA), claimsNorm(outB))
	return claimsLinearity{
		frozen: claimsMaxDiff(frozenMid, avg(outA, frozenB)) / scale,
		live:   claimsMaxDiff(liveMid, avg(outA, outB)) / scale,
	}, nil
}

// claimsAttention is block 0's attention layer in float64.
type claimsAttention struct {
	T, D, H, Dh            int
	wq, wk, wv, bq, bk, bv []float64 // (H, D, Dh) and (H, Dh)
	wo, bo                 []float64 // (H, Dh, D) and (D)
}

func claimsNewAttention(m *tf.Model) *claimsAttention {
	get := func(name string) []float64 {
		for _, w := range m.Weights() {
			if w.Name == "blocks.0.attn."+name {
				return claimsF64(w.T.Data)
			}
		}
		panic("chapters: D5 has no weight blocks.0.attn." + name)
	}
	H := m.Config.Heads
	return &claimsAttention{D: m.Config.DModel, H: H, Dh: m.Config.DModel / H,
		wq: get("W_Q"), wk: get("W_K"), wv: get("W_V"), bq: get("b_Q"), bk: get("b_K"), bv: get("b_V"),
		wo: get("W_O"), bo: get("b_O")}
}

// forward maps u (T, D) to the attention output (T, D). With pattern nil
// it computes the causal softmax pattern (H, T, T) from u and returns it;
// otherwise it uses the pattern given.
func (a *claimsAttention) forward(u []float64, pattern []float64) ([]float64, []float64) {
	D, H, Dh := a.D, a.H, a.Dh
	T := len(u) / D
	proj := func(w, b []float64) []float64 { // (T, H, Dh)
		out := make([]float64, T*H*Dh)
		for t := range T {
			for h := range H {
				for e := range Dh {
					s := b[h*Dh+e]
					for d := range D {
						s += u[t*D+d] * w[(h*D+d)*Dh+e]
					}
					out[(t*H+h)*Dh+e] = s
				}
			}
		}
		return out
	}
	v := proj(a.wv, a.bv)
	if pattern == nil {
		q, k := proj(a.wq, a.bq), proj(a.wk, a.bk)
		pattern = make([]float64, H*T*T)
		for h := range H {
			for i := range T {
				row := pattern[(h*T+i)*T : (h*T+i+1)*T]
				mx := math.Inf(-1)
				for j := 0; j <= i; j++ {
					s := 0.0
					for e := range Dh {
						s += q[(i*H+h)*Dh+e] * k[(j*H+h)*Dh+e]
					}
					row[j] = s / math.Sqrt(float64(Dh))
					mx = math.Max(mx, row[j])
				}
				sum := 0.0
				for j := 0; j <= i; j++ {
					row[j] = math.Exp(row[j] - mx)
					sum += row[j]
				}
				for j := 0; j <= i; j++ {
					row[j] /= sum
				}
			}
		}
	}
	out := make([]float64, T*D)
	for t := range T {
		copy(out[t*D:], a.bo)
		for h := range H {
			for e := range Dh {
				z := 0.0
				for j := 0; j <= t; j++ {
					z += pattern[(h*T+t)*T+j] * v[(j*H+h)*Dh+e]
				}
				for d := range D {
					out[t*D+d] += z * a.wo[(h*Dh+e)*D+d]
				}
			}
		}
	}
	return out, pattern
}

// claimsResidualAddError is the largest |resid_post - (resid_mid +
// mlp_out)| over every block: 0 when the FFN's output is simply added.
func claimsResidualAddError(tr *tf.Trace) float64 {
	worst := 0.0
	for l := 0; ; l++ {
		post, ok := tr.Lookup(fmt.Sprintf("blocks.%d.hook_resid_post", l))
		if !ok {
			return worst
		}
		mid := tr.Get(fmt.Sprintf("blocks.%d.hook_resid_mid", l)).Data
		mlp := tr.Get(fmt.Sprintf("blocks.%d.hook_mlp_out", l)).Data
		for i, v := range post.Data {
			worst = math.Max(worst, math.Abs(float64(v-(mid[i]+mlp[i]))))
		}
	}
}

// claimsNextCharAccuracy is the fraction of positions of every window of
// text where D5's most likely next character is the right one.
func claimsNextCharAccuracy(m *tf.Model, text string) (float64, int, error) {
	ids, err := m.Vocab.Encode(text, "tf.text")
	if err != nil {
		return 0, 0, err
	}
	T := min(m.Config.Block, len(ids)-1)
	v := m.Vocab.Size()
	right, n := 0, 0
	for start := 0; start+T < len(ids); start++ {
		probs := m.Forward(ids[start : start+T]).Get("probs").Data
		for t := range T {
			if start > 0 && t < T-1 {
				continue // each target once: the first window's positions, then each window's last
			}
			row := probs[t*v : (t+1)*v]
			best := 0
			for i, p := range row {
				if p > row[best] {
					best = i
				}
			}
			if best == ids[start+t+1] {
				right++
			}
			n++
		}
	}
	return float64(right) / float64(n), n, nil
}

// claimsStale runs D5's stale-cache experiment over the training text
// and returns the largest logit change and how many greedy choices a
// stale cache changes (0, 0 if the text is no longer than the window).
func claimsStale(m *tf.Model, text string) (float64, int) {
	ids, err := m.Vocab.Encode(text, "tf.text")
	if err != nil || len(ids) <= m.Config.Block {
		return 0, 0
	}
	worst, changed := 0.0, 0
	for _, s := range m.StaleCache(ids) {
		worst = math.Max(worst, s.MaxAbsDiff)
		if s.ArgmaxChanged() {
			changed++
		}
	}
	return worst, changed
}

func claimsF64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

func claimsMaxDiff(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

func claimsNorm(a []float64) float64 {
	m := 0.0
	for _, v := range a {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// claimsInputRows are the claims of claimsInput and the verdicts its measurements support.
func claimsInputRows(m5 *tf.Model) []claimRow {
	first := m5.Vocab.Runes[0]
	we := claimsWeight(m5, "embed.W_E").Shape
	return []claimRow{
		{
			Claim: "A pixel's number carries meaning (how much ink); a character's code is " +
				"only a name.",
			Where:   []string{"2.1-D4", "2.1-D5"},
			Verdict: verdictShown,
			Evidence: fmt.Sprintf("D5 reads %q (code point U+%04X) as token id 0: the code is discarded, "+
				"and what the character means to the model is learned into row 0 of W_E",
				first, first),
		},
		{
			Claim: "D5 turns each character into a vector of 8 numbers (the seed's drawing " +
				"shows 16).",
			Where:   []string{"2.1b-D5"},
			Verdict: claimsIf(we[1] == 8, verdictShown, verdictRefined),
			Evidence: fmt.Sprintf("W_E is %d × %d: %d characters of vocabulary, %d numbers each "+
				"(`tf.dmodel`)%s", we[0], we[1], we[0], we[1],
				claimsWord(we[0] == 8 && we[1] != 8, "; the 8 is the size of the vocabulary, which is also the number of logits", "")),
		},
	}
}

// claimsContextRows are the claims of claimsContext and the verdicts its measurements support.
func claimsContextRows(cfg4 cnn.Config, m5 *tf.Model, rf cnn.ReceptiveFields, change, sumErr float64) []claimRow {
	k, f1, f2 := cfg4.Kernel, cfg4.Filters1, cfg4.Filters2
	return []claimRow{
		{
			Claim: "The convolution's kernel brings in the neighbouring pixels, as an " +
				"attention head brings in other tokens.",
			Where:   []string{"2.2.1-D4", "2.2.1-D5"},
			Verdict: claimsIf(change > 1e-3, verdictRefined, verdictShown),
			Evidence: fmt.Sprintf("both mix other positions in; but conv1 reads a fixed %d×%d square with "+
				"the same weights at all 784 pixels, while the weights of D5's last "+
				"position changed by up to %.3f between two windows of the text", k, k, change),
		},
		{
			Claim: "Attention decides which tokens are a token's neighbours in meaning, " +
				"and how much each contributes.",
			Where:   []string{"2.2.1-D5"},
			Verdict: claimsIf(sumErr < 1e-5, verdictShown, verdictContradicted),
			Evidence: fmt.Sprintf("each row of the pattern is a set of weights over the earlier positions "+
				"that sums to 1 (largest error %.1g), computed from the tokens "+
				"themselves", sumErr),
		},
		{
			Claim:   "Layer 1's filters give each pixel a depth of meaning, as a token has dims.",
			Where:   []string{"2.2.1-D4", "2.1b-D5"},
			Verdict: verdictShown,
			Evidence: fmt.Sprintf("after conv1 each pixel is a vector of %d numbers, after conv2 of %d; "+
				"each D5 token is a vector of %d", f1, f2, m5.Config.DModel),
		},
		{
			Claim:   "Each pixel of layer 2 is computed from 72 values: 8 dims of 9 pixels.",
			Where:   []string{"2.3.1-D4"},
			Verdict: claimsIf(rf.Conv2Inputs == 72, verdictShown, verdictRefined),
			Evidence: fmt.Sprintf("one conv2 value reads %d×%d×%d = %d pool1 values (plus a bias); they "+
				"cover a square of %d×%d image pixels",
				k, k, f1, rf.Conv2Inputs, rf.Conv2Side, rf.Conv2Side),
		},
	}
}

// claimsStorylineRows are the claims of claimsStoryline and the verdicts its measurements support.
func claimsStorylineRows(cfg4 cnn.Config, m5 *tf.Model, pool1, pool2, kept, T int, lin claimsLinearity, addErr float64, hidden []int) []claimRow {
	return []claimRow{
		{
			Claim: "2×2 pooling keeps a quarter of the pixels, as the transformer's " +
				"storyline keeps a quarter of the tokens.",
			Where:   []string{"2.2.3-D4", "2.2.3-D5"},
			Verdict: claimsIf(kept == T, verdictContradicted, verdictShown),
			Evidence: fmt.Sprintf("D4 keeps %d of 784 positions after pool1; D5 keeps all %d of %d "+
				"positions through every block (its stream stays %d × %d)",
				pool1, kept, T, kept, m5.Config.DModel),
		},
		{
			Claim: "After layer 2 only a sixteenth of the positions are left, in both " +
				"networks.",
			Where:   []string{"2.3.3-D4", "2.3-D5"},
			Verdict: claimsIf(kept == T, verdictContradicted, verdictShown),
			Evidence: fmt.Sprintf("D4: %d of 784 after pool2; D5 never drops a position: a deeper block "+
				"reads and writes all %d", pool2, T),
		},
		{
			Claim: "Attention's softmax adds no non-linearity to the context computation, " +
				"only to the choice of neighbours.",
			Where:   []string{"2.2.3-D5", "2.2.1-D5"},
			Verdict: claimsIf(lin.frozen < 1e-9 && lin.live > 1e-3, verdictRefined, verdictShown),
			Evidence: fmt.Sprintf("with the pattern frozen, attention is exactly affine (midpoint error "+
				"%.1g); with the pattern computed from the input, the midpoint error is "+
				"%.1f%% of the output: choosing the neighbours is itself a non-linear "+
				"function of the input", lin.frozen, 100*lin.live),
		},
		{
			Claim: "The FFN detects features in its hidden layer and adds them to the " +
				"token's dims.",
			Where:   []string{"2.2.3-D5"},
			Verdict: claimsIf(addErr == 0, verdictShown, verdictRefined),
			Evidence: fmt.Sprintf("hidden layer %d × %d after GELU; the block's output equals its input "+
				"plus the FFN's output exactly (largest difference %g)",
				hidden[0], hidden[1], addErr),
		},
		{
			Claim:   "D4 has no equivalent of the transformer's FFN until its classifier.",
			Where:   []string{"2.2.3-D4", "2.4-D4"},
			Verdict: verdictRefined,
			Evidence: fmt.Sprintf("each convolution already mixes all %d input channels at every pixel "+
				"and is followed by ReLU: a per-position weighted mix with a "+
				"non-linearity, built into the context sharing rather than separate "+
				"from it", cfg4.Filters1),
		},
	}
}

// claimsLogitsRows are the claims of claimsLogits and the verdicts its measurements support.
func claimsLogitsRows(m5 *tf.Model, flat int, wu []int, acc4, acc5 float64, n5 int) []claimRow {
	return []claimRow{
		{
			Claim: "D4's classifier reads only 784 numbers (7×7×16), where a large " +
				"transformer's last token has 12,288.",
			Where:   []string{"2.4-D4", "0-GPT3-work"},
			Verdict: claimsIf(flat == 784, verdictShown, verdictRefined),
			Evidence: fmt.Sprintf("D4's fully connected layer reads %d values; GPT-3's d_model is %s",
				flat, mechCount(int64(opcount.GPT3().DModel))),
		},
		{
			Claim: "D5's unembedding turns the last token's 16 dims into 8 logits, one per " +
				"vocabulary entry.",
			Where:   []string{"2.4-D5"},
			Verdict: claimsIf(wu[0] == 16 && wu[1] == 8, verdictShown, verdictRefined),
			Evidence: fmt.Sprintf("W_U is %d × %d; the last position's row of logits has %d entries",
				wu[0], wu[1], wu[1]),
		},
		{
			Claim:   "Both networks pick the best logit as the label.",
			Where:   []string{"2.5-D4", "2.5-D5"},
			Verdict: verdictShown,
			Evidence: fmt.Sprintf("D4's argmax is right on %.2f%% of the test digits; D5's greedy argmax "+
				"is the right next character at %.1f%% of %d positions of its text",
				100*acc4, 100*acc5, n5),
		},
		{
			Claim: "The transformer is mainly a classifier: the predicted token is a " +
				"classification.",
			Where:   []string{"1-classifier", "2.5-D5"},
			Verdict: verdictShown,
			Evidence: fmt.Sprintf("its next-token step is a softmax over %d classes trained by "+
				"cross-entropy: the same head and loss as D4's classifier of %d digits",
				m5.Vocab.Size(), cnn.Classes),
		},
	}
}

// claimsLoopRows are the claims of claimsLoop and the verdicts its measurements support.
func claimsLoopRows(m5 *tf.Model, n, window int, diff, savings, stale float64, staleChanged int, cnnText string, writesBack bool, exact, steps int) []claimRow {
	return []claimRow{
		{
			Claim: "The new token is appended to the running text, the window shifts once " +
				"it is full, and the process repeats.",
			Where:   []string{"2.6-D5"},
			Verdict: verdictShown,
			Evidence: fmt.Sprintf("after %d steps D5's window holds the last %d tokens (its window is %d)",
				n, window, m5.Config.Block),
		},
		{
			Claim:   "After each new token everything must be recomputed from scratch.",
			Where:   []string{"2.6-D5"},
			Verdict: claimsIf(diff < 1e-4, verdictRefined, verdictShown),
			Evidence: fmt.Sprintf("while the window fills, a key-value cache gives the same logits "+
				"(largest difference %.1g) for %.0f%% of the work of a recompute at a "+
				"full window; once the window slides every position moves, and reusing "+
				"the old keys shifts the logits by up to %.3g, changing %d greedy "+
				"choice(s)", diff, 100*savings, stale, staleChanged),
		},
		{
			Claim: "A CNN could be turned into a generator by feeding its output back in " +
				"as input.",
			Where:   []string{"3-text-generate", "3-life-rollout"},
			Verdict: claimsIf(writesBack && exact == steps, verdictShown, verdictRefined),
			Evidence: fmt.Sprintf("the char-CNN writes %s back from the prompt (%s); the Life CNN matches "+
				"the true rule on every test board for %d of %d generations",
				notebook.Escape(claimsShort(cnnText)), claimsWord(writesBack, "exactly", "not exactly"), exact, steps),
		},
	}
}

// claimsMachineRows are the claims of claimsMachine and the verdicts its measurements support.
func claimsMachineRows(same bool, digit, gpt3 int64) []claimRow {
	z3, reed := mechRelays[0], mechRelays[1]
	const year = 365.25 * 24 * 3600
	plantHours := z3.joules(gpt3) / mechPlantWatts / 3600
	return []claimRow{
		{
			Claim:    "A model is a mechanism: clocked binary arithmetic, the same every time.",
			Where:    []string{"0-bits"},
			Verdict:  claimsIf(same, verdictShown, verdictContradicted),
			Evidence: fmt.Sprintf("the same digit run twice gives bit-identical logits: %v", same),
		},
		{
			Claim: "A large language model could run on relays; a token would take years " +
				"and a large nuclear plant's output.",
			Where:   []string{"0-relay"},
			Verdict: claimsIf(z3.seconds(gpt3) > year, verdictRefined, verdictContradicted),
			Evidence: fmt.Sprintf("one GPT-3 token is %s multiply-adds: %s on one Z3-like unit (%s on "+
				"reed relays). The energy is fixed, %s on Z3-like relays: a 1 GW plant "+
				"would supply it in %.0f hours, so the plant buys speed; it is not "+
				"needed to finish",
				mechCount(gpt3), mechDuration(z3.seconds(gpt3)), mechDuration(reed.seconds(gpt3)), mechEnergy(z3.joules(gpt3)), plantHours),
		},
		{
			Claim:   "A transformer needs vast amounts of computation for each next token.",
			Where:   []string{"0-GPT3-work", "0-D4-work"},
			Verdict: verdictShown,
			Evidence: fmt.Sprintf("%s multiply-adds per GPT-3 token against %s for one D4 digit: %s times "+
				"as many",
				mechCount(gpt3), mechCount(digit), mechRatio(float64(gpt3)/float64(digit))),
		},
	}
}
