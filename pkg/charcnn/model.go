// Package charcnn is a convolutional network that generates text: a causal,
// dilated 1-D CNN over characters in the style of WaveNet, run in the same
// autoregressive loop as a transformer.
//
// The seed's tiny CNN classifies an image; the tiny transformer classifies
// a window of tokens into the next token and feeds its answer back in. This
// package gives a CNN that second job. Its context sharing is a stack of
// convolutions with kernel 2 whose dilations double (1, 2, 4, ...), so the
// last position of the window sees every earlier token of it; its storyline
// computation is the ReLU after each convolution; a 1x1 convolution turns
// the last layer into logits over the vocabulary. Generation appends the
// most likely character and slides the window, exactly as for the
// transformer.
package charcnn

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"time"
	"unicode/utf8"

	"tinynets/pkg/tensor"
)

// DefaultText is the text the defaults are tuned for: greedy generation
// from "h" writes it back exactly.
const DefaultText = "hello world"

// Config holds the hyperparameters of a character CNN and its training.
type Config struct {
	Channels int     // C: dims per position (embedding width and conv channels)
	Block    int     // context window in characters; the receptive field covers it
	Steps    int     // Adam steps
	Batch    int     // windows per step
	LR       float64 // Adam learning rate
	Seed     uint64  // seeds the weights and the order of the windows
}

// DefaultConfig returns the configuration that learns DefaultText in well
// under a second.
func DefaultConfig() Config {
	return Config{Channels: 16, Block: 8, Steps: 300, Batch: 8, LR: 0.01, Seed: 1}
}

// Limits of the configuration, as Validate checks them.
const (
	MaxChannels = 512
	MaxBlock    = 256
	MaxSteps    = 1_000_000
	MaxBatch    = 4096
)

// Validate reports the first field that is out of range, naming its book
// key (charcnn.channels, charcnn.block, ...) and what is allowed.
func (c Config) Validate() error {
	ints := []struct {
		key    string
		v, max int
	}{
		{"charcnn.channels", c.Channels, MaxChannels},
		{"charcnn.block", c.Block, MaxBlock},
		{"charcnn.steps", c.Steps, MaxSteps},
		{"charcnn.batch", c.Batch, MaxBatch},
	}
	for _, f := range ints {
		if f.v < 1 || f.v > f.max {
			return fmt.Errorf("charcnn: %s = %d: must be an integer from 1 to %d", f.key, f.v, f.max)
		}
	}
	if !(c.LR > 0 && c.LR <= 1) {
		return fmt.Errorf("charcnn: charcnn.lr = %v: must be a number greater than 0 and at most 1", c.LR)
	}
	return nil
}

// layers returns L, the number of conv layers: the smallest L with
// 2^L >= block, so that the receptive field 2^L covers the window.
func layers(block int) int {
	if block <= 1 {
		return 0
	}
	return bits.Len(uint(block - 1))
}

// Model is a trained character CNN.
type Model struct {
	Config    Config
	Vocab     *Vocab
	Losses    []float64 // mean cross-entropy of each step's batch, one per step
	FinalLoss float64   // mean cross-entropy over every position of every window after training
	Seconds   float64   // wall-clock training time

	net *net[float32]
}

// NumParams returns the number of weights (embedding, convs, biases, unembedding).
func (m *Model) NumParams() int { return len(m.net.all) }

// Layers returns the number of dilated conv layers.
func (m *Model) Layers() int { return m.net.L }

// ReceptiveField returns how many characters the last position of the
// window sees: 1 + sum over layers of the dilation, that is 2^layers.
func (m *Model) ReceptiveField() int {
	rf := 1
	for l := range m.net.L {
		rf += dilation(l)
	}
	return rf
}

