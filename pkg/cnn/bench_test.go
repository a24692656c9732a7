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
// backward and Adam) on a batch of 64 real MNIST images, on the kernels
// this CPU runs; BenchmarkTrainStepGo forces the portable Go loops.
func BenchmarkTrainStep(b *testing.B) { benchTrainStep(b) }

func BenchmarkTrainStepGo(b *testing.B) {
	defer func(old bool) { useAsm = old }(useAsm)
	useAsm = false
	benchTrainStep(b)
}

func benchTrainStep(b *testing.B) {
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

// BenchmarkPredict times the test-set evaluation that follows every epoch:
// the forward pass of 10,000 images.
func BenchmarkPredict(b *testing.B) {
	test, err := testData()
	if err != nil {
		b.Fatal(err)
	}
	m := New(DefaultConfig())
	b.ReportAllocs()
	for b.Loop() {
		m.Predict(test)
	}
	b.ReportMetric(float64(b.N*test.N)/b.Elapsed().Seconds(), "img/s")
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
	p := s.pad()
	inPad, dOutPad := hwcOf(in, s.Cin, s.H, s.W, p), hwcOf(dOut, s.Cout, s.H, s.W, p)
	wk, flip := kernelsOf(w, s)
	zeros := make([]float32, s.Cin)
	products := 1
	if backwardPass {
		products = 2
		if s.Cin == 1 {
			dIn, products = nil, 1
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		switch {
		case fast && backwardPass:
			convBackwardFast(dIn, dW, dOutPad, inPad, flip, zeros, s)
		case fast:
			convForwardFast(out, inPad, wk, bias, s)
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

// The classifier, for a chunk of images at once as in training.
func BenchmarkLinearForward(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, in = chunkImages, 784
	x, wT, bias, out := randomSlice(rng, n*in), randomSlice(rng, in*classesPad), randomSlice(rng, classesPad), make([]float32, n*classesPad)
	for b.Loop() {
		linearForwardFast(out, x, wT, bias, n, in)
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "img/s")
}

func BenchmarkLinearBackward(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, in = chunkImages, 784
	x, w, dOut := randomSlice(rng, n*in), randomSlice(rng, Classes*in), randomSlice(rng, n*classesPad)
	dX, dWT, dB, zeros := make([]float32, n*in), make([]float32, in*classesPad), make([]float32, classesPad), make([]float32, in)
	for b.Loop() {
		linearBackwardFast(dX, dWT, dB, dOut, x, w, zeros, n, in)
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "img/s")
}

// ReLU and pool after conv1, on the training path (one fused pass).
func BenchmarkReLUPoolForward(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := benchConv1
	in := randomSlice(rng, s.outSize())
	out, win := make([]float32, (s.H/2+2)*(s.W/2+2)*s.Cout), make([]int32, s.outSize()/4)
	for b.Loop() {
		reluPoolForwardFast(out, 1, win, in, s.Cout, s.H, s.W)
	}
}

func BenchmarkReLUPoolBackward(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := benchConv1
	in := randomSlice(rng, s.outSize())
	out, win := make([]float32, s.outSize()/4), make([]int32, s.outSize()/4)
	reluPoolForwardFast(out, 0, win, in, s.Cout, s.H, s.W)
	dOut, dIn, dB := randomSlice(rng, len(out)), make([]float32, (s.H+2)*(s.W+2)*s.Cout), make([]float32, s.Cout)
	for b.Loop() {
		reluPoolBackwardFast(dIn, 1, dB, dOut, win, s.Cout, s.H, s.W)
	}
}
