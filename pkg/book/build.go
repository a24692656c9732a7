package book

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"tinynets/pkg/notebook"
)

// Options says where a build goes and what it runs.
type Options struct {
	Out     string          // the book's folder, such as "output"
	Chapter string          // if not "", run only this chapter and keep the others from the book at Out
	Cache   *notebook.Cache // expensive results kept between builds (nil: none)
	Echo    io.Writer       // if not nil, every output is printed here as it is captured
	Bars    io.Writer       // where progress bars go (drawn only on a terminal)
	Log     io.Writer       // if not nil, one line per chapter and what recovery did
}

// Find returns the chapter with this id. The error lists the valid ids.
func (b *Book) Find(id string) (*notebook.Chapter, error) {
	var ids []string
	for _, ch := range b.Chapters {
		if ch.ID == id {
			return ch, nil
		}
		ids = append(ids, ch.ID)
	}
	return nil, fmt.Errorf("-chapter %q: no such chapter; the chapters are %s", id, strings.Join(ids, ", "))
}

// Build runs the chapters and writes the book to o.Out. It builds into a
// staging folder beside o.Out and swaps it in only when every chapter ran
// and every page was written, so a failed or interrupted build leaves the
// previous book exactly as it was.
//
// A section that fails or panics stops the build with a
// *notebook.SectionError naming the chapter and the section. When ctx is
// cancelled (an interrupt), Build removes the staging folder and returns
// at once, without waiting for the running section to finish.
//
// With o.Chapter set, the book at o.Out is copied, that chapter's page,
// figures and tensors are replaced, and the index, report and book.json
// are rewritten from the previous book.json with the chapter's new entry.
func (b *Book) Build(ctx context.Context, o Options) error {
	r, err := b.newRenderer() // every section's source is found before anything runs
	if err != nil {
		return err
	}
	if o.Out == "" {
		return errors.New("no output folder given")
	}
	out := filepath.Clean(o.Out)
	toRun := b.Chapters
	if o.Chapter != "" {
		ch, err := b.Find(o.Chapter)
		if err != nil {
			return err
		}
		toRun = []*notebook.Chapter{ch}
	}

	unlock, err := lockParent(out)
	if err != nil {
		return err
	}
	defer unlock()
	did, err := Recover(out)
	for _, line := range did {
		logf(o.Log, "%s\n", line)
	}
	if err != nil {
		return err
	}
	if err := checkTarget(out); err != nil {
		return err
	}
	var prev *Manifest
	if o.Chapter != "" {
		if prev, err = b.previous(out, o.Chapter); err != nil {
			return err
		}
	}

	stage, err := newStage(out)
	if err != nil {
		return err
	}
	swapped := false
	defer func() {
		if !swapped {
			os.RemoveAll(stage)
		}
	}()
	if prev != nil {
		ch := toRun[0]
		skip := func(rel string) bool {
			switch rel {
			case ch.Page(), ch.Slug(), indexPage, aboutPage, reportPage, styleSheet, bookJSON:
				return true
			}
			return strings.HasPrefix(rel, stagePart) // never copy a stray staging folder
		}
		if err := copyBook(out, stage, skip); err != nil {
			return err
		}
	}

	runner := &notebook.Runner{Out: stage, Params: b.Params, Cache: o.Cache, Echo: o.Echo, Bars: o.Bars, Context: ctx}
	done := make(chan error, 1)
	var entries []ChapterEntry
	go func() {
		done <- func() error {
			for _, ch := range toRun {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				res, err := runner.Run(ch)
				if err != nil {
					return err
				}
				if ctx.Err() != nil {
					return ctx.Err() // the stage may be gone: write nothing more
				}
				if err := r.writeChapter(stage, res); err != nil {
					return err
				}
				e := newEntry(b.SourceDir, res)
				entries = append(entries, e)
				logf(o.Log, "%s %s: %d sections %s in %.1f s\n", ch.ID, ch.Title, len(res.Sections), e.Status, res.Seconds)
			}
			return nil
		}()
	}()
	select {
	case err := <-done:
		if err != nil {
			return err
		}
	case <-ctx.Done():
		return fmt.Errorf("build interrupted (%w); the book at %s is unchanged", ctx.Err(), out)
	}

	ran := map[string]bool{}
	for _, e := range entries {
		ran[e.ID] = true
	}
	if prev != nil {
		var all []ChapterEntry
		for _, ch := range b.Chapters {
			if ran[ch.ID] {
				all = append(all, entries[0])
			} else {
				all = append(all, *prev.entry(ch.ID))
			}
		}
		entries = all
	}
	m, err := newManifest(entries, b.Params)
	if err != nil {
		return err
	}
	if err := r.writeShared(stage, m, buildInfo{ran: ran, cache: o.Cache}); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("build interrupted (%w); the book at %s is unchanged", ctx.Err(), out)
	}
	if err := swapIn(stage, out); err != nil {
		return err
	}
	swapped = true
	return nil
}

// previous reads the book a -chapter build starts from. It must hold every
// chapter but the one being rebuilt.
func (b *Book) previous(out, chapter string) (*Manifest, error) {
	m, err := ReadManifest(filepath.Join(out, bookJSON))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("-chapter %s: there is no book at %s yet to rebuild one chapter of; build the whole book first", chapter, out)
	}
	if err != nil {
		return nil, err
	}
	for _, ch := range b.Chapters {
		if ch.ID != chapter && m.entry(ch.ID) == nil {
			return nil, fmt.Errorf("-chapter %s: the book at %s has no chapter %s (the chapter list changed since it was built); build the whole book", chapter, out, ch.ID)
		}
	}
	return m, nil
}

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format, args...)
	}
}
