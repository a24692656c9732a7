package chapters

import (
	"fmt"

	"tinynets/pkg/notebook"
	"tinynets/pkg/tf"
)

// chapterAutoregressive follows the seed's heading "2.6 Auto-regressive
// (D5 only)".
//
// One pass through the transformer gives one next character. To write
// text, the seed explains, the new character is appended to what the
// model reads, the window slides along once it is full, and the whole
// process repeats. The seed then guesses that because one new token
// changes everything, everything must be recomputed from scratch after
// each one. This chapter runs the loop, then tests that guess, and ends
// with what happens on a text too long to learn by heart.
var chapterAutoregressive = notebook.Chapter{
	ID:    "2.6",
	Title: "Auto-regressive generation",
	Seed:  "2.6 Auto-regressive (D5 only)",
	File:  "ch2_6_autoregressive.go",
	Intro: "chapterAutoregressive",
	Sections: []notebook.Section{
		{ID: "2.6-D5", Title: "D5: the loop, step by step", Run: generateLoop},
		{ID: "2.6-D5-cache", Title: "D5: must everything be recomputed?", Run: kvCache},
		{ID: "2.6-D5-text", Title: "D5: learning a text by heart, or learning its patterns?",
			Run: memoriseOrGeneralise},
	},
}

// Each step reads the window, the last tf.block characters written so
// far (fewer at the start), computes the probabilities of the next
// character at the window's last position, and appends the most probable
// one (greedy choice; chapter 2.5 shows sampling). Once the window is
// full, appending a character pushes the oldest one out: the window
// shifts, and the characters it keeps are now at new positions.
//
// By default the prompt is "h" and the loop runs until the text is as long
// as the training text; "hello world" is longer than the default window
// of 8, so the last steps shift it.
func generateLoop(c *notebook.Cell) error {
	m, err := d5(c)
	if err != nil {
		return err
	}
	text, err := trainingText(c)
	if err != nil {
		return err
	}
	prompt, err := promptIDs(c, m)
	if err != nil {
		return err
	}
	n := len([]rune(text))
	steps := m.Generate(prompt, max(0, n-len(prompt)), tf.Sampler{}) // greedy
	c.Table(stepTable(m, prompt, steps, 40))
	gen := m.Text(prompt, steps)
	c.Printf("prompt %q -> %q\n", tfPrompt.Get(c), clip(gen, 200))
	c.Printf("the first %d of its %d characters are the training text's\n", commonPrefix(gen,
		text), n)
	if s := firstShift(m, prompt, steps); s >= 0 {
		c.Printf("the window is full from step %d on; from step %d each step shifts it\n", s, s+1)
	}

	c.Model("tf", map[string]any{
		"text": text, "vocab": vocabStrings(m.Vocab), "config": m.HookedConfig(),
		"steps": m.Config.Steps, "final_loss": m.FinalLoss, "generated": gen,
	})
	c.Timing("tf.seconds", m.Seconds)
	c.Measuredf("training the model took %.2f s\n", m.Seconds)
	return nil
}

