/**
 * Issue 13's reductions (min, logsumexp, var, std, argmax, argmin), elementwise ops (maximum,
 * minimum, square, log1p, sin, cos) and the int32 dtype of index tensors: gradcheck on
 * fast-check inputs (rank 1–3, negative axes), second derivatives (grad of grad) against finite
 * differences, values, gradients and second derivatives against PyTorch 1.13 fixtures
 * (scripts/torch-fixtures-reduce.py → test/fixtures/torch-reduce.json), identities as
 * properties, extremes, float32, records, int32 round trips, and bad input that changes nothing.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  argmax,
  argmin,
  cast,
  cos,
  exp,
  expm1,
  gather,
  grad,
  gradcheck,
  log1p,
  logsumexp,
  max,
  maximum,
  min,
  minimum,
  nn,
  scope,
  setDefaultDtype,
  sin,
  square,
  std,
  type Tensor,
  tensor,
  type GradcheckResult,
  where,
  zeros,
  var as variance,
  variance as varianceFn,
} from "../src/index.js";
import { expectThrow, type ErrorClass, secondOrder, sizeOf, weights } from "./helpers.js";

afterEach(() => setDefaultDtype("float64"));

// ---------------------------------------------------------------------------------------------
// Helpers

const RUNS = { numRuns: 30 };

function expectGradOk(r: GradcheckResult, what = ""): void {
  expect(r.passed, `gradcheck failed ${what}: ${JSON.stringify(r)}`).toBe(true);
}

/** Element-wise closeness; NaN matches NaN and ±∞ must be equal. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  expect(got.length, `${what} length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w)) {
      if (!Number.isNaN(g)) throw new Error(`${what}[${i}]: got ${g}, expected NaN`);
      continue;
    }
    if (!Number.isFinite(w)) {
      if (g !== w) throw new Error(`${what}[${i}]: got ${g}, expected ${w}`);
      continue;
    }
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) throw new Error(`${what}[${i}]: got ${g}, expected ${w}`);
  }
}

/** A leaf that requires a gradient and already holds one, to check that a failed call changes neither. */
function leafWithGrad(values: number[], shape: number[]): Tensor {
  const x = tensor(values, { shape, requiresGrad: true });
  x.sum().backward();
  return x;
}

/** `fn(x)` throws `cls` with every pattern, and x's values and gradient stay as they were. */
function expectBad(x: Tensor, fn: (x: Tensor) => unknown, cls: ErrorClass, ...patterns: RegExp[]): void {
  const data = Array.from(x.data);
  const g = x.grad ? Array.from(x.grad.data) : null;
  expectThrow(() => fn(x), cls, ...patterns);
  expect(Array.from(x.data)).toEqual(data);
  expect(x.grad ? Array.from(x.grad.data) : null).toEqual(g);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries: tensors of rank 1–3 (sizes 1–4) and an axis (possibly negative).

/** Distinct values (no ties, gaps ≥ 0.05) so the kinks of min/max stay away from a difference step. */
const distinctArb = (minRank = 1, maxRank = 3, minDim = 1) =>
  fc.array(fc.integer({ min: minDim, max: 4 }), { minLength: minRank, maxLength: maxRank }).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      values: fc
        .uniqueArray(fc.integer({ min: -60, max: 60 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) })
        .map((v) => v.map((k) => k / 20)),
      axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
      keepDims: fc.boolean(),
    }),
  );

/** Any values in ±3. */
const valuesArb = (minRank = 1, maxRank = 3) =>
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: minRank, maxLength: maxRank }).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      values: fc.array(fc.double({ min: -3, max: 3, noNaN: true, noDefaultInfinity: true }), {
        minLength: sizeOf(shape),
        maxLength: sizeOf(shape),
      }),
      axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
      keepDims: fc.boolean(),
    }),
  );

const make = (c: { shape: number[]; values: number[] }, dtype: "float64" | "float32" = "float64") =>
  tensor(c.values, { shape: c.shape, dtype });

// ---------------------------------------------------------------------------------------------
// PyTorch fixtures

type Num = number | "NaN" | "Infinity" | "-Infinity";
interface Rec {
  shape: number[];
  data: Num[];
}
interface Fixture {
  op: string;
  args: unknown[];
  torch: string;
  kind: "diff" | "values" | "values+grad-nan" | "index";
  dtype: "float64" | "float32";
  inputs: Rec[];
  output: Rec;
  upstream?: Rec;
  direction?: Rec[];
  grads?: Rec[];
  d2?: Rec[];
  torchGrads?: Rec[];
}
const FIXTURES = JSON.parse(readFileSync(new URL("./fixtures/torch-reduce.json", import.meta.url), "utf8")) as {
  torch: string;
  cases: Fixture[];
};
const num = (v: Num): number => (typeof v === "number" ? v : Number(v));
const nums = (r: Rec): number[] => r.data.map(num);
const leafOf = (r: Rec, dtype: "float64" | "float32", requiresGrad = true) =>
  tensor(nums(r), { shape: r.shape, dtype, requiresGrad });

/** actigrad's twin of a fixture case. */
function runFixture(op: string, xs: Tensor[], args: any[]): Tensor | number {
  switch (op) {
    case "min":
      return xs[0].min(args[0], args[1]);
    case "max":
      return xs[0].max(args[0], args[1]);
    case "logsumexp":
      return xs[0].logsumexp(args[0], args[1]);
    case "var":
      return xs[0].var(args[0], args[1]);
    case "std":
      return xs[0].std(args[0], args[1]);
    case "argmax":
      return xs[0].argmax(args[0], args[1]);
    case "argmin":
      return xs[0].argmin(args[0], args[1]);
    case "maximum":
      return xs[0].maximum(xs[1]);
    case "minimum":
      return xs[0].minimum(xs[1]);
    case "square":
      return xs[0].square();
    case "log1p":
      return xs[0].log1p();
    case "sin":
      return xs[0].sin();
    case "cos":
      return xs[0].cos();
    default:
      throw new Error(`test bug: no op ${op}`);
  }
}

function fixtureCases(...ops: string[]): [string, Fixture][] {
  return FIXTURES.cases.filter((c) => ops.includes(c.op)).map((c) => [`${c.torch}, ${c.dtype}`, c]);
}

