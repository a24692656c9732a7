package charcnn_test

import (
	"fmt"

	"tinynets/pkg/charcnn"
)

// A CNN trained on "hello world" writes it back from "h", one character
// at a time, each time seeing only the last Block characters.
func Example() {
	m, err := charcnn.Train(charcnn.DefaultConfig(), charcnn.DefaultText, nil)
	if err != nil {
		panic(err)
	}
	text, steps, err := m.GenerateText("h", 10)
	if err != nil {
		panic(err)
	}
	fmt.Println(text)
	fmt.Printf("vocabulary %q, %d layers, receptive field %d, %d params\n",
		m.Vocab.String(), m.Layers(), m.ReceptiveField(), m.NumParams())
	last := steps[len(steps)-1]
	window, _ := m.Vocab.Decode(last.Window)
	next, _ := m.Vocab.Decode([]int{last.Token})
	fmt.Printf("last step: window %q -> %q\n", window, next)
	// Output:
	// hello world
	// vocabulary "helo wrd", 3 layers, receptive field 8, 1848 params
	// last step: window "llo worl" -> "d"
}
