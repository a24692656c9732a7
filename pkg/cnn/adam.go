package cnn

import "math"

// adam is PyTorch's Adam optimiser (torch.optim.Adam, no weight decay,
// defaults beta1 0.9, beta2 0.999, eps 1e-8), step for step the same float32
// arithmetic as its single-tensor implementation.
type adam struct {
	beta1, beta2, eps float64
	m, v              []float32 // running means of the gradient and its square, as the parameters
	t                 int       // steps taken
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
	o.t++
	stepSize := float32(lr / (1 - math.Pow(o.beta1, float64(o.t))))
	bc2Sqrt := float32(math.Sqrt(1 - math.Pow(o.beta2, float64(o.t))))
	// Scalars are rounded to float32 from float64, as PyTorch passes them.
	b1, b2, eps := float32(o.beta1), float32(o.beta2), float32(o.eps)
	oneMinusB1, oneMinusB2 := float32(1-o.beta1), float32(1-o.beta2)
	m, v := o.m[:len(p)], o.v[:len(p)]
	grad = grad[:len(p)]
	for i, g := range grad {
		m[i] = m[i]*b1 + g*oneMinusB1
		v[i] = v[i]*b2 + oneMinusB2*g*g
		denom := float32(math.Sqrt(float64(v[i])))/bc2Sqrt + eps
		p[i] -= stepSize * (m[i] / denom)
	}
}
