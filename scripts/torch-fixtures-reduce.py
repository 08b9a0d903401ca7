#!/usr/bin/env python3
"""PyTorch's values, gradients and second derivatives of issue 13's reductions and elementwise ops.

Writes test/fixtures/torch-reduce.json, which test/ops-reduce-elementwise.test.ts reads, so
`npm test` needs no Python. Run it again (and commit the JSON) when a case or an op changes:

    apt-get install -y python3-torch          # Debian's PyTorch
    /usr/bin/python3 scripts/torch-fixtures-reduce.py

Each case names actigrad's op, its arguments and PyTorch's twin. With inputs x_k (fixed values,
or the case's own), the output y = op(x), a fixed upstream gradient g and a fixed direction w_k:

    grads = torch.autograd.grad(y, x, g)                          ∂(Σ g ⊙ y)/∂x_k
    d2    = torch.autograd.grad(Σ_k Σ w_k ⊙ dx_k, x)              with dx = ∂(Σ g ⊙ y)/∂x (create_graph)

— d2 is the Hessian of Σ g ⊙ y times w: a second derivative through the op's backward rule.
"index" cases (argmax, argmin) have values only. Cases run in float64 and in float32 (computed
in float32 by PyTorch; numbers written as the doubles they are). JSON has no NaN or Infinity:
those are written as the strings "NaN", "Infinity" and "-Infinity".
"""

import json
import math
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch-reduce.json"
INF = math.inf
NAN = math.nan


def wave(n, seed, scale=2.0):
    """Fixed, distinct, sign-mixed values: scale·sin(0.37·i + seed) + 0.1."""
    return [scale * math.sin(0.37 * i + seed) + 0.1 for i in range(n)]


