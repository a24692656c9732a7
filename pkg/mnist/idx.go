// Package mnist reads the MNIST handwritten digits from IDX files, the
// format Yann LeCun's site publishes them in: a big-endian header (a magic
// number, then one count per dimension) followed by raw unsigned bytes.
//
// Files may be gzipped or plain; gzip is recognised by its magic bytes, not
// by the file name. Bad files are reported as errors that name the file and
// say what is wrong; the reader never panics on input.
package mnist

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// The IDX magic numbers: two zero bytes, the element type (0x08 is
// unsigned byte) and the number of dimensions.
const (
	imagesMagic = 0x00000803 // unsigned bytes, 3 dimensions (N, rows, cols)
	labelsMagic = 0x00000801 // unsigned bytes, 1 dimension (N)
)

// Limits that keep a corrupt header from asking for absurd sizes.
const (
	maxCount = 1 << 24 // images or labels in one file
	maxSide  = 1 << 12 // rows or columns of one image
)

// ReadImages reads an IDX image file (magic 0x803), plain or gzipped, and
// returns its pixels scaled from 0..255 to [0, 1], image after image, each
// in row-major order: images is (n, rows, cols) flat.
func ReadImages(path string) (images []float32, n, rows, cols int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, 0, fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	return decodeImages(f, path)
}

// ReadLabels reads an IDX label file (magic 0x801), plain or gzipped. Every
// label must be a digit 0..9.
func ReadLabels(path string) ([]uint8, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	return decodeLabels(f, path)
}

// decodeImages reads an image file's bytes from r; name is used in errors.
func decodeImages(r io.Reader, name string) (images []float32, n, rows, cols int, err error) {
	body, closeBody, err := openIDX(r, name)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	header, err := readHeader(body, name, imagesMagic, 3)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	n, rows, cols = header[0], header[1], header[2]
	if n == 0 {
		return nil, 0, 0, 0, fmt.Errorf("mnist: %s: holds no images (count 0)", name)
	}
	if n > maxCount || rows == 0 || cols == 0 || rows > maxSide || cols > maxSide {
		return nil, 0, 0, 0, fmt.Errorf("mnist: %s: implausible image header: %d images of %dx%d pixels (allowed: 1..%d images, sides 1..%d)",
			name, n, rows, cols, maxCount, maxSide)
	}
	raw, err := readBody(body, name, n*rows*cols, fmt.Sprintf("%d images of %dx%d pixels", n, rows, cols))
	if err != nil {
		return nil, 0, 0, 0, err
	}
	if err := closeBody(); err != nil {
		return nil, 0, 0, 0, err
	}
	images = make([]float32, len(raw))
	for i, b := range raw {
		images[i] = float32(b) / 255
	}
	return images, n, rows, cols, nil
}

// decodeLabels reads a label file's bytes from r; name is used in errors.
func decodeLabels(r io.Reader, name string) ([]uint8, error) {
	body, closeBody, err := openIDX(r, name)
	if err != nil {
		return nil, err
	}
	header, err := readHeader(body, name, labelsMagic, 1)
	if err != nil {
		return nil, err
	}
	n := header[0]
	if n == 0 {
		return nil, fmt.Errorf("mnist: %s: holds no labels (count 0)", name)
	}
	if n > maxCount {
		return nil, fmt.Errorf("mnist: %s: implausible label count %d (allowed: 1..%d)", name, n, maxCount)
	}
	labels, err := readBody(body, name, n, fmt.Sprintf("%d labels", n))
	if err != nil {
		return nil, err
	}
	if err := closeBody(); err != nil {
		return nil, err
	}
	for i, l := range labels {
		if l > 9 {
			return nil, fmt.Errorf("mnist: %s: label %d at index %d is not a digit 0..9", name, l, i)
		}
	}
	return labels, nil
}

// openIDX returns a reader of the IDX bytes, unzipping them if the stream
// starts with the gzip magic bytes 0x1f 0x8b. closeBody reports a gzip
// error that only shows at the end of the stream.
func openIDX(r io.Reader, name string) (body io.Reader, closeBody func() error, err error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if len(magic) == 0 {
		if err == nil || errors.Is(err, io.EOF) {
			return nil, nil, fmt.Errorf("mnist: %s: file is empty", name)
		}
		return nil, nil, fmt.Errorf("mnist: %s: %w", name, err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("mnist: %s: corrupt gzip stream: %w", name, err)
		}
		return gzipErrors{zr}, func() error {
			if err := zr.Close(); err != nil {
				return fmt.Errorf("mnist: %s: corrupt gzip stream: %w", name, err)
			}
			return nil
		}, nil
	}
	return br, func() error { return nil }, nil
}

// readHeader reads and checks the magic number, then reads dims counts.
func readHeader(r io.Reader, name string, want uint32, dims int) ([]int, error) {
	kind := "label"
	if want == imagesMagic {
		kind = "image"
	}
	buf := make([]byte, 4+4*dims)
	if got, err := io.ReadFull(r, buf[:4]); err != nil {
		return nil, headerError(name, got, len(buf), err)
	}
	if magic := binary.BigEndian.Uint32(buf); magic != want {
		return nil, fmt.Errorf("mnist: %s: magic number 0x%08x is not 0x%08x (an IDX %s file)", name, magic, want, kind)
	}
	if got, err := io.ReadFull(r, buf[4:]); err != nil {
		return nil, headerError(name, 4+got, len(buf), err)
	}
	out := make([]int, dims)
	for i := range out {
		out[i] = int(binary.BigEndian.Uint32(buf[4+4*i:]))
	}
	return out, nil
}

func headerError(name string, got, want int, err error) error {
	if got == 0 && errors.Is(err, io.EOF) {
		return fmt.Errorf("mnist: %s: file is empty", name)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("mnist: %s: truncated header: %d of %d bytes", name, got, want)
	}
	return fmt.Errorf("mnist: %s: reading header: %w", name, err)
}

// readBody reads exactly size bytes and checks that nothing follows.
// It allocates as data arrives, so a header that lies about the size of a
// short file costs no more memory than the file.
func readBody(r io.Reader, name string, size int, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(size)+1))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("mnist: %s: truncated: header promises %s (%d bytes) but the gzip stream ends after %d", name, what, size, len(data))
		}
		return nil, fmt.Errorf("mnist: %s: reading data: %w", name, err)
	}
	if len(data) < size {
		return nil, fmt.Errorf("mnist: %s: truncated: header promises %s (%d bytes) but only %d follow", name, what, size, len(data))
	}
	if len(data) > size {
		return nil, fmt.Errorf("mnist: %s: unexpected bytes after the %s the header promises", name, what)
	}
	return data, nil
}

// gzipErrors names the errors of a gzip stream, other than its end, as
// corruption of the file.
type gzipErrors struct{ r io.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		err = fmt.Errorf("corrupt gzip stream: %w", err)
	}
	return n, err
}
