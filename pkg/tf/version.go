package tf

import (
	"embed"

	"tinynets/pkg/srchash"
)

//go:embed *.go
var sources embed.FS

// CodeVersion returns a hex sha256 of the package's non-test Go sources.
// A cache of trained models keys on it: a change to the code that trains
// or runs the model gives a new version. Test files are left out.
func CodeVersion() string { return srchash.Of(sources) }
