/**
 * The seven activations: the `activations` table, gradchecks of every forward, the table's
 * backward rule against what the engine records, the textbook identities as properties,
 * second derivatives against closed forms, and both dtypes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  activations,
  grad,
  gradcheck,
  logSoftmax,
  maxout,
  relu,
  sigmoid,
  softmax,
  softplus,
  tanh,
  type Tensor,
  tensor,
} from "../src/index.js";
import type { ActivationName, DType } from "../src/index.js";
import { NAMES, table } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Local helpers.

const RUNS = { numRuns: 40 };

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Element-wise |actual − expected| ≤ atol + rtol·|expected|, with a message naming the element. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 0, what = ""): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i],
      e = expected[i];
    const err = Math.abs(a - e);
    if (!(err <= atol + rtol * Math.abs(e))) {
      throw new Error(`${what}[${i}]: got ${a}, expected ${e} (|err| = ${err}, tol = ${atol + rtol * Math.abs(e)})`);
    }
  }
}

/** A deterministic pseudo-random vector in ±[0.1, 2] (never 0), so upstream grads are non-trivial. */
function upstream(n: number, seed: number): number[] {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 4294967296;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push((s & 1 ? 1 : -1) * (0.1 + 1.9 * u));
  }
  return out;
}

/** The flat indices of every vector along `axis` of a row-major tensor of `shape`. */
function lines(shape: readonly number[], axis: number): number[][] {
  const ax = axis < 0 ? axis + shape.length : axis;
  let outer = 1,
    inner = 1;
  for (let i = 0; i < ax; i++) outer *= shape[i];
  for (let i = ax + 1; i < shape.length; i++) inner *= shape[i];
  const n = shape[ax];
  const out: number[][] = [];
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const idx: number[] = [];
      for (let i = 0; i < n; i++) idx.push(o * n * inner + i * inner + q);
      out.push(idx);
    }
  }
  return out;
}

/** Explicit σ(x) in float64 (the reference the tests compare with). */
function sig(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Explicit softmax of one vector. */
function softmaxRef(a: number[]): number[] {
  const m = Math.max(...a);
  const e = a.map((v) => Math.exp(v - m));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((v) => v / s);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

interface Case {
  shape: number[];
  values: number[];
  args: number[];
}

const dimsArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 });
const valArb = (lo = -5, hi = 5) => fc.double({ min: lo, max: hi, noNaN: true });

function tensorArb(v: fc.Arbitrary<number> = valArb()): fc.Arbitrary<{ shape: number[]; values: number[] }> {
  return dimsArb.chain((shape) =>
    fc.array(v, { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((values) => ({ shape, values })),
  );
}

/** Away from relu's kink. */
const awayFromZero = valArb().filter((x) => Math.abs(x) > 1e-3);

/** Values in every group of `pieces` at least `gap` apart (no ties, no near-ties). */
function distinctGroups(values: number[], pieces: number, gap: number): boolean {
  for (let b = 0; b < values.length; b += pieces) {
    for (let i = b; i < b + pieces; i++) {
      for (let j = i + 1; j < b + pieces; j++) if (!(Math.abs(values[i] - values[j]) > gap)) return false;
    }
  }
  return true;
}

/**
 * Rank 1–3, dims 1–5, pieces ∈ {1, 2, 3} dividing the last axis. With `distinct`, the values of
 * each group are built at least 1.5e-3 apart (distinct grid points k/500 in [−5, 5] plus a
 * jitter below 5e-4), so there are no ties and no near-ties without any rejection sampling.
 */
function maxoutArb(v: fc.Arbitrary<number> | "distinct"): fc.Arbitrary<Case> {
  return fc
    .record({
      lead: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }),
      last: fc.integer({ min: 1, max: 5 }),
    })
    .chain(({ lead, last }) =>
      fc.constantFrom(...[1, 2, 3].filter((p) => last % p === 0)).chain((pieces) => {
        const shape = [...lead, last];
        const n = sizeOf(shape);
        const values =
          v === "distinct"
            ? fc
                .array(
                  fc.uniqueArray(
                    fc.tuple(fc.integer({ min: -2500, max: 2499 }), fc.double({ min: 0, max: 4.9e-4, noNaN: true })),
                    { minLength: pieces, maxLength: pieces, selector: ([k]) => k },
                  ),
                  { minLength: n / pieces, maxLength: n / pieces },
                )
                .map((groups) => groups.flat().map(([k, j]) => k / 500 + j))
            : fc.array(v, { minLength: n, maxLength: n });
        return values.map((vals) => ({ shape, values: vals, args: [pieces] }));
      }),
    );
}

