"""Reference values for pkg/tf from PyTorch (float64).

Builds small D5-style transformers with fixed random weights, written with
TransformerLens's formulas, layouts and hook names (HookedTransformer with
normalization_type "LN" or None, act_fn "gelu", learned positions), runs
two windows through them, and writes the weights, the tokens and targets,
every hooked activation, the loss (mean next-token cross-entropy over all
positions of both windows) and the gradient of the loss with respect to
every weight to reference.json.

Run from this directory with Debian's python (PyTorch 1.13, numpy):
    /usr/bin/python3 gen_reference.py
"""
import json
import math

import torch

torch.set_default_dtype(torch.float64)
EPS = 1e-5


def make_weights(gen, cfg):
    V, D, H, Dh, FF, C, L = (cfg[k] for k in ("d_vocab", "d_model", "n_heads", "d_head", "d_mlp", "n_ctx", "n_layers"))
    ln = cfg["normalization_type"] == "LN"

    def rnd(*shape, std=0.5, mean=0.0):
        return (mean + std * torch.randn(*shape, generator=gen)).requires_grad_()

    w = {"embed.W_E": rnd(V, D), "pos_embed.W_pos": rnd(C, D)}
    for l in range(L):
        p = f"blocks.{l}."
        if ln:
            w[p + "ln1.w"] = rnd(D, std=0.2, mean=1.0)
            w[p + "ln1.b"] = rnd(D, std=0.2)
        for n in "QKV":
            w[p + f"attn.W_{n}"] = rnd(H, D, Dh)
        for n in "QKV":
            w[p + f"attn.b_{n}"] = rnd(H, Dh, std=0.2)
        w[p + "attn.W_O"] = rnd(H, Dh, D)
        w[p + "attn.b_O"] = rnd(D, std=0.2)
        if ln:
            w[p + "ln2.w"] = rnd(D, std=0.2, mean=1.0)
            w[p + "ln2.b"] = rnd(D, std=0.2)
        w[p + "mlp.W_in"] = rnd(D, FF)
        w[p + "mlp.b_in"] = rnd(FF, std=0.2)
        w[p + "mlp.W_out"] = rnd(FF, D)
        w[p + "mlp.b_out"] = rnd(D, std=0.2)
    if ln:
        w["ln_final.w"] = rnd(D, std=0.2, mean=1.0)
        w["ln_final.b"] = rnd(D, std=0.2)
    w["unembed.W_U"] = rnd(D, V)
    w["unembed.b_U"] = rnd(V, std=0.2)
    return w


def layer_norm(x, w, b):
    # TransformerLens LayerNorm: centre, divide by sqrt(mean square + eps), gain, bias.
    x = x - x.mean(-1, keepdim=True)
    scale = (x.pow(2).mean(-1, keepdim=True) + EPS).sqrt()
    return x / scale * w + b


def forward(w, cfg, tokens):
    """One window (pos,) -> dict of hook name -> activation, batch dim dropped."""
    ln = cfg["normalization_type"] == "LN"
    T = tokens.shape[0]
    acts = {}

    def hook(name, x):
        acts[name] = x
        return x

    resid = hook("hook_embed", w["embed.W_E"][tokens]) + hook("hook_pos_embed", w["pos_embed.W_pos"][:T])
    for l in range(cfg["n_layers"]):
        p = f"blocks.{l}."
        resid = hook(p + "hook_resid_pre", resid)
        x = hook(p + "ln1.hook_normalized", layer_norm(resid, w[p + "ln1.w"], w[p + "ln1.b"])) if ln else resid
        q = hook(p + "attn.hook_q", torch.einsum("pd,hde->phe", x, w[p + "attn.W_Q"]) + w[p + "attn.b_Q"])
        k = hook(p + "attn.hook_k", torch.einsum("pd,hde->phe", x, w[p + "attn.W_K"]) + w[p + "attn.b_K"])
        v = hook(p + "attn.hook_v", torch.einsum("pd,hde->phe", x, w[p + "attn.W_V"]) + w[p + "attn.b_V"])
        scores = torch.einsum("qhe,khe->hqk", q, k) / math.sqrt(cfg["d_head"])
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        scores = hook(p + "attn.hook_attn_scores", scores.masked_fill(mask, float("-inf")))
        pattern = hook(p + "attn.hook_pattern", torch.softmax(scores, dim=-1))
        z = hook(p + "attn.hook_z", torch.einsum("hqk,khe->qhe", pattern, v))
        attn_out = hook(p + "hook_attn_out", torch.einsum("qhe,hed->qd", z, w[p + "attn.W_O"]) + w[p + "attn.b_O"])
        resid = hook(p + "hook_resid_mid", resid + attn_out)
        x = hook(p + "ln2.hook_normalized", layer_norm(resid, w[p + "ln2.w"], w[p + "ln2.b"])) if ln else resid
        pre = hook(p + "mlp.hook_pre", x @ w[p + "mlp.W_in"] + w[p + "mlp.b_in"])
        post = hook(p + "mlp.hook_post", torch.nn.functional.gelu(pre))  # exact (erf) GELU
        mlp_out = hook(p + "hook_mlp_out", post @ w[p + "mlp.W_out"] + w[p + "mlp.b_out"])
        resid = hook(p + "hook_resid_post", resid + mlp_out)
    x = hook("ln_final.hook_normalized", layer_norm(resid, w["ln_final.w"], w["ln_final.b"])) if ln else resid
    logits = hook("logits", x @ w["unembed.W_U"] + w["unembed.b_U"])
    hook("probs", torch.softmax(logits, dim=-1))
    return acts


def encode(x):
    """A tensor as {shape, data}; -inf (masked attention scores) becomes null."""
    flat = x.detach().reshape(-1).tolist()
    return {"shape": list(x.shape), "data": [None if math.isinf(v) and v < 0 else v for v in flat]}


def case(seed, norm, n_layers):
    cfg = {"d_vocab": 5, "d_model": 6, "n_heads": 2, "d_head": 3, "d_mlp": 10, "n_ctx": 5,
           "n_layers": n_layers, "normalization_type": norm, "act_fn": "gelu", "eps": EPS}
    gen = torch.Generator().manual_seed(seed)
    w = make_weights(gen, cfg)
    tokens = torch.randint(cfg["d_vocab"], (2, cfg["n_ctx"]), generator=gen)
    targets = torch.randint(cfg["d_vocab"], (2, cfg["n_ctx"]), generator=gen)
    windows = [forward(w, cfg, tokens[b]) for b in range(2)]
    logits = torch.stack([a["logits"] for a in windows])  # (batch, pos, d_vocab)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, cfg["d_vocab"]), targets.reshape(-1))
    loss.backward()
    return {
        "config": cfg,
        "tokens": tokens.tolist(),
        "targets": targets.tolist(),
        "weights": [{"name": n, **encode(t)} for n, t in w.items()],
        "activations": [[{"name": n, **encode(t)} for n, t in a.items()] for a in windows],
        "loss": loss.item(),
        "grads": [{"name": n, **encode(t.grad)} for n, t in w.items()],
    }


if __name__ == "__main__":
    out = {"torch": torch.__version__, "cases": [case(1, "LN", 2), case(2, None, 1)]}
    with open("reference.json", "w") as f:
        json.dump(out, f, allow_nan=False)
