package book

// This file is the test book's chapter file: the test chapters' sections
// are its functions, and the renderer reads their prose and code from it,
// as it reads the real chapters from chapters/.

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"time"

	"tinynets/pkg/notebook"
	"tinynets/pkg/tensor"
)

var testParams = notebook.NewParams()

var (
	testName  = testParams.String("test.name", "world", "any text", "who the greeting is for", nil)
	testScale = testParams.Int("test.scale", 2, 1, 9, "how many times to repeat")
)

// The test chapter opens with *Markdown*: a table,
//
// | kind | shown as |
// |------|----------|
// | text | pre      |
//
// and raw HTML such as <b>bold</b>, which must show as text.
var testSeed = "T"

// testGreet greets whoever **test.name** names.
//
// The greeting is printed, and so is how long it took.
func testGreet(c *notebook.Cell) error {
	start := time.Now()
	c.Printf("hello, %s\n", testName.Get(c))
	c.Measuredf("greeting took %v\n", time.Since(start))
	return nil
}

// testShow captures one output of every kind, in this order: prose,
// a table, a figure and a tensor.
func testShow(c *notebook.Cell) error {
	start := time.Now()
	n := testScale.Get(c)
	c.Markdownf("The scale is **%d** and the name is %s.", n, notebook.Escape(testName.Get(c)))
	c.Table(notebook.Table{
		Caption:  "Names and times",
		Header:   []string{"name", "scale", "time"},
		Rows:     [][]string{{testName.Get(c), "2", time.Now().Format(time.RFC3339Nano)}},
		Volatile: []int{2},
	})
	if err := c.Figure("demo/square", square{n: n}, "a grey square", "A square drawn by the test."); err != nil {
		return err
	}
	ramp := tensor.New(2, 3)
	for i := range ramp.Data {
		ramp.Data[i] = float32(i * n)
	}
	if err := c.Tensor("demo/ramp", ramp, notebook.Caption("A ramp.")); err != nil {
		return err
	}
	c.Model("demo", map[string]any{"scale": n})
	c.Timing("demo.show.seconds", time.Since(start).Seconds())
	return nil
}

// testCount prints the scale.
func testCount(c *notebook.Cell) error {
	c.Printf("scale %d\n", testScale.Get(c))
	return nil
}

// testFail returns an error.
func testFail(c *notebook.Cell) error {
	c.Println("about to fail")
	return errors.New("the test failure")
}

// testPanic panics.
func testPanic(c *notebook.Cell) error {
	rows := []int{1, 2, 3}
	c.Println(rows[testScale.Int()+10]) // a real runtime panic: index out of range
	return nil
}

// testBlock tells the test it started, then waits until the test lets it go.
func testBlock(c *notebook.Cell) error {
	close(testBlockStarted)
	<-testBlockRelease
	return nil
}

var testBlockStarted, testBlockRelease chan struct{}

// square is a small grey image of side 4n.
type square struct{ n int }

func (s square) PNG() ([]byte, error) {
	img := image.NewGray(image.Rect(0, 0, 4*s.n, 4*s.n))
	for i := range img.Pix {
		img.Pix[i] = uint8(16 * (i % 16))
	}
	img.SetGray(0, 0, color.Gray{Y: 255})
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// testChapter makes a chapter of this file with the given sections.
func testChapter(id, title string, sections ...notebook.Section) *notebook.Chapter {
	return &notebook.Chapter{ID: id, Title: title, Seed: testSeed + " " + title, File: "chapter_test.go", Intro: "testSeed", Sections: sections}
}

func greetChapter() *notebook.Chapter {
	return testChapter("T.1", "Greeting",
		notebook.Section{ID: "T.1-a", Title: "Greet", Run: testGreet},
		notebook.Section{ID: "T.1-b", Title: "Show", Run: testShow})
}

func countChapter() *notebook.Chapter {
	return testChapter("T.2", "Counting", notebook.Section{ID: "T.2-a", Title: "Count", Run: testCount})
}

// testBook is a book of the given chapters, read from this package's folder.
func testBook(chs ...*notebook.Chapter) *Book {
	return &Book{Title: "Test book", Chapters: chs, Sources: os.DirFS("."), SourceDir: "pkg/book",
		Params: testParams, Command: "go run ./cmd/build-book"}
}
