"""Reference values for pkg/charcnn, computed by PyTorch.

Run from this directory with Debian's python3 (torch 1.13):

    python3 gen_reference.py > reference.json

Small fixed random weights and a fixed window of tokens go through the same
net as charcnn (embedding, causal dilated Conv1d with kernel 2 + ReLU +
residual per layer, 1x1 Conv1d to logits, mean cross-entropy) in float64.
The output holds the weights, the activations, the loss and the gradient of
every weight; the Go tests load it and compare.
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(20240607)
V, C, L, T = 5, 4, 2, 4  # vocabulary, channels, layers (dilations 1, 2), window

ids = torch.tensor([3, 0, 4, 1])
targets = torch.tensor([0, 4, 1, 2])

emb = torch.randn(V, C, dtype=torch.float64, requires_grad=True)
convs = []
for l in range(L):
    w = (0.6 * torch.randn(C, C, 2, dtype=torch.float64)).requires_grad_()
    b = (0.3 * torch.randn(C, dtype=torch.float64)).requires_grad_()
    convs.append((w, b))
out_w = (0.6 * torch.randn(V, C, 1, dtype=torch.float64)).requires_grad_()
out_b = (0.3 * torch.randn(V, dtype=torch.float64)).requires_grad_()

h = emb[ids].t().unsqueeze(0)  # (1, C, T): PyTorch's channel-major layout
hidden, pre = [], []
for l, (w, b) in enumerate(convs):
    d = 2 ** l
    a = F.conv1d(F.pad(h, (d, 0)), w, b, dilation=d)  # causal: pad d zeros on the left
    pre.append(a)
    h = h + F.relu(a)
    hidden.append(h)
logits = F.conv1d(h, out_w, out_b)  # (1, V, T)
loss = F.cross_entropy(logits[0].t(), targets)  # mean over the T positions
loss.backward()


def tokmajor(x):
    """(1, C, T) -> (T, C), flattened: charcnn's token-major layout."""
    return x[0].t().reshape(-1).tolist()


def flat(x):
    return x.detach().reshape(-1).tolist()


ref = {
    "V": V, "C": C, "L": L, "T": T,
    "ids": ids.tolist(), "targets": targets.tolist(),
    "emb": flat(emb),
    "conv_w": [flat(w) for w, _ in convs],
    "conv_b": [flat(b) for _, b in convs],
    "out_w": flat(out_w), "out_b": flat(out_b),
    "pre": [tokmajor(a.detach()) for a in pre],
    "hidden": [tokmajor(x.detach()) for x in hidden],
    "logits": tokmajor(logits.detach()),
    "loss": loss.item(),
    "grad_emb": flat(emb.grad),
    "grad_conv_w": [flat(w.grad) for w, _ in convs],
    "grad_conv_b": [flat(b.grad) for _, b in convs],
    "grad_out_w": flat(out_w.grad), "grad_out_b": flat(out_b.grad),
}
print(json.dumps(ref, indent=1))
