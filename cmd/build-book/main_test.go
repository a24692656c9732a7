package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"tinynets/chapters"
	"tinynets/pkg/book"
)

// A full build runs every chapter and trains the real models, which takes
// minutes the first time (the cache makes later builds quick), so the
// tests that need one share a single build, made on first use.
var full struct {
	once   sync.Once
	dir    string // a temporary folder that holds the book
	out    string // the book
	code   int
	stderr string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if full.dir != "" {
		os.RemoveAll(full.dir)
	}
	os.Exit(code)
}

// builtBook returns the folder of a full build of the book with the
// default parameters, building it on the first call.
func builtBook(t *testing.T) string {
	t.Helper()
	full.once.Do(func() {
		dir, err := os.MkdirTemp("", "build-book-test-")
		if err != nil {
			full.code, full.stderr = -1, err.Error()
			return
		}
		full.dir, full.out = dir, filepath.Join(dir, "output")
		var stderr bytes.Buffer
		full.code = run(context.Background(), []string{"-o", full.out}, io.Discard, &stderr)
		full.stderr = stderr.String()
	})
	if full.code != 0 {
		t.Fatalf("the full build failed (exit status %d):\n%s", full.code, full.stderr)
	}
	return full.out
}

// The committed book in output/ must be what this code builds: a stale
// page is a failing test, as in Go by Example. Measured values (elements
// marked data-volatile, "seconds" and "timings" in book.json) are masked.
func TestCommittedBookIsCurrent(t *testing.T) {
	committed := filepath.Join("..", "..", "output")
	if _, err := os.Stat(filepath.Join(committed, "book.json")); err != nil {
		t.Fatalf("there is no committed book (%v): build it with `go run ./cmd/build-book` and commit the folder output/", err)
	}
	built := builtBook(t)
	diffs, err := book.Diff(committed, built, 25)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) > 0 {
		t.Errorf("output/ is stale: a build of this code differs from it (measured values masked):\n  %s\n"+
			"Rebuild with `go run ./cmd/build-book` and commit output/.", strings.Join(diffs, "\n  "))
	}
}

func TestBuildWritesEveryChapter(t *testing.T) {
	out := builtBook(t)
	m, err := book.ReadManifest(filepath.Join(out, "book.json"))
	if err != nil {
		t.Fatal(err)
	}
	all := chapters.All()
	if len(m.Chapters) != len(all) {
		t.Fatalf("book.json lists %d chapters, the book has %d", len(m.Chapters), len(all))
	}
	for i, ch := range all {
		e := m.Chapters[i]
		if e.ID != ch.ID || e.Page != ch.Page() || e.Source != "chapters/"+ch.File || e.Status != "ok" {
			t.Errorf("chapter %d in book.json: %+v", i, e)
		}
		if _, err := os.Stat(filepath.Join(out, ch.Page())); err != nil {
			t.Errorf("chapter %s: %v", ch.ID, err)
		}
	}
	for _, tr := range m.Tensors {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(tr.File)))
		if err != nil {
			t.Errorf("tensor %s: %v", tr.Name, err)
			continue
		}
		if !bytes.HasPrefix(data, []byte("\x93NUMPY")) {
			t.Errorf("tensor %s: %s is not a .npy file", tr.Name, tr.File)
		}
	}
	if !strings.Contains(full.stderr, "build-book: wrote ") {
		t.Errorf("the build did not say where the book is:\n%s", full.stderr)
	}
}

// someSettable returns a parameter that accepts the value v, for tests
// that must not depend on which parameters the chapters declare.
func someSettable(t *testing.T, v string) string {
	t.Helper()
	ps := chapters.Params()
	defer ps.Reset()
	for _, p := range ps.All() {
		if p.Default != v && ps.Set(p.Key+"="+v) == nil && ps.Validate() == nil {
			return p.Key
		}
		ps.Reset()
	}
	t.Fatalf("no parameter accepts %q", v)
	return ""
}

