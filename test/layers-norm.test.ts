/**
 * The normalization and regularization layers of issue 14 — Dropout, LayerNorm, BatchNorm1d,
 * Embedding, Flatten — and their functional forms: values, gradients, second derivatives and
 * running statistics against PyTorch (fixtures written by scripts/torch-fixtures-layers.py),
 * gradients against finite differences, dropout's seeding, fraction and scaling, BatchNorm's
 * train/eval switch, state dicts, reprs, and bad input that changes nothing.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DType,
  type Tensor,
  batchNorm,
  dropout,
  embedding,
  grad,
  gradcheck,
  layerNorm,
  manualSeed,
  nn,
  optim,
  randn,
  scope,
  tensor,
} from "../src/index.js";
import { expectThrow, gradgradcheck, sizeOf } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Helpers

interface Rec {
  shape: number[];
  data: number[];
}
type Named = Record<string, Rec>;
interface FnCase {
  torch: string;
  normalized?: number[];
  eps: number;
  dtype: DType;
  inputs: Named;
  upstream: Rec;
  y: Rec;
  grads: Named;
  d2: Named;
}
interface Step {
  x: Rec;
  upstream: Rec;
  y: Rec;
  grads: Named;
  running_mean?: Rec;
  running_var?: Rec;
  num_batches_tracked?: number;
}
interface ModuleCase {
  torch: string;
  shape: number[];
  momentum: number | null;
  affine: boolean;
  trackRunningStats: boolean;
  eps: number;
  dtype: DType;
  weight: Rec | null;
  bias: Rec | null;
  steps: Step[];
  eval: Step;
}
interface EmbeddingCase {
  dtype: DType;
  indices: number | number[] | number[][];
  weight: Rec;
  upstream: Rec;
  y: Rec;
  grads: { weight: Rec };
}
interface Fixtures {
  torch: string;
  layerNorm: FnCase[];
  batchNormTrain: FnCase[];
  batchNormModule: ModuleCase[];
  embedding: EmbeddingCase[];
  flatten: { shape: number[]; startDim: number; endDim: number; out: number[]; torch: string }[];
  model: {
    repr: string;
    keys: string[];
    state: Record<string, { shape: number[]; dtype: string; data: number[] }>;
    x: Rec;
    y: Rec;
  };
}

const FIX = JSON.parse(readFileSync(new URL("./fixtures/torch-layers.json", import.meta.url), "utf8")) as Fixtures;

/** A tensor from a fixture record (or fixed values of `shape`). */
function make(r: Rec | readonly number[], dtype: DType = "float64", requiresGrad = false): Tensor {
  if (!Array.isArray(r) && "data" in r) return tensor(r.data, { shape: r.shape, dtype, requiresGrad });
  const shape = r as readonly number[];
  const v = Array.from({ length: sizeOf(shape) }, (_, i) => 2 * Math.sin(0.61 * i + 0.4) + 0.1);
  return tensor(v, { shape: [...shape], dtype, requiresGrad });
}

/** Every element within atol + rtol·|expected|, and the same shape. */
function expectClose(actual: Tensor, expected: Rec, dtype: DType, what: string): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const [atol, rtol] = dtype === "float64" ? [1e-10, 1e-9] : [2e-5, 2e-4];
  const a = actual.data;
  let worst = 0;
  let at = -1;
  expected.data.forEach((e, i) => {
    const excess = Math.abs(a[i] - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= worst)) {
      worst = excess;
      at = i;
    }
  });
  expect(at, `${what}: element ${at} is ${a[at]}, PyTorch's ${expected.data[at]}`).toBe(-1);
}

function expectPassed(r: ReturnType<typeof gradcheck>): void {
  expect(r.passed, `gradcheck failed: ${JSON.stringify(r.worst)} (max abs error ${r.maxAbsError})`).toBe(true);
}

/** A snapshot of tensors' values and gradients, to check that a failed call changed nothing. */
function snapshot(xs: readonly (Tensor | null)[]): () => void {
  const before = xs.map((x) => (x === null ? null : { data: Array.from(x.data), grad: x.grad ? Array.from(x.grad.data) : null }));
  return () =>
    xs.forEach((x, k) => {
      if (x === null) return;
      expect(Array.from(x.data)).toEqual(before[k]!.data);
      expect(x.grad ? Array.from(x.grad.data) : null).toEqual(before[k]!.grad);
    });
}

/** The generator's next draws, without disturbing a later comparison (call with the same seed). */
function nextDraws(): number[] {
  return Array.from(randn([4]).data);
}

/** PyTorch's repr with actigrad's spelling: true/false/null, and no `inplace` (actigrad has no in-place dropout). */
function asOurs(repr: string): string {
  return repr
    .replaceAll("True", "true")
    .replaceAll("False", "false")
    .replaceAll("None", "null")
    .replaceAll(", inplace=false", "");
}

function setData(t: Tensor | null, r: Rec | null): void {
  if (t !== null && r !== null) t.data.set(r.data);
}

// ---------------------------------------------------------------------------------------------
// PyTorch

