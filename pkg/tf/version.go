package tf

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed *.go
var sources embed.FS

// CodeVersion returns a hex sha256 of the package's non-test Go sources.
// A cache of trained models keys on it: a change to the code that trains
// or runs the model gives a new version. Test files are left out.
func CodeVersion() string {
	names, err := fs.Glob(sources, "*.go")
	if err != nil {
		panic("tf: CodeVersion: " + err.Error())
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := sources.ReadFile(name)
		if err != nil {
			panic("tf: CodeVersion: " + err.Error())
		}
		// name, NUL, length, NUL, content: no two file sets hash alike.
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write([]byte(strconv.Itoa(len(src))))
		h.Write([]byte{0})
		h.Write(src)
	}
	return hex.EncodeToString(h.Sum(nil))
}
