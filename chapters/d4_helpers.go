package chapters

import (
	"fmt"
	"image"

	"tinynets/pkg/notebook"
	"tinynets/pkg/plots"
	"tinynets/pkg/tensor"
	"tinynets/pkg/tf"
)

// This file holds the small helpers of the D4 sections of chapters 2.2 to
// 2.5 and the training appendix: labels, counts and lookups that would
// only distract from the code a section shows.

// numbered returns "prefix 0", "prefix 1", ..., n labels (just the numbers
// if prefix is empty).
func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		if prefix == "" {
			out[i] = fmt.Sprint(i)
		} else {
			out[i] = fmt.Sprintf("%s %d", prefix, i)
		}
	}
	return out
}

// digitNames is "0" to "9", the names of D4's classes.
func digitNames() []string { return numbered("", 10) }

// strongest returns the channel, row and column of the largest value of a
// (C, H, W) tensor (the first on a tie).
func strongest(t *tensor.Tensor) (ch, y, x int) {
	best := 0
	for i, v := range t.Data {
		if v > t.Data[best] {
			best = i
		}
	}
	h, w := t.Shape[1], t.Shape[2]
	return best / (h * w), best / w % h, best % w
}

// countZeros counts the values that are exactly zero.
func countZeros(data []float32) int {
	n := 0
	for _, v := range data {
		if v == 0 {
			n++
		}
	}
	return n
}

// zeroShareTable lists, for each channel of a (C, H, W) tensor, the share
// of its values that are zero.
func zeroShareTable(caption string, t *tensor.Tensor) notebook.Table {
	tab := notebook.Table{Caption: caption, Header: []string{"filter", "zero values", "share"}}
	for ch := range t.Shape[0] {
		s := t.Slice(ch).Data
		z := countZeros(s)
		tab.Rows = append(tab.Rows, []string{fmt.Sprint(ch), fmt.Sprintf("%d of %d", z, len(s)),
			fmt.Sprintf("%.1f%%", 100*float64(z)/float64(len(s)))})
	}
	return tab
}

// untrainedD5 returns a transformer with this build's tf.* configuration
// and vocabulary but its initial weights, and the demo window (the first
// tf.block characters of the training text) as token ids. The shapes of
// its activations are those of the trained D5: shapes come from the
// configuration, never from the weights.
func untrainedD5(c *notebook.Cell) (*tf.Model, []int, error) {
	text, vocab, err := trainingVocab(c)
	if err != nil {
		return nil, nil, err
	}
	m, err := tf.New(tfConfig(c), vocab)
	if err != nil {
		return nil, nil, err
	}
	_, ids, err := demoWindow(text, vocab, m.Config.Block)
	return m, ids, err
}

// percent formats part/whole as a percentage.
func percent(part, whole int) string {
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole))
}

// shapeOf formats a tensor's shape as PyTorch prints it.
func shapeOf(t *tensor.Tensor) string { return tensor.ShapeString(t.Shape) }

// numberedFrom returns the n numbers from, from+1, ... as labels.
func numberedFrom(from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(from + i)
	}
	return out
}

// verdict returns yes if ok, else no.
func verdict(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

// outlineRect outlines the pixels of r (X the column, Y the row, Max one past
// the last) on a heatmap.
func outlineRect(r image.Rectangle) plots.Option {
	return plots.Outline(r.Min.Y, r.Min.X, r.Dy(), r.Dx())
}

// countMoved counts the non-zero cells of a (28, 28) tensor inside and
// outside r.
func countMoved(moved *tensor.Tensor, r image.Rectangle) (inside, outside int) {
	for y := range moved.Shape[0] {
		for x := range moved.Shape[1] {
			if moved.At(y, x) == 0 {
				continue
			}
			if image.Pt(x, y).In(r) {
				inside++
			} else {
				outside++
			}
		}
	}
	return inside, outside
}

// commonestMistake returns the off-diagonal cell of a confusion matrix
// with the largest count (the first in row order on a tie).
func commonestMistake(counts [][]int) (trueDigit, said int) {
	best := -1
	for i, row := range counts {
		for j, n := range row {
			if i != j && n > best {
				best, trueDigit, said = n, i, j
			}
		}
	}
	return trueDigit, said
}

// beforeAfter interleaves the maps of two (C, H, W) tensors of one shape
// into (2C, H, W), map 0 of before, map 0 of after, map 1 of before, ...,
// with captions for the tiles.
func beforeAfter(before, after *tensor.Tensor) (*tensor.Tensor, []string) {
	n := before.Shape[0]
	out := tensor.New(2*n, before.Shape[1], before.Shape[2])
	captions := make([]string, 0, 2*n)
	for ch := range n {
		copy(out.Slice(2*ch).Data, before.Slice(ch).Data)
		copy(out.Slice(2*ch+1).Data, after.Slice(ch).Data)
		captions = append(captions, fmt.Sprintf("%d before", ch), fmt.Sprintf("%d after", ch))
	}
	return out, captions
}

// rowsCols describes the pixels of r as "rows a-b, columns c-d".
func rowsCols(r image.Rectangle) string {
	return fmt.Sprintf("rows %d-%d, columns %d-%d", r.Min.Y, r.Max.Y-1, r.Min.X, r.Max.X-1)
}

// tileSums returns the sum of each (H, W) tile of a (C, H, W) tensor.
func tileSums(t *tensor.Tensor) []float64 {
	out := make([]float64, t.Shape[0])
	for ch := range out {
		for _, v := range t.Slice(ch).Data {
			out[ch] += float64(v)
		}
	}
	return out
}
