package book

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"

	"tinynets/pkg/notebook"
)

// Manifest is book.json: what one build produced, for scripts and for
// the next -chapter build, which merges into it. Its keys come out in a
// fixed order (struct fields in order, map keys sorted).
type Manifest struct {
	Chapters []ChapterEntry            `json:"chapters"`
	Tensors  []notebook.TensorRecord   `json:"tensors"` // every captured tensor, in chapter order
	Plots    []notebook.PlotRecord     `json:"plots"`   // every captured figure, in chapter order
	Params   map[string]string         `json:"params"`  // every parameter's value in the build that wrote the file
	Models   map[string]map[string]any `json:"models"`  // the chapters' Models, merged in chapter order
	// Timings holds every measured value, nested by the dotted path it was
	// recorded under ("cnn.train.seconds" is timings.cnn.train.seconds),
	// and each chapter's run time under timings.chapters[id].
	Timings map[string]any `json:"timings"`
}

// ChapterEntry is one chapter of book.json.
type ChapterEntry struct {
	ID       string            `json:"id"`
	Title    string            `json:"title"`
	Seed     string            `json:"seed"`   // the seed heading it follows
	Source   string            `json:"source"` // the chapter's Go file, such as "chapters/ch2_1_input.go"
	Page     string            `json:"page"`   // its HTML file, relative to the book's folder
	Status   string            `json:"status"` // "ok" when every section ran
	Seconds  float64           `json:"seconds"`
	Params   map[string]string `json:"params"` // the parameters the chapter read, with the values it ran with
	Sections []SectionEntry    `json:"sections"`
	// Models and Timings are what this chapter itself recorded; the
	// book-wide objects are merged from them.
	Models  map[string]map[string]any `json:"models,omitempty"`
	Timings map[string]float64        `json:"timings,omitempty"`

	tensors []notebook.TensorRecord
	plots   []notebook.PlotRecord
}

// SectionEntry is one section of a chapter in book.json.
type SectionEntry struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Status  string  `json:"status"`
	Seconds float64 `json:"seconds"`
}

// timingsChapters is the key of timings that holds each chapter's seconds.
const timingsChapters = "chapters"

// newEntry describes a chapter's result for book.json.
func newEntry(sourceDir string, res *notebook.ChapterResult) ChapterEntry {
	ch := res.Chapter
	e := ChapterEntry{
		ID: ch.ID, Title: ch.Title, Seed: ch.Seed,
		Source:  strings.TrimPrefix(sourceDir+"/"+ch.File, "/"),
		Page:    ch.Page(),
		Status:  "ok",
		Seconds: roundSeconds(res.Seconds),
		Params:  map[string]string{},
		Models:  res.Models,
		Timings: res.Timings,
		tensors: res.Tensors,
		plots:   res.Plots,
	}
	for _, p := range res.Used {
		e.Params[p.Key] = p.Value()
	}
	for _, s := range res.Sections {
		e.Sections = append(e.Sections, SectionEntry{ID: s.ID, Title: s.Title, Status: s.Status, Seconds: roundSeconds(s.Seconds)})
		if s.Status != "ok" {
			e.Status = s.Status
		}
	}
	if len(res.Sections) < len(ch.Sections) && e.Status == "ok" {
		e.Status = "incomplete"
	}
	if len(e.Models) == 0 {
		e.Models = nil
	}
	if len(e.Timings) == 0 {
		e.Timings = nil
	}
	return e
}

// roundSeconds keeps a measured time to the millisecond: finer is noise.
func roundSeconds(s float64) float64 { return math.Round(s*1000) / 1000 }

// newManifest gathers the chapters' entries into book.json.
func newManifest(entries []ChapterEntry, params *notebook.Params) (*Manifest, error) {
	m := &Manifest{
		Chapters: entries,
		Tensors:  []notebook.TensorRecord{},
		Plots:    []notebook.PlotRecord{},
		Params:   params.Values(),
		Models:   map[string]map[string]any{},
		Timings:  map[string]any{},
	}
	chapterSeconds := map[string]any{}
	for _, e := range entries {
		m.Tensors = append(m.Tensors, e.tensors...)
		m.Plots = append(m.Plots, e.plots...)
		for _, k := range notebook.SortedKeys(e.Models) {
			if m.Models[k] == nil {
				m.Models[k] = map[string]any{}
			}
			for f, v := range e.Models[k] {
				m.Models[k][f] = v
			}
		}
		for _, path := range notebook.SortedKeys(e.Timings) {
			if err := setTiming(m.Timings, path, e.Timings[path]); err != nil {
				return nil, fmt.Errorf("chapter %s: %w", e.ID, err)
			}
		}
		chapterSeconds[e.ID] = e.Seconds
	}
	if _, taken := m.Timings[timingsChapters]; taken {
		return nil, fmt.Errorf("a timing is recorded under %q, which book.json keeps for chapter run times", timingsChapters)
	}
	m.Timings[timingsChapters] = chapterSeconds
	return m, nil
}

// setTiming stores v at a dotted path of nested objects.
func setTiming(root map[string]any, path string, v float64) error {
	parts := strings.Split(path, ".")
	node := root
	for i, p := range parts {
		if p == "" {
			return fmt.Errorf("timing %q has an empty part", path)
		}
		if i == len(parts)-1 {
			if _, ok := node[p]; ok {
				return fmt.Errorf("timing %q is recorded twice or is also a prefix of another timing", path)
			}
			node[p] = v
			return nil
		}
		next, ok := node[p]
		if !ok {
			child := map[string]any{}
			node[p] = child
			node = child
			continue
		}
		child, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("timing %q extends %q, which is itself a timing", path, strings.Join(parts[:i+1], "."))
		}
		node = child
	}
	return nil
}

// encode returns the manifest as indented JSON.
func (m *Manifest) encode() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("book.json: %w", err)
	}
	return b.Bytes(), nil
}

// ReadManifest reads a book's book.json.
func ReadManifest(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	byChapter := map[string]int{}
	for i, e := range m.Chapters {
		byChapter[e.ID] = i
	}
	for _, t := range m.Tensors {
		i, ok := byChapter[t.Chapter]
		if !ok {
			return nil, fmt.Errorf("%s: tensor %s belongs to chapter %q, which is not listed", path, t.Name, t.Chapter)
		}
		m.Chapters[i].tensors = append(m.Chapters[i].tensors, t)
	}
	for _, p := range m.Plots {
		i, ok := byChapter[p.Chapter]
		if !ok {
			return nil, fmt.Errorf("%s: plot %s belongs to chapter %q, which is not listed", path, p.Name, p.Chapter)
		}
		m.Chapters[i].plots = append(m.Chapters[i].plots, p)
	}
	return &m, nil
}

// entry returns the chapter with this id, or nil.
func (m *Manifest) entry(id string) *ChapterEntry {
	for i := range m.Chapters {
		if m.Chapters[i].ID == id {
			return &m.Chapters[i]
		}
	}
	return nil
}
