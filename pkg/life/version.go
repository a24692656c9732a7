package life

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"strings"
)

//go:embed *.go
var sources embed.FS

// CodeVersion returns the SHA-256, in hex, of this package's non-test Go
// sources (file names and contents, in name order). A cached model is
// stale when the code that trained it has changed.
func CodeVersion() string {
	entries, err := sources.ReadDir(".")
	if err != nil {
		panic("life: reading embedded sources: " + err.Error())
	}
	h := sha256.New()
	for _, e := range entries { // ReadDir sorts by name
		name := e.Name()
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := sources.ReadFile(name)
		if err != nil {
			panic("life: reading embedded source " + name + ": " + err.Error())
		}
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write(data)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
