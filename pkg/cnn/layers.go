package cnn

import (
	"fmt"
	"math"
)

// This file holds D4's layers as pairs of plain functions, forward beside
// backward, in their readable reference form: the loops a reader checks
// against the maths. The training path (fast.go) computes the same values
// faster and is tested against these.
//
// Conventions, as in llm.c: buffers are flat slices in PyTorch's layouts,
// each forward overwrites its output, and each backward ADDS the gradients
// it produces (dIn, dW, dB) into its arguments, so the gradients of a batch
// accumulate image after image; callers clear them first.

// float is the element type of the layers: float32 for training, float64
// for the finite-difference gradient checks.
type float interface{ ~float32 | ~float64 }

// convShape is the shape of a same-padding, stride-1 convolution:
// in is (Cin, H, W), out is (Cout, H, W), w is (Cout, Cin, K, K).
type convShape struct {
	Cin, Cout, H, W, K int
}

func (s convShape) pad() int     { return s.K / 2 }
func (s convShape) inSize() int  { return s.Cin * s.H * s.W }
func (s convShape) outSize() int { return s.Cout * s.H * s.W }
func (s convShape) taps() int    { return s.Cin * s.K * s.K } // inputs per output value
func (s convShape) wSize() int   { return s.Cout * s.taps() }
func (s convShape) String() string {
	return fmt.Sprintf("conv %dx%d, %d->%d channels, %dx%d pixels", s.K, s.K, s.Cin, s.Cout, s.H, s.W)
}

// check panics unless the buffers have the lengths of shape s; nil buffers
// are not checked.
func (s convShape) check(out, in, w, b int) {
	if s.K%2 != 1 {
		panic(fmt.Sprintf("cnn: %v: kernel side must be odd for same padding", s))
	}
	for _, c := range [...]struct {
		name      string
		got, want int
	}{{"out", out, s.outSize()}, {"in", in, s.inSize()}, {"w", w, s.wSize()}, {"b", b, s.Cout}} {
		if c.got >= 0 && c.got != c.want {
			panic(fmt.Sprintf("cnn: %v: %s has %d values, want %d", s, c.name, c.got, c.want))
		}
	}
}

// length returns len(x), or -1 for nil so that check skips it.
func length[T any](x []T) int {
	if x == nil {
		return -1
	}
	return len(x)
}

// conv2dForward computes a same-padding, stride-1 convolution (PyTorch's
// Conv2d, a cross-correlation): every output value is its filter's bias
// plus the weighted sum of the K*K*Cin inputs under the kernel, with zeros
// outside the image.
//
// out is (Cout, H, W), in is (Cin, H, W), w is (Cout, Cin, K, K), b is (Cout).
func conv2dForward[T float](out, in, w, b []T, s convShape) {
	s.check(len(out), len(in), len(w), len(b))
	pad := s.pad()
	for co := range s.Cout {
		for y := range s.H {
			for x := range s.W {
				sum := b[co]
				for ci := range s.Cin {
					for ky := range s.K {
						for kx := range s.K {
							iy, ix := y+ky-pad, x+kx-pad
							if iy < 0 || iy >= s.H || ix < 0 || ix >= s.W {
								continue // zero padding
							}
							sum += w[((co*s.Cin+ci)*s.K+ky)*s.K+kx] * in[(ci*s.H+iy)*s.W+ix]
						}
					}
				}
				out[(co*s.H+y)*s.W+x] = sum
			}
		}
	}
}

// conv2dBackward adds the gradients of the loss with respect to the
// convolution's input, weights and bias into dIn, dW and dB, given dOut,
// the gradient with respect to its output. dIn may be nil (the first layer
// needs no gradient for the image).
//
// dIn and in are (Cin, H, W), dW and w are (Cout, Cin, K, K), dB is (Cout),
// dOut is (Cout, H, W).
func conv2dBackward[T float](dIn, dW, dB, dOut, in, w []T, s convShape) {
	s.check(len(dOut), len(in), len(w), len(dB))
	s.check(-1, length(dIn), len(dW), -1)
	pad := s.pad()
	for co := range s.Cout {
		for y := range s.H {
			for x := range s.W {
				g := dOut[(co*s.H+y)*s.W+x]
				dB[co] += g
				for ci := range s.Cin {
					for ky := range s.K {
						for kx := range s.K {
							iy, ix := y+ky-pad, x+kx-pad
							if iy < 0 || iy >= s.H || ix < 0 || ix >= s.W {
								continue
							}
							wi := ((co*s.Cin+ci)*s.K+ky)*s.K + kx
							ii := (ci*s.H+iy)*s.W + ix
							dW[wi] += g * in[ii]
							if dIn != nil {
								dIn[ii] += g * w[wi]
							}
						}
					}
				}
			}
		}
	}
}

// reluForward computes out = max(in, 0); a NaN stays NaN, so that a
// diverging run shows in its loss. out and in have the same shape.
func reluForward[T float](out, in []T) {
	if len(out) != len(in) {
		panic(fmt.Sprintf("cnn: relu of %d values into %d", len(in), len(out)))
	}
	out = out[:len(in)]
	for i, v := range in {
		if v <= 0 {
			v = 0
		}
		out[i] = v
	}
}

