package life

import (
	"bytes"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"tinynets/pkg/srchash"
)

var (
	defaultOnce  sync.Once
	defaultModel *Model
	defaultErr   error
)

// trained returns the model trained with DefaultConfig, trained once for
// all tests (a few seconds).
func trained(t *testing.T) *Model {
	t.Helper()
	defaultOnce.Do(func() { defaultModel, defaultErr = Train(DefaultConfig(), nil) })
	if defaultErr != nil {
		t.Fatal(defaultErr)
	}
	return defaultModel
}

// TestDefaultLearnsRule: the defaults stop early with every one of the 512
// neighbourhoods right by the margin.
func TestDefaultLearnsRule(t *testing.T) {
	m := trained(t)
	if !m.Check.Passed() || m.Check.Wrong != 0 {
		t.Fatalf("after %d steps: %+v", len(m.Losses), m.Check)
	}
	if len(m.Losses) >= m.Config.Steps {
		t.Errorf("training used all %d steps; want an early stop", len(m.Losses))
	}
	if first, last := m.Losses[0], m.Losses[len(m.Losses)-1]; !(last < first/5) {
		t.Errorf("loss went from %v to %v", first, last)
	}
	if m.FinalLoss > 0.2 {
		t.Errorf("final loss over the 512 neighbourhoods %v", m.FinalLoss)
	}
	t.Logf("%d params, %d steps, %.1f s, %+v, final loss %.3g", m.NumParams(), len(m.Losses), m.Seconds, m.Check, m.FinalLoss)
}

// TestRollouts runs the trained model on its own thresholded output from
// every test pattern and compares each generation with the true rule.
func TestRollouts(t *testing.T) {
	m := trained(t)
	S, steps := m.Config.Size, m.Config.RolloutSteps
	for _, p := range Patterns(S) {
		frames := Rollout(m, p.Board, steps)
		if len(frames) != steps {
			t.Fatalf("%s: %d frames, want %d", p.Name, len(frames), steps)
		}
		truth := p.Board
		exact := 0
		for i, f := range frames {
			truth = TrueStep(truth, S)
			if !slices.Equal(f.Truth, truth) {
				t.Fatalf("%s: frame %d's truth is not the rule applied %d times", p.Name, i, i+1)
			}
			diff := 0
			for c := range f.Model {
				if f.Model[c] != f.Truth[c] {
					diff++
				}
			}
			if diff != f.Diff {
				t.Fatalf("%s: frame %d says %d cells differ, %d do", p.Name, i, f.Diff, diff)
			}
			if diff == 0 && exact == i {
				exact++
			}
		}
		if exact != steps {
			t.Errorf("%s: model matches the rule for %d of %d generations", p.Name, exact, steps)
		}
		t.Logf("%s: exact for %d of %d generations, final population %d", p.Name, exact, steps, population(frames[steps-1].Model))
	}
	// 4*32 = 128 generations take the glider once round the torus.
	if steps == 4*S {
		g := Patterns(S)[0].Board
		if !slices.Equal(Rollout(m, g, steps)[steps-1].Model, g) {
			t.Error("the model's glider did not come back round the torus")
		}
	}
}

// TestRolloutOtherSize: the CNN is the same at every cell, so it runs on a
// board of a size it was never trained on.
func TestRolloutOtherSize(t *testing.T) {
	m := trained(t)
	rng := rand.New(rand.NewPCG(9, 9))
	const S = 21
	b := make([]uint8, S*S)
	for i := range b {
		if rng.Float64() < 0.5 {
			b[i] = 1
		}
	}
	for i, f := range Rollout(m, b, 100) {
		if f.Diff != 0 {
			t.Fatalf("generation %d: %d cells differ", i+1, f.Diff)
		}
	}
}