// Train learns to predict the next character of text at every position of
// every window of cfg.Block characters. It returns an error if cfg is
// invalid, text is not valid UTF-8 or text has fewer than 2 characters.
// progress, if not nil, is called with (done, cfg.Steps) at most about 100
// times, and at the end.
func Train(cfg Config, text string, progress func(done, total int)) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("charcnn: training text is not valid UTF-8")
	}
	vocab := NewVocab(text)
	ids, err := vocab.Encode(text)
	if err != nil {
		return nil, err
	}
	if len(ids) < 2 {
		return nil, fmt.Errorf("charcnn: training text %q has %d characters; need at least 2", text, len(ids))
	}
	start := time.Now()

	// A window is ids[s : s+T] with targets ids[s+1 : s+T+1].
	T := min(cfg.Block, len(ids)-1)
	windows := len(ids) - T

	rng := rand.New(rand.NewPCG(cfg.Seed, 0x63686172636e6e)) // "charcnn"
	n := newNet[float32](vocab.Size(), cfg.Channels, layers(cfg.Block))
	initNet(n, rng)
	g := newNet[float32](n.V, n.C, n.L)
	opt := newAdam(len(n.all), cfg.LR)
	tr := newTrace(n, T)

	// Windows are visited in a fresh random order each pass (epoch), so
	// that every window is used equally often.
	order := make([]int, 0, windows)
	next := func() int {
		if len(order) == 0 {
			order = rng.Perm(windows)
		}
		s := order[0]
		order = order[1:]
		return s
	}

	m := &Model{Config: cfg, Vocab: vocab, net: n, Losses: make([]float64, 0, cfg.Steps)}
	scale := float32(1 / float64(cfg.Batch*T))
	every := (cfg.Steps + 99) / 100 // at most 100 calls
	for step := range cfg.Steps {
		clear(g.all)
		loss := 0.0
		for range cfg.Batch {
			s := next()
			n.forward(tr, ids[s:s+T])
			loss += n.backward(g, tr, ids[s:s+T], ids[s+1:s+T+1], scale)
		}
		m.Losses = append(m.Losses, loss/float64(cfg.Batch*T))
		opt.step(n.all, g.all)
		if progress != nil && ((step+1)%every == 0 || step+1 == cfg.Steps) {
			progress(step+1, cfg.Steps)
		}
	}

	total := 0.0
	for s := range windows {
		n.forward(tr, ids[s:s+T])
		total += crossEntropyForward(tr.probs, ids[s+1:s+T+1], n.V)
	}
	m.FinalLoss = total / float64(windows*T)
	m.Seconds = time.Since(start).Seconds()
	return m, nil
}

// initNet draws the weights as PyTorch's defaults do: the embedding from
// N(0, 1), conv and unembedding weights and biases from U(-k, k) with
// k = 1/sqrt(fan_in).
func initNet(n *net[float32], rng *rand.Rand) {
	for i := range n.emb {
		n.emb[i] = float32(rng.NormFloat64())
	}
	uniform := func(buf []float32, fanIn int) {
		k := 1 / math.Sqrt(float64(fanIn))
		for i := range buf {
			buf[i] = float32((2*rng.Float64() - 1) * k)
		}
	}
	for l := range n.L {
		uniform(n.convW[l], 2*n.C)
		uniform(n.convB[l], 2*n.C)
	}
	uniform(n.outW, n.C)
	uniform(n.outB, n.C)
}

// adam is the Adam optimizer (Kingma and Ba) with PyTorch's defaults
// beta1 = 0.9, beta2 = 0.999, eps = 1e-8 and no weight decay.
type adam struct {
	lr   float64
	t    int
	m, v []float32 // first and second moments, one per weight
}

func newAdam(n int, lr float64) *adam {
	return &adam{lr: lr, m: make([]float32, n), v: make([]float32, n)}
}

func (a *adam) step(w, g []float32) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	a.t++
	c1 := 1 - math.Pow(b1, float64(a.t))
	c2 := 1 - math.Pow(b2, float64(a.t))
	for i, gi := range g {
		a.m[i] = float32(b1*float64(a.m[i]) + (1-b1)*float64(gi))
		a.v[i] = float32(b2*float64(a.v[i]) + (1-b2)*float64(gi)*float64(gi))
		mh := float64(a.m[i]) / c1
		vh := float64(a.v[i]) / c2
		w[i] = float32(float64(w[i]) - a.lr*mh/(math.Sqrt(vh)+eps))
	}
}

// Step is one step of generation.
type Step struct {
	Window []int     // the tokens the model saw: the last Block tokens so far
	Token  int       // the chosen (most likely) next token
	Prob   float64   // its probability
	Probs  []float64 // the probability of every token of the vocabulary
}

