package cnn

import "math"

// adam is PyTorch's Adam optimiser (torch.optim.Adam, no weight decay,
// defaults beta1 0.9, beta2 0.999, eps 1e-8), step for step the same float32
// arithmetic as its single-tensor implementation.
type adam struct {
	beta1, beta2, eps float64
	m, v              []float32 // running means of the gradient and its square, as the parameters
	t                 int       // steps taken

	stepSize, bc2Sqrt float32 // this step's, set by begin
}

func newAdam(n int) *adam {
	return &adam{beta1: 0.9, beta2: 0.999, eps: 1e-8, m: make([]float32, n), v: make([]float32, n)}
}

// step moves every parameter against its gradient with learning rate lr:
//
//	m = beta1·m + (1-beta1)·g
//	v = beta2·v + (1-beta2)·g²
//	p -= lr/(1-beta1^t) · m / (sqrt(v)/sqrt(1-beta2^t) + eps)
func (o *adam) step(p, grad []float32, lr float64) {
	o.begin(lr)
	o.update(p, grad, 0, len(p))
}

// begin starts a step with learning rate lr; update then takes it for
// the parameters p[lo:hi], so that pieces of a step can run at once.
func (o *adam) begin(lr float64) {
	o.t++
	o.stepSize = float32(lr / (1 - math.Pow(o.beta1, float64(o.t))))
	o.bc2Sqrt = float32(math.Sqrt(1 - math.Pow(o.beta2, float64(o.t))))
}

func (o *adam) update(p, grad []float32, lo, hi int) {
	stepSize, bc2Sqrt := o.stepSize, o.bc2Sqrt
	// Scalars are rounded to float32 from float64, as PyTorch passes them.
	b1, b2, eps := float32(o.beta1), float32(o.beta2), float32(o.eps)
	oneMinusB1, oneMinusB2 := float32(1-o.beta1), float32(1-o.beta2)
	p = p[lo:hi]
	m, v := o.m[lo:hi], o.v[lo:hi]
	grad = grad[lo:hi]
	m, v = m[:len(p)], v[:len(p)]
	for i, g := range grad[:len(p)] {
		m[i] = m[i]*b1 + g*oneMinusB1
		v[i] = v[i]*b2 + oneMinusB2*g*g
		denom := float32(math.Sqrt(float64(v[i])))/bc2Sqrt + eps
		p[i] -= stepSize * (m[i] / denom)
	}
}
