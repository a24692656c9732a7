package life

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// The binary form of a Model, all little-endian:
//
//	magic "life model v1\n"
//	config: Size, Filters, Hidden, Steps, Batch as int64; LR as float64;
//	        Seed as uint64; RolloutSteps as int64
//	losses: count uint32, then float64 each; FinalLoss, Seconds as float64
//	weights: count uint32, then float32 each (the net's flat buffer)
//	CRC-32 (IEEE) of everything before it, uint32
//
// Floats are stored as their bits, so a round trip is exact. The Check is
// not stored: UnmarshalBinary recomputes it from the weights.
const magic = "life model v1\n"

// MarshalBinary encodes the model: configuration, training record and
// every weight. It never returns an error.
func (m *Model) MarshalBinary() ([]byte, error) {
	b := []byte(magic)
	le := binary.LittleEndian
	c := m.Config
	for _, v := range []int{c.Size, c.Filters, c.Hidden, c.Steps, c.Batch} {
		b = le.AppendUint64(b, uint64(int64(v)))
	}
	b = le.AppendUint64(b, math.Float64bits(c.LR))
	b = le.AppendUint64(b, c.Seed)
	b = le.AppendUint64(b, uint64(int64(c.RolloutSteps)))
	b = le.AppendUint32(b, uint32(len(m.Losses)))
	for _, v := range m.Losses {
		b = le.AppendUint64(b, math.Float64bits(v))
	}
	b = le.AppendUint64(b, math.Float64bits(m.FinalLoss))
	b = le.AppendUint64(b, math.Float64bits(m.Seconds))
	b = le.AppendUint32(b, uint32(len(m.net.all)))
	for _, v := range m.net.all {
		b = le.AppendUint32(b, math.Float32bits(v))
	}
	return le.AppendUint32(b, crc32.ChecksumIEEE(b)), nil
}

// reader reads little-endian values and remembers the first shortfall.
type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return make([]byte, n)
	}
	if len(r.b) < n {
		r.err = errors.New("truncated")
		return make([]byte, n)
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

func (r *reader) u32() uint32  { return binary.LittleEndian.Uint32(r.take(4)) }
func (r *reader) u64() uint64  { return binary.LittleEndian.Uint64(r.take(8)) }
func (r *reader) f64() float64 { return math.Float64frombits(r.u64()) }

// int reads an int64 and checks that it fits comfortably in an int.
func (r *reader) int() int {
	v := int64(r.u64())
	if r.err == nil && (v < 0 || v > math.MaxInt32) {
		r.err = fmt.Errorf("config value %d out of range", v)
	}
	return int(v)
}

// count reads a uint32 count and checks that at least count*size bytes follow.
func (r *reader) count(size int) int {
	n := int(r.u32())
	if r.err == nil && n*size > len(r.b) {
		r.err = fmt.Errorf("count %d does not fit in the %d bytes left", n, len(r.b))
	}
	if r.err != nil {
		return 0
	}
	return n
}

// UnmarshalBinary decodes a model written by MarshalBinary and recomputes
// its Check. It returns an error, and leaves m unchanged, if data is
// truncated, corrupt or does not describe a valid model.
func (m *Model) UnmarshalBinary(data []byte) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("life: model data: "+format, args...)
	}
	if len(data) < len(magic)+4 || string(data[:len(magic)]) != magic {
		return fail("not a life model (bad header)")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return fail("checksum mismatch: the data is corrupt")
	}
	r := &reader{b: body[len(magic):]}
	var c Config
	c.Size, c.Filters, c.Hidden, c.Steps, c.Batch = r.int(), r.int(), r.int(), r.int(), r.int()
	c.LR = r.f64()
	c.Seed = r.u64()
	c.RolloutSteps = r.int()
	if r.err != nil {
		return fail("%v", r.err)
	}
	if err := c.Validate(); err != nil {
		return fail("%v", err)
	}
	losses := make([]float64, r.count(8))
	for i := range losses {
		losses[i] = r.f64()
	}
	final, secs := r.f64(), r.f64()
	n := newNet[float32](c.Filters, c.Hidden)
	if k := r.count(4); r.err == nil && k != len(n.all) {
		return fail("%d weights, want %d for this configuration", k, len(n.all))
	}
	for i := range n.all {
		n.all[i] = math.Float32frombits(r.u32())
	}
	if r.err != nil {
		return fail("%v", r.err)
	}
	if len(r.b) != 0 {
		return fail("%d unexpected bytes after the weights", len(r.b))
	}
	*m = Model{Config: c, Losses: losses, FinalLoss: final, Seconds: secs, net: n}
	m.Check = m.CheckNeighborhoods()
	return nil
}
