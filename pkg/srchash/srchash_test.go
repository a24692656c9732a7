package srchash

import (
	"testing"
	"testing/fstest"
)

func TestOfSeesSourcesNotTests(t *testing.T) {
	base := fstest.MapFS{
		"a.go":      {Data: []byte("package a\n")},
		"k_amd64.s": {Data: []byte("TEXT ·f(SB)\n")},
		"a_test.go": {Data: []byte("package a // test\n")},
	}
	v := Of(base)
	if len(v) != 64 {
		t.Fatalf("Of = %q, want 64 hex digits", v)
	}
	change := func(name, data string) fstest.MapFS {
		m := fstest.MapFS{}
		for k, f := range base {
			m[k] = f
		}
		m[name] = &fstest.MapFile{Data: []byte(data)}
		return m
	}
	if Of(change("a_test.go", "package a // other test\n")) != v {
		t.Error("a test file changed the version")
	}
	if Of(change("a.go", "package a // changed\n")) == v {
		t.Error("a source change left the version alone")
	}
	if Of(change("k_amd64.s", "TEXT ·g(SB)\n")) == v {
		t.Error("an assembly change left the version alone")
	}
	if Of(change("b.go", "package a\n")) == v {
		t.Error("a new file left the version alone")
	}
	// Moving bytes between two files must not hash alike.
	x := fstest.MapFS{"a.go": {Data: []byte("ab")}, "b.go": {Data: []byte("c")}}
	y := fstest.MapFS{"a.go": {Data: []byte("a")}, "b.go": {Data: []byte("bc")}}
	if Of(x) == Of(y) {
		t.Error("two different file sets hash alike")
	}
}
