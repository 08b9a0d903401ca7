"""PyTorch reference values for clamp, where, erf, expm1 and the comparisons (issue 13).

Writes test/fixtures/torch-elementwise.json: inputs, outputs and input gradients (for a fixed
upstream g) in float64. Run with Debian's python3-torch:  /usr/bin/python3 scripts/torch-fixtures-elementwise.py
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
xs = [-7.5, -3.0, -1.0, -0.5, -1e-8, -0.0, 0.0, 1e-8, 0.5, 1.0, 2.0, 3.0, 6.5, 40.0, -40.0]
g = [((i % 5) - 2) * 0.75 + 0.3 for i in range(len(xs))]


def enc(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0 and math.copysign(1.0, v) < 0:
        return "-0"
    return v


def unary(name, fn):
    x = torch.tensor(xs, requires_grad=True)
    y = fn(x)
    (dx,) = torch.autograd.grad(y, x, torch.tensor(g))
    return {"name": name, "x": [enc(v) for v in xs], "g": g, "y": [enc(v) for v in y.tolist()], "dx": [enc(v) for v in dx.tolist()]}


cases = [
    unary("erf", torch.erf),
    unary("expm1", torch.expm1),
    unary("clamp(-1, 2)", lambda x: torch.clamp(x, -1.0, 2.0)),
    unary("clamp(min 0.5)", lambda x: torch.clamp(x, min=0.5)),
    unary("clamp(max -0.5)", lambda x: torch.clamp(x, max=-0.5)),
]

# where(cond, a, b) with broadcasting: cond [3, 1], a [3, 4], b [4]
a = torch.tensor([[0.5, -1.0, 2.0, 3.5], [1.5, 2.5, -3.0, 0.25], [-0.75, 4.0, 1.0, -2.0]], requires_grad=True)
b = torch.tensor([10.0, -20.0, 30.0, -40.0], requires_grad=True)
cond = torch.tensor([[1.0], [0.0], [1.0]])
y = torch.where(cond != 0, a, b)
gw = torch.tensor([[1.0, -2.0, 0.5, 3.0], [0.25, 1.5, -1.0, 2.0], [-0.5, 1.0, 2.0, -3.0]])
da, db = torch.autograd.grad(y, [a, b], gw)
where_case = {
    "cond": cond.tolist(), "a": a.tolist(), "b": b.tolist(), "g": gw.tolist(),
    "y": y.tolist(), "da": da.tolist(), "db": db.tolist(),
}

# comparisons against a tensor with broadcasting, NaN included
p = torch.tensor([[1.0, float("nan"), -2.0], [0.0, 3.0, 3.0]])
q = torch.tensor([0.0, 1.0, 3.0])
comparisons = {
    "p": [[enc(v) for v in row] for row in p.tolist()], "q": q.tolist(),
    **{op: getattr(torch, op)(p, q).double().tolist() for op in ["gt", "ge", "lt", "le", "eq", "ne"]},
}

out = {"torch": torch.__version__, "unary": cases, "where": where_case, "comparisons": comparisons}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch-elementwise.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path))
