package charcnn

import (
	"embed"

	"tinynets/pkg/srchash"
)

//go:embed *.go
var sources embed.FS

// CodeVersion returns the SHA-256, in hex, of this package's non-test Go
// sources (file names and contents, in name order). A cached model is
// stale when the code that trained it has changed.
func CodeVersion() string { return srchash.Of(sources) }
