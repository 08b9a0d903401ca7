#!/usr/bin/env python3
"""PyTorch's numbers for the normalization and regularization layers of issue 14.

Writes test/fixtures/torch-layers.json, which test/layers-norm.test.ts reads, so `npm test`
needs no Python. Run it again (and commit the JSON) when a case changes:

    apt-get install -y python3-torch          # Debian's PyTorch
    /usr/bin/python3 scripts/torch-fixtures-layers.py

What is recorded, each with fixed inputs (values below) and a fixed upstream gradient g:

- layerNorm: F.layer_norm's output y, the gradients of Σ g ⊙ y w.r.t. x, weight and bias, and a
  second derivative: d2 = ∂(Σ_k Σ dk²)/∂inputs with dk = ∂(Σ g ⊙ y²)/∂input_k (create_graph).
- batchNormTrain: F.batch_norm(training=True) without running statistics — the batch-statistics
  forward on [N, C] and [N, C, L] — with the same gradients and second derivatives.
- batchNormModule: an nn.BatchNorm1d run for three train() steps (each step's output, its
  gradients, and running_mean / running_var / num_batches_tracked after it), then one eval()
  step; with momentum 0.1, 0.3, None (the cumulative average), affine off, running stats off.
- embedding: F.embedding's output and the weight's gradient (repeated indices accumulate).
- flatten: nn.Flatten's output shapes.
- model: a Sequential with every layer, its repr, its state-dict keys, its state after three
  train() forwards, and its eval() output on a fresh input — loaded into actigrad's twin.
Float64 unless a case says float32 (then computed by PyTorch in float32, written as doubles).
"""

import json
import math
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch-layers.json"


def values(shape, seed):
    """Fixed, distinct, sign-mixed values: 2·sin(0.37·i + seed) + 0.1."""
    n = math.prod(shape)
    return [2 * math.sin(0.37 * i + seed) + 0.1 for i in range(n)]


def t(shape, seed, dtype=torch.float64, requires_grad=False):
    return torch.tensor(values(shape, seed), dtype=dtype).reshape(shape).requires_grad_(requires_grad)


def flat(x):
    return [float(v) for v in x.detach().reshape(-1).tolist()]


def record(x):
    return None if x is None else {"shape": list(x.shape), "data": flat(x)}


def dname(dtype):
    return str(dtype).replace("torch.", "")


def derivatives(fn, inputs, g):
    """Output, first derivatives of Σ g ⊙ y, and second derivatives as described above."""
    y = fn(*inputs)
    firsts = torch.autograd.grad(y, inputs, g)
    y2 = fn(*inputs)
    dk = torch.autograd.grad((g * y2 * y2).sum(), inputs, create_graph=True)
    second = sum((d * d).sum() for d in dk)
    d2 = torch.autograd.grad(second, inputs, allow_unused=True)
    d2 = [torch.zeros_like(x) if v is None else v for x, v in zip(inputs, d2)]
    return y, firsts, d2


def layer_norm_case(xshape, normalized, affine, eps, dtype, seed):
    names = ["x"] + (["weight", "bias"] if affine else [])
    inputs = [t(xshape, seed, dtype, True)]
    if affine:
        inputs += [t(normalized, seed + 1.1, dtype, True), t(normalized, seed + 2.3, dtype, True)]

    def fn(x, w=None, b=None):
        return F.layer_norm(x, normalized, w, b, eps)

    g = t(xshape, seed + 3.7, dtype)
    y, firsts, d2 = derivatives(fn, inputs, g)
    return {
        "torch": f"F.layer_norm(x, {tuple(normalized)}, w, b, {eps})",
        "normalized": normalized,
        "eps": eps,
        "dtype": dname(dtype),
        "inputs": {n: record(v) for n, v in zip(names, inputs)},
        "upstream": record(g),
        "y": record(y),
        "grads": {n: record(v) for n, v in zip(names, firsts)},
        "d2": {n: record(v) for n, v in zip(names, d2)},
    }


def batch_norm_train_case(xshape, affine, eps, dtype, seed):
    c = xshape[1]
    names = ["x"] + (["weight", "bias"] if affine else [])
    inputs = [t(xshape, seed, dtype, True)]
    if affine:
        inputs += [t([c], seed + 1.1, dtype, True), t([c], seed + 2.3, dtype, True)]

    def fn(x, w=None, b=None):
        return F.batch_norm(x, None, None, w, b, training=True, eps=eps)

    g = t(xshape, seed + 3.7, dtype)
    y, firsts, d2 = derivatives(fn, inputs, g)
    return {
        "torch": f"F.batch_norm(x, None, None, w, b, training=True, eps={eps})",
        "eps": eps,
        "dtype": dname(dtype),
        "inputs": {n: record(v) for n, v in zip(names, inputs)},
        "upstream": record(g),
        "y": record(y),
        "grads": {n: record(v) for n, v in zip(names, firsts)},
        "d2": {n: record(v) for n, v in zip(names, d2)},
    }