// The run below answers the seed's guess with "it depends": on whether the
// window has started to shift. While the window is still filling, a new
// character changes nothing that came before it: attention is
// causal, so the keys and values of earlier positions depend only on
// earlier characters. They can be kept from step to step (a KV cache)
// and only the new position computed; the logits come out the same as a
// full recompute. Once the window shifts, every character it keeps moves
// one position to the left, and because this model's positions are
// learned absolute rows (pos_embed.W_pos, chapter 2.1b) every kept key
// and value changes. A cache kept across the shift is stale.
//
// The code measures all three: the largest logit difference between the
// cached and the recomputed run while the window fills; for every shift,
// the difference a stale cache would make and whether it would change the
// greedy choice; and the multiply-adds each way costs (the counts of the
// tf package's MACs and CachedMACs: projections, scores, weighted sums,
// FFN and unembedding; LayerNorm, softmax and GELU are left out).
//
// Models with position schemes that depend only on the distance between
// two characters avoid the first reason a shift invalidates the cache;
// with more than one block there is a second one, since a kept position's
// later-block keys were computed from a context that still held the
// dropped character.
func kvCache(c *notebook.Cell) error {
	m, err := d5(c)
	if err != nil {
		return err
	}
	prompt, err := promptIDs(c, m)
	if err != nil {
		return err
	}
	n := cacheRunLength(c, m, len(prompt)) // long enough to shift the window a few times
	greedy := tf.Sampler{}
	plain, cached := m.Generate(prompt, n, greedy), m.GenerateCached(prompt, n, greedy)
	filling := cachedSteps(plain, cached)
	c.Printf("while the window fills (%d steps): largest |cached - recomputed| logit %.2g\n",
		len(filling.plain), tf.MaxAbsLogitDiff(filling.plain, filling.cached))

	shifts := m.StaleCache(promptAndTokens(prompt, plain[:n-1])) // the windows the run's steps read
	c.Table(staleTable(m, shifts, 12))
	c.Table(macTable(m, prompt, plain))
	c.Markdownf("%s", cacheVerdict(m, filling, shifts, prompt, plain))
	return nil
}

// A model that has learned "hello world" writes it back exactly: with 11
// characters to fit and thousands of weights, it can store the text
// itself. The repository also ships a longer text, written for this book,
// chapters/testdata/sample.txt (about 2.6 KB of plain prose). Train on it
// with
//
//	-set tf.textfile=chapters/testdata/sample.txt -set tf.block=32
//
// and the measures below tell what the model does with a text it cannot
// simply store: how many leading characters match the training text, the
// longest run copied from it verbatim, and how many of the words written
// are words of the training text.
//
// What we saw on that text: with the default 200 steps the loss stayed far
// from zero and neither way of choosing recited the sample. The greedy
// text soon went round in a loop of "the" and a fragment or two; the
// sampled text strung together pieces that look like English, some of
// them words of the sample and some made up. That is neither memorising
// nor writing: the model has learned which letters tend to follow which,
// and a few common words. With ten times the steps (tf.steps=2000) the
// loss fell a long way, most of the words written were words of the
// sample, and phrases of the sample came back, joined into sentences the
// sample does not contain. More training moves this model from letter
// statistics towards recalling its text; from 2.6 KB what it can
// generalise is the sample's spelling and phrasing, not new sense.
func memoriseOrGeneralise(c *notebook.Cell) error {
	m, err := d5(c)
	if err != nil {
		return err
	}
	text, err := trainingText(c)
	if err != nil {
		return err
	}
	prompt, err := promptIDs(c, m)
	if err != nil {
		return err
	}
	n := min(len([]rune(text)), 600)
	t := notebook.Table{Caption: fmt.Sprintf("%d characters written from the prompt, against the training text (final loss %.4f)", n, m.FinalLoss),
		Header: []string{"way of choosing", "start of the text written",
			"same start as the text", "longest verbatim copy", "words that are the text's"}}
	ways := []namedSampler{
		{"greedy", tf.Sampler{}},
		{fmt.Sprintf("temperature %g, top-%d", tfTemperature.Get(c), tfTopK.Get(c)),
			tf.Sampler{Temperature: tfTemperature.Get(c), TopK: tfTopK.Get(c),
				Seed: uint64(tfSeed.Get(c))}},
	}
	for _, w := range ways {
		gen := m.Text(prompt, m.Generate(prompt, max(0, n-len(prompt)), w.S))
		length, start := longestCopied(gen, text)
		known, total := knownWords(gen, text)
		t.Rows = append(t.Rows, []string{w.Name, quoted(clip(gen, 100)),
			fmt.Sprintf("%d characters", commonPrefix(gen, text)),
			fmt.Sprintf("%d characters: %s", length,
				quoted(string([]rune(gen)[start:start+length]))),
			fmt.Sprintf("%d of %d", known, total)})
	}
	c.Table(t)
	c.Markdownf("%s", recitalVerdict(m, prompt, text, n))
	return nil
}