describe(`agreement with PyTorch ${FIX.torch} (test/fixtures/torch-layers.json)`, () => {
  it("layerNorm: values, gradients w.r.t. x, weight and bias, and second derivatives", () => {
    for (const c of FIX.layerNorm) {
      const names = Object.keys(c.inputs);
      const xs = names.map((n) => make(c.inputs[n], c.dtype, true));
      const f = (...ts: Tensor[]) => layerNorm(ts[0], c.normalized!, ts[1] ?? null, ts[2] ?? null, c.eps);
      const y = f(...xs);
      expectClose(y, c.y, c.dtype, `${c.torch} ${c.dtype} y`);
      const g = make(c.upstream, c.dtype);
      const gs = grad(y.mul(g).sum(), xs);
      names.forEach((n, k) => expectClose(gs[k], c.grads[n], c.dtype, `${c.torch} ${c.dtype} ∂/∂${n}`));
      const y2 = f(...xs);
      const dk = grad(g.mul(y2).mul(y2).sum(), xs, { createGraph: true });
      const d2 = grad(
        dk.map((d) => d.mul(d).sum()).reduce((a, b) => a.add(b)),
        xs,
      );
      names.forEach((n, k) => expectClose(d2[k], c.d2[n], c.dtype, `${c.torch} ${c.dtype} second derivative ${n}`));
    }
  });

  it("nn.LayerNorm with PyTorch's weight and bias gives the same values and gradients", () => {
    for (const c of FIX.layerNorm.filter((c) => "weight" in c.inputs)) {
      const m = new nn.LayerNorm(c.normalized!, { eps: c.eps, dtype: c.dtype });
      setData(m.weight, c.inputs.weight);
      setData(m.bias, c.inputs.bias);
      const x = make(c.inputs.x, c.dtype, true);
      const y = m.forward(x);
      expectClose(y, c.y, c.dtype, `LayerNorm ${c.torch} y`);
      y.backward(make(c.upstream, c.dtype));
      expectClose(x.grad!, c.grads.x, c.dtype, "LayerNorm ∂/∂x");
      expectClose(m.weight!.grad!, c.grads.weight, c.dtype, "LayerNorm ∂/∂weight");
      expectClose(m.bias!.grad!, c.grads.bias, c.dtype, "LayerNorm ∂/∂bias");
    }
  });

  it("batchNorm with batch statistics on [N, C] and [N, C, L]: values, gradients, second derivatives", () => {
    for (const c of FIX.batchNormTrain) {
      const names = Object.keys(c.inputs);
      const xs = names.map((n) => make(c.inputs[n], c.dtype, true));
      const f = (...ts: Tensor[]) => batchNorm(ts[0], null, null, ts[1] ?? null, ts[2] ?? null, { training: true, eps: c.eps });
      const what = `${c.torch} ${fmtShape(c.inputs.x.shape)} ${c.dtype}`;
      const y = f(...xs);
      expectClose(y, c.y, c.dtype, `${what} y`);
      const g = make(c.upstream, c.dtype);
      const gs = grad(y.mul(g).sum(), xs);
      names.forEach((n, k) => expectClose(gs[k], c.grads[n], c.dtype, `${what} ∂/∂${n}`));
      const y2 = f(...xs);
      const dk = grad(g.mul(y2).mul(y2).sum(), xs, { createGraph: true });
      const d2 = grad(
        dk.map((d) => d.mul(d).sum()).reduce((a, b) => a.add(b)),
        xs,
      );
      names.forEach((n, k) => expectClose(d2[k], c.d2[n], c.dtype, `${what} second derivative ${n}`));
    }
  });

  it("nn.BatchNorm1d over three train() steps and one eval() step: outputs, gradients, running_mean, running_var, num_batches_tracked", () => {
    for (const c of FIX.batchNormModule) {
      const m = new nn.BatchNorm1d(c.shape[1], {
        eps: c.eps,
        momentum: c.momentum,
        affine: c.affine,
        trackRunningStats: c.trackRunningStats,
        dtype: c.dtype,
      });
      expect(String(m)).toBe(asOurs(c.torch));
      setData(m.weight, c.weight);
      setData(m.bias, c.bias);
      const run = (s: Step, label: string) => {
        for (const p of m.parameters()) p.grad = null;
        const x = make(s.x, c.dtype, true);
        const y = m.forward(x);
        const what = `${c.torch} ${c.dtype} ${label}`;
        expectClose(y, s.y, c.dtype, `${what} y`);
        y.backward(make(s.upstream, c.dtype));
        expectClose(x.grad!, s.grads.x, c.dtype, `${what} ∂/∂x`);
        if (c.affine) {
          expectClose(m.weight!.grad!, s.grads.weight, c.dtype, `${what} ∂/∂weight`);
          expectClose(m.bias!.grad!, s.grads.bias, c.dtype, `${what} ∂/∂bias`);
        }
        if (s.running_mean) {
          expectClose(m.running_mean!, s.running_mean, c.dtype, `${what} running_mean`);
          expectClose(m.running_var!, s.running_var!, c.dtype, `${what} running_var`);
          expect(m.num_batches_tracked!.item()).toBe(s.num_batches_tracked);
        } else {
          expect(m.running_mean).toBeNull();
        }
      };
      c.steps.forEach((s, k) => run(s, `train step ${k + 1}`));
      m.eval();
      run(c.eval, "eval");
    }
  });

  it("embedding: rows, and the weight's gradient with repeated indices accumulated", () => {
    for (const c of FIX.embedding) {
      const w = make(c.weight, c.dtype, true);
      const y = embedding(c.indices, w);
      expectClose(y, c.y, c.dtype, `embedding ${JSON.stringify(c.indices)} y`);
      y.backward(make(c.upstream, c.dtype));
      expectClose(w.grad!, c.grads.weight, c.dtype, `embedding ${JSON.stringify(c.indices)} ∂/∂weight`);
      const m = new nn.Embedding(c.weight.shape[0], c.weight.shape[1], { dtype: c.dtype });
      setData(m.weight, c.weight);
      expectClose(m.forward(c.indices), c.y, c.dtype, "nn.Embedding y");
    }
  });

  it("nn.Flatten: PyTorch's output shapes and repr", () => {
    for (const c of FIX.flatten) {
      const f = new nn.Flatten(c.startDim, c.endDim);
      expect(f.forward(make(c.shape)).shape).toEqual(c.out);
      expect(String(f)).toBe(c.torch);
    }
    expect(String(new nn.Flatten())).toBe("Flatten(start_dim=1, end_dim=-1)");
  });

  it("a Sequential with every layer: repr, state-dict keys, and PyTorch's state loaded gives its eval() output", () => {
    const model = new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(6, 5),
      new nn.BatchNorm1d(5),
      new nn.ReLU(),
      new nn.Dropout(0.3),
      new nn.LayerNorm(5),
      new nn.Linear(5, 2),
    );
    expect(String(model)).toBe(asOurs(FIX.model.repr));
    expect(Object.keys(model.stateDict())).toEqual(FIX.model.keys);
    expect(model.parameters().length).toBe(FIX.model.keys.filter((k) => !/running|num_batches/.test(k)).length);
    // PyTorch keeps num_batches_tracked as int64; its value loads into actigrad's float64 counter.
    const state = Object.fromEntries(
      Object.entries(FIX.model.state).map(([k, v]) => [k, { ...v, dtype: v.dtype === "int64" ? "float64" : v.dtype }]),
    );
    model.loadStateDict(state);
    expect((model.layers[2] as InstanceType<typeof nn.BatchNorm1d>).num_batches_tracked!.item()).toBe(3);
    model.eval();
    expectClose(model.forward(make(FIX.model.x)), FIX.model.y, "float64", "model eval y");
  });
});