// TestStepIsNeighborhoodwise checks the argument behind CheckNeighborhoods:
// the probability the model gives a cell of any board is, bit for bit, the
// probability it gives the centre of that cell's 3x3 neighbourhood.
func TestStepIsNeighborhoodwise(t *testing.T) {
	m := trained(t)
	rng := rand.New(rand.NewPCG(10, 10))
	const S = 16
	b := make([]uint8, S*S)
	for i := range b {
		b[i] = uint8(rng.IntN(2))
	}
	probs, next := m.Step(b)
	for y := range S {
		for x := range S {
			k := 0
			for i := range 9 {
				k |= int(b[wrap(y+i/3-1, S)*S+wrap(x+i%3-1, S)]) << i
			}
			p, _ := m.Step(Neighborhood(k))
			if p[4] != probs[y*S+x] {
				t.Fatalf("cell (%d, %d): %v on the board, %v on its neighbourhood", y, x, probs[y*S+x], p[4])
			}
			if (probs[y*S+x] > 0.5) != (next[y*S+x] == 1) {
				t.Fatalf("cell (%d, %d): probability %v thresholded to %d", y, x, probs[y*S+x], next[y*S+x])
			}
		}
	}
}

// TestUntrainedFails shows that the checks can fail: after one step the
// model is wrong on many neighbourhoods and its rollout leaves the rule.
func TestUntrainedFails(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Steps = 1
	m, err := Train(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Check.Wrong == 0 || m.Check.Passed() {
		t.Fatalf("an untrained model passed the check: %+v", m.Check)
	}
	frames := Rollout(m, Patterns(cfg.Size)[3].Board, 5)
	if frames[0].Diff == 0 {
		t.Fatal("an untrained model's first generation matches the rule")
	}
}

func TestNeighborhood(t *testing.T) {
	centre := Neighborhood(1 << 4)
	if !slices.Equal(centre, []uint8{0, 0, 0, 0, 1, 0, 0, 0, 0}) {
		t.Fatalf("Neighborhood(16) = %v", centre)
	}
	// Exactly 140 of the 512 neighbourhoods give a live centre:
	// born with 3 neighbours, C(8,3) = 56; survive with 2 or 3, C(8,2)+C(8,3) = 84.
	alive := 0
	for k := range 512 {
		alive += int(TrueStep(Neighborhood(k), 3)[4])
	}
	if alive != 140 {
		t.Fatalf("%d neighbourhoods give a live centre, want 140", alive)
	}
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Size: 17, Filters: 4, Hidden: 3, Steps: 30, Batch: 5, LR: 0.01, Seed: 3, RolloutSteps: 1}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var runs []*Model
	for _, procs := range []int{1, 2, 3, 1} {
		runtime.GOMAXPROCS(procs)
		m, err := Train(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, m)
	}
	for i, m := range runs[1:] {
		if !slices.Equal(m.net.all, runs[0].net.all) || !slices.Equal(m.Losses, runs[0].Losses) {
			t.Fatalf("run %d differs from run 0 (GOMAXPROCS 1, 2, 3, 1)", i+1)
		}
	}
	cfg.Seed++
	other, _ := Train(cfg, nil)
	if slices.Equal(other.net.all, runs[0].net.all) {
		t.Fatal("a different seed gave the same weights")
	}
}

func TestProgress(t *testing.T) {
	cfg := Config{Size: 17, Filters: 2, Hidden: 2, Steps: 250, Batch: 1, LR: 0.01, Seed: 1, RolloutSteps: 1}
	var calls [][2]int
	if _, err := Train(cfg, func(done, total int) { calls = append(calls, [2]int{done, total}) }); err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 || len(calls) > 101 || calls[len(calls)-1] != [2]int{250, 250} {
		t.Fatalf("progress calls %v", calls)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] <= calls[i-1][0] || calls[i][1] != 250 {
			t.Fatalf("progress went from %v to %v", calls[i-1], calls[i])
		}
	}
}

func TestValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		change func(*Config)
		key    string
	}{
		{func(c *Config) { c.Size = MinPatternSize - 1 }, "life.size"},
		{func(c *Config) { c.Filters = 0 }, "life.filters"},
		{func(c *Config) { c.Hidden = MaxHidden + 1 }, "life.hidden"},
		{func(c *Config) { c.Steps = 0 }, "life.steps"},
		{func(c *Config) { c.Batch = -2 }, "life.batch"},
		{func(c *Config) { c.LR = 2 }, "life.lr"},
		{func(c *Config) { c.LR = math.Inf(1) }, "life.lr"},
		{func(c *Config) { c.RolloutSteps = 0 }, "life.rolloutsteps"},
	} {
		c := DefaultConfig()
		tc.change(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("Validate() = %v, want an error naming %s", err, tc.key)
		}
		if _, err := Train(c, nil); err == nil {
			t.Errorf("Train accepted an invalid %s", tc.key)
		}
	}
}