/** An axis in [−rank, rank − 1]. */
function withAxis(t: { shape: number[]; values: number[] }): fc.Arbitrary<Case> {
  const r = t.shape.length;
  return fc.integer({ min: -r, max: r - 1 }).map((axis) => ({ ...t, args: [axis] }));
}

/** Inputs for each activation, kept away from kinks and ties; softmax axes default or explicit. */
function caseArb(name: (typeof NAMES)[number]): fc.Arbitrary<Case> {
  switch (name) {
    case "relu":
      return tensorArb(awayFromZero).map((t) => ({ ...t, args: [] }));
    case "maxout":
      return maxoutArb("distinct");
    case "softmax":
    case "logSoftmax":
      return fc.oneof(
        tensorArb().map((t) => ({ ...t, args: [] })),
        tensorArb().chain(withAxis),
      );
    default:
      return tensorArb().map((t) => ({ ...t, args: [] }));
  }
}

function leaf(c: { shape: number[]; values: number[] }, dtype: DType = "float64"): Tensor {
  return tensor(c.values, { shape: c.shape, dtype, requiresGrad: true });
}

// ---------------------------------------------------------------------------------------------

describe("the activations table", () => {
  it("holds the seven activations of the seed and the four added through defineActivation", () => {
    expect(Object.keys(activations).sort()).toEqual([...NAMES, "leakyRelu", "elu", "gelu", "silu"].sort());
  });

  for (const name of NAMES) {
    it(`${name}: name matches its key, formula and derivative text are non-empty`, () => {
      const spec = table[name];
      expect(spec.name).toBe(name);
      expect(typeof spec.formula).toBe("string");
      expect(spec.formula.trim().length).toBeGreaterThan(0);
      expect(typeof spec.derivative).toBe("string");
      expect(spec.derivative.trim().length).toBeGreaterThan(0);
      expect(typeof spec.forward).toBe("function");
      expect(typeof spec.backward).toBe("function");
    });
  }

  for (const name of NAMES) {
    it(`${name}: gradcheck passes on random shapes (rank 1–3, dims 1–5, values in [−5, 5])`, () => {
      const spec = table[name];
      fc.assert(
        fc.property(caseArb(name), (c) => {
          const r = gradcheck((x) => spec.forward(x, ...c.args), [leaf(c)]);
          expect(r.passed, `worst: ${JSON.stringify(r.worst)} args ${JSON.stringify(c.args)}`).toBe(true);
        }),
        RUNS,
      );
    });
  }

  for (const name of ["softmax", "logSoftmax"] as const) {
    it(`${name}: gradcheck along a negative axis of a rank ≥ 2 tensor`, () => {
      const spec = table[name];
      const arb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 3 }).chain((shape) =>
        fc
          .record({
            values: fc.array(valArb(), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }),
            axis: fc.integer({ min: -shape.length, max: -2 }),
          })
          .map(({ values, axis }) => ({ shape, values, axis })),
      );
      fc.assert(
        fc.property(arb, (c) => {
          const r = gradcheck((x) => spec.forward(x, c.axis), [leaf(c)]);
          expect(r.passed, JSON.stringify(r.worst)).toBe(true);
        }),
        RUNS,
      );
    });

    it(`${name}: axis a and a − rank give the same values and gradients, different from the last axis`, () => {
      const spec = table[name];
      const x = tensor(
        [
          [0.5, -1, 2],
          [3, 0.25, -0.75],
        ],
        { requiresGrad: true },
      );
      const g = tensor([
        [1, -2, 0.5],
        [0.3, 1.5, -1],
      ]);
      for (const axis of [0, 1]) {
        const a = spec.forward(x, axis),
          b = spec.forward(x, axis - 2);
        expect(Array.from(b.data)).toEqual(Array.from(a.data));
        const [ga] = grad(a, [x], { gradOutputs: [g] });
        const [gb] = grad(b, [x], { gradOutputs: [g] });
        expect(Array.from(gb.data)).toEqual(Array.from(ga.data));
      }
      // Axis 0 really normalizes the columns: each column is the softmax of that column.
      const col = spec.forward(x, -2).data;
      const ref = softmaxRef([0.5, 3]);
      const want = name === "softmax" ? ref : ref.map(Math.log);
      expectClose([col[0], col[3]], want, 1e-15, 1e-14, `${name} column 0`);
      expect(Array.from(spec.forward(x, 0).data)).not.toEqual(Array.from(spec.forward(x).data));
    });
  }

  for (const name of NAMES) {
    it(`${name}: the table's backward({ x, y, grad }, ...args) is exactly the gradient backward() produces`, () => {
      const spec = table[name];
      fc.assert(
        fc.property(caseArb(name), fc.integer({ min: 1, max: 1e6 }), (c, seed) => {
          const x = leaf(c);
          const y = spec.forward(x, ...c.args);
          const g = tensor(upstream(y.size, seed), { shape: y.shape });
          y.backward(g);
          const want = spec.backward({ x: x.detach(), y: y.detach(), grad: g }, ...c.args);
          expect(x.grad).not.toBeNull();
          expect(x.grad!.shape).toEqual(c.shape);
          expect(Array.from(x.grad!.data)).toEqual(Array.from(want.data));
        }),
        RUNS,
      );
    });
  }
});

