// Package life is a CNN that learns one step of Conway's Game of Life and
// then runs on its own output: the seed's image_t -> CNN -> image_(t+1),
// turned into a generator by feeding each answer back in as the next input.
//
// A 3x3 convolution on the torus shares context (each cell sees its eight
// neighbours, as the rule does), 1x1 convolutions with ReLU do the
// storyline computation per cell, and a sigmoid gives the probability that
// each cell is alive in the next generation. Thresholding at 0.5 gives the
// next board, which goes back in, the CNN's autoregressive loop.
//
// Because the receptive field is 3 x 3, the model's answer for a cell
// depends only on the 512 possible neighbourhoods. Training stops once all
// 512 are right with a margin, which proves that the thresholded model
// equals the true rule on every board of every size, for any number of steps.
package life

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"tinynets/pkg/tensor"
)

// Config holds the hyperparameters of the Life CNN and its training.
type Config struct {
	Size         int     // side of the training boards (and of the test patterns)
	Filters      int     // F: 3x3 conv filters
	Hidden       int     // H: channels of the 1x1 hidden layer
	Steps        int     // most Adam steps; training stops earlier once all 512 neighbourhoods are right
	Batch        int     // fresh random boards per step
	LR           float64 // Adam learning rate
	Seed         uint64  // seeds the weights and the training boards
	RolloutSteps int     // generations to run the model on its own output
}

// DefaultConfig returns the configuration that learns the rule exactly.
func DefaultConfig() Config {
	return Config{Size: 32, Filters: 16, Hidden: 16, Steps: 3000, Batch: 8, LR: 0.01, Seed: 1, RolloutSteps: 128}
}

// Limits of the configuration, as Validate checks them.
const (
	MaxSize         = 256
	MaxFilters      = 256
	MaxHidden       = 256
	MaxSteps        = 1_000_000
	MaxBatch        = 1024
	MaxRolloutSteps = 100_000
)

// Validate reports the first field that is out of range, naming its book
// key (life.size, life.filters, ...) and what is allowed.
func (c Config) Validate() error {
	ints := []struct {
		key         string
		v, min, max int
	}{
		{"life.size", c.Size, MinPatternSize, MaxSize},
		{"life.filters", c.Filters, 1, MaxFilters},
		{"life.hidden", c.Hidden, 1, MaxHidden},
		{"life.steps", c.Steps, 1, MaxSteps},
		{"life.batch", c.Batch, 1, MaxBatch},
		{"life.rolloutsteps", c.RolloutSteps, 1, MaxRolloutSteps},
	}
	for _, f := range ints {
		if f.v < f.min || f.v > f.max {
			return fmt.Errorf("life: %s = %d: must be an integer from %d to %d", f.key, f.v, f.min, f.max)
		}
	}
	if !(c.LR > 0 && c.LR <= 1) {
		return fmt.Errorf("life: life.lr = %v: must be a number greater than 0 and at most 1", c.LR)
	}
	return nil
}

// Model is a trained Life CNN.
type Model struct {
	Config    Config
	Losses    []float64 // mean binary cross-entropy of each step's batch, one per step taken
	FinalLoss float64   // mean binary cross-entropy over the 512 neighbourhoods after training
	Seconds   float64   // wall-clock training time
	Check     Check     // the model against the rule on all 512 neighbourhoods, after training

	net *net[float32]
}

// Check is the model compared with the rule on every 3x3 neighbourhood.
type Check struct {
	Wrong  int     // neighbourhoods whose thresholded answer differs from the rule
	Margin float64 // smallest |p - 0.5| over all 512; the distance from the threshold
}

// Passed reports whether every neighbourhood is right by at least
// StopMargin: then the thresholded model is the rule of Life.
func (c Check) Passed() bool { return c.Wrong == 0 && c.Margin >= StopMargin }

// StopMargin is how far from 0.5 every one of the 512 answers must be for
// training to stop early: p <= 0.3 for a dead cell, p >= 0.7 for a live one.
const StopMargin = 0.2

// checkEvery is how often, in steps, training runs the check.
const checkEvery = 25

// NumParams returns the number of weights and biases.
func (m *Model) NumParams() int { return len(m.net.all) }

