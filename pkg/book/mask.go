package book

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Measured values are the one thing two builds of the same code may
// disagree on. Pages mark them with a data-volatile attribute, and
// book.json keeps them in "seconds" fields and "timings" objects. Diff
// compares two books with those masked.

// volatileMark is how the mask appears in place of a measured value.
const volatileMark = "[measured]"

// MaskHTML returns page with the content of every element that carries a
// data-volatile attribute replaced by a fixed mark.
func MaskHTML(page []byte) []byte {
	s := string(page)
	var out strings.Builder
	for {
		i := strings.Index(s, " data-volatile")
		if i < 0 {
			out.WriteString(s)
			break
		}
		lt := strings.LastIndex(s[:i], "<")
		gtBefore := strings.LastIndex(s[:i], ">")
		gt := strings.Index(s[i:], ">")
		if lt < 0 || gtBefore > lt || gt < 0 {
			// The words in text, not an attribute (text has its '<' escaped).
			out.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		gt += i
		name := s[lt+1:]
		if k := strings.IndexAny(name, " \t\n>/"); k >= 0 {
			name = name[:k]
		}
		end, closeLen := matchingClose(s[gt+1:], name)
		if end < 0 {
			out.WriteString(s)
			break
		}
		out.WriteString(s[:gt+1])
		out.WriteString(volatileMark)
		s = s[gt+1+end:]
		out.WriteString(s[:closeLen])
		s = s[closeLen:]
	}
	return []byte(out.String())
}

// matchingClose finds the close tag of an element named name whose content
// starts s, allowing nested elements of the same name. It returns the
// offset of the close tag and its length, or -1.
func matchingClose(s, name string) (int, int) {
	open, closing := "<"+name, "</"+name+">"
	depth, pos := 1, 0
	for {
		c := strings.Index(s[pos:], closing)
		if c < 0 {
			return -1, 0
		}
		o := indexOpenTag(s[pos:], open)
		if o >= 0 && o < c {
			depth++
			pos += o + len(open)
			continue
		}
		depth--
		if depth == 0 {
			return pos + c, len(closing)
		}
		pos += c + len(closing)
	}
}

func indexOpenTag(s, open string) int {
	from := 0
	for {
		o := strings.Index(s[from:], open)
		if o < 0 {
			return -1
		}
		o += from
		if next := o + len(open); next < len(s) && strings.ContainsRune(" \t\n>", rune(s[next])) {
			return o
		}
		from = o + len(open)
	}
}

// MaskJSON returns doc, indented, with every "seconds" field, every field
// whose name starts with "seconds_" (such as "seconds_to_98") and every
// "timings" object removed.
func MaskJSON(doc []byte) ([]byte, error) {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return nil, err
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k := range v {
				if k == "seconds" || k == "timings" || strings.HasPrefix(k, "seconds_") {
					delete(v, k)
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(v)
	return json.MarshalIndent(v, "", "  ")
}

// Diff compares the books in the folders want and got file by file, with
// measured values masked, and describes each difference (at most max).
// No differences means the two builds agree.
func Diff(want, got string, max int) ([]string, error) {
	wf, err := listFiles(want)
	if err != nil {
		return nil, err
	}
	gf, err := listFiles(got)
	if err != nil {
		return nil, err
	}
	var diffs []string
	add := func(format string, args ...any) {
		if len(diffs) < max {
			diffs = append(diffs, fmt.Sprintf(format, args...))
		}
	}
	for _, name := range unionKeys(wf, gf) {
		switch {
		case !wf[name]:
			add("%s: only in %s", name, got)
			continue
		case !gf[name]:
			add("%s: only in %s", name, want)
			continue
		}
		a, err := os.ReadFile(filepath.Join(want, name))
		if err != nil {
			return nil, err
		}
		b, err := os.ReadFile(filepath.Join(got, name))
		if err != nil {
			return nil, err
		}
		switch filepath.Ext(name) {
		case ".html":
			a, b = MaskHTML(a), MaskHTML(b)
		case ".json":
			if a, err = MaskJSON(a); err != nil {
				return nil, fmt.Errorf("%s in %s: %w", name, want, err)
			}
			if b, err = MaskJSON(b); err != nil {
				return nil, fmt.Errorf("%s in %s: %w", name, got, err)
			}
		}
		if !bytes.Equal(a, b) {
			add("%s differs: %s", name, firstDifference(a, b))
		}
	}
	return diffs, nil
}

func listFiles(root string) (map[string]bool, error) {
	files := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			files[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	return files, err
}

func unionKeys(a, b map[string]bool) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if !a[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// firstDifference quotes the first line where a and b differ.
func firstDifference(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y []byte
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if !bytes.Equal(x, y) {
			if !isText(x) || !isText(y) {
				return fmt.Sprintf("binary content differs (%d and %d bytes)", len(a), len(b))
			}
			return fmt.Sprintf("line %d: %q != %q", i+1, clip(x), clip(y))
		}
	}
	return "they differ"
}

func isText(b []byte) bool { return !bytes.ContainsRune(b, 0) }

func clip(b []byte) string {
	if len(b) > 160 {
		return string(b[:160]) + "…"
	}
	return string(b)
}
