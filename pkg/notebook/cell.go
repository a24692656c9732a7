package notebook

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"tinynets/pkg/tensor"
)

// Cell is what a running section sees: it captures what the section shows
// and gives it the book's parameters, cache and progress bars.
type Cell struct {
	run     *chapterRun
	section *Section
	outputs []Output
}

// Image is anything that renders to PNG, such as a *plots.Figure.
type Image interface {
	PNG() ([]byte, error)
}

// Chapter returns the id of the chapter being run.
func (c *Cell) Chapter() string { return c.run.chapter.ID }

// Section returns the id of the section being run.
func (c *Cell) Section() string { return c.section.ID }

// Printf captures printed text, as fmt.Printf would print it.
func (c *Cell) Printf(format string, args ...any) {
	c.text(fmt.Sprintf(format, args...), false)
}

// Println captures printed text, as fmt.Println would print it.
func (c *Cell) Println(args ...any) {
	c.text(fmt.Sprintln(args...), false)
}

// Measuredf captures printed text that holds a measured value (a time, a
// speed). It is marked volatile, so comparisons of two builds mask it.
func (c *Cell) Measuredf(format string, args ...any) {
	c.text(fmt.Sprintf(format, args...), true)
}

func (c *Cell) text(s string, volatile bool) {
	c.run.echo(s)
	if n := len(c.outputs); n > 0 && c.outputs[n-1].Kind == Text && c.outputs[n-1].Volatile == volatile {
		c.outputs[n-1].Text += s
		return
	}
	c.outputs = append(c.outputs, Output{Kind: Text, Text: s, Volatile: volatile})
}

// Markdownf captures prose computed by the run, such as a sentence that
// quotes a measured accuracy. Values that come from outside the code (a
// text parameter, a sample of the training text) must go through Escape.
func (c *Cell) Markdownf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	c.run.echo(s + "\n")
	c.outputs = append(c.outputs, Output{Kind: Markdown, Text: s})
}

// MeasuredMarkdownf is Markdownf for prose that holds a measured time.
func (c *Cell) MeasuredMarkdownf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	c.run.echo(s + "\n")
	c.outputs = append(c.outputs, Output{Kind: Markdown, Text: s, Volatile: true})
}

