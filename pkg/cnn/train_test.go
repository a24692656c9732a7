package cnn

import (
	"bytes"
	"math"
	"runtime"
	"strings"
	"testing"

	"tinynets/pkg/mnist"
)

// mnistSets loads the real MNIST sets once for the package's tests.
func mnistSets(t testing.TB) (train, test *mnist.Set) {
	t.Helper()
	train, err := benchData()
	if err != nil {
		t.Fatal(err)
	}
	test, err = testData()
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

// TestTrainIndependentOfCores trains on a few hundred images with one
// core and with two: the models must be the same bits.
func TestTrainIndependentOfCores(t *testing.T) {
	train, test := mnistSets(t)
	cfg := DefaultConfig()
	cfg.TrainImages, cfg.Epochs, cfg.Batch = 300, 2, 50
	var models [2][]byte
	var histories [2][]Epoch
	for i, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		m, err := Train(cfg, train, test.Head(200), nil)
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		models[i], histories[i] = paramBytes(m), m.History
	}
	if !bytes.Equal(models[0], models[1]) {
		t.Fatal("training with GOMAXPROCS 1 and 2 gave different parameters")
	}
	for e := range histories[0] {
		if histories[0][e] != histories[1][e] {
			t.Fatalf("epoch %d: %+v with one core, %+v with two", e+1, histories[0][e], histories[1][e])
		}
	}
	if bytes.Equal(models[0], paramBytes(New(cfg))) {
		t.Fatal("training left the initial parameters unchanged")
	}
}

// TestTrainSameBitsWithoutAssembly trains with the AVX2 kernels and with
// the Go loops: the two round and add alike, so the models must be the
// same bits, and a book built on a CPU without AVX2 shows the same numbers.
func TestTrainSameBitsWithoutAssembly(t *testing.T) {
	needAsm(t)
	train, test := mnistSets(t)
	cfg := DefaultConfig()
	cfg.TrainImages, cfg.Epochs, cfg.Batch = 300, 1, 50
	var models [2][]byte
	for i, asm := range []bool{true, false} {
		old := useAsm
		useAsm = asm
		m, err := Train(cfg, train, test.Head(100), nil)
		useAsm = old
		if err != nil {
			t.Fatal(err)
		}
		models[i] = paramBytes(m)
	}
	if !bytes.Equal(models[0], models[1]) {
		t.Fatal("training with the assembly kernels and with the Go loops gave different parameters")
	}
}

// paramBytes returns the bits of every parameter.
func paramBytes(m *Model) []byte {
	var b []byte
	for _, p := range m.params().all() {
		for _, v := range p {
			u := math.Float32bits(v)
			b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
		}
	}
	return b
}

