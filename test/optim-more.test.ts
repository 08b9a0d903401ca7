/**
 * Issue 14's training tools: AdamW and RMSprop, state dicts for every optimizer, gradient
 * clipping and learning-rate schedules.
 *
 * - Against PyTorch 1.13 (test/fixtures/torch-optim.json, written by scripts/torch-fixtures-optim.py):
 *   ten-step float64 trajectories of two parameters under fixed gradients (some steps without a
 *   gradient for one parameter) for SGD, Adam, AdamW (λ = 0, 0.01, …) and RMSprop (plain,
 *   momentum, centered, weight decay, all together); clip_grad_norm_ / clip_grad_value_ results
 *   (norms 1, 2, 3, ∞, NaN and ∞ gradients); get_last_lr() of the three schedules over 30 epochs.
 *   Agreement is to 1e-12 relative (PyTorch's CPU kernels may fuse a multiply-add; most values
 *   agree to the last bit, and the test says how many).
 * - Resuming: N steps, then the model's and the optimizer's state dicts through JSON into a new
 *   model and optimizer, M more steps — bit for bit the same as N + M uninterrupted steps, for
 *   all four optimizers, in float64 and float32, schedules included.
 * - Bad hyperparameters and bad states are errors that name the optimizer (or schedule) and the
 *   key, and change nothing.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { manualSeed, nn, optim, type Tensor, tensor } from "../src/index.js";

type Num = number | "NaN" | "Infinity" | "-Infinity";
const num = (v: Num): number => (typeof v === "number" ? v : Number(v));

interface OptimizerCase {
  optimizer: "SGD" | "Adam" | "AdamW" | "RMSprop";
  options: Record<string, unknown>;
  shapes: number[][];
  initial: number[][];
  grads: (number[] | null)[][];
  trajectory: number[][][];
}
interface ClipNormCase {
  grads: (Num[] | null)[];
  maxNorm: Num;
  normType: Num;
  total: Num;
  clipped: (Num[] | null)[];
}
interface ClipValueCase {
  grads: (Num[] | null)[];
  clipValue: number;
  clipped: (Num[] | null)[];
}
interface ScheduleCase {
  schedule: "StepLR" | "ExponentialLR" | "CosineAnnealingLR";
  lr: number;
  options: Record<string, number>;
  lrs: number[];
  optimizerLrs: number[];
  closedForm: number[] | null;
}
const fixtures = JSON.parse(readFileSync(new URL("./fixtures/torch-optim.json", import.meta.url), "utf8")) as {
  torch: string;
  optimizers: OptimizerCase[];
  clipNorm: ClipNormCase[];
  clipValue: ClipValueCase[];
  schedules: ScheduleCase[];
};

function makeOptimizer(name: OptimizerCase["optimizer"], params: Tensor[], options: Record<string, unknown>): optim.Optimizer {
  switch (name) {
    case "SGD":
      return new optim.SGD(params, options as unknown as optim.SGDOptions);
    case "Adam":
      return new optim.Adam(params, options as optim.AdamOptions);
    case "AdamW":
      return new optim.AdamW(params, options as optim.AdamWOptions);
    case "RMSprop":
      return new optim.RMSprop(params, options as optim.RMSpropOptions);
  }
}

/** Compares `got` with PyTorch's `want`: NaN where it has NaN, else within `rel` relative; counts exact agreements. */
class Agreement {
  n = 0;
  exact = 0;
  worst = 0;
  check(got: number, want: number, where: string, rel = 1e-12): void {
    this.n++;
    if (Number.isNaN(want) || !Number.isFinite(want)) {
      expect(Object.is(got, want), `${where}: got ${got}, PyTorch ${want}`).toBe(true);
      this.exact++;
      return;
    }
    if (Object.is(got, want)) this.exact++;
    const err = Math.abs(got - want) / Math.max(Math.abs(want), Number.MIN_VALUE);
    this.worst = Math.max(this.worst, want === 0 ? Math.abs(got) : err);
    expect(err <= rel || Math.abs(got - want) <= 1e-300, `${where}: got ${got}, PyTorch ${want} (relative error ${err})`).toBe(
      true,
    );
  }
}

