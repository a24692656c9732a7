package tf

import (
	"testing"
	"tinynets/pkg/srchash"
)

// TestCodeVersion recomputes the hash from the files on disk: the
// package's .go files without the tests.
func TestCodeVersion(t *testing.T) {
	want, files, err := srchash.OnDisk(".", ".go")
	if err != nil {
		t.Fatal(err)
	}
	if got := CodeVersion(); got != want || files < 5 {
		t.Fatalf("CodeVersion() = %s, but the %d source files on disk hash to %s", got, files, want)
	}
}
