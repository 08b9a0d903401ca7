#!/usr/bin/env python3
"""PyTorch's values and gradients of the joining and shape ops (issue 13).

Writes test/fixtures/torch-join.json, which test/ops-join-shape.test.ts reads, so `npm test`
needs no Python. Run it again (and commit the JSON) when a case or an op changes:

    apt-get install -y python3-torch          # Debian's PyTorch
    /usr/bin/python3 scripts/torch-fixtures-join.py

Each case names actigrad's op and arguments and PyTorch's twin. With inputs x_k (fixed values),
outputs y_j = op(x) and fixed upstream gradients g_j (one per output that gets one):

    grads = torch.autograd.grad(y, x, g)                                  ∂(Σ_j Σ g_j ⊙ y_j)/∂x_k
    d2    = torch.autograd.grad(Σ_k Σ dx_k², x)   with dx = ∂(Σ_j Σ g_j ⊙ y_j²)/∂x (create_graph)

— the second is a second derivative through the op's backward rule (the op is linear, so its
own second derivative is 0; squaring on both sides makes the check see the rule's graph).
Every case runs in float64 and in float32 (computed in float32 by PyTorch; numbers are written
as the doubles they are); "mixed" concatenates a float32 with a float64 tensor.
"""

import math
from pathlib import Path

import torch

from fixture_json import write_cases

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch-join.json"


def values(shape, seed):
    """Fixed, distinct, sign-mixed values: 2·sin(0.37·i + seed) + 0.1."""
    n = math.prod(shape)
    return [2 * math.sin(0.37 * i + seed) + 0.1 for i in range(n)]


def t(shape, seed, dtype, requires_grad=False):
    return torch.tensor(values(shape, seed), dtype=dtype).reshape(shape).requires_grad_(requires_grad)


# (actigrad op, its arguments after the tensor(s), input shapes, PyTorch call as text, the call,
#  which outputs get an upstream gradient — None for all)
CASES = [
    ("concat", [1], [[2, 3], [2, 4]], "torch.cat(xs, 1)", lambda xs: [torch.cat(xs, 1)], None),
    ("concat", [0], [[2, 3], [1, 3], [3, 3]], "torch.cat(xs, 0)", lambda xs: [torch.cat(xs, 0)], None),
    ("concat", [-2], [[2, 1, 3], [2, 2, 3]], "torch.cat(xs, -2)", lambda xs: [torch.cat(xs, -2)], None),
    ("concat", [-1], [[3], [0], [2]], "torch.cat(xs, -1)", lambda xs: [torch.cat(xs, -1)], None),
    ("stack", [0], [[2, 3], [2, 3]], "torch.stack(xs, 0)", lambda xs: [torch.stack(xs, 0)], None),
    ("stack", [-1], [[2, 3], [2, 3], [2, 3]], "torch.stack(xs, -1)", lambda xs: [torch.stack(xs, -1)], None),
    ("stack", [1], [[2, 3], [2, 3]], "torch.stack(xs, 1)", lambda xs: [torch.stack(xs, 1)], None),
    ("stack", [0], [[], [], []], "torch.stack(xs, 0)", lambda xs: [torch.stack(xs, 0)], None),
    ("split", [2, 0], [[5, 2]], "x.split(2, 0)", lambda xs: list(xs[0].split(2, 0)), None),
    ("split", [[1, 3], -1], [[3, 4]], "x.split([1, 3], -1)", lambda xs: list(xs[0].split([1, 3], -1)), None),
    ("split", [3, 2], [[2, 3, 4]], "x.split(3, 2)", lambda xs: list(xs[0].split(3, 2)), None),
    ("split", [[2, 0, 1, 3], 1], [[2, 6]], "x.split([2, 0, 1, 3], 1)", lambda xs: list(xs[0].split([2, 0, 1, 3], 1)), [0, 3]),
    ("squeeze", [], [[2, 1, 3, 1]], "x.squeeze()", lambda xs: [xs[0].squeeze()], None),
    ("squeeze", [1], [[2, 1, 3, 1]], "x.squeeze(1)", lambda xs: [xs[0].squeeze(1)], None),
    ("squeeze", [-1], [[2, 1, 3, 1]], "x.squeeze(-1)", lambda xs: [xs[0].squeeze(-1)], None),
    ("squeeze", [0], [[2, 1, 3, 1]], "x.squeeze(0)", lambda xs: [xs[0].squeeze(0)], None),
    ("unsqueeze", [0], [[2, 3]], "x.unsqueeze(0)", lambda xs: [xs[0].unsqueeze(0)], None),
    ("unsqueeze", [2], [[2, 3]], "x.unsqueeze(2)", lambda xs: [xs[0].unsqueeze(2)], None),
    ("unsqueeze", [-1], [[2, 3]], "x.unsqueeze(-1)", lambda xs: [xs[0].unsqueeze(-1)], None),
    ("unsqueeze", [-3], [[2, 3]], "x.unsqueeze(-3)", lambda xs: [xs[0].unsqueeze(-3)], None),
    ("permute", [[2, 0, 1]], [[2, 3, 4]], "x.permute(2, 0, 1)", lambda xs: [xs[0].permute(2, 0, 1)], None),
    ("permute", [[-1, 0, -2]], [[2, 3, 4]], "x.permute(-1, 0, -2)", lambda xs: [xs[0].permute(-1, 0, -2)], None),
    ("permute", [[1, 0]], [[2, 3]], "x.permute(1, 0)", lambda xs: [xs[0].permute(1, 0)], None),
    ("permute", [[2, 0, 1, 3]], [[1, 3, 1, 2]], "x.permute(2, 0, 1, 3)", lambda xs: [xs[0].permute(2, 0, 1, 3)], None),
    ("permute", [[3, 1, 0, 2]], [[2, 3, 2, 2]], "x.permute(3, 1, 0, 2)", lambda xs: [xs[0].permute(3, 1, 0, 2)], None),
    ("flatten", [], [[2, 3, 4]], "x.flatten()", lambda xs: [xs[0].flatten()], None),
    ("flatten", [1, 2], [[2, 3, 4]], "x.flatten(1, 2)", lambda xs: [xs[0].flatten(1, 2)], None),
    ("flatten", [0, 1], [[2, 3, 4]], "x.flatten(0, 1)", lambda xs: [xs[0].flatten(0, 1)], None),
    ("flatten", [-2, -1], [[2, 3, 4]], "x.flatten(-2, -1)", lambda xs: [xs[0].flatten(-2, -1)], None),
    ("flatten", [], [[]], "x.flatten()", lambda xs: [xs[0].flatten()], None),
    ("expand", [[3, 4]], [[3, 1]], "x.expand(3, 4)", lambda xs: [xs[0].expand(3, 4)], None),
    ("expand", [[2, -1, 3]], [[1, 3]], "x.expand(2, -1, 3)", lambda xs: [xs[0].expand(2, -1, 3)], None),
    ("expand", [[4, 2, 3]], [[2, 1]], "x.expand(4, 2, 3)", lambda xs: [xs[0].expand(4, 2, 3)], None),
    ("expand", [[2, 3]], [[3]], "x.expand(2, 3)", lambda xs: [xs[0].expand(2, 3)], None),
    ("expand", [[2, 1, 3, 5]], [[1, 3, 1]], "x.expand(2, 1, 3, 5)", lambda xs: [xs[0].expand(2, 1, 3, 5)], None),
]