// Train learns one step of Life from fresh random boards: each step draws
// cfg.Batch boards, each with its own density drawn uniformly from [0, 1],
// and takes one Adam step on the mean binary cross-entropy of the model's
// logits against TrueStep. Every 25 steps it checks all 512
// neighbourhoods and stops once the check passes. The boards of a batch
// are spread over goroutines; each board's gradient has its own buffer and
// they are added in board order, so the result does not depend on
// GOMAXPROCS. progress, if not nil, is called with (done, cfg.Steps) at
// most about 100 times, and with (cfg.Steps, cfg.Steps) at the end, also
// after an early stop.
func Train(cfg Config, progress func(done, total int)) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	S, N := cfg.Size, cfg.Size*cfg.Size
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6c696665)) // "life"
	n := newNet[float32](cfg.Filters, cfg.Hidden)
	initNet(n, rng)
	opt := newAdam(len(n.all), cfg.LR)
	m := &Model{Config: cfg, net: n}

	boards := make([][]uint8, cfg.Batch)
	nexts := make([][]uint8, cfg.Batch)
	for b := range boards {
		boards[b] = make([]uint8, N)
	}
	grads := make([]*net[float32], cfg.Batch) // one per board
	losses := make([]float64, cfg.Batch)
	for b := range grads {
		grads[b] = newNet[float32](cfg.Filters, cfg.Hidden)
	}
	workers := min(runtime.GOMAXPROCS(0), cfg.Batch)
	traces := make([]*trace[float32], workers)
	for w := range traces {
		traces[w] = newTrace(n, S)
	}
	g := newNet[float32](cfg.Filters, cfg.Hidden)
	scale := float32(1 / float64(cfg.Batch*N))
	every := (cfg.Steps + 99) / 100 // at most 100 progress calls

	for step := range cfg.Steps {
		for b, board := range boards {
			density := rng.Float64()
			for i := range board {
				board[i] = 0
				if rng.Float64() < density {
					board[i] = 1
				}
			}
			nexts[b] = TrueStep(board, S)
		}
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := w; b < cfg.Batch; b += workers {
					clear(grads[b].all)
					n.forward(traces[w], boards[b])
					losses[b] = n.backward(grads[b], traces[w], nexts[b], scale)
				}
			}()
		}
		wg.Wait()
		clear(g.all)
		loss := 0.0
		for b := range grads { // fixed order: deterministic sums
			for i, v := range grads[b].all {
				g.all[i] += v
			}
			loss += losses[b]
		}
		m.Losses = append(m.Losses, loss/float64(cfg.Batch*N))
		opt.step(n.all, g.all)

		if (step+1)%checkEvery == 0 {
			if m.CheckNeighborhoods().Passed() {
				break
			}
		}
		if progress != nil && (step+1)%every == 0 && step+1 < cfg.Steps {
			progress(step+1, cfg.Steps)
		}
	}
	if progress != nil {
		progress(cfg.Steps, cfg.Steps)
	}
	m.Check = m.CheckNeighborhoods()
	m.FinalLoss = m.neighborhoodLoss()
	m.Seconds = time.Since(start).Seconds()
	return m, nil
}