def batch_norm_module_case(xshape, momentum, affine, track, eps, dtype, seed):
    c = xshape[1]
    m = nn.BatchNorm1d(c, eps=eps, momentum=momentum, affine=affine, track_running_stats=track).to(dtype)
    if affine:
        with torch.no_grad():
            m.weight.copy_(t([c], seed + 1.1, dtype))
            m.bias.copy_(t([c], seed + 2.3, dtype))
    params = [p for p in (m.weight, m.bias) if p is not None]

    def step(x, g):
        for p in params:
            p.grad = None
        x = x.clone().requires_grad_(True)
        y = m(x)
        y.backward(g)
        out = {
            "x": record(x),
            "upstream": record(g),
            "y": record(y),
            "grads": {"x": record(x.grad), **({"weight": record(m.weight.grad), "bias": record(m.bias.grad)} if affine else {})},
        }
        if track:
            out["running_mean"] = record(m.running_mean)
            out["running_var"] = record(m.running_var)
            out["num_batches_tracked"] = int(m.num_batches_tracked)
        return out

    m.train()
    steps = [step(t(xshape, seed + 0.9 * k, dtype) * (1 + 0.5 * k) + k, t(xshape, seed + 5.3 + k, dtype)) for k in range(3)]
    m.eval()
    ev = step(t(xshape, seed + 7.7, dtype), t(xshape, seed + 8.1, dtype))
    return {
        "torch": repr(m),
        "shape": xshape,
        "momentum": momentum,
        "affine": affine,
        "trackRunningStats": track,
        "eps": eps,
        "dtype": dname(dtype),
        "weight": record(m.weight) if affine else None,
        "bias": record(m.bias) if affine else None,
        "steps": steps,
        "eval": ev,
    }


def embedding_case(num, dim, indices, dtype, seed):
    w = t([num, dim], seed, dtype, True)
    idx = torch.tensor(indices, dtype=torch.long)
    y = F.embedding(idx, w)
    g = t(list(y.shape), seed + 3.7, dtype)
    (gw,) = torch.autograd.grad(y, [w], g)
    return {
        "torch": "F.embedding(indices, weight)",
        "dtype": dname(dtype),
        "indices": indices,
        "weight": record(w),
        "upstream": record(g),
        "y": record(y),
        "grads": {"weight": record(gw)},
    }


def flatten_cases():
    out = []
    for shape, start, end in [([2, 3, 4], 1, -1), ([2, 3, 4, 5], 1, 2), ([2, 3, 4, 5], 0, -2), ([2, 3], 1, -1), ([4, 1, 3], -2, -1)]:
        y = nn.Flatten(start, end)(torch.zeros(shape))
        out.append({"shape": shape, "startDim": start, "endDim": end, "out": list(y.shape), "torch": repr(nn.Flatten(start, end))})
    return out


def model_case():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Flatten(),
        nn.Linear(6, 5),
        nn.BatchNorm1d(5),
        nn.ReLU(),
        nn.Dropout(0.3),
        nn.LayerNorm(5),
        nn.Linear(5, 2),
    ).double()
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(t(list(p.shape), 0.3 + 0.7 * i) * 0.5)
    model.train()
    with torch.no_grad():
        for k in range(3):
            model(t([4, 2, 3], 1.9 + k) * (1 + k))
    model.eval()
    x = t([3, 2, 3], 4.4)
    y = model(x)
    state = {k: {"shape": list(v.shape), "dtype": dname(v.dtype), "data": flat(v.double())} for k, v in model.state_dict().items()}
    return {
        "repr": repr(model),
        "keys": list(model.state_dict().keys()),
        "state": state,
        "x": record(x),
        "y": record(y),
    }


def main():
    f64, f32 = torch.float64, torch.float32
    doc = {
        "generator": "scripts/torch-fixtures-layers.py",
        "torch": torch.__version__,
        "values": "2·sin(0.37·i + seed) + 0.1 (i the flat index)",
        "layerNorm": [
            layer_norm_case([3, 4], [4], True, 1e-5, f64, 0.5),
            layer_norm_case([2, 3, 4], [3, 4], True, 1e-5, f64, 1.5),
            layer_norm_case([2, 5], [5], False, 1e-3, f64, 2.5),
            layer_norm_case([4], [4], True, 1e-5, f64, 3.5),
            layer_norm_case([3, 4], [4], True, 1e-5, f32, 0.5),
        ],
        "batchNormTrain": [
            batch_norm_train_case([4, 3], True, 1e-5, f64, 0.5),
            batch_norm_train_case([3, 2, 5], True, 1e-5, f64, 1.5),
            batch_norm_train_case([2, 3], False, 1e-3, f64, 2.5),
            batch_norm_train_case([1, 2, 3], True, 1e-5, f64, 3.5),
            batch_norm_train_case([4, 3], True, 1e-5, f32, 0.5),
        ],
        "batchNormModule": [
            batch_norm_module_case([4, 3], 0.1, True, True, 1e-5, f64, 0.5),
            batch_norm_module_case([3, 2, 5], 0.1, True, True, 1e-5, f64, 1.5),
            batch_norm_module_case([5, 2], 0.3, True, True, 1e-3, f64, 2.5),
            batch_norm_module_case([4, 3], None, True, True, 1e-5, f64, 3.5),
            batch_norm_module_case([4, 3], 0.1, False, True, 1e-5, f64, 4.5),
            batch_norm_module_case([4, 3], 0.1, True, False, 1e-5, f64, 5.5),
            batch_norm_module_case([4, 3], 0.1, True, True, 1e-5, f32, 0.5),
        ],
        "embedding": [
            embedding_case(5, 3, [[0, 2, 4], [2, 2, 1]], f64, 0.5),
            embedding_case(4, 2, [3, 0, 3, 3], f64, 1.5),
            embedding_case(4, 2, 2, f64, 2.5),
            embedding_case(5, 3, [[0, 2, 4], [2, 2, 1]], f32, 0.5),
        ],
        "flatten": flatten_cases(),
        "model": model_case(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, separators=(",", ":")).replace('},{"', '},\n{"') + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
