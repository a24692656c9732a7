// Package tf is D5, the seed's tiny character transformer, written out
// layer by layer so that a reader can follow every number.
//
// The vocabulary is the distinct characters (runes) of a training text in
// order of first appearance. A window of at most Block token ids goes in;
// for every position the model gives logits over the vocabulary for the
// next character:
//
//	token embedding W_E + position embedding W_pos     (the seed's 2.1b "embed")
//	Layers times:
//	    resid += attention(LayerNorm(resid))           (2.2.1 context sharing)
//	    resid += FFN(LayerNorm(resid)), GELU inside    (2.2.3 storyline)
//	logits = LayerNorm(resid) W_U + b_U                (2.4 W_unembed)
//
// Norm "none" drops the three LayerNorms, as the seed's diagram does.
//
// Weights and activations use the names and layouts of TransformerLens
// (HookedTransformer) with the batch dimension dropped, so that a reader
// who knows that library finds the same tensors under the same names:
// embed.W_E is (d_vocab, d_model), blocks.0.attn.W_Q is (n_heads, d_model,
// d_head), blocks.0.attn.hook_pattern is (n_heads, query_pos, key_pos) and
// so on. Linear weights are stored (in, out), as TransformerLens does,
// not (out, in) as torch.nn.Linear does.
//
// The arithmetic is generic over float32 and float64: training and
// generation run in float32, the finite-difference gradient checks in
// float64. Each layer is a forward function next to its backward function
// (layers.go); backward functions add into their gradient buffers.
//
// Shape mistakes made by a caller (a token id outside the vocabulary, a
// window longer than Block) are programmer errors and panic. Bad input from
// outside (texts, prompts, configuration values, cached model files) is
// reported as an error that names the parameter.
package tf