describe("identities", () => {
  const vec = (lo: number, hi: number) => fc.array(valArb(lo, hi), { minLength: 1, maxLength: 20 });

  it("σ(−x) = 1 − σ(x)", () => {
    fc.assert(
      fc.property(vec(-40, 40), (xs) => {
        const a = sigmoid(tensor(xs).neg()).data;
        const b = Array.from(sigmoid(tensor(xs)).data, (s) => 1 - s);
        expectClose(a, b, 2e-16, 0, "σ(−x)");
      }),
      RUNS,
    );
  });

  it("tanh(x) = 2σ(2x) − 1", () => {
    fc.assert(
      fc.property(vec(-20, 20), (xs) => {
        const a = tanh(tensor(xs)).data;
        const b = sigmoid(tensor(xs).mul(2)).mul(2).sub(1).data;
        expectClose(a, b, 1e-15, 0, "tanh");
      }),
      RUNS,
    );
  });

  it("softplus(x) − softplus(−x) = x", () => {
    fc.assert(
      fc.property(vec(-50, 50), (xs) => {
        const d = softplus(tensor(xs)).sub(softplus(tensor(xs).neg())).data;
        expectClose(d, xs, 1e-15, 1e-14, "softplus difference");
      }),
      RUNS,
    );
  });

  it("softplus′ = σ (through backward)", () => {
    fc.assert(
      fc.property(vec(-30, 30), (xs) => {
        const x = tensor(xs, { requiresGrad: true });
        softplus(x).sum().backward();
        expectClose(x.grad!.data, xs.map(sig), 1e-16, 1e-15, "softplus′");
        expectClose(x.grad!.data, sigmoid(tensor(xs)).data, 1e-16, 1e-15, "softplus′ vs sigmoid");
      }),
      RUNS,
    );
  });

  it("relu(x) − relu(−x) = x", () => {
    fc.assert(
      fc.property(vec(-1e6, 1e6), (xs) => {
        const d = relu(tensor(xs)).sub(relu(tensor(xs).neg())).data;
        for (let i = 0; i < xs.length; i++) expect(d[i] === xs[i], `at ${xs[i]}: got ${d[i]}`).toBe(true);
      }),
      RUNS,
    );
  });

  it("the maximum of σ′ over a fine grid is 1/4, reached only at x = 0", () => {
    const xs: number[] = [];
    for (let i = -10000; i <= 10000; i++) xs.push(i / 1000);
    const x = tensor(xs, { requiresGrad: true });
    sigmoid(x).sum().backward();
    const d = x.grad!.data;
    let best = 0;
    for (let i = 1; i < d.length; i++) if (d[i] > d[best]) best = i;
    expect(d[best]).toBe(0.25);
    expect(xs[best]).toBe(0);
    expect(Array.from(d).filter((v) => v >= 0.25)).toHaveLength(1);
    // and it is symmetric: σ′(−x) = σ′(x)
    for (let i = 0; i < d.length; i++) expect(Math.abs(d[i] - d[d.length - 1 - i])).toBeLessThan(1e-15);
  });

  const axisCase = tensorArb(valArb(-10, 10)).chain(withAxis);

  it("softmax: every vector along the axis sums to 1, entries in [0, 1]", () => {
    fc.assert(
      fc.property(axisCase, (c) => {
        const y = softmax(tensor(c.values, { shape: c.shape }), c.args[0]).data;
        for (const idx of lines(c.shape, c.args[0])) {
          const s = idx.reduce((p, i) => p + y[i], 0);
          expect(Math.abs(s - 1)).toBeLessThan(1e-14);
          for (const i of idx) expect(y[i] >= 0 && y[i] <= 1).toBe(true);
          // matches the explicit softmax of that vector
          expectClose(
            idx.map((i) => y[i]),
            softmaxRef(idx.map((i) => c.values[i])),
            1e-16,
            1e-13,
            "softmax",
          );
        }
      }),
      RUNS,
    );
  });

  it("softmax is shift-invariant: adding a constant to each vector changes nothing", () => {
    fc.assert(
      fc.property(axisCase, fc.array(valArb(-100, 100), { minLength: 125, maxLength: 125 }), (c, cs) => {
        const axis = c.args[0];
        const ax = axis < 0 ? axis + c.shape.length : axis;
        const cShape = c.shape.map((d, i) => (i === ax ? 1 : d));
        const shift = tensor(cs.slice(0, sizeOf(cShape)), { shape: cShape });
        const x = tensor(c.values, { shape: c.shape });
        const a = softmax(x, axis).data;
        const b = softmax(x.add(shift), axis).data;
        expectClose(b, a, 1e-13, 1e-12, "shifted softmax");
      }),
      RUNS,
    );
  });

  it("softmax VJP sums to 0 along the axis and equals Σ_i g_i S_i(δ_ij − S_j) from the explicit Jacobian", () => {
    fc.assert(
      fc.property(axisCase, fc.integer({ min: 1, max: 1e6 }), (c, seed) => {
        const axis = c.args[0];
        const x = tensor(c.values, { shape: c.shape, requiresGrad: true });
        const y = softmax(x, axis);
        const gv = upstream(y.size, seed);
        const [dx] = grad(y, [x], { gradOutputs: [tensor(gv, { shape: c.shape })] });
        const S = y.data,
          d = dx.data;
        for (const idx of lines(c.shape, axis)) {
          const s = idx.reduce((p, i) => p + d[i], 0);
          expect(Math.abs(s)).toBeLessThan(1e-14);
          // J[i][j] = ∂S_i/∂a_j = S_i(δ_ij − S_j);  (Jᵀ g)_j = Σ_i g_i J[i][j]
          const want = idx.map((j) => idx.reduce((p, i) => p + gv[i] * S[i] * ((i === j ? 1 : 0) - S[j]), 0));
          expectClose(
            idx.map((j) => d[j]),
            want,
            1e-15,
            1e-12,
            "softmax VJP",
          );
        }
      }),
      RUNS,
    );
  });

  it("exp(logSoftmax(x)) = softmax(x)", () => {
    fc.assert(
      fc.property(tensorArb(valArb(-30, 30)).chain(withAxis), (c) => {
        const x = tensor(c.values, { shape: c.shape });
        const a = logSoftmax(x, c.args[0]).exp().data;
        const b = softmax(x, c.args[0]).data;
        expectClose(a, b, 1e-300, 1e-13, "exp∘logSoftmax");
        // and logSoftmax is the log-sum-exp form: a − logΣe^a
        for (const idx of lines(c.shape, c.args[0])) {
          const v = idx.map((i) => c.values[i]);
          const m = Math.max(...v);
          const lse = m + Math.log(v.reduce((p, q) => p + Math.exp(q - m), 0));
          expectClose(
            idx.map((i) => logSoftmax(x, c.args[0]).data[i]),
            v.map((q) => q - lse),
            1e-13,
            1e-14,
            "lsm",
          );
        }
      }),
      RUNS,
    );
  });

  it("maxout routes each group's gradient to exactly one element, the first arg-max (ties included)", () => {
    // Small integers, so ties are frequent.
    const arb = maxoutArb(fc.integer({ min: -2, max: 2 }));
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 1e6 }), (c, seed) => {
        const pieces = c.args[0];
        const x = leaf(c);
        const y = maxout(x, pieces);
        expect(y.shape).toEqual([...c.shape.slice(0, -1), c.shape[c.shape.length - 1] / pieces]);
        const gv = upstream(y.size, seed);
        y.backward(tensor(gv, { shape: y.shape }));
        const d = x.grad!.data;
        for (let j = 0; j < y.size; j++) {
          const group = c.values.slice(j * pieces, (j + 1) * pieces);
          const m = Math.max(...group);
          expect(y.data[j]).toBe(m);
          const first = group.indexOf(m);
          const nonZero = [...d.slice(j * pieces, (j + 1) * pieces)].map((v, k) => [v, k]).filter(([v]) => v !== 0);
          expect(nonZero).toEqual([[gv[j], first]]);
        }
      }),
      RUNS,
    );
  });

  /** z with last axis [.., a_i, b_i, ..] interleaved, built differentiably from x (a/b = x or 0). */
  function pairUp(x: Tensor, xFirst: boolean): Tensor {
    const n = x.shape[x.shape.length - 1];
    const sel = tensor(xFirst ? [1, 0] : [0, 1]);
    // x·1 + 0 = x and x·0 + 0 = +0 (the + 0 turns a −0 from a negative x into +0)
    return x
      .reshape([...x.shape, 1])
      .mul(sel)
      .add(0)
      .reshape([...x.shape.slice(0, -1), 2 * n]);
  }

  function reluVsMaxout(c: { shape: number[]; values: number[] }, seed: number, xFirst: boolean): void {
    const gv = upstream(sizeOf(c.shape), seed);
    const g = tensor(gv, { shape: c.shape });
    const x1 = leaf(c),
      x2 = leaf(c);
    const r = relu(x1);
    const m = maxout(pairUp(x2, xFirst), 2);
    expect(m.shape).toEqual(c.shape);
    for (let i = 0; i < r.size; i++) expect(m.data[i] === r.data[i], `value at x = ${c.values[i]}`).toBe(true);
    r.backward(g);
    m.backward(g);
    for (let i = 0; i < r.size; i++) {
      expect(x2.grad!.data[i] === x1.grad!.data[i], `gradient at x = ${c.values[i]}`).toBe(true);
      expect(x1.grad!.data[i]).toBe(c.values[i] > 0 ? gv[i] : 0);
    }
  }

  it("relu(x) = maxout over the pair [x, 0] (values and gradients), x ≠ 0", () => {
    fc.assert(
      fc.property(tensorArb(valArb(-5, 5).filter((v) => v !== 0)), fc.integer({ min: 1, max: 1e6 }), (c, seed) =>
        reluVsMaxout(c, seed, true),
      ),
      RUNS,
    );
  });

  it("relu(x) = maxout over the pair [0, x] everywhere, the kink included (the tie goes to the 0)", () => {
    const withZeros = fc.oneof(valArb(-5, 5), fc.constantFrom(0, -0));
    fc.assert(
      fc.property(tensorArb(withZeros), fc.integer({ min: 1, max: 1e6 }), (c, seed) => reluVsMaxout(c, seed, false)),
      RUNS,
    );
  });
});