// Generate extends prompt by n tokens, greedily: each step runs the model
// on the last Block tokens, takes the probabilities at the last position
// and appends the most likely token (the lowest id on a tie).
// Generate panics if prompt is empty, n is negative or a token id is
// outside the vocabulary.
func (m *Model) Generate(prompt []int, n int) []Step {
	if len(prompt) == 0 {
		panic("charcnn: Generate needs a prompt of at least one token")
	}
	if n < 0 {
		panic(fmt.Sprintf("charcnn: Generate of %d tokens", n))
	}
	seq := append([]int(nil), prompt...)
	steps := make([]Step, 0, n)
	traces := map[int]*trace[float32]{} // by window length; only looked up
	for range n {
		window := seq[max(0, len(seq)-m.Config.Block):]
		tr, ok := traces[len(window)]
		if !ok {
			tr = newTrace(m.net, len(window))
			traces[len(window)] = tr
		}
		m.net.forward(tr, window)
		last := tr.probs[(len(window)-1)*m.net.V:]
		st := Step{Window: append([]int(nil), window...), Probs: make([]float64, m.net.V)}
		for v, p := range last {
			st.Probs[v] = float64(p)
			if p > last[st.Token] {
				st.Token = v
			}
		}
		st.Prob = st.Probs[st.Token]
		steps = append(steps, st)
		seq = append(seq, st.Token)
	}
	return steps
}

// GenerateText encodes prompt, generates n characters greedily and returns
// the prompt followed by them. It returns an error if prompt is empty or
// has a character outside the vocabulary, or n is negative.
func (m *Model) GenerateText(prompt string, n int) (string, []Step, error) {
	ids, err := m.Vocab.Encode(prompt)
	if err != nil {
		return "", nil, err
	}
	if len(ids) == 0 {
		return "", nil, fmt.Errorf("charcnn: prompt is empty; need at least one character")
	}
	if n < 0 {
		return "", nil, fmt.Errorf("charcnn: n = %d: must be 0 or more characters", n)
	}
	steps := m.Generate(ids, n)
	for _, s := range steps {
		ids = append(ids, s.Token)
	}
	text, _ := m.Vocab.Decode(ids) // every id came from the vocabulary
	return text, steps, nil
}

// Stages are the activations of one forward pass, stage by stage.
type Stages struct {
	Embed  *tensor.Tensor   // (T, C): the embedded tokens
	Hidden []*tensor.Tensor // L of (T, C): after each conv layer, ReLU and residual
	Logits *tensor.Tensor   // (T, V)
	Probs  *tensor.Tensor   // (T, V): softmax of the logits
}

// Forward runs the model on a window of tokens and returns every stage.
// Forward panics if window is empty or a token id is out of range.
func (m *Model) Forward(window []int) *Stages {
	if len(window) == 0 {
		panic("charcnn: Forward of an empty window")
	}
	T, C, V := len(window), m.net.C, m.net.V
	tr := newTrace(m.net, T)
	m.net.forward(tr, window)
	s := &Stages{
		Embed:  tensor.FromSlice(tr.h[0], T, C),
		Logits: tensor.FromSlice(tr.logits, T, V),
		Probs:  tensor.FromSlice(tr.probs, T, V),
	}
	for l := range m.net.L {
		s.Hidden = append(s.Hidden, tensor.FromSlice(tr.h[l+1], T, C))
	}
	return s
}

// Param is one named weight tensor of a model, in PyTorch's layout.
type Param struct {
	Name  string
	Value *tensor.Tensor
}

// Params returns copies of the weights: "embed.weight" (V, C), then for
// each layer l "conv<l>.weight" (C, C, 2) and "conv<l>.bias" (C), then
// "unembed.weight" (V, C) and "unembed.bias" (V).
func (m *Model) Params() []Param {
	n := m.net
	cp := func(s []float32, shape ...int) *tensor.Tensor {
		return tensor.FromSlice(append([]float32(nil), s...), shape...)
	}
	ps := []Param{{"embed.weight", cp(n.emb, n.V, n.C)}}
	for l := range n.L {
		ps = append(ps,
			Param{fmt.Sprintf("conv%d.weight", l), cp(n.convW[l], n.C, n.C, 2)},
			Param{fmt.Sprintf("conv%d.bias", l), cp(n.convB[l], n.C)})
	}
	return append(ps, Param{"unembed.weight", cp(n.outW, n.V, n.C)}, Param{"unembed.bias", cp(n.outB, n.V)})
}
