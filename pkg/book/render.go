package book

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"

	"tinynets/pkg/notebook"
	"tinynets/pkg/tensor"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets/book.css
var bookCSS string

// Book is the book's chapters with what is needed to render them.
type Book struct {
	Title     string              // shown on every page
	Chapters  []*notebook.Chapter // in reading order
	Sources   fs.FS               // the chapter files, as chapters.Sources
	SourceDir string              // their folder in the repository, as book.json names them ("chapters")
	Params    *notebook.Params    // the book's parameters, already set and validated
	Command   string              // the command that builds the book, as pages quote it ("go run ./cmd/build-book")
}

// renderer turns results into pages. It is made once per build.
type renderer struct {
	book    *Book
	md      goldmark.Markdown
	tmpl    *template.Template
	sources map[string]*chapterSource // by chapter id
}

func (b *Book) newRenderer() (*renderer, error) {
	r := &renderer{book: b, md: newMarkdown(), sources: map[string]*chapterSource{}}
	t, err := template.New("book").Funcs(template.FuncMap{
		"shape": tensor.ShapeString,
	}).ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	r.tmpl = t
	if err := b.check(r); err != nil {
		return nil, err
	}
	return r, nil
}

// Check parses every chapter's file and finds every section's function,
// so that a chapter that cannot be shown fails before anything runs.
func (b *Book) Check() error {
	_, err := b.newRenderer()
	return err
}

func (b *Book) check(r *renderer) error {
	chapterIDs := map[string]bool{}
	sectionIDs := map[string]string{}
	for _, ch := range b.Chapters {
		if ch.ID == "" {
			return fmt.Errorf("a chapter titled %q has no id", ch.Title)
		}
		if chapterIDs[ch.ID] {
			return fmt.Errorf("chapter id %s is used twice", ch.ID)
		}
		chapterIDs[ch.ID] = true
		for _, s := range ch.Sections {
			if s.ID == "" {
				return fmt.Errorf("chapter %s: section %q has no id", ch.ID, s.Title)
			}
			if prev, dup := sectionIDs[s.ID]; dup {
				return fmt.Errorf("chapter %s, section %s: the id is also used in chapter %s", ch.ID, s.ID, prev)
			}
			if reservedAnchors[anchor(s.ID)] {
				return fmt.Errorf("chapter %s, section %s: the id is one the page itself uses", ch.ID, s.ID)
			}
			sectionIDs[s.ID] = ch.ID
		}
		src, err := parseChapter(b.Sources, ch)
		if err != nil {
			return err
		}
		r.sources[ch.ID] = src
	}
	return nil
}

// reservedAnchors are the element ids a chapter page uses for itself.
var reservedAnchors = map[string]bool{"top": true, "intro": true, "params": true, "python": true, "contents": true}

var anchorRE = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// anchor is the element id of a section: its id with anything but
// letters, digits, '.', '_' and '-' replaced by '-'.
func anchor(id string) string { return anchorRE.ReplaceAllString(id, "-") }

// Page data. Everything of type string is escaped by html/template;
// template.HTML comes only from goldmark (raw HTML escaped) and chroma.

type pageData struct {
	Book    string // the book's title
	Title   string // this page's title
	Nav     string // which top-level page this is: "index", "report", "about" or ""
	Chapter *chapterView
	Index   *indexView
	Report  *reportView
	About   *aboutView
}

type aboutView struct{ SeedTitle, SeedVersion string }

type chapterView struct {
	ID, Title, Seed, Source string
	Intro                   template.HTML
	Sections                []sectionView
	Params                  []paramView
	Command                 string
	Prev, Next              *linkView
	Python                  template.HTML
}

type linkView struct{ Href, Label string }

type paramView struct{ Key, Value, Default, Help string }

type sectionView struct {
	ID, Title, Anchor string
	Func              string
	Source            string // file:line of the function
	Prose             template.HTML
	Code              template.HTML
	Outputs           []outputView
}

type outputView struct {
	Kind     string
	Volatile bool
	Text     string        // text
	HTML     template.HTML // markdown, rendered
	Table    *tableView
	File     string // figure
	Alt      string
	Caption  string
	Tensor   *tensorView
}

type tensorView struct {
	Name, Shape, DType, NPY, Image string
	Grid                           *tableView
}

type tableView struct {
	Compact bool // many narrow columns (a grid of numbers): small monospace cells
	Caption string
	Header  []cellView
	Rows    [][]cellView
}

type cellView struct {
	Text     string
	Volatile bool
}

