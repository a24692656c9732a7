package tf

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestCodeVersion recomputes the hash from the files on disk: the
// package's .go files without the tests.
func TestCodeVersion(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) < 5 {
		t.Fatalf("found only %v", names)
	}
	h := sha256.New()
	for _, n := range names {
		src, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		h.Write([]byte(n + "\x00" + strconv.Itoa(len(src)) + "\x00"))
		h.Write(src)
	}
	if got, want := CodeVersion(), hex.EncodeToString(h.Sum(nil)); got != want {
		t.Fatalf("CodeVersion %s, files on disk hash to %s", got, want)
	}
}
