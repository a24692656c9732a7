// Package srchash gives a package a version for its own source code, so a
// cache of trained models can tell when the code that trained one changed:
// `go run` records no commit, but a package can embed its own files.
package srchash

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"
)

// Of returns the SHA-256, in hex, of every file at the top of fsys except
// Go test files: each file's name, length and contents, in name order, so
// no two sets of files hash alike. Use it on a package's
// `//go:embed *.go` file system.
// Of panics if fsys cannot be read, which for an embedded file system
// means a build mistake.
func Of(fsys fs.FS) string {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		panic("srchash: reading embedded sources: " + err.Error())
	}
	h := sha256.New()
	for _, e := range entries { // ReadDir sorts by name
		name := e.Name()
		if e.IsDir() || strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			panic("srchash: reading embedded source " + name + ": " + err.Error())
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// OnDisk hashes, as Of does, the files of folder dir whose names end in
// one of exts: a package's tests use it to check that the files it embeds
// are exactly its sources on disk. It also returns how many files it read.
func OnDisk(dir string, exts ...string) (string, int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", 0, err
	}
	files := fstest.MapFS{}
	for _, e := range entries {
		for _, ext := range exts {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ext) {
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					return "", 0, err
				}
				files[e.Name()] = &fstest.MapFile{Data: data}
			}
		}
	}
	n := 0
	for name := range files {
		if !strings.HasSuffix(name, "_test.go") {
			n++
		}
	}
	return Of(files), n, nil
}