def enc(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def rec(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": [enc(float(v)) for v in t.reshape(-1).tolist()]}


def dims(axis):
    """actigrad's axis argument → PyTorch's dim (None: all axes)."""
    if axis is None:
        return None
    return tuple(axis) if isinstance(axis, list) else axis


def var_call(fn):
    def call(xs, axis, opts):
        x = xs[0]
        c = opts.get("correction", 1)
        kd = opts.get("keepDims", False)
        d = dims(axis)
        if d is None:
            d = tuple(range(x.dim()))
        return fn(x, dim=d, correction=c, keepdim=kd)

    return call


def reduce_call(fn):
    def call(xs, axis, keep):
        x = xs[0]
        d = dims(axis)
        if d is None:
            if keep:
                return fn(x, dim=tuple(range(x.dim())), keepdim=True)
            return fn(x)
        return fn(x, dim=d, keepdim=keep)

    return call


def min_call(xs, axis, keep):
    # torch.min(dim) for one axis (first arg-min on ties, as actigrad); the whole tensor with no axis.
    x = xs[0]
    if axis is None:
        return torch.min(x)
    return torch.min(x, dim=axis, keepdim=keep).values


def lse_call(xs, axis, keep):
    x = xs[0]
    d = dims(axis)
    if d is None:
        d = tuple(range(x.dim()))
    return torch.logsumexp(x, dim=d, keepdim=keep)


def arg_call(fn):
    def call(xs, axis, keep):
        x = xs[0]
        if axis is None:
            return fn(x) if not keep else fn(x, keepdim=True)
        return fn(x, dim=axis, keepdim=keep)

    return call


UNARY = {
    "square": torch.square,
    "log1p": torch.log1p,
    "sin": torch.sin,
    "cos": torch.cos,
}
BINARY = {"maximum": torch.maximum, "minimum": torch.minimum}

# (op, actigrad arguments after the tensor(s), input shapes, explicit input values or None, PyTorch text, kind)
CASES = []


def case(op, args, shapes, data=None, torch_text="", kind="diff", dtypes=("float64", "float32")):
    CASES.append({"op": op, "args": args, "shapes": shapes, "data": data, "torch": torch_text, "kind": kind, "dtypes": dtypes})


# min: one axis (negative too), keepDims, the whole tensor; ties (first arg-min) and NaN.
case("min", [1, False], [[3, 4]], torch_text="x.min(1).values")
case("min", [-1, True], [[2, 3, 4]], torch_text="x.min(-1, keepdim=True).values")
case("min", [0, False], [[2, 3, 4]], torch_text="x.min(0).values")
case("min", [None, False], [[2, 5]], torch_text="x.min()")
case("min", [1, False], [[3, 3]], [0, 0, 1, 5, 2, 2, 3, 3, 3], "x.min(1).values (ties: first arg-min)")
case("min", [1, False], [[2, 3]], [1, NAN, NAN, 2, 1, 0], "x.min(1).values (NaN propagates)")
case("max", [-2, False], [[3, 3]], [0, 0, 1, 5, 5, 2, 5, 3, 3], "x.max(-2).values (ties: first arg-max)")
# logsumexp: axes, keepDims, several axes, the whole tensor; ±1e3; −∞ entries; all −∞; +∞.
case("logsumexp", [1, False], [[3, 4]], torch_text="x.logsumexp(1)")
case("logsumexp", [-1, True], [[2, 3, 4]], torch_text="x.logsumexp(-1, keepdim=True)")
case("logsumexp", [[0, 2], False], [[2, 3, 4]], torch_text="x.logsumexp((0, 2))")
case("logsumexp", [None, False], [[2, 5]], torch_text="x.logsumexp((0, 1))")
case("logsumexp", [-1, False], [[2, 3]], [1000, 1001, 999, -1000, -1001, -999], "x.logsumexp(-1) at ±1e3")
case("logsumexp", [1, False], [[2, 3]], [1, -INF, 2, -INF, 0.5, -INF], "x.logsumexp(1) with −∞ entries")
case("logsumexp", [1, False], [[2, 2]], [-INF, -INF, 1, 2], "x.logsumexp(1), a row of all −∞", kind="values+grad-nan")
case("logsumexp", [0, False], [[2]], [1, INF], "x.logsumexp(0) with +∞", kind="values+grad-nan")
# var and std: corrections 0, 1, 2; axes, keepDims, several axes, the whole tensor.
for op, fn in (("var", torch.var), ("std", torch.std)):
    for c in (0, 1, 2):
        case(op, [1, {"correction": c}], [[3, 5]], torch_text=f"x.{op}(1, correction={c})")
    case(op, [-1, {"keepDims": True}], [[2, 3, 4]], torch_text=f"x.{op}(-1, keepdim=True)")
    case(op, [[0, 2], {"correction": 0}], [[2, 3, 4]], torch_text=f"x.{op}((0, 2), correction=0)")
    case(op, [None, {}], [[2, 5]], torch_text=f"x.{op}()")
    case(op, [None, {"correction": 2}], [[4]], torch_text=f"x.{op}(correction=2)")
    # N − correction = 0: PyTorch divides by 0 (values and gradients ±∞ / NaN).
    case(op, [0, {"correction": 3}], [[3]], [1, 2, 4], f"x.{op}(0, correction=3): N − correction = 0", kind="values+grad-nan")
    # N − correction < 0: PyTorch's value divides by max(0, N − c) = 0; its gradient does not (see the test).
    case(op, [0, {"correction": 4}], [[3]], [1, 2, 4], f"x.{op}(0, correction=4): N − correction < 0", kind="values")
case("std", [1, {"correction": 1}], [[2, 3]], [2, 2, 2, 1, 2, 4], "x.std(1): a constant row (gradient 0 there)")
# argmax / argmin: first index on ties, NaN counts as the extreme, one axis, keepDims, whole tensor.
for op, fn in (("argmax", torch.argmax), ("argmin", torch.argmin)):
    case(op, [1, False], [[3, 4]], torch_text=f"x.{op}(1)", kind="index")
    case(op, [-1, True], [[2, 3, 4]], torch_text=f"x.{op}(-1, keepdim=True)", kind="index")
    case(op, [0, False], [[2, 3, 4]], torch_text=f"x.{op}(0)", kind="index")
    case(op, [None, False], [[3, 4]], torch_text=f"x.{op}()", kind="index")
    case(op, [None, True], [[3, 4]], torch_text=f"x.{op}(keepdim=True)", kind="index")
    case(op, [1, False], [[3, 3]], [1, 5, 5, 7, 7, 0, 0, 0, 0], f"x.{op}(1) (ties: first index)", kind="index")
    case(op, [1, False], [[2, 4]], [3, NAN, 1, NAN, 2, 9, 9, -9], f"x.{op}(1) (NaN counts as the {op[3:]})", kind="index")
    case(op, [None, False], [[5]], [3, 1, NAN, 9, NAN], f"x.{op}() with NaN", kind="index")
# maximum / minimum: broadcasting, ties split the gradient, NaN gives both the gradient, ±0.
for op in ("maximum", "minimum"):
    case(op, [], [[2, 3], [2, 3]], torch_text=f"torch.{op}(a, b)")
    case(op, [], [[2, 3], [3]], torch_text=f"torch.{op}(a, b) broadcast")
    case(op, [], [[3, 1], [1, 4]], torch_text=f"torch.{op}(a, b) broadcast both")
    case(op, [], [[5], [5]], [[1, 2, 3, NAN, 1], [1, 3, 2, 1, NAN]], f"torch.{op}(a, b): ties and NaN")
    case(op, [], [[2], [2]], [[-0.0, 0.0], [0.0, -0.0]], f"torch.{op}(a, b) at ±0")
    case(op, [], [[2, 2], [2, 2]], [[1, 1, 2, 2], [1, 1, 2, 2]], f"torch.{op}(a, a): all ties")
# elementwise: square, log1p, sin, cos.
case("square", [], [[2, 5]], torch_text="torch.square(x)")
case("log1p", [], [[8]], [-0.999, -0.5, -1e-10, 0, 1e-12, 0.5, 3, 1e6], "torch.log1p(x)")
case("sin", [], [[2, 5]], torch_text="torch.sin(x)")
case("cos", [], [[2, 5]], torch_text="torch.cos(x)")
case("sin", [], [[4]], [1e3, -1e3, 1e-8, 0], "torch.sin(x) at 1e3 and tiny x")
case("cos", [], [[4]], [1e3, -1e3, 1e-8, 0], "torch.cos(x) at 1e3 and tiny x")


def run(c, xs):
    op, args = c["op"], c["args"]
    if op in UNARY:
        return UNARY[op](xs[0])
    if op in BINARY:
        return BINARY[op](xs[0], xs[1])
    if op == "min":
        return min_call(xs, args[0], args[1])
    if op == "max":
        return torch.max(xs[0], dim=args[0], keepdim=args[1]).values
    if op == "logsumexp":
        return lse_call(xs, args[0], args[1])
    if op == "var":
        return var_call(torch.var)(xs, args[0], args[1])
    if op == "std":
        return var_call(torch.std)(xs, args[0], args[1])
    if op == "argmax":
        return arg_call(torch.argmax)(xs, args[0], args[1])
    if op == "argmin":
        return arg_call(torch.argmin)(xs, args[0], args[1])
    raise ValueError(op)


def main():
    out = []
    for c in CASES:
        for dname in c["dtypes"]:
            dtype = torch.float64 if dname == "float64" else torch.float32
            xs = []
            for k, shape in enumerate(c["shapes"]):
                n = math.prod(shape)
                if c["data"] is None:
                    vals = wave(n, 0.5 + 1.3 * k)
                elif c["op"] in BINARY:
                    vals = c["data"][k]
                else:
                    vals = c["data"]
                xs.append(torch.tensor(vals, dtype=dtype).reshape(shape).requires_grad_(c["kind"] != "index"))
            y = run(c, xs)
            entry = {
                "op": c["op"],
                "args": c["args"],
                "torch": c["torch"],
                "kind": c["kind"],
                "dtype": dname,
                "inputs": [rec(x) for x in xs],
                "output": rec(y),
            }
            if c["kind"] != "index":
                g = torch.tensor(wave(y.numel(), 3.1), dtype=dtype).reshape(y.shape)
                ws = [torch.tensor(wave(x.numel(), 1.7 + 0.9 * k, 1.0), dtype=dtype).reshape(x.shape) for k, x in enumerate(xs)]
                entry["upstream"] = rec(g)
                entry["direction"] = [rec(w) for w in ws]
                if c["kind"] in ("diff", "values+grad-nan"):
                    dx = torch.autograd.grad(y, xs, g, create_graph=True)
                    entry["grads"] = [rec(d) for d in dx]
                    if c["kind"] == "diff":
                        s = sum((w * d).sum() for w, d in zip(ws, dx))
                        # A piecewise-linear op's gradient has no graph: its second derivative is 0.
                        d2 = torch.autograd.grad(s, xs, allow_unused=True) if s.requires_grad else [None] * len(xs)
                        entry["d2"] = [rec(d if d is not None else torch.zeros_like(x)) for d, x in zip(d2, xs)]
                else:
                    # kind "values": PyTorch's gradient, kept to show where it differs.
                    dx = torch.autograd.grad(y, xs, g)
                    entry["torchGrads"] = [rec(d) for d in dx]
            out.append(entry)
    doc = {
        "generator": "scripts/torch-fixtures-reduce.py",
        "torch": torch.__version__,
        "values": "input k: 2·sin(0.37·i + 0.5 + 1.3·k) + 0.1 unless the case gives them; upstream: 2·sin(0.37·i + 3.1) + 0.1; "
        "direction k: sin(0.37·i + 1.7 + 0.9·k) + 0.1 (i the flat index)",
        "cases": out,
    }
    with open(OUT, "w") as f:
        f.write("{\n")
        for k in ("generator", "torch", "values"):
            f.write(f" {json.dumps(k)}: {json.dumps(doc[k])},\n")
        f.write(' "cases": [\n')
        f.write(",\n".join("  " + json.dumps(e, separators=(",", ":"), allow_nan=False) for e in out))
        f.write("\n ]\n}\n")
    print(f"wrote {len(out)} cases to {OUT}")


if __name__ == "__main__":
    main()