describe(`against PyTorch ${fixtures.torch} (test/fixtures/torch-optim.json)`, () => {
  it("has every optimizer, the AdamW and RMSprop variants asked for, clipping and the three schedules", () => {
    const kinds = fixtures.optimizers.map((c) => `${c.optimizer} ${JSON.stringify(c.options)}`);
    expect(kinds).toContain('AdamW {"lr":0.01,"weightDecay":0}');
    expect(kinds).toContain('AdamW {"lr":0.01,"weightDecay":0.01}');
    expect(kinds).toContain("RMSprop {}");
    expect(kinds).toContain('RMSprop {"lr":0.01,"momentum":0.9}');
    expect(kinds).toContain('RMSprop {"lr":0.01,"centered":true}');
    expect(kinds).toContain('RMSprop {"lr":0.01,"weightDecay":0.1}');
    expect(new Set(fixtures.optimizers.map((c) => c.optimizer))).toEqual(new Set(["SGD", "Adam", "AdamW", "RMSprop"]));
    expect(new Set(fixtures.schedules.map((c) => c.schedule))).toEqual(new Set(["StepLR", "ExponentialLR", "CosineAnnealingLR"]));
    expect(fixtures.clipNorm.length).toBeGreaterThan(5);
    expect(fixtures.clipValue.length).toBeGreaterThan(2);
  });

  it.each(fixtures.optimizers.map((c) => [`${c.optimizer} ${JSON.stringify(c.options)}`, c] as const))(
    "%s: ten float64 steps match PyTorch's trajectory",
    (_name, c) => {
      const params = c.initial.map((v, k) => tensor(v, { shape: c.shapes[k], dtype: "float64", requiresGrad: true }));
      const opt = makeOptimizer(c.optimizer, params, c.options);
      const agree = new Agreement();
      c.grads.forEach((row, s) => {
        row.forEach((g, k) => {
          params[k].grad = g === null ? null : tensor(g, { shape: c.shapes[k], dtype: "float64" });
        });
        opt.step();
        params.forEach((p, k) => {
          p.data.forEach((v, i) => agree.check(v, c.trajectory[s][k][i], `step ${s + 1}, parameter ${k}, element ${i}`));
        });
      });
      expect(agree.n).toBe(10 * 10);
      // most values are PyTorch's to the last bit
      expect(agree.exact).toBeGreaterThan(agree.n / 4);
    },
  );

  it.each(
    fixtures.clipNorm.map(
      (c) => [`maxNorm ${c.maxNorm}, normType ${c.normType}, grads ${JSON.stringify(c.grads).slice(0, 40)}…`, c] as const,
    ),
  )("clipGradNorm %s", (_name, c) => {
    const params = c.grads.map((g) => {
      const p = tensor(g === null ? [0, 0, 0] : g.map(() => 0), { dtype: "float64", requiresGrad: true });
      p.grad = g === null ? null : tensor(g.map(num), { dtype: "float64" });
      return p;
    });
    const total = nn.clipGradNorm(params, num(c.maxNorm), num(c.normType));
    const agree = new Agreement();
    agree.check(total, num(c.total), "total norm", 1e-14);
    params.forEach((p, k) => {
      const want = c.clipped[k];
      if (want === null) expect(p.grad).toBeNull();
      else (p.grad as Tensor).data.forEach((v, i) => agree.check(v, num(want[i]), `grad ${k}[${i}]`, 1e-14));
    });
  });

  it.each(
    fixtures.clipValue.map((c) => [`clipValue ${c.clipValue}, grads ${JSON.stringify(c.grads).slice(0, 40)}…`, c] as const),
  )("clipGradValue %s", (_name, c) => {
    const params = c.grads.map((g) => {
      const p = tensor(g === null ? [0, 0, 0] : g.map(() => 0), { dtype: "float64", requiresGrad: true });
      p.grad = g === null ? null : tensor(g.map(num), { dtype: "float64" });
      return p;
    });
    nn.clipGradValue(params, c.clipValue);
    params.forEach((p, k) => {
      const want = c.clipped[k];
      if (want === null) expect(p.grad).toBeNull();
      else expect(Array.from((p.grad as Tensor).data)).toEqual(want.map(num)); // exact, −0 and NaN included
    });
  });

  it.each(fixtures.schedules.map((c) => [`${c.schedule} ${JSON.stringify(c.options)} from lr ${c.lr}`, c] as const))(
    "%s: get_last_lr() over 30 epochs",
    (_name, c) => {
      const p = tensor([0], { requiresGrad: true });
      const opt = new optim.SGD([p], { lr: c.lr });
      const sched =
        c.schedule === "StepLR"
          ? new optim.StepLR(opt, c.options as unknown as optim.StepLROptions)
          : c.schedule === "ExponentialLR"
            ? new optim.ExponentialLR(opt, c.options as unknown as optim.ExponentialLROptions)
            : new optim.CosineAnnealingLR(opt, c.options as unknown as optim.CosineAnnealingLROptions);
      const lrs = [sched.lr];
      const optLrs = [opt.lr];
      for (let e = 0; e < 30; e++) {
        sched.step();
        lrs.push(sched.lr);
        optLrs.push(opt.lr);
      }
      const agree = new Agreement();
      lrs.forEach((v, e) => agree.check(v, c.lrs[e], `epoch ${e}`, 1e-13));
      optLrs.forEach((v, e) => agree.check(v, c.optimizerLrs[e], `optimizer at epoch ${e}`, 1e-13));
      expect(sched.lastEpoch).toBe(30);
      expect(sched.baseLr).toBe(c.lr);
      if (c.schedule !== "CosineAnnealingLR") expect(agree.exact).toBe(agree.n); // products only: bit for bit
    },
  );

  it("CosineAnnealingLR follows PyTorch's recursive numbers, not the closed form (they differ in the last digits)", () => {
    let differ = 0;
    for (const c of fixtures.schedules) {
      if (c.closedForm === null) continue;
      c.lrs.forEach((v, e) => {
        expect(Math.abs(v - (c.closedForm as number[])[e])).toBeLessThan(1e-15);
        if (v !== (c.closedForm as number[])[e]) differ++;
      });
    }
    expect(differ).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Resuming from state dicts

type DT = "float32" | "float64";
type Sched = { step(): void; readonly lr: number; stateDict(): unknown; loadStateDict(s: unknown): void };
type Config = [string, (ps: Tensor[]) => optim.Optimizer, (o: optim.Optimizer) => Sched];

const CONFIGS: Config[] = [
  [
    "SGD (momentum 0.9, Nesterov, weight decay) + StepLR",
    (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    (o) => new optim.StepLR(o, { stepSize: 2, gamma: 0.5 }),
  ],
  [
    "Adam (weight decay) + ExponentialLR",
    (ps) => new optim.Adam(ps, { lr: 0.01, weightDecay: 1e-3 }),
    (o) => new optim.ExponentialLR(o, { gamma: 0.9 }),
  ],
  ["AdamW + CosineAnnealingLR", (ps) => new optim.AdamW(ps, { lr: 0.01 }), (o) => new optim.CosineAnnealingLR(o, { tMax: 4 })],
  [
    "RMSprop (centered, momentum, weight decay) + CosineAnnealingLR",
    (ps) => new optim.RMSprop(ps, { lr: 0.005, momentum: 0.5, centered: true, weightDecay: 1e-4 }),
    (o) => new optim.CosineAnnealingLR(o, { tMax: 3, etaMin: 1e-4 }),
  ],
];

function model(dtype: DT, seed: number): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(3, 6, { dtype }), new nn.Tanh(), new nn.Linear(6, 2, { dtype }));
}

const XS = [0.3, -1.2, 0.8, 1.5, 0.1, -0.4, -0.7, 0.9, 2.0, 0.05, -1.1, 0.6];
const YS = [0.5, -0.2, 1.0, 0.3, -0.8, 0.1, 0.2, 0.9];

/** One training step; on every third step the first bias has no gradient (its step count falls behind). */
function trainStep(m: nn.Sequential, opt: optim.Optimizer, dtype: DT, s: number): void {
  const x = tensor(XS, { shape: [4, 3], dtype });
  const y = tensor(YS, { shape: [4, 2], dtype });
  opt.zeroGrad();
  nn.mseLoss(m.forward(x), y).backward();
  if (s % 3 === 1) m.parameters()[1].grad = null;
  opt.step();
}

/** The bits of every parameter, as hex. */
const bits = (m: nn.Module): string[] =>
  m.parameters().map((p) => Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength).toString("hex"));

/** Trains steps [from, to), stepping the schedule after every second step (an "epoch"). */
function train(m: nn.Sequential, opt: optim.Optimizer, sched: Sched, dtype: DT, from: number, to: number): void {
  for (let s = from; s < to; s++) {
    trainStep(m, opt, dtype, s);
    if (s % 2 === 1) sched.step();
  }
}

describe("resuming from state dicts continues bit for bit", () => {
  const N = 7;
  const M = 8;
  for (const dtype of ["float64", "float32"] as const) {
    it.each(CONFIGS)(
      `%s, ${dtype}: ${N} steps, save through JSON, ${M} more = ${N + M} uninterrupted`,
      (_name, makeOpt, makeSched) => {
        // uninterrupted
        const a = model(dtype, 1);
        const optA = makeOpt(a.parameters());
        const schedA = makeSched(optA);
        train(a, optA, schedA, dtype, 0, N + M);

        // interrupted after N steps: everything saved through JSON
        const b = model(dtype, 1);
        const optB = makeOpt(b.parameters());
        const schedB = makeSched(optB);
        train(b, optB, schedB, dtype, 0, N);
        const saved = JSON.stringify({ model: b.stateDict(), optimizer: optB.stateDict(), schedule: schedB.stateDict() });

        // a new model (other initial values), optimizer (another lr) and schedule, restored from it
        const c = model(dtype, 99);
        const optC = makeOpt(c.parameters());
        optC.lr = 0.123;
        const schedC = makeSched(optC);
        const state = JSON.parse(saved);
        c.loadStateDict(state.model);
        optC.loadStateDict(state.optimizer);
        schedC.loadStateDict(state.schedule);
        expect(optC.lr).toBe(optB.lr);
        train(c, optC, schedC, dtype, N, N + M);

        expect(bits(c)).toEqual(bits(a));
        expect(JSON.stringify(optC.stateDict())).toBe(JSON.stringify(optA.stateDict()));
        expect(schedC.lr).toBe(schedA.lr);
        expect(c.parameters()[0].dtype).toBe(dtype);

        // the optimizer's state matters: a fresh optimizer from the same model state drifts away
        const d = model(dtype, 99);
        d.loadStateDict(state.model);
        const optD = makeOpt(d.parameters());
        const schedD = makeSched(optD);
        schedD.loadStateDict(state.schedule);
        train(d, optD, schedD, dtype, N, N + M);
        expect(bits(d)).not.toEqual(bits(a));
      },
    );
  }

  it("the state is plain JSON-safe data: names, hyperparameters, per-parameter shape, dtype, step count and buffers", () => {
    const p = tensor([1, -2, 3], { requiresGrad: true });
    const q = tensor([[0.5, 0.25]], { requiresGrad: true });
    const opt = new optim.RMSprop([p, q], { lr: 0.1, momentum: 0.9 });
    p.grad = tensor([1, 0, -1]);
    q.grad = null;
    opt.step();
    const s = opt.stateDict();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(s.optimizer).toBe("RMSprop");
    expect(s.hyperparameters).toEqual({ lr: 0.1, alpha: 0.99, eps: 1e-8, momentum: 0.9, weightDecay: 0, centered: false });
    expect(s.params[0].shape).toEqual([3]);
    expect(s.params[0].dtype).toBe("float64");
    expect(s.params[0].step).toBe(1);
    expect(s.params[1]).toEqual({
      shape: [1, 2],
      dtype: "float64",
      step: 0,
      buffers: { squareAvg: null, gradAvg: null, momentumBuffer: null },
    });
    // s = (1 − α)·g² (and b = g/(√s + ε)): 0 where g = 0
    expect(s.params[0].buffers.squareAvg).toEqual([(1 - 0.99) * 1 * 1, 0, (1 - 0.99) * 1 * 1]);
    expect(s.params[0].buffers.gradAvg).toBeNull();
    // the state is a copy: later steps do not change it
    const before = JSON.stringify(s);
    p.grad = tensor([1, 1, 1]);
    opt.step();
    expect(JSON.stringify(s)).toBe(before);
  });

  it('−0 survives JSON as "-0" (in buffers and hyperparameters)', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.5, dampening: -0 });
    p.grad = tensor([-0, 1]);
    opt.step(); // momentum buffer = g = [−0, 1]
    const s = opt.stateDict();
    expect(s.params[0].buffers.momentumBuffer).toEqual(["-0", 1]);
    expect(s.hyperparameters.dampening).toBe("-0");
    const opt2 = new optim.SGD([tensor([1, 2], { requiresGrad: true })], { lr: 1 });
    opt2.loadStateDict(JSON.parse(JSON.stringify(s)));
    expect(Object.is(opt2.dampening, -0)).toBe(true);
    expect(opt2.stateDict()).toEqual(s);
  });

  it("an SGD buffer not made yet (null) means the next step is a first step (b = g), as in PyTorch", () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    expect(opt.stateDict().params[0].buffers.momentumBuffer).toBeNull();
    const twin = new optim.SGD([tensor([1, 2], { requiresGrad: true })], { lr: 0.1 });
    twin.loadStateDict(opt.stateDict()); // momentum 0.9 comes with the state
    expect(twin.momentum).toBe(0.9);
    twin.params[0].grad = tensor([1, -1]);
    twin.step();
    expect(Array.from(twin.params[0].data)).toEqual([0.9, 2.1]);
  });
});

