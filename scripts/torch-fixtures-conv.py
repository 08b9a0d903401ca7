#!/usr/bin/env python3
"""PyTorch's values and gradients of conv2d, max_pool2d and avg_pool2d (issue 14).

Writes test/fixtures/torch-conv.json, which test/conv.test.ts reads, so `npm test` needs no
Python. Run it again (and commit the JSON) when a case changes:

    apt-get install -y python3-torch          # Debian's PyTorch
    /usr/bin/python3 scripts/torch-fixtures-conv.py

Each case names actigrad's op and arguments and PyTorch's call. With inputs x_k (fixed values),
the output y = op(x) and a fixed upstream gradient g:

    grads = torch.autograd.grad(y, x, g)                                  ∂(Σ g ⊙ y)/∂x_k
    d2    = torch.autograd.grad(Σ_k Σ dx_k², x)   with dx = ∂(Σ g ⊙ y²)/∂x (create_graph)

— the second runs through the backward rules (conv2d is bilinear, pooling piecewise linear, so
squaring makes the check see the rules' own graphs). Every case runs in float64 and in float32
(computed in float32 by PyTorch; numbers are written as the doubles they are).

Inputs are 2·sin(0.37·i + seed) + 0.1 (distinct, so no ties), except the pooling cases marked
"ties": their input is round(2·sin(0.37·i + seed)), integers in −2 … 2 with many equal values in
a window, where PyTorch's CPU kernels send the gradient to the first maximum.
"""

import math
from pathlib import Path

import torch
import torch.nn.functional as F

from fixture_json import write_cases

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch-conv.json"


def values(shape, seed, ties=False):
    n = math.prod(shape)
    if ties:
        return [float(round(2 * math.sin(0.37 * i + seed))) for i in range(n)]
    return [2 * math.sin(0.37 * i + seed) + 0.1 for i in range(n)]


def t(shape, seed, dtype, requires_grad=False, ties=False):
    return torch.tensor(values(shape, seed, ties), dtype=dtype).reshape(shape).requires_grad_(requires_grad)


def pair(v):
    return v if isinstance(v, int) else tuple(v)


# conv2d: (x shape, weight shape, bias?, stride, padding)
CONV = [
    ([2, 3, 5, 5], [4, 3, 3, 3], True, 1, 0),
    ([2, 3, 5, 5], [4, 3, 3, 3], True, 1, 1),
    ([1, 2, 6, 7], [3, 2, 3, 2], True, 2, 1),
    ([2, 1, 7, 6], [2, 1, 2, 3], False, [2, 1], [1, 2]),
    ([1, 2, 4, 4], [3, 2, 1, 1], True, 1, 2),
    ([2, 2, 8, 8], [3, 2, 3, 3], True, 2, 0),
    ([1, 1, 5, 5], [1, 1, 5, 5], True, 1, 0),
    ([1, 3, 6, 5], [2, 3, 3, 3], True, [1, 2], 2),
    ([2, 1, 9, 9], [8, 1, 3, 3], True, 1, 1),
]

# pooling: (op, x shape, kernel, stride or None, ties)
POOL = [
    ("maxPool2d", [2, 3, 6, 6], 2, None, False),
    ("maxPool2d", [1, 2, 7, 5], 3, 2, False),
    ("maxPool2d", [1, 2, 5, 6], [2, 3], [1, 2], False),
    ("maxPool2d", [2, 2, 6, 6], 2, None, True),
    ("maxPool2d", [1, 2, 6, 7], 3, 1, True),
    ("maxPool2d", [1, 1, 5, 5], [2, 2], 1, True),
    ("avgPool2d", [2, 3, 6, 6], 2, None, False),
    ("avgPool2d", [1, 2, 7, 5], 3, 2, False),
    ("avgPool2d", [1, 2, 5, 6], [2, 3], [1, 2], True),
]


def flat(x):
    return [float(v) for v in x.detach().reshape(-1).tolist()]


def record(x):
    return {"shape": list(x.shape), "data": flat(x)}


def run(op, args, xs, fn, text):
    y = fn(xs)
    g = t(list(y.shape), 3.1, y.dtype)
    grads = torch.autograd.grad(y, xs, g)
    y2 = fn(xs)
    dx = torch.autograd.grad((g * y2 * y2).sum(), xs, create_graph=True)
    second = sum((d * d).sum() for d in dx)
    d2 = torch.autograd.grad(second, xs, allow_unused=True)
    d2 = [torch.zeros_like(x) if v is None else v for x, v in zip(xs, d2)]
    return {
        "op": op,
        "args": args,
        "torch": text,
        "dtype": str(xs[0].dtype).replace("torch.", ""),
        "inputs": [record(x) for x in xs],
        "output": record(y),
        "upstream": record(g),
        "grads": [record(v) for v in grads],
        "d2": [record(v) for v in d2],
    }


def main():
    cases = []
    for dtype in (torch.float64, torch.float32):
        for xs_shape, w_shape, bias, stride, padding in CONV:
            xs = [t(xs_shape, 0.5, dtype, True), t(w_shape, 1.8, dtype, True)]
            if bias:
                xs.append(t([w_shape[0]], 3.7, dtype, True))
            fn = lambda xs, s=stride, p=padding: F.conv2d(xs[0], xs[1], xs[2] if len(xs) > 2 else None, pair(s), pair(p))
            text = f"F.conv2d(x, w, {'b' if bias else 'None'}, stride={pair(stride)}, padding={pair(padding)})"
            cases.append(run("conv2d", {"stride": stride, "padding": padding, "bias": bias}, xs, fn, text))
        for op, shape, kernel, stride, ties in POOL:
            xs = [t(shape, 0.5, dtype, True, ties)]
            torch_op = F.max_pool2d if op == "maxPool2d" else F.avg_pool2d
            fn = lambda xs, f=torch_op, k=kernel, s=stride: f(xs[0], pair(k), None if s is None else pair(s))
            text = f"F.{'max_pool2d' if op == 'maxPool2d' else 'avg_pool2d'}(x, {pair(kernel)}, {None if stride is None else pair(stride)})"
            args = {"kernel": kernel, "stride": stride, "ties": ties}
            cases.append(run(op, args, xs, fn, text))
    head = {
        "generator": "scripts/torch-fixtures-conv.py",
        "torch": torch.__version__,
        "values": "x: 2·sin(0.37·i + 0.5) + 0.1 (ties: round(2·sin(0.37·i + 0.5))); weight: seed 1.8; bias: seed 3.7; upstream: 2·sin(0.37·i + 3.1) + 0.1",
    }
    write_cases(OUT, head, cases)


if __name__ == "__main__":
    main()
