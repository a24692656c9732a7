package book

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tinynets/pkg/notebook"
)

// build builds b into out and fails the test on error.
func build(t *testing.T, b *Book, out string, chapter string) {
	t.Helper()
	if err := b.Build(context.Background(), Options{Out: out, Chapter: chapter}); err != nil {
		t.Fatalf("build %s: %v", out, err)
	}
}

// snapshot reads every file of a folder.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameFiles(t *testing.T, what string, want, got map[string][]byte) {
	t.Helper()
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: %s is gone", what, name)
		} else if !bytes.Equal(w, g) {
			t.Errorf("%s: %s changed", what, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s appeared", what, name)
		}
	}
}

// noLeftovers checks that nothing but the book is beside it.
func noLeftovers(t *testing.T, parent string) {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "book" {
			t.Errorf("left beside the book: %s", e.Name())
		}
	}
}

func TestBuildWritesTheBook(t *testing.T) {
	t.Cleanup(testParams.Reset)
	out := filepath.Join(t.TempDir(), "book")
	build(t, testBook(greetChapter(), countChapter()), out, "")
	files := snapshot(t, out)
	for _, name := range []string{"index.html", "about.html", "report.html", "style.css", "book.json",
		"chapter-T.1.html", "chapter-T.2.html", "chapter-T.1/figures/demo/square.png", "chapter-T.1/tensors/demo/ramp.npy"} {
		if files[name] == nil {
			t.Errorf("the book has no %s", name)
		}
	}
	noLeftovers(t, filepath.Dir(out))

	var m map[string]any
	if err := json.Unmarshal(files["book.json"], &m); err != nil {
		t.Fatal(err)
	}
	chs := m["chapters"].([]any)
	if len(chs) != 2 {
		t.Fatalf("book.json has %d chapters, want 2", len(chs))
	}
	c1 := chs[0].(map[string]any)
	if c1["id"] != "T.1" || c1["source"] != "pkg/book/chapter_test.go" || c1["page"] != "chapter-T.1.html" || c1["status"] != "ok" {
		t.Errorf("chapter entry %v", c1)
	}
	secs := c1["sections"].([]any)
	if len(secs) != 2 || secs[1].(map[string]any)["id"] != "T.1-b" || secs[1].(map[string]any)["status"] != "ok" {
		t.Errorf("sections %v", secs)
	}
	if _, ok := secs[0].(map[string]any)["seconds"].(float64); !ok {
		t.Errorf("section has no seconds: %v", secs[0])
	}
	tensors := m["tensors"].([]any)
	if len(tensors) != 1 {
		t.Fatalf("tensors %v", tensors)
	}
	tr := tensors[0].(map[string]any)
	if tr["name"] != "demo/ramp" || tr["dtype"] != "float32" || tr["file"] != "chapter-T.1/tensors/demo/ramp.npy" ||
		tr["chapter"] != "T.1" || tr["section"] != "T.1-b" || len(tr["shape"].([]any)) != 2 {
		t.Errorf("tensor record %v", tr)
	}
	if got := m["params"].(map[string]any)["test.name"]; got != "world" {
		t.Errorf("params[test.name] = %v", got)
	}
	if got := m["models"].(map[string]any)["demo"].(map[string]any)["scale"]; got != 2.0 {
		t.Errorf("models.demo.scale = %v", got)
	}
	timings := m["timings"].(map[string]any)
	if _, ok := timings["demo"].(map[string]any)["show"].(map[string]any)["seconds"].(float64); !ok {
		t.Errorf("timings.demo.show.seconds missing: %v", timings)
	}
	if _, ok := timings["chapters"].(map[string]any)["T.2"].(float64); !ok {
		t.Errorf("timings.chapters[T.2] missing: %v", timings)
	}
	if n := len(m["plots"].([]any)); n != 1 {
		t.Errorf("%d plots, want 1", n)
	}
	// Keys come out in a fixed order.
	for _, key := range []string{`"chapters"`, `"tensors"`, `"plots"`, `"params"`, `"models"`, `"timings"`} {
		if !bytes.Contains(files["book.json"], []byte(key)) {
			t.Errorf("book.json has no %s", key)
		}
	}
	if keys := topKeys(t, files["book.json"]); strings.Join(keys, " ") != "chapters tensors plots params models timings" {
		t.Errorf("book.json's keys are %v", keys)
	}

	page := string(files["chapter-T.1.html"])
	for _, want := range []string{
		`id="T.1-a"`, `href="#T.1-a"`, // anchor and permalink
		`<span class="kd">func</span><span class="w"> </span><span class="nf">testGreet</span>`, // the code, highlighted
		"hello, world",
		`href="chapter-T.2.html" rel="next"`,
		`go run ./cmd/build-book -chapter T.1</code>`,
		`<td><code>test.name</code></td><td><code>world</code></td><td><code>world</code></td><td>who the greeting is for</td>`,
		`<span class="s2">&#34;chapter-T.1/tensors/demo/ramp.npy&#34;</span>`, // the Python snippet
		"greets whoever <strong>test.name</strong> names",                     // the doc comment, as Markdown
		"and raw HTML such as &lt;b&gt;bold&lt;/b&gt;, which must show as text",
	} {
		if !strings.Contains(page, want) && !strings.Contains(page, htmlQuote(want)) {
			t.Errorf("chapter page lacks %s", want)
		}
	}
	index := string(files["index.html"])
	for _, want := range []string{`href="chapter-T.1.html"`, `href="chapter-T.2.html#T.2-a"`, "T.2-a Count"} {
		if !strings.Contains(index, want) {
			t.Errorf("index lacks %s", want)
		}
	}
	about := string(files["about.html"])
	for _, want := range []string{"2.2b CNN&lt;&gt;TF comparison", "v1 26.0607", "Yann LeCun", "Corinna Cortes", "Christopher J.C. Burges"} {
		if !strings.Contains(about, want) {
			t.Errorf("about page lacks %s", want)
		}
	}
	report := string(files["report.html"])
	if !strings.Contains(report, `<td class="time" data-volatile>`) || !strings.Contains(report, `<a href="chapter-T.1.html#T.1-b"><span class="num">T.1-b</span> Show</a>`) {
		t.Errorf("report lacks section times:\n%s", report)
	}
}

