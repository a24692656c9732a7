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
// History, and the first time that accuracy reaches 98% the wall time
// since the call in SecondsTo98. progress, if not nil, is called after every step with the
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
		predictInto(pred, t.a, t.k, test, t.evalWork(), t.w)
		acc := accuracy(pred, test.Labels)
		m.History = append(m.History, Epoch{Epoch: epoch, Loss: sum / float64(n), TestAccuracy: acc})
		if acc >= 0.98 && m.SecondsTo98 == 0 {
			m.SecondsTo98 = time.Since(start).Seconds()
		}
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
	flat   []float32              // every parameter, in params order
	p      params[float32]        // views of flat
	grad   []float32              // the batch's gradient, laid out as flat
	k      *kernelParams[float32] // p rearranged for the kernels, after every step
	pmap   *paramMap              // where each parameter sits in k and in the shards' gradients
	opt    *adam
	shards [numShards]*shard
	w      *workers
	set    *mnist.Set
	batch  []int     // indices into set of the current batch
	job    func(int) // t.runShard, made once
	update func(int) // t.updatePiece, made once
}

// shard is one piece of a batch: its own activations, scratch and
// gradient sum.
type shard struct {
	work *fastWork[float32]
	grad *kernelGrads[float32] // this shard's summed gradient
	loss float64               // this shard's summed loss
}

func newTrainer(m *Model, set *mnist.Set) *trainer {
	a := archOf(m.Config)
	t := &trainer{a: a, flat: make([]float32, a.numParams()), grad: make([]float32, a.numParams()), set: set}
	t.p = split(a, t.flat)
	src := m.params().all()
	for i, dst := range t.p.all() {
		copy(dst, src[i])
	}
	t.pmap = newParamMap(a)
	t.k = newKernelParams[float32](a)
	t.k.load(t.pmap, t.flat, 0, len(t.flat))
	t.opt = newAdam(len(t.flat))
	for s := range t.shards {
		t.shards[s] = &shard{work: newFastWork[float32](a), grad: newKernelGrads[float32](a)}
	}
	t.w = newWorkers()
	t.job, t.update = t.runShard, t.updatePiece
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

// evalWork returns the shards' buffers for an evaluation.
func (t *trainer) evalWork() [numShards]*fastWork[float32] {
	var w [numShards]*fastWork[float32]
	for s, sh := range t.shards {
		w[s] = sh.work
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
	loss := 0.0
	for _, sh := range t.shards {
		loss += sh.loss
	}
	t.opt.begin(lr)
	t.w.run(t.update)
	return loss
}

// updatePiece finishes the step for piece s of the parameters (in params
// order; the pieces are the shards' ranges of the parameter count): each
// one's gradient, the shards' added in shard order, its Adam step, and its
// copies for the kernels. A parameter's gradient, update and copies touch
// only its own entries, so the pieces run at once.
func (t *trainer) updatePiece(s int) {
	lo, hi := shardRange(s, len(t.flat))
	var shards [numShards][]float32
	for i, sh := range t.shards {
		shards[i] = sh.grad.flat
	}
	grad := t.grad[lo:hi]
	for j, at := range t.pmap.grad[lo:hi] {
		g := shards[0][at]
		for _, sg := range shards[1:] {
			g += sg[at]
		}
		grad[j] = g
	}
	t.opt.update(t.flat, t.grad, lo, hi)
	t.k.load(t.pmap, t.flat, lo, hi)
}

// runShard runs forward and backward for shard s of the current batch,
// chunk by chunk, summing the gradients of the batch's mean loss.
func (t *trainer) runShard(s int) {
	sh := t.shards[s]
	clear(sh.grad.flat)
	sh.loss = 0
	lo, hi := shardRange(s, len(t.batch))
	dLoss := 1 / float32(len(t.batch))
	w := sh.work
	for at := lo; at < hi; at += chunkImages {
		chunk := t.batch[at:min(at+chunkImages, hi)]
		for i, img := range chunk {
			w.setImage(t.a, i, t.set.Image(img))
		}
		forwardFast(t.a, t.k, w, len(chunk))
		for i, img := range chunk {
			label := int(t.set.Labels[img])
			sh.loss += w.lossFast(i, label)
			d := slot(w.dLogits, i)
			clear(d)
			softmaxCrossEntropyBackward(d[:Classes], slot(w.probs, i), label, dLoss)
		}
		backwardFast(t.a, t.k, sh.grad, w, len(chunk))
	}
}
