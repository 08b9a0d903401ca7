#!/usr/bin/env python3
"""PyTorch's values and derivatives of the four activations added through defineActivation.

Writes test/fixtures/torch-activations.json, which test/activations-added.test.ts reads, so
`npm test` needs no Python. Run it again (and commit the JSON) when an activation or its
PyTorch twin changes:

    apt-get install -y python3-torch          # Debian's PyTorch (it brings numpy and mpmath)
    /usr/bin/python3 scripts/torch-fixtures.py   # from the repository; it formats the JSON with Biome

For each case (activation and arguments) and each input x, with a fixed upstream gradient g:

    y   = f(x)                                         PyTorch's forward
    dy  = torch.autograd.grad(y, x, g, create_graph)   = g·f′(x)
    d2y = torch.autograd.grad(dy, x, ones)             = g·f″(x)   (g is a constant)

in float64 on the full input list and in float32 on a subset (computed in float32 by PyTorch;
the numbers are written as the doubles they are). Where PyTorch's result is not finite it is
written as the string "NaN", "Infinity" or "-Infinity", never dropped.

Each float64 case also carries `exact`: f, g·f′ and g·f″ from the closed forms in mpmath at
60 significant digits, rounded once to float64 — a third opinion, for telling which side is
wrong when actigrad and PyTorch disagree (PyTorch's own results are NaN at some extremes).
"""

import json
import math
import subprocess
from pathlib import Path

import mpmath
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "torch-activations.json"
mpmath.mp.dps = 60

MAX64 = 1.7976931348623157e308
MAX32 = float(torch.finfo(torch.float32).max)  # 3.4028234663852886e38

# actigrad's name and arguments, PyTorch's call (as text and as a function).
CASES = [
    ("leakyRelu", [], "F.leaky_relu(x)", lambda x: F.leaky_relu(x)),
    ("leakyRelu", [0.2], "F.leaky_relu(x, negative_slope=0.2)", lambda x: F.leaky_relu(x, negative_slope=0.2)),
    ("elu", [], "F.elu(x)", lambda x: F.elu(x)),
    ("elu", [0.5], "F.elu(x, alpha=0.5)", lambda x: F.elu(x, alpha=0.5)),
    ("gelu", [], "F.gelu(x)", lambda x: F.gelu(x)),
    ("gelu", ["tanh"], 'F.gelu(x, approximate="tanh")', lambda x: F.gelu(x, approximate="tanh")),
    ("silu", [], "F.silu(x)", lambda x: F.silu(x)),
]


def sym(values):
    """The values and their negatives, each once, in order."""
    out = []
    for v in values:
        out += [v, -v]
    return out


# float64: a grid −6…6 step 1/4, small values, tails (elu's cancellation, gelu tanh's clamp at
# 10), then extremes: 1e103 (x³ overflows), 1e160 (x² overflows), 1e300, MAX_VALUE, ±0, the
# smallest normal, a tiny normal and the smallest subnormal.
GRID = [i / 4 for i in range(-24, 25)]
SMALL = sym([0.1, 1e-3, 1e-8])
TAILS = sym([7, 8, 9.5, 10, 10.5, 12, 20, 40, 100])
EXTREMES = sym([1e3, 1e103, 1e160, 1e300, MAX64]) + [-0.0] + sym([2.2250738585072014e-308, 1e-300, 5e-324])
INPUTS64 = GRID + SMALL + TAILS + EXTREMES

# float32: a coarser grid and the float32 extremes (3e38, its MAX, subnormals 1e-40 and 1e-45).
INPUTS32 = [i / 2 for i in range(-12, 13)] + sym([0.1, 1e-3, 10, 12, 40, 1e3, 1e20, 3e38, MAX32]) + [-0.0]
INPUTS32 += sym([1.1754943508222875e-38, 1e-40, 1e-45])


def upstream(n):
    """g: magnitudes 0.5…1.5 in steps of 0.1 (never 0), every third one negative."""
    return [(-1.0 if i % 3 == 1 else 1.0) * (0.5 + ((i * 7) % 11) / 10) for i in range(n)]


