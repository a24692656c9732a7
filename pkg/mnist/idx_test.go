package mnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// idxHeader returns an IDX header: magic and counts.
func idxHeader(magic uint32, dims ...int) []byte {
	b := binary.BigEndian.AppendUint32(nil, magic)
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return b
}

// idxImages returns an IDX image file of n images of rows x cols whose
// pixel k (over the whole file) is byte(k*7).
func idxImages(n, rows, cols int) []byte {
	b := idxHeader(imagesMagic, n, rows, cols)
	for k := range n * rows * cols {
		b = append(b, byte(k*7))
	}
	return b
}

// idxLabels returns an IDX label file holding labels.
func idxLabels(labels ...uint8) []byte {
	return append(idxHeader(labelsMagic, len(labels)), labels...)
}

func gzipped(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadImagesPlainAndGzip(t *testing.T) {
	dir := t.TempDir()
	raw := idxImages(3, 2, 5)
	for _, tc := range []struct {
		name string
		data []byte
	}{{"plain", raw}, {"gz", gzipped(t, raw)}} {
		// The name has no .gz suffix: gzip is found by its magic bytes.
		p := writeFile(t, dir, "images-"+tc.name, tc.data)
		images, n, rows, cols, err := ReadImages(p)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n != 3 || rows != 2 || cols != 5 || len(images) != 30 {
			t.Fatalf("%s: got n=%d rows=%d cols=%d len=%d, want 3, 2, 5, 30", tc.name, n, rows, cols, len(images))
		}
		for k, v := range images {
			if want := float32(byte(k*7)) / 255; v != want {
				t.Fatalf("%s: pixel %d = %v, want %v", tc.name, k, v, want)
			}
		}
	}
}

func TestReadLabels(t *testing.T) {
	p := writeFile(t, t.TempDir(), "labels", gzipped(t, idxLabels(7, 2, 1, 0, 9)))
	labels, err := ReadLabels(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(labels, []byte{7, 2, 1, 0, 9}) {
		t.Fatalf("labels %v, want [7 2 1 0 9]", labels)
	}
}

// TestReadErrors feeds broken files to both readers; each must fail with an
// error naming the file and saying what is wrong.
func TestReadErrors(t *testing.T) {
	images := idxImages(4, 3, 3)
	labels := idxLabels(1, 2, 3, 4)
	corruptGzip := gzipped(t, images)
	corruptGzip[len(corruptGzip)-6] ^= 0xff // inside the CRC-32 trailer
	for _, tc := range []struct {
		name   string
		data   []byte
		labels bool   // read with ReadLabels instead of ReadImages
		want   string // part of the error message
	}{
		{"empty", nil, false, "file is empty"},
		{"empty-labels", nil, true, "file is empty"},
		{"short-header", images[:10], false, "truncated header: 10 of 16 bytes"},
		{"truncated", images[:len(images)-1], false, "truncated: header promises 4 images of 3x3 pixels (36 bytes) but only 35 follow"},
		{"truncated-labels", labels[:10], true, "truncated: header promises 4 labels (4 bytes) but only 2 follow"},
		{"truncated-gzip", gzipped(t, images)[:30], false, "truncated"},
		{"corrupt-gzip", corruptGzip, false, "corrupt gzip stream"},
		{"not-gzip", []byte{0x1f, 0x8b, 1, 2, 3}, false, "corrupt gzip stream"},
		{"labels-as-images", labels, false, "magic number 0x00000801 is not 0x00000803 (an IDX image file)"},
		{"images-as-labels", images, true, "magic number 0x00000803 is not 0x00000801 (an IDX label file)"},
		{"text", []byte("hello, world, not an IDX file"), false, "magic number 0x68656c6c"},
		{"trailing", append(append([]byte(nil), images...), 0), false, "unexpected bytes after the 4 images"},
		{"zero-images", idxImages(0, 28, 28), false, "holds no images"},
		{"zero-rows", idxImages(2, 0, 28), false, "implausible image header: 2 images of 0x28"},
		{"huge", idxHeader(imagesMagic, 1<<25, 28, 28), false, "implausible image header"},
		{"lying-count", append(idxHeader(imagesMagic, 1<<20, 28, 28), 1, 2, 3), false, "only 3 follow"},
		{"zero-labels", idxLabels(), true, "holds no labels"},
		{"bad-label", idxLabels(3, 10), true, "label 10 at index 1 is not a digit 0..9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), tc.name+".idx", tc.data)
			var err error
			if tc.labels {
				_, err = ReadLabels(p)
			} else {
				_, _, _, _, err = ReadImages(p)
			}
			if err == nil {
				t.Fatalf("no error for %s", tc.name)
			}
			if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not name the file %s and say %q", err, p, tc.want)
			}
		})
	}
}

func TestReadMissing(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope-idx3-ubyte")
	if _, _, _, _, err := ReadImages(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("ReadImages of a missing file: err = %v, want one naming %s", err, p)
	}
	if _, err := ReadLabels(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("ReadLabels of a missing file: err = %v, want one naming %s", err, p)
	}
}
