package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"tinynets/pkg/book"
	"tinynets/pkg/notebook"
)

// chromiumPath is Debian's chromium, which the browser tests need.
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts a headless Chromium with a fresh profile. The test
// fails, never skips, when Chromium is missing: CI installs it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the browser test needs Chromium at %s: install it with `apt-get install chromium` (.ci/run does): %v", chromiumPath, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// view is one way of looking at the pages.
type view struct {
	name          string
	width, height int64
	scheme        string // prefers-color-scheme
	mobile        bool
}

var views = []view{
	{"desktop-light", 1280, 900, "light", false},
	{"phone-dark", 390, 844, "dark", true},
}

// pageReport is what a page shows the test once it has loaded.
type pageReport struct {
	Href        string   `json:"href"`
	ScrollWidth float64  `json:"scrollWidth"`
	InnerWidth  float64  `json:"innerWidth"`
	Broken      []string `json:"broken"` // images that did not load
	Images      int      `json:"images"`
	Links       []string `json:"links"`
	IDs         []string `json:"ids"`
	Scripts     int      `json:"scripts"`
	Background  string   `json:"background"`
	Text        string   `json:"text"`
}

const inspect = `(() => ({
  href: location.href,
  scrollWidth: document.scrollingElement.scrollWidth,
  innerWidth: window.innerWidth,
  broken: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
  images: document.images.length,
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  ids: [...document.querySelectorAll('[id]')].map(e => e.id),
  scripts: document.scripts.length,
  background: getComputedStyle(document.body).backgroundColor,
  text: document.body.innerText,
}))()`

// watcher collects what goes wrong while a page loads.
type watcher struct {
	mu       sync.Mutex
	problems []string
	requests map[network.RequestID]string
}

func (w *watcher) add(format string, args ...any) {
	w.mu.Lock()
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
	w.mu.Unlock()
}

func (w *watcher) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.problems
	w.problems = nil
	return p
}

func (w *watcher) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			w.add("console error: %s", strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		w.add("exception: %s", msg)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			w.add("browser log error: %s (%s)", ev.Entry.Text, ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		w.mu.Lock()
		w.requests[ev.RequestID] = ev.Request.URL
		w.mu.Unlock()
		if !strings.HasPrefix(ev.Request.URL, "file://") {
			w.add("request leaving the file system: %s", ev.Request.URL)
		}
	case *network.EventLoadingFailed:
		w.mu.Lock()
		u := w.requests[ev.RequestID]
		w.mu.Unlock()
		w.add("failed request %s: %s", u, ev.ErrorText)
	case *page.EventJavascriptDialogOpening:
		w.add("a script opened a dialog: %q", ev.Message)
	}
}

// visit loads a page in a view and returns what it shows and what went wrong.
func visit(ctx context.Context, w *watcher, v view, path, shotDir, label string) (*pageReport, []string, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var vopts []chromedp.EmulateViewportOption
	if v.mobile {
		vopts = append(vopts, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(v.width, v.height, vopts...),
		func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v.scheme}}})
			return chromedp.Void{}, err
		},
		chromedp.Navigate("file://"+path),
	); err != nil {
		return nil, nil, err
	}
	rep, err := chromedp.Run(ctx, chromedp.Evaluate[pageReport](inspect))
	if err != nil {
		return nil, nil, err
	}
	if shotDir != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			return nil, nil, err
		}
		name := label + "-" + strings.TrimSuffix(filepath.Base(path), ".html") + "-" + v.name + ".png"
		if err := os.WriteFile(filepath.Join(shotDir, name), png, 0o644); err != nil {
			return nil, nil, err
		}
	}
	// Let events that arrived with the last replies be counted.
	time.Sleep(50 * time.Millisecond)
	return &rep, w.take(), nil
}

var rgbRE = regexp.MustCompile(`rgba?\((\d+), (\d+), (\d+)`)

// brightness is r+g+b of a CSS colour, or -1.
func brightness(css string) int {
	m := rgbRE.FindStringSubmatch(css)
	if m == nil {
		return -1
	}
	sum := 0
	for _, s := range m[1:] {
		n, _ := strconv.Atoi(s)
		sum += n
	}
	return sum
}

