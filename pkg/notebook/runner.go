package notebook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Runner runs chapters and writes their figures and tensors under Out.
type Runner struct {
	Out    string    // folder that receives figures and tensors (a staging copy of the book)
	Params *Params   // the book's parameters, already set and validated
	Cache  *Cache    // where expensive results are kept between builds (nil: none)
	Echo   io.Writer // if not nil, every output is also printed here as it is captured
	Bars   io.Writer // where progress bars go; bars are drawn only if it is a terminal

	// Context, if not nil, stops the run when it is cancelled (an
	// interrupt): no section starts and no file is written after that.
	Context context.Context

	mu sync.Mutex
}

// ChapterResult is everything one chapter produced.
type ChapterResult struct {
	Chapter  *Chapter
	Sections []SectionResult
	Used     []*Param // the parameters the chapter read, in declaration order
	Tensors  []TensorRecord
	Plots    []PlotRecord
	Models   map[string]map[string]any
	Timings  map[string]float64 // dotted path -> measured value
	Seconds  float64
}

// SectionResult is one section's status, time and outputs.
type SectionResult struct {
	ID, Title string
	Status    string // "ok" or "failed"
	Seconds   float64
	Outputs   []Output
}

type chapterRun struct {
	runner      *Runner
	chapter     *Chapter
	echoTo      io.Writer
	used        map[string]bool
	tensorNames map[string]bool
	tensors     []TensorRecord
	plots       []PlotRecord
	models      map[string]map[string]any
	timings     map[string]float64
}

func (r *chapterRun) echo(s string) {
	if r.echoTo != nil {
		io.WriteString(r.echoTo, s)
	}
}

func (r *chapterRun) write(rel string, data []byte) error {
	if err := r.runner.stopped(); err != nil {
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	if err := writeFile(r.runner.Out, rel, data); err != nil {
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	return nil
}

// Run runs every section of ch in order. A section that returns an error
// or panics stops the chapter; the error is a *SectionError naming the
// chapter and the section. The result holds the sections run so far.
func (r *Runner) Run(ch *Chapter) (*ChapterResult, error) {
	run := &chapterRun{
		runner:      r,
		chapter:     ch,
		echoTo:      r.Echo,
		used:        map[string]bool{},
		tensorNames: map[string]bool{},
		models:      map[string]map[string]any{},
		timings:     map[string]float64{},
	}
	res := &ChapterResult{Chapter: ch}
	start := time.Now()
	var failure error
	for i := range ch.Sections {
		s := &ch.Sections[i]
		if err := r.stopped(); err != nil {
			failure = fmt.Errorf("chapter %s stopped before section %s: %w", ch.ID, s.ID, err)
			break
		}
		run.echo(fmt.Sprintf("\n== %s %s ==\n", s.ID, s.Title))
		cell := &Cell{run: run, section: s}
		t0 := time.Now()
		err := runSection(s, cell)
		sr := SectionResult{ID: s.ID, Title: s.Title, Status: "ok", Seconds: time.Since(t0).Seconds(), Outputs: cell.outputs}
		if err != nil {
			sr.Status = "failed"
			failure = &SectionError{Chapter: ch.ID, Section: s.ID, Err: err}
		}
		res.Sections = append(res.Sections, sr)
		if failure != nil {
			break
		}
	}
	res.Seconds = time.Since(start).Seconds()
	for _, p := range r.Params.All() {
		if run.used[p.Key] {
			res.Used = append(res.Used, p)
		}
	}
	res.Tensors, res.Plots, res.Models, res.Timings = run.tensors, run.plots, run.models, run.timings
	return res, failure
}

// stopped returns the context's error once it is cancelled.
func (r *Runner) stopped() error {
	if r.Context == nil {
		return nil
	}
	return r.Context.Err()
}

func runSection(s *Section, c *Cell) (err error) {
	defer func() {
		if p := recover(); p != nil {
			stack := string(debug.Stack())
			err = fmt.Errorf("panic: %v\n%s", p, trimStack(stack))
		}
	}()
	if s.Run == nil {
		return errors.New("section has no Run function")
	}
	return s.Run(c)
}

// trimStack keeps the frames of the book's own code, which is where a
// reader who changed a chapter wants to look.
func trimStack(stack string) string {
	lines := strings.Split(stack, "\n")
	var keep []string
	for i := 0; i+1 < len(lines); i++ {
		if strings.Contains(lines[i], "tinynets/") && !strings.Contains(lines[i], "pkg/notebook.") {
			keep = append(keep, lines[i], lines[i+1])
			i++
		}
	}
	if len(keep) > 12 {
		keep = keep[:12]
	}
	return strings.Join(keep, "\n")
}

func (r *Runner) progress(desc string) func(done, total int) {
	w := r.Bars
	f, ok := w.(*os.File)
	if w == nil || !ok || !term.IsTerminal(int(f.Fd())) {
		return func(int, int) {}
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if bar == nil {
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(desc),
				progressbar.OptionShowCount(),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
			)
		}
		bar.Set(done)
	}
}

// SortedKeys returns the keys of m in order, for deterministic output.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
