package tensor

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
)

// The .npy format, version 1.0: a magic string, a little-endian uint16
// header length, a Python dict literal padded with spaces so that the data
// starts on a 64-byte boundary, then the raw values in C order.
// See numpy.lib.format; numpy.load and codeberg.org/sbinet/npyio read it.

// WriteNPY writes t as a little-endian float32 .npy file ('<f4').
func (t *Tensor) WriteNPY(w io.Writer) error {
	if err := writeNPYHeader(w, "<f4", t.Shape); err != nil {
		return err
	}
	buf := make([]byte, 4*len(t.Data))
	for i, v := range t.Data {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	_, err := w.Write(buf)
	return err
}

// WriteNPY writes t as a little-endian int64 .npy file ('<i8').
func (t *Int64) WriteNPY(w io.Writer) error {
	if err := writeNPYHeader(w, "<i8", t.Shape); err != nil {
		return err
	}
	buf := make([]byte, 8*len(t.Data))
	for i, v := range t.Data {
		binary.LittleEndian.PutUint64(buf[8*i:], uint64(v))
	}
	_, err := w.Write(buf)
	return err
}

func writeNPYHeader(w io.Writer, descr string, shape []int) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	shapeText := "(" + strings.Join(dims, ", ") + ")"
	if len(shape) == 1 {
		shapeText = "(" + dims[0] + ",)"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shapeText)
	const prefix = 10 // magic (6) + version (2) + header length (2)
	total := prefix + len(dict) + 1
	pad := (64 - total%64) % 64
	header := dict + strings.Repeat(" ", pad) + "\n"
	if len(header) > math.MaxUint16 {
		return fmt.Errorf("tensor: .npy header for shape %v is too long", shape)
	}
	out := make([]byte, 0, prefix+len(header))
	out = append(out, "\x93NUMPY\x01\x00"...)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(header)))
	out = append(out, header...)
	_, err := w.Write(out)
	return err
}
