package mnist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Set is a list of images with their labels.
type Set struct {
	Images []float32 // (N, Rows, Cols) flat, pixels in [0, 1], 0 is background
	Labels []uint8   // (N) digits 0..9
	N      int       // number of images
	Rows   int       // image height in pixels (28 for MNIST)
	Cols   int       // image width in pixels (28 for MNIST)
}

// Image returns image i as a (Rows, Cols) slice that shares the set's data.
// Image panics if i is out of range.
func (s *Set) Image(i int) []float32 {
	if i < 0 || i >= s.N {
		panic(fmt.Sprintf("mnist: image %d out of range [0, %d)", i, s.N))
	}
	size := s.Rows * s.Cols
	return s.Images[i*size : (i+1)*size : (i+1)*size]
}

// Head returns a set of the first n images (all of them if the set has
// fewer), sharing the data of s.
// Head panics if n is negative.
func (s *Set) Head(n int) *Set {
	if n < 0 {
		panic(fmt.Sprintf("mnist: Head(%d) of a set", n))
	}
	n = min(n, s.N)
	size := s.Rows * s.Cols
	return &Set{
		Images: s.Images[: n*size : n*size],
		Labels: s.Labels[:n:n],
		N:      n,
		Rows:   s.Rows,
		Cols:   s.Cols,
	}
}

// The four standard MNIST file names, each found plain or with .gz.
const (
	TrainImagesFile = "train-images-idx3-ubyte"
	TrainLabelsFile = "train-labels-idx1-ubyte"
	TestImagesFile  = "t10k-images-idx3-ubyte"
	TestLabelsFile  = "t10k-labels-idx1-ubyte"
)

// Load reads the training set (60,000 images in MNIST) and the test set
// (10,000) from the four standard files in dir. Each file may be plain or
// gzipped with a .gz suffix; if both exist, the .gz file is read.
func Load(dir string) (train, test *Set, err error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("mnist: data folder: %w", err)
	}
	if !info.IsDir() {
		return nil, nil, fmt.Errorf("mnist: data folder %s is not a folder", dir)
	}
	names := []string{TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile}
	paths := make([]string, len(names))
	var missing []string
	for i, name := range names {
		paths[i] = findFile(dir, name)
		if paths[i] == "" {
			missing = append(missing, name+"[.gz]")
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("mnist: folder %s lacks %s; it must hold the four MNIST IDX files %s (plain or .gz)",
			dir, strings.Join(missing, ", "), strings.Join(names, ", "))
	}
	if train, err = readSet(paths[0], paths[1]); err != nil {
		return nil, nil, err
	}
	if test, err = readSet(paths[2], paths[3]); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// ReadSet reads a set from an image file and the label file that goes with
// it and checks that their counts agree.
func ReadSet(imagesPath, labelsPath string) (*Set, error) {
	return readSet(imagesPath, labelsPath)
}

func readSet(imagesPath, labelsPath string) (*Set, error) {
	images, n, rows, cols, err := ReadImages(imagesPath)
	if err != nil {
		return nil, err
	}
	labels, err := ReadLabels(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(labels) != n {
		return nil, fmt.Errorf("mnist: %s holds %d images but %s holds %d labels", imagesPath, n, labelsPath, len(labels))
	}
	return &Set{Images: images, Labels: labels, N: n, Rows: rows, Cols: cols}, nil
}

// findFile returns dir/name.gz or dir/name, whichever is a regular file
// (the gzipped one first), or "" if neither is.
func findFile(dir, name string) string {
	for _, candidate := range []string{name + ".gz", name} {
		p := filepath.Join(dir, candidate)
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			return p
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			// An unreadable entry is reported when it is opened.
			return p
		}
	}
	return ""
}
