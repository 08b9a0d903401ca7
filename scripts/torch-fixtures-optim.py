#!/usr/bin/env python3
"""PyTorch's numbers for the optimizers, gradient clipping and learning-rate schedules (issue 14).

Writes test/fixtures/torch-optim.json, which test/optim-more.test.ts reads, so `npm test`
needs no Python. Run it again (and commit the JSON) when a case changes:

    apt-get install -y python3-torch          # Debian's PyTorch (1.13)
    /usr/bin/python3 scripts/torch-fixtures-optim.py

- "optimizers": each case is an optimizer and its options (actigrad's names), two float64
  parameters with fixed starting values, and for each of 10 steps the gradient given to each
  parameter (null: that parameter has no gradient on that step and is skipped, as in PyTorch);
  "trajectory" holds the parameters' values after every step. PyTorch runs its single-tensor
  code path (foreach=False, its default on the CPU in 1.13).
- "clipNorm" / "clipValue": gradients (null: no gradient), the arguments, PyTorch's total norm
  and the gradients after clip_grad_norm_ / clip_grad_value_ (error_if_nonfinite=False, the
  default). Non-finite numbers are written as the strings "NaN", "Infinity", "-Infinity".
- "schedules": a schedule on an SGD optimizer, get_last_lr() after construction and after each
  of 30 scheduler.step() calls (31 numbers), with the optimizer's lr beside it.
"""

import json
import math
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch-optim.json"
STEPS = 10
SHAPES = [[2, 3], [4]]


def values(n, seed, scale=1.0):
    """Fixed, distinct, sign-mixed values: scale·(2·sin(0.37·i + seed) + 0.1)."""
    return [scale * (2 * math.sin(0.37 * i + seed) + 0.1) for i in range(n)]


def enc(x):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def flat(t):
    return [enc(v) for v in t.detach().reshape(-1).tolist()]


def grads_for(case_seed, skip):
    """Per step, per parameter: a gradient (a list) or None. `skip` = {(step, param)} without one."""
    out = []
    for s in range(STEPS):
        row = []
        for k, shape in enumerate(SHAPES):
            n = math.prod(shape)
            row.append(None if (s, k) in skip else values(n, 0.7 * s + 1.3 * k + case_seed, 0.5 + 0.1 * s))
        out.append(row)
    return out


def make(name, params, opts):
    o = dict(opts)
    kw = {}
    rename = {"weightDecay": "weight_decay"}
    for key, v in o.items():
        kw[rename.get(key, key)] = tuple(v) if key == "betas" else v
    if name == "SGD":
        return torch.optim.SGD(params, **kw)
    return getattr(torch.optim, name)(params, foreach=False, **kw)


def optimizer_case(name, opts, seed, skip=()):
    p0 = [values(math.prod(s), seed + 10 * k) for k, s in enumerate(SHAPES)]
    params = [torch.tensor(v, dtype=torch.float64).reshape(s).requires_grad_(True) for v, s in zip(p0, SHAPES)]
    opt = make(name, params, opts)
    grads = grads_for(seed, set(skip))
    traj = []
    for row in grads:
        for p, g, s in zip(params, row, SHAPES):
            p.grad = None if g is None else torch.tensor(g, dtype=torch.float64).reshape(s)
        opt.step()
        traj.append([flat(p) for p in params])
    return {
        "optimizer": name,
        "options": opts,
        "shapes": SHAPES,
        "initial": p0,
        "grads": grads,
        "trajectory": traj,
    }