describe("conventions at kinks and ties", () => {
  it("relu′(0) is 0", () => {
    const x = tensor([0, -0, 1, -1], { requiresGrad: true });
    relu(x).backward(tensor([3, 3, 3, 3]));
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 3, 0]);
    const z = tensor([0, -0], { requiresGrad: true });
    const [dz] = grad(relu(z).sum(), [z]);
    expect(Array.from(dz.data)).toEqual([0, 0]);
  });

  it("relu(−0) is +0", () => {
    const y = relu(tensor([-0, 0])).data;
    expect(Object.is(y[0], 0)).toBe(true);
    expect(Object.is(y[1], 0)).toBe(true);
  });

  it("maxout ties go to the first arg-max", () => {
    const a = tensor([2, 2], { requiresGrad: true });
    const ya = maxout(a, 2);
    expect(Array.from(ya.data)).toEqual([2]);
    ya.sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([1, 0]);

    const b = tensor([1, 3, 3], { requiresGrad: true });
    const yb = maxout(b, 3);
    expect(Array.from(yb.data)).toEqual([3]);
    yb.backward(tensor([5]));
    expect(Array.from(b.grad!.data)).toEqual([0, 5, 0]);

    const c = tensor(
      [
        [1, 3, 2, 2],
        [-1, -1, 7, 7],
      ],
      { requiresGrad: true },
    );
    const yc = maxout(c, 2);
    expect(yc.toArray()).toEqual([
      [3, 2],
      [-1, 7],
    ]);
    yc.sum().backward();
    expect(c.grad!.toArray()).toEqual([
      [0, 1, 1, 0],
      [1, 0, 1, 0],
    ]);

    const d = tensor([0, 4, 4, 4, 1, 4], { requiresGrad: true });
    maxout(d, 6).sum().backward();
    expect(Array.from(d.grad!.data)).toEqual([0, 1, 0, 0, 0, 0]);
  });
});