func TestFlagErrorsNameTheFlag(t *testing.T) {
	intKey := ""
	for _, p := range chapters.Params().All() {
		if p.Kind == "int" {
			intKey = p.Key
			break
		}
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"-nope"}, []string{"-nope"}},
		{[]string{"-o"}, []string{"-o"}},
		{[]string{"stray"}, []string{`unexpected argument "stray"`}},
		{[]string{"-set", "novalue"}, []string{`-set "novalue": want key=value`}},
		{[]string{"-set", "no.such.key=1"}, []string{`unknown parameter "no.such.key"`, "closest known"}},
		{[]string{"-set", intKey + "=many"}, []string{intKey, `"many"`, "an integer"}},
		{[]string{"-chapter", "9.9"}, []string{`-chapter "9.9"`, chapters.All()[0].ID}},
		{[]string{"-mnist", filepath.Join(t.TempDir(), "missing")}, []string{"-mnist", "not a folder"}},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != 2 {
			t.Errorf("%q: exit status %d, want 2", tc.args, code)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("%q: the error does not say %q:\n%s", tc.args, w, stderr.String())
			}
		}
	}
}

func TestParamsListsEveryParameter(t *testing.T) {
	key := someSettable(t, "42")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-set", key + "=42", "-params"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr.String())
	}
	lines := strings.Split(stdout.String(), "\n")
	if !strings.HasPrefix(lines[0], "KEY") || !strings.Contains(lines[0], "DEFAULT") || !strings.Contains(lines[0], "VALUE") || !strings.Contains(lines[0], "MEANING") {
		t.Errorf("header %q", lines[0])
	}
	for _, p := range chapters.Params().All() {
		found := false
		for _, l := range lines {
			f := strings.Fields(l)
			if len(f) >= 3 && f[0] == p.Key {
				found = true
				if !strings.Contains(l, p.Help) {
					t.Errorf("%s: the line does not say what it means: %q", p.Key, l)
				}
				if p.Key == key && f[2] != "42" {
					t.Errorf("%s: the line does not show the value set: %q", p.Key, l)
				}
			}
		}
		if !found {
			t.Errorf("-params does not list %s", p.Key)
		}
	}
	// run leaves the parameters at their defaults: the -set above is gone.
	if p := chapters.Params().Lookup(key); p.Changed() {
		t.Errorf("%s is still %s after run", key, p.Value())
	}
}

func TestInterruptedRunExits130(t *testing.T) {
	out := filepath.Join(t.TempDir(), "output")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // as if Ctrl-C came at once
	var stderr bytes.Buffer
	if code := run(ctx, []string{"-o", out}, io.Discard, &stderr); code != 130 {
		t.Errorf("exit status %d, want 130: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr does not say it was interrupted: %s", stderr.String())
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 0 {
		t.Errorf("an interrupted first build left %v", entries)
	}
}

// reduced are parameter values that make every training short, for tests
// that build the book from nothing. Keys the chapters do not declare are
// left out.
var reduced = []string{
	"cnn.epochs=1", "cnn.train_images=600", "tf.steps=20", "charcnn.steps=20", "life.steps=20",
}

// Two fresh builds, one on one core and one on two, give the same book:
// fixed seeds, no map-order effects and reductions split into a fixed
// number of shards. The parameters are reduced so that training is short;
// the stale-book test covers the full parameters through the cache.
func TestFreshBuildsAgreeWhateverTheCores(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // an empty cache: everything is computed
	args := []string{"-fresh"}
	ps := chapters.Params()
	for _, kv := range reduced {
		key, _, _ := strings.Cut(kv, "=")
		if ps.Lookup(key) != nil {
			args = append(args, "-set", kv)
		}
	}
	dir := t.TempDir()
	saved := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(saved)
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		out := filepath.Join(dir, fmt.Sprintf("procs%d", procs), "output")
		var stderr bytes.Buffer
		if code := run(context.Background(), append([]string{"-o", out}, args...), io.Discard, &stderr); code != 0 {
			t.Fatalf("GOMAXPROCS=%d %q: exit status %d:\n%s", procs, args, code, stderr.String())
		}
	}
	diffs, err := book.Diff(filepath.Join(dir, "procs1", "output"), filepath.Join(dir, "procs2", "output"), 25)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("GOMAXPROCS 1 and 2 differ: %s", d)
	}
}