// chapterPage builds the view of one chapter's page.
func (r *renderer) chapterPage(res *notebook.ChapterResult) (*chapterView, error) {
	ch := res.Chapter
	src := r.sources[ch.ID]
	if src == nil {
		return nil, fmt.Errorf("chapter %s is not one of the book's chapters", ch.ID)
	}
	v := &chapterView{ID: ch.ID, Title: ch.Title, Seed: ch.Seed, Source: r.sourcePath(ch)}
	var err error
	if v.Intro, err = r.markdown(src.Intro); err != nil {
		return nil, fmt.Errorf("chapter %s: intro: %w", ch.ID, err)
	}
	for i, s := range ch.Sections {
		ss := src.Sections[i]
		sv := sectionView{ID: s.ID, Title: s.Title, Anchor: anchor(s.ID), Func: ss.Func,
			Source: fmt.Sprintf("%s:%d", v.Source, ss.Line)}
		if sv.Prose, err = r.markdown(ss.Prose); err != nil {
			return nil, fmt.Errorf("chapter %s, section %s: prose: %w", ch.ID, s.ID, err)
		}
		if sv.Code, err = highlightGo(ss.Code); err != nil {
			return nil, fmt.Errorf("chapter %s, section %s: code: %w", ch.ID, s.ID, err)
		}
		if i < len(res.Sections) {
			for _, o := range res.Sections[i].Outputs {
				ov, err := r.output(o)
				if err != nil {
					return nil, fmt.Errorf("chapter %s, section %s: %w", ch.ID, s.ID, err)
				}
				sv.Outputs = append(sv.Outputs, ov)
			}
		}
		v.Sections = append(v.Sections, sv)
	}
	for _, p := range res.Used {
		v.Params = append(v.Params, paramView{Key: p.Key, Value: p.Value(), Default: p.Default, Help: p.Help})
	}
	v.Command = r.rerunCommand(res)
	for i, c := range r.book.Chapters {
		if c.ID != ch.ID {
			continue
		}
		if i > 0 {
			p := r.book.Chapters[i-1]
			v.Prev = &linkView{Href: p.Page(), Label: p.ID + " " + p.Title}
		}
		if i+1 < len(r.book.Chapters) {
			n := r.book.Chapters[i+1]
			v.Next = &linkView{Href: n.Page(), Label: n.ID + " " + n.Title}
		}
	}
	if len(res.Tensors) > 0 {
		if v.Python, err = highlight("python", pythonSnippet(res.Tensors)); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (r *renderer) sourcePath(ch *notebook.Chapter) string {
	return strings.TrimPrefix(r.book.SourceDir+"/"+ch.File, "/")
}

// rerunCommand is the command that rebuilds this chapter with the values
// it ran with: a -set for each parameter it read that is not at its default.
func (r *renderer) rerunCommand(res *notebook.ChapterResult) string {
	parts := []string{r.book.Command, "-chapter", shellQuote(res.Chapter.ID)}
	for _, p := range res.Used {
		if p.Changed() {
			parts = append(parts, "-set", shellQuote(p.Key+"="+p.Value()))
		}
	}
	return strings.Join(parts, " ")
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./=:,+@%-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (r *renderer) output(o notebook.Output) (outputView, error) {
	v := outputView{Kind: string(o.Kind), Volatile: o.Volatile, Alt: o.Alt, Caption: o.Caption}
	switch o.Kind {
	case notebook.Text:
		v.Text = o.Text
	case notebook.Markdown:
		h, err := r.markdown(o.Text)
		if err != nil {
			return v, err
		}
		v.HTML = h
	case notebook.TableOut:
		if o.Table == nil {
			return v, fmt.Errorf("a table output has no table")
		}
		v.Table = newTableView(o.Table)
	case notebook.Figure:
		v.File = o.File
	case notebook.TensorOut:
		t := o.Tensor
		if t == nil {
			return v, fmt.Errorf("a tensor output has no tensor")
		}
		v.Tensor = &tensorView{Name: t.Name, Shape: tensor.ShapeString(t.Shape), DType: t.DType, NPY: t.File, Image: t.Image}
		if t.Grid != nil {
			v.Tensor.Grid = newTableView(t.Grid)
			v.Tensor.Grid.Compact = true
		}
	default:
		return v, fmt.Errorf("unknown output kind %q", o.Kind)
	}
	return v, nil
}

func newTableView(t *notebook.Table) *tableView {
	vol := map[int]bool{}
	for _, c := range t.Volatile {
		vol[c] = true
	}
	// compactColumns is the most columns a table shows in the normal style.
	const compactColumns = 8
	tv := &tableView{Caption: t.Caption, Compact: len(t.Header) > compactColumns}
	for j, h := range t.Header {
		tv.Header = append(tv.Header, cellView{Text: h, Volatile: vol[j]})
	}
	for _, row := range t.Rows {
		var cells []cellView
		if len(row) > compactColumns {
			tv.Compact = true
		}
		for j, c := range row {
			cells = append(cells, cellView{Text: c, Volatile: vol[j]})
		}
		tv.Rows = append(tv.Rows, cells)
	}
	return tv
}

// pythonSnippet loads a page's tensors with NumPy and PyTorch.
func pythonSnippet(recs []notebook.TensorRecord) string {
	var b strings.Builder
	b.WriteString("# Run from the book's folder, the one that holds index.html.\n")
	b.WriteString("import numpy as np\nimport torch\n\nfiles = {\n")
	for _, t := range recs {
		fmt.Fprintf(&b, "    %s: %s,  # %s %s\n", strconv.Quote(t.Name), strconv.Quote(t.File), tensor.ShapeString(t.Shape), t.DType)
	}
	b.WriteString("}\n")
	b.WriteString("arrays = {name: np.load(path) for name, path in files.items()}\n")
	b.WriteString("tensors = {name: torch.from_numpy(a) for name, a in arrays.items()}\n")
	b.WriteString("for name, t in tensors.items():\n")
	b.WriteString("    print(name, tuple(t.shape), t.dtype)\n")
	return b.String()
}

// execute renders a page template to a file under dir.
func (r *renderer) execute(dir, name, tmpl string, data *pageData) error {
	data.Book = r.book.Title
	var b bytes.Buffer
	if err := r.tmpl.ExecuteTemplate(&b, tmpl, data); err != nil {
		return fmt.Errorf("rendering %s: %w", name, err)
	}
	return writeFile(dir, name, b.Bytes())
}

func writeFile(dir, name string, data []byte) error {
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