/** Values, g·∂y/∂x and the Hessian-vector product against PyTorch's. */
function checkFixture(c: Fixture): void {
  const f32 = c.dtype === "float32";
  const rtol = f32 ? 3e-6 : 1e-12;
  const atol = f32 ? 1e-6 : 1e-13;
  const xs = c.inputs.map((r) => leafOf(r, c.dtype, c.kind !== "index"));
  const y = runFixture(c.op, xs, c.args);
  if (c.kind === "index") {
    const want = nums(c.output);
    if (typeof y === "number") {
      expect(c.output.shape).toEqual([]);
      expect(y).toBe(want[0]);
    } else {
      expect(y.dtype).toBe("int32");
      expect([...y.shape]).toEqual(c.output.shape);
      expect(Array.from(y.indices)).toEqual(want);
    }
    return;
  }
  if (typeof y === "number") throw new Error("test bug: a differentiable op returned a number");
  expect([...y.shape]).toEqual(c.output.shape);
  expect(y.dtype).toBe(c.dtype);
  expectClose(y.data, nums(c.output), rtol, atol, "value");
  if (c.torch.includes("±0")) {
    // maximum(−0, 0) is −0 and minimum(0, −0) is 0, as PyTorch: the first operand at a tie.
    nums(c.output).forEach((w, i) => expect(Object.is(y.data[i], w), `sign of zero at ${i}`).toBe(true));
  }
  if (c.kind === "values") return;
  const g = leafOf(c.upstream!, c.dtype, false);
  const dx = grad([y], xs, { gradOutputs: [g], createGraph: c.kind === "diff" });
  dx.forEach((d, k) => {
    expect(d.dtype).toBe(c.dtype);
    expectClose(d.data, nums(c.grads![k]), f32 ? 2e-5 : 1e-11, f32 ? 1e-5 : 1e-12, `grad ${k}`);
  });
  if (c.kind !== "diff") return;
  let s: Tensor | null = null;
  dx.forEach((d, k) => {
    const term = d.mul(leafOf(c.direction![k], c.dtype, false)).sum();
    s = s === null ? term : s.add(term);
  });
  // A piecewise-linear op's rule is linear in g: its H·w is 0 (PyTorch: "no graph"; here zeros).
  const d2 = s!.requiresGrad ? grad(s!, xs) : xs.map((x) => tensor(new Float64Array(x.size), { shape: [...x.shape] }));
  d2.forEach((d, k) => expectClose(d.data, nums(c.d2![k]), f32 ? 1e-4 : 1e-10, f32 ? 1e-4 : 1e-11, `d2 ${k}`));
}

