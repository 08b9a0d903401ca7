/**
 * The indexing ops (issue 13): select, slice, indexSelect, gather, maskedFill. For each: values
 * against plain-JS references on fast-check inputs, gradcheck on them, second derivatives (grad
 * of grad) against finite differences, values and first and second derivatives against PyTorch
 * (test/fixtures/torch-indexing.json, written by scripts/torch-fixtures-indexing.py), dtypes,
 * the trace's record, and bad input (a clear error that changes nothing). Slice's bounds are
 * checked exhaustively against Python's slice.indices for small sizes.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type GradcheckResult,
  gather,
  grad,
  gradcheck,
  indexSelect,
  maskedFill,
  select,
  slice,
  Tensor,
  tensor,
} from "../src/index.js";
import { expectThrow, ravel, secondOrder, sizeOf, unravel, weights } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Plain-JS helpers and references (naive loops over multi-indices, independent of the library).

type Shape = number[];

interface Ref {
  shape: number[];
  data: number[];
}

/** out[p] = x[source(p)] for every multi-index p of `outShape`. */
function refPick(x: ArrayLike<number>, shape: Shape, outShape: Shape, source: (p: number[]) => number[]): Ref {
  const data: number[] = [];
  for (let i = 0; i < sizeOf(outShape); i++) data.push(x[ravel(source(unravel(i, outShape)), shape)]);
  return { shape: outShape, data };
}

/** The adjoint of refPick: g put back where each element came from, repeats added. */
function refPut(g: ArrayLike<number>, shape: Shape, outShape: Shape, source: (p: number[]) => number[]): number[] {
  const out = new Array<number>(sizeOf(shape)).fill(0);
  for (let i = 0; i < sizeOf(outShape); i++) out[ravel(source(unravel(i, outShape)), shape)] += g[i];
  return out;
}

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/**
 * CPython's slice.indices(n) (Objects/sliceobject.c, _PySlice_GetLongIndices), any nonzero step:
 * the reference for slice's bounds, written from Python's definition, not from the library.
 */
function pySliceIndices(n: number, start: number | null, stop: number | null, step: number): [number, number, number] {
  const lower = step < 0 ? -1 : 0;
  const upper = step < 0 ? n - 1 : n;
  const fix = (b: number | null, dflt: number): number => {
    if (b === null) return dflt;
    if (b < 0) return Math.max(b + n, lower);
    return Math.min(b, upper);
  };
  return [fix(start, step < 0 ? upper : lower), fix(stop, step < 0 ? lower : upper), step];
}