// checkBook opens every page of the book in dir in every view and checks
// each: no console error, no failed request, nothing loaded from outside
// the file system, every image loaded, no script, no horizontal scrolling of
// the page, the colour scheme applied; then that every internal link and
// anchor resolves. With BOOK_SCREENSHOTS set to a folder, it saves a
// screenshot of each page in each view there, named label-page-view.png.
// It returns the reports of the last view by page, and
// every problem it found.
func checkBook(t *testing.T, label, dir string) (map[string]*pageReport, []string) {
	t.Helper()
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := filepath.Glob(filepath.Join(dir, "*.html"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages in %s (%v)", dir, err)
	}
	shotDir := os.Getenv("BOOK_SCREENSHOTS")
	if shotDir != "" {
		if err := os.MkdirAll(shotDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ctx := newBrowser(t)
	w := &watcher{requests: map[network.RequestID]string{}}
	if err := chromedp.Listen(ctx, w.listen); err != nil {
		t.Fatal(err)
	}
	reports := map[string]*pageReport{}
	for _, v := range views {
		for _, path := range pages {
			name := filepath.Base(path)
			rep, problems, err := visit(ctx, w, v, path, shotDir, label)
			if err != nil {
				fail("%s (%s): %v", name, v.name, err)
				continue
			}
			for _, p := range problems {
				fail("%s (%s): %s", name, v.name, p)
			}
			for _, src := range rep.Broken {
				fail("%s (%s): image did not load: %s", name, v.name, src)
			}
			if rep.Scripts != 0 {
				fail("%s (%s): %d script elements; the book has none", name, v.name, rep.Scripts)
			}
			if rep.InnerWidth != float64(v.width) {
				fail("%s (%s): the window is %v px wide, want %d", name, v.name, rep.InnerWidth, v.width)
			}
			if rep.ScrollWidth > rep.InnerWidth {
				fail("%s (%s): the page scrolls sideways: %v px of content in a %v px window", name, v.name, rep.ScrollWidth, rep.InnerWidth)
			}
			b := brightness(rep.Background)
			if (v.scheme == "dark" && (b < 0 || b > 200)) || (v.scheme == "light" && b < 600) {
				fail("%s (%s): background %s does not follow prefers-color-scheme: %s", name, v.name, rep.Background, v.scheme)
			}
			reports[name] = rep
		}
	}

	// Every internal link and anchor resolves.
	ids := map[string]map[string]bool{}
	for name, rep := range reports {
		ids[name] = map[string]bool{}
		for _, id := range rep.IDs {
			ids[name][id] = true
		}
	}
	var links []string
	seen := map[string]bool{}
	for name, rep := range reports {
		for _, l := range rep.Links {
			key := name + " -> " + l
			if !seen[key] {
				seen[key] = true
				links = append(links, key)
			}
		}
	}
	sort.Strings(links)
	checked := 0
	for _, key := range links {
		from, link, _ := strings.Cut(key, " -> ")
		u, err := url.Parse(link)
		if err != nil || u.Scheme != "file" {
			fail("%s: link %s leaves the book", from, link)
			continue
		}
		target := u.Path
		rel, err := filepath.Rel(dir, target)
		if err != nil || strings.HasPrefix(rel, "..") {
			fail("%s: link %s points outside the book", from, link)
			continue
		}
		if _, err := os.Stat(target); err != nil {
			fail("%s: link %s: %v", from, link, err)
			continue
		}
		if u.Fragment != "" {
			pageIDs, isPage := ids[filepath.Base(target)]
			if !isPage || filepath.Dir(target) != dir {
				fail("%s: link %s has an anchor into a file that is not a page of the book", from, link)
			} else if !pageIDs[u.Fragment] {
				fail("%s: link %s: %s has no element with id %q", from, link, filepath.Base(target), u.Fragment)
			}
		}
		checked++
	}
	if checked == 0 {
		fail("no internal links were checked")
	}
	t.Logf("checked %d pages in %d views and %d links", len(pages), len(views), checked)
	return reports, problems
}

// The built book, page by page, in a real browser.
func TestBookInBrowser(t *testing.T) {
	out := builtBook(t)
	reports, problems := checkBook(t, "book", out)
	for _, p := range problems {
		t.Error(p)
	}
	index := reports["index.html"]
	if index == nil {
		t.Fatal("no index.html")
	}
	for _, want := range []string{"Contents", "2.1"} {
		if !strings.Contains(index.Text, want) {
			t.Errorf("the index does not show %q", want)
		}
	}
}

// A reader's text that holds a script shows as text and runs nothing, in
// printed output, prose, tables and the parameters table.
func TestReadersTextRunsNothingInBrowser(t *testing.T) {
	const attack = "<script>alert(1)</script>"
	xssParams.Reset()
	defer xssParams.Reset()
	if err := xssParams.Set("xss.text=" + attack); err != nil {
		t.Fatal(err)
	}
	b := &book.Book{Title: "Escaping test", Chapters: []*notebook.Chapter{&xssChapter}, Sources: os.DirFS("."),
		SourceDir: "cmd/build-book", Params: xssParams, Command: command}
	out := filepath.Join(t.TempDir(), "output")
	if err := b.Build(context.Background(), book.Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	reports, problems := checkBook(t, "escaping", out)
	for _, p := range problems {
		t.Error(p)
	}
	page := reports[xssChapter.Page()]
	if page == nil {
		t.Fatalf("no page %s", xssChapter.Page())
	}
	// Printed text, escaped and unescaped prose, a raw HTML block, the table's
	// caption and cell, the parameters table and the command.
	if n := strings.Count(page.Text, attack); n < 7 {
		t.Errorf("the page shows %q %d times, want at least 7:\n%s", attack, n, page.Text)
	}
}

// The browser check finds each kind of fault it looks for: a page that
// has them all gets a complaint for each.
func TestBrowserCheckFindsFaults(t *testing.T) {
	dir := t.TempDir()
	bad := `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>bad</title></head>
<body>
<img src="missing.png" alt="missing">
<a href="bad.html#nowhere">dangling anchor</a>
<a href="gone.html">missing page</a>
<div style="width: 3000px">wide</div>
<img src="http://127.0.0.1:9/x.png" alt="not from the file system">
<script>console.error("boom"); throw new Error("thrown")</script>
</body></html>`
	if err := os.WriteFile(filepath.Join(dir, "bad.html"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, problems := checkBook(t, "faults", dir)
	all := strings.Join(problems, "\n")
	for _, want := range []string{
		"image did not load", "failed request", "request leaving the file system: http://127.0.0.1:9/x.png",
		`console error: "boom"`, "exception: Uncaught Error: thrown", "script elements", "scrolls sideways",
		`has no element with id "nowhere"`, "gone.html: no such file", "does not follow prefers-color-scheme",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the check did not report %q; it reported:\n%s", want, all)
		}
	}
}
