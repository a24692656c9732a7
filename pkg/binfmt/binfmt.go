// Package binfmt reads the little-endian records in which the models save
// themselves (for the cache). A Reader remembers its first fault, so a
// decoder reads a whole record and checks Err once, instead of after every
// value; once it has failed it returns zeros.
package binfmt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Reader reads little-endian values from a byte slice.
type Reader struct {
	b   []byte
	err error
}

// NewReader returns a Reader of b.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Err returns the first fault: "truncated", a value out of range or a
// count that cannot fit in what is left.
func (r *Reader) Err() error { return r.err }

// Left returns how many bytes are not read yet.
func (r *Reader) Left() int { return len(r.b) }

func (r *Reader) take(n int) []byte {
	if r.err == nil && len(r.b) < n {
		r.err = errors.New("truncated")
	}
	if r.err != nil {
		return make([]byte, n)
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

// U32 reads a uint32.
func (r *Reader) U32() uint32 { return binary.LittleEndian.Uint32(r.take(4)) }

// U64 reads a uint64.
func (r *Reader) U64() uint64 { return binary.LittleEndian.Uint64(r.take(8)) }

// F32 reads a float32.
func (r *Reader) F32() float32 { return math.Float32frombits(r.U32()) }

// F64 reads a float64.
func (r *Reader) F64() float64 { return math.Float64frombits(r.U64()) }

// Int reads an int64 that must lie in [0, MaxInt32], as every size and
// setting of the models does.
func (r *Reader) Int() int {
	v := int64(r.U64())
	if r.err == nil && (v < 0 || v > math.MaxInt32) {
		r.err = fmt.Errorf("value %d out of range", v)
	}
	if r.err != nil {
		return 0
	}
	return int(v)
}

// Count reads a uint32 count of items of size bytes each and checks that
// that many bytes follow, so a corrupt count never makes a huge allocation.
func (r *Reader) Count(size int) int {
	n := int(r.U32())
	if r.err == nil && n*size > len(r.b) {
		r.err = fmt.Errorf("count %d does not fit in the %d bytes left", n, len(r.b))
	}
	if r.err != nil {
		return 0
	}
	return n
}
