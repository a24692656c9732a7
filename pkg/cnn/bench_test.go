package cnn

import (
	"math/rand/v2"
	"sync"
	"testing"

	"tinynets/pkg/mnist"
)

// loadMNIST reads the real MNIST sets once for the package's tests and
// benchmarks.
var loadMNIST = sync.OnceValues(func() ([2]*mnist.Set, error) {
	dir, err := mnist.DefaultDir()
	if err != nil {
		return [2]*mnist.Set{}, err
	}
	train, test, err := mnist.Load(dir)
	return [2]*mnist.Set{train, test}, err
})

func benchData() (*mnist.Set, error) { sets, err := loadMNIST(); return sets[0], err }
func testData() (*mnist.Set, error)  { sets, err := loadMNIST(); return sets[1], err }

// BenchmarkTrainStep times one training step of the default D4 (forward,
// backward and Adam) on a batch of 64 real MNIST images.
func BenchmarkTrainStep(b *testing.B) {
	train, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	cfg := DefaultConfig()
	t := newTrainer(New(cfg), train)
	defer t.close()
	batch := make([]int, cfg.Batch)
	for i := range batch {
		batch[i] = i
	}
	t.step(batch, cfg.LR) // warm up
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t.step(batch, cfg.LR)
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "img/s")
}

func randomSlice(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// benchConv benchmarks one image through a convolution of D4's default
// shape, the reference or the training path. As in training, conv1's
// backward pass computes no input gradient. GMAC/s counts the
// multiply-adds of the maths: one product forward, two backward (one).
func benchConv(b *testing.B, s convShape, fast, backwardPass bool) {
	rng := rand.New(rand.NewPCG(1, 2))
	in, w, bias := randomSlice(rng, s.inSize()), randomSlice(rng, s.wSize()), randomSlice(rng, s.Cout)
	out, dOut := make([]float32, s.outSize()), randomSlice(rng, s.outSize())
	dIn, dW, dB := make([]float32, s.inSize()), make([]float32, s.wSize()), make([]float32, s.Cout)
	col, dCol := make([]float32, s.colSize()), make([]float32, s.colSize())
	products := 1
	if backwardPass {
		products = 2
		if s.Cin == 1 {
			dIn, dCol, products = nil, nil, 1
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		switch {
		case fast && backwardPass:
			conv2dBackwardFast(dIn, dW, dB, dOut, w, col, dCol, s)
		case fast:
			conv2dForwardFast(out, in, w, bias, col, s)
		case backwardPass:
			conv2dBackward(dIn, dW, dB, dOut, in, w, s)
		default:
			conv2dForward(out, in, w, bias, s)
		}
	}
	b.ReportMetric(float64(b.N*products)*float64(s.outSize()*s.taps())/b.Elapsed().Seconds()/1e9, "GMAC/s")
}

var (
	benchConv1 = archOf(DefaultConfig()).conv1()
	benchConv2 = archOf(DefaultConfig()).conv2()
)

func BenchmarkConv1Forward(b *testing.B)     { benchConv(b, benchConv1, true, false) }
func BenchmarkConv1Backward(b *testing.B)    { benchConv(b, benchConv1, true, true) }
func BenchmarkConv2Forward(b *testing.B)     { benchConv(b, benchConv2, true, false) }
func BenchmarkConv2Backward(b *testing.B)    { benchConv(b, benchConv2, true, true) }
func BenchmarkConv2ForwardRef(b *testing.B)  { benchConv(b, benchConv2, false, false) }
func BenchmarkConv2BackwardRef(b *testing.B) { benchConv(b, benchConv2, false, true) }

func BenchmarkLinearForward(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	in, w, bias, out := randomSlice(rng, 784), randomSlice(rng, 7840), randomSlice(rng, 10), make([]float32, 10)
	for b.Loop() {
		linearForwardFast(out, in, w, bias)
	}
}

func BenchmarkLinearBackward(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	in, w, dOut := randomSlice(rng, 784), randomSlice(rng, 7840), randomSlice(rng, 10)
	dIn, dW, dB := make([]float32, 784), make([]float32, 7840), make([]float32, 10)
	for b.Loop() {
		linearBackwardFast(dIn, dW, dB, dOut, in, w)
	}
}

func BenchmarkReLUPoolForward(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := benchConv1
	in, relu := randomSlice(rng, s.outSize()), make([]float32, s.outSize())
	out, arg := make([]float32, s.outSize()/4), make([]int32, s.outSize()/4)
	for b.Loop() {
		reluForward(relu, in)
		maxPool2Forward(out, arg, relu, s.Cout, s.H, s.W)
	}
}

func BenchmarkReLUPoolBackward(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := benchConv1
	in, relu := randomSlice(rng, s.outSize()), make([]float32, s.outSize())
	out, arg := make([]float32, s.outSize()/4), make([]int32, s.outSize()/4)
	reluForward(relu, in)
	maxPool2Forward(out, arg, relu, s.Cout, s.H, s.W)
	dOut, dRelu, dIn := randomSlice(rng, len(out)), make([]float32, len(in)), make([]float32, len(in))
	for b.Loop() {
		clear(dRelu)
		maxPool2Backward(dRelu, dOut, arg)
		reluBackward(dIn, dRelu, relu)
	}
}