/** range(start, stop, step) as Python lists it. */
function pyRange(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** Python's list(range(n))[start:stop:step]. */
const pySlice = (n: number, start: number | null, stop: number | null, step: number): number[] =>
  pyRange(...pySliceIndices(n, start, stop, step));

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-12, atol = 1e-12, what = ""): void {
  expect(got.length, `${what} length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]))) {
      throw new Error(`${what} element ${i}: got ${got[i]}, expected ${want[i]}`);
    }
  }
}

function expectRef(t: Tensor, ref: Ref): void {
  expect([...t.shape]).toEqual(ref.shape);
  expect(Array.from(t.data)).toEqual(ref.data); // a pick copies values exactly
}

function expectGradOk(r: GradcheckResult): void {
  expect(r.passed, `gradcheck failed: ${JSON.stringify(r)}`).toBe(true);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries: tensors of rank 1–3 (sizes 1–4), an axis (possibly negative), values in ±2.

const RUNS = { numRuns: 40 };

const tensorArb = (minRank = 1, maxRank = 3, minDim = 1, maxDim = 4) =>
  fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank }).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      values: fc.array(fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }), {
        minLength: sizeOf(shape),
        maxLength: sizeOf(shape),
      }),
      axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
    }),
  );

const make = (c: { shape: Shape; values: number[] }, dtype: "float32" | "float64" = "float64") =>
  tensor(c.values, { shape: c.shape, dtype });

// ---------------------------------------------------------------------------------------------
// PyTorch fixtures.

interface Fixture {
  op: "select" | "slice" | "indexSelect" | "gather" | "maskedFill";
  dtype: "float32" | "float64";
  args: Record<string, any>;
  x: unknown;
  xShape: number[];
  y: unknown;
  yShape: number[];
  g: unknown;
  dx: unknown;
  w: unknown;
  hvp: unknown;
  dvalue?: number;
}

const fixtures = JSON.parse(readFileSync(new URL("./fixtures/torch-indexing.json", import.meta.url), "utf8")) as {
  torch: string;
  cases: Fixture[];
};

const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
const fromFixture = (v: unknown, shape: number[], dtype: "float32" | "float64", requiresGrad = false) =>
  tensor(flat(v), { shape, dtype, requiresGrad });

/** The actigrad call of a fixture case (x, and value for a tensor-valued maskedFill). */
function callOf(c: Fixture): (x: Tensor, v?: Tensor) => Tensor {
  const a = c.args;
  switch (c.op) {
    case "select":
      return (x) => select(x, a.axis, a.index);
    case "slice":
      return (x) => slice(x, a.axis, a.start, a.end, a.step);
    case "indexSelect":
      return (x) => indexSelect(x, a.axis, a.indices);
    case "gather":
      return (x) => gather(x, a.axis, a.index);
    case "maskedFill":
      return (x, v) => maskedFill(x, a.mask, a.tensorValue ? v! : a.value);
  }
}

function fixtureCases(op: Fixture["op"]): [string, Fixture][] {
  return fixtures.cases
    .filter((c) => c.op === op)
    .map((c) => [`${c.dtype} ${JSON.stringify(c.xShape)} ${JSON.stringify(c.args)}`, c] as [string, Fixture]);
}

/** Values, ∂(Σ g·y)/∂x (and ∂/∂value), and H·w of Σ g·y³, each against PyTorch's. */
function checkFixture(c: Fixture): void {
  const f32 = c.dtype === "float32";
  const [rtol, atol] = f32 ? [1e-5, 1e-5] : [1e-12, 1e-12];
  const call = callOf(c);
  const x = fromFixture(c.x, c.xShape, c.dtype, true);
  const v = c.args.tensorValue ? tensor(c.args.value, { dtype: c.dtype, requiresGrad: true }) : undefined;
  const y = call(x, v);
  expect([...y.shape]).toEqual(c.yShape);
  expect(y.dtype).toBe(c.dtype);
  expect(Array.from(y.data)).toEqual(flat(c.y)); // picks and fills are exact
  const g = fromFixture(c.g, c.yShape, c.dtype);
  y.backward(g);
  expect(x.grad!.dtype).toBe(c.dtype);
  expectClose(x.grad!.data, flat(c.dx), rtol, atol, "dx");
  if (v) expectClose([v.grad!.item()], [c.dvalue!], rtol, atol, "dvalue");
  // H·w through grad of grad, with the same g and w as PyTorch.
  const x2 = fromFixture(c.x, c.xShape, c.dtype, true);
  const [d1] = grad(call(x2, v?.detach()).pow(3).mul(g).sum(), [x2], { createGraph: true });
  const [hw] = grad(d1.mul(fromFixture(c.w, c.xShape, c.dtype)).sum(), [x2]);
  expect(hw.dtype).toBe(c.dtype);
  expectClose(hw.data, flat(c.hvp), f32 ? 1e-4 : 1e-11, f32 ? 1e-4 : 1e-11, "hvp");
}

describe("PyTorch fixtures", () => {
  it("were written by scripts/torch-fixtures-indexing.py and cover every op in both dtypes", () => {
    for (const op of ["select", "slice", "indexSelect", "gather", "maskedFill"] as const) {
      for (const dtype of ["float64", "float32"]) {
        expect(
          fixtures.cases.some((c) => c.op === op && c.dtype === dtype),
          `${op} ${dtype}`,
        ).toBe(true);
      }
    }
  });
});

/** A tensor's values and gradient, to show a failed call changed nothing. */
function snapshot(x: Tensor) {
  return { data: Array.from(x.data), grad: x.grad, gradData: x.grad ? Array.from(x.grad.data) : null, shape: [...x.shape] };
}

/** A leaf with a gradient already in place (from an earlier backward). */
function leafWithGrad(values: number[], shape: number[], dtype: "float32" | "float64" = "float64"): Tensor {
  const x = tensor(values, { shape, dtype, requiresGrad: true });
  x.mul(x).sum().backward();
  return x;
}

/** Expects `fn(x)` to throw cls with every pattern, leaving x's values and gradient as they were. */
function expectBad(x: Tensor, fn: (x: Tensor) => unknown, cls: typeof TypeError | typeof RangeError, ...patterns: RegExp[]) {
  const before = snapshot(x);
  expectThrow(() => fn(x), cls, ...patterns);
  const after = snapshot(x);
  expect(after.data).toEqual(before.data);
  expect(after.grad).toBe(before.grad); // the same gradient object …
  expect(after.gradData).toEqual(before.gradData); // … with the same values
  expect(after.shape).toEqual(before.shape);
}

// ---------------------------------------------------------------------------------------------

describe("select", () => {
  const refSelect = (x: ArrayLike<number>, shape: Shape, axis: number, i: number): Ref => {
    const ax = norm(axis, shape.length);
    const at = i < 0 ? i + shape[ax] : i;
    return refPick(
      x,
      shape,
      shape.filter((_, d) => d !== ax),
      (p) => [...p.slice(0, ax), at, ...p.slice(ax)],
    );
  };
  const caseArb = tensorArb().chain((c) =>
    fc.record({
      c: fc.constant(c),
      i: fc.integer({ min: -c.shape[norm(c.axis, c.shape.length)], max: c.shape[norm(c.axis, c.shape.length)] - 1 }),
    }),
  );

  it("select: values match a plain-JS reference (random shapes, negative axes and indices)", () => {
    fc.assert(
      fc.property(caseArb, ({ c, i }) => {
        const x = make(c);
        const y = select(x, c.axis, i);
        expectRef(y, refSelect(x.data, c.shape, c.axis, i));
        expectRef(x.select(c.axis, i), refSelect(x.data, c.shape, c.axis, i)); // the method is the function
        expect(y.storage).not.toBe(x.storage); // a copy
      }),
      RUNS,
    );
  });

  it("select: gradcheck on fast-check inputs; the gradient is the upstream put back at index i", () => {
    fc.assert(
      fc.property(caseArb, ({ c, i }) => {
        expectGradOk(gradcheck((x) => select(x, c.axis, i), [make(c)]));
        const x = tensor(c.values, { shape: c.shape, requiresGrad: true });
        const y = select(x, c.axis, i);
        const g = weights(y.size, 3);
        y.backward(tensor(g, { shape: [...y.shape] }));
        const ax = norm(c.axis, c.shape.length);
        const at = i < 0 ? i + c.shape[ax] : i;
        expect(Array.from(x.grad!.data)).toEqual(
          refPut(g, c.shape, [...y.shape], (p) => [...p.slice(0, ax), at, ...p.slice(ax)]),
        );
      }),
      RUNS,
    );
  });

  it("select: second derivatives (grad of grad) match finite differences", () => {
    for (const [shape, axis, i] of [
      [[4], 0, -2],
      [[3, 4], -1, 1],
      [[2, 3, 2], 1, -1],
    ] as [number[], number, number][]) {
      const x = tensor(weights(sizeOf(shape), axis + 5), { shape });
      const { analytic, numeric } = secondOrder((t) => select(t, axis, i), x, { power: 3, eps: 1e-6 });
      expectClose(analytic, numeric, 1e-6, 1e-6, "H·w");
    }
  });

  it.each(fixtureCases("select"))("select: values, gradient and second derivative match PyTorch (%s)", (_, c) => checkFixture(c));

  it("select: float32 stays float32, values and gradient", () => {
    const x = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3], requiresGrad: true });
    const y = x.select(-1, 1);
    expect(y.dtype).toBe("float32");
    y.sum().backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(Array.from(x.grad!.data)).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it("select: records op 'select' with its (normalized) axis and index for the trace", () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    const y = x.select(-1, -1);
    expect(y.node!.op).toBe("select");
    expect(y.node!.args).toEqual({ axis: 1, index: 2 });
    expect(y.toArray()).toEqual([3]);
  });

  it("select: bad input is a TypeError/RangeError naming select, and changes nothing", () => {
    const x = leafWithGrad([1, 2, 3, 4, 5, 6], [2, 3]);
    expectBad(x, (t) => select(t, 1, 3), RangeError, /^select: /, /index 3/, /axis 1 of size 3/, /\[2,3\]/, /-3 to 2/);
    expectBad(x, (t) => select(t, -2, -3), RangeError, /select: index -3 is out of range for axis -2 of size 2/, /-2 to 1/);
    expectBad(x, (t) => select(t, 2, 0), RangeError, /select: axis 2 is out of range for a tensor of rank 2/);
    expectBad(x, (t) => select(t, 0, 0.5), RangeError, /select: index must be an integer, got 0.5/);
    expectBad(x, (t) => select(t, 0, "1" as any), TypeError, /select: index must be an integer, got string/);
    expectBad(x, (t) => select(t, 0.5, 0), TypeError, /select: axis must be an integer/);
    expectBad(x, (t) => select(t, 0, undefined as any), TypeError, /select: index must be an integer, got undefined/);
    expectBad(
      tensor(5, { requiresGrad: true }),
      (t) => select(t, 0, 0),
      RangeError,
      /select: a 0-d tensor \(shape \[\]\) has no axis/,
    );
    expectBad(
      tensor([], { shape: [2, 0], requiresGrad: true }),
      (t) => select(t, 1, 0),
      RangeError,
      /select: index 0 .* size 0/,
      /empty/,
    );
    expectThrow(() => select([1, 2] as any, 0, 0), TypeError, /select: input must be a Tensor, got object/);
  });
});

// ---------------------------------------------------------------------------------------------

describe("slice", () => {
  it("slice: Python slice semantics, exhaustively against slice.indices for sizes 0–5, bounds −8…8 and None, steps 1–3", () => {
    const bounds: (number | null)[] = [null];
    for (let b = -8; b <= 8; b++) bounds.push(b);
    let checked = 0;
    for (let n = 0; n <= 5; n++) {
      const line = tensor(
        Array.from({ length: n }, (_, i) => i),
        { shape: [n] },
      );
      // Also along the middle axis of a [2, n, 3] tensor (outer and inner runs), named both ways.
      const block = tensor(
        Array.from({ length: 6 * n }, (_, i) => i),
        { shape: [2, n, 3] },
      );
      for (const start of bounds) {
        for (const end of bounds) {
          for (let step = 1; step <= 3; step++) {
            const want = pySlice(n, start, end, step);
            const y = slice(line, 0, start, end, step);
            expect([...y.shape]).toEqual([want.length]);
            if (Array.from(y.data).join() !== want.join()) {
              throw new Error(`[${n}][${start}:${end}:${step}] gave ${Array.from(y.data)}, Python gives ${want}`);
            }
            const z = slice(block, checked % 2 ? 1 : -2, start, end, step);
            expectRef(
              z,
              refPick(block.data, [2, n, 3], [2, want.length, 3], (p) => [p[0], want[p[1]], p[2]]),
            );
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(6 * 18 * 18 * 3);
  });

  it("slice: the reference itself agrees with Python on known cases", () => {
    // Values printed by CPython: list(range(n))[a:b:c]
    expect(pySlice(5, -100, 100, 2)).toEqual([0, 2, 4]);
    expect(pySlice(5, 3, 1, 1)).toEqual([]);
    expect(pySlice(5, -2, null, 1)).toEqual([3, 4]);
    expect(pySlice(5, null, -1, 3)).toEqual([0, 3]);
    expect(pySlice(5, null, null, -1)).toEqual([4, 3, 2, 1, 0]);
    expect(pySlice(0, -1, 1, 1)).toEqual([]);
    expect(pySliceIndices(5, -100, 100, 2)).toEqual([0, 5, 2]);
  });

  const boundArb = fc.option(fc.integer({ min: -6, max: 6 }), { nil: null });
  const caseArb = tensorArb().chain((c) =>
    fc.record({ c: fc.constant(c), start: boundArb, end: boundArb, step: fc.integer({ min: 1, max: 3 }) }),
  );

  it("slice: values match Python's rules on fast-check tensors (rank 1–3, negative axes, clamped bounds); the method is the function", () => {
    fc.assert(
      fc.property(caseArb, ({ c, start, end, step }) => {
        const x = make(c);
        const ax = norm(c.axis, c.shape.length);
        const at = pySlice(c.shape[ax], start, end, step);
        const outShape = c.shape.map((d, k) => (k === ax ? at.length : d));
        const ref = refPick(x.data, c.shape, outShape, (p) => p.map((v, k) => (k === ax ? at[v] : v)));
        expectRef(slice(x, c.axis, start, end, step), ref);
        expectRef(x.slice(c.axis, start, end, step), ref);
        expect(x.slice(c.axis, start, end, step).storage).not.toBe(x.storage); // a copy
      }),
      RUNS,
    );
  });

  it("slice: gradcheck on fast-check inputs; the gradient is the upstream put back, zeros elsewhere", () => {
    fc.assert(
      fc.property(caseArb, ({ c, start, end, step }) => {
        expectGradOk(gradcheck((x) => slice(x, c.axis, start, end, step), [make(c)]));
        const x = tensor(c.values, { shape: c.shape, requiresGrad: true });
        const y = slice(x, c.axis, start, end, step);
        const g = weights(y.size, 4);
        y.backward(tensor(g, { shape: [...y.shape] }));
        const ax = norm(c.axis, c.shape.length);
        const at = pySlice(c.shape[ax], start, end, step);
        expect(Array.from(x.grad!.data)).toEqual(
          refPut(g, c.shape, [...y.shape], (p) => p.map((v, k) => (k === ax ? at[v] : v))),
        );
      }),
      RUNS,
    );
  });

  it("slice: second derivatives (grad of grad) match finite differences", () => {
    for (const [shape, axis, start, end, step] of [
      [[6], 0, -5, null, 2],
      [[3, 5], -1, 1, 100, 3],
      [[4, 2, 3], 0, null, -1, 1],
    ] as [number[], number, number | null, number | null, number][]) {
      const x = tensor(weights(sizeOf(shape), 2 + axis), { shape });
      const { analytic, numeric } = secondOrder((t) => slice(t, axis, start, end, step), x, { power: 3, eps: 1e-6 });
      expectClose(analytic, numeric, 1e-6, 1e-6, "H·w");
    }
  });

  it.each(fixtureCases("slice"))("slice: values, gradient and second derivative match PyTorch (%s)", (_, c) => checkFixture(c));

  it("slice: empty results are allowed, and their gradient is all zeros", () => {
    const x = tensor([1, 2, 3, 4], { requiresGrad: true });
    const y = x.slice(0, 3, 1);
    expect([...y.shape]).toEqual([0]);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0]);
    expect([...slice(tensor([], { shape: [2, 0] }), 1, 0, 5).shape]).toEqual([2, 0]);
  });

  it("slice: end, step and start may be omitted or null (Python's defaults)", () => {
    const x = tensor([0, 1, 2, 3, 4]);
    expect(slice(x, 0, 2).toArray()).toEqual([2, 3, 4]);
    expect(x.slice(0).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(x.slice(0, null, null, 2).toArray()).toEqual([0, 2, 4]);
    expect(x.slice(0, undefined, -1).toArray()).toEqual([0, 1, 2, 3]);
  });

  it("slice: float32 stays float32, values and gradient", () => {
    const x = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2], requiresGrad: true });
    const y = x.slice(0, 0, null, 2);
    expect(y.dtype).toBe("float32");
    expect(y.toArray()).toEqual([
      [1, 2],
      [5, 6],
    ]);
    y.sum().backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(Array.from(x.grad!.data)).toEqual([1, 1, 0, 0, 1, 1]);
  });

  it("slice: records op 'slice' with the axis and Python's resolved start, end and step", () => {
    const y = tensor([0, 1, 2, 3, 4], { requiresGrad: true }).slice(-1, -4, 100, 2);
    expect(y.node!.op).toBe("slice");
    expect(y.node!.args).toEqual({ axis: 0, start: 1, end: 5, step: 2 });
    expect(y.toArray()).toEqual([1, 3]);
  });

  it("slice: bad input is a TypeError/RangeError naming slice, and changes nothing", () => {
    const x = leafWithGrad([1, 2, 3, 4, 5, 6], [2, 3]);
    expectBad(x, (t) => slice(t, 1, 0, 3, 0), RangeError, /^slice: step must be an integer ≥ 1, got 0/);
    expectBad(x, (t) => slice(t, 1, 0, 3, -1), RangeError, /slice: step must be an integer ≥ 1, got -1/, /negative steps/);
    expectBad(x, (t) => slice(t, 1, 0, 3, 1.5), RangeError, /slice: step must be an integer, got 1.5/);
    expectBad(x, (t) => slice(t, 1, 0.5), RangeError, /slice: start must be an integer, got 0.5/);
    expectBad(x, (t) => slice(t, 1, 0, Number.NaN), RangeError, /slice: end must be an integer, got NaN/);
    expectBad(x, (t) => slice(t, 1, "0" as any), TypeError, /slice: start must be an integer, got string/);
    expectBad(x, (t) => slice(t, 1, 0, 2, "2" as any), TypeError, /slice: step must be an integer, got string/);
    expectBad(x, (t) => slice(t, -3, 0), RangeError, /slice: axis -3 is out of range for a tensor of rank 2/);
    expectBad(tensor(1, { requiresGrad: true }), (t) => slice(t, 0, 0), RangeError, /slice: a 0-d tensor/);
    expectThrow(() => slice(null as any, 0, 0), TypeError, /slice: input must be a Tensor, got null/);
  });
});

// ---------------------------------------------------------------------------------------------

describe("indexSelect", () => {
  const caseArb = tensorArb().chain((c) => {
    const n = c.shape[norm(c.axis, c.shape.length)];
    return fc.record({
      c: fc.constant(c),
      indices: fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: 0, maxLength: 6 }),
      form: fc.constantFrom("array", "int32", "tensor"),
    });
  });
  const asForm = (indices: number[], form: string) =>
    form === "int32" ? Int32Array.from(indices) : form === "tensor" ? tensor(indices, { shape: [indices.length] }) : indices;
  const refIS = (x: ArrayLike<number>, shape: Shape, axis: number, indices: number[]): Ref => {
    const ax = norm(axis, shape.length);
    const out = shape.map((d, k) => (k === ax ? indices.length : d));
    return refPick(x, shape, out, (p) => p.map((v, k) => (k === ax ? indices[v] : v)));
  };

  it("indexSelect: values match a plain-JS reference (indices as array, Int32Array or Tensor; repeats; empty)", () => {
    fc.assert(
      fc.property(caseArb, ({ c, indices, form }) => {
        const x = make(c);
        const ref = refIS(x.data, c.shape, c.axis, indices);
        expectRef(indexSelect(x, c.axis, asForm(indices, form)), ref);
        expectRef(x.indexSelect(c.axis, asForm(indices, form)), ref);
      }),
      RUNS,
    );
  });

  it("indexSelect: gradcheck on fast-check inputs; repeated indices accumulate", () => {
    fc.assert(
      fc.property(caseArb, ({ c, indices, form }) => {
        expectGradOk(gradcheck((x) => indexSelect(x, c.axis, asForm(indices, form)), [make(c)]));
        const x = tensor(c.values, { shape: c.shape, requiresGrad: true });
        const y = indexSelect(x, c.axis, indices);
        const g = weights(y.size, 5);
        y.backward(tensor(g, { shape: [...y.shape] }));
        const ax = norm(c.axis, c.shape.length);
        const want = refPut(g, c.shape, [...y.shape], (p) => p.map((v, k) => (k === ax ? indices[v] : v)));
        expectClose(x.grad!.data, want, 1e-15, 1e-15, "grad");
      }),
      RUNS,
    );
  });

  it("indexSelect: repeated indices add up their gradients", () => {
    const x = tensor([10, 20, 30], { requiresGrad: true });
    const y = x.indexSelect(0, [0, 0, 2, 0]);
    expect(y.toArray()).toEqual([10, 10, 30, 10]);
    y.backward(tensor([1, 2, 4, 8]));
    expect(x.grad!.toArray()).toEqual([11, 0, 4]);
    const m = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    m.indexSelect(-1, [1, 1, 1]).sum().backward();
    expect(m.grad!.toArray()).toEqual([
      [0, 3],
      [0, 3],
    ]);
  });

  it("indexSelect: second derivatives (grad of grad) match finite differences, repeats included", () => {
    for (const [shape, axis, idx] of [
      [[4], 0, [3, 3, 0]],
      [[3, 4], -1, [1, 0, 1, 3]],
      [[2, 3, 2], 1, [2, 2]],
    ] as [number[], number, number[]][]) {
      const x = tensor(weights(sizeOf(shape), 9 + axis), { shape });
      const { analytic, numeric } = secondOrder((t) => indexSelect(t, axis, idx), x, { power: 3, eps: 1e-6 });
      expectClose(analytic, numeric, 1e-6, 1e-6, "H·w");
    }
  });

  it.each(fixtureCases("indexSelect"))("indexSelect: values, gradient and second derivative match PyTorch (%s)", (_, c) =>
    checkFixture(c),
  );

  it("indexSelect: float32 stays float32, values and gradient; a float64 index tensor is fine", () => {
    const x = tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2], requiresGrad: true });
    const y = x.indexSelect(0, tensor([1, 1]));
    expect(y.dtype).toBe("float32");
    y.sum().backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 2, 2]);
  });

  it("indexSelect: records op 'indexSelect' with the axis and the indices", () => {
    const y = tensor([[1, 2, 3]], { requiresGrad: true }).indexSelect(-1, Int32Array.from([2, 0]));
    expect(y.node!.op).toBe("indexSelect");
    expect(y.node!.args).toEqual({ axis: 1, indices: [2, 0] });
  });

  it("indexSelect: bad input is a TypeError/RangeError naming indexSelect, and changes nothing", () => {
    const x = leafWithGrad([1, 2, 3, 4, 5, 6], [2, 3]);
    const idx = [0, 3];
    expectBad(
      x,
      (t) => indexSelect(t, 1, idx),
      RangeError,
      /^indexSelect: indices\[1\] = 3 is out of range for axis 1 of size 3/,
      /\[2,3\]/,
      /0 to 2/,
    );
    expect(idx).toEqual([0, 3]); // the caller's list is untouched
    expectBad(
      x,
      (t) => indexSelect(t, 0, [-1]),
      RangeError,
      /indexSelect: indices\[0\] = -1 is out of range/,
      /negative indices are not allowed, as in PyTorch/,
    );
    expectBad(
      x,
      (t) => indexSelect(t, 0, [0.5]),
      RangeError,
      /indexSelect: indices\[0\] = 0.5 is not an integer \(expected integers 0 to 1\)/,
    );
    expectBad(x, (t) => indexSelect(t, 0, tensor([0, 1.5])), RangeError, /indexSelect: indices\[1\] = 1.5 is not an integer/);
    expectBad(x, (t) => indexSelect(t, 0, new Float64Array([1, 2])), RangeError, /indexSelect: indices\[1\] = 2 is out of range/);
    expectBad(
      x,
      (t) => indexSelect(t, 0, tensor([[0]])),
      RangeError,
      /indexSelect: indices must be a 1-d tensor .*got shape \[1,1\]/,
    );
    expectBad(x, (t) => indexSelect(t, 0, ["0"] as any), TypeError, /indexSelect: indices\[0\] must be an integer, got string/);
    expectBad(
      x,
      (t) => indexSelect(t, 0, 1 as any),
      TypeError,
      /indexSelect: indices must be an array of integers, an Int32Array or a 1-d Tensor, got 1/,
    );
    expectBad(x, (t) => indexSelect(t, 0, { length: 1, 0: 0 } as any), TypeError, /indexSelect: indices must be .* got object/);
    expectBad(x, (t) => indexSelect(t, 2, [0]), RangeError, /indexSelect: axis 2 is out of range/);
    expectBad(tensor(3, { requiresGrad: true }), (t) => indexSelect(t, 0, [0]), RangeError, /indexSelect: a 0-d tensor/);
    expectBad(tensor([], { shape: [0, 2], requiresGrad: true }), (t) => indexSelect(t, 0, [0]), RangeError, /size 0/, /empty/);
  });
});

// ---------------------------------------------------------------------------------------------

describe("gather", () => {
  /** An index for gather: each axis off `ax` at most x's size, along it 1–5, values in [0, n). */
  const caseArb = tensorArb().chain((c) => {
    const ax = norm(c.axis, c.shape.length);
    return fc
      .tuple(...c.shape.map((d, k) => (k === ax ? fc.integer({ min: 1, max: 5 }) : fc.integer({ min: 1, max: d }))))
      .chain((ishape) =>
        fc.record({
          c: fc.constant(c),
          ishape: fc.constant(ishape),
          values: fc.array(fc.integer({ min: 0, max: c.shape[ax] - 1 }), {
            minLength: sizeOf(ishape),
            maxLength: sizeOf(ishape),
          }),
          nested: fc.boolean(),
        }),
      );
  });
  const indexOf = (ishape: number[], values: number[], nested: boolean) => {
    const t = tensor(values, { shape: ishape });
    return nested ? t.toArray() : t;
  };
  const source = (ax: number, ishape: number[], values: number[]) => (p: number[]) =>
    p.map((v, k) => (k === ax ? values[ravel(p, ishape)] : v));

  it("gather: values match a plain-JS reference (index as Tensor or nested arrays, smaller off the axis, any size along it)", () => {
    fc.assert(
      fc.property(caseArb, ({ c, ishape, values, nested }) => {
        const x = make(c);
        const ax = norm(c.axis, c.shape.length);
        const ref = refPick(x.data, c.shape, ishape, source(ax, ishape, values));
        expectRef(gather(x, c.axis, indexOf(ishape, values, nested)), ref);
        expectRef(x.gather(c.axis, indexOf(ishape, values, nested)), ref);
      }),
      RUNS,
    );
  });

  it("gather: gradcheck on fast-check inputs; repeated indices accumulate", () => {
    fc.assert(
      fc.property(caseArb, ({ c, ishape, values, nested }) => {
        expectGradOk(gradcheck((x) => gather(x, c.axis, indexOf(ishape, values, nested)), [make(c)]));
        const x = tensor(c.values, { shape: c.shape, requiresGrad: true });
        const y = gather(x, c.axis, indexOf(ishape, values, nested));
        const g = weights(y.size, 6);
        y.backward(tensor(g, { shape: [...y.shape] }));
        const ax = norm(c.axis, c.shape.length);
        expectClose(x.grad!.data, refPut(g, c.shape, ishape, source(ax, ishape, values)), 1e-15, 1e-15, "grad");
      }),
      RUNS,
    );
  });

  it("gather: PyTorch's definition, out[i][j] = x[index[i][j]][j] on axis 0 and x[i][index[i][j]] on axis 1", () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(
      gather(x, 0, [
        [1, 0, 1],
        [1, 1, 1],
        [0, 0, 0],
      ]).toArray(),
    ).toEqual([
      [4, 2, 6],
      [4, 5, 6],
      [1, 2, 3],
    ]);
    expect(x.gather(1, [[2, 2, 0, 1]]).toArray()).toEqual([[3, 3, 1, 2]]);
    expect(x.gather(-1, [[0], [2]]).toArray()).toEqual([[1], [6]]);
    expect(gather(tensor(7), 0, tensor(0)).toArray()).toBe(7); // 0-d, as PyTorch
  });

  it("gather: repeated indices add up their gradients", () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const y = x.gather(1, [
      [0, 0, 0],
      [1, 0, 1],
    ]);
    y.backward(
      tensor([
        [1, 2, 4],
        [8, 16, 32],
      ]),
    );
    expect(x.grad!.toArray()).toEqual([
      [7, 0],
      [16, 40],
    ]);
  });

  it("gather: second derivatives (grad of grad) match finite differences, repeats included", () => {
    for (const [shape, axis, index] of [
      [[4], 0, [3, 3, 0, 1, 3]],
      [
        [3, 4],
        -2,
        [
          [2, 2, 0, 1],
          [2, 0, 0, 1],
        ],
      ],
      [[2, 3, 2], 2, [[[1, 1]], [[0, 0]]]],
    ] as [number[], number, number[]][]) {
      const x = tensor(weights(sizeOf(shape), 11 + axis), { shape });
      const { analytic, numeric } = secondOrder((t) => gather(t, axis, index), x, { power: 3, eps: 1e-6 });
      expectClose(analytic, numeric, 1e-6, 1e-6, "H·w");
    }
  });

  it.each(fixtureCases("gather"))("gather: values, gradient and second derivative match PyTorch (%s)", (_, c) => checkFixture(c));

  it("gather: float32 stays float32, values and gradient", () => {
    const x = tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2], requiresGrad: true });
    const y = x.gather(0, [[1, 1]]);
    expect(y.dtype).toBe("float32");
    expect(y.toArray()).toEqual([[3, 4]]);
    y.sum().backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 1, 1]);
  });

  it("gather: records op 'gather' with the axis and the index's shape", () => {
    const y = tensor([[1, 2, 3]], { requiresGrad: true }).gather(-1, [[2, 0]]);
    expect(y.node!.op).toBe("gather");
    expect(y.node!.args).toEqual({ axis: 1, indexShape: [1, 2] });
  });

  it("gather: bad input is a TypeError/RangeError naming gather, and changes nothing", () => {
    const x = leafWithGrad([1, 2, 3, 4, 5, 6], [2, 3]);
    expectBad(
      x,
      (t) => gather(t, 1, [0, 1]),
      RangeError,
      /^gather: index of shape \[2\] must have the input's rank 2 \(input shape \[2,3\]\)/,
    );
    expectBad(
      x,
      (t) => gather(t, 1, [[0], [1], [2]]),
      RangeError,
      /gather: index of shape \[3,1\] is larger than the input's shape \[2,3\] on axis 0 \(3 > 2\)/,
    );
    expectBad(
      x,
      (t) => gather(t, 0, [[0, 2, 1]]),
      RangeError,
      /gather: index 2 at \[0,1\] is out of range for axis 0 of size 2/,
      /0 to 1/,
    );
    expectBad(x, (t) => gather(t, 1, [[-1]]), RangeError, /gather: index -1 at \[0,0\] is out of range for axis 1 of size 3/);
    expectBad(
      x,
      (t) => gather(t, 1, tensor([[0.5]])),
      RangeError,
      /gather: index 0.5 at \[0,0\] is not an integer/,
      /expected integers 0 to 2/,
    );
    expectBad(x, (t) => gather(t, 1, [[0, 1], [2]]), RangeError, /gather: index is ragged/);
    expectBad(x, (t) => gather(t, 1, [["0"]] as any), TypeError, /gather: index must hold numbers, got string at \[0,0\]/);
    expectBad(
      x,
      (t) => gather(t, 1, "0" as any),
      TypeError,
      /gather: index must be a Tensor or nested arrays of integers, got string/,
    );
    expectBad(x, (t) => gather(t, 2, [[0]]), RangeError, /gather: axis 2 is out of range/);
  });
});

// ---------------------------------------------------------------------------------------------

describe("maskedFill", () => {
  /** A mask that broadcasts to the shape: some leading axes dropped, some set to 1. */
  const caseArb = tensorArb().chain((c) =>
    fc
      .record({
        drop: fc.integer({ min: 0, max: c.shape.length }),
        ones: fc.array(fc.boolean(), { minLength: c.shape.length, maxLength: c.shape.length }),
      })
      .chain(({ drop, ones }) => {
        const mshape = c.shape.slice(drop).map((d, k) => (ones[k + drop] ? 1 : d));
        return fc.record({
          c: fc.constant(c),
          mshape: fc.constant(mshape),
          mask: fc.array(fc.constantFrom(0, 1, 1, 0, 2, -1), { minLength: sizeOf(mshape), maxLength: sizeOf(mshape) }),
          value: fc.double({ min: -3, max: 3, noNaN: true }),
        });
      }),
  );
  const filled = (shape: Shape, mshape: Shape, mask: number[]) => (i: number) => {
    const p = unravel(i, shape).slice(shape.length - mshape.length);
    return (
      mask[
        ravel(
          p.map((v, k) => (mshape[k] === 1 ? 0 : v)),
          mshape,
        )
      ] !== 0
    );
  };

  it("maskedFill: values match a plain-JS reference (broadcast masks, nonzero means fill)", () => {
    fc.assert(
      fc.property(caseArb, ({ c, mshape, mask, value }) => {
        const x = make(c);
        const m = tensor(mask, { shape: mshape });
        const isFilled = filled(c.shape, mshape, mask);
        const want = c.values.map((v, i) => (isFilled(i) ? value : v));
        const y = maskedFill(x, m, value);
        expect([...y.shape]).toEqual(c.shape);
        expect(Array.from(y.data)).toEqual(want);
        expect(Array.from(x.maskedFill(m, value).data)).toEqual(want);
        expect(y.storage).not.toBe(x.storage); // a copy
      }),
      RUNS,
    );
  });

  it("maskedFill: gradcheck on fast-check inputs (x, and a 0-d tensor value); zero gradient where filled", () => {
    fc.assert(
      fc.property(caseArb, ({ c, mshape, mask, value }) => {
        const m = tensor(mask, { shape: mshape });
        expectGradOk(gradcheck((x) => maskedFill(x, m, value), [make(c)]));
        expectGradOk(gradcheck((x, v) => maskedFill(x, m, v), [make(c), tensor(value)]));
        const x = tensor(c.values, { shape: c.shape, requiresGrad: true });
        const v = tensor(value, { requiresGrad: true });
        const g = weights(x.size, 7);
        maskedFill(x, m, v).backward(tensor(g, { shape: c.shape }));
        const isFilled = filled(c.shape, mshape, mask);
        expect(Array.from(x.grad!.data)).toEqual(g.map((gi, i) => (isFilled(i) ? 0 : gi)));
        expectClose([v.grad!.item()], [g.reduce((s, gi, i) => s + (isFilled(i) ? gi : 0), 0)], 1e-12, 1e-12, "dvalue");
      }),
      RUNS,
    );
  });

  it("maskedFill: second derivatives (grad of grad) match finite differences", () => {
    for (const [shape, mask] of [
      [[4], [1, 0, 0, 1]],
      [
        [3, 4],
        [[1], [0], [1]],
      ],
      [
        [2, 3, 2],
        [0, 1],
      ],
    ] as [number[], unknown][]) {
      const x = tensor(weights(sizeOf(shape), 13), { shape });
      const { analytic, numeric } = secondOrder((t) => maskedFill(t, mask as number[], 0.75), x, { power: 3, eps: 1e-6 });
      expectClose(analytic, numeric, 1e-6, 1e-6, "H·w");
    }
    // Through the value too: f(v) = Σ g·maskedFill(x, m, v)³, d²f/dv² = Σ_filled 6·g·v.
    const v = tensor(0.5, { requiresGrad: true });
    const [dv] = grad(
      maskedFill(tensor([1, 2, 3]), [1, 0, 1], v)
        .pow(3)
        .mul(tensor([1, 2, 3]))
        .sum(),
      [v],
      { createGraph: true },
    );
    const [d2v] = grad(dv, [v]);
    expectClose([d2v.item()], [6 * 0.5 * (1 + 3)], 1e-12, 1e-12, "d²f/dv²");
  });

  it.each(fixtureCases("maskedFill"))("maskedFill: values, gradient and second derivative match PyTorch (%s)", (_, c) =>
    checkFixture(c),
  );

  it("maskedFill: float32 stays float32 with a float64 mask and a float64 value tensor", () => {
    const x = tensor(new Float32Array([1, 2, 3]), { requiresGrad: true });
    const v = tensor(9, { requiresGrad: true }); // float64
    const y = x.maskedFill(tensor([0, 1, 0]), v);
    expect(y.dtype).toBe("float32");
    expect(y.toArray()).toEqual([1, 9, 3]);
    y.sum().backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(Array.from(x.grad!.data)).toEqual([1, 0, 1]);
    expect(v.grad!.dtype).toBe("float64");
    expect(v.grad!.item()).toBe(1);
  });

  it("maskedFill: a mask of booleans or any nonzero numbers (NaN too), as nested arrays or a Tensor", () => {
    const x = tensor([1, 2, 3, 4]);
    expect(x.maskedFill([true, false, true, false], 0).toArray()).toEqual([0, 2, 0, 4]);
    expect(x.maskedFill([2, 0, -0.5, Number.NaN], 0).toArray()).toEqual([0, 2, 0, 0]);
    expect(x.maskedFill(x.gt(2), -1).toArray()).toEqual([1, 2, -1, -1]);
    expect(x.maskedFill(true, 7).toArray()).toEqual([7, 7, 7, 7]); // a 0-d mask broadcasts
  });

  it("maskedFill: records op 'maskedFill' with the value and the mask's shape", () => {
    const y = tensor([[1, 2, 3]], { requiresGrad: true }).maskedFill([1, 0, 0], 5);
    expect(y.node!.op).toBe("maskedFill");
    expect(y.node!.args).toEqual({ value: 5, maskShape: [3] });
  });

  it("maskedFill: bad input is a TypeError/RangeError naming maskedFill, and changes nothing", () => {
    const x = leafWithGrad([1, 2, 3, 4, 5, 6], [2, 3]);
    expectBad(
      x,
      (t) => maskedFill(t, tensor([1, 0]), 0),
      RangeError,
      /^maskedFill: mask of shape \[2\] cannot be broadcast to the input's shape \[2,3\]/,
    );
    expectBad(
      x,
      (t) => maskedFill(t, tensor([[[1, 0, 1]]]), 0),
      RangeError,
      /maskedFill: mask of shape \[1,1,3\] cannot be broadcast/,
    );
    expectBad(
      x,
      (t) => maskedFill(t, [1, 0, "1"] as any, 0),
      TypeError,
      /maskedFill: mask must hold numbers or booleans, got string at \[2\]/,
    );
    expectBad(x, (t) => maskedFill(t, [[1, 0, 1], [1]], 0), RangeError, /maskedFill: mask is ragged/);
    expectBad(x, (t) => maskedFill(t, "yes" as any, 0), TypeError, /maskedFill: mask must be a Tensor or nested arrays/);
    expectBad(
      x,
      (t) => maskedFill(t, [1, 0, 1], "0" as any),
      TypeError,
      /maskedFill: value must be a number or a 0-d Tensor, got string/,
    );
    expectBad(
      x,
      (t) => maskedFill(t, [1, 0, 1], tensor([1, 2])),
      RangeError,
      /maskedFill: a Tensor value must be 0-d .*got shape \[2\]/,
    );
    const v = tensor(1, { requiresGrad: true });
    v.mul(2).backward();
    expectBad(v, (vv) => maskedFill(x, [1, 0], vv), RangeError, /maskedFill: mask of shape \[2\]/); // the value is untouched too
    expectThrow(() => maskedFill(undefined as any, [1], 0), TypeError, /maskedFill: input must be a Tensor, got undefined/);
  });
});

// ---------------------------------------------------------------------------------------------

describe("indexing ops together", () => {
  it("compose and differentiate twice: a row's masked slice gathered, against a hand-worked gradient", () => {
    const x = tensor(
      [
        [1, -2, 3, -4],
        [5, -6, 7, -8],
      ],
      { requiresGrad: true },
    );
    // row 1 → [5, -6, 7, -8]; [1:] → [-6, 7, -8]; negatives → 0 → [0, 7, 0]; pick [1, 1, 2] → [7, 7, 0]
    const y = x.select(0, -1).slice(0, 1).maskedFill(x.select(0, 1).slice(0, 1).lt(0), 0).indexSelect(0, [1, 1, 2]);
    expect(y.toArray()).toEqual([7, 7, 0]);
    const [dx] = grad(y.pow(2).sum(), [x], { createGraph: true });
    expect(dx.toArray()).toEqual([
      [0, 0, 0, 0],
      [0, 0, 28, 0],
    ]); // d(2·7²)/d7 = 28
    const [d2] = grad(dx.sum(), [x]);
    expect(d2.toArray()).toEqual([
      [0, 0, 0, 0],
      [0, 0, 4, 0],
    ]);
  });

  it("every result is a copy: writing the input afterwards does not change it", () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const outs = [x.select(0, 0), x.slice(0, 0, 1), x.indexSelect(0, [0]), x.gather(0, [[0, 0]]), x.maskedFill([0, 0], 0)];
    x.data[0] = 100;
    for (const o of outs) expect(o.data[0]).toBe(1);
  });

  it("every op is a Tensor method and a root export", () => {
    for (const name of ["select", "slice", "indexSelect", "gather", "maskedFill"]) {
      expect(typeof (Tensor.prototype as unknown as Record<string, unknown>)[name]).toBe("function");
    }
    expect([select, slice, indexSelect, gather, maskedFill].every((f) => typeof f === "function")).toBe(true);
  });
});
