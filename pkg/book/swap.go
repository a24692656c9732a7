package book

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// A build never writes into the book it replaces. It writes a whole new
// book into a staging folder beside it ("output.tmp-123") and swaps the
// two only when everything succeeded:
//
//   - if the book exists, renameat2(RENAME_EXCHANGE) swaps them in one
//     atomic step, and the staging name then holds the old book, which is
//     removed;
//   - where the file system cannot exchange, the old book is first renamed
//     aside ("output.old-123") and the new one renamed into place. A build
//     killed between those two renames leaves no book at all, so every
//     build starts with Recover, which puts the old book back.
//
// A build holds an exclusive lock (flock) on the folder that holds the
// book, from its recovery to its swap, so two builds never race and
// recovery never removes the staging folder of a build that is running.

const (
	stagePart = ".tmp-" // staging folders: a build in progress, or an old book being removed
	asidePart = ".old-" // an old book renamed aside by the fallback swap
)

// exchange swaps two paths atomically. It is a variable so that tests can
// make it fail as on a file system without RENAME_EXCHANGE.
var exchange = func(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}

// lockParent takes the build lock of the folder that holds target.
func lockParent(target string) (unlock func(), err error) {
	parent := filepath.Dir(filepath.Clean(target))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Open(parent)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("another build of a book in %s is running (it holds the folder's lock); wait for it to finish", parent)
		}
		return nil, fmt.Errorf("locking %s: %w", parent, err)
	}
	return func() { f.Close() }, nil
}

// leftovers returns the staging and set-aside folders of target, sorted.
func leftovers(target string) (staged, aside []string, err error) {
	parent, base := filepath.Split(filepath.Clean(target))
	if parent == "" {
		parent = "."
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, base+stagePart):
			staged = append(staged, filepath.Join(parent, name))
		case strings.HasPrefix(name, base+asidePart):
			aside = append(aside, filepath.Join(parent, name))
		}
	}
	return staged, aside, nil
}

// Recover repairs what a build killed halfway left beside target: if the
// book was renamed aside and never replaced, it is put back; staging
// folders and set-aside copies are removed. It returns what it did, one
// line per action. The caller must hold the build lock.
func Recover(target string) ([]string, error) {
	target = filepath.Clean(target)
	staged, aside, err := leftovers(target)
	if err != nil {
		return nil, err
	}
	var did []string
	if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) && len(aside) > 0 {
		// Keep the newest copy: it is the book that was in place last.
		sort.Slice(aside, func(i, j int) bool { return modTime(aside[i]) > modTime(aside[j]) })
		if err := os.Rename(aside[0], target); err != nil {
			return did, fmt.Errorf("restoring the book from %s: %w", aside[0], err)
		}
		did = append(did, fmt.Sprintf("restored %s from %s, left by an interrupted build", target, aside[0]))
		aside = aside[1:]
	}
	for _, dir := range append(staged, aside...) {
		if err := os.RemoveAll(dir); err != nil {
			return did, fmt.Errorf("removing %s, left by an interrupted build: %w", dir, err)
		}
		did = append(did, "removed "+dir+", left by an interrupted build")
	}
	return did, nil
}

func modTime(path string) int64 {
	fi, err := os.Lstat(path)
	if err != nil {
		return 0
	}
	return fi.ModTime().UnixNano()
}

// newStage makes an empty staging folder beside target.
func newStage(target string) (string, error) {
	parent, base := filepath.Split(filepath.Clean(target))
	if parent == "" {
		parent = "."
	}
	return os.MkdirTemp(parent, base+stagePart)
}

// checkTarget refuses to replace anything but a book: target must not
// exist, be an empty folder, or be a folder holding book.json.
func checkTarget(target string) error {
	fi, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a folder; refusing to replace it with the book", target)
	}
	if _, err := os.Stat(filepath.Join(target, bookJSON)); err == nil {
		return nil
	}
	entries, err := os.ReadDir(target)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is a folder that holds no %s, so it is not a book this program built; refusing to replace it (choose another -o)", target, bookJSON)
	}
	return nil
}

// swapIn puts the finished book in stage at target and removes the book
// that was there.
func swapIn(stage, target string) error {
	if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(stage, target)
	}
	err := exchange(stage, target)
	if err == nil {
		// stage now holds the old book. If removing it fails, the next
		// build's Recover removes it.
		os.RemoveAll(stage)
		return nil
	}
	if !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.EOPNOTSUPP) {
		return fmt.Errorf("swapping %s into %s: %w", stage, target, err)
	}
	return swapByRename(stage, target)
}

// swapByRename is the swap for file systems without RENAME_EXCHANGE.
func swapByRename(stage, target string) error {
	parent, base := filepath.Split(target)
	if parent == "" {
		parent = "."
	}
	aside, err := os.MkdirTemp(parent, base+asidePart)
	if err != nil {
		return err
	}
	// rename(2) replaces an empty folder, which reserved the name (os.Rename
	// refuses to replace a folder, so call it directly).
	if err := unix.Rename(target, aside); err != nil {
		os.Remove(aside)
		return fmt.Errorf("moving the old book aside: %w", err)
	}
	// From here until the next rename there is no book at target; a
	// build killed now is repaired by the next one's Recover.
	if err := os.Rename(stage, target); err != nil {
		if undo := os.Rename(aside, target); undo != nil {
			return fmt.Errorf("moving the new book in: %w (and putting the old one back: %v; the next build restores it from %s)", err, undo, aside)
		}
		return fmt.Errorf("moving the new book in: %w", err)
	}
	os.RemoveAll(aside)
	return nil
}

// copyBook copies the book at src into dst, leaving out the paths (relative,
// slash-separated) for which skip is true.
func copyBook(src, dst string, skip func(rel string) bool) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if skip(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		out := filepath.Join(dst, filepath.FromSlash(rel))
		switch {
		case d.IsDir():
			return os.MkdirAll(out, 0o755)
		case d.Type().IsRegular():
			return copyFile(path, out)
		default:
			return fmt.Errorf("copying the previous book: %s is not a regular file", path)
		}
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
