package binfmt

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

func TestReaderReadsWhatWasWritten(t *testing.T) {
	le := binary.LittleEndian
	var b []byte
	b = le.AppendUint32(b, 7)
	b = le.AppendUint64(b, 1<<40)
	b = le.AppendUint32(b, math.Float32bits(-1.5))
	b = le.AppendUint64(b, math.Float64bits(0.125))
	b = le.AppendUint64(b, 42)
	b = le.AppendUint32(b, 2) // a count of two float32
	b = le.AppendUint32(b, math.Float32bits(1))
	b = le.AppendUint32(b, math.Float32bits(2))
	r := NewReader(b)
	if r.U32() != 7 || r.U64() != 1<<40 || r.F32() != -1.5 || r.F64() != 0.125 || r.Int() != 42 {
		t.Fatal("values read back differ from those written")
	}
	if n := r.Count(4); n != 2 || r.F32() != 1 || r.F32() != 2 || r.Err() != nil || r.Left() != 0 {
		t.Fatalf("count %d, err %v, left %d", n, r.Err(), r.Left())
	}
}

func TestReaderFaults(t *testing.T) {
	le := binary.LittleEndian
	for _, tc := range []struct {
		name string
		b    []byte
		read func(r *Reader)
		want string
	}{
		{"short", []byte{1, 2, 3}, func(r *Reader) { r.U32() }, "truncated"},
		{"negative int", le.AppendUint64(nil, uint64(math.MaxUint64)), func(r *Reader) { r.Int() }, "value -1 out of range"},
		{"huge int", le.AppendUint64(nil, 1<<40), func(r *Reader) { r.Int() }, "out of range"},
		{"count past the end", le.AppendUint32(nil, 1000), func(r *Reader) { r.Count(8) }, "count 1000 does not fit in the 0 bytes left"},
	} {
		r := NewReader(tc.b)
		tc.read(r)
		if r.Err() == nil || !strings.Contains(r.Err().Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, r.Err(), tc.want)
		}
		// After a fault every read gives zero and the first fault stays.
		first := r.Err()
		if r.U64() != 0 || r.Int() != 0 || r.Count(1) != 0 || r.Err() != first {
			t.Errorf("%s: reads after a fault are not zero, or the fault changed to %v", tc.name, r.Err())
		}
	}
}
