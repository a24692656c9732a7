package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A disk that fills up mid-build ends the build with an error and leaves
// the previous book exactly as it was. The full disk is simulated with a
// file-size limit (ulimit -f) and SIGXFSZ ignored, so a write past the
// limit fails with EFBIG ("file too large") as a write to a full disk
// fails with ENOSPC: the build's own error path, not a crash.
//
// Two limits: 32 KiB stops the first write of a trained model into the
// cache; 128 KiB lets every cache entry through (the largest, D4's, is
// about 76 KB) and stops the book's own writes, whose largest files (the
// pages of chapter 2.2 and some figures) are bigger.
func TestFullDiskLeavesTheBookAsItWas(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("this test needs bash for ulimit")
	}
	bin := filepath.Join(t.TempDir(), "build-book")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		kib     string
		inCache bool
	}{{"32", true}, {"128", false}} {
		t.Run(tc.kib+"KiB", func(t *testing.T) { fullDisk(t, bin, tc.kib, tc.inCache) })
	}
}

func fullDisk(t *testing.T, bin, kib string, inCache bool) {
	parent, out := previousBook(t)
	cmd := exec.Command("bash", "-c", `trap '' XFSZ; ulimit -f "$2"; exec "$0" -o "$1"`, bin, out, kib)
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("build on a full disk: %v, want exit status 1\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "file too large") {
		t.Errorf("the error does not say what failed:\n%s", stderr.String())
	}
	if cacheFailed := strings.Contains(stderr.String(), "tinynets-book"); cacheFailed != inCache {
		t.Errorf("with a %s KiB limit, want the write that fails in the cache: %v, got: %v\n%s",
			kib, inCache, cacheFailed, stderr.String())
	}
	checkPreviousBook(t, parent, out)
}
