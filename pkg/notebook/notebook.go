// Package notebook runs the book's chapters as notebooks: a chapter is a list
// of sections, each an ordinary Go function tied to one heading of the seed
// document, run in order, and everything a section shows (text, tables,
// tensors, figures) is captured in order as Outputs for the renderer.
//
// The notebook knows nothing of HTML: pkg/book turns the captured outputs,
// together with each section's doc comment and source, into pages.
package notebook

import (
	"fmt"
	"strings"
)

// Section is one runnable cell of a chapter.
//
// Its prose is the doc comment of the function Run points to, in Markdown,
// and its code is that function's source: Run must be a top-level function
// of the chapter file, not a closure, so the renderer can find both.
type Section struct {
	ID    string // unique in the book, e.g. "2.2.1-D4"
	Title string // heading shown in the page
	Run   func(c *Cell) error
}

// Chapter is one page of the book, tied to one heading of the seed.
type Chapter struct {
	ID       string // "2.2"; also the -chapter flag's value
	Title    string // "Layer 1: context sharing and storyline"
	Seed     string // the seed heading it follows, e.g. "2.2 Layer 1"
	File     string // the chapter's Go source file, relative to chapters/
	Intro    string // name of the variable whose doc comment opens the page
	Sections []Section
}

// Slug is the chapter's file-name stem in the output folder.
func (ch *Chapter) Slug() string {
	var b strings.Builder
	b.WriteString("chapter-")
	for _, r := range ch.ID {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteRune('-')
		}
	}
	return b.String()
}

// Page is the chapter's HTML file name.
func (ch *Chapter) Page() string { return ch.Slug() + ".html" }

// Kind says what an Output is.
type Kind string

// The kinds of output a section can capture.
const (
	Text      Kind = "text"     // preformatted text, as printed
	Markdown  Kind = "markdown" // prose computed by the section (numbers from the run)
	TableOut  Kind = "table"    // a table
	Figure    Kind = "figure"   // an image file (PNG or SVG)
	TensorOut Kind = "tensor"   // a tensor: .npy file, heatmap, maybe a value grid
)

// Output is one captured item, in the order the section produced it.
type Output struct {
	Kind     Kind
	Text     string // Text and Markdown: the content
	Volatile bool   // Text and Markdown: a measured value (a time), masked in comparisons
	Table    *Table // TableOut (also a tensor's value grid)
	File     string // Figure: image path relative to the output folder
	Alt      string // Figure and TensorOut: alt text
	Caption  string // Figure and TensorOut: caption under the image
	Tensor   *TensorRecord
}

// Table is a captured table. Cells are plain text; the renderer escapes them.
type Table struct {
	Caption  string
	Header   []string
	Rows     [][]string
	Volatile []int // indexes of columns that hold measured values (times)
}

// TensorRecord describes a captured tensor, as listed in book.json.
type TensorRecord struct {
	Name    string `json:"name"`    // e.g. "cnn/conv1.weight"
	Shape   []int  `json:"shape"`   // PyTorch layout
	DType   string `json:"dtype"`   // NumPy spelling: "float32", "int64"
	File    string `json:"file"`    // .npy path relative to the output folder
	Chapter string `json:"chapter"` // chapter id
	Section string `json:"section"` // section id
	Image   string `json:"-"`       // heatmap path, if drawn
	Grid    *Table `json:"-"`       // value grid, if small enough to read
}

// PlotRecord describes a captured figure, as listed in book.json.
type PlotRecord struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Chapter string `json:"chapter"`
	Section string `json:"section"`
	Alt     string `json:"alt"`
}

// SectionError is the error of a section that failed or panicked.
type SectionError struct {
	Chapter, Section string
	Err              error
}

func (e *SectionError) Error() string {
	return fmt.Sprintf("chapter %s, section %s: %v", e.Chapter, e.Section, e.Err)
}

func (e *SectionError) Unwrap() error { return e.Err }
