package cnn

// This file runs D4 on the training path (fast.go): a chunk of up to
// chunkImages images goes through the convolutions one image at a time,
// then through the classifier together, so that the classifier's kernels
// see several images per pass. The parameters keep PyTorch's layouts
// (params, what Adam updates and Model stores); kernelParams rearranges
// them for the kernels after every step, and kernelGrads is the gradient
// in the kernels' layouts until it is put back into PyTorch's.
//
// Every image's arithmetic, and the order in which the gradients of a
// chunk's images add up, is the same whatever chunk or core the image
// lands on.

// chunkImages is how many images go through the classifier at once.
const chunkImages = 8

// kernelParams holds D4's parameters in the training path's layouts, as
// views into one flat buffer.
type kernelParams[T float] struct {
	flat       []T
	conv1W     []T // (K, K, 1, F1)
	conv1B     []T // (F1)
	conv2W     []T // (K, K, F1, F2)
	conv2WFlip []T // (K, K, F2, F1): conv2W turned by 180 degrees, in and out swapped, for conv2's input gradient
	conv2B     []T // (F2)
	fcWT       []T // (F2*49, 16): the classifier's weights transposed, inputs in (y, x, c) order, zero past column 10
	fcW        []T // (10, F2*49): the classifier's weights, inputs in (y, x, c) order
	fcB        []T // (16), zero past 10
}

func (a arch) kernelParamSizes() []int {
	c1, c2 := a.conv1(), a.conv2()
	return []int{c1.wSize(), c1.Cout, c2.wSize(), c2.wSize(), c2.Cout, a.flat() * classesPad, Classes * a.flat(), classesPad}
}

func newKernelParams[T float](a arch) *kernelParams[T] {
	k := new(kernelParams[T])
	k.flat = views(a.kernelParamSizes(), &k.conv1W, &k.conv1B, &k.conv2W, &k.conv2WFlip, &k.conv2B, &k.fcWT, &k.fcW, &k.fcB)
	return k
}

// kernelParamsOf returns p rearranged.
func kernelParamsOf[T float](a arch, m *paramMap, p params[T]) *kernelParams[T] {
	var flat []T
	for _, v := range p.all() {
		flat = append(flat, v...)
	}
	k := newKernelParams[T](a)
	k.load(m, flat, 0, len(flat))
	return k
}

// load copies the parameters flat[lo:hi] (in params order) to their
// places in k.
func (k *kernelParams[T]) load(m *paramMap, flat []T, lo, hi int) {
	for j := lo; j < hi; j++ {
		at := m.copies[j]
		k.flat[at[0]] = flat[j]
		if at[1] >= 0 {
			k.flat[at[1]] = flat[j]
		}
	}
}

// kernelGrads is a gradient of D4's parameters in the training path's
// layouts, as views into one flat buffer.
type kernelGrads[T float] struct {
	flat   []T
	conv1W []T // (K, K, 1, F1)
	conv1B []T // (F1)
	conv2W []T // (K, K, F1, F2)
	conv2B []T // (F2)
	fcWT   []T // (F2*49, 16)
	fcB    []T // (16)
}

func (a arch) kernelGradSizes() []int {
	c1, c2 := a.conv1(), a.conv2()
	return []int{c1.wSize(), c1.Cout, c2.wSize(), c2.Cout, a.flat() * classesPad, classesPad}
}

func newKernelGrads[T float](a arch) *kernelGrads[T] {
	g := new(kernelGrads[T])
	g.flat = views(a.kernelGradSizes(), &g.conv1W, &g.conv1B, &g.conv2W, &g.conv2B, &g.fcWT, &g.fcB)
	return g
}

// storeTo writes g into flat (params order).
func (g *kernelGrads[T]) storeTo(m *paramMap, flat []T) {
	for j, at := range m.grad[:len(flat)] {
		flat[j] = g.flat[at]
	}
}

// views allocates one buffer of the sizes added up and points each view
// at its piece, in order.
func views[T any](sizes []int, view ...*[]T) []T {
	n := 0
	for _, s := range sizes {
		n += s
	}
	flat := make([]T, n)
	rest := flat
	for i, v := range view {
		*v, rest = rest[:sizes[i]:sizes[i]], rest[sizes[i]:]
	}
	return flat
}

