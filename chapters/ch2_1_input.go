package chapters

import (
	"fmt"
	"strings"

	"tinynets/pkg/notebook"
	"tinynets/pkg/tensor"
)

// chapterInput follows the seed's heading "2.1 Initial input".
//
// Before either network computes anything, each gets numbers. The CNN
// (D4) gets a picture: 28 by 28 grey levels, 784 numbers at once. The
// transformer (D5) gets characters, one small integer each. The seed pairs
// them up, one pixel for one token, and points out a difference that
// matters for everything after: a pixel's number already means something
// (how much ink is there), while a character's code is only a name.
//
// Both inputs below are read in this build: the digit from the MNIST test
// file, the characters from the text the transformer is trained on.
var chapterInput = notebook.Chapter{
	ID:    "2.1",
	Title: "Initial input",
	Seed:  "2.1 Initial input",
	File:  "ch2_1_input.go",
	Intro: "chapterInput",
	Sections: []notebook.Section{
		{ID: "2.1-D4", Title: "D4: a digit is 784 grey levels", Run: inputDigit},
		{ID: "2.1-D5", Title: "D5: a letter is one byte", Run: inputLetter},
		{ID: "2.1-D5-prompt", Title: "D5: a longer prompt is a row of ids", Run: inputPrompt},
	},
}

// The D4 demo classifies the first image of the MNIST test set. Each
// pixel is stored in the IDX file as a byte from 0 (no ink) to 255 (full
// ink); the network reads byte/255, a number in [0, 1]. The drawing is the
// tensor the CNN receives, shaped (1, 28, 28) as PyTorch lays out one
// grey image: one channel, 28 rows, 28 columns.
//
// The table under it is the same image as the stored bytes. Reading it,
// the 7 is visible in the numbers themselves: this is the sense in which a
// pixel value carries meaning before any computation.
func inputDigit(c *notebook.Cell) error {
	data, err := loadMNIST(c)
	if err != nil {
		return err
	}
	test := data.Test
	img := test.Image(0) // (28, 28), values in [0, 1]
	c.Printf("MNIST test image 0: label %d, %d x %d = %d pixels\n",
		test.Labels[0], test.Rows, test.Cols, test.Rows*test.Cols)

	inked := 0
	for _, v := range img {
		if v > 0 {
			inked++
		}
	}
	c.Printf("%d of the %d pixels hold some ink; the other %d are exactly 0\n",
		inked, len(img), len(img)-inked)

	input := tensor.FromSlice(append([]float32(nil), img...), 1, test.Rows, test.Cols)
	if err := c.Tensor("cnn/input", input, notebook.Grey(),
		notebook.Caption("The CNN's input: MNIST test image 0, pixel values in [0, 1].")); err != nil {
		return err
	}

	t := notebook.Table{Caption: "The stored bytes (0 = no ink, 255 = full ink)"}
	for r := 0; r < test.Rows; r++ {
		row := make([]string, test.Cols)
		for col := range row {
			row[col] = fmt.Sprint(int(img[r*test.Cols+col]*255 + 0.5))
		}
		t.Rows = append(t.Rows, row)
	}
	c.Table(t)
	return nil
}

// The D5 demo starts from the single letter "h". A computer stores it as
// one byte: 0x68 in hexadecimal, 01101000 in bits. The seed's point is that
// this code says nothing about the letter: "h" and "i" differ in one bit,
// yet they are no more alike than "h" and "z".
//
// The transformer does not use the byte either. Its vocabulary is the list
// of distinct characters of its training text, in order of first
// appearance, and a character enters the model as its position in that
// list, the token id. The table shows every entry of this build's
// vocabulary next to its byte and bits.
func inputLetter(c *notebook.Cell) error {
	_, vocab, err := trainingVocab(c)
	if err != nil {
		return err
	}
	prompt := tfPrompt.Get(c)
	ids, err := vocab.Encode(prompt, "tf.prompt")
	if err != nil {
		return err
	}
	first := []rune(prompt)[0]
	c.Printf("prompt %q starts with %q: code point U+%04X", prompt, first, first)
	if first < 0x80 {
		c.Printf(", one byte 0x%02X, bits %08b", first, first)
	}
	c.Printf(", token id %d in a vocabulary of %d characters\n", ids[0], vocab.Size())

	t := notebook.Table{
		Caption: "The vocabulary of the training text",
		Header:  []string{"token id", "character", "UTF-8 bytes", "bits of the first byte"},
	}
	for id, r := range vocab.Runes {
		b := []byte(string(r))
		hex := make([]string, len(b))
		for i, x := range b {
			hex[i] = fmt.Sprintf("0x%02X", x)
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(id), fmt.Sprintf("%q", r), strings.Join(hex, " "), fmt.Sprintf("%08b", b[0])})
	}
	c.Table(t)

	if first < 0x7f {
		next := first + 1
		c.Printf("%q = %08b and %q = %08b differ in %d bit(s): closeness of codes is not closeness of meaning\n",
			first, first, next, next, bitsDiffer(byte(first), byte(next)))
	}
	return nil
}

func bitsDiffer(a, b byte) int {
	n := 0
	for x := a ^ b; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// A real prompt is more than one character. The transformer reads at most
// tf.block characters at a time (its context window); here are the first
// tf.block characters of the training text as the row of token ids the
// model receives. This row, saved as tf/tokens, is the input of every D5
// tensor shown in the later chapters.
func inputPrompt(c *notebook.Cell) error {
	text, vocab, err := trainingVocab(c)
	if err != nil {
		return err
	}
	window, ids, err := demoWindow(text, vocab, tfBlock.Get(c))
	if err != nil {
		return err
	}
	t := notebook.Table{Caption: fmt.Sprintf("The first %d characters as token ids", len(ids)),
		Header: []string{"position"}}
	chars, idRow := []string{"character"}, []string{"token id"}
	ids64 := make([]int64, len(ids))
	for i, id := range ids {
		t.Header = append(t.Header, fmt.Sprint(i))
		chars = append(chars, fmt.Sprintf("%q", window[i]))
		idRow = append(idRow, fmt.Sprint(id))
		ids64[i] = int64(id)
	}
	t.Rows = [][]string{chars, idRow}
	c.Table(t)
	return c.Tensor("tf/tokens", tensor.NewInt64(ids64, len(ids64)), notebook.NoImage())
}