function fmtShape(s: readonly number[]): string {
  return `[${s.join(", ")}]`;
}

// ---------------------------------------------------------------------------------------------
// Finite differences

describe("gradcheck w.r.t. input and parameters", () => {
  it("dropout (a fixed seed makes the mask the same on every call)", () => {
    for (const p of [0.3, 0.5, 0.8]) {
      expectPassed(
        gradcheck(
          (x) => {
            manualSeed(11);
            return dropout(x, p);
          },
          [make([3, 5])],
        ),
      );
    }
    const m = new nn.Dropout(0.4);
    expectPassed(
      gradcheck(
        (x) => {
          manualSeed(5);
          return m.forward(x);
        },
        [make([2, 3, 2])],
      ),
    );
  });

  it("layerNorm on fast-check shapes (1–3 normalized axes), with and without weight and bias", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }),
        fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 1, maxLength: 2 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (lead, norm, affine, seed) => {
          const x = randnSeeded([...lead, ...norm], seed);
          const inputs = affine ? [x, randnSeeded(norm, seed + 1), randnSeeded(norm, seed + 2)] : [x];
          expectPassed(gradcheck((...ts) => layerNorm(ts[0], norm, ts[1], ts[2]), inputs));
        },
      ),
      { numRuns: 15 },
    );
  });

  it("nn.LayerNorm w.r.t. input, weight and bias", () => {
    const m = new nn.LayerNorm([2, 3], { eps: 1e-3 });
    const f = (x: Tensor, w: Tensor, b: Tensor) => {
      m.weight = w;
      m.bias = b;
      return m.forward(x);
    };
    expectPassed(gradcheck(f as (...ts: Tensor[]) => Tensor, [make([2, 2, 3]), make([2, 3]).add(1), make([2, 3])]));
  });

  it("batchNorm: batch statistics ([N, C] and [N, C, L]) and running statistics, w.r.t. input, weight and bias", () => {
    for (const shape of [
      [4, 3],
      [3, 2, 4],
      [2, 2],
      [1, 2, 3],
    ]) {
      const c = shape[1];
      const inputs = [
        make(shape).mul(
          make([c])
            .add(2)
            .reshape(shape.length === 2 ? [1, c] : [1, c, 1]),
        ),
        make([c]),
        make([c]).neg(),
      ];
      expectPassed(gradcheck((x, w, b) => batchNorm(x, null, null, w, b, { training: true }), inputs));
      const rm = make([c]).mul(0.3);
      const rv = make([c]).abs().add(0.5);
      expectPassed(gradcheck((x, w, b) => batchNorm(x, rm, rv, w, b), inputs));
    }
  });

  it("nn.BatchNorm1d in train() (no running stats) and in eval(), w.r.t. input, weight and bias", () => {
    for (const track of [false, true]) {
      const m = new nn.BatchNorm1d(3, { trackRunningStats: track });
      if (track) {
        m.running_mean!.data.set([0.2, -0.1, 0.4]);
        m.running_var!.data.set([0.5, 2, 1.3]);
        m.eval();
      }
      const f = (x: Tensor, w: Tensor, b: Tensor) => {
        m.weight = w;
        m.bias = b;
        return m.forward(x);
      };
      expectPassed(gradcheck(f as (...ts: Tensor[]) => Tensor, [make([5, 3, 2]), make([3]).add(1), make([3])]));
    }
  });

  it("embedding and nn.Embedding w.r.t. the weight (repeated indices)", () => {
    expectPassed(
      gradcheck(
        (w) =>
          embedding(
            [
              [1, 3, 1],
              [0, 1, 1],
            ],
            w,
          ),
        [make([4, 3])],
      ),
    );
    const m = new nn.Embedding(5, 2);
    expectPassed(
      gradcheck(
        (w) => {
          m.weight = w;
          return m.forward(new Int32Array([4, 4, 0, 2]));
        },
        [make([5, 2])],
      ),
    );
  });

  it("nn.Flatten", () => {
    expectPassed(gradcheck((x) => new nn.Flatten().forward(x).mul(make([2, 12])), [make([2, 3, 4])]));
    expectPassed(gradcheck((x) => new nn.Flatten(0, 1).forward(x).mul(make([6, 4])), [make([2, 3, 4])]));
  });

  it("second derivatives (grad of grad) against finite differences", () => {
    gradgradcheck((x, w, b) => layerNorm(x, 4, w, b), [make([2, 4]), make([4]).add(1), make([4])]);
    gradgradcheck(
      (x, w, b) => batchNorm(x, null, null, w, b, { training: true }),
      [make([3, 2, 2]), make([2]).add(1), make([2])],
    );
    gradgradcheck((x) => batchNorm(x, make([2]), make([2]).abs().add(1)), [make([3, 2])]);
    gradgradcheck(
      (x) => {
        manualSeed(3);
        return dropout(x, 0.5);
      },
      [make([2, 4])],
    );
    gradgradcheck((w) => embedding([2, 0, 2], w), [make([3, 2])]);
  });
});