// topKeys returns the keys of a JSON object in the order they appear.
func topKeys(t *testing.T, doc []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// htmlQuote is how html/template writes quotes in text.
func htmlQuote(s string) string { return strings.ReplaceAll(s, `"`, "&#34;") }

func TestFailedSectionKeepsTheOldBook(t *testing.T) {
	t.Cleanup(testParams.Reset)
	for _, tc := range []struct {
		name    string
		run     func(*notebook.Cell) error
		section string
		message string
	}{
		{"error", testFail, "T.3-fails", "the test failure"},
		{"panic", testPanic, "T.3-panics", "panic: runtime error: index out of range [12] with length 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "book")
			build(t, testBook(greetChapter()), out, "")
			before := snapshot(t, out)

			bad := testChapter("T.3", "Failing",
				notebook.Section{ID: "T.3-ok", Title: "Fine", Run: testCount},
				notebook.Section{ID: tc.section, Title: "Bad", Run: tc.run})
			err := testBook(greetChapter(), bad).Build(context.Background(), Options{Out: out})
			var se *notebook.SectionError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *notebook.SectionError", err)
			}
			if se.Chapter != "T.3" || se.Section != tc.section {
				t.Errorf("error names chapter %s section %s, want T.3 %s", se.Chapter, se.Section, tc.section)
			}
			if msg := err.Error(); !strings.Contains(msg, "chapter T.3") || !strings.Contains(msg, tc.section) || !strings.Contains(msg, tc.message) {
				t.Errorf("error %q does not name the chapter, the section and the cause", msg)
			}
			sameFiles(t, "after the failed build", before, snapshot(t, out))
			noLeftovers(t, filepath.Dir(out))
		})
	}
}

func TestInterruptedBuildKeepsTheOldBook(t *testing.T) {
	t.Cleanup(testParams.Reset)
	out := filepath.Join(t.TempDir(), "book")
	build(t, testBook(greetChapter()), out, "")
	before := snapshot(t, out)

	testBlockStarted, testBlockRelease = make(chan struct{}), make(chan struct{})
	defer close(testBlockRelease)
	slow := testChapter("T.4", "Slow", notebook.Section{ID: "T.4-a", Title: "Block", Run: testBlock})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-testBlockStarted
		cancel() // as the SIGINT handler does
	}()
	err := testBook(greetChapter(), slow).Build(ctx, Options{Out: out})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	sameFiles(t, "after the interrupted build", before, snapshot(t, out))
	noLeftovers(t, filepath.Dir(out))
}