func TestParams(t *testing.T) {
	m := trained(t)
	F, H := m.Config.Filters, m.Config.Hidden
	k := m.Kernels()
	if !slices.Equal(k.Shape, []int{F, 1, 3, 3}) {
		t.Fatalf("kernels have shape %v", k.Shape)
	}
	k.Data[0]++ // a copy: the model must not change
	if m.Kernels().Data[0] == k.Data[0] {
		t.Fatal("Kernels returned the model's own buffer")
	}
	total := 0
	want := [][]int{{F, 1, 3, 3}, {F}, {H, F, 1, 1}, {H}, {1, H, 1, 1}, {1}}
	for i, p := range m.Params() {
		if !slices.Equal(p.Value.Shape, want[i]) {
			t.Errorf("%s has shape %v, want %v", p.Name, p.Value.Shape, want[i])
		}
		total += p.Value.Len()
	}
	if total != m.NumParams() || m.NumParams() != 10*F+F*H+2*H+1 {
		t.Errorf("params add up to %d, NumParams %d", total, m.NumParams())
	}
}

func TestStepPanicsOnBadBoard(t *testing.T) {
	m := trained(t)
	for _, b := range [][]uint8{make([]uint8, 10), make([]uint8, 4), {0, 0, 0, 0, 3, 0, 0, 0, 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Step on %d cells did not panic", len(b))
				}
			}()
			m.Step(b)
		}()
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	m := trained(t)
	data, _ := m.MarshalBinary()
	var back Model
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	again, _ := back.MarshalBinary()
	if !bytes.Equal(data, again) {
		t.Fatal("marshal, unmarshal, marshal changed the bytes")
	}
	if back.Config != m.Config || back.Check != m.Check || back.Seconds != m.Seconds ||
		back.FinalLoss != m.FinalLoss || !slices.Equal(back.Losses, m.Losses) {
		t.Fatal("round trip changed the config, check or training record")
	}
	for i := range m.net.all {
		if math.Float32bits(m.net.all[i]) != math.Float32bits(back.net.all[i]) {
			t.Fatalf("weight %d changed", i)
		}
	}
	for _, bad := range [][]byte{
		nil,
		data[:len(data)-1],
		data[:len(magic)+10],
		append(slices.Clone(data), 0),
		func() []byte { d := slices.Clone(data); d[len(d)/2] ^= 4; return d }(),
		func() []byte { d := slices.Clone(data); d[1] = 'X'; return d }(),
	} {
		before := back
		if err := back.UnmarshalBinary(bad); err == nil {
			t.Errorf("UnmarshalBinary accepted %d corrupt bytes", len(bad))
		} else if !strings.HasPrefix(err.Error(), "life: model data") {
			t.Errorf("error %q does not say what was bad", err)
		}
		if back.net != before.net {
			t.Error("a failed UnmarshalBinary changed the model")
		}
	}
}

// TestCodeVersion recomputes the hash from the files on disk.
func TestCodeVersion(t *testing.T) {
	want, files, err := srchash.OnDisk(".", ".go")
	if err != nil {
		t.Fatal(err)
	}
	if got := CodeVersion(); got != want || files < 3 {
		t.Fatalf("CodeVersion() = %s, but the %d source files on disk hash to %s", got, files, want)
	}
}

// BenchmarkBoard measures one forward and backward pass of the default net
// on one 32 x 32 board, the unit of training work.
func BenchmarkBoard(b *testing.B) {
	cfg := DefaultConfig()
	n := newNet[float32](cfg.Filters, cfg.Hidden)
	initNet(n, rand.New(rand.NewPCG(1, 1)))
	g := newNet[float32](cfg.Filters, cfg.Hidden)
	tr := newTrace(n, cfg.Size)
	board := Patterns(cfg.Size)[3].Board
	next := TrueStep(board, cfg.Size)
	for b.Loop() {
		n.forward(tr, board)
		n.backward(g, tr, next, 1)
	}
}

// BenchmarkTrainDefault measures a whole default training, early stop
// included (run it with -benchtime 1x).
func BenchmarkTrainDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Train(DefaultConfig(), nil); err != nil {
			b.Fatal(err)
		}
	}
}