// fcIndex returns where input i of the classifier in PyTorch's (c, y, x)
// order of pool2 sits in the training path's (y, x, c) order.
func (a arch) fcIndex(i int) int {
	const cells = (Side / 4) * (Side / 4)
	return (i%cells)*a.F2 + i/cells
}

// paramMap says, for every parameter in params order, where its gradient
// sits in kernelGrads.flat and where its one or two copies sit in
// kernelParams.flat (the second -1 if there is one).
type paramMap struct {
	grad   []int32
	copies [][2]int32
}

func newParamMap(a arch) *paramMap {
	kk, f1, f2, flat := a.K, a.F1, a.F2, a.flat()
	m := &paramMap{grad: make([]int32, 0, a.numParams()), copies: make([][2]int32, 0, a.numParams())}
	// Offsets of the views in the flat buffers.
	offsets := func(sizes []int) []int {
		at, out := 0, make([]int, len(sizes))
		for i, s := range sizes {
			out[i], at = at, at+s
		}
		return out
	}
	kp, kg := offsets(a.kernelParamSizes()), offsets(a.kernelGradSizes())
	add := func(grad, copy0, copy1 int) {
		m.grad = append(m.grad, int32(grad))
		m.copies = append(m.copies, [2]int32{int32(copy0), int32(copy1)})
	}
	for f := range f1 { // conv1W (F1, 1, K, K)
		for t := range kk * kk {
			add(kg[0]+t*f1+f, kp[0]+t*f1+f, -1)
		}
	}
	for f := range f1 { // conv1B
		add(kg[1]+f, kp[1]+f, -1)
	}
	for co := range f2 { // conv2W (F2, F1, K, K)
		for ci := range f1 {
			for ky := range kk {
				for kx := range kk {
					at := ((ky*kk+kx)*f1+ci)*f2 + co
					flip := (((kk-1-ky)*kk+kk-1-kx)*f2+co)*f1 + ci
					add(kg[2]+at, kp[2]+at, kp[3]+flip)
				}
			}
		}
	}
	for f := range f2 { // conv2B
		add(kg[3]+f, kp[4]+f, -1)
	}
	for o := range Classes { // fcW (10, F2*49)
		for i := range flat {
			j := a.fcIndex(i)
			add(kg[4]+j*classesPad+o, kp[5]+j*classesPad+o, kp[6]+o*flat+j)
		}
	}
	for o := range Classes { // fcB
		add(kg[5]+o, kp[7]+o, -1)
	}
	return m
}

// fastWork holds a chunk's trip through D4 on the training path: what the
// backward pass needs of each image, and scratch. Borders stay zero: only
// the insides are ever written.
type fastWork[T float] struct {
	in1     []T     // (chunk, 28+2p, 28+2p): the images, p = K/2
	conv1   []T     // (28, 28, F1): one image's conv1, before ReLU
	win1    []int32 // (chunk, 14, 14, F1): which of each 2x2 block pool1 kept, -1 where the ReLU was off
	in2     []T     // (chunk, 14+2p, 14+2p, F1): pool1
	conv2   []T     // (14, 14, F2): one image's conv2, before ReLU
	win2    []int32 // (chunk, 7, 7, F2)
	x       []T     // (chunk, F2*49): pool2 in (y, x, c) order, the classifier's input
	logits  []T     // (chunk, 16): zero past column 10
	probs   []T     // (chunk, 10)
	dLogits []T     // (chunk, 16): zero past column 10
	dx      []T     // (chunk, F2*49)
	dConv2  []T     // (14+2p, 14+2p, F2)
	dPool1  []T     // (14, 14, F1)
	dConv1  []T     // (28+2p, 28+2p, F1)
	zeros   []T     // (max(F1, F2*49))
}

