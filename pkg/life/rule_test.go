package life

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// board draws rows of '#' (alive) and '.' (dead) at (top, left) on a size x size torus.
func board(size, top, left int, rows ...string) []uint8 {
	b := make([]uint8, size*size)
	for y, row := range rows {
		for x, c := range row {
			if c == '#' {
				b[((top+y)%size)*size+(left+x)%size] = 1
			}
		}
	}
	return b
}

// shifted moves every cell by (dy, dx) on the torus.
func shifted(b []uint8, size, dy, dx int) []uint8 {
	s := make([]uint8, len(b))
	for y := range size {
		for x := range size {
			s[((y+dy+size)%size)*size+(x+dx+size)%size] = b[y*size+x]
		}
	}
	return s
}

func run(b []uint8, size, steps int) []uint8 {
	for range steps {
		b = TrueStep(b, size)
	}
	return b
}

func population(b []uint8) int {
	n := 0
	for _, c := range b {
		n += int(c)
	}
	return n
}

func TestBlinker(t *testing.T) {
	const S = 8
	h := board(S, 3, 2, "###")
	v := board(S, 2, 3, "#", "#", "#")
	if got := TrueStep(h, S); !slices.Equal(got, v) {
		t.Fatal("a horizontal blinker did not turn vertical")
	}
	if got := run(h, S, 2); !slices.Equal(got, h) {
		t.Fatal("the blinker does not have period 2")
	}
	// Across the corner of the torus it blinks just the same.
	corner := board(S, 0, S-1, "###")
	if got := run(corner, S, 1); !slices.Equal(got, board(S, S-1, 0, "#", "#", "#")) {
		t.Fatal("a blinker across the edge did not turn vertical")
	}
}

func TestBlockIsStill(t *testing.T) {
	const S = 6
	b := board(S, S-1, S-1, "##", "##") // split over all four corners
	if !slices.Equal(TrueStep(b, S), b) {
		t.Fatal("a block across the corners changed")
	}
}

func TestGlider(t *testing.T) {
	const S = 10
	g := board(S, 1, 1, ".#.", "..#", "###")
	for k := 1; k < 4; k++ {
		if got := run(g, S, k); slices.Equal(got, shifted(g, S, 1, 1)) || population(got) != 5 {
			t.Fatalf("after %d steps: population %d (want 5, not yet moved)", k, population(got))
		}
	}
	// Every 4 steps it moves one cell down and one to the right ...
	if got := run(g, S, 4); !slices.Equal(got, shifted(g, S, 1, 1)) {
		t.Fatal("after 4 steps the glider is not one cell down and right")
	}
	// ... across the edges, so after 4*S steps it is back where it started.
	if got := run(g, S, 4*7); !slices.Equal(got, shifted(g, S, 7, 7)) {
		t.Fatal("after 28 steps the glider is not 7 cells on, across the edges")
	}
	if got := run(g, S, 4*S); !slices.Equal(got, g) {
		t.Fatal("after 4*S steps the glider did not come back round the torus")
	}
}

// TestTrueStepAgainstCounts compares TrueStep on random boards with an
// independent spelling of the rule: neighbour counts from eight shifted
// copies of the board.
func TestTrueStepAgainstCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, S := range []int{3, 4, 7, 16} {
		for range 20 {
			b := make([]uint8, S*S)
			density := rng.Float64()
			for i := range b {
				if rng.Float64() < density {
					b[i] = 1
				}
			}
			count := make([]int, S*S)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if dy == 0 && dx == 0 {
						continue
					}
					for i, c := range shifted(b, S, dy, dx) {
						count[i] += int(c)
					}
				}
			}
			next := TrueStep(b, S)
			for i := range b {
				alive := count[i] == 3 || (count[i] == 2 && b[i] == 1)
				if alive != (next[i] == 1) {
					t.Fatalf("size %d cell %d: alive %v with %d neighbours, TrueStep says %d", S, i, b[i] == 1, count[i], next[i])
				}
			}
		}
	}
}

func TestPatterns(t *testing.T) {
	for _, S := range []int{MinPatternSize, 32} {
		ps := Patterns(S)
		names := []string{}
		for _, p := range ps {
			names = append(names, p.Name)
			if len(p.Board) != S*S || population(p.Board) == 0 {
				t.Fatalf("%s: %d cells, population %d", p.Name, len(p.Board), population(p.Board))
			}
		}
		if !slices.Equal(names, []string{"glider", "blinker", "pulsar", "random"}) {
			t.Fatalf("patterns %v", names)
		}
		glider, blinker, pulsar, random := ps[0].Board, ps[1].Board, ps[2].Board, ps[3].Board
		if !slices.Equal(run(glider, S, 4), shifted(glider, S, 1, 1)) {
			t.Errorf("size %d: the glider does not glide", S)
		}
		if !slices.Equal(run(blinker, S, 2), blinker) || slices.Equal(run(blinker, S, 1), blinker) {
			t.Errorf("size %d: the blinker does not have period 2", S)
		}
		if population(pulsar) != 48 || !slices.Equal(run(pulsar, S, 3), pulsar) ||
			slices.Equal(run(pulsar, S, 1), pulsar) || slices.Equal(run(pulsar, S, 2), pulsar) {
			t.Errorf("size %d: the pulsar (population %d) does not have period 3", S, population(pulsar))
		}
		if d := float64(population(random)) / float64(S*S); d < 0.25 || d > 0.45 {
			t.Errorf("size %d: random board density %.2f, want about %.2f", S, d, RandomPatternDensity)
		}
	}
	if !slices.Equal(Patterns(32)[3].Board, Patterns(32)[3].Board) {
		t.Error("the random pattern is not reproducible")
	}
	defer func() {
		if recover() == nil {
			t.Error("Patterns(MinPatternSize-1) did not panic")
		}
	}()
	Patterns(MinPatternSize - 1)
}

// TestPulsarOnSmallestTorus checks that on the smallest allowed torus the
// pulsar behaves as on a much larger one: it never touches itself across
// the wrap.
func TestPulsarOnSmallestTorus(t *testing.T) {
	const S, big, off = MinPatternSize, 40, 10
	small := Patterns(S)[2].Board
	large := make([]uint8, big*big)
	for y := range S {
		for x := range S {
			large[(y+off)*big+x+off] = small[y*S+x]
		}
	}
	for step := range 6 {
		small, large = TrueStep(small, S), TrueStep(large, big)
		if population(small) != population(large) {
			t.Fatalf("step %d: population %d on the %dx%d torus, %d on the plane", step+1, population(small), S, S, population(large))
		}
		for y := range S {
			for x := range S {
				if small[y*S+x] != large[(y+off)*big+x+off] {
					t.Fatalf("step %d: cell (%d, %d) differs from the plane", step+1, y, x)
				}
			}
		}
	}
}

func TestTrueStepPanics(t *testing.T) {
	for _, tc := range []struct {
		b    []uint8
		size int
	}{
		{make([]uint8, 10), 3}, {make([]uint8, 4), 2}, {[]uint8{0, 0, 0, 0, 2, 0, 0, 0, 0}, 3},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("TrueStep(%v, %d) did not panic", tc.b, tc.size)
				}
			}()
			TrueStep(tc.b, tc.size)
		}()
	}
}
