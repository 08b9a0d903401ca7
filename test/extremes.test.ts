/**
 * Every activation at the edges of the float range: values, gradients and second-order
 * gradients stay finite (no NaN, no ±Infinity) at ±1e3, ±1e300, ±MAX_VALUE, ±0 and subnormals
 * in float64, and at the float32-representable ones in float32; plus the known exact values
 * (σ(−1000) = 0, softplus(1000) = 1000, softmax([1000, 1001]) = softmax([0, 1]), …).
 */
import { describe, expect, it } from "vitest";
import { grad, logSoftmax, maxout, relu, sigmoid, softmax, softplus, tanh, type Tensor, tensor } from "../src/index.js";
import type { ActivationName, DType } from "../src/index.js";
import { NAMES, table } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Local helpers.

const MAX = Number.MAX_VALUE;
const F32_MAX = 3.4028234663852886e38;
const F64_VALUES = [1e3, -1e3, 1e300, -1e300, MAX, -MAX, 0, -0, 5e-324, Number.MIN_VALUE];
const F32_VALUES = [1e3, -1e3, 3e38, -3e38, 0, -0, 1e-45].map(Math.fround);

interface Input {
  label: string;
  shape: number[];
  values: number[];
  args: number[];
}

/** Every ordered pair (a, b) of `vals`, flattened: [a0, b0, a1, b1, …]. */
function pairs(vals: number[]): number[] {
  const out: number[] = [];
  for (const a of vals) for (const b of vals) out.push(a, b);
  return out;
}

/** Transposes an [r, c] row-major list to [c, r]. */
function transpose2(values: number[], r: number, c: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) out.push(values[i * c + j]);
  return out;
}

/** The inputs each activation is run on: the values themselves and, for the vector ops, every pair. */
function inputsFor(name: ActivationName, vals: number[]): Input[] {
  const n = vals.length;
  const pr = pairs(vals);
  switch (name) {
    case "softmax":
    case "logSoftmax":
      return [
        { label: "the whole vector", shape: [n], values: vals, args: [] },
        { label: "every pair as a row", shape: [n * n, 2], values: pr, args: [] },
        { label: "every pair as a column (axis 0)", shape: [2, n * n], values: transpose2(pr, n * n, 2), args: [0] },
        { label: "every pair as a column (axis −2)", shape: [2, n * n], values: transpose2(pr, n * n, 2), args: [-2] },
        { label: "each value alone", shape: [n, 1], values: vals, args: [-1] },
      ];
    case "maxout":
      return [
        { label: "every pair as a group", shape: [n, 2 * n], values: pr, args: [2] },
        { label: "the whole vector as one group", shape: [n], values: vals, args: [n] },
        { label: "pieces = 1", shape: [n], values: vals, args: [1] },
      ];
    default:
      return [
        { label: "the values", shape: [n], values: vals, args: [] },
        { label: "every pair", shape: [n, n, 2], values: pr, args: [] },
      ];
  }
}

/** A deterministic upstream gradient in ±[0.1, 2] (never 0). */
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

