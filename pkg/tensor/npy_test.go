package tensor

import (
	"bytes"
	"reflect"
	"testing"

	"codeberg.org/sbinet/npyio/npy"
)

func TestWriteNPYReadsBackWithNpyio(t *testing.T) {
	x := New(2, 3, 4)
	for i := range x.Data {
		x.Data[i] = float32(i) - 7.5
	}
	var buf bytes.Buffer
	if err := x.WriteNPY(&buf); err != nil {
		t.Fatal(err)
	}
	if header := buf.Len() - 4*24; header <= 0 || header%64 != 0 {
		t.Errorf("file is %d bytes: the header before the %d data bytes must be a multiple of 64", buf.Len(), 4*24)
	}
	r, err := npy.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Header.Descr.Shape, []int{2, 3, 4}) || r.Header.Descr.Type != "'<f4'" {
		t.Fatalf("header %+v, want shape (2, 3, 4) and <f4", r.Header.Descr)
	}
	var got []float32
	if err := r.Read(&got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, x.Data) {
		t.Errorf("values read back %v, want %v", got, x.Data)
	}

	ids := NewInt64([]int64{0, 1, 2, 2, 3}, 5)
	buf.Reset()
	if err := ids.WriteNPY(&buf); err != nil {
		t.Fatal(err)
	}
	r, err = npy.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []int64
	if err := r.Read(&gotIDs); err != nil || !reflect.DeepEqual(gotIDs, ids.Data) || r.Header.Descr.Type != "'<i8'" {
		t.Errorf("int64 read back %v (%s), %v", gotIDs, r.Header.Descr.Type, err)
	}
}

func TestShapeString(t *testing.T) {
	for shape, want := range map[string]string{"1": "(784,)", "3": "(8, 28, 28)"} {
		var s []int
		if shape == "1" {
			s = []int{784}
		} else {
			s = []int{8, 28, 28}
		}
		if got := ShapeString(s); got != want {
			t.Errorf("ShapeString(%v) = %q, want %q", s, got, want)
		}
	}
}