/** A float64 tensor of `shape` from a seeded draw (values in about ±2). */
function randnSeeded(shape: readonly number[], seed: number): Tensor {
  manualSeed(seed);
  return randn([...shape]);
}

// ---------------------------------------------------------------------------------------------
// Dropout

describe("Dropout", () => {
  it("is seeded: after manualSeed(n) a newly made model draws the same masks", () => {
    const build = () => new nn.Sequential(new nn.Linear(4, 32), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(32, 2));
    const x = make([8, 4]);
    manualSeed(42);
    const a = build();
    const ya = [a.forward(x), a.forward(x)].map((y) => Array.from(y.data));
    manualSeed(42);
    const b = build();
    const yb = [b.forward(x), b.forward(x)].map((y) => Array.from(y.data));
    expect(yb).toEqual(ya);
    expect(ya[1]).not.toEqual(ya[0]); // a new mask each call
  });

  it("keeps a fraction ≈ 1 − p, scales the kept elements by 1/(1 − p), and the gradient by the same mask", () => {
    manualSeed(1);
    const n = 20000;
    for (const p of [0.1, 0.25, 0.5, 0.9]) {
      const x = make([n], "float64", true);
      const y = dropout(x, p);
      let kept = 0;
      let badValues = 0;
      for (let i = 0; i < n; i++) {
        if (y.data[i] !== 0) {
          kept++;
          if (y.data[i] !== x.data[i] * (1 / (1 - p))) badValues++;
        }
      }
      expect(badValues).toBe(0);
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(kept - n * (1 - p))).toBeLessThan(4.5 * sd);
      const u = make([n]).abs().add(1);
      y.backward(u);
      const g = x.grad!.data;
      let badGrads = 0;
      for (let i = 0; i < n; i++) {
        const expected = y.data[i] === 0 ? 0 : u.data[i] / (1 - p);
        if (Math.abs(g[i] - expected) > 1e-12 * Math.abs(expected)) badGrads++;
      }
      expect(badGrads).toBe(0);
    }
  });

  it("is the identity in eval(), with training = false, and for p = 0; p = 1 gives zeros", () => {
    const x = make([3, 4], "float64", true);
    const m = new nn.Dropout(0.7);
    m.eval();
    expect(m.forward(x)).toBe(x);
    expect(dropout(x, 0.7, false)).toBe(x);
    expect(dropout(x, 0)).toBe(x);
    expect(new nn.Dropout(0).forward(x)).toBe(x);
    m.train();
    expect(m.forward(x)).not.toBe(x);
    const z = dropout(x, 1);
    expect(z.data.every((v) => v === 0)).toBe(true); // −0 for negative x, as x·0 in PyTorch
    z.sum().backward();
    expect(x.grad!.data.every((v) => v === 0)).toBe(true);
    const inModel = new nn.Sequential(new nn.Dropout(0.5)).eval();
    expect(inModel.forward(x)).toBe(x);
  });

  it("keeps the input's dtype", () => {
    const x = make([4, 4], "float32");
    expect(dropout(x, 0.5).dtype).toBe("float32");
    expect(new nn.Dropout().forward(x).dtype).toBe("float32");
  });

  it("p outside [0, 1] is a RangeError; a non-number a TypeError; neither draws from the generator", () => {
    const x = make([2, 3], "float64", true);
    for (const p of [-0.1, 1.5, Number.NaN, Infinity]) {
      expectThrow(() => new nn.Dropout(p), RangeError, /^Dropout: /, /between 0 and 1/);
      manualSeed(9);
      expectThrow(() => dropout(x, p), RangeError, /^dropout: /, new RegExp(`p = ${p}`));
      const after = nextDraws();
      manualSeed(9);
      expect(nextDraws()).toEqual(after);
    }
    expectThrow(() => new nn.Dropout("0.5" as unknown as number), TypeError, /Dropout: p must be a number/);
    expectThrow(() => dropout(x, 0.5, "yes" as unknown as boolean), TypeError, /dropout: training must be a boolean/);
    expectThrow(() => new nn.Dropout().forward([1, 2] as unknown as Tensor), TypeError, /^Dropout\(p=0\.5\): /);
  });

  it("repr is Dropout(p=…) with Python's float", () => {
    expect(String(new nn.Dropout())).toBe("Dropout(p=0.5)");
    expect(String(new nn.Dropout(0.1))).toBe("Dropout(p=0.1)");
    expect(String(new nn.Dropout(0))).toBe("Dropout(p=0.0)");
    expect(String(new nn.Dropout(1e-5))).toBe("Dropout(p=1e-05)");
  });
});

