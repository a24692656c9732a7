package life

import (
	"fmt"
	"math/rand/v2"
)

// A board is a size x size torus of cells, row-major, 1 for alive and 0 for
// dead: board[y*size+x]. Row y-1 of row 0 is row size-1, and likewise for
// columns, so patterns that leave one edge come back at the other.

// TrueStep returns the next generation of board under Conway's rule: a live
// cell with 2 or 3 live neighbours survives, a dead cell with exactly 3 is
// born, every other cell is dead.
// TrueStep panics if len(board) != size*size, size < 3 or a cell is not 0 or 1.
func TrueStep(board []uint8, size int) []uint8 {
	checkBoard(board, size)
	next := make([]uint8, len(board))
	for y := range size {
		for x := range size {
			n := 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if dy != 0 || dx != 0 {
						n += int(board[wrap(y+dy, size)*size+wrap(x+dx, size)])
					}
				}
			}
			if n == 3 || (n == 2 && board[y*size+x] == 1) {
				next[y*size+x] = 1
			}
		}
	}
	return next
}

// wrap maps i in [-size, 2*size) onto the torus [0, size).
func wrap(i, size int) int {
	if i < 0 {
		return i + size
	}
	if i >= size {
		return i - size
	}
	return i
}

func checkBoard(board []uint8, size int) {
	if size < 3 || len(board) != size*size {
		panic(fmt.Sprintf("life: board of %d cells is not %d x %d (size must be at least 3)", len(board), size, size))
	}
	for i, c := range board {
		if c > 1 {
			panic(fmt.Sprintf("life: cell %d is %d, not 0 or 1", i, c))
		}
	}
}

// Pattern is a named starting board.
type Pattern struct {
	Name  string
	Board []uint8 // size*size cells
}

// MinPatternSize is the smallest board Patterns accepts: the pulsar spans
// 15 x 15 cells in its widest phase and needs a dead ring around it so that
// it does not touch itself across the wrap.
const MinPatternSize = 17

// RandomPatternSeed and RandomPatternDensity fix the "random" pattern.
const (
	RandomPatternSeed    = 2024
	RandomPatternDensity = 0.35
)

// Patterns returns the test boards on a size x size torus: a glider heading
// down and to the right, a blinker (period 2), a pulsar (period 3) and a
// random board (RandomPatternDensity of the cells alive, drawn from
// RandomPatternSeed).
// Patterns panics if size < MinPatternSize.
func Patterns(size int) []Pattern {
	if size < MinPatternSize {
		panic(fmt.Sprintf("life: Patterns needs size >= %d, got %d", MinPatternSize, size))
	}
	place := func(rows []string, top, left int) []uint8 {
		b := make([]uint8, size*size)
		for y, row := range rows {
			for x, c := range row {
				if c == '#' {
					b[(top+y)*size+left+x] = 1
				}
			}
		}
		return b
	}
	glider := []string{
		".#.",
		"..#",
		"###",
	}
	blinker := []string{"###"}
	pulsar := []string{
		"..###...###..",
		".............",
		"#....#.#....#",
		"#....#.#....#",
		"#....#.#....#",
		"..###...###..",
		".............",
		"..###...###..",
		"#....#.#....#",
		"#....#.#....#",
		"#....#.#....#",
		".............",
		"..###...###..",
	}
	rng := rand.New(rand.NewPCG(RandomPatternSeed, 0))
	random := make([]uint8, size*size)
	for i := range random {
		if rng.Float64() < RandomPatternDensity {
			random[i] = 1
		}
	}
	mid := size / 2
	return []Pattern{
		{"glider", place(glider, 1, 1)},
		{"blinker", place(blinker, mid, mid-1)},
		{"pulsar", place(pulsar, mid-6, mid-6)},
		{"random", random},
	}
}