def encode(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def run(fn, xs, g, dtype):
    x = torch.tensor(xs, dtype=torch.float64).to(dtype).requires_grad_(True)
    gt = torch.tensor(g, dtype=torch.float64).to(dtype)
    y = fn(x)
    (dy,) = torch.autograd.grad(y, x, gt, create_graph=True)
    if dy.requires_grad:
        (d2y,) = torch.autograd.grad(dy, x, torch.ones_like(dy), allow_unused=True)
    else:
        d2y = None  # dy does not depend on x at all: f″ = 0
    if d2y is None:
        d2y = torch.zeros_like(x)
    return {
        "y": [encode(v) for v in y.detach().double().tolist()],
        "dy": [encode(v) for v in dy.detach().double().tolist()],
        "d2y": [encode(v) for v in d2y.double().tolist()],
    }


# --- the closed forms, in mpmath ------------------------------------------------------------

SQRT_2_OVER_PI = mpmath.sqrt(2 / mpmath.pi)
K = mpmath.mpf("0.044715")


def exact_one(name, args, x):
    """(f, f′, f″) at the double x, in 60 digits."""
    x = mpmath.mpf(x)
    if name == "leakyRelu":
        s = mpmath.mpf(args[0] if args else 0.01)
        return (x, 1, 0) if x > 0 else (s * x, s, 0)
    if name == "elu":
        a = mpmath.mpf(args[0] if args else 1)
        return (x, 1, 0) if x > 0 else (a * mpmath.expm1(x), a * mpmath.exp(x), a * mpmath.exp(x))
    if name == "gelu" and (args or ["none"])[0] == "tanh":
        u = SQRT_2_OVER_PI * (x + K * x**3)
        du = SQRT_2_OVER_PI * (1 + 3 * K * x**2)
        d2u = SQRT_2_OVER_PI * 6 * K * x
        t = mpmath.tanh(u)
        s2 = 1 - t**2  # sech²(u)
        f = x * (1 + t) / 2
        f1 = (1 + t) / 2 + x * s2 * du / 2
        f2 = s2 * du + x * (s2 * d2u - 2 * t * s2 * du**2) / 2
        return f, f1, f2
    if name == "gelu":
        if abs(x) > 1e10:  # mpmath's erfc overflows there; Φ is 0 or 1 and φ is 0 to far below 1e-1000
            cdf, pdf = mpmath.mpf(1 if x > 0 else 0), mpmath.mpf(0)
        else:
            cdf, pdf = mpmath.erfc(-x / mpmath.sqrt(2)) / 2, mpmath.npdf(x)
        return x * cdf, cdf + x * pdf, (2 - x**2) * pdf
    if name == "silu":
        s = 1 / (1 + mpmath.exp(-x))
        return x * s, s * (1 + x * (1 - s)), s * (1 - s) * (2 + x * (1 - 2 * s))
    raise ValueError(name)


def exact(name, args, xs, g):
    rows = [exact_one(name, args, x) for x in xs]
    return {
        "y": [encode(f) if x != 0 else x for (f, _, _), x in zip(rows, xs)],  # keeps the sign of ±0
        "dy": [encode(mpmath.mpf(gi) * f1) for (_, f1, _), gi in zip(rows, g)],
        "d2y": [encode(mpmath.mpf(gi) * f2) for (_, _, f2), gi in zip(rows, g)],
    }


# --- output ---------------------------------------------------------------------------------


def dump(obj, indent=0):
    """JSON with objects indented and every list of numbers on one line."""
    pad = "  " * indent
    if isinstance(obj, dict):
        items = [f'{pad}  {json.dumps(k, ensure_ascii=False)}: {dump(v, indent + 1)}' for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, dict) for v in obj):
        return "[\n" + ",\n".join(pad + "  " + dump(v, indent + 1) for v in obj) + "\n" + pad + "]"
    return json.dumps(obj, allow_nan=False, ensure_ascii=False, separators=(", ", ": "))


def debian_version():
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-torch"], capture_output=True, text=True)
        return out.stdout.strip() or None
    except OSError:
        return None


def main():
    torch.set_num_threads(1)
    g64 = upstream(len(INPUTS64))
    g32 = [float(v) for v in torch.tensor(upstream(len(INPUTS32)), dtype=torch.float32).double()]
    x32 = [float(v) for v in torch.tensor(INPUTS32, dtype=torch.float64).float().double()]
    doc = {
        "generator": "scripts/torch-fixtures.py",
        "torch": torch.__version__,
        "package": debian_version(),
        "about": "dy = grad(y, x, g, create_graph) = g·f′(x); d2y = grad(dy, x, ones) = g·f″(x); "
        "exact = the closed forms in mpmath (60 digits) rounded to float64; non-finite numbers as strings",
        "float64": {
            "x": INPUTS64,
            "g": g64,
            "cases": [
                {"name": n, "args": a, "torch": t, **run(fn, INPUTS64, g64, torch.float64), "exact": exact(n, a, INPUTS64, g64)}
                for n, a, t, fn in CASES
            ],
        },
        "float32": {
            "x": x32,
            "g": g32,
            "cases": [{"name": n, "args": a, "torch": t, **run(fn, x32, g32, torch.float32)} for n, a, t, fn in CASES],
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(dump(doc) + "\n")
    # In Biome's layout, as `npm run lint` checks it (so a rerun reproduces the committed file).
    try:
        subprocess.run(["npx", "biome", "format", "--write", str(OUT)], cwd=ROOT, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"note: could not format with Biome ({e}); run `npx biome format --write {OUT.relative_to(ROOT)}`")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes), torch {torch.__version__}")


if __name__ == "__main__":
    main()