// ---------------------------------------------------------------------------------------------
// Hyperparameters

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("AdamW and RMSprop hyperparameters", () => {
  const p = () => tensor([1, -2, 0.5], { requiresGrad: true });

  it("defaults are PyTorch's", () => {
    const w = new optim.AdamW([p()]);
    expect([w.lr, [...w.betas], w.eps, w.weightDecay]).toEqual([1e-3, [0.9, 0.999], 1e-8, 0.01]);
    const r = new optim.RMSprop([p()]);
    expect([r.lr, r.alpha, r.eps, r.momentum, r.weightDecay, r.centered]).toEqual([0.01, 0.99, 1e-8, 0, 0, false]);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ["AdamW negative lr", () => new optim.AdamW([p()], { lr: -1e-3 }), /AdamW: lr/],
    ["AdamW NaN lr", () => new optim.AdamW([p()], { lr: Number.NaN }), /AdamW: lr/],
    ["AdamW beta1 = 1", () => new optim.AdamW([p()], { betas: [1, 0.999] }), /AdamW: betas\[0\]/],
    ["AdamW beta2 < 0", () => new optim.AdamW([p()], { betas: [0.9, -0.1] }), /AdamW: betas\[1\]/],
    [
      "AdamW three betas",
      () => new optim.AdamW([p()], { betas: [0.9, 0.99, 0.9] as unknown as [number, number] }),
      /AdamW: betas/,
    ],
    ["AdamW negative eps", () => new optim.AdamW([p()], { eps: -1e-8 }), /AdamW: eps/],
    ["AdamW negative weight decay", () => new optim.AdamW([p()], { weightDecay: -0.01 }), /AdamW: weightDecay/],
    ["AdamW infinite weight decay", () => new optim.AdamW([p()], { weightDecay: Infinity }), /AdamW: weightDecay/],
    ["RMSprop negative lr", () => new optim.RMSprop([p()], { lr: -0.01 }), /RMSprop: lr/],
    ["RMSprop alpha > 1", () => new optim.RMSprop([p()], { alpha: 1.5 }), /RMSprop: alpha/],
    ["RMSprop negative alpha", () => new optim.RMSprop([p()], { alpha: -0.5 }), /RMSprop: alpha/],
    ["RMSprop negative eps", () => new optim.RMSprop([p()], { eps: -1 }), /RMSprop: eps/],
    ["RMSprop negative momentum", () => new optim.RMSprop([p()], { momentum: -0.9 }), /RMSprop: momentum/],
    ["RMSprop negative weight decay", () => new optim.RMSprop([p()], { weightDecay: -1 }), /RMSprop: weightDecay/],
    ["RMSprop string lr", () => new optim.RMSprop([p()], { lr: "0.1" as unknown as number }), /RMSprop: lr/],
  ];
  it.each(bad)("%s → RangeError naming the optimizer and the option", (_name, fn, pattern) => {
    const e = thrown(fn);
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toMatch(pattern);
  });

  it("RMSprop centered must be a boolean; empty or non-tensor parameter lists are TypeErrors", () => {
    expect(thrown(() => new optim.RMSprop([p()], { centered: 1 as unknown as boolean }))).toBeInstanceOf(TypeError);
    expect(thrown(() => new optim.RMSprop([]))).toBeInstanceOf(TypeError);
    expect(thrown(() => new optim.AdamW([{} as Tensor])).message).toMatch(/AdamW: parameter 0 is not a Tensor/);
  });

  it("the lr setter checks its value and changes nothing when it throws", () => {
    for (const opt of [
      new optim.SGD([p()], { lr: 0.1 }),
      new optim.Adam([p()]),
      new optim.AdamW([p()]),
      new optim.RMSprop([p()]),
    ] as optim.Optimizer[]) {
      const before = opt.lr;
      for (const v of [-0.1, Number.NaN, Infinity, "0.1" as unknown as number]) {
        const e = thrown(() => {
          opt.lr = v;
        });
        expect(e).toBeInstanceOf(RangeError);
        expect(e.message).toMatch(/^(SGD|Adam|AdamW|RMSprop): lr must be a finite number ≥ 0/);
        expect(opt.lr).toBe(before);
      }
      opt.lr = 0.5;
      expect(opt.lr).toBe(0.5);
      expect(opt.stateDict().hyperparameters.lr).toBe(0.5);
    }
  });

  it("the lr setter is what steps use", () => {
    const a = p();
    const opt = new optim.RMSprop([a], { lr: 0.1 });
    opt.lr = 0;
    a.grad = tensor([1, 1, 1]);
    opt.step();
    expect(Array.from(a.data)).toEqual([1, -2, 0.5]);
  });

  it("AdamW with weightDecay 0 is Adam, bit for bit; with decay it shrinks p by (1 − lr·λ) first", () => {
    const a = p(),
      b = p();
    const adam = new optim.Adam([a], { lr: 0.1 });
    const adamw = new optim.AdamW([b], { lr: 0.1, weightDecay: 0 });
    for (let s = 0; s < 5; s++) {
      a.grad = tensor([0.3 * s - 1, 2, -0.5]);
      b.grad = tensor([0.3 * s - 1, 2, -0.5]);
      adam.step();
      adamw.step();
    }
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    // one step by hand: p = 1, g = 0.5, lr 0.1, λ 0.5: p ← 0.95, then − 0.1·m̂/(√v̂ + ε) = 0.1·0.5/(0.5 + 1e-8)
    const c = tensor([1], { requiresGrad: true });
    const w = new optim.AdamW([c], { lr: 0.1, weightDecay: 0.5 });
    c.grad = tensor([0.5]);
    w.step();
    expect(c.data[0]).toBeCloseTo(0.95 - (0.1 * 0.5) / (0.5 + 1e-8), 15);
  });

  it("float32 parameters stay float32 under AdamW and RMSprop", () => {
    for (const make of [
      (t: Tensor) => new optim.AdamW([t]),
      (t: Tensor) => new optim.RMSprop([t], { centered: true, momentum: 0.9 }),
    ]) {
      const t = tensor(new Float32Array([1, -2, 0.5]), { requiresGrad: true });
      const arr = t.data;
      const opt = make(t);
      for (let s = 0; s < 3; s++) {
        t.grad = tensor(new Float32Array([0.5, -1, 2]));
        opt.step();
      }
      expect(t.data).toBe(arr);
      expect(t.data).toBeInstanceOf(Float32Array);
      expect(Array.from(t.data).every(Number.isFinite)).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Bad states

type Mut = [string, (s: any) => unknown, RegExp];

/** An optimizer over parameters of shapes [2, 3] and [4], after three steps with `seed`-dependent gradients. */
function trained(kind: string, seed: number, lr: number): optim.Optimizer {
  const ps = [
    tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3], requiresGrad: true }),
    tensor([-1, 0.5, 0.25, 2], { requiresGrad: true }),
  ];
  const opt =
    kind === "SGD"
      ? new optim.SGD(ps, { lr, momentum: 0.9 })
      : kind === "Adam"
        ? new optim.Adam(ps, { lr })
        : kind === "AdamW"
          ? new optim.AdamW(ps, { lr })
          : new optim.RMSprop(ps, { lr, momentum: 0.5, centered: true });
  for (let s = 0; s < 3; s++) {
    ps[0].grad = tensor([0.1, -0.2, 0.3, seed, 0.5, -0.6], { shape: [2, 3] });
    ps[1].grad = s === 1 ? null : tensor([seed * s, 1, -1, 0.5]);
    opt.step();
  }
  return opt;
}

const BUFFER: Record<string, string> = { SGD: "momentumBuffer", Adam: "expAvgSq", AdamW: "expAvg", RMSprop: "squareAvg" };

function mutations(kind: string): Mut[] {
  const buf = BUFFER[kind];
  const other = kind === "AdamW" ? "Adam" : "AdamW";
  const m: Mut[] = [
    ["null", () => null, /the state must be a plain object, got null/],
    ["an array", () => [], /the state must be a plain object, got an array/],
    ["a string", () => "state", /the state must be a plain object/],
    [
      `another optimizer's state (${other})`,
      (s) => void (s.optimizer = other),
      new RegExp(`key "optimizer": the state is for "${other}", not "${kind}"`),
    ],
    ["no optimizer name", (s) => void delete s.optimizer, /missing key "optimizer"/],
    ["an extra key", (s) => void (s.extra = 1), /unexpected key "extra"/],
    [
      "a __proto__ key at the top",
      (s) => JSON.parse(JSON.stringify(s).replace(/^\{/, '{"__proto__":{"polluted":1},')),
      /key "__proto__" is not allowed/,
    ],
    [
      "a __proto__ key in the buffers",
      (s) => void Object.defineProperty(s.params[1].buffers, "__proto__", { value: {}, enumerable: true }),
      /key "params\[1\].buffers.__proto__" is not allowed/,
    ],
    ["no hyperparameters", (s) => void delete s.hyperparameters, /missing key "hyperparameters"/],
    ["a missing lr", (s) => void delete s.hyperparameters.lr, /missing key "hyperparameters.lr"/],
    ["an unknown hyperparameter", (s) => void (s.hyperparameters.amsgrad = true), /unexpected key "hyperparameters.amsgrad"/],
    ["a negative lr", (s) => void (s.hyperparameters.lr = -1), /hyperparameters.lr must be a finite number ≥ 0, got -1/],
    ["a string lr", (s) => void (s.hyperparameters.lr = "0.1"), /hyperparameters.lr must be/],
    ["a NaN lr", (s) => void (s.hyperparameters.lr = Number.NaN), /hyperparameters.lr must be/],
    [
      "one parameter more",
      (s) => void s.params.push(s.params[1]),
      /key "params": the state holds 3 parameters, the optimizer has 2/,
    ],
    ["one parameter less", (s) => void s.params.pop(), /key "params": the state holds 1 parameter, the optimizer has 2/],
    ["params not an array", (s) => void (s.params = {}), /key "params" must be an array/],
    ["a parameter entry null", (s) => void (s.params[1] = null), /params\[1\] must be a plain object, got null/],
    [
      "another shape",
      (s) => void (s.params[1].shape = [2, 2]),
      /key "params\[1\].shape": \[2,2\] does not match parameter 1's shape \[4\]/,
    ],
    [
      "a transposed shape",
      (s) => void (s.params[0].shape = [3, 2]),
      /"params\[0\].shape": \[3,2\] does not match parameter 0's shape \[2,3\]/,
    ],
    ["a shape of strings", (s) => void (s.params[0].shape = ["2", "3"]), /"params\[0\].shape" must be an array of integers/],
    ["a bad dtype", (s) => void (s.params[1].dtype = "int32"), /"params\[1\].dtype" must be "float32" or "float64"/],
    ["a negative step", (s) => void (s.params[1].step = -1), /"params\[1\].step" must be an integer ≥ 0, got -1/],
    ["a fractional step", (s) => void (s.params[1].step = 1.5), /"params\[1\].step" must be an integer ≥ 0, got 1.5/],
    ["a string step", (s) => void (s.params[1].step = "2"), /"params\[1\].step" must be an integer ≥ 0/],
    ["a missing step", (s) => void delete s.params[1].step, /missing key "params\[1\].step"/],
    ["a missing buffer", (s) => void delete s.params[1].buffers[buf], new RegExp(`missing key "params\\[1\\].buffers.${buf}"`)],
    ["an unknown buffer", (s) => void (s.params[1].buffers.extra = null), /unexpected key "params\[1\].buffers.extra"/],
    [
      "a short buffer",
      (s) => void s.params[1].buffers[buf].pop(),
      new RegExp(`"params\\[1\\].buffers.${buf}" must be null or an array of 4 numbers, got 3 values`),
    ],
    [
      "a long buffer",
      (s) => void s.params[1].buffers[buf].push(0),
      new RegExp(`"params\\[1\\].buffers.${buf}" must be null or an array of 4 numbers, got 5 values`),
    ],
    [
      "a buffer that is a number",
      (s) => void (s.params[1].buffers[buf] = 3),
      new RegExp(`"params\\[1\\].buffers.${buf}" must be null or an array of 4 numbers, got 3`),
    ],
    [
      "a string in a buffer",
      (s) => void (s.params[1].buffers[buf][2] = "x"),
      new RegExp(`"params\\[1\\].buffers.${buf}": value 2 is not a number \\("x"\\)`),
    ],
    [
      "null in a buffer (JSON's NaN)",
      (s) => void (s.params[1].buffers[buf][2] = null),
      new RegExp(`"params\\[1\\].buffers.${buf}": value 2 is not a number \\(null\\)`),
    ],
    [
      "NaN in a buffer",
      (s) => void (s.params[1].buffers[buf][3] = Number.NaN),
      new RegExp(`"params\\[1\\].buffers.${buf}": value 3 is NaN, not finite`),
    ],
    ["Infinity in a buffer", (s) => void (s.params[1].buffers[buf][0] = Infinity), /value 0 is Infinity, not finite/],
  ];
  if (kind === "Adam" || kind === "AdamW") {
    m.push([
      "beta1 = 1",
      (s) => void (s.hyperparameters.betas = [1, 0.999]),
      /hyperparameters.betas\[0\] must be in \[0, 1\), got 1/,
    ]);
    m.push(["one beta", (s) => void (s.hyperparameters.betas = [0.9]), /hyperparameters.betas must be a pair/]);
    m.push([
      "a negative square average",
      (s) => void (s.params[1].buffers.expAvgSq[1] = -1),
      /"params\[1\].buffers.expAvgSq": value 1 is -1, but this buffer holds squares/,
    ]);
  }
  if (kind === "RMSprop") {
    m.push([
      "centered not a boolean",
      (s) => void (s.hyperparameters.centered = "yes"),
      /hyperparameters.centered must be true or false/,
    ]);
    m.push([
      "a negative square average",
      (s) => void (s.params[1].buffers.squareAvg[0] = -0.5),
      /buffers.squareAvg": value 0 is -0.5, but this buffer holds squares/,
    ]);
  }
  if (kind === "SGD") {
    m.push([
      "nesterov with dampening",
      (s) => Object.assign(s.hyperparameters, { nesterov: true, dampening: 0.5 }) && undefined,
      /hyperparameters.nesterov needs momentum > 0 and dampening = 0/,
    ]);
  }
  return m;
}

describe("bad states are errors naming the optimizer and the key, and change nothing", () => {
  for (const kind of ["SGD", "Adam", "AdamW", "RMSprop"]) {
    it.each(mutations(kind))(`${kind}: %s`, (_name, mutate, pattern) => {
      // the state comes from another run (other gradients, another lr): every good part of it
      // differs from the target's, so a partial write would show
      const source = JSON.parse(JSON.stringify(trained(kind, 7, 0.3).stateDict()));
      const target = trained(kind, 1, 0.01);
      const twin = trained(kind, 1, 0.01);
      const before = JSON.stringify(target.stateDict());
      expect(before).not.toBe(JSON.stringify(source));
      const returned = mutate(source);
      const bad = returned === undefined ? source : returned;
      const e = thrown(() => target.loadStateDict(bad));
      expect(e instanceof TypeError || e instanceof RangeError).toBe(true);
      expect(e.message.startsWith(`${kind}.loadStateDict: `), e.message).toBe(true);
      expect(e.message).toMatch(pattern);
      expect(JSON.stringify(target.stateDict())).toBe(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      // and it still steps exactly as its twin
      for (const o of [target, twin]) {
        o.params[0].grad = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3] });
        o.params[1].grad = tensor([0.5, 0.5, -0.5, 1]);
        o.step();
      }
      expect(target.params.map((p) => Array.from(p.data))).toEqual(twin.params.map((p) => Array.from(p.data)));
    });

    it(`${kind}: the unmutated state loads, and then the target steps as the source does`, () => {
      const source = trained(kind, 7, 0.3);
      const target = trained(kind, 1, 0.01);
      target.loadStateDict(JSON.parse(JSON.stringify(source.stateDict())));
      expect(target.stateDict()).toEqual(source.stateDict());
      expect(target.lr).toBe(0.3);
    });
  }

  it("a state is for one class only: Adam's is not AdamW's, nor RMSprop's SGD's", () => {
    const adam = trained("Adam", 1, 0.1);
    const adamw = trained("AdamW", 1, 0.1);
    expect(() => adamw.loadStateDict(adam.stateDict())).toThrow(
      /AdamW.loadStateDict: key "optimizer": the state is for "Adam", not "AdamW"/,
    );
    expect(() => trained("SGD", 1, 0.1).loadStateDict(trained("RMSprop", 1, 0.1).stateDict())).toThrow(
      /SGD.loadStateDict.*"RMSprop"/,
    );
  });

  it("float32 buffers load from a float64 optimizer's state (rounded), as model state dicts do", () => {
    const p64 = tensor([1, 2], { requiresGrad: true });
    const o64 = new optim.Adam([p64]);
    p64.grad = tensor([0.1, 0.7]);
    o64.step();
    const p32 = tensor(new Float32Array([1, 2]), { requiresGrad: true });
    const o32 = new optim.Adam([p32]);
    o32.loadStateDict(o64.stateDict());
    const m = o32.stateDict().params[0].buffers.expAvg as number[];
    expect(m).toEqual(Array.from(new Float32Array([(1 - 0.9) * 0.1, (1 - 0.9) * 0.7]))); // m = (1 − β₁)g, rounded to float32
    expect(o32.stateDict().params[0].dtype).toBe("float32");
  });
});

// ---------------------------------------------------------------------------------------------
// Schedules with an optimizer

describe("schedules", () => {
  const opt = (lr = 0.1) => new optim.SGD([tensor([0], { requiresGrad: true })], { lr });

  it("step() sets the optimizer's lr, which its steps then use", () => {
    const p = tensor([1], { requiresGrad: true });
    const o = new optim.SGD([p], { lr: 1 });
    const s = new optim.StepLR(o, { stepSize: 2 }); // gamma 0.1 by default
    expect([s.lr, s.lastEpoch, s.baseLr, s.stepSize, s.gamma]).toEqual([1, 0, 1, 2, 0.1]);
    const moves: number[] = [];
    for (let e = 0; e < 5; e++) {
      const before = p.data[0];
      p.grad = tensor([1]);
      o.step();
      moves.push(before - p.data[0]);
      s.step();
      expect(o.lr).toBe(s.lr);
    }
    [1, 1, 0.1, 0.1, 0.1 * 0.1].forEach((want, e) => expect(moves[e]).toBeCloseTo(want, 14));
    expect(o.lr).toBe(1 * 0.1 * 0.1); // after 5 epochs: two multiplications by γ (PyTorch's recursive product)
  });

  it("works on every optimizer", () => {
    for (const o of [
      opt(),
      new optim.Adam([tensor([0], { requiresGrad: true })]),
      new optim.AdamW([tensor([0], { requiresGrad: true })]),
      new optim.RMSprop([tensor([0], { requiresGrad: true })]),
    ] as optim.Optimizer[]) {
      const s = new optim.ExponentialLR(o, { gamma: 0.5 });
      s.step();
      s.step();
      expect(o.lr).toBe(s.baseLr * 0.5 * 0.5);
    }
  });

  it("is recursive, as PyTorch's: a change made to the optimizer's lr from outside carries on", () => {
    const o = opt(1);
    const s = new optim.StepLR(o, { stepSize: 3, gamma: 0.5 });
    s.step();
    s.step(); // epoch 2: still 1
    o.lr = 0.2;
    s.step(); // epoch 3: 0.2·0.5
    expect(s.lr).toBe(0.1);
    const c = new optim.CosineAnnealingLR(opt(1), { tMax: 10 });
    c.optimizer.lr = 0.5; // the next rate is (1 + cos(π/10))/(1 + cos 0)·0.5
    c.step();
    expect(c.lr).toBe(((1 + Math.cos(Math.PI / 10)) / 2) * 0.5);
  });

  it("CosineAnnealingLR reaches etaMin at tMax and rises again after it (period 2·tMax)", () => {
    const s = new optim.CosineAnnealingLR(opt(0.1), { tMax: 5, etaMin: 0.01 });
    const lrs = [s.lr];
    for (let e = 0; e < 20; e++) {
      s.step();
      lrs.push(s.lr);
    }
    expect(lrs[5]).toBe(0.01);
    expect(lrs[15]).toBeCloseTo(0.01, 15);
    expect(lrs[10]).toBeCloseTo(0.1, 15);
    expect(lrs[6]).toBeGreaterThan(lrs[5]);
    expect(lrs.every((v) => v >= 0.01 - 1e-15 && v <= 0.1 + 1e-15)).toBe(true);
  });

  const badOptions: [string, () => unknown, RegExp, typeof TypeError | typeof RangeError][] = [
    [
      "StepLR stepSize 0",
      () => new optim.StepLR(opt(), { stepSize: 0 }),
      /StepLR: stepSize must be an integer > 0, got 0/,
      RangeError,
    ],
    ["StepLR stepSize 2.5", () => new optim.StepLR(opt(), { stepSize: 2.5 }), /StepLR: stepSize/, RangeError],
    ["StepLR no stepSize", () => new optim.StepLR(opt(), {} as optim.StepLROptions), /StepLR: stepSize.*undefined/, RangeError],
    [
      "StepLR gamma -0.5",
      () => new optim.StepLR(opt(), { stepSize: 2, gamma: -0.5 }),
      /StepLR: gamma must be a finite number > 0/,
      RangeError,
    ],
    ["StepLR gamma NaN", () => new optim.StepLR(opt(), { stepSize: 2, gamma: Number.NaN }), /StepLR: gamma/, RangeError],
    [
      "ExponentialLR no gamma",
      () => new optim.ExponentialLR(opt(), {} as optim.ExponentialLROptions),
      /ExponentialLR: gamma/,
      RangeError,
    ],
    [
      "ExponentialLR gamma Infinity",
      () => new optim.ExponentialLR(opt(), { gamma: Infinity }),
      /ExponentialLR: gamma/,
      RangeError,
    ],
    [
      "CosineAnnealingLR tMax 0",
      () => new optim.CosineAnnealingLR(opt(), { tMax: 0 }),
      /CosineAnnealingLR: tMax must be an integer > 0/,
      RangeError,
    ],
    [
      "CosineAnnealingLR etaMin -1",
      () => new optim.CosineAnnealingLR(opt(), { tMax: 3, etaMin: -1 }),
      /CosineAnnealingLR: etaMin must be a finite number ≥ 0/,
      RangeError,
    ],
    [
      "StepLR on null",
      () => new optim.StepLR(null as unknown as optim.Optimizer, { stepSize: 1 }),
      /StepLR: expected an optimizer/,
      TypeError,
    ],
    [
      "ExponentialLR on a plain object",
      () => new optim.ExponentialLR({} as optim.Optimizer, { gamma: 0.5 }),
      /ExponentialLR: expected an optimizer/,
      TypeError,
    ],
  ];
  it.each(badOptions)("%s → a clear error", (_name, fn, pattern, type) => {
    const e = thrown(fn);
    expect(e).toBeInstanceOf(type);
    expect(e.message).toMatch(pattern);
  });

  it("a schedule made with bad options leaves the optimizer's lr alone", () => {
    const o = opt(0.3);
    thrown(() => new optim.CosineAnnealingLR(o, { tMax: -1 }));
    expect(o.lr).toBe(0.3);
  });

  it("stateDict is plain data; loading it restores epoch, base lr, rate and the optimizer's lr", () => {
    const a = new optim.CosineAnnealingLR(opt(0.1), { tMax: 6, etaMin: 0.001 });
    for (let e = 0; e < 4; e++) a.step();
    const s = a.stateDict();
    expect(s).toEqual({
      schedule: "CosineAnnealingLR",
      options: { tMax: 6, etaMin: 0.001 },
      lastEpoch: 4,
      baseLr: 0.1,
      lr: a.lr,
    });
    const o = opt(0.7);
    const b = new optim.CosineAnnealingLR(o, { tMax: 2 });
    b.loadStateDict(JSON.parse(JSON.stringify(s)));
    expect([b.tMax, b.etaMin, b.lastEpoch, b.baseLr, b.lr, o.lr]).toEqual([6, 0.001, 4, 0.1, a.lr, a.lr]);
    for (let e = 0; e < 15; e++) {
      a.step();
      b.step();
      expect(b.lr).toBe(a.lr);
    }
  });

  const badStates: [string, (s: any) => unknown, RegExp][] = [
    ["null", () => null, /StepLR.loadStateDict: the state must be a plain object/],
    [
      "another schedule",
      (s) => void (s.schedule = "ExponentialLR"),
      /StepLR.loadStateDict: key "schedule": the state is for "ExponentialLR", not "StepLR"/,
    ],
    ["a missing lastEpoch", (s) => void delete s.lastEpoch, /StepLR.loadStateDict: missing key "lastEpoch"/],
    ["an extra key", (s) => void (s.verbose = false), /StepLR.loadStateDict: unexpected key "verbose"/],
    [
      "a __proto__ key",
      (s) => JSON.parse(JSON.stringify(s).replace(/^\{/, '{"__proto__":{"polluted":1},')),
      /StepLR.loadStateDict: key "__proto__" is not allowed/,
    ],
    [
      "a __proto__ key in the options",
      (s) => void Object.defineProperty(s.options, "__proto__", { value: 1, enumerable: true }),
      /key "options.__proto__" is not allowed/,
    ],
    ["stepSize 0", (s) => void (s.options.stepSize = 0), /StepLR.loadStateDict: options.stepSize must be an integer > 0/],
    ["a missing gamma", (s) => void delete s.options.gamma, /StepLR.loadStateDict: missing key "options.gamma"/],
    ["a negative lastEpoch", (s) => void (s.lastEpoch = -1), /StepLR.loadStateDict: lastEpoch must be an integer ≥ 0, got -1/],
    ["a fractional lastEpoch", (s) => void (s.lastEpoch = 2.5), /lastEpoch must be an integer ≥ 0/],
    ["a negative lr", (s) => void (s.lr = -0.1), /StepLR.loadStateDict: lr must be a finite number ≥ 0/],
    ["a string baseLr", (s) => void (s.baseLr = "0.1"), /StepLR.loadStateDict: baseLr must be a finite number ≥ 0/],
  ];
  it.each(badStates)("a bad schedule state (%s) is an error that changes nothing", (_name, mutate, pattern) => {
    const src = new optim.StepLR(opt(0.9), { stepSize: 2, gamma: 0.5 });
    for (let e = 0; e < 5; e++) src.step();
    const state = JSON.parse(JSON.stringify(src.stateDict()));
    const o = opt(0.1);
    const s = new optim.StepLR(o, { stepSize: 3 });
    s.step();
    const before = JSON.stringify(s.stateDict());
    const returned = mutate(state);
    expect(() => s.loadStateDict(returned === undefined ? state : returned)).toThrow(pattern);
    expect(JSON.stringify(s.stateDict())).toBe(before);
    expect(o.lr).toBe(0.1);
  });
});

// ---------------------------------------------------------------------------------------------
// Clipping

describe("clipGradNorm and clipGradValue", () => {
  const withGrad = (g: number[] | null, dtype: DT = "float64") => {
    const p = tensor(g === null ? [0] : g.map(() => 0), { dtype, requiresGrad: true });
    p.grad = g === null ? null : tensor(g, { dtype });
    return p;
  };

  it("parameters without a gradient are skipped; none with one: norm 0 and nothing happens", () => {
    const a = withGrad(null),
      b = withGrad(null);
    expect(nn.clipGradNorm([a, b], 1)).toBe(0);
    nn.clipGradValue([a, b], 1);
    expect([a.grad, b.grad]).toEqual([null, null]);
    const c = withGrad([3, 4]);
    expect(nn.clipGradNorm([a, c, b], 1)).toBe(5);
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
    const s = (1 / (5 + 1e-6)) * 1;
    expect(Array.from((c.grad as Tensor).data)).toEqual([3 * s, 4 * s]);
  });

  it("takes one tensor too, and returns the norm before clipping (2, 1, 3 and ∞ norms)", () => {
    expect(nn.clipGradNorm(withGrad([3, -4]), 100)).toBe(5);
    expect(nn.clipGradNorm([withGrad([3, -4]), withGrad([12])], 100)).toBe(13);
    expect(nn.clipGradNorm([withGrad([3, -4]), withGrad([12])], 100, 1)).toBe(19);
    expect(nn.clipGradNorm([withGrad([1, -2]), withGrad([2])], 100, 3)).toBeCloseTo(17 ** (1 / 3), 14);
    expect(nn.clipGradNorm([withGrad([1, -7]), withGrad([2])], 100, Infinity)).toBe(7);
  });

  it("below the threshold nothing changes; above it the total norm becomes maxNorm·total/(total + 1e-6)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.double({ min: 0.01, max: 50, noNaN: true }),
        (grads, maxNorm) => {
          const ps = grads.map((g) => withGrad(g));
          const ref = Math.sqrt(grads.flat().reduce((s, v) => s + v * v, 0));
          const total = nn.clipGradNorm(ps, maxNorm);
          expect(Math.abs(total - ref)).toBeLessThanOrEqual(1e-13 * Math.max(ref, 1e-300));
          const after = Math.sqrt(ps.flatMap((p) => Array.from((p.grad as Tensor).data)).reduce((s, v) => s + v * v, 0));
          if (total + 1e-6 <= maxNorm) expect(ps.map((p) => Array.from((p.grad as Tensor).data))).toEqual(grads);
          else {
            // scaled by maxNorm/(total + 1e-6): the norm lands just under maxNorm
            expect(after).toBeLessThanOrEqual(maxNorm * (1 + 1e-14));
            expect(Math.abs(after - (total * maxNorm) / (total + 1e-6))).toBeLessThanOrEqual(1e-13 * maxNorm);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gradients sharing their values (a + b) are each scaled once: clipping gives new gradient tensors", () => {
    const a = tensor([1, 1], { requiresGrad: true });
    const b = tensor([1, 1], { requiresGrad: true });
    a.add(b).sum().backward();
    const ga = a.grad as Tensor;
    const total = nn.clipGradNorm([a, b], 1);
    expect(total).toBe(2);
    const s = (1 / (2 + 1e-6)) * 1;
    expect(Array.from((a.grad as Tensor).data)).toEqual([s, s]);
    expect(Array.from((b.grad as Tensor).data)).toEqual([s, s]);
    expect(Array.from(ga.data)).toEqual([1, 1]); // the old tensor is left alone
    nn.clipGradValue([a, b], 0.25);
    expect(Array.from((a.grad as Tensor).data)).toEqual([0.25, 0.25]);
    expect(Array.from((b.grad as Tensor).data)).toEqual([0.25, 0.25]);
  });

  it("float32 gradients stay float32", () => {
    const p = withGrad([3, 4], "float32");
    nn.clipGradNorm([p], 1);
    expect((p.grad as Tensor).dtype).toBe("float32");
    expect((p.grad as Tensor).data).toBeInstanceOf(Float32Array);
    nn.clipGradValue([p], 0.1);
    expect(Array.from((p.grad as Tensor).data)).toEqual([Math.fround(0.1), Math.fround(0.1)]);
  });

  it("non-finite norms, as PyTorch's default (error_if_nonfinite=False): no error, the gradients are just scaled", () => {
    const a = withGrad([1, Number.NaN]);
    const b = withGrad([3]);
    expect(nn.clipGradNorm([a, b], 1)).toBeNaN();
    expect(Array.from((b.grad as Tensor).data)).toEqual([Number.NaN]);
    const c = withGrad([1, Infinity]);
    const d = withGrad([-3]);
    expect(nn.clipGradNorm([c, d], 1)).toBe(Infinity);
    expect(Array.from((c.grad as Tensor).data)).toEqual([0, Number.NaN]); // scaled by 0: ∞·0 = NaN
    expect(Object.is((d.grad as Tensor).data[0], -0)).toBe(true);
  });

  it("bad arguments are clear errors that change no gradient", () => {
    const p = withGrad([3, 4]);
    const cases: [() => unknown, RegExp, typeof TypeError | typeof RangeError][] = [
      [() => nn.clipGradNorm([p], -1), /clipGradNorm: maxNorm must be a number ≥ 0, got -1/, RangeError],
      [() => nn.clipGradNorm([p], Number.NaN), /clipGradNorm: maxNorm/, RangeError],
      [() => nn.clipGradNorm([p], 1, 0), /clipGradNorm: normType must be a number > 0/, RangeError],
      [() => nn.clipGradNorm([p], 1, -Infinity), /clipGradNorm: normType/, RangeError],
      [() => nn.clipGradNorm([p, {} as Tensor], 1), /clipGradNorm: parameter 1 is not a Tensor/, TypeError],
      [() => nn.clipGradNorm("p" as unknown as Tensor[], 1), /clipGradNorm: expected a Tensor or an array of Tensors/, TypeError],
      [() => nn.clipGradValue([p], -0.5), /clipGradValue: clipValue must be a number ≥ 0, got -0.5/, RangeError],
      [() => nn.clipGradValue([p], Number.NaN), /clipGradValue: clipValue/, RangeError],
      [() => nn.clipGradValue([p, null as unknown as Tensor], 1), /clipGradValue: parameter 1 is not a Tensor/, TypeError],
    ];
    const g = p.grad;
    for (const [fn, pattern, type] of cases) {
      const e = thrown(fn);
      expect(e).toBeInstanceOf(type);
      expect(e.message).toMatch(pattern);
      expect(p.grad).toBe(g);
      expect(Array.from((p.grad as Tensor).data)).toEqual([3, 4]);
    }
  });

  it("clipping then stepping: a typical training loop", () => {
    const m = model("float64", 3);
    const o = new optim.AdamW(m.parameters(), { lr: 0.01 });
    const sched = new optim.CosineAnnealingLR(o, { tMax: 20 });
    const x = tensor(XS, { shape: [4, 3] });
    const y = tensor(YS, { shape: [4, 2] });
    const losses: number[] = [];
    for (let s = 0; s < 20; s++) {
      o.zeroGrad();
      const loss = nn.mseLoss(m.forward(x), y);
      losses.push(loss.item());
      loss.backward();
      const total = nn.clipGradNorm(m.parameters(), 0.5);
      expect(total).toBeGreaterThan(0);
      o.step();
      sched.step();
    }
    expect(losses[19]).toBeLessThan(losses[0]);
    expect(o.lr).toBe(0);
  });
});
