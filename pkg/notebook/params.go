package notebook

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Param is one parameter a reader can change with -set key=value.
// Values are kept as text, parsed and checked when set, so that an error
// names the key, the value and what is allowed before any work starts.
type Param struct {
	Key     string // e.g. "cnn.filters1"
	Kind    string // "int", "float", "string" or "choice"
	Default string // the default, as text
	Help    string // what it means, one line
	Allowed string // what values are allowed, as text for errors and -params

	value string
	check func(text string) error
}

// Value returns the current value as text.
func (p *Param) Value() string { return p.value }

// Changed reports whether the current value differs from the default.
func (p *Param) Changed() bool { return p.value != p.Default }

// Params is the set of every parameter of the book.
type Params struct {
	list  []*Param
	byKey map[string]*Param
	rules []rule
}

type rule struct {
	keys  []string
	check func() error
}

// NewParams returns an empty parameter set.
func NewParams() *Params { return &Params{byKey: map[string]*Param{}} }

func (ps *Params) add(p *Param) *Param {
	if _, dup := ps.byKey[p.Key]; dup {
		panic("notebook: parameter " + p.Key + " declared twice")
	}
	if err := p.check(p.Default); err != nil {
		panic(fmt.Sprintf("notebook: default of %s does not pass its own check: %v", p.Key, err))
	}
	p.value = p.Default
	ps.list = append(ps.list, p)
	ps.byKey[p.Key] = p
	return p
}

// IntParam is an integer parameter.
type IntParam struct{ *Param }

// FloatParam is a floating-point parameter.
type FloatParam struct{ *Param }

// StringParam is a text parameter.
type StringParam struct{ *Param }

// Int declares an integer parameter allowed in [min, max].
// Int panics if the key is declared twice or the default is out of range.
func (ps *Params) Int(key string, def int, min, max int, help string) IntParam {
	allowed := fmt.Sprintf("an integer from %d to %d", min, max)
	return IntParam{ps.add(&Param{Key: key, Kind: "int", Default: strconv.Itoa(def), Help: help, Allowed: allowed,
		check: func(s string) error {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || v < min || v > max {
				return fmt.Errorf("must be %s", allowed)
			}
			return nil
		}})}
}

// Float declares a finite floating-point parameter in the open-or-closed
// range (min, max]: a value must be greater than min and at most max.
// Float panics if the key is declared twice or the default is out of range.
func (ps *Params) Float(key string, def, min, max float64, help string) FloatParam {
	allowed := fmt.Sprintf("a finite number greater than %g and at most %g", min, max)
	return FloatParam{ps.add(&Param{Key: key, Kind: "float", Default: strconv.FormatFloat(def, 'g', -1, 64), Help: help, Allowed: allowed,
		check: func(s string) error {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= min || v > max {
				return fmt.Errorf("must be %s", allowed)
			}
			return nil
		}})}
}

// String declares a text parameter; check (which may be nil) says what is
// allowed. String panics if the key is declared twice or the default fails check.
func (ps *Params) String(key, def, allowed, help string, check func(string) error) StringParam {
	if check == nil {
		check = func(string) error { return nil }
	}
	return StringParam{ps.add(&Param{Key: key, Kind: "string", Default: def, Help: help, Allowed: allowed, check: check})}
}

// Choice declares a text parameter that must be one of choices.
func (ps *Params) Choice(key, def string, choices []string, help string) StringParam {
	allowed := "one of " + strings.Join(choices, ", ")
	return StringParam{ps.add(&Param{Key: key, Kind: "choice", Default: def, Help: help, Allowed: allowed,
		check: func(s string) error {
			for _, c := range choices {
				if s == c {
					return nil
				}
			}
			return fmt.Errorf("must be %s", allowed)
		}})}
}

// Rule adds a check on a combination of parameters (a kernel larger than
// its input, a head count that does not divide the width). It runs in
// Validate, after every -set, and its error should name the keys involved.
func (ps *Params) Rule(keys []string, check func() error) {
	ps.rules = append(ps.rules, rule{keys: keys, check: check})
}

// Set applies one "key=value" assignment. The error names the key, the
// value and what is allowed; an unknown key names the closest known keys.
func (ps *Params) Set(assign string) error {
	key, value, ok := strings.Cut(assign, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return fmt.Errorf("-set %q: want key=value, for example cnn.epochs=2", assign)
	}
	p, found := ps.byKey[key]
	if !found {
		return fmt.Errorf("-set %s: unknown parameter %q; closest known: %s (run with -params for the list)",
			assign, key, strings.Join(ps.closest(key, 3), ", "))
	}
	if err := p.check(value); err != nil {
		return fmt.Errorf("-set %s: %s=%q %v", assign, key, value, err)
	}
	p.value = value
	return nil
}

// Reset puts every parameter back to its default.
func (ps *Params) Reset() {
	for _, p := range ps.list {
		p.value = p.Default
	}
}

// Validate runs the combination rules and returns the first failure.
func (ps *Params) Validate() error {
	for _, r := range ps.rules {
		if err := r.check(); err != nil {
			return fmt.Errorf("parameters %s: %w", strings.Join(r.keys, ", "), err)
		}
	}
	return nil
}

// All returns every parameter in declaration order.
func (ps *Params) All() []*Param { return ps.list }

// Lookup returns the parameter with this key, or nil.
func (ps *Params) Lookup(key string) *Param { return ps.byKey[key] }

// Values returns every key with its current value, sorted by key.
func (ps *Params) Values() map[string]string {
	out := make(map[string]string, len(ps.list))
	for _, p := range ps.list {
		out[p.Key] = p.value
	}
	return out
}

func (ps *Params) closest(key string, n int) []string {
	type cand struct {
		key  string
		dist int
	}
	var cs []cand
	for _, p := range ps.list {
		cs = append(cs, cand{p.Key, editDistance(key, p.Key)})
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].dist != cs[j].dist {
			return cs[i].dist < cs[j].dist
		}
		return cs[i].key < cs[j].key
	})
	var out []string
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].key)
	}
	return out
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Get returns the value and records that the cell's chapter used it.
func (p IntParam) Get(c *Cell) int {
	c.use(p.Param)
	v, _ := strconv.Atoi(strings.TrimSpace(p.value))
	return v
}

// Int returns the value without recording a use (for rules and validation).
func (p IntParam) Int() int { v, _ := strconv.Atoi(strings.TrimSpace(p.value)); return v }

// Get returns the value and records that the cell's chapter used it.
func (p FloatParam) Get(c *Cell) float64 {
	c.use(p.Param)
	return p.Float()
}

// Float returns the value without recording a use.
func (p FloatParam) Float() float64 {
	v, _ := strconv.ParseFloat(strings.TrimSpace(p.value), 64)
	return v
}

// Get returns the value and records that the cell's chapter used it.
func (p StringParam) Get(c *Cell) string {
	c.use(p.Param)
	return p.value
}

// String returns the value without recording a use.
func (p StringParam) String() string { return p.value }
