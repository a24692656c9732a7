package mnist

import (
	"bytes"
	"testing"
)

// FuzzReadIDX feeds arbitrary bytes to both IDX readers. They must never
// panic, and what they accept must be consistent with its header.
func FuzzReadIDX(f *testing.F) {
	f.Add(idxImages(2, 3, 3))
	f.Add(idxLabels(1, 2, 3))
	f.Add(gzipped(f, idxImages(1, 2, 2)))
	f.Add(gzipped(f, idxLabels(9)))
	f.Fuzz(func(t *testing.T, data []byte) {
		images, n, rows, cols, err := decodeImages(bytes.NewReader(data), "fuzz")
		if err == nil {
			if n < 1 || rows < 1 || cols < 1 || len(images) != n*rows*cols {
				t.Fatalf("accepted %d values as %d images of %dx%d", len(images), n, rows, cols)
			}
			for _, v := range images {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("pixel %v outside [0, 1]", v)
				}
			}
		}
		labels, err := decodeLabels(bytes.NewReader(data), "fuzz")
		if err == nil {
			if len(labels) == 0 {
				t.Fatal("accepted an empty label file")
			}
			for _, l := range labels {
				if l > 9 {
					t.Fatalf("accepted label %d", l)
				}
			}
		}
	})
}
