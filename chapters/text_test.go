package chapters

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeTextErrorsNameTheFileAndFault(t *testing.T) {
	if _, err := decodeText("a.txt", nil); err == nil || !strings.Contains(err.Error(), "a.txt: the file is empty") {
		t.Errorf("empty file: %v", err)
	}
	_, err := decodeText("b.txt", []byte("hel\xfflo"))
	if err == nil || !strings.Contains(err.Error(), "b.txt: not valid UTF-8 (first bad byte at offset 3)") {
		t.Errorf("bad UTF-8: %v", err)
	}
	if s, err := decodeText("c.txt", []byte("héllo")); err != nil || s != "héllo" {
		t.Errorf("good text: %q, %v", s, err)
	}
}

func FuzzDecodeText(f *testing.F) {
	f.Add([]byte("hello world"))
	f.Add([]byte("pretty far, pretty flower"))
	f.Add([]byte{0xff, 0xfe})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := decodeText("fuzz.txt", data)
		valid := len(data) > 0 && utf8.Valid(data)
		if valid != (err == nil) {
			t.Fatalf("decodeText(%q): err %v, but valid UTF-8 non-empty is %v", data, err, valid)
		}
		if err == nil && s != string(data) {
			t.Fatalf("decodeText changed the text: %q -> %q", data, s)
		}
		if err != nil && !strings.Contains(err.Error(), "fuzz.txt") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}

func FuzzParamsSet(f *testing.F) {
	f.Add("cnn.kernel=3")
	f.Add("tf.dmodel=8")
	f.Add("tf.lr=NaN")
	f.Add("tf.text=<script>alert(1)</script>")
	f.Add("=")
	f.Add("nokey")
	f.Fuzz(func(t *testing.T, assign string) {
		ps := Params()
		defer ps.Reset()
		before := ps.Values()
		err := ps.Set(assign)
		key, _, _ := strings.Cut(assign, "=")
		key = strings.TrimSpace(key)
		after := ps.Values()
		changed := 0
		for k, v := range after {
			if before[k] != v {
				changed++
				if k != key {
					t.Fatalf("Set(%q) changed %s", assign, k)
				}
			}
		}
		if err != nil && changed != 0 {
			t.Fatalf("Set(%q) failed (%v) but changed a value", assign, err)
		}
		if err != nil && key != "" && !strings.Contains(err.Error(), key) && !strings.Contains(err.Error(), strconv.Quote(key)[1:len(strconv.Quote(key))-1]) {
			t.Fatalf("Set(%q) error does not name the key: %v", assign, err)
		}
	})
}