func TestChapterRebuildReplacesOnlyThatChapter(t *testing.T) {
	t.Cleanup(testParams.Reset)
	out := filepath.Join(t.TempDir(), "book")
	b := testBook(greetChapter(), countChapter())
	build(t, b, out, "")
	before := snapshot(t, out)

	if err := testParams.Set("test.scale=3"); err != nil {
		t.Fatal(err)
	}
	build(t, b, out, "T.2")
	after := snapshot(t, out)
	noLeftovers(t, filepath.Dir(out))

	for name, data := range before {
		kept := strings.HasPrefix(name, "chapter-T.1")
		if kept && !bytes.Equal(data, after[name]) {
			t.Errorf("%s changed, but only chapter T.2 was rebuilt", name)
		}
	}
	if !strings.Contains(string(after["chapter-T.2.html"]), "scale 3\n") {
		t.Errorf("chapter T.2 was not rebuilt with test.scale=3")
	}
	if !strings.Contains(string(after["chapter-T.2.html"]), "-chapter T.2 -set test.scale=3") {
		t.Errorf("chapter T.2's page does not give the command with its -set")
	}
	if strings.Contains(string(after["chapter-T.1.html"]), "test.scale=3") {
		t.Errorf("chapter T.1's page changed")
	}
	m, err := ReadManifest(filepath.Join(out, "book.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Chapters) != 2 || m.Chapters[0].ID != "T.1" || m.Chapters[1].ID != "T.2" {
		t.Fatalf("chapters after the merge: %+v", m.Chapters)
	}
	if len(m.Tensors) != 1 || m.Tensors[0].Chapter != "T.1" || m.Models["demo"]["scale"] != 2.0 {
		t.Errorf("chapter T.1's tensors or models were lost in the merge: %+v %+v", m.Tensors, m.Models)
	}
	if m.Chapters[1].Params["test.scale"] != "3" || m.Params["test.scale"] != "3" {
		t.Errorf("params after the merge: %v, %v", m.Chapters[1].Params, m.Params)
	}
	report := string(after["report.html"])
	if !strings.Contains(report, "This build ran chapter T.2 and kept the others from the previous build.") {
		t.Errorf("report does not say what ran")
	}
}

func TestChapterRebuildNeedsABook(t *testing.T) {
	out := filepath.Join(t.TempDir(), "book")
	err := testBook(greetChapter(), countChapter()).Build(context.Background(), Options{Out: out, Chapter: "T.2"})
	if err == nil || !strings.Contains(err.Error(), "build the whole book first") {
		t.Errorf("err = %v, want a request to build the whole book", err)
	}
	err = testBook(greetChapter()).Build(context.Background(), Options{Out: out, Chapter: "9.9"})
	if err == nil || !strings.Contains(err.Error(), `-chapter "9.9"`) || !strings.Contains(err.Error(), "T.1") {
		t.Errorf("err = %v, want the unknown id and the valid ones", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed build made %s", out)
	}
}

func TestBuildRefusesToReplaceAFolderThatIsNotABook(t *testing.T) {
	out := filepath.Join(t.TempDir(), "notes")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "precious.txt"), []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := testBook(greetChapter()).Build(context.Background(), Options{Out: out})
	if err == nil || !strings.Contains(err.Error(), "not a book") {
		t.Fatalf("err = %v, want a refusal", err)
	}
	if data, err := os.ReadFile(filepath.Join(out, "precious.txt")); err != nil || string(data) != "keep me" {
		t.Errorf("the folder was touched: %q %v", data, err)
	}
}

func TestTwoBuildsAgree(t *testing.T) {
	t.Cleanup(testParams.Reset)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	build(t, testBook(greetChapter(), countChapter()), a, "")
	build(t, testBook(greetChapter(), countChapter()), b, "")
	diffs, err := Diff(a, b, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
	// Outside the masked elements the bytes are the same: pages without
	// measured values are identical as they are.
	fa, fb := snapshot(t, a), snapshot(t, b)
	for _, name := range []string{"chapter-T.2.html", "index.html", "about.html", "style.css", "chapter-T.1/tensors/demo/ramp.npy", "chapter-T.1/figures/demo/square.png"} {
		if !bytes.Equal(fa[name], fb[name]) {
			t.Errorf("%s differs between two builds", name)
		}
	}
	// The measured values did differ, or masking would prove nothing.
	if bytes.Equal(fa["chapter-T.1.html"], fb["chapter-T.1.html"]) {
		t.Log("the two builds measured the same times (possible, but rare)")
	}

	// A real change is seen through the mask.
	if err := testParams.Set("test.name=moon"); err != nil {
		t.Fatal(err)
	}
	c := filepath.Join(dir, "c")
	build(t, testBook(greetChapter(), countChapter()), c, "")
	diffs, err = Diff(a, c, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) == 0 {
		t.Errorf("Diff saw no difference after test.name changed")
	}
}
