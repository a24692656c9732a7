package cnn

import (
	"image"
	"math/rand/v2"
	"testing"
)

func TestReceptiveFieldDefault(t *testing.T) {
	r := ReceptiveField(DefaultConfig())
	if r.Conv2Side != 8 || r.Pool2Side != 10 || r.Conv2Inputs != 72 {
		t.Fatalf("default D4: conv2 side %d, pool2 side %d, conv2 inputs %d; want 8, 10 and 72 (3·3·8)", r.Conv2Side, r.Pool2Side, r.Conv2Inputs)
	}
	// Pool2 (3, 4) covers conv2 rows 6..7 and columns 8..9, which see pool1
	// 5..8 and 7..10, conv1 10..17 and 14..21, and the input 9..18 and 13..22.
	if got, want := r.Pool2(3, 4), image.Rect(13, 9, 23, 19); got != want {
		t.Errorf("Pool2(3, 4) = %v, want %v", got, want)
	}
	if got, want := r.Pool2(0, 0), image.Rect(0, 0, 7, 7); got != want {
		t.Errorf("Pool2(0, 0) = %v, want %v (clipped at the border)", got, want)
	}
}

// TestReceptiveFieldByMasks follows, for every conv2 and pool2 value, the
// set of values it depends on down through the layers as a mask, layer by
// layer, independently of the interval arithmetic, and compares the input
// pixels reached with the rectangle.
func TestReceptiveFieldByMasks(t *testing.T) {
	for _, k := range []int{1, 3, 5, 7} {
		cfg := DefaultConfig()
		cfg.Kernel = k
		r := ReceptiveField(cfg)
		if r.Conv2Inputs != k*k*cfg.Filters1 {
			t.Errorf("kernel %d: %d conv2 inputs, want %d", k, r.Conv2Inputs, k*k*cfg.Filters1)
		}
		for _, layer := range []string{"conv2", "pool2"} {
			side := 14
			if layer == "pool2" {
				side = 7
			}
			for row := range side {
				for col := range side {
					mask := newMask(side)
					mask[row][col] = true
					if layer == "pool2" {
						mask = unpool(mask)
					}
					mask = unpool(unconv(mask, k/2))
					mask = unconv(mask, k/2)
					var want image.Rectangle
					if layer == "conv2" {
						want = r.Conv2(row, col)
					} else {
						want = r.Pool2(row, col)
					}
					for y := range Side {
						for x := range Side {
							if mask[y][x] != (image.Pt(x, y).In(want)) {
								t.Fatalf("kernel %d, %s (%d, %d): input (%d, %d) reached %v, rectangle %v", k, layer, row, col, y, x, mask[y][x], want)
							}
						}
					}
				}
			}
		}
	}
}

func newMask(side int) [][]bool {
	m := make([][]bool, side)
	for i := range m {
		m[i] = make([]bool, side)
	}
	return m
}

// unconv marks every input a same-padded convolution reads for a marked output.
func unconv(out [][]bool, pad int) [][]bool {
	in := newMask(len(out))
	for y := range out {
		for x := range out {
			if !out[y][x] {
				continue
			}
			for iy := y - pad; iy <= y+pad; iy++ {
				for ix := x - pad; ix <= x+pad; ix++ {
					if iy >= 0 && iy < len(in) && ix >= 0 && ix < len(in) {
						in[iy][ix] = true
					}
				}
			}
		}
	}
	return in
}

// unpool marks the 2x2 block under every marked output of a pool.
func unpool(out [][]bool) [][]bool {
	in := newMask(2 * len(out))
	for y := range out {
		for x := range out {
			if out[y][x] {
				in[2*y][2*x], in[2*y][2*x+1], in[2*y+1][2*x], in[2*y+1][2*x+1] = true, true, true, true
			}
		}
	}
	return in
}

// TestReceptiveFieldForward changes input pixels outside a conv2 value's
// field in a real forward pass: that value must not move.
func TestReceptiveFieldForward(t *testing.T) {
	m := New(DefaultConfig())
	rng := rand.New(rand.NewPCG(9, 1))
	img := make([]float32, Side*Side)
	for i := range img {
		img[i] = rng.Float32()
	}
	const row, col = 5, 9
	field := ReceptiveField(m.Config).Conv2(row, col)
	base := m.Forward(img).Conv2
	changed := 0
	for y := range Side {
		for x := range Side {
			old := img[y*Side+x]
			img[y*Side+x] = old + 0.5
			c2 := m.Forward(img).Conv2
			img[y*Side+x] = old
			moved := false
			for f := range m.Config.Filters2 {
				if c2.At(f, row, col) != base.At(f, row, col) {
					moved = true
				}
			}
			inside := image.Pt(x, y).In(field)
			if moved && !inside {
				t.Fatalf("input (%d, %d), outside %v, changed conv2 at (%d, %d)", y, x, field, row, col)
			}
			if moved {
				changed++
			}
		}
	}
	if changed == 0 {
		t.Fatal("no input pixel changed the conv2 value")
	}
}