describe("second derivatives (grad of grad with createGraph)", () => {
  const vec = fc.array(valArb(-6, 6), { minLength: 1, maxLength: 20 });

  function secondDerivative(f: (x: Tensor) => Tensor, xs: number[]): { d1: number[]; d2: number[] } {
    const x = tensor(xs, { requiresGrad: true });
    const [dx] = grad(f(x).sum(), [x], { createGraph: true });
    expect(dx.requiresGrad).toBe(true);
    const [d2x] = grad(dx.sum(), [x]);
    return { d1: Array.from(dx.data), d2: Array.from(d2x.data) };
  }

  it("σ″ = σ′(1 − 2σ)", () => {
    fc.assert(
      fc.property(vec, (xs) => {
        const { d1, d2 } = secondDerivative(sigmoid, xs);
        const s = xs.map(sig);
        expectClose(
          d1,
          s.map((v) => v * (1 - v)),
          1e-16,
          1e-13,
          "σ′",
        );
        expectClose(
          d2,
          s.map((v) => v * (1 - v) * (1 - 2 * v)),
          1e-16,
          1e-12,
          "σ″",
        );
      }),
      RUNS,
    );
  });

  it("tanh″ = −2·tanh·(1 − tanh²)", () => {
    fc.assert(
      fc.property(vec, (xs) => {
        const { d1, d2 } = secondDerivative(tanh, xs);
        const t = xs.map(Math.tanh);
        expectClose(
          d1,
          t.map((v) => 1 - v * v),
          1e-16,
          1e-12,
          "tanh′",
        );
        expectClose(
          d2,
          t.map((v) => -2 * v * (1 - v * v)),
          1e-16,
          1e-12,
          "tanh″",
        );
      }),
      RUNS,
    );
  });

  it("softplus″ = σ′ = σ(1 − σ)", () => {
    fc.assert(
      fc.property(vec, (xs) => {
        const { d1, d2 } = secondDerivative(softplus, xs);
        const s = xs.map(sig);
        expectClose(d1, s, 1e-16, 1e-14, "softplus′");
        expectClose(
          d2,
          s.map((v) => v * (1 - v)),
          1e-16,
          1e-13,
          "softplus″",
        );
      }),
      RUNS,
    );
  });

  it("relu″ = 0 (and relu′ = [x > 0])", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(valArb(-6, 6), fc.constant(0)), { minLength: 1, maxLength: 20 }), (xs) => {
        const x = tensor(xs, { requiresGrad: true });
        const [dx] = grad(relu(x).sum(), [x], { createGraph: true });
        expect(Array.from(dx.data)).toEqual(xs.map((v) => (v > 0 ? 1 : 0)));
        // the gradient is itself differentiable w.r.t. x (through a multiplier) and the result is 0
        const [d2x] = grad(dx.mul(x).sum(), [x]);
        // d/dx Σ relu′(x)·x = relu′(x) + x·relu″(x) = relu′(x)
        expect(Array.from(d2x.data)).toEqual(xs.map((v) => (v > 0 ? 1 : 0)));
        const [d2] = dx.requiresGrad ? grad(dx.sum(), [x]) : [tensor(new Array<number>(xs.length).fill(0))];
        expect(Array.from(d2.data).every((v) => v === 0)).toBe(true);
      }),
      RUNS,
    );
  });

  /** H of f(a) = Σ_i w_i S_i(a) for one vector: Σ_i w_i S_i[(δij − S_j)(δik − S_k) − S_j(δjk − S_k)]. */
  function softmaxHessian(a: number[], w: number[]): number[][] {
    const S = softmaxRef(a),
      n = a.length;
    const d = (p: number, q: number) => (p === q ? 1 : 0);
    const H: number[][] = [];
    for (let j = 0; j < n; j++) {
      H.push([]);
      for (let k = 0; k < n; k++) {
        let h = 0;
        for (let i = 0; i < n; i++) h += w[i] * S[i] * ((d(i, j) - S[j]) * (d(i, k) - S[k]) - S[j] * (d(j, k) - S[k]));
        H[j].push(h);
      }
    }
    return H;
  }

  /** H of f(a) = Σ_i w_i logSoftmax_i(a): −(Σ w) S_j(δjk − S_k). */
  function logSoftmaxHessian(a: number[], w: number[]): number[][] {
    const S = softmaxRef(a),
      W = w.reduce((p, q) => p + q, 0);
    return S.map((sj, j) => S.map((sk, k) => -W * sj * ((j === k ? 1 : 0) - sk)));
  }

  for (const [name, fn, hessian] of [
    ["softmax", softmax, softmaxHessian],
    ["logSoftmax", logSoftmax, logSoftmaxHessian],
  ] as const) {
    it(`${name} Hessian-vector product of Σ w ⊙ ${name}(x) matches the explicit Hessian and a finite difference`, () => {
      fc.assert(
        fc.property(tensorArb(valArb(-4, 4)).chain(withAxis), fc.integer({ min: 1, max: 1e6 }), (c, seed) => {
          const axis = c.args[0];
          const n = sizeOf(c.shape);
          const wv = upstream(n, seed),
            vv = upstream(n, seed + 7);
          const w = tensor(wv, { shape: c.shape }),
            v = tensor(vv, { shape: c.shape });
          const gradAt = (vals: number[], createGraph: boolean) => {
            const x = tensor(vals, { shape: c.shape, requiresGrad: true });
            const [gx] = grad(fn(x, axis).mul(w).sum(), [x], { createGraph });
            return { x, gx };
          };
          const { x, gx } = gradAt(c.values, true);
          const [hv] = grad(gx.mul(v).sum(), [x]);

          // explicit Hessian, per vector along the axis (vectors do not interact)
          const want = new Array<number>(n).fill(0);
          for (const idx of lines(c.shape, axis)) {
            const H = hessian(
              idx.map((i) => c.values[i]),
              idx.map((i) => wv[i]),
            );
            idx.forEach((j, a) => (want[j] = idx.reduce((p, k, b) => p + H[a][b] * vv[k], 0)));
          }
          expectClose(hv.data, want, 1e-13, 1e-11, `${name} Hv`);

          // central finite difference of the gradient along v
          const eps = 1e-5;
          const up = gradAt(
            c.values.map((q, i) => q + eps * vv[i]),
            false,
          ).gx.data;
          const dn = gradAt(
            c.values.map((q, i) => q - eps * vv[i]),
            false,
          ).gx.data;
          const fd = Array.from(up, (u, i) => (u - dn[i]) / (2 * eps));
          expectClose(hv.data, fd, 1e-7, 1e-6, `${name} Hv vs FD`);
        }),
        { numRuns: 30 },
      );
    });
  }
});

