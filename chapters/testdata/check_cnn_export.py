"""Check the book's exported D4 tensors against PyTorch.

Usage: python3 check_cnn_export.py BOOK_DIR MNIST_DIR

BOOK_DIR is a built book folder (the output of cmd/build-book, or any folder
whose */tensors/cnn/*.npy files a chapter run wrote). MNIST_DIR is a folder
with the MNIST test files t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte,
plain or with .gz (the GoMNIST module's data folder, for instance).

The script loads the exported weights (cnn/conv1.weight, ..., cnn/fc.bias)
into a PyTorch module of the same shape, runs the exported input
(cnn/input) through it, and prints the largest absolute difference between
each exported activation and PyTorch's. Then it labels the 10,000 test
images with the same weights and prints the test accuracy, beside the one
book.json reports if there is a book.json. It exits with status 1 if a
shape differs, an activation differs by more than 1e-4 times the
activation's largest magnitude (float32 summed in another order differs
by far less), or the accuracy differs from the reported one.

It is a reader's tool and the evidence for the export; go test does not
run it. It needs torch and numpy (PyTorch 1.13 was used).
"""

import glob
import gzip
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

WEIGHTS = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias"]
ACTIVATIONS = ["conv1.out", "relu1.out", "pool1.out", "conv2.out", "relu2.out", "pool2.out",
               "flatten", "logits", "probs"]
REL_TOL = 1e-4


def exported(book):
    """Returns {name: path} of the book's cnn/ tensors."""
    manifest = os.path.join(book, "book.json")
    if os.path.exists(manifest):
        with open(manifest) as f:
            m = json.load(f)
        return {t["name"]: os.path.join(book, t["file"]) for t in m["tensors"] if t["name"].startswith("cnn/")}
    out = {}
    for path in sorted(glob.glob(os.path.join(book, "*", "tensors", "cnn", "*.npy"))):
        out["cnn/" + os.path.basename(path)[:-len(".npy")]] = path
    return out


def reported_accuracy(book):
    """Returns models.cnn.test_accuracy of book.json, or None."""
    manifest = os.path.join(book, "book.json")
    if not os.path.exists(manifest):
        return None
    with open(manifest) as f:
        m = json.load(f)
    return (m.get("models") or {}).get("cnn", {}).get("test_accuracy")


def open_idx(folder, name):
    for path, opener in ((os.path.join(folder, name + ".gz"), gzip.open), (os.path.join(folder, name), open)):
        if os.path.exists(path):
            with opener(path, "rb") as f:
                return path, f.read()
    sys.exit(f"{folder}: neither {name}.gz nor {name} exists")


def test_set(folder):
    """Returns the MNIST test images (N, 1, 28, 28) in [0, 1] and labels (N)."""
    path, data = open_idx(folder, "t10k-images-idx3-ubyte")
    magic, n, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != 2051 or len(data) != 16 + n * rows * cols:
        sys.exit(f"{path}: not an IDX image file of {n} images of {rows}x{cols}")
    # The Go reader computes float32(byte) / 255; so does this.
    images = np.frombuffer(data, np.uint8, offset=16).astype(np.float32) / np.float32(255)
    path, data = open_idx(folder, "t10k-labels-idx1-ubyte")
    magic, m = struct.unpack(">II", data[:8])
    if magic != 2049 or m != n or len(data) != 8 + n:
        sys.exit(f"{path}: not an IDX label file of {n} labels")
    labels = np.frombuffer(data, np.uint8, offset=8).astype(np.int64)
    return torch.from_numpy(images.reshape(n, 1, rows, cols)), torch.from_numpy(labels)


class D4(nn.Module):
    """The book's CNN, its layer sizes read off the weights."""

    def __init__(self, w):
        super().__init__()
        f1, _, k, _ = w["conv1.weight"].shape
        f2 = w["conv2.weight"].shape[0]
        self.conv1 = nn.Conv2d(1, f1, k, padding=k // 2)
        self.conv2 = nn.Conv2d(f1, f2, k, padding=k // 2)
        self.fc = nn.Linear(w["fc.weight"].shape[1], w["fc.weight"].shape[0])
        with torch.no_grad():
            for name, t in w.items():
                layer, kind = name.split(".")
                getattr(getattr(self, layer), kind).copy_(torch.from_numpy(t))

    def forward(self, x):
        """Returns the logits and every stage, named as the book exports them."""
        acts = {}
        acts["conv1.out"] = x = self.conv1(x)
        acts["relu1.out"] = x = torch.relu(x)
        acts["pool1.out"] = x = nn.functional.max_pool2d(x, 2)
        acts["conv2.out"] = x = self.conv2(x)
        acts["relu2.out"] = x = torch.relu(x)
        acts["pool2.out"] = x = nn.functional.max_pool2d(x, 2)
        acts["flatten"] = x = torch.flatten(x, 1)
        acts["logits"] = x = self.fc(x)
        acts["probs"] = torch.softmax(x, dim=1)
        return x, acts


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    book, mnist = sys.argv[1], sys.argv[2]
    files = exported(book)
    missing = [n for n in ["input"] + WEIGHTS + ACTIVATIONS if "cnn/" + n not in files]
    if missing:
        sys.exit(f"{book}: missing exported tensors {', '.join('cnn/' + n for n in missing)}")
    w = {n: np.load(files["cnn/" + n]) for n in WEIGHTS}
    model = D4(w).eval()
    params = sum(p.numel() for p in model.parameters())
    print(f"weights: {', '.join(f'{n} {tuple(w[n].shape)}' for n in WEIGHTS)}; {params} parameters")

    ok = True
    x = torch.from_numpy(np.load(files["cnn/input"]))  # (1, 28, 28)
    with torch.no_grad():
        _, acts = model(x.unsqueeze(0))
    print(f"\n{'activation':12} {'shape':16} {'max |value|':>12} {'max |diff|':>12}")
    for name in ACTIVATIONS:
        want = np.load(files["cnn/" + name])
        got = acts[name].squeeze(0).numpy()
        if got.shape != want.shape:
            print(f"{name:12} shape {want.shape} exported, PyTorch gives {got.shape}: MISMATCH")
            ok = False
            continue
        scale = float(np.abs(want).max())
        diff = float(np.abs(got.astype(np.float64) - want.astype(np.float64)).max())
        bad = diff > REL_TOL * max(scale, 1e-30)
        ok = ok and not bad
        print(f"{name:12} {str(want.shape):16} {scale:12.6g} {diff:12.3g}{'  TOO LARGE' if bad else ''}")
    label = int(acts["logits"].argmax())
    print(f"PyTorch's label for the exported input: {label}")

    images, labels = test_set(mnist)
    with torch.no_grad():
        pred = torch.cat([model(images[i:i + 1000])[0].argmax(1) for i in range(0, len(images), 1000)])
    right = int((pred == labels).sum())
    print(f"\ntest accuracy in PyTorch: {right} of {len(labels)} = {right / len(labels):.4%}")
    reported = reported_accuracy(book)
    if reported is None:
        print("no book.json with models.cnn.test_accuracy to compare with")
    else:
        same = round(reported * len(labels)) == right
        ok = ok and same
        print(f"book.json reports {reported:.4%}: {'the same' if same else 'DIFFERENT'}")
    print("\nall checks passed" if ok else "\nSOME CHECKS FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
