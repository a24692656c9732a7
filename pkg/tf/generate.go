package tf

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// Sampler picks the next token from the logits of the last position.
// Temperature 0 is greedy: the most likely token (the lowest id on a tie).
// Otherwise the logits are divided by Temperature, only the TopK most
// likely tokens are kept (all of them if TopK is 0), and a token is drawn
// from their softmax with a PCG source seeded by Seed.
type Sampler struct {
	Temperature float64 // tf.temperature: 0 for greedy, else > 0
	TopK        int     // tf.topk: 0 for all tokens, else how many to keep
	Seed        uint64  // seeds the sampling (the book passes tf.seed)
}

// Validate returns an error naming tf.temperature or tf.topk if it is
// out of range.
func (s Sampler) Validate() error {
	if !(s.Temperature >= 0) || math.IsInf(s.Temperature, 0) {
		return fmt.Errorf("tf.temperature = %v: must be 0 (greedy) or positive and finite", s.Temperature)
	}
	if s.TopK < 0 {
		return fmt.Errorf("tf.topk = %d: must be 0 (all tokens) or positive", s.TopK)
	}
	return nil
}

// Distribution returns the probabilities the sampler draws from, given
// logits: one-hot on the argmax when greedy, else the softmax of
// logits/Temperature over the TopK most likely tokens, 0 elsewhere.
// Distribution panics if s is invalid.
func (s Sampler) Distribution(logits []float64) []float64 {
	if err := s.Validate(); err != nil {
		panic("tf: Sampler.Distribution: " + err.Error())
	}
	p := make([]float64, len(logits))
	if s.Temperature == 0 {
		p[argmax(logits)] = 1
		return p
	}
	keep := make([]int, len(logits))
	for i := range keep {
		keep[i] = i
	}
	// Most likely first; a tie goes to the lower id.
	sort.SliceStable(keep, func(a, b int) bool { return logits[keep[a]] > logits[keep[b]] })
	if s.TopK > 0 && s.TopK < len(keep) {
		keep = keep[:s.TopK]
	}
	m := logits[keep[0]] / s.Temperature
	sum := 0.0
	for _, i := range keep {
		p[i] = math.Exp(logits[i]/s.Temperature - m)
		sum += p[i]
	}
	for _, i := range keep {
		p[i] /= sum
	}
	return p
}

// pick draws a token from the sampler's distribution.
func (s Sampler) pick(logits []float64, rng *rand.Rand) int {
	if s.Temperature == 0 {
		return argmax(logits)
	}
	p := s.Distribution(logits)
	u := rng.Float64()
	last := 0
	for i, pi := range p {
		if pi == 0 {
			continue
		}
		last = i
		if u < pi {
			return i
		}
		u -= pi
	}
	return last // u landed in the rounding error at the top end
}

func (s Sampler) rng() *rand.Rand { return rand.New(rand.NewPCG(s.Seed, 0x2545f491)) }

func argmax(x []float64) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// Step is one turn of the autoregressive loop (the seed's 2.6).
type Step struct {
	Window []int     // the token ids the model read: the last Block tokens so far
	Token  int       // the chosen next token
	Prob   float64   // Probs[Token]
	Probs  []float64 // (d_vocab) the model's softmax at the window's last position
	Logits []float64 // (d_vocab) the logits at the window's last position
	Cached bool      // GenerateCached only: the logits came from the KV cache
}

// Generate continues prompt by n tokens: each step reads the last Block
// tokens as a window (positions 0, 1, ... from the window's start),
// recomputes everything, picks a token with s and appends it.
//
// Generate panics if prompt is empty or holds an id outside the
// vocabulary, if n is negative, or if s is invalid.
func (m *Model) Generate(prompt []int, n int, s Sampler) []Step {
	m.checkGenerate("Generate", prompt, n, s)
	rng := s.rng()
	seq := append([]int(nil), prompt...)
	steps := make([]Step, 0, n)
	for range n {
		window := seq[max(0, len(seq)-m.lay.Ctx):]
		st := m.newStep(window, m.lastLogits(window))
		st.Token = s.pick(st.Logits, rng)
		st.Prob = st.Probs[st.Token]
		steps = append(steps, st)
		seq = append(seq, st.Token)
	}
	return steps
}

// lastLogits recomputes a window and returns the logits of its last
// position, (d_vocab).
func (m *Model) lastLogits(window []int) []float32 {
	a := newActs[float32](m.lay, len(window))
	m.p.forward(a, window)
	return a.logits[(len(window)-1)*m.lay.V:]
}

// newStep records a window and the logits of its last position.
func (m *Model) newStep(window []int, logits []float32) Step {
	V := m.lay.V
	st := Step{Window: append([]int(nil), window...), Logits: make([]float64, V), Probs: make([]float64, V)}
	probs := make([]float32, V)
	softmaxForward(probs, make([]float32, 1), logits[:V], 1, V)
	for j := range V {
		st.Logits[j] = float64(logits[j])
		st.Probs[j] = float64(probs[j])
	}
	return st
}

func (m *Model) checkGenerate(fn string, prompt []int, n int, s Sampler) {
	if len(prompt) == 0 {
		panic(fmt.Sprintf("tf: %s: empty prompt", fn))
	}
	m.checkTokens(fn, prompt)
	if n < 0 {
		panic(fmt.Sprintf("tf: %s: negative number of tokens %d", fn, n))
	}
	if err := s.Validate(); err != nil {
		panic(fmt.Sprintf("tf: %s: %v", fn, err))
	}
}

// Text returns the prompt followed by the generated tokens, decoded.
func (m *Model) Text(prompt []int, steps []Step) string {
	ids := append([]int(nil), prompt...)
	for _, s := range steps {
		ids = append(ids, s.Token)
	}
	return m.Vocab.Decode(ids)
}