describe("PyTorch fixtures (test/fixtures/torch-reduce.json)", () => {
  it("were made by PyTorch 1.13 and cover every op in both dtypes", () => {
    expect(FIXTURES.torch).toMatch(/^1\.13/);
    const ops = ["min", "logsumexp", "var", "std", "argmax", "argmin", "maximum", "minimum", "square", "log1p", "sin", "cos"];
    for (const op of ops) {
      for (const dtype of ["float64", "float32"]) {
        expect(
          FIXTURES.cases.some((c) => c.op === op && c.dtype === dtype),
          `${op} ${dtype}`,
        ).toBe(true);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// min

describe("min", () => {
  it("min: gradcheck on fast-check inputs (rank 1–3, negative axes, keepDims, the whole tensor)", () => {
    fc.assert(
      fc.property(distinctArb(), fc.boolean(), (c, whole) => {
        expectGradOk(gradcheck((x) => min(x, whole ? undefined : c.axis, c.keepDims), [make(c)]));
      }),
      RUNS,
    );
  });

  it("min: equals a plain-JS reference along any axis, first arg-min on ties", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
          fc.record({
            shape: fc.constant(shape),
            values: fc.array(fc.integer({ min: -2, max: 2 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }),
            axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
          }),
        ),
        (c) => {
          const x = tensor(c.values, { shape: c.shape, requiresGrad: true });
          const y = x.min(c.axis);
          const ax = c.axis < 0 ? c.axis + c.shape.length : c.axis;
          const stride = sizeOf(c.shape.slice(ax + 1));
          const n = c.shape[ax];
          const want: number[] = [];
          const first: number[] = [];
          for (let o = 0; o < sizeOf(c.shape.slice(0, ax)); o++) {
            for (let q = 0; q < stride; q++) {
              let best = 0;
              for (let k = 1; k < n; k++)
                if (c.values[(o * n + k) * stride + q] < c.values[(o * n + best) * stride + q]) best = k;
              want.push(c.values[(o * n + best) * stride + q]);
              first.push((o * n + best) * stride + q);
            }
          }
          expect(Array.from(y.data)).toEqual(want);
          y.sum().backward();
          const g = new Array<number>(x.size).fill(0);
          for (const i of first) g[i] = 1;
          expect(Array.from(x.grad!.data)).toEqual(g);
        },
      ),
      RUNS,
    );
  });

  it("min: second derivatives (grad of grad) match finite differences", () => {
    for (const [shape, axis] of [
      [[5], 0],
      [[3, 4], -1],
      [[2, 3, 2], -2],
    ] as [number[], number][]) {
      const x = tensor(weights(sizeOf(shape), shape.length + 3), { shape });
      const { analytic, numeric } = secondOrder((t) => min(t, axis), x, { power: 3 });
      expectClose(analytic, numeric, 1e-5, 1e-6, "H·w");
    }
  });

  it.each(fixtureCases("min", "max"))("min: values, gradient and second derivative match PyTorch (%s)", (_, c) =>
    checkFixture(c),
  );

  it("min: a NaN in a group makes its min NaN, and the gradient goes to that NaN (as PyTorch)", () => {
    const x = tensor([3, NaN, 1, NaN], { requiresGrad: true });
    const y = x.min();
    expect(y.item()).toBeNaN();
    y.backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 1, 0, 0]);
  });

  it("min: float32 stays float32; records op 'min' with its normalized axes", () => {
    const x = tensor(new Float32Array([3, 1, 2, 0, 5, 4]), { shape: [2, 3], requiresGrad: true });
    const y = x.min(-1, true);
    expect(y.dtype).toBe("float32");
    expect(y.toArray()).toEqual([[1], [0]]);
    expect(y.node!.op).toBe("min");
    expect(y.node!.args).toEqual({ axes: [1], keepDims: true });
    y.sum().backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(Array.from(x.grad!.data)).toEqual([0, 1, 0, 1, 0, 0]);
  });

  it("min: bad input is a TypeError/RangeError naming min, and changes nothing", () => {
    const x = leafWithGrad([1, 2, 3, 4, 5, 6], [2, 3]);
    expectBad(x, (t) => min(t, 2), RangeError, /^min: axis 2 is out of range for a tensor of rank 2/);
    expectBad(x, (t) => min(t, [0, -2]), RangeError, /^min: axis \[0,-2\] names the same axis twice/);
    expectBad(x, (t) => min(t, 0.5), TypeError, /^min: axis must be an integer/);
    expectBad(x, (t) => min(t, 0, "yes" as any), TypeError, /^min: keepDims must be a boolean, got "yes"/);
    expectBad(tensor([], { shape: [2, 0] }), (t) => min(t, 1), RangeError, /^min: cannot take the min over an empty axis/);
    expectThrow(() => min([1, 2] as any), TypeError, /^min: input must be a Tensor, got object/);
  });
});

// ---------------------------------------------------------------------------------------------
// logsumexp

describe("logsumexp", () => {
  it("logsumexp: gradcheck on fast-check inputs (rank 1–3, negative axes, keepDims, the whole tensor)", () => {
    fc.assert(
      fc.property(valuesArb(), fc.boolean(), (c, whole) => {
        expectGradOk(gradcheck((x) => logsumexp(x, whole ? undefined : c.axis, c.keepDims), [make(c)]));
      }),
      RUNS,
    );
  });

  it("logsumexp: equals log Σ e^x computed directly, and its gradient is softmax(x)", () => {
    fc.assert(
      fc.property(valuesArb(), (c) => {
        const x = tensor(c.values, { shape: c.shape, requiresGrad: true });
        const y = x.logsumexp(c.axis, true);
        const direct = x.detach().exp().sum(c.axis, true).log();
        expectClose(y.data, direct.data, 1e-13, 1e-13, "lse");
        y.sum().backward();
        expectClose(x.grad!.data, x.detach().softmax(c.axis).data, 1e-13, 1e-15, "softmax");
      }),
      RUNS,
    );
  });

  it("logsumexp: identity lse(x) ≥ max(x) and ≤ max(x) + log n", () => {
    fc.assert(
      fc.property(valuesArb(), fc.double({ min: -700, max: 700, noNaN: true }), (c, shift) => {
        const x = tensor(
          c.values.map((v) => v * 100 + shift),
          { shape: c.shape },
        );
        const n = c.shape.at(c.axis)!;
        const lse = x.logsumexp(c.axis).data;
        const m = x.max(c.axis).data;
        lse.forEach((v, i) => {
          expect(v).toBeGreaterThanOrEqual(m[i]);
          expect(v).toBeLessThanOrEqual(m[i] + Math.log(n) + 1e-12 * Math.abs(m[i]));
        });
      }),
      RUNS,
    );
  });

  it("logsumexp: second derivatives (grad of grad) match finite differences", () => {
    for (const [shape, axis] of [
      [[5], 0],
      [[3, 4], -1],
      [
        [2, 3, 2],
        [0, 2],
      ],
    ] as [number[], number | number[]][]) {
      const x = tensor(weights(sizeOf(shape), shape.length), { shape });
      const { analytic, numeric } = secondOrder((t) => logsumexp(t, axis), x);
      expectClose(analytic, numeric, 1e-6, 1e-7, "H·w");
    }
  });

  it.each(fixtureCases("logsumexp"))("logsumexp: values, gradient and second derivative match PyTorch (%s)", (_, c) =>
    checkFixture(c),
  );

  it("logsumexp: stable at the extremes — finite wherever the math is", () => {
    for (const v of [
      [1000, 1001],
      [-1000, -1001],
      [1e308, 1e308],
      [-1e308, 5],
      [Number.MAX_VALUE, 0],
    ]) {
      const x = tensor(v, { requiresGrad: true });
      const y = x.logsumexp();
      expect(Number.isFinite(y.item()), `lse(${v})`).toBe(true);
      y.backward();
      for (const g of x.grad!.data) expect(Number.isFinite(g) && g >= 0 && g <= 1).toBe(true);
    }
    expect(tensor([1000, 1001]).logsumexp().item()).toBeCloseTo(1001 + Math.log1p(Math.exp(-1)), 12);
    expect(tensor([1e308, 1e308]).logsumexp().item()).toBe(1e308 + Math.LN2);
    // all −∞ gives −∞ (no NaN), an empty axis −∞, a +∞ gives +∞
    expect(tensor([-Infinity, -Infinity]).logsumexp().item()).toBe(-Infinity);
    expect(
      tensor([], { shape: [2, 0] })
        .logsumexp(1)
        .toArray(),
    ).toEqual([-Infinity, -Infinity]);
    expect(tensor([1, Infinity]).logsumexp().item()).toBe(Infinity);
    const f32 = tensor(new Float32Array([88, 89, 90]), { requiresGrad: true });
    const y32 = f32.logsumexp();
    expect(y32.dtype).toBe("float32");
    expect(Number.isFinite(y32.item())).toBe(true);
  });

  it("logsumexp: records op 'logsumexp' with its normalized axes", () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    const y = x.logsumexp(-1);
    expect(y.node!.op).toBe("logsumexp");
    expect(y.node!.args).toEqual({ axes: [1], keepDims: false });
  });

  it("logsumexp: bad input is a TypeError/RangeError naming logsumexp, and changes nothing", () => {
    const x = leafWithGrad([1, 2, 3, 4, 5, 6], [2, 3]);
    expectBad(x, (t) => logsumexp(t, -3), RangeError, /^logsumexp: axis -3 is out of range for a tensor of rank 2/);
    expectBad(x, (t) => logsumexp(t, "0" as any), TypeError, /^logsumexp: axis must be an integer or an array/);
    expectBad(x, (t) => logsumexp(t, 0, 1 as any), TypeError, /^logsumexp: keepDims must be a boolean, got 1/);
    expectThrow(() => logsumexp(null as any), TypeError, /^logsumexp: input must be a Tensor, got null/);
  });
});

// ---------------------------------------------------------------------------------------------
// var and std

