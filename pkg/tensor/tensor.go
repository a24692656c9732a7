// Package tensor is the ground floor of the book: a shape and a flat,
// row-major (C-order) buffer of values, and a writer for NumPy's .npy format.
//
// Layouts follow PyTorch so that exported tensors load unchanged there:
// activations are (C, H, W), convolution weights (Cout, Cin, KH, KW) and
// linear weights (out, in). Shape mistakes are programmer errors and panic
// with a message that names both shapes.
package tensor

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// Array is what the notebook can show and save: a shape, a NumPy dtype and
// the values as float64 for drawing.
type Array interface {
	// Dims returns the shape, outermost dimension first.
	Dims() []int
	// DType returns the NumPy spelling of the element type, such as "float32".
	DType() string
	// Float64s returns the values in C order, converted to float64.
	Float64s() []float64
	// WriteNPY writes the array in NumPy's .npy format.
	WriteNPY(w io.Writer) error
}

// Tensor is a float32 array in C order.
type Tensor struct {
	Shape []int     // outermost first
	Data  []float32 // len(Data) == product of Shape
}

// New returns a zero tensor of the given shape.
// New panics if a dimension is negative.
func New(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, Size(shape))}
}

// FromSlice wraps data (not copied) in a tensor of the given shape.
// FromSlice panics if len(data) does not match the shape.
func FromSlice(data []float32, shape ...int) *Tensor {
	if len(data) != Size(shape) {
		panic(fmt.Sprintf("tensor: %d values do not fill shape %v (%d)", len(data), shape, Size(shape)))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}
}

// FromFloat64s copies data into a new float32 tensor of the given shape.
func FromFloat64s(data []float64, shape ...int) *Tensor {
	t := New(shape...)
	if len(data) != len(t.Data) {
		panic(fmt.Sprintf("tensor: %d values do not fill shape %v (%d)", len(data), shape, len(t.Data)))
	}
	for i, v := range data {
		t.Data[i] = float32(v)
	}
	return t
}

// Size is the number of elements of a shape.
// Size panics if a dimension is negative.
func Size(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return n
}

// Dims returns the shape.
func (t *Tensor) Dims() []int { return t.Shape }

// DType returns "float32".
func (t *Tensor) DType() string { return "float32" }

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// Float64s returns a float64 copy of the values.
func (t *Tensor) Float64s() []float64 {
	out := make([]float64, len(t.Data))
	for i, v := range t.Data {
		out[i] = float64(v)
	}
	return out
}

// Offset returns the flat index of a multi-index.
// Offset panics if the index has the wrong rank or is out of range.
func (t *Tensor) Offset(idx ...int) int {
	return offset(t.Shape, idx)
}

// At returns the value at a multi-index.
func (t *Tensor) At(idx ...int) float32 { return t.Data[offset(t.Shape, idx)] }

// Set stores v at a multi-index.
func (t *Tensor) Set(v float32, idx ...int) { t.Data[offset(t.Shape, idx)] = v }

// Reshape returns a tensor that shares t's data under a new shape.
// Reshape panics if the sizes differ.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	if Size(shape) != len(t.Data) {
		panic(fmt.Sprintf("tensor: cannot reshape %v into %v", t.Shape, shape))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: t.Data}
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// Slice returns the i-th sub-tensor along the first dimension, sharing data.
// Slice panics if t is a scalar or i is out of range.
func (t *Tensor) Slice(i int) *Tensor {
	if len(t.Shape) == 0 || i < 0 || i >= t.Shape[0] {
		panic(fmt.Sprintf("tensor: slice %d of shape %v", i, t.Shape))
	}
	inner := Size(t.Shape[1:])
	return &Tensor{Shape: append([]int(nil), t.Shape[1:]...), Data: t.Data[i*inner : (i+1)*inner]}
}

// MaxAbs returns the largest absolute value (0 for an empty tensor).
func (t *Tensor) MaxAbs() float64 {
	m := 0.0
	for _, v := range t.Data {
		m = math.Max(m, math.Abs(float64(v)))
	}
	return m
}

// ShapeString formats a shape as PyTorch prints it: (8, 28, 28).
func ShapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = fmt.Sprint(d)
	}
	if len(shape) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// Int64 is an int64 array in C order, for token ids.
type Int64 struct {
	Shape []int
	Data  []int64
}

// NewInt64 wraps data (not copied) in an int64 array of the given shape.
// NewInt64 panics if len(data) does not match the shape.
func NewInt64(data []int64, shape ...int) *Int64 {
	if len(data) != Size(shape) {
		panic(fmt.Sprintf("tensor: %d values do not fill shape %v", len(data), shape))
	}
	return &Int64{Shape: append([]int(nil), shape...), Data: data}
}

// Dims returns the shape.
func (t *Int64) Dims() []int { return t.Shape }

// DType returns "int64".
func (t *Int64) DType() string { return "int64" }

// Float64s returns the values as float64.
func (t *Int64) Float64s() []float64 {
	out := make([]float64, len(t.Data))
	for i, v := range t.Data {
		out[i] = float64(v)
	}
	return out
}

func offset(shape, idx []int) int {
	if len(idx) != len(shape) {
		panic(fmt.Sprintf("tensor: index %v has rank %d, shape %v has rank %d", idx, len(idx), shape, len(shape)))
	}
	off := 0
	for d, i := range idx {
		if i < 0 || i >= shape[d] {
			panic(fmt.Sprintf("tensor: index %v out of range for shape %v", idx, shape))
		}
		off = off*shape[d] + i
	}
	return off
}
