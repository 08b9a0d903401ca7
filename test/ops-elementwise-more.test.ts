/**
 * clamp, where, erf, expm1, step, sign and the comparisons gt ge lt le eq ne (issue 13): values
 * and gradients against PyTorch 1.13 (scripts/torch-fixtures-elementwise.py →
 * test/fixtures/torch-elementwise.json), gradcheck on fast-check inputs, second derivatives,
 * both dtypes, and bad input that is an error naming the op and changes nothing.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  clamp,
  eq,
  erf,
  expm1,
  ge,
  grad,
  gradcheck,
  gt,
  le,
  lt,
  ne,
  sign,
  step,
  type Tensor,
  tensor,
  where,
} from "../src/index.js";
import { expectThrow } from "./helpers.js";

type Num = number | "NaN" | "Infinity" | "-Infinity" | "-0";
const dec = (v: Num): number =>
  v === "NaN" ? Number.NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v === "-0" ? -0 : v;

interface Fixtures {
  torch: string;
  unary: { name: string; x: Num[]; g: number[]; y: Num[]; dx: Num[] }[];
  where: { cond: number[][]; a: number[][]; b: number[]; g: number[][]; y: number[][]; da: number[][]; db: number[] };
  comparisons: { p: Num[][]; q: number[] } & Record<"gt" | "ge" | "lt" | "le" | "eq" | "ne", number[][]>;
}
const fx = JSON.parse(readFileSync(new URL("./fixtures/torch-elementwise.json", import.meta.url), "utf8")) as Fixtures;

const ops: Record<string, (x: Tensor) => Tensor> = {
  erf: (x) => erf(x),
  expm1: (x) => expm1(x),
  "clamp(-1, 2)": (x) => clamp(x, -1, 2),
  "clamp(min 0.5)": (x) => x.clamp(0.5),
  "clamp(max -0.5)": (x) => x.clamp(null, -0.5),
};

function close(got: ArrayLike<number>, want: readonly number[], rtol: number, what: string, atol = 1e-300) {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const a = got[i],
      b = want[i];
    if (Number.isNaN(b)) expect(Number.isNaN(a), `${what}[${i}]`).toBe(true);
    else expect(Math.abs(a - b) <= rtol * Math.abs(b) + atol, `${what}[${i}]: ${a} vs ${b}`).toBe(true);
  }
}

// PyTorch computes expm1′ as (y + 1), which cancels for negative x (at x = −40 it gives 0 where
// e^−40 = 4.2e−18); actigrad uses e^x. So for expm1's gradient the tolerance has an absolute part
// of a few ulps of g·1 — the size of that cancellation — and the true value is checked separately.
const dxAtol = (name: string) => (name === "expm1" ? 1e-15 : 1e-300);

describe(`against PyTorch ${fx.torch}`, () => {
  for (const c of fx.unary) {
    it(`${c.name}: values and gradients, float64`, () => {
      const x = tensor(c.x.map(dec), { requiresGrad: true });
      const y = ops[c.name](x);
      const [dx] = grad(y, [x], { gradOutputs: [tensor(c.g)] });
      close(y.data, c.y.map(dec), 4e-16, `${c.name} y`);
      close(dx.data, c.dx.map(dec), 4e-15, `${c.name} dx`, dxAtol(c.name));
      if (c.name === "expm1")
        close(
          dx.data,
          c.x.map((v, i) => c.g[i] * Math.exp(dec(v))),
          1e-15,
          "expm1′ = e^x",
        );
    });
    it(`${c.name}: float32 agrees with PyTorch within float32 rounding`, () => {
      const x = tensor(c.x.map(dec), { dtype: "float32", requiresGrad: true });
      const y = ops[c.name](x);
      expect(y.dtype).toBe("float32");
      const [dx] = grad(y, [x], { gradOutputs: [tensor(c.g, { dtype: "float32" })] });
      expect(dx.dtype).toBe("float32");
      close(y.data, c.y.map(dec), 2e-6, `${c.name} y`);
      close(dx.data, c.dx.map(dec), 2e-6, `${c.name} dx`, c.name === "expm1" ? 1e-6 : 1e-300);
    });
  }

  it("where(cond, a, b) with broadcasting: values, and the gradient to a where cond holds, to b elsewhere (summed back)", () => {
    const w = fx.where;
    const a = tensor(w.a, { requiresGrad: true }),
      b = tensor(w.b, { requiresGrad: true });
    const y = where(tensor(w.cond), a, b);
    expect(y.toArray()).toEqual(w.y);
    const [da, db] = grad(y, [a, b], { gradOutputs: [tensor(w.g)] });
    expect(da.toArray()).toEqual(w.da);
    expect(db.toArray()).toEqual(w.db);
    expect(a.where(tensor(w.cond), b).toArray()).toEqual(w.y); // PyTorch's x.where(cond, other)
  });

  for (const op of ["gt", "ge", "lt", "le", "eq", "ne"] as const) {
    it(`${op}: 0/1 with broadcasting, NaN compares false (true for ne), no gradient`, () => {
      const f = { gt, ge, lt, le, eq, ne }[op];
      const p = tensor(
        fx.comparisons.p.map((r) => r.map(dec)),
        { requiresGrad: true },
      );
      const q = tensor(fx.comparisons.q);
      const r = f(p, q);
      expect(r.toArray()).toEqual(fx.comparisons[op]);
      expect(r.requiresGrad).toBe(false);
      expect(p[op](q).toArray()).toEqual(fx.comparisons[op]);
      expect(f(p, 3).shape).toEqual([2, 3]);
    });
  }
});

describe("gradcheck and second derivatives", () => {
  const away = (lo: number, hi: number, from: number[]) =>
    fc.double({ min: lo, max: hi, noNaN: true }).filter((v) => from.every((k) => Math.abs(v - k) > 1e-3));
  const vec = (lo: number, hi: number, from: number[] = []) => fc.array(away(lo, hi, from), { minLength: 1, maxLength: 12 });

  it("erf, expm1 and clamp pass gradcheck on fast-check inputs (away from clamp's bounds)", () => {
    fc.assert(
      fc.property(vec(-3, 3, [-1, 2]), (xs) => {
        for (const f of [erf, expm1, (t: Tensor) => clamp(t, -1, 2)]) {
          expect(gradcheck(f, [tensor(xs)]).passed).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });

  it("where passes gradcheck for both branches, cond any 0/1 mask", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), away(-3, 3, []), away(-3, 3, [])), { minLength: 1, maxLength: 10 }), (rows) => {
        const cond = tensor(rows.map(([c]) => (c ? 1 : 0)));
        const r = gradcheck((a, b) => where(cond, a, b), [tensor(rows.map((r) => r[1])), tensor(rows.map((r) => r[2]))]);
        expect(r.passed).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("erf″ = −2x·erf′, expm1″ = e^x, clamp″ = 0, and step and sign have zero derivatives that differentiate again", () => {
    const xs = [-1.5, -0.25, 0.5, 1.75];
    const x = tensor(xs, { requiresGrad: true });
    const d2 = (f: (t: Tensor) => Tensor) => {
      const [d1] = grad(f(x).sum(), [x], { createGraph: true });
      return d1.requiresGrad ? Array.from(grad(d1.sum(), [x])[0].data) : xs.map(() => 0);
    };
    d2(erf).forEach((v, i) => expect(v).toBeCloseTo(-2 * xs[i] * (2 / Math.sqrt(Math.PI)) * Math.exp(-xs[i] * xs[i]), 12));
    d2(expm1).forEach((v, i) => expect(v).toBeCloseTo(Math.exp(xs[i]), 12));
    expect(d2((t) => clamp(t, -1, 1).mul(t))).toEqual(xs.map((v) => (Math.abs(v) <= 1 ? 2 : 0)));
    const [ds] = grad(step(x).mul(x).sum(), [x], { createGraph: true });
    expect(Array.from(ds.data)).toEqual(xs.map((v) => (v > 0 ? 1 : 0)));
    expect(Array.from(grad(ds.sum(), [x])[0].data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(sign(x).data)).toEqual([-1, -1, 1, 1]);
    expect(sign(x).requiresGrad).toBe(true); // recorded with a zero derivative, as PyTorch's
  });
});

describe("extremes and bad input", () => {
  it("stay finite where the math is: erf(±1e300) = ±1, expm1(−1e300) = −1, clamp(±1e300)", () => {
    const x = tensor([1e300, -1e300, 5e-324, -0], { requiresGrad: true });
    expect(Array.from(erf(x).data)).toEqual([1, -1, 5e-324 * (2 / Math.sqrt(Math.PI)), -0]);
    expect(expm1(x).data[1]).toBe(-1);
    expect(Array.from(clamp(x, -1, 1).data)).toEqual([1, -1, 5e-324, -0]);
    const [d] = grad(erf(x).sum(), [x]);
    expect(Array.from(d.data).every(Number.isFinite)).toBe(true);
  });

  it("bad input is an error naming the op, and changes nothing", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expectThrow(() => clamp(x, "a" as never, 1), TypeError, /^clamp: min and max must be numbers/);
    expectThrow(() => clamp([1, 2] as never, 0, 1), TypeError, /^clamp: input must be a Tensor/);
    expectThrow(() => where([1] as never, x, 0), TypeError, /^where: the condition must be a Tensor/);
    expectThrow(() => where(tensor([1, 0]), x, 0), RangeError, /^where: shapes \[2\] and \[3\] cannot be broadcast/);
    expectThrow(() => gt(x, "z" as never), TypeError, /^gt: expected a Tensor or a number/);
    expectThrow(() => gt(x, tensor([1, 2])), RangeError, /^gt: shapes \[3\] and \[2\] cannot be broadcast/);
    expect(Array.from(x.data)).toEqual([1, 2, 3]);
    expect(x.grad).toBeNull();
  });
});
