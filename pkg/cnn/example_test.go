package cnn_test

import (
	"fmt"

	"tinynets/pkg/cnn"
)

func ExampleModel_NumParams() {
	m := cnn.New(cnn.DefaultConfig())
	fmt.Println(m.NumParams(), "parameters; FC weights", m.FCW.Shape)
	// Output: 9098 parameters; FC weights [10 784]
}

func ExampleReceptiveField() {
	r := cnn.ReceptiveField(cnn.DefaultConfig())
	fmt.Println("one conv2 value reads", r.Conv2Inputs, "pool1 values")
	fmt.Printf("and sees %dx%d input pixels; a pool2 value sees %dx%d\n", r.Conv2Side, r.Conv2Side, r.Pool2Side, r.Pool2Side)
	fmt.Println("pool2 (3, 4) sees", r.Pool2(3, 4), "(x, y from the top left)")
	// Output:
	// one conv2 value reads 72 pool1 values
	// and sees 8x8 input pixels; a pool2 value sees 10x10
	// pool2 (3, 4) sees (13,9)-(23,19) (x, y from the top left)
}
