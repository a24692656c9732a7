package tf

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// Train fits a D5 model to text: next-character cross-entropy over every
// window of the text, every position of a window a target, minimised by
// Adam with PyTorch's defaults (β1 0.9, β2 0.999, ε 1e-8, no weight decay)
// in float32.
//
// A window is min(Block, runes-1) consecutive characters and the same
// number of targets, the characters one further on; a text of n runes has
// n - window windows. A step averages the loss over Batch windows (all of
// them if there are fewer), drawn in a seeded shuffled order.
//
// progress, if not nil, is called after every step with the steps done and
// Config.Steps.
//
// Train returns an error if cfg is invalid, if text is not valid UTF-8 or
// has fewer than 2 runes, or if the loss stops being finite.
func Train(cfg Config, text string, progress func(done, total int)) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	v, err := NewVocab(text)
	if err != nil {
		return nil, err
	}
	ids, err := v.Encode(text, "tf.text")
	if err != nil {
		return nil, err
	}
	m, err := New(cfg, v)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	tr := newTrainer(m, ids)
	m.Losses = make([]float64, 0, cfg.Steps)
	for step := 1; step <= cfg.Steps; step++ {
		loss := tr.step()
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return nil, fmt.Errorf("tf: loss is %v at step %d of %d with tf.lr = %g: training diverged; try a smaller tf.lr", loss, step, cfg.Steps, cfg.LR)
		}
		m.Losses = append(m.Losses, loss)
		if progress != nil {
			progress(step, cfg.Steps)
		}
	}
	m.FinalLoss = tr.meanLoss(tr.starts)
	if math.IsNaN(m.FinalLoss) || math.IsInf(m.FinalLoss, 0) {
		return nil, fmt.Errorf("tf: final loss is %v with tf.lr = %g: training diverged; try a smaller tf.lr", m.FinalLoss, cfg.LR)
	}
	m.Seconds = time.Since(start).Seconds()
	return m, nil
}

// shards is the fixed number of pieces a batch is split into. Each piece's
// gradient is summed on its own goroutine and the pieces are added in
// order, so the result does not depend on GOMAXPROCS.
const shards = 4

// trainer holds the state of a training run.
type trainer struct {
	m      *Model
	ids    []int // the text's tokens
	T      int   // window length
	starts []int // first token of every window
	batch  int

	rng   *rand.Rand
	order []int // a shuffled copy of starts; next is the next unused one
	next  int

	grad  params[float32] // summed gradient of the step
	work  [shards]shardWork
	adamM []float32
	adamV []float32
	t     int // Adam steps taken
}

// shardWork is one shard's gradient, activations and loss.
type shardWork struct {
	grad params[float32]
	a    *acts[float32]
	loss float64
}

func newTrainer(m *Model, ids []int) *trainer {
	T := min(m.lay.Ctx, len(ids)-1)
	tr := &trainer{m: m, ids: ids, T: T, rng: rand.New(rand.NewPCG(m.Config.Seed, 0x9e3779b9))}
	for s := 0; s+T < len(ids); s++ {
		tr.starts = append(tr.starts, s)
	}
	tr.batch = min(m.Config.Batch, len(tr.starts))
	tr.grad = newParams[float32](m.lay)
	for i := range tr.work {
		tr.work[i] = shardWork{grad: newParams[float32](m.lay), a: newActs[float32](m.lay, T)}
	}
	n := len(m.p.flat)
	tr.adamM, tr.adamV = make([]float32, n), make([]float32, n)
	return tr
}

// nextBatch returns the windows of the next step: all of them in order
// if they fit in one batch, else the next ones of a shuffled order that
// is reshuffled whenever it runs out.
func (tr *trainer) nextBatch() []int {
	if tr.batch == len(tr.starts) {
		return tr.starts
	}
	out := make([]int, 0, tr.batch)
	for len(out) < tr.batch {
		if tr.next == len(tr.order) {
			tr.order = append(tr.order[:0], tr.starts...)
			tr.rng.Shuffle(len(tr.order), func(i, j int) { tr.order[i], tr.order[j] = tr.order[j], tr.order[i] })
			tr.next = 0
		}
		out = append(out, tr.order[tr.next])
		tr.next++
	}
	return out
}

// gradient sets tr.grad to the gradient of the mean loss over the windows
// starting at starts, and returns that mean loss.
func (tr *trainer) gradient(starts []int) float64 {
	scale := float32(1 / float64(len(starts)*tr.T))
	tr.forShards(starts, func(w *shardWork, part []int) {
		clear(w.grad.flat)
		for _, s := range part {
			in, target := tr.ids[s:s+tr.T], tr.ids[s+1:s+tr.T+1]
			tr.m.p.forward(w.a, in)
			w.loss += float64(crossEntropyForward(w.a.lse, w.a.logits, target, tr.m.lay.V))
			tr.m.p.backward(&w.grad, w.a, in, target, scale)
		}
	})
	clear(tr.grad.flat)
	total := 0.0
	for i := range tr.work {
		for j, g := range tr.work[i].grad.flat {
			tr.grad.flat[j] += g
		}
		total += tr.work[i].loss
	}
	return total / float64(len(starts)*tr.T)
}

// meanLoss returns the mean loss over the windows starting at starts.
func (tr *trainer) meanLoss(starts []int) float64 {
	tr.forShards(starts, func(w *shardWork, part []int) {
		for _, s := range part {
			tr.m.p.forward(w.a, tr.ids[s:s+tr.T])
			w.loss += float64(crossEntropyForward(w.a.lse, w.a.logits, tr.ids[s+1:s+tr.T+1], tr.m.lay.V))
		}
	})
	total := 0.0
	for i := range tr.work {
		total += tr.work[i].loss
	}
	return total / float64(len(starts)*tr.T)
}

// forShards splits starts into shards contiguous parts and runs fn on
// each in its own goroutine, with the shard's loss reset to 0.
func (tr *trainer) forShards(starts []int, fn func(w *shardWork, part []int)) {
	var wg sync.WaitGroup
	for i := range tr.work {
		part := starts[i*len(starts)/shards : (i+1)*len(starts)/shards]
		w := &tr.work[i]
		w.loss = 0
		if len(part) == 0 {
			clear(w.grad.flat)
			continue
		}
		wg.Go(func() { fn(w, part) })
	}
	wg.Wait()
}

// step takes one Adam step and returns the batch's loss before it.
func (tr *trainer) step() float64 {
	loss := tr.gradient(tr.nextBatch())
	tr.adam()
	return loss
}

// adam updates the weights from tr.grad as torch.optim.Adam does:
// m = β1 m + (1-β1) g, v = β2 v + (1-β2) g², and
// w -= lr/(1-β1ᵗ) · m / (sqrt(v)/sqrt(1-β2ᵗ) + ε).
func (tr *trainer) adam() {
	const beta1, beta2, eps = 0.9, 0.999, 1e-8
	tr.t++
	bc1 := 1 - math.Pow(beta1, float64(tr.t))
	bc2 := 1 - math.Pow(beta2, float64(tr.t))
	stepSize := float32(tr.m.Config.LR / bc1)
	sqrtBC2 := float32(math.Sqrt(bc2))
	w, m, v := tr.m.p.flat, tr.adamM, tr.adamV
	for i, g := range tr.grad.flat {
		m[i] = beta1*m[i] + (1-beta1)*g
		v[i] = beta2*v[i] + (1-beta2)*g*g
		denom := float32(math.Sqrt(float64(v[i])))/sqrtBC2 + eps
		w[i] -= stepSize * m[i] / denom
	}
}
