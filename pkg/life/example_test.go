package life_test

import (
	"fmt"

	"tinynets/pkg/life"
)

func show(b []uint8, size int) {
	for y := range size {
		row := ""
		for _, c := range b[y*size : (y+1)*size] {
			row += string(".#"[c])
		}
		fmt.Println(row)
	}
}

// A blinker turns from horizontal to vertical and back: period 2.
func ExampleTrueStep() {
	const size = 5
	b := make([]uint8, size*size)
	b[2*size+1], b[2*size+2], b[2*size+3] = 1, 1, 1
	show(b, size)
	fmt.Println()
	show(life.TrueStep(b, size), size)
	// Output:
	// .....
	// .....
	// .###.
	// .....
	// .....
	//
	// .....
	// ..#..
	// ..#..
	// ..#..
	// .....
}

// The model's answer for a cell depends only on its 3x3 neighbourhood, so
// there are 512 cases to get right, and the rule sends 140 of them alive.
func ExampleNeighborhood() {
	alive := 0
	for k := range 512 {
		alive += int(life.TrueStep(life.Neighborhood(k), 3)[4])
	}
	fmt.Println(alive, "of 512 neighbourhoods give a live centre")
	// Output:
	// 140 of 512 neighbourhoods give a live centre
}