// TestTrainLearns trains the default D4 for one epoch on 2,000 images
// (32 steps). Chance is 10% and the first loss ln(10) = 2.30; this run
// measured 71.8% on the first 2,000 test images and a mean training loss
// of 1.77, so the test asks for 60% and a loss under 2.1.
func TestTrainLearns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for a few seconds")
	}
	train, test := mnistSets(t)
	cfg := DefaultConfig()
	cfg.TrainImages, cfg.Epochs = 2000, 1
	var calls, last int
	m, err := Train(cfg, train, test.Head(2000), func(done, total int) {
		calls++
		if done != calls || total != 32 {
			t.Errorf("progress(%d, %d) on call %d, want total 32", done, total, calls)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if last != 32 || len(m.History) != 1 {
		t.Fatalf("progress ended at %d of 32 steps; history %+v", last, m.History)
	}
	h := m.History[0]
	t.Logf("1 epoch on 2000 images: loss %.3f, test accuracy %.4f, %.0f images/s", h.Loss, h.TestAccuracy, m.ImagesPerSecond)
	if h.TestAccuracy < 0.60 || h.Loss > 2.1 {
		t.Fatalf("after one epoch on 2000 images: loss %.3f, test accuracy %.3f; want under 2.1 and at least 0.60", h.Loss, h.TestAccuracy)
	}
	if acc := m.Accuracy(test.Head(2000)); acc != h.TestAccuracy {
		t.Fatalf("Accuracy %v after training, history says %v", acc, h.TestAccuracy)
	}
	if !(m.Seconds > 0 && m.ImagesPerSecond > 0) {
		t.Fatalf("Seconds %v, ImagesPerSecond %v", m.Seconds, m.ImagesPerSecond)
	}
	if m.SecondsTo98 != 0 { // one epoch on 2,000 images stays far below 98%
		t.Fatalf("SecondsTo98 = %v at test accuracy %v", m.SecondsTo98, h.TestAccuracy)
	}
	conf := m.Confusion(test.Head(2000))
	right, total := 0, 0
	for i := range conf {
		for j, c := range conf[i] {
			total += c
			if i == j {
				right += c
			}
		}
	}
	if total != 2000 || float64(right)/2000 != h.TestAccuracy {
		t.Fatalf("confusion matrix counts %d images, %d on the diagonal", total, right)
	}
}

// TestTrainDiverges trains with an absurd learning rate. The loss is
// computed in float64 from float32 logits, so it only turns Inf or NaN once
// the weights overflow float32; lower rates that still diverge (1 or 1e4)
// show as a huge but finite loss in the history.
func TestTrainDiverges(t *testing.T) {
	train, test := mnistSets(t)
	cfg := DefaultConfig()
	cfg.TrainImages, cfg.Batch, cfg.LR = 256, 32, 1e30
	_, err := Train(cfg, train, test.Head(10), nil)
	if err == nil {
		t.Fatal("training with learning rate 1e4 did not report divergence")
	}
	for _, want := range []string{"diverged", "epoch 1, step", "cnn.lr = 1e+30", "too high"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	train, test := mnistSets(t)
	small := &mnist.Set{Images: make([]float32, 2*16), Labels: []uint8{1, 2}, N: 2, Rows: 4, Cols: 4}
	cfg := DefaultConfig()
	cfg.TrainImages = 100
	for _, c := range []struct {
		name        string
		cfg         Config
		train, test *mnist.Set
		want        string
	}{
		{"bad config", Config{}, train, test, "cnn.filters1 = 0"},
		{"too few images", DefaultConfig(), train.Head(500), test, "cnn.train_images = 60000: the training set holds only 500"},
		{"not 28x28", cfg, small, test, "training set has 4x4 images"},
		{"no test set", cfg, train, nil, "test set is missing"},
	} {
		if _, err := Train(c.cfg, c.train, c.test, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one saying %q", c.name, err, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	for _, c := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Filters1 = 0 }, "cnn.filters1 = 0"},
		{func(c *Config) { c.Filters2 = 300 }, "cnn.filters2 = 300"},
		{func(c *Config) { c.Kernel = 4 }, "cnn.kernel = 4: must be odd"},
		{func(c *Config) { c.Kernel = 29 }, "cnn.kernel = 29"},
		{func(c *Config) { c.Epochs = 0 }, "cnn.epochs = 0"},
		{func(c *Config) { c.Batch = -1 }, "cnn.batch = -1"},
		{func(c *Config) { c.LR = 0 }, "cnn.lr = 0: must be a positive finite"},
		{func(c *Config) { c.LR = math.NaN() }, "cnn.lr = NaN"},
		{func(c *Config) { c.LR = math.Inf(1) }, "cnn.lr = +Inf"},
		{func(c *Config) { c.TrainImages = 60001 }, "cnn.train_images = 60001"},
	} {
		cfg := DefaultConfig()
		c.edit(&cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want one saying %q", err, c.want)
		}
	}
}

// TestTrainStepAllocatesNothing checks the steady state of training.
func TestTrainStepAllocatesNothing(t *testing.T) {
	train, _ := mnistSets(t)
	tr := newTrainer(New(DefaultConfig()), train)
	defer tr.close()
	batch := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	tr.step(batch, 1e-3)
	if n := testing.AllocsPerRun(3, func() { tr.step(batch, 1e-3) }); n != 0 {
		t.Fatalf("a training step allocates %v times", n)
	}
}
