package cnn

import (
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"sync"
	"tinynets/pkg/binfmt"

	"tinynets/pkg/srchash"
	"tinynets/pkg/tensor"
)

// The binary form of a model, all little-endian:
//
//	magic "tinynets D4 cnn\n", uint32 format version
//	config: Filters1, Filters2, Kernel, Epochs, Batch (int64), LR (float64), Seed (uint64), TrainImages (int64)
//	6 tensors in the order Conv1W, Conv1B, Conv2W, Conv2B, FCW, FCB: uint32 rank, rank uint32 dims, float32 values
//	uint32 epochs, then per epoch: Epoch (int64), Loss, TestAccuracy (float64)
//	Seconds, ImagesPerSecond (float64)
//	SecondsTo98 (float64; from version 2 on)
//	CRC-32 (IEEE) of everything before it
const (
	binaryMagic   = "tinynets D4 cnn\n"
	binaryVersion = 2
)

// MarshalBinary encodes the model exactly, every float bit for bit.
func (m *Model) MarshalBinary() ([]byte, error) {
	m.params() // panics on tensors that do not fit the config
	b := append([]byte(binaryMagic), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[len(binaryMagic):], binaryVersion)
	c := m.Config
	for _, v := range []int{c.Filters1, c.Filters2, c.Kernel, c.Epochs, c.Batch} {
		b = binary.LittleEndian.AppendUint64(b, uint64(int64(v)))
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(c.LR))
	b = binary.LittleEndian.AppendUint64(b, c.Seed)
	b = binary.LittleEndian.AppendUint64(b, uint64(int64(c.TrainImages)))
	for _, t := range m.tensors() {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(t.Shape)))
		for _, d := range t.Shape {
			b = binary.LittleEndian.AppendUint32(b, uint32(d))
		}
		for _, v := range t.Data {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(m.History)))
	for _, e := range m.History {
		b = binary.LittleEndian.AppendUint64(b, uint64(int64(e.Epoch)))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.Loss))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.TestAccuracy))
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(m.Seconds))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(m.ImagesPerSecond))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(m.SecondsTo98))
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)), nil
}

// UnmarshalBinary decodes a model written by MarshalBinary, or by the
// version before (which has no SecondsTo98). It returns an error, and
// leaves m unchanged, if data is truncated, corrupt, of another format
// version, or describes an invalid model.
func (m *Model) UnmarshalBinary(data []byte) error {
	if len(data) < len(binaryMagic)+8 || string(data[:len(binaryMagic)]) != binaryMagic {
		return errors.New("cnn: not a D4 model (bad magic)")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return errors.New("cnn: D4 model data is corrupt or truncated (checksum mismatch)")
	}
	r := binfmt.NewReader(body[len(binaryMagic):])
	version := r.U32()
	if version != 1 && version != binaryVersion {
		return fmt.Errorf("cnn: D4 model format version %d, this code reads versions 1 and %d", version, binaryVersion)
	}
	var out Model
	c := &out.Config
	for _, p := range []*int{&c.Filters1, &c.Filters2, &c.Kernel, &c.Epochs, &c.Batch} {
		*p = r.Int()
	}
	c.LR = r.F64()
	c.Seed = r.U64()
	c.TrainImages = r.Int()
	if r.Err() != nil {
		return fmt.Errorf("cnn: D4 model data: %w", r.Err())
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("cnn: D4 model holds an invalid config: %w", err)
	}
	a := archOf(*c)
	c1, c2 := a.conv1(), a.conv2()
	shapes := [6][]int{
		{c1.Cout, c1.Cin, c1.K, c1.K}, {c1.Cout},
		{c2.Cout, c2.Cin, c2.K, c2.K}, {c2.Cout},
		{Classes, a.flat()}, {Classes},
	}
	var ts [6]*tensor.Tensor
	for i, want := range shapes {
		rank := int(r.U32())
		if r.Err() == nil && rank != len(want) {
			return fmt.Errorf("cnn: D4 model tensor %d has rank %d, want %d", i, rank, len(want))
		}
		shape := make([]int, len(want))
		for d := range shape {
			shape[d] = int(r.U32())
		}
		if r.Err() == nil && fmt.Sprint(shape) != fmt.Sprint(want) {
			return fmt.Errorf("cnn: D4 model tensor %d has shape %v, want %v", i, shape, want)
		}
		if r.Err() == nil && r.Left() < 4*tensor.Size(want) {
			return errors.New("cnn: D4 model data is truncated")
		}
		t := tensor.New(want...)
		for j := range t.Data {
			t.Data[j] = math.Float32frombits(r.U32())
		}
		ts[i] = t
	}
	out.Conv1W, out.Conv1B, out.Conv2W, out.Conv2B, out.FCW, out.FCB = ts[0], ts[1], ts[2], ts[3], ts[4], ts[5]
	epochs := int(r.U32())
	if r.Err() == nil && epochs > c.Epochs {
		return fmt.Errorf("cnn: D4 model records %d epochs of a %d-epoch training", epochs, c.Epochs)
	}
	for range epochs {
		e := Epoch{Epoch: r.Int(), Loss: r.F64(), TestAccuracy: r.F64()}
		out.History = append(out.History, e)
	}
	out.Seconds = r.F64()
	out.ImagesPerSecond = r.F64()
	if version >= 2 {
		out.SecondsTo98 = r.F64()
	}
	if r.Err() != nil {
		return fmt.Errorf("cnn: D4 model data: %w", r.Err())
	}
	if r.Left() != 0 {
		return fmt.Errorf("cnn: D4 model data has %d unexpected bytes at the end", r.Left())
	}
	*m = out
	return nil
}

//go:embed *.go *.s
var sources embed.FS

// CodeVersion returns a SHA-256 digest, in hex, of this package's Go and
// assembly sources (tests excluded): a cached model trained by other code
// is stale.
func CodeVersion() string { return codeVersion() }

var codeVersion = sync.OnceValue(func() string { return srchash.Of(sources) })
