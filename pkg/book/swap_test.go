package book

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// writeBook makes a folder that passes for a book, holding one page.
func writeBook(t *testing.T, dir, page string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"book.json": "{}", "index.html": page} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readPage(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestSwapIn(t *testing.T) {
	for _, tc := range []struct {
		name     string
		exchange func(a, b string) error
	}{
		{"exchange", exchange},
		{"rename fallback", func(a, b string) error { return unix.ENOSYS }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			saved := exchange
			exchange = tc.exchange
			defer func() { exchange = saved }()

			parent := t.TempDir()
			target := filepath.Join(parent, "book")
			writeBook(t, target, "old")
			stage, err := newStage(target)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(filepath.Base(stage), "book.tmp-") {
				t.Errorf("staging folder %s is not named book.tmp-*", stage)
			}
			writeBook(t, stage, "new")
			if err := swapIn(stage, target); err != nil {
				t.Fatal(err)
			}
			if got := readPage(t, target); got != "new" {
				t.Errorf("after the swap the book says %q", got)
			}
			noLeftovers(t, parent)

			// With no book yet, the stage is renamed into place.
			target2 := filepath.Join(t.TempDir(), "book")
			stage2, err := newStage(target2)
			if err != nil {
				t.Fatal(err)
			}
			writeBook(t, stage2, "first")
			if err := swapIn(stage2, target2); err != nil {
				t.Fatal(err)
			}
			if got := readPage(t, target2); got != "first" {
				t.Errorf("the first book says %q", got)
			}
		})
	}
}

// A build killed between the fallback's two renames leaves the old book
// aside and none in place; the next build's recovery puts it back.
func TestRecoverAfterAnInterruptedSwap(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "book")
	writeBook(t, target, "the book")
	stage, err := newStage(target)
	if err != nil {
		t.Fatal(err)
	}
	writeBook(t, stage, "half-built")
	// What swapByRename does before its second rename.
	aside, err := os.MkdirTemp(parent, "book"+asidePart)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Rename(target, aside); err != nil {
		t.Fatal(err)
	}
	// ... and the process dies here.

	did, err := Recover(target)
	if err != nil {
		t.Fatal(err)
	}
	if got := readPage(t, target); got != "the book" {
		t.Errorf("after recovery the book says %q", got)
	}
	if len(did) != 2 || !strings.HasPrefix(did[0], "restored ") || !strings.HasPrefix(did[1], "removed ") {
		t.Errorf("Recover reported %q", did)
	}
	noLeftovers(t, parent)
}

// A build killed after an exchange, or while it was building, leaves a
// staging folder; the next build's recovery removes it and keeps the book.
func TestRecoverRemovesStagingFolders(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "book")
	writeBook(t, target, "the book")
	for i := 0; i < 2; i++ {
		stage, err := newStage(target)
		if err != nil {
			t.Fatal(err)
		}
		writeBook(t, stage, "left over")
	}
	aside, err := os.MkdirTemp(parent, "book"+asidePart)
	if err != nil {
		t.Fatal(err)
	}
	writeBook(t, aside, "an old copy")
	// Folders of other books in the same parent are not touched.
	other := filepath.Join(parent, "notes.tmp-1")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}

	did, err := Recover(target)
	if err != nil {
		t.Fatal(err)
	}
	if len(did) != 3 {
		t.Errorf("Recover reported %q, want three removals", did)
	}
	if got := readPage(t, target); got != "the book" {
		t.Errorf("after recovery the book says %q", got)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("Recover touched another folder: %v", err)
	}
	if err := os.Remove(other); err != nil {
		t.Fatal(err)
	}
	noLeftovers(t, parent)
}

// Build runs the recovery itself, before it builds.
func TestBuildRecoversFirst(t *testing.T) {
	t.Cleanup(testParams.Reset)
	parent := t.TempDir()
	target := filepath.Join(parent, "book")
	build(t, testBook(greetChapter()), target, "")
	before := snapshot(t, target)
	aside := filepath.Join(parent, "book"+asidePart+"1")
	if err := os.Rename(target, aside); err != nil {
		t.Fatal(err)
	}
	// The reader rebuilds one chapter: that needs the book, which recovery brings back.
	build(t, testBook(greetChapter()), target, "T.1")
	after := snapshot(t, target)
	if string(after["book.json"]) == "" || len(after) != len(before) {
		t.Errorf("the rebuilt book has %d files, the old one %d", len(after), len(before))
	}
	noLeftovers(t, parent)
}

func TestOneBuildAtATime(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "book")
	unlock, err := lockParent(target)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = testBook(greetChapter()).Build(ctx, Options{Out: target})
	if err == nil || !strings.Contains(err.Error(), "another build") {
		t.Errorf("a second build got %v, want a refusal", err)
	}
}