def flat(x):
    return [float(v) for v in x.detach().reshape(-1).tolist()]


def record(x):
    return {"shape": list(x.shape), "data": flat(x)}


def run(op, args, shapes, text, fn, with_grad, dtypes):
    xs = [t(s, 0.5 + 1.3 * k, d, True) for k, (s, d) in enumerate(zip(shapes, dtypes))]
    ys = fn(xs)
    picked = list(range(len(ys))) if with_grad is None else with_grad
    gs = [t(list(ys[j].shape), 3.1 + 0.7 * j, ys[j].dtype) for j in picked]
    grads = torch.autograd.grad([ys[j] for j in picked], xs, gs, allow_unused=True)
    grads = [torch.zeros_like(x) if gr is None else gr for x, gr in zip(xs, grads)]

    ys2 = fn(xs)
    s = sum((g * ys2[j] * ys2[j]).sum() for g, j in zip(gs, picked))
    dx = torch.autograd.grad(s, xs, create_graph=True, allow_unused=True)
    second = sum((d * d).sum() for d in dx if d is not None)
    d2 = torch.autograd.grad(second, xs, allow_unused=True)
    d2 = [torch.zeros_like(x) if v is None else v for x, v in zip(xs, d2)]

    return {
        "op": op,
        "args": args,
        "torch": text,
        "dtypes": [str(d).replace("torch.", "") for d in dtypes],
        "inputs": [record(x) for x in xs],
        "outputs": [record(y) for y in ys],
        "upstream": [{"output": j, **record(g)} for g, j in zip(gs, picked)],
        "grads": [record(gr) for gr in grads],
        "d2": [record(v) for v in d2],
    }


def main():
    cases = []
    for op, args, shapes, text, fn, with_grad in CASES:
        for dtype in (torch.float64, torch.float32):
            cases.append(run(op, args, shapes, text, fn, with_grad, [dtype] * len(shapes)))
    # Mixed dtypes: the result is float64, each gradient in its input's own dtype.
    cases.append(
        run("concat", [0], [[2, 3], [1, 3]], "torch.cat(xs, 0)", lambda xs: [torch.cat(xs, 0)], None, [torch.float32, torch.float64])
    )
    cases.append(
        run("stack", [1], [[2, 2], [2, 2]], "torch.stack(xs, 1)", lambda xs: [torch.stack(xs, 1)], None, [torch.float64, torch.float32])
    )
    head = {
        "generator": "scripts/torch-fixtures-join.py",
        "torch": torch.__version__,
        "values": "input k: 2·sin(0.37·i + 0.5 + 1.3·k) + 0.1; upstream j: 2·sin(0.37·i + 3.1 + 0.7·j) + 0.1 (i the flat index)",
    }
    write_cases(OUT, head, cases)


if __name__ == "__main__":
    main()
