package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"tinynets/pkg/book"
)

// A build stopped halfway, by SIGINT, SIGTERM or even SIGKILL, leaves the
// previous book exactly as it was (after SIGKILL, once the next build's
// recovery has cleaned up). The command runs as its own process, with an
// empty cache so that it is busy training when the signal comes.
func TestSignalsLeaveTheBookAsItWas(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "build-book")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			parent, out := previousBook(t)
			cmd := exec.Command(bin, "-o", out)
			cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir())
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until it is building: its staging folder exists and the
			// first chapter has had time to write into it.
			deadline := time.Now().Add(60 * time.Second)
			for {
				staged, _ := filepath.Glob(out + ".tmp-*")
				if len(staged) > 0 {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("no staging folder appeared:\n%s", stderr.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			time.Sleep(1500 * time.Millisecond)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("the build was not stopped (err %v); it finished before the signal?\n%s", err, stderr.String())
			}
			if sig == syscall.SIGKILL {
				// Nothing runs after SIGKILL; the next build's recovery cleans up.
				if _, err := book.Recover(out); err != nil {
					t.Fatal(err)
				}
			} else {
				if code := exit.ExitCode(); code != 130 {
					t.Errorf("exit status %d, want 130\n%s", code, stderr.String())
				}
				if !strings.Contains(stderr.String(), "interrupted") {
					t.Errorf("stderr does not say it was interrupted:\n%s", stderr.String())
				}
			}
			checkPreviousBook(t, parent, out)
		})
	}
}

// previousBookFiles is a tiny stand-in for the book a failed build must
// leave alone.
var previousBookFiles = map[string]string{"book.json": `{"chapters": []}`, "index.html": "the previous book"}

// previousBook makes a folder holding only a previous book, "output", and
// returns the folder and the book's path.
func previousBook(t *testing.T) (parent, out string) {
	t.Helper()
	parent = t.TempDir()
	out = filepath.Join(parent, "output")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range previousBookFiles {
		if err := os.WriteFile(filepath.Join(out, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return parent, out
}

// checkPreviousBook fails t unless out still holds exactly the previous
// book and nothing (no staging folder) was left beside it in parent.
func checkPreviousBook(t *testing.T, parent, out string) {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "output" {
			t.Errorf("left beside the book: %s", e.Name())
		}
	}
	files, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(previousBookFiles) {
		t.Errorf("the book holds %d files, want %d", len(files), len(previousBookFiles))
	}
	for name, want := range previousBookFiles {
		if got, err := os.ReadFile(filepath.Join(out, name)); err != nil || string(got) != want {
			t.Errorf("%s is %q (%v), want %q", name, got, err, want)
		}
	}
}
