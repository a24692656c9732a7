package chapters

import (
	"fmt"
	"strings"

	"tinynets/pkg/cnn"
	"tinynets/pkg/notebook"
	"tinynets/pkg/tf"
)

// chapterGlossary is the appendix that translates the seed's words.
//
// The seed names the parts of the two networks by the role they play:
// context sharing, storyline, dims, AH, detector banks. The field names
// them by the operation: convolution, attention, residual stream,
// embedding dimension, attention head, MLP neurons. Neither vocabulary is
// wrong, and this book uses both: the seed's words where they describe a
// role, the field's where they describe an operation. This page puts them
// side by side, says what each is in this build's models, and links to
// the section where the book shows it.
var chapterGlossary = notebook.Chapter{
	ID:    "glossary",
	Title: "Glossary: the seed's words and the field's",
	Seed:  "2 CNN/TF algorithms – details",
	File:  "appendix_glossary.go",
	Intro: "chapterGlossary",
	Sections: []notebook.Section{
		{ID: "glossary-words", Title: "Word by word", Run: glossaryWords},
	},
}

// One row per term, in the order the seed introduces them. The third
// column is filled from this build's models, so it changes with the
// parameters.
func glossaryWords(c *notebook.Cell) error {
	m4, _, err := d4(c)
	if err != nil {
		return err
	}
	m5, err := d5(c)
	if err != nil {
		return err
	}
	c.Markdownf("%s", glossaryTable(glossaryEntries(m4.Config, m5)))
	return nil
}

// glossaryEntry is one term: the seed's word, the field's, what it is in
// this build, and the sections that show it.
type glossaryEntry struct {
	Seed, Field, Here string
	Where             []string
}

func glossaryEntries(c4 cnn.Config, m5 *tf.Model) []glossaryEntry {
	k5 := m5.Config
	heads := "1 head"
	if k5.Heads > 1 {
		heads = fmt.Sprintf("%d heads", k5.Heads)
	}
	return []glossaryEntry{
		{"mechanistic", "deterministic computation; (in the field, *mechanistic interpretability* means reverse-engineering what a trained network computes)",
			"the same input gives bit-identical logits", []string{"0-bits"}},
		{"tokens", "tokens, token ids, the vocabulary",
			fmt.Sprintf("D5's vocabulary: the %d distinct characters of its text", m5.Vocab.Size()), []string{"2.1-D5"}},
		{"convert ASCII to dims, embed", "token embedding W_E plus position embedding W_pos",
			fmt.Sprintf("W_E is %d × %d, W_pos %d × %d", m5.Vocab.Size(), k5.DModel, k5.Block, k5.DModel), []string{"2.1b-D5"}},
		{"dims", "the embedding dimension d_model (the width of the residual stream); in a CNN, channels",
			fmt.Sprintf("d_model = %d; D4 has %d then %d channels", k5.DModel, c4.Filters1, c4.Filters2), []string{"2.1b-D5", "2.2.1-D4"}},
		{"convolute, kernels, filters", "convolution (in PyTorch a cross-correlation); a filter is one output channel's kernels",
			fmt.Sprintf("conv1: %d filters of 1×%d×%d; conv2: %d of %d×%d×%d", c4.Filters1, c4.Kernel, c4.Kernel, c4.Filters2, c4.Filters1, c4.Kernel, c4.Kernel),
			[]string{"2.2.1-D4", "2.3.1-D4"}},
		{"context sharing", "token mixing: convolution in a CNN, attention in a transformer",
			"conv1 and conv2 in D4; each block's attention in D5", []string{"2.2.1-D4", "2.2.1-D5"}},
		{"AH (attention head)", "attention head: one set of query, key, value and output weights",
			fmt.Sprintf("%s of %d dims per block", heads, k5.DModel/k5.Heads), []string{"2.2.1-D5"}},
		{"QKV", "queries, keys and values", fmt.Sprintf("each %d × %d × %d for a window", k5.Block, k5.Heads, k5.DModel/k5.Heads), []string{"2.2.1-D5"}},
		{"neighbours in meaning", "the attention pattern, softmax(q·k / √d_head), causal",
			fmt.Sprintf("%d × %d × %d per block", k5.Heads, k5.Block, k5.Block), []string{"2.2.1-D5"}},
		{"storyline", "the residual stream in a transformer; the stack of feature maps in a CNN",
			fmt.Sprintf("D5's stream is %d × %d at every block; D4's maps shrink from 28×28 to 7×7", k5.Block, k5.DModel), []string{"2.2.3-D5", "2.2.3-D4"}},
		{"FFN, detector banks", "the MLP sublayer; its hidden units are its neurons",
			fmt.Sprintf("%d → %d → %d, GELU", k5.DModel, k5.FF, k5.DModel), []string{"2.2.3-D5"}},
		{"RELU, GELU", "activation functions: the non-linearities", "ReLU in D4, GELU in D5's FFN", []string{"2.2.3-D4", "2.2.3-D5"}},
		{"pool", "max pooling, a downsampling", "2×2, twice: 28 → 14 → 7", []string{"2.2.3-D4", "2.3.3-D4"}},
		{"layer (of a transformer)", "a transformer block: attention then MLP, each added to the stream",
			fmt.Sprintf("D5 has %d; each is attention then an FFN", k5.Layers), []string{"2.0-D5", "2.3-D5"}},
		{"FC classifier", "a fully connected (linear) layer: the classification head",
			fmt.Sprintf("%d inputs → %d", c4.Filters2*49, cnn.Classes), []string{"2.4-D4"}},
		{"W(unembed)", "the unembedding W_U, the language-model head",
			fmt.Sprintf("%d × %d", k5.DModel, m5.Vocab.Size()), []string{"2.4-D5"}},
		{"logits", "logits: unnormalised log-probabilities, one per class",
			fmt.Sprintf("%d for D4, %d per position for D5", cnn.Classes, m5.Vocab.Size()), []string{"2.4-D4", "2.4-D5"}},
		{"select label, pick best", "argmax (greedy decoding), or sampling", "greedy in both", []string{"2.5-D4", "2.5-D5"}},
		{"auto-regressive", "autoregressive decoding; with a key-value (KV) cache to avoid recomputing",
			fmt.Sprintf("a window of %d, sliding", k5.Block), []string{"2.6-D5"}},
		{"generator", "a generative model: one that produces its next input", "the char-CNN and the Life CNN", []string{"3-text-generate", "3-life-rollout"}},
		{"hosting an algorithm", "a network whose weights implement a known procedure",
			"the Life CNN: its 3×3 kernels and 1×1 layers compute the Game of Life rule", []string{"3-life-kernels"}},
	}
}

// glossaryTable lays the entries out as a Markdown table with links.
func glossaryTable(entries []glossaryEntry) string {
	var b strings.Builder
	b.WriteString("| the seed's word | the field's word | in this build | shown in |\n|---|---|---|---|\n")
	for _, e := range entries {
		links := make([]string, len(e.Where))
		for i, id := range e.Where {
			links[i], _ = bookLink(id)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", claimsCell(e.Seed), claimsCell(e.Field), claimsCell(e.Here), strings.Join(links, ", "))
	}
	return b.String()
}