func newFastWork[T float](a arch) *fastWork[T] {
	c1, c2 := a.conv1(), a.conv2()
	p := c1.pad()
	s1, s2 := Side+2*p, Side/2+2*p
	return &fastWork[T]{
		in1:     make([]T, chunkImages*s1*s1),
		conv1:   make([]T, c1.outSize()),
		win1:    make([]int32, chunkImages*c2.inSize()),
		in2:     make([]T, chunkImages*s2*s2*c2.Cin),
		conv2:   make([]T, c2.outSize()),
		win2:    make([]int32, chunkImages*a.flat()),
		x:       make([]T, chunkImages*a.flat()),
		logits:  make([]T, chunkImages*classesPad),
		probs:   make([]T, chunkImages*Classes),
		dLogits: make([]T, chunkImages*classesPad),
		dx:      make([]T, chunkImages*a.flat()),
		dConv2:  make([]T, s2*s2*c2.Cout),
		dPool1:  make([]T, c2.inSize()),
		dConv1:  make([]T, s1*s1*c1.Cout),
		zeros:   make([]T, max(c1.Cout, a.flat())),
	}
}

// slot returns image i's piece of a buffer that holds chunkImages pieces.
func slot[E any](buf []E, i int) []E {
	n := len(buf) / chunkImages
	return buf[i*n : (i+1)*n : (i+1)*n]
}

// setImage puts a 28x28 image, row-major, into slot i of the chunk.
func (w *fastWork[T]) setImage(a arch, i int, img []T) {
	p := a.K / 2
	s1 := Side + 2*p
	in := slot(w.in1, i)
	for y := range Side {
		copy(in[(y+p)*s1+p:][:Side], img[y*Side:(y+1)*Side])
	}
}

// forwardFast runs the first n images of the chunk in w through D4,
// leaving in w what backwardFast needs and the logits.
func forwardFast[T float](a arch, k *kernelParams[T], w *fastWork[T], n int) {
	c1, c2 := a.conv1(), a.conv2()
	p := c1.pad()
	for i := range n {
		convForwardFast(w.conv1, slot(w.in1, i), k.conv1W, k.conv1B, c1)
		reluPoolForwardFast(slot(w.in2, i), p, slot(w.win1, i), w.conv1, c1.Cout, c1.H, c1.W)
		convForwardFast(w.conv2, slot(w.in2, i), k.conv2W, k.conv2B, c2)
		reluPoolForwardFast(slot(w.x, i), 0, slot(w.win2, i), w.conv2, c2.Cout, c2.H, c2.W)
	}
	linearForwardFast(w.logits[:n*classesPad], w.x[:n*a.flat()], k.fcWT, k.fcB, n, a.flat())
}

// lossFast returns the cross-entropy loss of image i of the chunk, whose
// logits forwardFast left, and fills its probabilities.
func (w *fastWork[T]) lossFast(i, label int) float64 {
	return softmaxCrossEntropyForward(slot(w.probs, i), slot(w.logits, i)[:Classes], label)
}

// backwardFast adds into g the gradient of the chunk's first n images,
// given the gradient of the loss with respect to their logits in
// w.dLogits, layer by layer in reverse and image after image.
func backwardFast[T float](a arch, k *kernelParams[T], g *kernelGrads[T], w *fastWork[T], n int) {
	c1, c2 := a.conv1(), a.conv2()
	p := c1.pad()
	linearBackwardFast(w.dx[:n*a.flat()], g.fcWT, g.fcB, w.dLogits[:n*classesPad], w.x[:n*a.flat()], k.fcW, w.zeros, n, a.flat())
	for i := range n {
		reluPoolBackwardFast(w.dConv2, p, g.conv2B, slot(w.dx, i), slot(w.win2, i), c2.Cout, c2.H, c2.W)
		convBackwardFast(w.dPool1, g.conv2W, w.dConv2, slot(w.in2, i), k.conv2WFlip, w.zeros, c2)
		reluPoolBackwardFast(w.dConv1, p, g.conv1B, w.dPool1, slot(w.win1, i), c1.Cout, c1.H, c1.W)
		convBackwardFast(nil, g.conv1W, w.dConv1, slot(w.in1, i), nil, nil, c1)
	}
}
