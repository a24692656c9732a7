package book

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	gmrenderer "github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// The two chroma styles of the book's code: one for light pages, one for
// prefers-color-scheme: dark. Code is highlighted with CSS classes, never
// inline colours, so the stylesheet can switch between them.
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

// chromaOptions are the formatter options shared by section code and the
// fenced code blocks of prose.
func chromaOptions() []chromahtml.Option {
	return []chromahtml.Option{chromahtml.WithClasses(true), chromahtml.TabWidth(4)}
}

// newMarkdown returns the book's Markdown converter: CommonMark with GFM
// (tables, strikethrough, autolinks, task lists) and highlighted fenced code.
// Raw HTML is never passed through: it is shown as the text it is, and
// goldmark's own renderer drops dangerous link targets (javascript: and such).
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			highlighting.NewHighlighting(
				highlighting.WithStyle(lightStyle),
				highlighting.WithFormatOptions(chromaOptions()...),
			),
		),
		goldmark.WithRendererOptions(
			gmrenderer.WithNodeRenderers(util.Prioritized(rawHTMLAsText{}, 100)),
		),
	)
}

// rawHTMLAsText renders the HTML that Markdown allows inline or as a
// block as escaped text, so that "<script>" in a doc comment or in a
// captured string reads as those characters and runs nothing.
type rawHTMLAsText struct{}

func (rawHTMLAsText) RegisterFuncs(reg gmrenderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := n.(*ast.RawHTML).Segments
			for i := 0; i < segs.Len(); i++ {
				seg := segs.At(i)
				template.HTMLEscape(w, seg.Value(src))
			}
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		b := n.(*ast.HTMLBlock)
		if entering {
			w.WriteString(`<pre class="raw-html">`)
			lines := b.Lines()
			for i := 0; i < lines.Len(); i++ {
				line := lines.At(i)
				template.HTMLEscape(w, line.Value(src))
			}
			if b.HasClosure() {
				template.HTMLEscape(w, b.ClosureLine.Value(src))
			}
			w.WriteString("</pre>\n")
		}
		return ast.WalkSkipChildren, nil
	})
}

// markdown renders Markdown text to safe HTML.
func (r *renderer) markdown(text string) (template.HTML, error) {
	var b bytes.Buffer
	if err := r.md.Convert([]byte(text), &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// highlightGo renders Go source as highlighted, escaped HTML.
func highlightGo(code string) (template.HTML, error) { return highlight("go", code) }

// highlight renders code in a language chroma knows as highlighted,
// escaped HTML.
func highlight(lang, code string) (template.HTML, error) {
	lexer := lexers.Get(lang)
	if lexer == nil {
		return "", fmt.Errorf("chroma has no lexer for %s", lang)
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := chromahtml.New(chromaOptions()...).Format(&b, styles.Get(lightStyle), it); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// codeCSS returns the stylesheet of highlighted code: the light style, and
// the dark one inside a prefers-color-scheme media query.
func codeCSS() (string, error) {
	f := chromahtml.New(chromaOptions()...)
	var light, dark bytes.Buffer
	if err := f.WriteCSS(&light, styles.Get(lightStyle)); err != nil {
		return "", err
	}
	if err := f.WriteCSS(&dark, styles.Get(darkStyle)); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("/* Code colours: chroma's " + lightStyle + " style, and " + darkStyle + " in dark mode. */\n")
	// The light rules must not apply in dark mode, where the dark style
	// leaves some token classes unset and the light colours would show.
	b.WriteString("@media not all and (prefers-color-scheme: dark) {\n")
	b.WriteString(light.String())
	b.WriteString("}\n")
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	b.WriteString(dark.String())
	b.WriteString("}\n")
	return b.String(), nil
}
