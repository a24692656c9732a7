"""Reference values for pkg/life, computed by PyTorch.

Run from this directory with Debian's python3 (torch 1.13):

    python3 gen_reference.py > reference.json

Two cases, both in float64 with small fixed random values:
- "conv": one 3x3 circular convolution with 2 input and 3 output channels on
  a 5x5 torus, reduced to a scalar as sum(out * R); its output and the
  gradients of input, weight and bias.
- "net": the whole Life CNN (3x3 circular conv + ReLU, 1x1 conv + ReLU,
  1x1 conv, mean BCE with logits) on a 6x6 board and its next generation;
  its activations, loss and the gradient of every weight.
The Go tests load this file and compare.
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(1970)
d = torch.float64


def circ(x, w, b):
    """3x3 convolution on the torus: PyTorch's padding_mode='circular'."""
    return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="circular"), w, b)


def flat(x):
    return x.detach().reshape(-1).tolist()


# Case 1: the convolution alone.
x = torch.randn(1, 2, 5, 5, dtype=d, requires_grad=True)
w = torch.randn(3, 2, 3, 3, dtype=d, requires_grad=True)
b = torch.randn(3, dtype=d, requires_grad=True)
R = torch.randn(1, 3, 5, 5, dtype=d)
out = circ(x, w, b)
# The same layer as torch.nn.Conv2d spells it, to be sure of the convention.
layer = torch.nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular").double()
with torch.no_grad():
    layer.weight.copy_(w)
    layer.bias.copy_(b)
    assert torch.equal(layer(x), out)
(out * R).sum().backward()
conv = {"S": 5, "Cin": 2, "Cout": 3, "in": flat(x), "w": flat(w), "b": flat(b), "R": flat(R),
        "out": flat(out), "grad_in": flat(x.grad), "grad_w": flat(w.grad), "grad_b": flat(b.grad)}

# Case 2: the whole net on a board and its true next generation.
Fn, H, S = 3, 4, 6
board = (torch.rand(S, S) < 0.4).to(d)


def life_step(bd):
    n = sum(torch.roll(bd, (dy, dx), (0, 1)) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
            if (dy, dx) != (0, 0))
    return ((n == 3) | ((n == 2) & (bd == 1))).to(d)


target = life_step(board)
w1 = (0.8 * torch.randn(Fn, 1, 3, 3, dtype=d)).requires_grad_()
b1 = (0.3 * torch.randn(Fn, dtype=d)).requires_grad_()
w2 = (0.8 * torch.randn(H, Fn, 1, 1, dtype=d)).requires_grad_()
b2 = (0.3 * torch.randn(H, dtype=d)).requires_grad_()
w3 = (0.8 * torch.randn(1, H, 1, 1, dtype=d)).requires_grad_()
b3 = (0.3 * torch.randn(1, dtype=d)).requires_grad_()
a1 = circ(board.view(1, 1, S, S), w1, b1)
a2 = F.conv2d(F.relu(a1), w2, b2)
z = F.conv2d(F.relu(a2), w3, b3)
loss = F.binary_cross_entropy_with_logits(z.view(S, S), target)
loss.backward()
net = {"S": S, "Filters": Fn, "Hidden": H,
       "board": [int(v) for v in flat(board)], "next": [int(v) for v in flat(target)],
       "w1": flat(w1), "b1": flat(b1), "w2": flat(w2), "b2": flat(b2), "w3": flat(w3), "b3": flat(b3),
       "a1": flat(a1), "a2": flat(a2), "z": flat(z), "loss": loss.item(),
       "grad_w1": flat(w1.grad), "grad_b1": flat(b1.grad), "grad_w2": flat(w2.grad),
       "grad_b2": flat(b2.grad), "grad_w3": flat(w3.grad), "grad_b3": flat(b3.grad)}

print(json.dumps({"conv": conv, "net": net}))