/** Throws naming the first non-finite element and the input it came from. */
function expectFinite(data: ArrayLike<number>, what: string, inputs?: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const at = inputs && inputs.length === data.length ? ` (input ${inputs[i]})` : "";
      throw new Error(`${what}: element ${i} is ${data[i]}${at}`);
    }
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 0, what = ""): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= atol + rtol * Math.abs(expected[i]))) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (|err| = ${err})`);
    }
  }
}

function leaf(values: number[], dtype: DType = "float64", shape = [values.length]): Tensor {
  return tensor(values, { shape, dtype, requiresGrad: true });
}

/** Value, gradient (for upstream g = 1 and a random g) and second-order gradient of one input. */
function runAll(name: ActivationName, inp: Input, dtype: DType) {
  const x = leaf(inp.values, dtype, inp.shape);
  const y = table[name].forward(x, ...inp.args);
  const ones = tensor(new Array<number>(y.size).fill(1), { shape: y.shape, dtype });
  const g = tensor(upstream(y.size, 17), { shape: y.shape, dtype });
  const [dxOnes] = grad(y, [x], { gradOutputs: [ones] });
  const [dx] = grad(y, [x], { gradOutputs: [g], createGraph: true });
  // Second order: ∂/∂x of Σ v ⊙ ∂L/∂x. maxout's gradient is a routing of g, constant in x
  // (it has no graph back to x), so it has no second-order pass.
  let d2x: Tensor | null = null;
  if (dx.requiresGrad) {
    const v = tensor(upstream(x.size, 29), { shape: x.shape, dtype });
    [d2x] = grad(dx.mul(v).sum(), [x]);
  }
  return { x, y, dxOnes, dx, d2x };
}

// ---------------------------------------------------------------------------------------------

const DTYPES: { dtype: DType; values: number[] }[] = [
  { dtype: "float64", values: F64_VALUES },
  { dtype: "float32", values: F32_VALUES },
];

for (const { dtype, values } of DTYPES) {
  describe(`${dtype}: everything stays finite at ${values.map((v) => (Object.is(v, -0) ? "-0" : String(v))).join(", ")}`, () => {
    for (const name of NAMES) {
      it(`${name}: values are finite`, () => {
        for (const inp of inputsFor(name, values)) {
          const y = table[name].forward(leaf(inp.values, dtype, inp.shape), ...inp.args);
          expect(y.dtype).toBe(dtype);
          expectFinite(y.data, `${dtype} ${name} value, ${inp.label}`, name === "maxout" ? undefined : inp.values);
        }
      });

      it(`${name}: gradients (g = 1 and random g) and second-order gradients are finite`, () => {
        for (const inp of inputsFor(name, values)) {
          const { x, dxOnes, dx, d2x } = runAll(name, inp, dtype);
          expect(dx.dtype).toBe(dtype);
          expect(dx.shape).toEqual(x.shape);
          expectFinite(dxOnes.data, `${dtype} ${name} gradient (g = 1), ${inp.label}`, inp.values);
          expectFinite(dx.data, `${dtype} ${name} gradient (random g), ${inp.label}`, inp.values);
          expect(d2x, `${name} should be twice differentiable`).not.toBeNull();
          if (d2x) expectFinite(d2x.data, `${dtype} ${name} second-order gradient, ${inp.label}`, inp.values);
        }
      });
    }
  });
}

describe("float32 log-softmax", () => {
  it("values are finite on every pair whose spread fits in float32", () => {
    const rows: number[] = [];
    for (const a of F32_VALUES) for (const b of F32_VALUES) if (Math.abs(a - b) <= F32_MAX) rows.push(a, b);
    const y = logSoftmax(tensor(rows, { shape: [rows.length / 2, 2], dtype: "float32" }));
    expect(y.data).toBeInstanceOf(Float32Array);
    expectFinite(y.data, "float32 logSoftmax", rows);
    // [3e38, −1e3]: 0 and −3e38 − 1e3, which is −3e38 in float32
    const z = logSoftmax(tensor([3e38, -1e3], { dtype: "float32" })).data;
    expect(z[0]).toBe(0);
    expect(z[1]).toBe(Math.fround(-3e38));
  });

  // The true value −6e38 is below float32's range: it is floored at −3.4028235e38, not −Infinity.
  it("logSoftmax([3e38, −3e38]) in float32 is finite: [0, ≤ −3e38] (floored at the float32 limit)", () => {
    const y = logSoftmax(tensor([3e38, -3e38], { dtype: "float32" })).data;
    expect(y[0]).toBe(0);
    expect(Number.isFinite(y[1])).toBe(true);
    expect(y[1]).toBeLessThanOrEqual(Math.fround(-3e38));
    expect(y[1]).toBe(-F32_MAX);
  });
});

describe("known values at the extremes", () => {
  const E = Math.E;

  it("σ(−1000) = 0 and σ(1000) = 1, with σ′ = 0 there (both dtypes)", () => {
    for (const dtype of ["float64", "float32"] as const) {
      const x = leaf([-1000, 1000], dtype);
      const y = sigmoid(x);
      expect(Array.from(y.data)).toEqual([0, 1]);
      y.sum().backward();
      expect(Array.from(x.grad!.data)).toEqual([0, 0]);
    }
    expect(Array.from(sigmoid(tensor([-MAX, MAX, -1e300, 1e300])).data)).toEqual([0, 1, 0, 1]);
  });

  it("softplus(1000) = 1000 and softplus(−1000) = 0 (not negative), with softplus′ = σ = [1, 0] (both dtypes)", () => {
    for (const dtype of ["float64", "float32"] as const) {
      const x = leaf([1000, -1000], dtype);
      const y = softplus(x);
      expect(y.data[0]).toBe(1000);
      expect(y.data[1]).toBe(0);
      expect(y.data[1]).toBeGreaterThanOrEqual(0);
      y.sum().backward();
      expect(Array.from(x.grad!.data)).toEqual([1, 0]);
    }
    // exactly x for large x, exactly 0 for very negative x
    expect(Array.from(softplus(tensor([MAX, 1e300, -1e300, -MAX])).data)).toEqual([MAX, 1e300, 0, 0]);
    // and log 2 at ±0 and the subnormals
    expectClose(softplus(tensor([0, -0, 5e-324])).data, [Math.LN2, Math.LN2, Math.LN2], 0, 1e-16, "softplus(0)");
  });

  it("tanh saturates to ±1 with tanh′ = 0, and relu passes ±MAX_VALUE through", () => {
    const x = leaf([1e300, -1e300, MAX, -MAX]);
    const y = tanh(x);
    expect(Array.from(y.data)).toEqual([1, -1, 1, -1]);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0]);

    const r = leaf([MAX, -MAX, 5e-324, -5e-324]);
    const ry = relu(r);
    expect(Array.from(ry.data)).toEqual([MAX, 0, 5e-324, 0]);
    ry.sum().backward();
    expect(Array.from(r.grad!.data)).toEqual([1, 0, 1, 0]);
  });

  it("subnormal and signed-zero inputs give the values at 0", () => {
    const xs = [5e-324, Number.MIN_VALUE, 0, -0];
    expect(Array.from(sigmoid(tensor(xs)).data)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(tanh(tensor(xs)).data)).toEqual(xs); // tanh(x) = x for tiny x
    expect(Array.from(softmax(tensor([5e-324, 0])).data)).toEqual([0.5, 0.5]);
    expect(Array.from(softmax(tensor([0, -0])).data)).toEqual([0.5, 0.5]);
    const x = leaf([-0]);
    const y = relu(x);
    expect(Object.is(y.data[0], 0)).toBe(true);
    y.sum().backward();
    expect(x.grad!.data[0]).toBe(0);
  });

  it("softmax([1000, 1001]) equals softmax([0, 1]) to 1e-15, and the closed form [1/(1+e), e/(1+e)]", () => {
    const a = softmax(tensor([1000, 1001])).data;
    const b = softmax(tensor([0, 1])).data;
    expectClose(a, b, 1e-15, 0, "softmax shift");
    expectClose(a, [1 / (1 + E), E / (1 + E)], 1e-15, 0, "softmax closed form");
    // also very negative and mixed
    expectClose(softmax(tensor([-1001, -1000])).data, [1 / (1 + E), E / (1 + E)], 1e-15, 0, "softmax(−1001, −1000)");
    // float32
    const f = softmax(tensor([1000, 1001], { dtype: "float32" })).data;
    expect(f).toBeInstanceOf(Float32Array);
    expectClose(f, [1 / (1 + E), E / (1 + E)], 0, 1e-6, "float32 softmax");
  });

  it("softmax gradient at [1000, 1001] is S ⊙ (g − Σ g⊙S), finite", () => {
    const S = [1 / (1 + E), E / (1 + E)];
    const gv = [1, -2];
    const dot = gv[0] * S[0] + gv[1] * S[1];
    const x = leaf([1000, 1001]);
    softmax(x).backward(tensor(gv));
    expectClose(
      x.grad!.data,
      S.map((s, i) => s * (gv[i] - dot)),
      1e-15,
      0,
      "softmax grad",
    );
  });

  it("logSoftmax([1000, 1001]) is finite and equals [−log(1 + e), −log(1 + 1/e)]", () => {
    const want = [-Math.log1p(E), -Math.log1p(1 / E)];
    for (const dtype of ["float64", "float32"] as const) {
      const x = leaf([1000, 1001], dtype);
      const y = logSoftmax(x);
      expectFinite(y.data, `${dtype} logSoftmax`);
      expectClose(y.data, want, dtype === "float64" ? 1e-15 : 0, dtype === "float64" ? 0 : 1e-6, `${dtype} logSoftmax`);
      // gradient g − S·Σg with g = [1, −2]
      y.backward(tensor([1, -2], { dtype }));
      const S = [1 / (1 + E), E / (1 + E)];
      expectClose(x.grad!.data, [1 + S[0], -2 + S[1]], dtype === "float64" ? 1e-15 : 1e-6, 0, `${dtype} logSoftmax grad`);
    }
  });

  it("softmax over huge spreads is one-hot: [1e300, −1e300] → [1, 0], with gradient 0", () => {
    const cases: [number[], number[]][] = [
      [
        [1e300, -1e300],
        [1, 0],
      ],
      [
        [-1e300, 1e300],
        [0, 1],
      ],
      [
        [MAX, -MAX],
        [1, 0],
      ],
      [
        [-MAX, MAX],
        [0, 1],
      ],
      [
        [MAX, MAX],
        [0.5, 0.5],
      ],
      [
        [-MAX, -MAX],
        [0.5, 0.5],
      ],
      [
        [MAX, 0, -MAX],
        [1, 0, 0],
      ],
    ];
    for (const [xs, want] of cases) {
      const x = leaf(xs);
      const y = softmax(x);
      expect(Array.from(y.data), `softmax(${xs})`).toEqual(want);
      y.backward(tensor(upstream(xs.length, 3)));
      expectFinite(x.grad!.data, `softmax′(${xs})`);
      if (want.includes(1)) expect(Array.from(x.grad!.data, Math.abs), `softmax′(${xs})`).toEqual(xs.map(() => 0));
    }
    const f = softmax(tensor([3e38, -3e38], { dtype: "float32" })).data;
    expect(Array.from(f)).toEqual([1, 0]);
  });

  it("logSoftmax over huge spreads: [1e300, −1e300] → [0, −2e300]; [MAX, −MAX] → [0, −MAX] (floored)", () => {
    expect(Array.from(logSoftmax(tensor([1e300, -1e300])).data)).toEqual([0, -2e300]);
    expect(Array.from(logSoftmax(tensor([MAX, -MAX])).data)).toEqual([0, -MAX]);
    expect(Array.from(logSoftmax(tensor([-MAX, MAX])).data)).toEqual([-MAX, 0]);
    // gradient g − S·Σg with S = [1, 0]
    const x = leaf([1e300, -1e300]);
    logSoftmax(x).backward(tensor([1, 1]));
    expect(Array.from(x.grad!.data)).toEqual([-1, 1]);
    const y = leaf([MAX, -MAX]);
    logSoftmax(y).backward(tensor([0.5, 2]));
    expect(Array.from(y.grad!.data)).toEqual([0.5 - 2.5, 2]);
  });

  it("maxout picks ±MAX_VALUE and routes the gradient to it", () => {
    const x = leaf([MAX, -MAX, -MAX, MAX, -0, 5e-324]);
    const y = maxout(x, 2);
    expect(Array.from(y.data)).toEqual([MAX, MAX, 5e-324]);
    y.backward(tensor([2, 3, 4]));
    expect(Array.from(x.grad!.data)).toEqual([2, 0, 0, 3, 0, 4]);
  });
});
