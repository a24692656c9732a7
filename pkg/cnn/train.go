package cnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"tinynets/pkg/mnist"
)

// learningRate is the schedule: the rate starts at peak and falls along a
// half cosine to zero at the last step, peak·(1 + cos(π·step/total))/2.
// Large early steps cover ground; small late ones settle into a minimum.
func learningRate(peak float64, step, total int) float64 {
	return peak * (1 + math.Cos(math.Pi*float64(step)/float64(total))) / 2
}

// Train trains a new model (New(cfg)) on the first cfg.TrainImages images
// of train with Adam on the mean cross-entropy of minibatches of cfg.Batch
// images, reshuffled every epoch by a PCG generator seeded with cfg.Seed
// (the last batch of an epoch may be smaller). After every epoch it
// measures the accuracy on all of test and records it in the model's
// History. progress, if not nil, is called after every step with the
// number of steps done and the total.
//
// The result depends only on cfg and the data: not on the number of
// cores, which only changes the speed. Train returns an error if cfg is
// invalid, a set is not 28x28 MNIST, or the loss stops being finite.
func Train(cfg Config, train, test *mnist.Set, progress func(done, total int)) (*Model, error) {
	start := time.Now()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := setError("training set", train); err != nil {
		return nil, fmt.Errorf("cnn: %w", err)
	}
	if err := setError("test set", test); err != nil {
		return nil, fmt.Errorf("cnn: %w", err)
	}
	if train.N < cfg.TrainImages {
		return nil, fmt.Errorf("cnn.train_images = %d: the training set holds only %d images", cfg.TrainImages, train.N)
	}
	m := New(cfg)
	t := newTrainer(m, train.Head(cfg.TrainImages))
	defer t.close()

	n := cfg.TrainImages
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, shuffleStream))
	steps := (n + cfg.Batch - 1) / cfg.Batch
	total := steps * cfg.Epochs
	pred := make([]int, test.N)
	var training time.Duration
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		epochStart := time.Now()
		sum := 0.0
		for s := range steps {
			step := (epoch-1)*steps + s
			lr := learningRate(cfg.LR, step, total)
			loss := t.step(order[s*cfg.Batch:min((s+1)*cfg.Batch, n)], lr)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, fmt.Errorf("cnn: training diverged: the loss became %v at epoch %d, step %d of %d (learning rate %.3g from cnn.lr = %.3g); the learning rate is probably too high: try a smaller cnn.lr, such as %.3g",
					loss, epoch, s+1, steps, lr, cfg.LR, cfg.LR/10)
			}
			sum += loss
			if progress != nil {
				progress(step+1, total)
			}
		}
		training += time.Since(epochStart)
		predictInto(pred, t.a, t.p, test, t.evalWork(), t.w)
		m.History = append(m.History, Epoch{Epoch: epoch, Loss: sum / float64(n), TestAccuracy: accuracy(pred, test.Labels)})
	}
	t.copyTo(m)
	m.Seconds = time.Since(start).Seconds()
	m.ImagesPerSecond = float64(cfg.Epochs*n) / training.Seconds()
	return m, nil
}

// trainer holds what a training run reuses step after step, so that a step
// allocates nothing.
type trainer struct {
	a      arch
	flat   []float32       // every parameter, in params order
	p      params[float32] // views of flat
	grad   []float32       // the batch's gradient: the shards' gradients added in shard order
	opt    *adam
	shards [numShards]*shard
	w      *workers
	set    *mnist.Set
	batch  []int     // indices into set of the current batch
	job    func(int) // t.runShard, made once
}

// shard is one piece of a batch: its own activations, scratch and
// gradient sum.
type shard struct {
	x    *activations[float32]
	d    *deltas[float32]
	grad []float32       // this shard's summed gradient, laid out as trainer.flat
	g    params[float32] // views of grad
	loss float64         // this shard's summed loss
}

func newTrainer(m *Model, set *mnist.Set) *trainer {
	a := archOf(m.Config)
	t := &trainer{a: a, flat: make([]float32, a.numParams()), grad: make([]float32, a.numParams()), set: set}
	t.p = split(a, t.flat)
	src := m.params().all()
	for i, dst := range t.p.all() {
		copy(dst, src[i])
	}
	t.opt = newAdam(len(t.flat))
	for s := range t.shards {
		sh := &shard{x: newActivations[float32](a), d: newDeltas[float32](a), grad: make([]float32, a.numParams())}
		sh.g = split(a, sh.grad)
		t.shards[s] = sh
	}
	t.w = newWorkers()
	t.job = t.runShard
	return t
}

func (t *trainer) close() { t.w.close() }

// copyTo stores the trained parameters in m's tensors.
func (t *trainer) copyTo(m *Model) {
	src := t.p.all()
	for i, dst := range m.params().all() {
		copy(dst, src[i])
	}
}

// evalWork returns the shards' activations for an evaluation.
func (t *trainer) evalWork() [numShards]*activations[float32] {
	var w [numShards]*activations[float32]
	for s, sh := range t.shards {
		w[s] = sh.x
	}
	return w
}

// step trains on the images batch (indices into t.set) with learning rate
// lr: forward and backward for every image, shard by shard, then the
// shards' gradients added in order and one Adam step. It returns the sum of
// the images' losses.
func (t *trainer) step(batch []int, lr float64) float64 {
	t.batch = batch
	t.w.run(t.job)
	copy(t.grad, t.shards[0].grad)
	loss := t.shards[0].loss
	for _, sh := range t.shards[1:] {
		grad := sh.grad[:len(t.grad)]
		for i, g := range grad {
			t.grad[i] += g
		}
		loss += sh.loss
	}
	t.opt.step(t.flat, t.grad, lr)
	return loss
}

// runShard runs forward and backward for shard s of the current batch,
// summing the gradients of the batch's mean loss.
func (t *trainer) runShard(s int) {
	sh := t.shards[s]
	clear(sh.grad)
	sh.loss = 0
	lo, hi := shardRange(s, len(t.batch))
	dLoss := 1 / float32(len(t.batch))
	for _, i := range t.batch[lo:hi] {
		copy(sh.x.input, t.set.Image(i))
		label := int(t.set.Labels[i])
		sh.loss += forward(t.a, t.p, sh.x, label, true)
		backward(t.a, t.p, sh.g, sh.x, sh.d, label, dLoss, true)
	}
}
