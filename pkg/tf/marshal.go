package tf

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// A marshalled model is
//
//	magic "tinynets tf model v1\n"
//	uint32 length of the header, then the header: JSON of modelHeader
//	uint32 number of weights, then the weights as float32, in bind's order
//	sha256 of everything before it
//
// all integers and floats little-endian. Floats are stored as their bits,
// so a round trip is exact.
const marshalMagic = "tinynets tf model v1\n"

type modelHeader struct {
	Config    Config    `json:"config"`
	Runes     []int32   `json:"runes"`
	Losses    []float64 `json:"losses"`
	FinalLoss float64   `json:"final_loss"`
	Seconds   float64   `json:"seconds"`
}

// MarshalBinary encodes the model: configuration, vocabulary, training
// record and weights, with a checksum. It implements
// encoding.BinaryMarshaler.
func (m *Model) MarshalBinary() ([]byte, error) {
	h := modelHeader{Config: m.Config, Losses: m.Losses, FinalLoss: m.FinalLoss, Seconds: m.Seconds}
	for _, r := range m.Vocab.Runes {
		h.Runes = append(h.Runes, int32(r))
	}
	js, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("tf: marshal model: %v", err)
	}
	var b bytes.Buffer
	b.WriteString(marshalMagic)
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(js))))
	b.Write(js)
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(m.p.flat))))
	buf := make([]byte, 4*len(m.p.flat))
	for i, w := range m.p.flat {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(w))
	}
	b.Write(buf)
	sum := sha256.Sum256(b.Bytes())
	b.Write(sum[:])
	return b.Bytes(), nil
}

// Unmarshal decodes a model written by MarshalBinary.
// Unmarshal returns an error if data is truncated, corrupt (checksum),
// of another format or version, or describes an invalid model.
func Unmarshal(data []byte) (*Model, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("tf: model data: "+format, args...)
	}
	if len(data) < len(marshalMagic) || string(data[:len(marshalMagic)]) != marshalMagic {
		return nil, bad("not a tinynets tf model (want magic %q)", marshalMagic)
	}
	if len(data) < len(marshalMagic)+sha256.Size {
		return nil, bad("truncated: %d bytes", len(data))
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if want := sha256.Sum256(body); !bytes.Equal(sum, want[:]) {
		return nil, bad("checksum mismatch: the data is corrupt or truncated")
	}
	r := body[len(marshalMagic):]
	next := func(n int) ([]byte, error) {
		if n < 0 || n > len(r) {
			return nil, errors.New("tf: model data: truncated")
		}
		out := r[:n]
		r = r[n:]
		return out, nil
	}
	n32, err := next(4)
	if err != nil {
		return nil, err
	}
	js, err := next(int(binary.LittleEndian.Uint32(n32)))
	if err != nil {
		return nil, err
	}
	var h modelHeader
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, bad("header: %v", err)
	}
	if err := h.Config.Validate(); err != nil {
		return nil, bad("config: %v", err)
	}
	v := &Vocab{}
	for _, x := range h.Runes {
		if v.id(rune(x)) >= 0 {
			return nil, bad("vocabulary repeats %q", rune(x))
		}
		v.Runes = append(v.Runes, rune(x))
	}
	if v.Size() == 0 {
		return nil, bad("empty vocabulary")
	}
	m := newModel(h.Config, v)
	m.Losses, m.FinalLoss, m.Seconds = h.Losses, h.FinalLoss, h.Seconds
	if n32, err = next(4); err != nil {
		return nil, err
	}
	if n := int(binary.LittleEndian.Uint32(n32)); n != len(m.p.flat) {
		return nil, bad("%d weights, but the config and vocabulary need %d", n, len(m.p.flat))
	}
	ws, err := next(4 * len(m.p.flat))
	if err != nil {
		return nil, err
	}
	if len(r) != 0 {
		return nil, bad("%d bytes after the weights", len(r))
	}
	for i := range m.p.flat {
		m.p.flat[i] = math.Float32frombits(binary.LittleEndian.Uint32(ws[4*i:]))
	}
	return m, nil
}

// UnmarshalBinary replaces m with the model in data; see Unmarshal. It
// implements encoding.BinaryUnmarshaler.
func (m *Model) UnmarshalBinary(data []byte) error {
	u, err := Unmarshal(data)
	if err != nil {
		return err
	}
	*m = *u
	return nil
}
