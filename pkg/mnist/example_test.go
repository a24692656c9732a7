package mnist_test

import (
	"fmt"
	"log"

	"tinynets/pkg/mnist"
)

func ExampleLoad() {
	dir, err := mnist.DefaultDir()
	if err != nil {
		log.Fatal(err)
	}
	train, test, err := mnist.Load(dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.N, "training and", test.N, "test images of", test.Rows, "x", test.Cols)
	fmt.Println("the first test digit is a", test.Labels[0])
	// Output:
	// 60000 training and 10000 test images of 28 x 28
	// the first test digit is a 7
}