// reluBackward adds dOut into dIn where the ReLU let its input through
// (out > 0, as PyTorch decides); elsewhere the gradient is zero.
// dIn, dOut and out have the same shape.
func reluBackward[T float](dIn, dOut, out []T) {
	if len(dIn) != len(out) || len(dOut) != len(out) {
		panic(fmt.Sprintf("cnn: relu backward of %d values with dIn %d and dOut %d", len(out), len(dIn), len(dOut)))
	}
	for i, v := range out {
		if v > 0 {
			dIn[i] += dOut[i]
		}
	}
}

// maxPool2Forward keeps the largest of every 2x2 block (stride 2, an odd
// last row or column is dropped, as in PyTorch) and records in argmax the
// index into in of the value it kept; a tie keeps the first in row order.
//
// out and argmax are (C, H/2, W/2), in is (C, H, W).
func maxPool2Forward[T float](out []T, argmax []int32, in []T, c, h, w int) {
	oh, ow := h/2, w/2
	if len(in) != c*h*w || len(out) != c*oh*ow || len(argmax) != len(out) {
		panic(fmt.Sprintf("cnn: 2x2 max pool of (%d, %d, %d) with in %d, out %d, argmax %d values", c, h, w, len(in), len(out), len(argmax)))
	}
	for ch := range c {
		for y := range oh {
			top := (ch*h + 2*y) * w // index in in of the block row's first value
			row0 := in[top : top+w]
			row1 := in[top+w : top+2*w]
			o := (ch*oh + y) * ow
			for x := range ow {
				best, at := row0[2*x], top+2*x
				if v := row0[2*x+1]; v > best {
					best, at = v, top+2*x+1
				}
				if v := row1[2*x]; v > best {
					best, at = v, top+w+2*x
				}
				if v := row1[2*x+1]; v > best {
					best, at = v, top+w+2*x+1
				}
				out[o+x] = best
				argmax[o+x] = int32(at)
			}
		}
	}
}

// maxPool2Backward routes each output's gradient to the input that won the
// max: dIn[argmax[i]] += dOut[i]. The other three inputs of a block get none.
//
// dIn is (C, H, W), dOut and argmax are (C, H/2, W/2).
func maxPool2Backward[T float](dIn, dOut []T, argmax []int32) {
	if len(dOut) != len(argmax) || 4*len(dOut) > len(dIn) {
		panic(fmt.Sprintf("cnn: max pool backward of %d outputs (argmax %d) into %d inputs", len(dOut), len(argmax), len(dIn)))
	}
	for i, g := range dOut {
		dIn[argmax[i]] += g
	}
}

// linearForward computes a fully connected layer, out = w·in + b.
//
// out is (Out), in is (In), w is (Out, In), b is (Out).
func linearForward[T float](out, in, w, b []T) {
	checkLinear(len(out), len(in), len(w), len(b))
	for o := range out {
		sum := b[o]
		for i, x := range in {
			sum += w[o*len(in)+i] * x
		}
		out[o] = sum
	}
}

// linearBackward adds the gradients with respect to the layer's input,
// weights and bias into dIn, dW and dB, given dOut.
//
// dIn and in are (In), dW and w are (Out, In), dB and dOut are (Out).
func linearBackward[T float](dIn, dW, dB, dOut, in, w []T) {
	checkLinear(len(dOut), len(in), len(w), len(dB))
	checkLinear(len(dOut), len(dIn), len(dW), len(dB))
	for o, g := range dOut {
		dB[o] += g
		for i, x := range in {
			dW[o*len(in)+i] += g * x
			dIn[i] += g * w[o*len(in)+i]
		}
	}
}

func checkLinear(out, in, w, b int) {
	if w != out*in || b != out {
		panic(fmt.Sprintf("cnn: linear layer %d -> %d with w %d and b %d values, want %d and %d", in, out, w, b, out*in, out))
	}
}

// softmaxCrossEntropyForward turns logits into probabilities,
// probs = exp(logits) / sum(exp(logits)), and returns the cross-entropy
// loss of the true label, -log probs[label], computed as
// log(sum(exp(logits - max))) - (logits[label] - max) so that it neither
// overflows nor takes the log of an underflowed zero.
//
// probs and logits are (Classes).
func softmaxCrossEntropyForward[T float](probs, logits []T, label int) (loss float64) {
	if len(probs) != len(logits) || label < 0 || label >= len(logits) {
		panic(fmt.Sprintf("cnn: softmax of %d logits into %d with label %d", len(logits), len(probs), label))
	}
	top := logits[0]
	for _, v := range logits {
		top = max(top, v)
	}
	sum := 0.0
	for _, v := range logits {
		sum += math.Exp(float64(v - top))
	}
	for i, v := range logits {
		probs[i] = T(math.Exp(float64(v-top)) / sum)
	}
	return math.Log(sum) - float64(logits[label]-top)
}

// softmaxCrossEntropyBackward adds the gradient of dLoss·loss with respect
// to the logits into dLogits: dLoss·(probs - onehot(label)). For the mean
// loss of a batch of n images, dLoss is 1/n.
//
// dLogits and probs are (Classes).
func softmaxCrossEntropyBackward[T float](dLogits, probs []T, label int, dLoss T) {
	if len(dLogits) != len(probs) || label < 0 || label >= len(probs) {
		panic(fmt.Sprintf("cnn: softmax backward of %d probabilities into %d with label %d", len(probs), len(dLogits), label))
	}
	for i, p := range probs {
		if i == label {
			p--
		}
		dLogits[i] += dLoss * p
	}
}