describe("var and std", () => {
  const optsArb = fc.record({ correction: fc.constantFrom(0, 1), keepDims: fc.boolean() });

  it("var: gradcheck on fast-check inputs (corrections 0 and 1, negative axes, keepDims, the whole tensor)", () => {
    fc.assert(
      fc.property(distinctArb(1, 3, 2), optsArb, fc.boolean(), (c, opts, whole) => {
        expectGradOk(gradcheck((x) => variance(x, whole ? undefined : c.axis, opts), [make(c)]));
      }),
      RUNS,
    );
  });

  it("std: gradcheck on fast-check inputs (corrections 0 and 1, negative axes, keepDims, the whole tensor)", () => {
    fc.assert(
      fc.property(distinctArb(1, 3, 2), optsArb, fc.boolean(), (c, opts, whole) => {
        expectGradOk(gradcheck((x) => std(x, whole ? undefined : c.axis, opts), [make(c)]));
      }),
      RUNS,
    );
  });

  it("var: equals a plain-JS two-pass reference; correction 2 included", () => {
    fc.assert(
      fc.property(valuesArb(1, 1), fc.constantFrom(0, 1, 2), (c, correction) => {
        const n = c.values.length;
        const mu = c.values.reduce((a, b) => a + b, 0) / n;
        const ss = c.values.reduce((a, b) => a + (b - mu) ** 2, 0);
        const want = ss / Math.max(0, n - correction);
        const got = make(c).var(0, { correction }).item();
        if (Number.isFinite(want)) expect(got).toBeCloseTo(want, 12);
        else expect(got).toBe(want); // NaN (0/0) or ∞
      }),
      RUNS,
    );
  });

  it("var/std: identity std² = var, for every correction and axis", () => {
    fc.assert(
      fc.property(valuesArb(), fc.constantFrom(0, 1, 2), (c, correction) => {
        const x = make(c);
        const v = x.var(c.axis, { correction }).data;
        const s = x.std(c.axis, { correction }).data;
        v.forEach((vi, i) => {
          if (Number.isNaN(vi)) expect(s[i]).toBeNaN();
          else expect(s[i] * s[i]).toBeCloseTo(vi, 12);
        });
      }),
      RUNS,
    );
  });

  it("var/std: second derivatives (grad of grad) match finite differences", () => {
    for (const [shape, axis, correction] of [
      [[5], 0, 1],
      [[3, 4], -1, 0],
      [[2, 3, 2], [0, 2], 2],
    ] as [number[], number | number[], number][]) {
      const x = tensor(weights(sizeOf(shape), 11 + shape.length), { shape });
      for (const op of [variance, std]) {
        const { analytic, numeric } = secondOrder((t) => op(t, axis, { correction }), x);
        expectClose(analytic, numeric, 1e-5, 1e-6, `${op.name} H·w`);
      }
    }
  });

  it.each(fixtureCases("var", "std"))("var/std: values, gradient and second derivative match PyTorch (%s)", (_, c) =>
    checkFixture(c),
  );

  it("var/std: N − correction < 0 — values ∞ as PyTorch; the gradient is Σ(x − x̄)²/0's (PyTorch's differs)", () => {
    // PyTorch 1.13 divides the value by max(0, N − c) = 0 but the gradient by N − c = −1: a
    // finite gradient of an infinite value. Here both divide by 0.
    for (const c of fixtureCases("var", "std")
      .map(([, f]) => f)
      .filter((f) => f.kind === "values")) {
      const x = leafOf(c.inputs[0], c.dtype);
      const y = runFixture(c.op, [x], c.args) as Tensor;
      expect(y.item()).toBe(Infinity);
      const [g] = grad(y, [x]);
      const torchG = nums(c.torchGrads![0]);
      expect(torchG.every(Number.isFinite)).toBe(true);
      expect(Array.from(g.data).every((v) => !Number.isFinite(v))).toBe(true);
    }
  });

  it("var/std: stay exact and finite at the extremes where the math is finite", () => {
    // two passes: a large mean does not swamp a small spread (E[x²] − E[x]² would give 0 or garbage)
    expect(
      tensor([1e8 + 1, 1e8 + 2, 1e8 + 3])
        .var()
        .item(),
    ).toBe(1);
    expect(
      tensor([1e9 + 0.5, 1e9 - 0.5])
        .std(null, { correction: 0 })
        .item(),
    ).toBe(0.5);
    expectClose(tensor([1e150, -1e150]).var().data, [2e300], 1e-15, 0, "var of ±1e150");
    expectClose(tensor([1e-150, -1e-150]).var(null, { correction: 0 }).data, [1e-300], 1e-15, 0, "var of ±1e-150");
    const big = tensor([1e150, -1e150, 0], { requiresGrad: true });
    big.std().backward();
    for (const g of big.grad!.data) expect(Number.isFinite(g)).toBe(true);
    // float32: computed in float64, stored once
    const f = tensor(new Float32Array([1e4 + 1, 1e4 + 2, 1e4 + 3]));
    expect(f.var().dtype).toBe("float32");
    expect(f.var().item()).toBe(1);
  });

  it("std: a constant group has std 0 and gradient 0 (as PyTorch), also in the second derivative", () => {
    const x = tensor(
      [
        [2, 2, 2],
        [1, 2, 4],
      ],
      { requiresGrad: true },
    );
    const y = x.std(1);
    expect(y.data[0]).toBe(0);
    const [g] = grad(y.sum(), [x], { createGraph: true });
    expect(Array.from(g.data.slice(0, 3))).toEqual([0, 0, 0]);
    const [g2] = grad(g.mul(tensor(weights(6, 3), { shape: [2, 3] })).sum(), [x]);
    expect(Array.from(g2.data.slice(0, 3))).toEqual([0, 0, 0]);
    for (const v of g2.data) expect(Number.isFinite(v)).toBe(true);
  });

  it("var/std: 'var' is the free function's export name; records op and args; float32 stays float32", () => {
    expect(variance).toBe(varianceFn);
    const x = tensor(new Float32Array([1, 2, 4, 8]), { shape: [2, 2], requiresGrad: true });
    const v = x.var(-1, { correction: 0, keepDims: true });
    expect(v.dtype).toBe("float32");
    expect(v.node!.op).toBe("var");
    expect(v.node!.args).toEqual({ axes: [1], correction: 0, keepDims: true });
    const s = std(x, [0, 1]);
    expect(s.node!.op).toBe("std");
    expect(s.node!.args).toEqual({ axes: [0, 1], correction: 1, keepDims: false });
    s.backward();
    expect(x.grad!.dtype).toBe("float32");
  });

  it("var/std: bad input is a TypeError/RangeError naming the op, and changes nothing", () => {
    const x = leafWithGrad([1, 2, 3, 4, 5, 6], [2, 3]);
    for (const op of [variance, std]) {
      const name = op === std ? "std" : "var";
      expectBad(
        x,
        (t) => op(t, 0, { correction: -1 }),
        RangeError,
        new RegExp(`^${name}: correction must be a finite number ≥ 0, got -1`),
      );
      expectBad(x, (t) => op(t, 0, { correction: Infinity }), RangeError, new RegExp(`^${name}: correction`));
      expectBad(x, (t) => op(t, 0, { correction: "1" as any }), TypeError, new RegExp(`^${name}: correction must be a number`));
      expectBad(x, (t) => op(t, 0, true as any), TypeError, new RegExp(`^${name}: the options must be an object`));
      expectBad(x, (t) => op(t, 0, { keepDims: "no" as any }), TypeError, new RegExp(`^${name}: keepDims must be a boolean`));
      expectBad(x, (t) => op(t, 5), RangeError, new RegExp(`^${name}: axis 5 is out of range`));
      expectThrow(() => op(3 as any), TypeError, new RegExp(`^${name}: input must be a Tensor, got number`));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// argmax and argmin

describe("argmax and argmin", () => {
  it("argmax/argmin: along an axis, int32 indices that pick the max/min (gather with them gives max/min)", () => {
    fc.assert(
      fc.property(valuesArb(), (c) => {
        const x = make(c);
        for (const [arg, ext] of [
          [argmax, max],
          [argmin, min],
        ] as const) {
          const idx = arg(x, c.axis, true);
          expect(idx.dtype).toBe("int32");
          expect(idx.indices).toBeInstanceOf(Int32Array);
          expect(Array.from(gather(x, c.axis, idx).data)).toEqual(Array.from(ext(x, c.axis, true).data));
          expect([...arg(x, c.axis).shape]).toEqual([...ext(x, c.axis).shape]);
        }
      }),
      RUNS,
    );
  });

  it("argmax/argmin: first index on ties, as PyTorch, against a plain-JS reference", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 1, maxLength: 12 }), (v) => {
        const x = tensor(v);
        expect(x.argmax()).toBe(v.indexOf(Math.max(...v)));
        expect(x.argmin()).toBe(v.indexOf(Math.min(...v)));
      }),
      RUNS,
    );
  });

  it.each(fixtureCases("argmax", "argmin"))("argmax/argmin: match PyTorch (%s)", (_, c) => checkFixture(c));

  it("argmax/argmin: no gradient; the whole tensor gives a number, keepDims a [1, …, 1] tensor", () => {
    const x = tensor(
      [
        [1, 9],
        [9, 0],
      ],
      { requiresGrad: true },
    );
    const i = x.argmax(1);
    expect(i.requiresGrad).toBe(false);
    expect(i.node).toBe(null);
    expect(x.argmax()).toBe(1);
    expect(x.argmin()).toBe(3);
    const k = x.argmax(null, true);
    expect(k.dtype).toBe("int32");
    expect([...k.shape]).toEqual([1, 1]);
    expect(k.item()).toBe(1);
    // a 0-d tensor: axis 0 / −1 names it, as PyTorch
    expect(tensor(5).argmax()).toBe(0);
    expect(tensor(5).argmax(-1).toArray()).toBe(0);
    // float32, and int32 input
    expect(
      tensor(new Float32Array([1, 3, 2]))
        .argmax(0)
        .toArray(),
    ).toBe(1);
    expect(cast(tensor([4, 8, 8]), "int32").argmax()).toBe(1);
  });

  it("argmax/argmin: bad input is a TypeError/RangeError naming the op, and changes nothing", () => {
    const x = leafWithGrad([1, 2, 3, 4, 5, 6], [2, 3]);
    for (const op of [argmax, argmin]) {
      const name = op.name;
      expectBad(x, (t) => op(t, 2), RangeError, new RegExp(`^${name}: axis 2 is out of range for a tensor of rank 2`));
      expectBad(x, (t) => op(t, [0, 1] as any), TypeError, new RegExp(`^${name}: axis must be one integer`));
      expectBad(x, (t) => op(t, 0.5), TypeError, new RegExp(`^${name}: axis must be an integer, got 0.5`));
      expectBad(x, (t) => op(t, 0, "x" as any), TypeError, new RegExp(`^${name}: keepDims must be a boolean`));
      expectThrow(() => op(tensor([])), RangeError, new RegExp(`^${name}: the tensor is empty`));
      expectThrow(
        () => op(tensor([], { shape: [3, 0] }), 1),
        RangeError,
        new RegExp(`^${name}: axis 1 of shape \\[3,0\\] is empty`),
      );
      expect(Array.from((op(tensor([], { shape: [0, 3] }), 1) as Tensor).data)).toEqual([]);
      expectThrow(() => op({} as any), TypeError, new RegExp(`^${name}: input must be a Tensor`));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// maximum and minimum

describe("maximum and minimum", () => {
  /** Two tensors of broadcastable shapes with no ties (a on even twentieths, b on odd ones). */
  const pairArb = fc
    .array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 })
    .chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        drop: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
        lead: fc.integer({ min: 0, max: shape.length - 1 }),
        a: fc.array(fc.integer({ min: -30, max: 30 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }),
        b: fc.array(fc.integer({ min: -30, max: 30 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }),
      }),
    )
    .map(({ shape, drop, lead, a, b }) => {
      // b's shape: some axes set to 1, some leading axes dropped — it broadcasts against a's.
      const bShape = shape.map((d, i) => (drop[i] ? 1 : d)).slice(lead);
      return {
        a: tensor(
          a.map((k) => (2 * k) / 20),
          { shape },
        ),
        b: tensor(
          b.slice(0, sizeOf(bShape)).map((k) => (2 * k + 1) / 20),
          { shape: bShape },
        ),
      };
    });

  it("maximum/minimum: gradcheck on fast-check inputs with broadcasting, both arguments", () => {
    fc.assert(
      fc.property(pairArb, fc.boolean(), ({ a, b }, swap) => {
        const [p, q] = swap ? [b, a] : [a, b];
        expectGradOk(
          gradcheck((x, y) => maximum(x, y), [p, q]),
          "maximum",
        );
        expectGradOk(
          gradcheck((x, y) => minimum(x, y), [p, q]),
          "minimum",
        );
      }),
      RUNS,
    );
  });

  it("maximum/minimum: identities maximum + minimum = a + b, maximum(a, b) = −minimum(−a, −b); ties split the gradient", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 })), { minLength: 1, maxLength: 10 }),
        (pairs) => {
          const a = tensor(
            pairs.map((p) => p[0]),
            { requiresGrad: true },
          );
          const b = tensor(
            pairs.map((p) => p[1]),
            { requiresGrad: true },
          );
          const hi = maximum(a, b);
          const lo = minimum(a, b);
          expect(Array.from(hi.add(lo).data)).toEqual(Array.from(a.detach().add(b.detach()).data));
          expect(Array.from(hi.data)).toEqual(Array.from(minimum(a.neg(), b.neg()).neg().data));
          const [ga, gb] = grad(hi.sum(), [a, b]);
          pairs.forEach(([p, q], i) => {
            expect(ga.data[i]).toBe(p > q ? 1 : p === q ? 0.5 : 0);
            expect(gb.data[i]).toBe(q > p ? 1 : p === q ? 0.5 : 0);
          });
        },
      ),
      RUNS,
    );
  });

  it("maximum/minimum: second derivatives (grad of grad) match finite differences (and are differentiable at all)", () => {
    const other = tensor([0.3, -0.2, 0.1, 0.4, -0.5, 0.05], { shape: [2, 3] });
    const x = tensor(weights(6, 4), { shape: [2, 3] });
    for (const op of [maximum, minimum]) {
      for (const f of [(t: Tensor) => op(t, other), (t: Tensor) => op(other, t), (t: Tensor) => op(t, other.sum(0))]) {
        const { analytic, numeric } = secondOrder(f, x, { power: 3 });
        expectClose(analytic, numeric, 1e-5, 1e-6, "H·w");
      }
    }
    // f = Σ maximum(x, c): its gradient is a constant mask, still with a graph; the second derivative is zeros.
    const leaf = tensor([1, -1], { requiresGrad: true });
    const [d1] = grad(maximum(leaf, 0).sum(), [leaf], { createGraph: true });
    expect(d1.requiresGrad).toBe(true);
    const [d2] = grad(d1.sum(), [leaf]);
    expect(Array.from(d2.data)).toEqual([0, 0]);
  });

  it.each(fixtureCases("maximum", "minimum"))("maximum/minimum: values, gradients match PyTorch (%s)", (_, c) => checkFixture(c));

  it("maximum/minimum: numbers, float32, mixed dtypes, records", () => {
    const x = tensor(new Float32Array([-1, 2]), { requiresGrad: true });
    const y = x.maximum(0);
    expect(y.dtype).toBe("float32");
    expect(y.toArray()).toEqual([0, 2]);
    expect(y.node!.op).toBe("maximum");
    expect(minimum(3, x).toArray()).toEqual([-1, 2]);
    expect(maximum(x, tensor([1, 1])).dtype).toBe("float64");
    expect(tensor([Number.MAX_VALUE]).maximum(-Number.MAX_VALUE).item()).toBe(Number.MAX_VALUE);
  });

  it("maximum/minimum: bad input is a TypeError/RangeError naming the op, and changes nothing", () => {
    const x = leafWithGrad([1, 2, 3, 4, 5, 6], [2, 3]);
    expectBad(
      x,
      (t) => maximum(t, tensor([1, 2])),
      RangeError,
      /^maximum: shapes \[2,3\] and \[2\] cannot be broadcast together/,
    );
    expectBad(x, (t) => minimum(t, "1" as any), TypeError, /^minimum: expected a Tensor or a number, got string/);
    expectBad(x, (t) => t.maximum(null as any), TypeError, /^maximum: expected a Tensor or a number, got null/);
  });
});

