"""Reference values for pkg/cnn from PyTorch, written to torch_reference.json.

Run with Debian's python (PyTorch 1.13, numpy):  /usr/bin/python3 gen_reference.py
Inputs are float32 values (so Go can hold them exactly); the layers and the
network are then evaluated in float64, and Adam in float32 as it trains.
All arrays are flattened in C order, in PyTorch's layouts.
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(20260607)


def f32(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).to(torch.float32)


def flat(t):
    return t.detach().to(torch.float64).reshape(-1).tolist()


def conv_case(cin, cout, h, w, k):
    x = f32(cin, h, w).double().requires_grad_()
    wt = f32(cout, cin, k, k, scale=0.5).double().requires_grad_()
    b = f32(cout).double().requires_grad_()
    dout = f32(cout, h, w).double()
    out = F.conv2d(x[None], wt, b, padding=k // 2)[0]
    out.backward(dout)
    return dict(cin=cin, cout=cout, h=h, w=w, k=k, x=flat(x), weight=flat(wt), bias=flat(b),
                dout=flat(dout), out=flat(out), dx=flat(x.grad), dweight=flat(wt.grad), dbias=flat(b.grad))


def relu_case(n):
    x = f32(n)
    x = torch.where(x.abs() < 0.1, x + 0.3 * torch.sign(x + 1e-9), x).double().requires_grad_()
    dout = f32(n).double()
    out = F.relu(x)
    out.backward(dout)
    return dict(x=flat(x), dout=flat(dout), out=flat(out), dx=flat(x.grad))


def pool_case(c, h, w):
    # Distinct values, at least 0.01 apart: no ties in any window.
    x = (torch.randperm(c * h * w).to(torch.float64) * 0.01 - 0.3).reshape(c, h, w)
    x = x.to(torch.float32).double().requires_grad_()
    dout = f32(c, h // 2, w // 2).double()
    out = F.max_pool2d(x[None], 2)[0]
    out.backward(dout)
    return dict(c=c, h=h, w=w, x=flat(x), dout=flat(dout), out=flat(out), dx=flat(x.grad))


def linear_case(nin, nout):
    x = f32(nin).double().requires_grad_()
    wt = f32(nout, nin, scale=0.3).double().requires_grad_()
    b = f32(nout).double().requires_grad_()
    dout = f32(nout).double()
    out = F.linear(x, wt, b)
    out.backward(dout)
    return dict(nin=nin, nout=nout, x=flat(x), weight=flat(wt), bias=flat(b), dout=flat(dout),
                out=flat(out), dx=flat(x.grad), dweight=flat(wt.grad), dbias=flat(b.grad))


def softmax_case(logits, label):
    z = logits.to(torch.float32).double().requires_grad_()
    loss = F.cross_entropy(z[None], torch.tensor([label]))
    loss.backward()
    return dict(logits=flat(z), label=label, loss=loss.item(), probs=flat(F.softmax(z, 0)), dlogits=flat(z.grad))


def net_case(f1, f2, k, n):
    """D4 with f1, f2 filters of side k on n random images, mean cross-entropy."""
    params = dict(
        conv1_weight=f32(f1, 1, k, k, scale=0.5), conv1_bias=f32(f1, scale=0.1),
        conv2_weight=f32(f2, f1, k, k, scale=0.3), conv2_bias=f32(f2, scale=0.1),
        fc_weight=f32(10, f2 * 49, scale=0.1), fc_bias=f32(10, scale=0.1))
    params = {name: p.double().requires_grad_() for name, p in params.items()}
    x = torch.rand(n, 1, 28, 28).to(torch.float32).double()
    labels = torch.randint(0, 10, (n,))
    conv1 = F.conv2d(x, params["conv1_weight"], params["conv1_bias"], padding=k // 2)
    pool1 = F.max_pool2d(F.relu(conv1), 2)
    conv2 = F.conv2d(pool1, params["conv2_weight"], params["conv2_bias"], padding=k // 2)
    pool2 = F.max_pool2d(F.relu(conv2), 2)
    logits = F.linear(pool2.reshape(n, -1), params["fc_weight"], params["fc_bias"])
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    case = dict(f1=f1, f2=f2, k=k, n=n, images=flat(x), labels=labels.tolist(), loss=loss.item(),
                conv1=flat(conv1), pool1=flat(pool1), conv2=flat(conv2), pool2=flat(pool2), logits=flat(logits))
    for name, p in params.items():
        case[name] = flat(p)
        case["d_" + name] = flat(p.grad)
    return case


def adam_case(n, steps, lr):
    p = torch.nn.Parameter(f32(n))
    start = flat(p)
    opt = torch.optim.Adam([p], lr=lr)  # betas (0.9, 0.999), eps 1e-8
    grads, after = [], []
    for _ in range(steps):
        g = f32(n)
        grads.append(flat(g))
        p.grad = g.clone()
        opt.step()
        after.append(flat(p))
    return dict(lr=lr, start=start, grads=grads, after=after)


ref = dict(
    conv=[conv_case(2, 3, 5, 6, 3), conv_case(3, 2, 6, 4, 5), conv_case(1, 2, 4, 4, 1)],
    relu=relu_case(24),
    pool=[pool_case(2, 6, 6), pool_case(2, 5, 7)],
    linear=linear_case(12, 5),
    softmax=[softmax_case(f32(10, scale=2), 3), softmax_case(torch.linspace(60, 100, 10), 0)],
    net=[net_case(2, 3, 3, 2), net_case(2, 2, 5, 1)],
    adam=adam_case(6, 4, 0.01),
)
with open("torch_reference.json", "w") as f:
    json.dump(ref, f)
print("torch", torch.__version__, "wrote torch_reference.json")