// ---------------------------------------------------------------------------------------------
// BatchNorm1d

describe("BatchNorm1d", () => {
  it("train() uses and updates batch statistics; eval() uses the running ones and changes nothing", () => {
    const m = new nn.BatchNorm1d(3);
    const x = make([6, 3]);
    m.forward(x);
    m.forward(x.mul(2).add(1));
    const rm = Array.from(m.running_mean!.data);
    const rv = Array.from(m.running_var!.data);
    expect(m.num_batches_tracked!.item()).toBe(2);
    m.eval();
    const xe = make([2, 3]).mul(3);
    const y = m.forward(xe);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        expect(y.data[i * 3 + j]).toBeCloseTo((xe.data[i * 3 + j] - rm[j]) / Math.sqrt(rv[j] + 1e-5), 12);
      }
    }
    expect(Array.from(m.running_mean!.data)).toEqual(rm);
    expect(Array.from(m.running_var!.data)).toEqual(rv);
    expect(m.num_batches_tracked!.item()).toBe(2);
    // A batch of one is fine in eval().
    expect(m.forward(make([1, 3])).shape).toEqual([1, 3]);
    m.train();
    // Back in train(): batch statistics again — each channel has mean 0 and (biased) variance ≈ 1.
    const yt = m.forward(xe);
    for (let j = 0; j < 3; j++) {
      const col = [yt.data[j], yt.data[3 + j]];
      expect(col[0] + col[1]).toBeCloseTo(0, 10);
      expect((col[0] ** 2 + col[1] ** 2) / 2).toBeCloseTo(1, 3);
    }
    expect(m.num_batches_tracked!.item()).toBe(3);
  });

  it("running_var takes the unbiased batch variance with momentum 0.1; running_mean the mean", () => {
    const m = new nn.BatchNorm1d(1);
    m.forward(tensor([[1], [2], [3], [6]]));
    // mean 3, unbiased variance (4 + 1 + 0 + 9)/3 = 14/3
    expect(m.running_mean!.item()).toBeCloseTo(0.3, 14);
    expect(m.running_var!.item()).toBeCloseTo(0.9 + 0.1 * (14 / 3), 14);
  });

  it("takes [N, C, L] input, normalizing each channel over N and L", () => {
    const m = new nn.BatchNorm1d(2);
    const x = make([3, 2, 4]);
    const y = m.forward(x);
    expect(y.shape).toEqual([3, 2, 4]);
    for (let c = 0; c < 2; c++) {
      const vals: number[] = [];
      for (let n = 0; n < 3; n++) for (let l = 0; l < 4; l++) vals.push(y.data[n * 8 + c * 4 + l]);
      expect(vals.reduce((a, b) => a + b) / 12).toBeCloseTo(0, 12);
    }
    // One sample with L > 1 values per channel is a valid batch, as in PyTorch.
    expect(m.forward(make([1, 2, 3])).shape).toEqual([1, 2, 3]);
  });

  it("a batch of one in train() is an error that changes nothing", () => {
    const m = new nn.BatchNorm1d(4);
    m.forward(make([3, 4]));
    const check = snapshot([m.weight, m.bias, m.running_mean, m.running_var, m.num_batches_tracked]);
    expectThrow(
      () => m.forward(make([1, 4])),
      RangeError,
      /^BatchNorm1d\(4, /,
      /expected more than 1 value per channel/,
      /\[1,4\]/,
    );
    expectThrow(() => m.forward(make([1, 4, 1])), RangeError, /more than 1 value per channel/);
    expectThrow(() => batchNorm(make([1, 4]), null, null, null, null, { training: true }), RangeError, /^batchNorm: /);
    check();
    expect(m.num_batches_tracked!.item()).toBe(1);
    const free = new nn.BatchNorm1d(4, { trackRunningStats: false }).eval();
    expectThrow(() => free.forward(make([1, 4])), RangeError, /more than 1 value per channel/);
  });

  it("momentum null is PyTorch's cumulative average: the running mean is the mean of the batch means", () => {
    const m = new nn.BatchNorm1d(1, { momentum: null });
    const means = [1, 5, -3];
    for (const mu of means) m.forward(tensor([[mu - 1], [mu + 1]]));
    expect(m.running_mean!.item()).toBeCloseTo(1, 14);
    expect(m.running_var!.item()).toBeCloseTo(2, 14); // each batch's unbiased variance is 2
    expect(String(m)).toBe("BatchNorm1d(1, eps=1e-05, momentum=null, affine=true, track_running_stats=true)");
  });

  it("parameters are weight and bias; the state dict adds the buffers under PyTorch's names", () => {
    const m = new nn.BatchNorm1d(16);
    expect(String(m)).toBe("BatchNorm1d(16, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
    expect(m.namedParameters().map(([k]) => k)).toEqual(["weight", "bias"]);
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    expect(sd.num_batches_tracked).toEqual({ shape: [], dtype: "float64", data: [0] });
    expect(sd.running_var.data).toEqual(new Array(16).fill(1));
    expect(Object.keys(new nn.BatchNorm1d(2, { affine: false }).stateDict())).toEqual([
      "running_mean",
      "running_var",
      "num_batches_tracked",
    ]);
    expect(Object.keys(new nn.BatchNorm1d(2, { trackRunningStats: false }).stateDict())).toEqual(["weight", "bias"]);
    expect(new nn.BatchNorm1d(2, { affine: false }).parameters()).toEqual([]);
    const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
    expect(opt).toBeDefined();
  });

  it("state dict round trip through JSON: the same buffers and eval() outputs; a bad state changes nothing", () => {
    manualSeed(2);
    const build = () => new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Tanh(), new nn.Linear(4, 2));
    const a = build();
    const opt = new optim.Adam(a.parameters(), { lr: 0.05 });
    for (let k = 0; k < 3; k++) {
      const loss = a
        .forward(make([5, 3]).mul(k + 1))
        .pow(2)
        .mean();
      loss.backward();
      opt.step();
      opt.zeroGrad();
    }
    const json = JSON.stringify(a.stateDict());
    const b = build();
    b.loadStateDict(JSON.parse(json));
    expect(b.stateDict()).toEqual(a.stateDict());
    const x = make([4, 3]);
    a.eval();
    b.eval();
    expect(Array.from(b.forward(x).data)).toEqual(Array.from(a.forward(x).data));
    const bn = b.layers[1] as InstanceType<typeof nn.BatchNorm1d>;
    expect(bn.num_batches_tracked!.item()).toBe(3);
    const check = snapshot(b.namedTensors().map(([, t]) => t));
    const bad = JSON.parse(json);
    delete bad["1.running_var"];
    expectThrow(() => b.loadStateDict(bad), RangeError, /missing key "1\.running_var"/);
    const wrong = JSON.parse(json);
    wrong["1.running_mean"].shape = [5];
    wrong["1.running_mean"].data.push(0);
    expectThrow(() => b.loadStateDict(wrong), RangeError, /1\.running_mean/);
    check();
  });

  it("buffers made and updated inside scope() stay valid after it", () => {
    const m = scope(() => {
      const bn = new nn.BatchNorm1d(70);
      bn.forward(make([3, 70]));
      return bn.forward(make([3, 70]).mul(2)) && bn;
    });
    expect(m.running_mean!.isReleased).toBe(false);
    expect(m.num_batches_tracked!.item()).toBe(2);
    scope(() => {
      m.forward(make([4, 70]));
    });
    expect(m.num_batches_tracked!.item()).toBe(3);
    expect(Number.isFinite(m.running_var!.data[69])).toBe(true);
  });

  it("float32 layers take float32 input; another dtype is a TypeError naming the layer, both dtypes and the fix", () => {
    const m = new nn.BatchNorm1d(3, { dtype: "float32" });
    expect(m.running_mean!.dtype).toBe("float32");
    expect(m.forward(make([2, 3], "float32")).dtype).toBe("float32");
    const check = snapshot([m.running_mean, m.running_var, m.num_batches_tracked]);
    expectThrow(
      () => m.forward(make([2, 3])),
      TypeError,
      /^BatchNorm1d\(3, /,
      /input is float64/,
      /parameters are float32/,
      /cast\(x, "float32"\)/,
    );
    check();
    const noAffine = new nn.BatchNorm1d(3, { affine: false, dtype: "float32" });
    expectThrow(() => noAffine.forward(make([2, 3])), TypeError, /float64/);
  });

  it("shape errors name the layer, the shape and what was expected, and change nothing", () => {
    const m = new nn.BatchNorm1d(3);
    const check = snapshot([m.running_mean, m.running_var, m.num_batches_tracked]);
    for (const shape of [[3], [2, 4], [2, 2, 3], [2, 3, 1, 1]]) {
      expectThrow(
        () => m.forward(make(shape)),
        RangeError,
        /^BatchNorm1d\(3, /,
        /expected input of shape \[N, 3\] or \[N, 3, L\]/,
      );
    }
    check();
    expectThrow(() => batchNorm(make([2, 3]), make([2]), make([3])), RangeError, /runningMean of shape \[2\]/);
    expectThrow(() => batchNorm(make([2, 3]), null, null), TypeError, /running statistics .* needed when not training/);
    expectThrow(() => new nn.BatchNorm1d(0), RangeError, /numFeatures must be a positive integer/);
    expectThrow(() => new nn.BatchNorm1d(3, { momentum: 2 }), RangeError, /momentum/);
    expectThrow(() => new nn.BatchNorm1d(3, { eps: -1 }), RangeError, /eps/);
    expectThrow(() => new nn.BatchNorm1d(3, { momentom: 0.1 } as never), TypeError, /unknown option "momentom"/);
  });
});

// ---------------------------------------------------------------------------------------------
// LayerNorm

describe("LayerNorm", () => {
  it("normalizes the trailing axes with the biased variance; weight ones, bias zeros; the same in eval()", () => {
    const m = new nn.LayerNorm(4);
    expect(String(m)).toBe("LayerNorm((4,), eps=1e-05, elementwise_affine=true)");
    expect(m.namedParameters().map(([k, t]) => [k, t.shape])).toEqual([
      ["weight", [4]],
      ["bias", [4]],
    ]);
    expect(Array.from(m.weight!.data)).toEqual([1, 1, 1, 1]);
    const x = tensor([[1, 2, 3, 6]]);
    const y = m.forward(x);
    const sd = Math.sqrt(3.5 + 1e-5); // mean 3, biased variance (4 + 1 + 0 + 9)/4
    [-2, -1, 0, 3].forEach((d, i) => expect(y.data[i]).toBeCloseTo(d / sd, 14));
    m.eval();
    expect(Array.from(m.forward(x).data)).toEqual(Array.from(y.data));
    expect(String(new nn.LayerNorm([2, 3], { eps: 1e-6, elementwiseAffine: false }))).toBe(
      "LayerNorm((2, 3), eps=1e-06, elementwise_affine=false)",
    );
    expect(new nn.LayerNorm(3, { elementwiseAffine: false }).parameters()).toEqual([]);
    expect(Object.keys(new nn.LayerNorm([2, 3]).stateDict())).toEqual(["weight", "bias"]);
  });

  it("bad input is an error naming the layer (or op), the shape and what was expected, and changes nothing", () => {
    const m = new nn.LayerNorm([2, 3]);
    const check = snapshot([m.weight, m.bias]);
    expectThrow(() => m.forward(make([2, 3, 2])), RangeError, /^LayerNorm\(\(2, 3\), /, /\[\*, 2, 3\]/, /\[2,3,2\]/);
    expectThrow(() => m.forward(make([3])), RangeError, /^LayerNorm/, /got shape \[3\]/);
    expectThrow(
      () => m.forward(make([4, 2, 3], "float32")),
      TypeError,
      /^LayerNorm/,
      /input is float32/,
      /parameters are float64/,
    );
    check();
    expectThrow(() => layerNorm(make([2, 4]), 3), RangeError, /^layerNorm: /, /\[\*, 3\]/);
    expectThrow(() => layerNorm(make([2, 4]), 4, make([3])), RangeError, /^layerNorm: weight of shape \[3\]/);
    expectThrow(() => layerNorm(make([2, 4]), [], null), RangeError, /normalized shape/);
    expectThrow(() => layerNorm(make([2, 4]), 4, null, null, -1), RangeError, /eps/);
    expectThrow(() => new nn.LayerNorm(0), RangeError, /^LayerNorm: /);
    expectThrow(() => new nn.LayerNorm(4, { eps: "1e-5" as unknown as number }), TypeError, /eps must be a number/);
  });
});

// ---------------------------------------------------------------------------------------------
// Embedding

describe("Embedding", () => {
  it("weight [num, dim] ~ N(0, 1), seeded; repr Embedding(num, dim)", () => {
    manualSeed(3);
    const a = new nn.Embedding(200, 50);
    expect(String(a)).toBe("Embedding(200, 50)");
    expect(a.namedParameters().map(([k, t]) => [k, t.shape])).toEqual([["weight", [200, 50]]]);
    const w = Array.from(a.weight.data);
    const mean = w.reduce((s, v) => s + v) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    manualSeed(3);
    expect(Array.from(new nn.Embedding(200, 50).weight.data)).toEqual(w);
  });

  it("takes number[], nested arrays, Int32Array, integer-valued tensors of any shape, and a number → [...shape, dim]", () => {
    const m = new nn.Embedding(6, 3);
    const row = (i: number) => Array.from(m.weight.data.slice(3 * i, 3 * i + 3));
    expect(m.forward([1, 5]).shape).toEqual([2, 3]);
    expect(m.forward([[1, 5, 0]]).shape).toEqual([1, 3, 3]);
    expect(m.forward(new Int32Array([2, 2, 2, 2])).shape).toEqual([4, 3]);
    const t = tensor([
      [[0], [1]],
      [[2], [3]],
    ]);
    const y = m.forward(t);
    expect(y.shape).toEqual([2, 2, 1, 3]);
    expect(Array.from(y.data.slice(9, 12))).toEqual(row(3));
    expect(m.forward(4).shape).toEqual([3]);
    expect(Array.from(m.forward(4).data)).toEqual(row(4));
    expect(m.call([0]).shape).toEqual([1, 3]);
    expect(m.forward([]).shape).toEqual([0, 3]);
  });

  it("the gradient accumulates for repeated indices", () => {
    const m = new nn.Embedding(4, 2);
    const y = m.forward([
      [3, 1, 3],
      [3, 0, 1],
    ]);
    y.backward(
      tensor([
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        [
          [7, 8],
          [9, 10],
          [11, 12],
        ],
      ]),
    );
    expect(m.weight.grad!.toArray()).toEqual([
      [9, 10],
      [14, 16],
      [0, 0],
      [13, 16],
    ]);
  });

  it("an out-of-range, negative or non-integer index is a RangeError naming the layer and changes nothing", () => {
    const m = new nn.Embedding(10, 4);
    const check = snapshot([m.weight]);
    expectThrow(() => m.forward([1, 10]), RangeError, /^Embedding\(10, 4\): /, /index 10 at \[1\] is out of range/, /0 to 9/);
    expectThrow(() => m.forward([[0], [-1]]), RangeError, /index -1 at \[1,0\]/);
    expectThrow(() => m.forward(tensor([0.5])), RangeError, /not an integer/);
    expectThrow(() => m.forward([Number.NaN]), RangeError, /NaN/);
    expectThrow(() => m.forward(["1"] as never), TypeError, /^Embedding\(10, 4\): /);
    expectThrow(() => m.forward([[1, 2], [3]]), RangeError, /ragged/);
    expectThrow(() => m.forward("1" as never), TypeError, /indices must be integers/);
    check();
    expectThrow(() => embedding([0], make([3])), RangeError, /^embedding: weight must be 2-d/);
    expectThrow(() => new nn.Embedding(0, 3), RangeError, /numEmbeddings must be a positive integer/);
    expectThrow(() => new nn.Embedding(3, 1.5), RangeError, /embeddingDim/);
  });

  it("a float32 table gives float32 rows", () => {
    const m = new nn.Embedding(3, 2, { dtype: "float32" });
    expect(m.forward([0, 2]).dtype).toBe("float32");
  });
});

// ---------------------------------------------------------------------------------------------
// Flatten

describe("Flatten", () => {
  it("keeps the batch axis (start 1) where the tensor method starts at 0; the gradient is reshaped back", () => {
    const x = make([2, 3, 4], "float64", true);
    const y = new nn.Flatten().forward(x);
    expect(y.shape).toEqual([2, 12]);
    expect(x.flatten().shape).toEqual([24]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    y.backward(make([2, 12]));
    expect(x.grad!.shape).toEqual([2, 3, 4]);
    expect(Array.from(x.grad!.data)).toEqual(Array.from(make([2, 12]).data));
  });

  it("an axis the input lacks is a RangeError naming the layer; a bad axis at construction a TypeError", () => {
    expectThrow(() => new nn.Flatten().forward(make([3])), RangeError, /^Flatten\(start_dim=1, end_dim=-1\): /, /shape \[3\]/);
    expectThrow(() => new nn.Flatten(2, 1).forward(make([2, 3, 4])), RangeError, /^Flatten\(start_dim=2, end_dim=1\): /);
    expectThrow(() => new nn.Flatten(1.5), TypeError, /startDim must be an integer/);
  });
});

// ---------------------------------------------------------------------------------------------
// Together

describe("a network with every layer", () => {
  it("trains: loss falls with BatchNorm1d, LayerNorm, Dropout and an Embedding; eval() is deterministic", () => {
    manualSeed(0);
    const emb = new nn.Embedding(5, 4);
    const body = new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(8, 16),
      new nn.BatchNorm1d(16),
      new nn.ReLU(),
      new nn.Dropout(0.2),
      new nn.LayerNorm(16),
      new nn.Linear(16, 2),
    );
    const params = [...emb.parameters(), ...body.parameters()];
    const opt = new optim.Adam(params, { lr: 0.02 });
    // Pairs of tokens; the class is whether they are equal.
    const pairs: number[][] = [];
    const labels: number[] = [];
    for (let a = 0; a < 5; a++) {
      for (let b = 0; b < 5; b++) {
        pairs.push([a, b]);
        labels.push(a === b ? 1 : 0);
      }
    }
    const lossAt = () => nn.crossEntropy(body.forward(emb.forward(pairs)), labels);
    const first = lossAt().item();
    for (let step = 0; step < 60; step++) {
      const loss = lossAt();
      loss.backward();
      opt.step();
      opt.zeroGrad();
    }
    body.eval();
    const last = lossAt().item();
    expect(last).toBeLessThan(first * 0.5);
    expect(lossAt().item()).toBe(last);
  });
});