def optimizer_cases():
    skip = [(2, 1), (3, 1), (6, 0)]
    return [
        optimizer_case("SGD", {"lr": 0.1, "momentum": 0.9, "weightDecay": 0.01}, 1, skip),
        optimizer_case("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True}, 2),
        optimizer_case("Adam", {"lr": 0.01}, 3, skip),
        optimizer_case("Adam", {"lr": 0.02, "betas": [0.8, 0.99], "eps": 1e-6, "weightDecay": 0.05}, 4),
        optimizer_case("AdamW", {"lr": 0.01, "weightDecay": 0}, 5),
        optimizer_case("AdamW", {"lr": 0.01, "weightDecay": 0.01}, 6),
        optimizer_case("AdamW", {}, 7, skip),
        optimizer_case("AdamW", {"lr": 0.05, "betas": [0.85, 0.995], "eps": 1e-4, "weightDecay": 0.3}, 8),
        optimizer_case("RMSprop", {}, 9, skip),
        optimizer_case("RMSprop", {"lr": 0.01, "momentum": 0.9}, 10),
        optimizer_case("RMSprop", {"lr": 0.01, "centered": True}, 11),
        optimizer_case("RMSprop", {"lr": 0.01, "weightDecay": 0.1}, 12),
        optimizer_case("RMSprop", {"lr": 0.003, "alpha": 0.9, "eps": 1e-5, "momentum": 0.5,
                                   "centered": True, "weightDecay": 0.02}, 13, skip),
    ]


def clip_params(grads):
    shapes = [[len(g)] if g is not None else [3] for g in grads]
    params = []
    for g, s in zip(grads, shapes):
        p = torch.zeros(s, dtype=torch.float64, requires_grad=True)
        p.grad = None if g is None else torch.tensor(g, dtype=torch.float64)
        params.append(p)
    return params


def clip_norm_case(grads, max_norm, norm_type=2.0):
    params = clip_params(grads)
    total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
    return {
        "grads": [None if g is None else [enc(v) for v in g] for g in grads],
        "maxNorm": enc(max_norm),
        "normType": enc(norm_type),
        "total": enc(float(total)),
        "clipped": [None if p.grad is None else flat(p.grad) for p in params],
    }


def clip_value_case(grads, clip):
    params = clip_params(grads)
    torch.nn.utils.clip_grad_value_(params, clip)
    return {
        "grads": [None if g is None else [enc(v) for v in g] for g in grads],
        "clipValue": clip,
        "clipped": [None if p.grad is None else flat(p.grad) for p in params],
    }


def clip_cases():
    a = values(5, 0.3, 1.5)
    b = values(3, 2.1, 0.7)
    c = values(7, 4.2, 3.0)
    norm = [
        clip_norm_case([a, b, c], 1.0),
        clip_norm_case([a, b, c], 0.25),
        clip_norm_case([a, b, c], 100.0),  # below the threshold: unchanged
        clip_norm_case([a, None, c], 2.0),  # a parameter without a gradient is skipped
        clip_norm_case([a, b, c], 1.0, 1.0),
        clip_norm_case([a, b, c], 1.0, 3.0),
        clip_norm_case([a, b, c], 0.5, math.inf),
        clip_norm_case([a, b, c], 50.0, math.inf),
        clip_norm_case([[0.0, 0.0], [0.0]], 1.0),  # all-zero gradients: norm 0, nothing scaled
        clip_norm_case([a, [1.0, math.nan, 2.0]], 1.0),  # NaN norm: everything becomes NaN
        clip_norm_case([a, [1.0, math.inf, 2.0]], 1.0),  # inf norm: scaled by 0 (inf·0 = NaN)
        clip_norm_case([a, [1.0, -math.inf]], 1.0, math.inf),
    ]
    value = [
        clip_value_case([a, b, c], 0.5),
        clip_value_case([a, None, c], 1.0),
        clip_value_case([a, b], 100.0),
        clip_value_case([[1.0, math.nan, -math.inf, math.inf, -0.0]], 0.5),
    ]
    return norm, value


def schedule_case(name, lr, opts):
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    kw = {{"stepSize": "step_size", "tMax": "T_max", "etaMin": "eta_min"}.get(k, k): v for k, v in opts.items()}
    sched = getattr(torch.optim.lr_scheduler, name)(opt, **kw)
    lrs = [sched.get_last_lr()[0]]
    opt_lrs = [opt.param_groups[0]["lr"]]
    for _ in range(30):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
        opt_lrs.append(opt.param_groups[0]["lr"])
    closed = None
    if name == "CosineAnnealingLR":
        t_max, eta_min = opts["tMax"], opts.get("etaMin", 0)
        closed = [eta_min + (lr - eta_min) * (1 + math.cos(math.pi * e / t_max)) / 2 for e in range(31)]
    return {"schedule": name, "lr": lr, "options": opts, "lrs": lrs, "optimizerLrs": opt_lrs, "closedForm": closed}


def schedule_cases():
    return [
        schedule_case("StepLR", 0.1, {"stepSize": 7}),
        schedule_case("StepLR", 0.3, {"stepSize": 4, "gamma": 0.5}),
        schedule_case("ExponentialLR", 0.1, {"gamma": 0.9}),
        schedule_case("ExponentialLR", 0.05, {"gamma": 0.97}),
        schedule_case("CosineAnnealingLR", 0.1, {"tMax": 10}),
        schedule_case("CosineAnnealingLR", 0.1, {"tMax": 7, "etaMin": 0.001}),
        schedule_case("CosineAnnealingLR", 0.01, {"tMax": 30, "etaMin": 1e-4}),
    ]


def main():
    norm, value = clip_cases()
    doc = {
        "torch": torch.__version__,
        "optimizers": optimizer_cases(),
        "clipNorm": norm,
        "clipValue": value,
        "schedules": schedule_cases(),
    }
    OUT.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
