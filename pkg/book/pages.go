package book

import (
	"fmt"

	"tinynets/pkg/notebook"
)

// The pages every build rewrites besides the chapters it ran.
const (
	indexPage  = "index.html"
	aboutPage  = "about.html"
	reportPage = "report.html"
	styleSheet = "style.css"
	bookJSON   = "book.json"
)

// The seed document the book follows, as the about page credits it.
const (
	seedTitle   = "2.2b CNN<>TF comparison"
	seedVersion = "v1 26.0607"
)

type indexView struct {
	Chapters []tocChapter
}

type tocChapter struct {
	ID, Title, Seed string
	Href            string // "" when the chapter is not in this book yet
	Sections        []linkView
}

type reportView struct {
	Chapters      []reportChapter
	Seconds       string
	Tensors       int
	Plots         int
	Ran           []string // the chapters this build ran
	Reused        []string // the chapters it kept from the previous build
	Cache         bool
	Hits, Lookups int
	ParamsChanged []paramView
}

type reportChapter struct {
	ID, Title, Href, Status, Seconds string
	Sections                         []reportSection
}

type reportSection struct {
	ID, Title, Href, Status, Seconds string
}

// buildInfo is what the report says about the build itself.
type buildInfo struct {
	ran   map[string]bool
	cache *notebook.Cache
}

func seconds(s float64) string { return fmt.Sprintf("%.2f s", s) }

// writeChapter renders one chapter's page.
func (r *renderer) writeChapter(dir string, res *notebook.ChapterResult) error {
	v, err := r.chapterPage(res)
	if err != nil {
		return err
	}
	return r.execute(dir, res.Chapter.Page(), "chapter.html", &pageData{Title: v.ID + " " + v.Title, Chapter: v})
}

// writeShared renders the index, the report, the about page, the style
// sheet and book.json for the chapters in m.
func (r *renderer) writeShared(dir string, m *Manifest, info buildInfo) error {
	css, err := codeCSS()
	if err != nil {
		return err
	}
	if err := writeFile(dir, styleSheet, []byte(bookCSS+"\n"+css)); err != nil {
		return err
	}

	idx := &indexView{}
	for _, ch := range r.book.Chapters {
		tc := tocChapter{ID: ch.ID, Title: ch.Title, Seed: ch.Seed}
		if m.entry(ch.ID) != nil {
			tc.Href = ch.Page()
		}
		for _, s := range ch.Sections {
			l := linkView{Label: s.ID + " " + s.Title}
			if tc.Href != "" {
				l.Href = tc.Href + "#" + anchor(s.ID)
			}
			tc.Sections = append(tc.Sections, l)
		}
		idx.Chapters = append(idx.Chapters, tc)
	}
	if err := r.execute(dir, indexPage, "index.html", &pageData{Title: "Contents", Nav: "index", Index: idx}); err != nil {
		return err
	}

	rep := &reportView{Tensors: len(m.Tensors), Plots: len(m.Plots)}
	total := 0.0
	for _, e := range m.Chapters {
		total += e.Seconds
		rc := reportChapter{ID: e.ID, Title: e.Title, Href: e.Page, Status: e.Status, Seconds: seconds(e.Seconds)}
		for _, s := range e.Sections {
			rc.Sections = append(rc.Sections, reportSection{ID: s.ID, Title: s.Title, Href: e.Page + "#" + anchor(s.ID),
				Status: s.Status, Seconds: seconds(s.Seconds)})
		}
		rep.Chapters = append(rep.Chapters, rc)
		if info.ran[e.ID] {
			rep.Ran = append(rep.Ran, e.ID)
		} else {
			rep.Reused = append(rep.Reused, e.ID)
		}
	}
	rep.Seconds = seconds(total)
	if info.cache != nil {
		rep.Cache, rep.Hits, rep.Lookups = true, info.cache.Hits, info.cache.Hits+info.cache.Misses
	}
	for _, p := range r.book.Params.All() {
		if p.Changed() {
			rep.ParamsChanged = append(rep.ParamsChanged, paramView{Key: p.Key, Value: p.Value(), Default: p.Default, Help: p.Help})
		}
	}
	if err := r.execute(dir, reportPage, "report.html", &pageData{Title: "Execution report", Nav: "report", Report: rep}); err != nil {
		return err
	}
	if err := r.execute(dir, aboutPage, "about.html", &pageData{Title: "About", Nav: "about",
		About: &aboutView{SeedTitle: seedTitle, SeedVersion: seedVersion}}); err != nil {
		return err
	}
	data, err := m.encode()
	if err != nil {
		return err
	}
	return writeFile(dir, bookJSON, data)
}
