#!/usr/bin/env python3
"""PyTorch's values and derivatives of the indexing ops (issue 13).

Writes test/fixtures/torch-indexing.json, which test/ops-indexing.test.ts reads, so `npm test`
needs no Python. Run it again (and commit the JSON) when an op or its PyTorch twin changes:

    apt-get install -y python3-torch          # Debian's PyTorch
    /usr/bin/python3 scripts/torch-fixtures-indexing.py

Each case is one call of an actigrad op and its PyTorch twin:

    select(x, axis, i)                    x.select(axis, i)
    slice(x, axis, start, end, step)      x[:, …, start:end:step]        (the slice on `axis`)
    indexSelect(x, axis, indices)         x.index_select(axis, indices)
    gather(x, axis, index)                x.gather(axis, index)
    maskedFill(x, mask, value)            x.masked_fill(mask != 0, value)   (value a float or a 0-d tensor)

and records, with fixed upstream weights g and w (drawn here, written out):

    y   = op(x)                                              the forward values
    dx  = torch.autograd.grad(y, x, g)                       the first derivative, g put back
    hvp = d/dx <w, d/dx Σ g·op(x)³>                          a second derivative (grad of grad):
          = grad(grad((g * op(x)**3).sum(), x, create_graph=True), x, w)

and, for maskedFill with a tensor value, dvalue = ∂Σ g·y/∂value. Cases run in float64, a few
also in float32 (PyTorch computes in float32; the numbers are written as the doubles they are).
"""

import json
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch-indexing.json"

gen = torch.Generator().manual_seed(13)


def rand(shape, dtype):
    """Values in ±[0.25, 2] rounded to 1/64: exact in float32 and float64, no zeros."""
    u = torch.rand(shape, generator=gen, dtype=torch.float64)
    s = torch.where(torch.rand(shape, generator=gen, dtype=torch.float64) < 0.5, -1.0, 1.0)
    v = torch.round((0.25 + 1.75 * u) * 64) / 64 * s
    return v.to(dtype)


def slice_on(x, axis, start, end, step):
    axis = axis % x.dim()
    return x[(slice(None),) * axis + (slice(start, end, step),)]


def run(op, x_shape, dtype, call, args, tensor_value=None):
    x = rand(x_shape, dtype).requires_grad_(True)
    inputs = [x]
    v = None
    if tensor_value is not None:
        v = torch.tensor(tensor_value, dtype=dtype, requires_grad=True)
        inputs.append(v)
    y = call(x, v)
    g = rand(tuple(y.shape), dtype)
    grads = torch.autograd.grad(y, inputs, g, allow_unused=True)
    dx = grads[0]
    case = {
        "op": op,
        "dtype": "float32" if dtype == torch.float32 else "float64",
        "args": args,
        "x": x.detach().tolist(),
        "xShape": list(x.shape),
        "y": y.detach().tolist(),
        "yShape": list(y.shape),
        "g": g.tolist(),
        "dx": dx.tolist(),
    }
    if v is not None:
        case["dvalue"] = grads[1].item()
    # A second derivative: w · ∂/∂x (∂/∂x Σ g·op(x)³).
    x2 = x.detach().clone().requires_grad_(True)
    h = (g * call(x2, v.detach() if v is not None else None) ** 3).sum()
    (d1,) = torch.autograd.grad(h, x2, create_graph=True)
    w = rand(tuple(x.shape), dtype)
    (d2,) = torch.autograd.grad(d1, x2, w)
    case["w"] = w.tolist()
    case["hvp"] = d2.tolist()
    return case


