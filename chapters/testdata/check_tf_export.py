"""Check the book's exported D5 tensors against an independent PyTorch forward pass.

Usage: python3 check_tf_export.py BOOK_DIR [PREFIX]

BOOK_DIR is a built book folder (the output of cmd/build-book, or any folder
whose */tensors/tf/*.npy files chapter runs wrote). PREFIX is the model's
tensor prefix, "tf" by default (the book's default transformer).

The script rebuilds the transformer from its exported weights, named as
TransformerLens names them (embed.W_E, pos_embed.W_pos, blocks.{l}.ln1.w,
..., unembed.b_U), in a few lines of PyTorch written from the standard
definitions, not from the Go code: pre-LayerNorm blocks (eps 1e-5) with
causal multi-head attention whose Q, K, V and output projections have
biases and whose scores are scaled by 1/sqrt(d_head), an FFN with the exact
(erf) GELU, a final LayerNorm and an unembedding with a bias. Without
ln1/ln2/ln_final weights it runs without LayerNorm (tf.norm=none). It reads
the number of blocks, heads and sizes from the weights' shapes.

It runs the exported window PREFIX/tokens through that model in float64
and prints, for every exported activation (hook_embed, ...,
blocks.{l}.attn.hook_pattern, ..., logits, probs), the largest absolute
difference from PyTorch's, and also checks that the masked attention
scores are -inf exactly where PyTorch's are. It exits with status 1 if a
weight the model needs is missing, a shape differs, or an activation
differs by more than 1e-4 times the activation's largest magnitude.

It is a reader's tool and the evidence for the export; go test does not
run it. It needs torch and numpy (PyTorch 1.13 was used).
"""

import glob
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

REL_TOL = 1e-4
EPS = 1e-5


def exported(book, prefix):
    """Returns {name without prefix: path} of the book's PREFIX/ tensors."""
    manifest = os.path.join(book, "book.json")
    head = prefix + "/"
    if os.path.exists(manifest):
        with open(manifest) as f:
            m = json.load(f)
        return {t["name"][len(head):]: os.path.join(book, t["file"])
                for t in m["tensors"] if t["name"].startswith(head)}
    out = {}
    for path in sorted(glob.glob(os.path.join(book, "*", "tensors", prefix, "*.npy"))):
        out[os.path.basename(path)[:-len(".npy")]] = path
    return out


