package cnn

import "fmt"

// Side is the height and width of D4's input image, and Classes the
// number of digits it tells apart.
const (
	Side    = 28
	Classes = 10
)

// arch is D4's shape for one configuration; every buffer size follows.
type arch struct {
	K, F1, F2 int
}

func archOf(c Config) arch { return arch{K: c.Kernel, F1: c.Filters1, F2: c.Filters2} }

// conv1 is 28x28x1 -> 28x28xF1 and conv2 is 14x14xF1 -> 14x14xF2.
func (a arch) conv1() convShape { return convShape{Cin: 1, Cout: a.F1, H: Side, W: Side, K: a.K} }
func (a arch) conv2() convShape {
	return convShape{Cin: a.F1, Cout: a.F2, H: Side / 2, W: Side / 2, K: a.K}
}

// flat is the length of pool2 read as one vector, the classifier's input.
func (a arch) flat() int { return a.F2 * (Side / 4) * (Side / 4) }

// paramSizes lists the sizes of conv1 w, b, conv2 w, b and fc w, b.
func (a arch) paramSizes() [6]int {
	c1, c2 := a.conv1(), a.conv2()
	return [6]int{c1.wSize(), c1.Cout, c2.wSize(), c2.Cout, Classes * a.flat(), Classes}
}

func (a arch) numParams() int {
	n := 0
	for _, s := range a.paramSizes() {
		n += s
	}
	return n
}

// params holds D4's parameters, or their gradients, as views into one flat
// buffer laid out in this order.
type params[T float] struct {
	conv1W []T // (F1, 1, K, K)
	conv1B []T // (F1)
	conv2W []T // (F2, F1, K, K)
	conv2B []T // (F2)
	fcW    []T // (10, F2*7*7)
	fcB    []T // (10)
}

// split returns views of flat, which must hold a.numParams() values.
func split[T float](a arch, flat []T) params[T] {
	if len(flat) != a.numParams() {
		panic(fmt.Sprintf("cnn: %d parameters for an architecture of %d", len(flat), a.numParams()))
	}
	var views [6][]T
	for i, s := range a.paramSizes() {
		views[i], flat = flat[:s:s], flat[s:]
	}
	return params[T]{views[0], views[1], views[2], views[3], views[4], views[5]}
}

// all lists the views in their flat order.
func (p params[T]) all() [6][]T { return [6][]T{p.conv1W, p.conv1B, p.conv2W, p.conv2B, p.fcW, p.fcB} }

// activations holds one image's trip through D4 on the reference path,
// every buffer the backward pass needs.
type activations[T float] struct {
	input  []T     // (1, 28, 28)
	conv1  []T     // (F1, 28, 28) before ReLU
	relu1  []T     // (F1, 28, 28)
	pool1  []T     // (F1, 14, 14)
	arg1   []int32 // (F1, 14, 14) index into relu1 of each kept max
	conv2  []T     // (F2, 14, 14) before ReLU
	relu2  []T     // (F2, 14, 14)
	pool2  []T     // (F2, 7, 7), flattened in (C, H, W) order it is the classifier's (F2*49) input
	arg2   []int32 // (F2, 7, 7)
	logits []T     // (10)
	probs  []T     // (10)
}

func newActivations[T float](a arch) *activations[T] {
	c1, c2 := a.conv1(), a.conv2()
	return &activations[T]{
		input:  make([]T, c1.inSize()),
		conv1:  make([]T, c1.outSize()),
		relu1:  make([]T, c1.outSize()),
		pool1:  make([]T, c2.inSize()),
		arg1:   make([]int32, c2.inSize()),
		conv2:  make([]T, c2.outSize()),
		relu2:  make([]T, c2.outSize()),
		pool2:  make([]T, a.flat()),
		arg2:   make([]int32, a.flat()),
		logits: make([]T, Classes),
		probs:  make([]T, Classes),
	}
}

// deltas holds the gradients of the loss with respect to one image's
// activations, the backward pass's scratch.
type deltas[T float] struct {
	logits []T // (10)
	pool2  []T // (F2, 7, 7)
	relu2  []T // (F2, 14, 14)
	conv2  []T // (F2, 14, 14)
	pool1  []T // (F1, 14, 14)
	relu1  []T // (F1, 28, 28)
	conv1  []T // (F1, 28, 28)
}

func newDeltas[T float](a arch) *deltas[T] {
	c1, c2 := a.conv1(), a.conv2()
	return &deltas[T]{
		logits: make([]T, Classes),
		pool2:  make([]T, a.flat()),
		relu2:  make([]T, c2.outSize()),
		conv2:  make([]T, c2.outSize()),
		pool1:  make([]T, c2.inSize()),
		relu1:  make([]T, c1.outSize()),
		conv1:  make([]T, c1.outSize()),
	}
}

// forward runs D4 on the image in x.input with the reference layers,
// filling every activation, and returns the cross-entropy loss for label
// (pass any digit if the label is unknown). This is the readable path; the
// training path (fastnet.go) is tested against it.
func forward[T float](a arch, p params[T], x *activations[T], label int) float64 {
	c1, c2 := a.conv1(), a.conv2()
	conv2dForward(x.conv1, x.input, p.conv1W, p.conv1B, c1)
	reluForward(x.relu1, x.conv1)
	maxPool2Forward(x.pool1, x.arg1, x.relu1, c1.Cout, c1.H, c1.W)
	conv2dForward(x.conv2, x.pool1, p.conv2W, p.conv2B, c2)
	reluForward(x.relu2, x.conv2)
	maxPool2Forward(x.pool2, x.arg2, x.relu2, c2.Cout, c2.H, c2.W)
	linearForward(x.logits, x.pool2, p.fcW, p.fcB)
	return softmaxCrossEntropyForward(x.probs, x.logits, label)
}

// backward adds into g the gradient of dLoss times the loss of the image
// that forward last ran through x, layer by layer in reverse. d is scratch.
func backward[T float](a arch, p, g params[T], x *activations[T], d *deltas[T], label int, dLoss T) {
	c1, c2 := a.conv1(), a.conv2()
	for _, buf := range [...][]T{d.logits, d.pool2, d.relu2, d.conv2, d.pool1, d.relu1, d.conv1} {
		clear(buf)
	}
	softmaxCrossEntropyBackward(d.logits, x.probs, label, dLoss)
	linearBackward(d.pool2, g.fcW, g.fcB, d.logits, x.pool2, p.fcW)
	maxPool2Backward(d.relu2, d.pool2, x.arg2)
	reluBackward(d.conv2, d.relu2, x.relu2)
	conv2dBackward(d.pool1, g.conv2W, g.conv2B, d.conv2, x.pool1, p.conv2W, c2)
	maxPool2Backward(d.relu1, d.pool1, x.arg1)
	reluBackward(d.conv1, d.relu1, x.relu1)
	conv2dBackward(nil, g.conv1W, g.conv1B, d.conv1, x.input, p.conv1W, c1)
}

// predicted returns the index of the largest logit (the first on a tie).
func predicted[T float](logits []T) int {
	best := 0
	for i, v := range logits {
		if v > logits[best] {
			best = i
		}
	}
	return best
}