cases = []
for dtype in (torch.float64, torch.float32):
    f32 = dtype == torch.float32

    # select
    for shape, axis, i in [((5,), 0, 3), ((3, 4), 1, -1), ((3, 4), -2, 0), ((2, 3, 4), 2, -3), ((2, 3, 4), -2, 1)]:
        if f32 and shape != (3, 4):
            continue
        cases.append(run("select", shape, dtype, lambda x, v, a=axis, i=i: x.select(a, i), {"axis": axis, "index": i}))

    # slice (start/end None → null)
    for shape, axis, start, end, step in [
        ((7,), 0, 1, 5, 1),
        ((7,), 0, -5, None, 2),
        ((7,), 0, None, -1, 3),
        ((7,), 0, -100, 100, 2),
        ((7,), 0, 5, 2, 1),
        ((3, 6), 1, 1, None, 2),
        ((3, 6), -1, -4, -1, 1),
        ((4, 3), 0, 1, 10, 2),
        ((2, 5, 3), 1, -3, None, 1),
        ((2, 5, 3), -1, None, None, 2),
    ]:
        if f32 and shape[0] != 3:
            continue
        cases.append(
            run(
                "slice",
                shape,
                dtype,
                lambda x, v, a=axis, s=start, e=end, st=step: slice_on(x, a, s, e, st),
                {"axis": axis, "start": start, "end": end, "step": step},
            )
        )

    # indexSelect (repeated indices, empty list, every axis)
    for shape, axis, idx in [
        ((5,), 0, [4, 0, 4, 2]),
        ((3, 4), 0, [2, 2, 2]),
        ((3, 4), -1, [3, 0, 1, 0, 3]),
        ((3, 4), 1, []),
        ((2, 3, 4), 1, [1, 0, 1]),
        ((2, 3, 4), -3, [1]),
    ]:
        if f32 and shape != (3, 4):
            continue
        cases.append(
            run(
                "indexSelect",
                shape,
                dtype,
                lambda x, v, a=axis, ix=idx: x.index_select(a, torch.tensor(ix, dtype=torch.long)),
                {"axis": axis, "indices": idx},
            )
        )

    # gather (index smaller than x off the axis, larger along it; repeats)
    for shape, axis, index in [
        ((5,), 0, [4, 4, 0, 1, 4, 2]),
        ((3, 4), 0, [[2, 0, 1, 2], [2, 2, 0, 0]]),
        ((3, 4), 1, [[3, 3], [0, 1], [2, 2]]),
        ((3, 4), -1, [[0, 1, 2, 3, 0, 1]]),
        ((2, 3, 4), 1, [[[2, 0, 1], [1, 1, 1]], [[0, 0, 2], [2, 2, 2]]]),
        ((2, 3, 4), -3, [[[1, 0, 1, 0]], [[1, 1, 1, 1]]]),
        ((2, 3, 4), 2, [[[3, 3, 3, 3, 3]], [[0, 1, 2, 3, 0]]]),
    ]:
        if f32 and shape != (3, 4):
            continue
        cases.append(
            run(
                "gather",
                shape,
                dtype,
                lambda x, v, a=axis, ix=index: x.gather(a, torch.tensor(ix, dtype=torch.long)),
                {"axis": axis, "index": index},
            )
        )

    # maskedFill (mask the same shape or broadcast; a float value or a 0-d tensor value)
    for shape, mask, value, tv in [
        ((5,), [1, 0, 0, 1, 0], 0.5, False),
        ((3, 4), [[1, 0, 0, 1], [0, 0, 0, 0], [1, 1, 1, 1]], -2.0, False),
        ((3, 4), [0, 1, 1, 0], 3.25, False),
        ((3, 4), [[1], [0], [1]], -1.5, True),
        ((2, 3, 4), [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1]], 0.0, True),
    ]:
        if f32 and shape != (3, 4):
            continue
        m = torch.tensor(mask) != 0
        if tv:
            call = lambda x, v, m=m: x.masked_fill(m, v)  # noqa: E731
        else:
            call = lambda x, v, m=m, val=value: x.masked_fill(m, val)  # noqa: E731
        cases.append(
            run(
                "maskedFill",
                shape,
                dtype,
                call,
                {"mask": mask, "value": value, "tensorValue": tv},
                tensor_value=value if tv else None,
            )
        )

doc = {
    "generator": "scripts/torch-fixtures-indexing.py",
    "torch": torch.__version__,
    "cases": cases,
}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(doc, indent=None, separators=(",", ":")) + "\n")
print(f"wrote {len(cases)} cases to {OUT}")