describe("float32", () => {
  /** Runs forward and backward (with upstream g) in one dtype on the same (float32-representable) values. */
  function run(name: ActivationName, c: Case, gv: number[], dtype: DType) {
    const spec = table[name];
    const x = leaf(c, dtype);
    const y = spec.forward(x, ...c.args);
    y.backward(tensor(gv, { shape: y.shape, dtype }));
    return { x, y };
  }

  for (const name of NAMES) {
    it(`${name}: float32 stays Float32Array and agrees with float64 to ~1e-6`, () => {
      fc.assert(
        fc.property(caseArb(name), fc.integer({ min: 1, max: 1e6 }), (c0, seed) => {
          const c = { ...c0, values: c0.values.map(Math.fround) };
          if (name === "maxout" && !distinctGroups(c.values, c.args[0], 0)) return; // rounding made a tie
          if (name === "relu" && c.values.some((v) => v === 0)) return;
          const outSize = name === "maxout" ? sizeOf(c.shape) / c.args[0] : sizeOf(c.shape);
          const gv = upstream(outSize, seed).map(Math.fround);
          const r32 = run(name, c, gv, "float32");
          const r64 = run(name, c, gv, "float64");
          expect(r32.y.dtype).toBe("float32");
          expect(r32.y.data).toBeInstanceOf(Float32Array);
          expect(r32.x.grad!.dtype).toBe("float32");
          expect(r32.x.grad!.data).toBeInstanceOf(Float32Array);
          expect(r64.y.data).toBeInstanceOf(Float64Array);
          expectClose(r32.y.data, r64.y.data, 1e-300, 1e-6, `${name} f32 value`);
          const gmax = Math.max(...gv.map(Math.abs));
          const g64 = r64.x.grad!.data;
          const tol = Array.from(g64, (v) => 1e-6 * (Math.abs(v) + gmax));
          for (let i = 0; i < g64.length; i++) {
            const err = Math.abs(r32.x.grad!.data[i] - g64[i]);
            expect(err, `${name} f32 grad[${i}]: ${r32.x.grad!.data[i]} vs ${g64[i]}`).toBeLessThanOrEqual(tol[i]);
          }
        }),
        { numRuns: 25 },
      );
    });
  }

  it("key values in both dtypes", () => {
    const ln2 = Math.LN2,
      ln3 = Math.log(3);
    for (const dtype of ["float64", "float32"] as const) {
      const rt = dtype === "float32" ? 1e-6 : 1e-15;
      const Arr = dtype === "float32" ? Float32Array : Float64Array;
      const check = (name: ActivationName, xs: number[], args: number[], y: number[], dy: number[], shape = [xs.length]) => {
        const x = tensor(xs, { shape, dtype, requiresGrad: true });
        const out = table[name].forward(x, ...args);
        expect(out.data).toBeInstanceOf(Arr);
        expectClose(out.data, y, 1e-300, rt, `${dtype} ${name}`);
        out.sum().backward();
        expect(x.grad!.data).toBeInstanceOf(Arr);
        expectClose(x.grad!.data, dy, 1e-7 * (dtype === "float32" ? 1 : 1e-9), rt, `${dtype} ${name}′`);
      };
      check("sigmoid", [0, 2], [], [0.5, sig(2)], [0.25, sig(2) * (1 - sig(2))]);
      check("tanh", [0, 0.5], [], [0, Math.tanh(0.5)], [1, 1 - Math.tanh(0.5) ** 2]);
      check("relu", [-1.5, 2], [], [0, 2], [0, 1]);
      check("softplus", [0, 3], [], [ln2, Math.log1p(Math.exp(3))], [0.5, sig(3)]);
      check("softmax", [0, ln3], [], [0.25, 0.75], [0, 0]);
      check("logSoftmax", [0, ln3], [], [Math.log(0.25), Math.log(0.75)], [1 - 2 * 0.25, 1 - 2 * 0.75]);
      check("maxout", [1, 3, 2, 2], [2], [3, 2], [0, 1, 1, 0]);
    }
  });

  it("second derivatives stay float32 and match σ″ to ~1e-6", () => {
    const xs = [-3, -0.5, 0, 0.75, 2.5].map(Math.fround);
    const x = tensor(xs, { dtype: "float32", requiresGrad: true });
    const [dx] = grad(sigmoid(x).sum(), [x], { createGraph: true });
    const [d2x] = grad(dx.sum(), [x]);
    expect(dx.data).toBeInstanceOf(Float32Array);
    expect(d2x.data).toBeInstanceOf(Float32Array);
    const s = xs.map(sig);
    expectClose(
      d2x.data,
      s.map((v) => v * (1 - v) * (1 - 2 * v)),
      1e-7,
      1e-5,
      "f32 σ″",
    );
  });
});

describe("piecewise-linear second derivatives", () => {
  it("maxout″ and max″ are zero (grad of grad gives zeros, not an error)", () => {
    const x = tensor([[0.3, -1.2, 2.5, 0.7]], { requiresGrad: true });
    const [d1] = grad(
      x
        .maxout(2)
        .mul(tensor([[2, 3]]))
        .sum(),
      [x],
      { createGraph: true },
    );
    expect(Array.from(d1.data)).toEqual([2, 0, 3, 0]);
    const [d2] = grad(d1.mul(d1).sum(), [x]);
    expect(Array.from(d2.data)).toEqual([0, 0, 0, 0]);
    const [m1] = grad(x.max(-1).sum(), [x], { createGraph: true });
    const [m2] = grad(m1.sum(), [x]);
    expect(Array.from(m2.data)).toEqual([0, 0, 0, 0]);
  });
});
