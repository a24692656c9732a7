package chapters

import (
	"fmt"
	"os"
	"unicode/utf8"

	"tinynets/pkg/notebook"
	"tinynets/pkg/tf"
)

var (
	tfText = params.String("tf.text", "hello world", "any non-empty UTF-8 text",
		"the text the transformer (and the char-CNN) learn; its distinct characters are the vocabulary", checkText)
	tfTextFile = params.String("tf.textfile", "", "a path to a UTF-8 text file, or empty",
		"read the training text from this file instead of tf.text (for example chapters/testdata/sample.txt)", nil)
	tfPrompt = params.String("tf.prompt", "h", "characters of the text's vocabulary",
		"the prompt that starts generation", checkText)
)

func checkText(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("must not be empty")
	case !utf8.ValidString(s):
		return fmt.Errorf("must be valid UTF-8")
	}
	return nil
}

// trainingText returns the text D5 learns: tf.textfile if set, else tf.text.
func trainingText(c *notebook.Cell) (string, error) {
	if path := tfTextFile.Get(c); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("tf.textfile: %w", err)
		}
		return decodeText(path, data)
	}
	return tfText.Get(c), nil
}

// decodeText checks that a text file's bytes are a non-empty UTF-8 text.
// Its errors name the file, the fault and where it is.
func decodeText(path string, data []byte) (string, error) {
	if len(data) == 0 {
		return "", fmt.Errorf("tf.textfile %s: the file is empty", path)
	}
	if !utf8.Valid(data) {
		return "", fmt.Errorf("tf.textfile %s: not valid UTF-8 (first bad byte at offset %d)", path, firstInvalid(data))
	}
	return string(data), nil
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// trainingVocab returns the training text and its vocabulary: the text's
// distinct characters in order of first appearance.
func trainingVocab(c *notebook.Cell) (string, *tf.Vocab, error) {
	text, err := trainingText(c)
	if err != nil {
		return "", nil, err
	}
	vocab, err := tf.NewVocab(text)
	return text, vocab, err
}

// demoWindow returns the first n characters of text (all of them if it is
// shorter) and their token ids: the window every D5 chapter shows.
func demoWindow(text string, vocab *tf.Vocab, n int) ([]rune, []int, error) {
	window := []rune(text)
	window = window[:min(len(window), n)]
	ids, err := vocab.Encode(string(window), "tf.text")
	return window, ids, err
}
