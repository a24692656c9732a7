package charcnn

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"tinynets/pkg/binfmt"
	"unicode/utf8"
)

// The binary form of a Model, all little-endian:
//
//	magic "charcnn model v1\n"
//	config: Channels, Block, Steps, Batch as int64; LR as float64; Seed as uint64
//	vocabulary: count uint32, then each rune as int32
//	losses: count uint32, then float64 each; FinalLoss, Seconds as float64
//	weights: count uint32, then float32 each (the net's flat buffer)
//	CRC-32 (IEEE) of everything before it, uint32
//
// Floats are stored as their bits, so a round trip is exact.
const magic = "charcnn model v1\n"

// MarshalBinary encodes the model: configuration, vocabulary, training
// record and every weight. It never returns an error.
func (m *Model) MarshalBinary() ([]byte, error) {
	b := []byte(magic)
	le := binary.LittleEndian
	c := m.Config
	for _, v := range []int{c.Channels, c.Block, c.Steps, c.Batch} {
		b = le.AppendUint64(b, uint64(int64(v)))
	}
	b = le.AppendUint64(b, math.Float64bits(c.LR))
	b = le.AppendUint64(b, c.Seed)
	b = le.AppendUint32(b, uint32(m.Vocab.Size()))
	for _, r := range m.Vocab.runes {
		b = le.AppendUint32(b, uint32(r))
	}
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

// UnmarshalBinary decodes a model written by MarshalBinary. It returns an
// error, and leaves m unchanged, if data is truncated, corrupt or does not
// describe a valid model.
func (m *Model) UnmarshalBinary(data []byte) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("charcnn: model data: "+format, args...)
	}
	if len(data) < len(magic)+4 || string(data[:len(magic)]) != magic {
		return fail("not a charcnn model (bad header)")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return fail("checksum mismatch: the data is corrupt")
	}
	r := binfmt.NewReader(body[len(magic):])
	var c Config
	c.Channels, c.Block, c.Steps, c.Batch = r.Int(), r.Int(), r.Int(), r.Int()
	c.LR = r.F64()
	c.Seed = r.U64()
	if r.Err() != nil {
		return fail("%v", r.Err())
	}
	if err := c.Validate(); err != nil {
		return fail("%v", err)
	}
	runes := make([]rune, r.Count(4))
	seen := map[rune]bool{}
	for i := range runes {
		runes[i] = rune(r.U32())
		if !utf8.ValidRune(runes[i]) || seen[runes[i]] {
			return fail("vocabulary entry %d (%U) is invalid or repeated", i, runes[i])
		}
		seen[runes[i]] = true
	}
	if r.Err() == nil && len(runes) == 0 {
		return fail("empty vocabulary")
	}
	losses := make([]float64, r.Count(8))
	for i := range losses {
		losses[i] = r.F64()
	}
	final, secs := r.F64(), r.F64()
	n := newNet[float32](len(runes), c.Channels, layers(c.Block))
	if k := r.Count(4); r.Err() == nil && k != len(n.all) {
		return fail("%d weights, want %d for this configuration", k, len(n.all))
	}
	for i := range n.all {
		n.all[i] = math.Float32frombits(r.U32())
	}
	if r.Err() != nil {
		return fail("%v", r.Err())
	}
	if r.Left() != 0 {
		return fail("%d unexpected bytes after the weights", r.Left())
	}
	*m = Model{Config: c, Vocab: vocabFromRunes(runes), Losses: losses, FinalLoss: final, Seconds: secs, net: n}
	return nil
}
