package book

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"tinynets/pkg/notebook"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from what the renderer produces")

// goldenCase is one case of testdata/render.golden: an input (Markdown
// text, or an output as JSON) and the HTML fragment it renders to.
type goldenCase struct {
	name, kind, input, html string
}

// The golden file is a list of cases, each
//
//	### name
//	-- markdown -- (or -- output --)
//	input lines
//	-- html --
//	expected lines
func readGolden(t *testing.T, path string) []goldenCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	var cur *goldenCase
	var part *string
	for _, line := range strings.SplitAfter(string(data), "\n") {
		switch trimmed := strings.TrimRight(line, "\n"); {
		case strings.HasPrefix(trimmed, "### "):
			cases = append(cases, goldenCase{name: strings.TrimPrefix(trimmed, "### ")})
			cur, part = &cases[len(cases)-1], nil
		case cur != nil && (trimmed == "-- markdown --" || trimmed == "-- output --"):
			cur.kind = strings.Trim(trimmed, "- ")
			part = &cur.input
		case cur != nil && trimmed == "-- html --":
			part = &cur.html
		case part != nil:
			*part += line
		}
	}
	return cases
}

func writeGolden(t *testing.T, path string, cases []goldenCase) {
	var b strings.Builder
	b.WriteString("# Golden cases of the renderer: each input and, under it, the HTML it renders to.\n")
	b.WriteString("# Regenerate with: go test ./pkg/book -run TestGolden -update (then read the diff).\n")
	for _, c := range cases {
		b.WriteString("\n### " + c.name + "\n-- " + c.kind + " --\n" + c.input + "-- html --\n" + c.html)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goldenOutput is an output as a golden case writes it: the tensor's
// drawing and value grid are spelled out because book.json leaves them out.
type goldenOutput struct {
	notebook.Output
	Image string
	Grid  *notebook.Table
}

func TestGolden(t *testing.T) {
	const path = "testdata/render.golden"
	cases := readGolden(t, path)
	if len(cases) < 10 {
		t.Fatalf("%s has %d cases; it should have every kind of input", path, len(cases))
	}
	r, err := testBook().newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for i := range cases {
		c := &cases[i]
		var got string
		switch c.kind {
		case "markdown":
			h, err := r.markdown(c.input)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			got = string(h)
		case "output":
			var g goldenOutput
			dec := json.NewDecoder(strings.NewReader(c.input))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&g); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if g.Tensor != nil {
				g.Tensor.Image, g.Tensor.Grid = g.Image, g.Grid
			}
			v, err := r.output(g.Output)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var b bytes.Buffer
			if err := r.tmpl.ExecuteTemplate(&b, "output", v); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			got = b.String()
		default:
			t.Fatalf("case %s has no input", c.name)
		}
		if *update {
			c.html = strings.TrimRight(got, "\n") + "\n"
			continue
		}
		if strings.TrimRight(got, "\n") != strings.TrimRight(c.html, "\n") {
			t.Errorf("case %s:\ngot:\n%s\nwant:\n%s", c.name, got, c.html)
		}
	}
	if *update {
		writeGolden(t, path, cases)
	}
}

// Nothing a section captures or a reader sets can add markup to a page.
func TestCapturedTextIsEscaped(t *testing.T) {
	t.Cleanup(testParams.Reset)
	const attack = `<script>alert(1)</script>`
	if err := testParams.Set("test.name=" + attack); err != nil {
		t.Fatal(err)
	}
	b := testBook(greetChapter())
	r, err := b.newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	runner := &notebook.Runner{Out: t.TempDir(), Params: testParams}
	res, err := runner.Run(greetChapter())
	if err != nil {
		t.Fatal(err)
	}
	// Markdown that quotes the value without Escape, as a careless section might.
	res.Sections[1].Outputs = append(res.Sections[1].Outputs,
		notebook.Output{Kind: notebook.Markdown, Text: "unescaped: " + attack + "\n\n" + attack + "\n\n[link](javascript:alert(1))"},
		notebook.Output{Kind: notebook.Figure, File: "x.png", Alt: attack, Caption: attack})
	dir := t.TempDir()
	if err := r.writeChapter(dir, res); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(dir + "/" + res.Chapter.Page())
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	if strings.Contains(strings.ToLower(html), "<script") {
		t.Errorf("the page holds a script element:\n%s", html)
	}
	if strings.Contains(html, "javascript:") {
		t.Errorf("the page holds a javascript: link")
	}
	const shown = "&lt;script&gt;alert(1)&lt;/script&gt;"
	for _, where := range []string{
		"<pre class=\"out-text\">hello, " + shown, // printed text
		"<td><code>" + shown + "</code></td>",     // the parameters table
		"<td>" + shown + "</td>",                  // a table cell
		"unescaped: " + shown,                     // inline raw HTML in Markdown
		`<pre class="raw-html">` + shown,          // a raw HTML block in Markdown
		`alt="` + shown + `"`,                     // alt text
		"-set &#39;test.name=" + shown + "&#39;",  // the command, shell-quoted
	} {
		if !strings.Contains(html, where) {
			t.Errorf("the page does not show the characters in %s", where)
		}
	}
}

func TestCheckFindsEverySectionInItsFile(t *testing.T) {
	closure := func(c *notebook.Cell) error { return nil }
	var m method
	for _, tc := range []struct {
		name string
		ch   *notebook.Chapter
		want string
	}{
		{"closure", testChapter("T.9", "Bad", notebook.Section{ID: "T.9-a", Title: "Closure", Run: closure}),
			"chapter T.9, section T.9-a: Run is tinynets/pkg/book.TestCheckFindsEverySectionInItsFile.func1, not a top-level function"},
		{"method", testChapter("T.9", "Bad", notebook.Section{ID: "T.9-b", Title: "Method", Run: m.run}),
			"chapter T.9, section T.9-b: Run is tinynets/pkg/book.method.run-fm, not a top-level function"},
		{"other file", testChapter("T.9", "Bad", notebook.Section{ID: "T.9-c", Title: "Elsewhere", Run: elsewhere}),
			"chapter T.9, section T.9-c: Run is tinynets/pkg/book.elsewhere, declared in render_test.go, not in the chapter's file chapter_test.go"},
		{"nil", testChapter("T.9", "Bad", notebook.Section{ID: "T.9-d", Title: "Nil"}),
			"chapter T.9, section T.9-d: Run is nil"},
		{"no intro", &notebook.Chapter{ID: "T.9", File: "chapter_test.go", Intro: "noSuchVar"},
			`chapter T.9: its Intro "noSuchVar" is not a variable of chapter_test.go`},
		{"no file", &notebook.Chapter{ID: "T.9", File: "missing.go"},
			`chapter T.9: reading its file "missing.go"`},
		{"duplicate section", testChapter("T.9", "Bad",
			notebook.Section{ID: "T.9-e", Title: "One", Run: testCount}, notebook.Section{ID: "T.9-e", Title: "Two", Run: testCount}),
			"chapter T.9, section T.9-e: the id is also used in chapter T.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := testBook(greetChapter(), tc.ch).Check()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if err := testBook(greetChapter(), countChapter()).Check(); err != nil {
		t.Errorf("Check of good chapters: %v", err)
	}
}

// elsewhere is a section function declared outside the chapter's file.
func elsewhere(c *notebook.Cell) error { return nil }

type method struct{}

func (method) run(c *notebook.Cell) error { return nil }

func TestSectionSourceIsTheFunction(t *testing.T) {
	src, err := parseChapter(os.DirFS("."), greetChapter())
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("chapter_test.go")
	if err != nil {
		t.Fatal(err)
	}
	s := src.Sections[0]
	if !strings.HasPrefix(s.Code, "func testGreet(c *notebook.Cell) error {\n") || !strings.HasSuffix(s.Code, "\treturn nil\n}") {
		t.Errorf("code of testGreet:\n%s", s.Code)
	}
	if !strings.Contains(string(data), s.Code) {
		t.Errorf("the code shown is not a verbatim part of the file")
	}
	if want := "testGreet greets whoever **test.name** names.\n\nThe greeting is printed, and so is how long it took.\n"; s.Prose != want {
		t.Errorf("prose %q, want %q", s.Prose, want)
	}
	if line := strings.Count(string(data[:strings.Index(string(data), s.Code)]), "\n") + 1; s.Line != line {
		t.Errorf("line %d, want %d", s.Line, line)
	}
	if !strings.HasPrefix(src.Intro, "The test chapter opens with *Markdown*") {
		t.Errorf("intro %q", src.Intro)
	}
}

func TestRerunCommandQuotes(t *testing.T) {
	for in, want := range map[string]string{
		"cnn.epochs=2":        "cnn.epochs=2",
		"tf.text=hello world": "'tf.text=hello world'",
		"tf.text=it's":        `'tf.text=it'\''s'`,
		"tf.text=":            "tf.text=",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestDropDocLead(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"chapterX follows the seed's heading \"2.1\".\n\nBefore either network...\n", "Before either network...\n"},
		{"chapterX follows the seed.\n", ""},
		{"Before either network...\n\nMore.\n", "Before either network...\n\nMore.\n"},
		{"chapterXY is another variable.\n\nText.\n", "chapterXY is another variable.\n\nText.\n"},
	} {
		if got := dropDocLead(tc.doc, "chapterX"); got != tc.want {
			t.Errorf("dropDocLead(%q) = %q, want %q", tc.doc, got, tc.want)
		}
	}
}