// initNet draws weights and biases as PyTorch's defaults do: from
// U(-k, k) with k = 1/sqrt(fan_in).
func initNet(n *net[float32], rng *rand.Rand) {
	uniform := func(buf []float32, fanIn int) {
		k := 1 / math.Sqrt(float64(fanIn))
		for i := range buf {
			buf[i] = float32((2*rng.Float64() - 1) * k)
		}
	}
	uniform(n.w1, 9)
	uniform(n.b1, 9)
	uniform(n.w2, n.Filters)
	uniform(n.b2, n.Filters)
	uniform(n.w3, n.Hidden)
	uniform(n.b3, n.Hidden)
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

// Neighborhood returns the 3x3 board of neighbourhood k in [0, 512): bit
// 3*y+x of k is the cell at row y, column x; the centre is bit 4.
// On a 3x3 torus the centre cell sees exactly these nine cells, so the
// model's answer at the centre is its answer for this neighbourhood on any
// board. Neighborhood panics if k is out of range.
func Neighborhood(k int) []uint8 {
	if k < 0 || k >= 512 {
		panic(fmt.Sprintf("life: neighbourhood %d is not in [0, 512)", k))
	}
	b := make([]uint8, 9)
	for i := range b {
		b[i] = uint8(k >> i & 1)
	}
	return b
}

// CheckNeighborhoods runs the model on all 512 neighbourhoods and compares
// its thresholded answers with the rule.
func (m *Model) CheckNeighborhoods() Check {
	c := Check{Margin: math.Inf(1)}
	tr := newTrace(m.net, 3)
	for k := range 512 {
		b := Neighborhood(k)
		m.net.forward(tr, b)
		p := float64(sigmoid(tr.z[4]))
		alive := p > 0.5
		if alive != (TrueStep(b, 3)[4] == 1) {
			c.Wrong++
		}
		c.Margin = math.Min(c.Margin, math.Abs(p-0.5))
	}
	return c
}

// neighborhoodLoss is the mean binary cross-entropy over the 512 neighbourhoods.
func (m *Model) neighborhoodLoss() float64 {
	tr := newTrace(m.net, 3)
	total := 0.0
	for k := range 512 {
		b := Neighborhood(k)
		m.net.forward(tr, b)
		total += bceForward(tr.z[4:5], TrueStep(b, 3)[4:5])
	}
	return total / 512
}

// side returns the side of a square board, panicking if it is not square
// with side at least 3.
func side(board []uint8) int {
	s := int(math.Sqrt(float64(len(board))))
	for s*s > len(board) {
		s--
	}
	for (s+1)*(s+1) <= len(board) {
		s++
	}
	if s < 3 || s*s != len(board) {
		panic(fmt.Sprintf("life: board of %d cells is not a square of side 3 or more", len(board)))
	}
	return s
}

// Step runs the model on a square board of any size and returns the
// probability that each cell is alive next, and the board thresholded at
// 0.5. Step panics if the board is not square with side at least 3 or a
// cell is not 0 or 1.
func (m *Model) Step(board []uint8) (probs []float32, next []uint8) {
	S := side(board)
	checkBoard(board, S)
	tr := newTrace(m.net, S)
	m.net.forward(tr, board)
	probs = make([]float32, len(board))
	next = make([]uint8, len(board))
	for i, z := range tr.z {
		probs[i] = sigmoid(z)
		if probs[i] > 0.5 {
			next[i] = 1
		}
	}
	return probs, next
}

// Frame is one generation of a rollout.
type Frame struct {
	Model []uint8 // the model's board, computed from its own previous board
	Truth []uint8 // the true rule's board, computed from its own previous board
	Diff  int     // cells where they differ
}

// Rollout runs the model on its own thresholded output for steps
// generations from board, beside the true rule, and returns frame t-1 for
// generation t (the start is not included). Rollout panics like Step.
func Rollout(m *Model, board []uint8, steps int) []Frame {
	S := side(board)
	checkBoard(board, S)
	frames := make([]Frame, 0, steps)
	cur, truth := board, board
	for range steps {
		_, cur = m.Step(cur)
		truth = TrueStep(truth, S)
		f := Frame{Model: cur, Truth: truth}
		for i := range cur {
			if cur[i] != truth[i] {
				f.Diff++
			}
		}
		frames = append(frames, f)
	}
	return frames
}

// Kernels returns a copy of the first layer's 3x3 kernels, (Filters, 1, 3, 3).
func (m *Model) Kernels() *tensor.Tensor {
	return tensor.FromSlice(append([]float32(nil), m.net.w1...), m.net.Filters, 1, 3, 3)
}

// Param is one named weight tensor of a model, in PyTorch's layout.
type Param struct {
	Name  string
	Value *tensor.Tensor
}

// Params returns copies of the weights: "conv1.weight" (F, 1, 3, 3),
// "conv1.bias" (F), "conv2.weight" (H, F, 1, 1), "conv2.bias" (H),
// "conv3.weight" (1, H, 1, 1), "conv3.bias" (1).
func (m *Model) Params() []Param {
	n := m.net
	cp := func(s []float32, shape ...int) *tensor.Tensor {
		return tensor.FromSlice(append([]float32(nil), s...), shape...)
	}
	return []Param{
		{"conv1.weight", cp(n.w1, n.Filters, 1, 3, 3)},
		{"conv1.bias", cp(n.b1, n.Filters)},
		{"conv2.weight", cp(n.w2, n.Hidden, n.Filters, 1, 1)},
		{"conv2.bias", cp(n.b2, n.Hidden)},
		{"conv3.weight", cp(n.w3, 1, n.Hidden, 1, 1)},
		{"conv3.bias", cp(n.b3, 1)},
	}
}