// ---------------------------------------------------------------------------------------------
// square, log1p, sin, cos

describe("square, log1p, sin, cos", () => {
  const UNARY = { square, log1p, sin, cos } as const;

  it("square/log1p/sin/cos: gradcheck on fast-check inputs (rank 1–3)", () => {
    fc.assert(
      fc.property(valuesArb(), (c) => {
        for (const [name, op] of Object.entries(UNARY)) {
          const x =
            name === "log1p"
              ? tensor(
                  c.values.map((v) => Math.abs(v) - 0.9),
                  { shape: c.shape },
                )
              : make(c);
          expectGradOk(
            gradcheck((t) => op(t), [x]),
            name,
          );
        }
      }),
      RUNS,
    );
  });

  it("square/log1p/sin/cos: second derivatives (grad of grad) match finite differences and the closed forms", () => {
    const x = tensor([-1.3, -0.4, 0.2, 0.9, 2.5], { requiresGrad: true });
    for (const [name, op] of Object.entries(UNARY)) {
      const { analytic, numeric } = secondOrder((t) => op(t), x.detach());
      expectClose(analytic, numeric, 1e-5, 1e-7, `${name} H·w`);
    }
    const closed: Record<string, (v: number) => number> = {
      square: () => 2,
      log1p: (v) => -1 / (1 + v) ** 2,
      sin: (v) => -Math.sin(v),
      cos: (v) => -Math.cos(v),
    };
    for (const [name, op] of Object.entries(UNARY)) {
      const [d1] = grad(op(x).sum(), [x], { createGraph: true });
      const [d2] = grad(d1.sum(), [x]);
      expectClose(d2.data, Array.from(x.data, closed[name]), 1e-14, 1e-15, `${name}″`);
    }
  });

  it.each(fixtureCases("square", "log1p", "sin", "cos"))("square/log1p/sin/cos: match PyTorch (%s)", (_, c) => checkFixture(c));

  it("sin/cos: identity sin² + cos² = 1; log1p(expm1(x)) ≈ x; square(x) = x·x", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (v) => {
        const x = tensor([v]);
        expect(sin(x).square().add(cos(x).square()).item()).toBeCloseTo(1, 15);
        expect(square(x).item()).toBe(v * v);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.double({ min: -700, max: 700, noNaN: true }), (v) => {
        const back = log1p(expm1(tensor([v]))).item();
        // log1p's condition number at y = e^v − 1 is |y|/((1 + y)·|log1p y|): ≈ e^−v/|v| for v < −1,
        // so the rounding of y near −1 is amplified there (until y rounds to −1 + ε entirely).
        if (v > -1) expect(Math.abs(back - v)).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(v)));
        else if (v > -30) expect(Math.abs(back - v)).toBeLessThanOrEqual(2.3e-16 * Math.exp(-v));
        else expect(back).toBeLessThanOrEqual(-30);
      }),
      RUNS,
    );
  });

  it("square/log1p/sin/cos: exact and finite at the extremes where the math is finite", () => {
    expect(log1p(tensor([1e-300])).item()).toBe(1e-300);
    expect(log1p(tensor([-0])).item()).toBe(-0);
    expect(log1p(tensor([Number.MAX_VALUE])).item()).toBeCloseTo(709.782712893384, 12);
    expect(log1p(tensor([-1])).item()).toBe(-Infinity);
    expect(square(tensor([1e154])).item()).toBe(1e308);
    expect(square(tensor([1e-200])).item()).toBe(0);
    for (const v of [1e300, -1e300, Number.MAX_VALUE, 5e-324]) {
      const x = tensor([v], { requiresGrad: true });
      sin(x).add(cos(x)).sum().backward();
      expect(Number.isFinite(x.grad!.item())).toBe(true);
    }
    const t = tensor([1e-8], { requiresGrad: true });
    log1p(t).backward();
    expect(t.grad!.item()).toBe(1 / (1 + 1e-8));
  });

  it("square/log1p/sin/cos: float32 stays float32; methods and records", () => {
    for (const [name, op] of Object.entries(UNARY)) {
      const x = tensor(new Float32Array([0.25, 0.5]), { requiresGrad: true });
      const y = (x as any)[name]() as Tensor;
      expect(y.dtype).toBe("float32");
      expect(Array.from(y.data)).toEqual(Array.from(op(x).data));
      expect(y.node!.op).toBe(name);
      y.sum().backward();
      expect(x.grad!.dtype).toBe("float32");
    }
  });

  it("square/log1p/sin/cos: a non-tensor is a TypeError naming the op", () => {
    for (const [name, op] of Object.entries(UNARY)) {
      expectThrow(() => op([1, 2] as any), TypeError, new RegExp(`^${name}: input must be a Tensor, got object`));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// int32: index tensors

describe("int32 index tensors", () => {
  const logits = () =>
    tensor([
      [0.1, 2.0, -1.0],
      [3.0, 0.5, 3.0],
      [-2.0, -1.0, -0.5],
      [0.0, 0.0, 0.0],
    ]);

  it("int32: accuracy as PyTorch users write it — logits.argmax(1).eq(labels).mean() — a float number", () => {
    const pred = logits().argmax(1);
    expect(Array.from(pred.indices)).toEqual([1, 0, 2, 0]);
    // labels as a float tensor, as an int32 tensor, and as a number
    const acc = pred.eq(tensor([1, 2, 2, 0])).mean();
    expect(acc.dtype).toBe("float64");
    expect(acc.item()).toBe(0.75);
    expect(
      pred
        .eq(cast(tensor([1, 2, 2, 0]), "int32"))
        .mean()
        .item(),
    ).toBe(0.75);
    expect(pred.eq(0).sum().item()).toBe(2);
    // float32 labels give float32; with the default dtype float32, int32 vs int32 gives float32
    expect(pred.eq(tensor(new Float32Array([1, 2, 2, 0]))).dtype).toBe("float32");
    setDefaultDtype("float32");
    expect(pred.eq(pred).dtype).toBe("float32");
    expect(pred.ne(pred).mean().item()).toBe(0);
  });

  it("int32: comparisons with numbers compare the number itself (1.5 is not rounded)", () => {
    const i = cast(tensor([0, 1, 2]), "int32");
    expect(i.eq(1.5).toArray()).toEqual([0, 0, 0]);
    expect(i.gt(1.5).toArray()).toEqual([0, 0, 1]);
    expect(i.le(1).toArray()).toEqual([1, 1, 0]);
    expect(i.lt(tensor([[1], [3]])).toArray()).toEqual([
      [1, 0, 0],
      [1, 1, 1],
    ]);
    expect(i.ge(i).dtype).toBe("float64");
  });

  it("int32: round trips float64 → int32 → float64/float32 → int32 keep every value exactly", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 0, maxLength: 20 }), (v) => {
        const i = cast(tensor(v), "int32");
        expect(i.dtype).toBe("int32");
        expect(Array.from(i.indices)).toEqual(v);
        const f = cast(i, "float64");
        expect(f.dtype).toBe("float64");
        expect(Array.from(f.data)).toEqual(v);
        expect(Array.from(cast(f, "int32").indices)).toEqual(v);
        const small = v.map((k) => (k % 2 ** 24) | 0); // exact in float32 (and no −0)
        expect(Array.from(tensor(small).cast("int32").cast("float32").cast("int32").indices)).toEqual(small);
        expect(i.toArray()).toEqual(v);
      }),
      RUNS,
    );
  });

  it("int32: data is the Int32Array, and so is indices; toArray, item, printing, shape ops keep int32", () => {
    const p = logits().argmax(1, true);
    expect(p.data).toBeInstanceOf(Int32Array);
    expect(p.indices).toBe(p.data);
    expect(p.toArray()).toEqual([[1], [0], [2], [0]]);
    expect(p.select(0, 2).item()).toBe(2);
    expect(String(p.reshape([2, 2]))).toBe("tensor([[1, 0], [2, 0]], dtype=int32)");
    expect(String(cast(tensor([3e9 - 1e9, -5]), "int32"))).toBe("tensor([2000000000, -5], dtype=int32)");
    for (const t of [
      p.reshape([4]),
      p.squeeze(1),
      p.unsqueeze(0),
      p.flatten(),
      p.transpose(0, 1),
      p.permute(1, 0),
      p.expand([4, 3]),
      p.slice(0, 1, 3),
      p.select(1, 0),
      p.indexSelect(0, [3, 0]),
      p.gather(0, tensor([[1], [0]])),
      p.detach(),
      tensor(p),
    ]) {
      expect(t.dtype).toBe("int32");
      expect(t.requiresGrad).toBe(false);
    }
    expect(Array.from(p.reshape([4]).indexSelect(0, [3, 0, 2]).indices)).toEqual([0, 1, 2]);
    expect(p.maskedFill(p.eq(0), -1).toArray()).toEqual([[1], [-1], [2], [-1]]);
  });

  it("int32: index tensors feed indexing, gather and the losses directly", () => {
    const x = tensor(
      [
        [10, 11, 12],
        [20, 21, 22],
      ],
      { requiresGrad: true },
    );
    const idx = cast(tensor([2, 0]), "int32");
    expect(x.indexSelect(1, idx).toArray()).toEqual([
      [12, 10],
      [22, 20],
    ]);
    const z = logits();
    const loss = nn.crossEntropy(z, z.argmax(1));
    expect(Number.isFinite(loss.item())).toBe(true);
  });

  it("int32: never requires a gradient — setting requiresGrad is a TypeError; an op that would give one is too", () => {
    const p = logits().argmax(1);
    expectThrow(
      () => {
        p.requiresGrad = true;
      },
      TypeError,
      /^requiresGrad: an int32 tensor \(indices\) cannot require a gradient; cast it/,
    );
    expect(p.requiresGrad).toBe(false);
    // maskedFill keeps x's dtype: an int32 result cannot carry the fill value's gradient
    const v = tensor(5, { requiresGrad: true });
    expectThrow(
      () => p.maskedFill(p.eq(0), v),
      TypeError,
      /^maskedFill: the result is an int32 tensor .* cannot carry a gradient/,
    );
    // where mixes int32 and float: the result is float and only the float branch gets a gradient
    const w = tensor([10, 20, 30, 40], { requiresGrad: true });
    const mixed = where(p.gt(0), p, w); // p = [1, 0, 2, 0]
    expect(mixed.dtype).toBe("float64");
    expect(mixed.toArray()).toEqual([1, 20, 2, 40]);
    mixed.sum().backward();
    expect(Array.from(w.grad!.data)).toEqual([0, 1, 0, 1]);
  });

  it("int32: every differentiable op turns an int32 tensor away with a TypeError naming it and saying to cast", () => {
    const p = logits().argmax(1, true);
    const f = tensor([[1], [2], [3], [4]]);
    const cases: [string, (t: Tensor) => unknown][] = [
      ["add", (t) => t.add(1)],
      ["add", (t) => f.add(t)],
      ["sub", (t) => t.sub(f)],
      ["mul", (t) => t.mul(2)],
      ["div", (t) => t.div(2)],
      ["neg", (t) => t.neg()],
      ["exp", (t) => t.exp()],
      ["log", (t) => t.log()],
      ["pow", (t) => t.pow(2)],
      ["abs", (t) => t.abs()],
      ["sqrt", (t) => t.sqrt()],
      ["clamp", (t) => t.clamp(0, 1)],
      ["sum", (t) => t.sum()],
      ["mean", (t) => t.mean()],
      ["max", (t) => t.max()],
      ["min", (t) => t.min()],
      ["logsumexp", (t) => t.logsumexp()],
      ["var", (t) => t.var()],
      ["std", (t) => t.std()],
      ["maximum", (t) => t.maximum(0)],
      ["minimum", (t) => minimum(f, t)],
      ["square", (t) => t.square()],
      ["log1p", (t) => t.log1p()],
      ["sin", (t) => t.sin()],
      ["cos", (t) => t.cos()],
      ["matmul", (t) => t.matmul(tensor([[1]]))],
    ];
    for (const [name, fn] of cases) {
      const err = expectThrow(
        () => fn(p),
        TypeError,
        new RegExp(`^${name}: .*int32 tensor`),
        /cast it first: x\.cast\("float64"\)/,
      );
      expect(err.message).toMatch(/shape \[4,1\]/);
    }
    // and the same op works once cast
    expect(p.cast("float64").exp().dtype).toBe("float64");
  });

  it("int32: activations turn int32 away too (needs src/ops/define.ts to call expectTensor; see the issue-13 report)", () => {
    const p = logits().argmax(1);
    expectThrow(() => (p as any).sigmoid(), TypeError, /^sigmoid: .*int32 tensor/);
  });

  it("int32: tensor(Int32Array) keeps int32 (needs the src/tensor/create.ts change in the issue-13 report)", () => {
    expect(tensor(new Int32Array([1, 2])).dtype).toBe("int32");
  });

  it('int32: tensor(values, { dtype: "int32" }) makes int32 and rejects non-integers (needs the create.ts change)', () => {
    expect(tensor([1, 2], { dtype: "int32" as any }).dtype).toBe("int32");
    expectThrow(() => tensor([1.5], { dtype: "int32" as any }), RangeError, /^tensor: .*1\.5/);
  });

  it("int32: a large index tensor copied inside scope() stays int32 (needs src/memory/scope.ts's allocValues to skip the arena for int32)", () => {
    const dtype = scope(() => cast(tensor(new Array(100).fill(1)), "int32").slice(0, 0, 80).dtype);
    expect(dtype).toBe("int32");
  });

  it("int32: the creation functions other than tensor() and setDefaultDtype take float dtypes only (a clear TypeError)", () => {
    expectThrow(
      () => zeros([2], { dtype: "int32" }),
      TypeError,
      /^zeros: dtype must be "float32" or "float64", got "int32" \(int32 tensors come from argmax, argmin or cast/,
    );
    expectThrow(() => setDefaultDtype("int32" as any), TypeError, /^setDefaultDtype: dtype must be "float32" or "float64"/);
  });

  it("int32: cast to int32 rejects non-integers, out-of-range values, NaN and ∞, naming the first", () => {
    const x = leafWithGrad([1, 2.5, 3], [3]);
    expectBad(
      x,
      (t) => cast(t, "int32"),
      RangeError,
      /^cast: int32 values must be integers in \[-2\^31, 2\^31 − 1\]; got 2\.5/,
      /got 2\.5 at flat index 1 of shape \[3\]/,
    );
    for (const v of [NaN, Infinity, 2 ** 31, -(2 ** 31) - 1]) {
      expectThrow(() => cast(tensor([0, v]), "int32"), RangeError, new RegExp(`got ${v} at flat index 1`));
    }
    expectThrow(() => cast(x, "int64" as any), TypeError, /^cast: dtype must be "float32", "float64" or "int32", got "int64"/);
    // a float tensor with a graph casts to int32 with no graph (indices are not differentiable)
    const y = x.mul(2).sub(tensor([0, 1, 0]));
    const i = y.cast("int32");
    expect(i.requiresGrad).toBe(false);
    expect(i.toArray()).toEqual([2, 4, 6]);
  });

  it("int32: indices is a TypeError on a float tensor", () => {
    expectThrow(() => tensor([1]).indices, TypeError, /^indices: this is a float64 tensor; indices belong to int32 tensors/);
  });

  it("int32: exp of an int32 tensor names exp (the free function too)", () => {
    expectThrow(() => exp(logits().argmax(0)), TypeError, /^exp: input is an int32 tensor/);
  });
});

// ---------------------------------------------------------------------------------------------
// Methods: any number of arguments

describe("methods", () => {
  it("every new op is a method that passes all its arguments (installMethod takes any number)", () => {
    const x = tensor([
      [1, 5, 2],
      [0, 3, 3],
    ]);
    expect(x.min(1, true).toArray()).toEqual([[1], [0]]);
    const v = x.var(1, { correction: 0, keepDims: true });
    expect(v.shape).toEqual([2, 1]);
    expectClose(v.data, [26 / 9, 2], 1e-15, 0, "var");
    expect(x.std(null, { correction: 1 }).item()).toBeCloseTo(std(x).item(), 15);
    expect(x.logsumexp(0, true).shape).toEqual([1, 3]);
    expect(x.argmax(1, true).shape).toEqual([2, 1]);
    expect(x.argmin()).toBe(3);
    // slice takes four arguments through its own method; a method of installMethod takes as many
    expect(x.slice(1, 0, 3, 2).toArray()).toEqual([
      [1, 2],
      [0, 3],
    ]);
  });
});
