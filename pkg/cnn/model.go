// Package cnn is D4, the seed's tiny convolutional network for MNIST digits,
// written from scratch: 28x28x1 -> conv KxK (F1 filters, same padding) ->
// ReLU -> 2x2 max pool -> 14x14xF1 -> conv KxK (F2 filters) -> ReLU -> 2x2
// max pool -> 7x7xF2 -> fully connected -> 10 logits -> softmax.
//
// Layouts are PyTorch's: an image's activations are (C, H, W), convolution
// weights (Cout, Cin, KH, KW), linear weights (out, in), and pool2 is
// flattened in (C, H, W) order, so weights and activations load unchanged
// there. Every layer is a forward and backward pair of plain functions
// (layers.go), checked against finite differences and PyTorch; training
// runs a faster arrangement of the same maths (fast.go, fastnet.go, with
// the AVX2 kernels of kernels.go where the CPU has them) that the tests
// hold equal to the readable one.
package cnn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"tinynets/pkg/mnist"
	"tinynets/pkg/tensor"
)

// Model is a D4 network: its configuration, its parameters and, once
// trained, how the training went.
type Model struct {
	Config Config

	Conv1W *tensor.Tensor // (F1, 1, K, K)
	Conv1B *tensor.Tensor // (F1)
	Conv2W *tensor.Tensor // (F2, F1, K, K)
	Conv2B *tensor.Tensor // (F2)
	FCW    *tensor.Tensor // (10, F2*7*7)
	FCB    *tensor.Tensor // (10)

	History         []Epoch // one entry per training epoch
	Seconds         float64 // wall time of Train, test evaluations included
	ImagesPerSecond float64 // training images per second of wall time spent in training steps
	SecondsTo98     float64 // wall time from the start of Train to the end of the first test evaluation (one per epoch) of at least 98% accuracy; 0 if none reached it
}

// Epoch records one pass over the training images.
type Epoch struct {
	Epoch        int     // 1 for the first
	Loss         float64 // mean cross-entropy of the epoch's training images, measured as they were trained on
	TestAccuracy float64 // fraction of the test images classified correctly after the epoch, in [0, 1]
}

// New returns an untrained model with PyTorch's default initialisation:
// every weight and bias of a layer drawn uniformly from
// [-1/sqrt(fan_in), 1/sqrt(fan_in)], where fan_in is the number of inputs
// of one output value, from a PCG generator seeded with cfg.Seed.
// New panics if cfg is not valid; check it with Validate first.
func New(cfg Config) *Model {
	if err := cfg.Validate(); err != nil {
		panic("cnn: New: " + err.Error())
	}
	a := archOf(cfg)
	c1, c2 := a.conv1(), a.conv2()
	m := &Model{
		Config: cfg,
		Conv1W: tensor.New(c1.Cout, c1.Cin, c1.K, c1.K),
		Conv1B: tensor.New(c1.Cout),
		Conv2W: tensor.New(c2.Cout, c2.Cin, c2.K, c2.K),
		Conv2B: tensor.New(c2.Cout),
		FCW:    tensor.New(Classes, a.flat()),
		FCB:    tensor.New(Classes),
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, initStream))
	fanIn := [6]int{c1.taps(), c1.taps(), c2.taps(), c2.taps(), a.flat(), a.flat()}
	for i, t := range m.tensors() {
		bound := 1 / math.Sqrt(float64(fanIn[i]))
		for j := range t.Data {
			t.Data[j] = float32((2*rng.Float64() - 1) * bound)
		}
	}
	return m
}

// The PCG stream numbers that keep initialisation and shuffling apart.
const (
	initStream    = 0x1d4_1417
	shuffleStream = 0x5_4bff1e
)

// tensors lists the parameters in their flat order.
func (m *Model) tensors() [6]*tensor.Tensor {
	return [6]*tensor.Tensor{m.Conv1W, m.Conv1B, m.Conv2W, m.Conv2B, m.FCW, m.FCB}
}

// params returns views of the model's parameter tensors.
// params panics if a tensor does not have its configured size.
func (m *Model) params() params[float32] {
	a := archOf(m.Config)
	ts := m.tensors()
	for i, s := range a.paramSizes() {
		if ts[i] == nil || len(ts[i].Data) != s {
			panic(fmt.Sprintf("cnn: model parameter %d has the wrong size for its config", i))
		}
	}
	return params[float32]{ts[0].Data, ts[1].Data, ts[2].Data, ts[3].Data, ts[4].Data, ts[5].Data}
}

// NumParams returns the number of weights and biases: 9,098 for the
// default configuration.
func (m *Model) NumParams() int { return archOf(m.Config).numParams() }

// Trace is one image's trip through D4, every stage as a tensor.
type Trace struct {
	Input   *tensor.Tensor // (1, 28, 28)
	Conv1   *tensor.Tensor // (F1, 28, 28) before ReLU
	ReLU1   *tensor.Tensor // (F1, 28, 28)
	Pool1   *tensor.Tensor // (F1, 14, 14)
	Conv2   *tensor.Tensor // (F2, 14, 14) before ReLU
	ReLU2   *tensor.Tensor // (F2, 14, 14)
	Pool2   *tensor.Tensor // (F2, 7, 7)
	Flatten *tensor.Tensor // (F2*49) pool2 in (C, H, W) order
	Logits  *tensor.Tensor // (10)
	Probs   *tensor.Tensor // (10) softmax of the logits
	Label   int            // the predicted digit, the index of the largest logit
}

