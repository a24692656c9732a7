package chapters

import (
	"strings"
	"testing"

	"tinynets/pkg/cnn"
	"tinynets/pkg/tf"
)

// claimsTestD5 is a D5 with its initial weights: enough for shapes, links
// and the float64 attention check, without training.
func claimsTestD5(t *testing.T, cfg tf.Config) *tf.Model {
	t.Helper()
	v, err := tf.NewVocab("hello world")
	if err != nil {
		t.Fatal(err)
	}
	m, err := tf.New(cfg, v)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sectionIDs returns every section id of the book.
func sectionIDs() map[string]bool {
	ids := map[string]bool{}
	for _, ch := range All() {
		for _, s := range ch.Sections {
			ids[s.ID] = true
		}
	}
	return ids
}

// Every section the claims page and the glossary link to is in the book:
// renaming a section without updating them fails here, not in a reader's
// browser.
func TestClaimsAndGlossaryLinkToRealSections(t *testing.T) {
	ids := sectionIDs()
	m5 := claimsTestD5(t, tf.DefaultConfig())
	cfg4 := cnn.DefaultConfig()
	var rows []claimRow
	rows = append(rows, claimsInputRows(m5)...)
	rows = append(rows, claimsContextRows(cfg4, m5, cnn.ReceptiveField(cfg4), 0.5, 0)...)
	rows = append(rows, claimsStorylineRows(cfg4, m5, 196, 49, 8, 8, claimsLinearity{0, 0.1}, 0, []int{8, 64})...)
	rows = append(rows, claimsLogitsRows(m5, 784, []int{16, 8}, 0.98, 1, 10)...)
	rows = append(rows, claimsLoopRows(m5, 12, 8, 0, 0.13, 1, 1, "hello world", true, 128, 128)...)
	rows = append(rows, claimsMachineRows(true, 266432, 179395571712)...)
	for _, r := range rows {
		if len(r.Where) == 0 {
			t.Errorf("claim %q links to no section", r.Claim)
		}
		for _, id := range r.Where {
			if !ids[id] {
				t.Errorf("claim %q links to section %s, which the book does not have", r.Claim, id)
			}
		}
	}
	for _, e := range glossaryEntries(cfg4, m5) {
		for _, id := range e.Where {
			if !ids[id] {
				t.Errorf("glossary entry %q links to section %s, which the book does not have", e.Seed, id)
			}
		}
	}
}

// Links use the page of the chapter that holds the section and the
// section's id as the anchor, as pkg/book writes them.
func TestBookLink(t *testing.T) {
	link, ok := bookLink("0-bits")
	if !ok || link != "[0-bits](chapter-0.html#0-bits)" {
		t.Errorf("bookLink(0-bits) = %q, %v", link, ok)
	}
	link, ok = bookLink("3-no-such-section")
	if ok || link != "[3-no-such-section](chapter-3.html)" {
		t.Errorf("a missing section of chapter 3: %q, %v; want a link to the chapter", link, ok)
	}
	link, ok = bookLink("nowhere")
	if ok || link != "nowhere" {
		t.Errorf("an id of no chapter: %q, %v; want the bare id", link, ok)
	}
}

// The float64 attention of the claims page reproduces D5's own attention
// output, and is affine when its pattern is frozen but not when the
// pattern follows the input.
func TestClaimsAttentionLinearity(t *testing.T) {
	for _, norm := range []string{"ln", "none"} {
		cfg := tf.DefaultConfig()
		cfg.Norm, cfg.Heads = norm, 2
		m := claimsTestD5(t, cfg)
		a := []int{0, 1, 2, 2, 3, 4, 5, 3}
		b := []int{7, 6, 2, 3, 1, 0, 4, 4}
		lin, err := claimsAttentionLinearity(m, a, b)
		if err != nil {
			t.Fatalf("norm %s: %v", norm, err)
		}
		if lin.frozen > 1e-12 {
			t.Errorf("norm %s: frozen pattern midpoint error %g, want 0 (an affine map)", norm, lin.frozen)
		}
		if lin.live < 1e-4 {
			t.Errorf("norm %s: live pattern midpoint error %g, want clearly above 0", norm, lin.live)
		}
	}
}

func TestMechFormatting(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{{20312.4, "20,300"}, {1083333, "1,080,000"}, {3.56, "3.56"}, {0.00879, "0.00879"}, {5920.3, "5,920"}} {
		if got := mechSig(c.x); got != c.want {
			t.Errorf("mechSig(%g) = %q, want %q", c.x, got, c.want)
		}
	}
	const year = 365.25 * 24 * 3600
	for _, c := range []struct {
		s    float64
		want string
	}{{2.03e4 * year, "20,300 years"}, {11 * 86400, "11 days"}, {26.5 * 3600, "26.5 hours"}, {303e-6, "303 µs"}, {16.5e-3, "16.5 ms"}} {
		if got := mechDuration(c.s); got != c.want {
			t.Errorf("mechDuration(%g) = %q, want %q", c.s, got, c.want)
		}
	}
	if got := mechCount(9098); got != "9,098" {
		t.Errorf("mechCount(9098) = %q", got)
	}
	if got := mechBytes(718e9); !strings.HasPrefix(got, "718 GB") {
		t.Errorf("mechBytes(718e9) = %q", got)
	}
}