def forward(w, tokens):
    """Returns {hook name: activation} of the model with weights w on tokens.

    Everything is float64; shapes follow TransformerLens without the batch
    dimension.
    """
    ln = "ln_final.w" in w
    n_layers = 0
    while f"blocks.{n_layers}.attn.W_Q" in w:
        n_layers += 1
    T = tokens.shape[0]
    acts = {}

    def norm(x, name):
        return F.layer_norm(x, (x.shape[-1],), w[name + ".w"], w[name + ".b"], eps=EPS)

    acts["hook_embed"] = w["embed.W_E"][tokens]
    acts["hook_pos_embed"] = w["pos_embed.W_pos"][:T]
    resid = acts["hook_embed"] + acts["hook_pos_embed"]
    causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)  # key after query
    for l in range(n_layers):
        b = f"blocks.{l}."
        acts[b + "hook_resid_pre"] = resid
        x = resid
        if ln:
            x = acts[b + "ln1.hook_normalized"] = norm(resid, b + "ln1")
        # (pos, d_model) x (n_heads, d_model, d_head) -> (pos, n_heads, d_head)
        q = acts[b + "attn.hook_q"] = torch.einsum("td,hde->the", x, w[b + "attn.W_Q"]) + w[b + "attn.b_Q"]
        k = acts[b + "attn.hook_k"] = torch.einsum("td,hde->the", x, w[b + "attn.W_K"]) + w[b + "attn.b_K"]
        v = acts[b + "attn.hook_v"] = torch.einsum("td,hde->the", x, w[b + "attn.W_V"]) + w[b + "attn.b_V"]
        d_head = q.shape[-1]
        scores = torch.einsum("qhe,khe->hqk", q, k) / math.sqrt(d_head)
        scores = scores.masked_fill(causal, float("-inf"))
        acts[b + "attn.hook_attn_scores"] = scores
        pattern = acts[b + "attn.hook_pattern"] = torch.softmax(scores, dim=-1)
        z = acts[b + "attn.hook_z"] = torch.einsum("hqk,khe->qhe", pattern, v)
        attn_out = acts[b + "hook_attn_out"] = torch.einsum("the,hed->td", z, w[b + "attn.W_O"]) + w[b + "attn.b_O"]
        resid = acts[b + "hook_resid_mid"] = resid + attn_out
        x = resid
        if ln:
            x = acts[b + "ln2.hook_normalized"] = norm(resid, b + "ln2")
        pre = acts[b + "mlp.hook_pre"] = x @ w[b + "mlp.W_in"] + w[b + "mlp.b_in"]
        post = acts[b + "mlp.hook_post"] = F.gelu(pre, approximate="none")
        mlp_out = acts[b + "hook_mlp_out"] = post @ w[b + "mlp.W_out"] + w[b + "mlp.b_out"]
        resid = acts[b + "hook_resid_post"] = resid + mlp_out
    x = resid
    if ln:
        x = acts["ln_final.hook_normalized"] = norm(resid, "ln_final")
    logits = acts["logits"] = x @ w["unembed.W_U"] + w["unembed.b_U"]
    acts["probs"] = torch.softmax(logits, dim=-1)
    return acts, n_layers, ln


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        sys.exit(2)
    book = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) == 3 else "tf"
    files = exported(book, prefix)
    if "tokens" not in files:
        print(f"no {prefix}/tokens in {book}: run chapter 2.1 (and the D5 chapters) into it first", file=sys.stderr)
        sys.exit(1)
    arrays = {name: np.load(path) for name, path in sorted(files.items())}
    tokens = torch.from_numpy(arrays.pop("tokens").astype(np.int64))

    weight_names = [n for n in arrays if ".W_" in n or n.endswith((".w", ".b", ".b_Q", ".b_K", ".b_V", ".b_O",
                                                                   ".b_in", ".b_out", ".b_U"))]
    w = {n: torch.from_numpy(arrays[n].astype(np.float64)) for n in weight_names}
    for need in ["embed.W_E", "pos_embed.W_pos", "unembed.W_U", "unembed.b_U", "blocks.0.attn.W_Q"]:
        if need not in w:
            print(f"missing weight {prefix}/{need}", file=sys.stderr)
            sys.exit(1)
    acts, n_layers, ln = forward(w, tokens)
    print(f"{prefix}: {n_layers} block(s), d_vocab {w['embed.W_E'].shape[0]}, d_model {w['embed.W_E'].shape[1]}, "
          f"n_heads {w['blocks.0.attn.W_Q'].shape[0]}, d_head {w['blocks.0.attn.W_Q'].shape[2]}, "
          f"d_mlp {w['blocks.0.mlp.W_in'].shape[1]}, LayerNorm {'yes' if ln else 'no'}; "
          f"window of {tokens.shape[0]} tokens; {len(w)} weights loaded")

    failed, compared = False, 0
    for name in sorted(n for n in arrays if n not in w):
        got = arrays[name]
        if got.dtype != np.float32:
            print(f"  {name}: dtype {got.dtype}, want float32")
            failed = True
        if name not in acts:
            print(f"  {name}: exported, but not an activation this model makes")
            failed = True
            continue
        want = acts[name].numpy()
        if got.shape != want.shape:
            print(f"  {name}: shape {got.shape}, PyTorch's {want.shape}")
            failed = True
            continue
        g, r = got.astype(np.float64), want
        finite = np.isfinite(r)
        if not np.array_equal(np.isfinite(g), finite) or not np.array_equal(g[~finite], r[~finite]):
            print(f"  {name}: masked (infinite) entries differ from PyTorch's")
            failed = True
            continue
        diff = float(np.max(np.abs(g[finite] - r[finite]))) if finite.any() else 0.0
        scale = float(np.max(np.abs(r[finite]))) if finite.any() else 0.0
        ok = diff <= REL_TOL * max(scale, 1.0)
        failed = failed or not ok
        compared += 1
        note = f", {int((~finite).sum())} masked entries match" if (~finite).any() else ""
        print(f"  {name:34s} {str(tuple(got.shape)):14s} max |diff| {diff:.3g}{note}{'' if ok else '  FAIL'}")
    missing = sorted(set(acts) - set(arrays))
    if missing:
        print(f"  not exported (not compared): {', '.join(missing)}")
    print(f"{compared} activations compared: {'FAIL' if failed else 'all within tolerance'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