// Forward runs one 28x28 image (pixels in [0, 1], row-major) through the
// model and returns every stage.
// Forward panics if img does not hold 784 values.
func (m *Model) Forward(img []float32) *Trace {
	if len(img) != Side*Side {
		panic(fmt.Sprintf("cnn: Forward of %d pixels, want %dx%d", len(img), Side, Side))
	}
	a := archOf(m.Config)
	k := kernelParamsOf(a, newParamMap(a), m.params())
	w := newFastWork[float32](a)
	w.setImage(a, 0, img)
	forwardFast(a, k, w, 1)
	c1, c2 := a.conv1(), a.conv2()
	p := c1.pad()
	// The training path's images are (H, W, C), pool1 with a border; the
	// trace's are PyTorch's (C, H, W).
	chw := func(hwc []float32, row, offset, c, h, w int) *tensor.Tensor {
		t := tensor.New(c, h, w)
		for y := range h {
			for x := range w {
				for ch := range c {
					t.Data[(ch*h+y)*w+x] = hwc[offset+y*row+x*c+ch]
				}
			}
		}
		return t
	}
	relu := func(t *tensor.Tensor) *tensor.Tensor {
		r := tensor.New(t.Shape...)
		reluForward(r.Data, t.Data)
		return r
	}
	s2 := c2.W + 2*p
	tr := &Trace{
		Input:  tensor.FromSlice(append([]float32(nil), img...), 1, Side, Side),
		Conv1:  chw(w.conv1, c1.W*c1.Cout, 0, c1.Cout, c1.H, c1.W),
		Pool1:  chw(slot(w.in2, 0), s2*c2.Cin, (p*s2+p)*c2.Cin, c2.Cin, c2.H, c2.W),
		Conv2:  chw(w.conv2, c2.W*c2.Cout, 0, c2.Cout, c2.H, c2.W),
		Pool2:  chw(slot(w.x, 0), (c2.W/2)*c2.Cout, 0, c2.Cout, c2.H/2, c2.W/2),
		Logits: tensor.FromSlice(append([]float32(nil), slot(w.logits, 0)[:Classes]...), Classes),
	}
	tr.ReLU1, tr.ReLU2 = relu(tr.Conv1), relu(tr.Conv2)
	tr.Flatten = tensor.FromSlice(append([]float32(nil), tr.Pool2.Data...), a.flat())
	tr.Probs = tensor.New(Classes)
	softmaxCrossEntropyForward(tr.Probs.Data, tr.Logits.Data, 0)
	tr.Label = predicted(tr.Logits.Data)
	return tr
}

// Predict returns the predicted digit of every image of set.
// Predict panics if the set's images are not 28x28.
func (m *Model) Predict(set *mnist.Set) []int {
	checkSet(set)
	a := archOf(m.Config)
	k := kernelParamsOf(a, newParamMap(a), m.params())
	var work [numShards]*fastWork[float32]
	for i := range work {
		work[i] = newFastWork[float32](a)
	}
	w := newWorkers()
	defer w.close()
	out := make([]int, set.N)
	predictInto(out, a, k, set, work, w)
	return out
}

// predictInto fills out with the predictions for set, sharding the images
// over work on the workers.
func predictInto(out []int, a arch, k *kernelParams[float32], set *mnist.Set, work [numShards]*fastWork[float32], w *workers) {
	w.run(func(s int) {
		x := work[s]
		lo, hi := shardRange(s, set.N)
		for at := lo; at < hi; at += chunkImages {
			n := min(chunkImages, hi-at)
			for i := range n {
				x.setImage(a, i, set.Image(at+i))
			}
			forwardFast(a, k, x, n)
			for i := range n {
				out[at+i] = predicted(slot(x.logits, i)[:Classes])
			}
		}
	})
}

// Accuracy returns the fraction of set's images whose digit the model
// predicts correctly, in [0, 1].
func (m *Model) Accuracy(set *mnist.Set) float64 {
	return accuracy(m.Predict(set), set.Labels)
}

func accuracy(pred []int, labels []uint8) float64 {
	if len(pred) == 0 {
		return 0
	}
	right := 0
	for i, p := range pred {
		if p == int(labels[i]) {
			right++
		}
	}
	return float64(right) / float64(len(pred))
}

// Confusion returns the confusion matrix of the model on set:
// Confusion(set)[label][predicted] counts the images of each true digit by
// the digit the model predicted.
func (m *Model) Confusion(set *mnist.Set) [Classes][Classes]int {
	var c [Classes][Classes]int
	for i, p := range m.Predict(set) {
		c[set.Labels[i]][p]++
	}
	return c
}

// checkSet panics unless set holds 28x28 images with a label each.
func checkSet(set *mnist.Set) {
	if err := setError("set", set); err != nil {
		panic("cnn: " + err.Error())
	}
}

// setError reports a set D4 cannot read.
func setError(name string, set *mnist.Set) error {
	switch {
	case set == nil:
		return fmt.Errorf("%s is missing", name)
	case set.Rows != Side || set.Cols != Side:
		return fmt.Errorf("%s has %dx%d images; D4 reads %dx%d", name, set.Rows, set.Cols, Side, Side)
	case len(set.Images) != set.N*Side*Side || len(set.Labels) != set.N:
		return fmt.Errorf("%s claims %d images but holds %d pixels and %d labels", name, set.N, len(set.Images), len(set.Labels))
	}
	for i, l := range set.Labels {
		if l >= Classes {
			return fmt.Errorf("%s: label %d of image %d is not a digit", name, l, i)
		}
	}
	return nil
}