// Escape makes s safe to quote inside Markdown: it becomes inline code, so
// characters such as <, * and ` show as themselves.
func Escape(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || s == "" {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// Table captures a table.
func (c *Cell) Table(t Table) {
	if c.run.echoTo != nil {
		var b bytes.Buffer
		if t.Caption != "" {
			fmt.Fprintln(&b, t.Caption)
		}
		fmt.Fprintln(&b, strings.Join(t.Header, "\t"))
		for _, r := range t.Rows {
			fmt.Fprintln(&b, strings.Join(r, "\t"))
		}
		c.run.echo(b.String())
	}
	tt := t
	c.outputs = append(c.outputs, Output{Kind: TableOut, Table: &tt})
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*$`)

func checkName(what, name string) {
	if !nameRE.MatchString(name) || strings.Contains(name, "..") {
		panic(fmt.Sprintf("notebook: %s name %q: use letters, digits, _ . - and / between parts", what, name))
	}
}

// Figure renders img to PNG and captures it under name (a path-like name
// such as "cnn/loss"), with alt text for readers who cannot see it.
// Figure panics if name is not a valid name or alt is empty.
func (c *Cell) Figure(name string, img Image, alt, caption string) error {
	data, err := img.PNG()
	if err != nil {
		return fmt.Errorf("figure %s: %w", name, err)
	}
	return c.File(name, ".png", data, alt, caption)
}

// File captures an image that is already rendered (ext ".png" or ".svg").
// File panics if name is not a valid name, ext is not an image or alt is empty.
func (c *Cell) File(name, ext string, data []byte, alt, caption string) error {
	checkName("figure", name)
	if ext != ".png" && ext != ".svg" {
		panic("notebook: figure extension must be .png or .svg, not " + ext)
	}
	if strings.TrimSpace(alt) == "" {
		panic("notebook: figure " + name + " has no alt text")
	}
	rel := filepath.ToSlash(filepath.Join(c.run.chapter.Slug(), "figures", name+ext))
	if err := c.run.write(rel, data); err != nil {
		return err
	}
	c.run.plots = append(c.run.plots, PlotRecord{Name: name, File: rel, Chapter: c.run.chapter.ID, Section: c.section.ID, Alt: alt})
	c.outputs = append(c.outputs, Output{Kind: Figure, File: rel, Alt: alt, Caption: caption})
	c.run.echo(fmt.Sprintf("[figure %s: %s]\n", rel, alt))
	return nil
}

// TensorOption changes how a captured tensor is drawn.
type TensorOption func(*tensorView)

type tensorView struct {
	signed     bool     // diverging palette centred on zero
	grey       bool     // greyscale, for images
	noImage    bool     // save the .npy only
	noGrid     bool     // never show the value grid
	caption    string   // caption under the drawing
	xLabels    []string // tick labels of the last axis
	yLabels    []string // tick labels of the second to last axis
	tileCaps   []string // captions of the tiles of a 3-D or 4-D tensor
	cols       int      // tiles per row
	format     string   // value-grid number format
	drawAs     []int    // shape to draw the values in, if not the tensor's own
	scaleLabel string   // label of the colour bar
}

// Signed draws the tensor with a diverging palette centred on zero, for
// values of both signs such as weights and logits.
func Signed() TensorOption { return func(v *tensorView) { v.signed = true } }

// Grey draws the tensor in greyscale, as an image.
func Grey() TensorOption { return func(v *tensorView) { v.grey = true } }

// NoImage saves the tensor's .npy without drawing it.
func NoImage() TensorOption { return func(v *tensorView) { v.noImage = true } }

// NoGrid never shows the tensor's values as a table.
func NoGrid() TensorOption { return func(v *tensorView) { v.noGrid = true } }

// Caption sets the caption under the tensor's drawing.
func Caption(s string) TensorOption { return func(v *tensorView) { v.caption = s } }

// Labels sets tick labels for the columns (x) and rows (y) of a 2-D tensor.
func Labels(x, y []string) TensorOption {
	return func(v *tensorView) { v.xLabels, v.yLabels = x, y }
}

// TileCaptions names the tiles of a 3-D (C, H, W) or 4-D tensor.
func TileCaptions(caps []string) TensorOption { return func(v *tensorView) { v.tileCaps = caps } }

// Columns sets how many tiles a row of a tiled drawing has.
func Columns(n int) TensorOption { return func(v *tensorView) { v.cols = n } }

// DrawAs draws the tensor's values in another shape (the .npy keeps the
// real one), for example a flat 784-vector as (16, 7, 7) maps.
func DrawAs(shape ...int) TensorOption { return func(v *tensorView) { v.drawAs = shape } }

// ScaleLabel names what the colour bar measures.
func ScaleLabel(s string) TensorOption { return func(v *tensorView) { v.scaleLabel = s } }

// Format sets the number format of the value grid, such as "%.2f".
func Format(f string) TensorOption { return func(v *tensorView) { v.format = f } }

// Tensor captures a tensor under name (such as "cnn/conv1.weight"): it is
// saved as .npy, listed in book.json, drawn as a heatmap with a colour bar,
// and shown as a value grid when small enough to read.
// Tensor panics if name is not a valid name or was captured before.
func (c *Cell) Tensor(name string, a tensor.Array, opts ...TensorOption) error {
	checkName("tensor", name)
	if c.run.tensorNames[name] {
		panic("notebook: tensor " + name + " captured twice")
	}
	c.run.tensorNames[name] = true
	view := tensorView{format: "%.3g"}
	for _, o := range opts {
		o(&view)
	}
	base := filepath.ToSlash(filepath.Join(c.run.chapter.Slug(), "tensors", name))
	var npy bytes.Buffer
	if err := a.WriteNPY(&npy); err != nil {
		return fmt.Errorf("tensor %s: %w", name, err)
	}
	if err := c.run.write(base+".npy", npy.Bytes()); err != nil {
		return err
	}
	rec := TensorRecord{Name: name, Shape: append([]int{}, a.Dims()...), DType: a.DType(), File: base + ".npy",
		Chapter: c.run.chapter.ID, Section: c.section.ID}
	alt := fmt.Sprintf("tensor %s, shape %s", name, tensor.ShapeString(a.Dims()))
	if !view.noImage {
		png, err := drawTensor(a, view)
		if err != nil {
			return fmt.Errorf("tensor %s: %w", name, err)
		}
		if png != nil {
			if err := c.run.write(base+".png", png); err != nil {
				return err
			}
			rec.Image = base + ".png"
		}
	}
	if !view.noGrid {
		rec.Grid = valueGrid(a, view)
	}
	c.run.tensors = append(c.run.tensors, rec)
	r := rec
	c.outputs = append(c.outputs, Output{Kind: TensorOut, Tensor: &r, Alt: alt, Caption: view.caption})
	c.run.echo(fmt.Sprintf("[tensor %s %s %s]\n", name, tensor.ShapeString(a.Dims()), a.DType()))
	return nil
}

// maxGridCells is the largest tensor shown as a table of values.
const maxGridCells = 28 * 28

func valueGrid(a tensor.Array, view tensorView) *Table {
	dims := a.Dims()
	vals := a.Float64s()
	var rows, cols int
	switch len(dims) {
	case 1:
		rows, cols = 1, dims[0]
	case 2:
		rows, cols = dims[0], dims[1]
	default:
		return nil
	}
	if rows*cols > maxGridCells || cols > 28 || rows*cols == 0 {
		return nil
	}
	format := view.format
	if a.DType() == "int64" {
		format = "%.0f"
	}
	t := &Table{}
	if len(view.xLabels) == cols {
		t.Header = append([]string{""}, view.xLabels...)
	}
	for i := 0; i < rows; i++ {
		row := make([]string, 0, cols+1)
		if t.Header != nil {
			label := ""
			if len(view.yLabels) == rows {
				label = view.yLabels[i]
			}
			row = append(row, label)
		}
		for j := 0; j < cols; j++ {
			row = append(row, fmt.Sprintf(format, vals[i*cols+j]))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// Model merges fields into book.json's models[key].
func (c *Cell) Model(key string, fields map[string]any) {
	m := c.run.models[key]
	if m == nil {
		m = map[string]any{}
		c.run.models[key] = m
	}
	for k, v := range fields {
		m[k] = v
	}
}

// Timing records a measured value under book.json's timings, at a dotted
// path such as "cnn.seconds".
func (c *Cell) Timing(path string, v float64) {
	c.run.timings[path] = v
}

// Progress returns a progress callback for long work, drawn as a bar on the
// terminal; it draws nothing when the output is not a terminal.
func (c *Cell) Progress(desc string) func(done, total int) {
	return c.run.runner.progress(desc)
}

func (c *Cell) use(p *Param) {
	c.run.used[p.Key] = true
}

func writeFile(root, rel string, data []byte) error {
	path := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
