/**
 * Gradients of the core ops against central finite differences (`gradcheck`), on shapes and
 * values drawn by fast-check, plus forward values against plain-JS references and dtype rules.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  type Tensor,
  tensor,
  gradcheck,
  add,
  sub,
  mul,
  div,
  neg,
  exp,
  log,
  pow,
  abs,
  sqrt,
  sum,
  mean,
  max,
  reshape,
  transpose,
  matmul,
} from "../src/index.js";
import type { GradcheckResult } from "../src/index.js";
import { ravel, sizeOf, unravel } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Plain-JS helpers and references (deliberately naive, independent of the library).

type Shape = number[];

const pad = (s: readonly number[], r: number): number[] => [...new Array<number>(r - s.length).fill(1), ...s];

function refBroadcastShape(as: readonly number[], bs: readonly number[]): number[] {
  const r = Math.max(as.length, bs.length);
  const pa = pad(as, r),
    pb = pad(bs, r);
  return pa.map((d, i) => {
    if (d !== pb[i] && d !== 1 && pb[i] !== 1) throw new Error("test bug: not broadcastable");
    return d === 1 ? pb[i] : d;
  });
}

interface Ref {
  shape: number[];
  data: number[];
}

function refBinary(a: ArrayLike<number>, as: Shape, b: ArrayLike<number>, bs: Shape, f: (x: number, y: number) => number): Ref {
  const shape = refBroadcastShape(as, bs);
  const r = shape.length;
  const pa = pad(as, r),
    pb = pad(bs, r);
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape);
    const ia = ravel(
      idx.map((v, k) => (pa[k] === 1 ? 0 : v)),
      pa,
    );
    const ib = ravel(
      idx.map((v, k) => (pb[k] === 1 ? 0 : v)),
      pb,
    );
    data.push(f(a[ia], b[ib]));
  }
  return { shape, data };
}

function normAxes(axis: number | number[] | undefined, rank: number): number[] {
  if (axis === undefined) return [...Array(rank).keys()];
  const list = typeof axis === "number" ? [axis] : axis;
  return list.map((a) => (a < 0 ? a + rank : a)).sort((x, y) => x - y);
}

function refReduce(
  x: ArrayLike<number>,
  shape: Shape,
  axis: number | number[] | undefined,
  keepDims: boolean,
  kind: "sum" | "mean" | "max",
): Ref {
  const axes = normAxes(axis, shape.length);
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const acc = new Array<number>(sizeOf(kept)).fill(kind === "max" ? -Infinity : 0);
  for (let i = 0; i < x.length; i++) {
    const idx = unravel(i, shape);
    const j = ravel(
      idx.map((v, k) => (axes.includes(k) ? 0 : v)),
      kept,
    );
    acc[j] = kind === "max" ? Math.max(acc[j], x[i]) : acc[j] + x[i];
  }
  if (kind === "mean") {
    const count = axes.reduce((n, a) => n * shape[a], 1);
    for (let j = 0; j < acc.length; j++) acc[j] /= count;
  }
  return { shape: keepDims ? kept : shape.filter((_, i) => !axes.includes(i)), data: acc };
}

function refTranspose(x: ArrayLike<number>, shape: Shape, a0: number, a1: number): Ref {
  const r = shape.length;
  const n0 = a0 < 0 ? a0 + r : a0,
    n1 = a1 < 0 ? a1 + r : a1;
  const out = shape.slice();
  [out[n0], out[n1]] = [out[n1], out[n0]];
  const data = new Array<number>(x.length);
  for (let i = 0; i < x.length; i++) {
    const idx = unravel(i, shape);
    [idx[n0], idx[n1]] = [idx[n1], idx[n0]];
    data[ravel(idx, out)] = x[i];
  }
  return { shape: out, data };
}

/** NumPy matmul semantics, naive triple loop per batch element. */
function refMatmul(a: ArrayLike<number>, as: Shape, b: ArrayLike<number>, bs: Shape): Ref {
  const aVec = as.length === 1,
    bVec = bs.length === 1;
  const A = aVec ? [1, as[0]] : as,
    B = bVec ? [bs[0], 1] : bs;
  const n = A[A.length - 2],
    k = A[A.length - 1],
    m = B[B.length - 1];
  if (k !== B[B.length - 2]) throw new Error("test bug: inner sizes differ");
  const batchA = A.slice(0, -2),
    batchB = B.slice(0, -2);
  const batch = refBroadcastShape(batchA, batchB);
  const pa = pad(batchA, batch.length),
    pb = pad(batchB, batch.length);
  const data: number[] = [];
  for (let t = 0; t < sizeOf(batch); t++) {
    const idx = unravel(t, batch);
    const oa =
      ravel(
        idx.map((v, d) => (pa[d] === 1 ? 0 : v)),
        pa,
      ) *
      n *
      k;
    const ob =
      ravel(
        idx.map((v, d) => (pb[d] === 1 ? 0 : v)),
        pb,
      ) *
      k *
      m;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[oa + i * k + p] * b[ob + p * m + j];
        data.push(s);
      }
    }
  }
  const shape = [...batch];
  if (!aVec) shape.push(n);
  if (!bVec) shape.push(m);
  return { shape, data };
}

/** Asserts shape equality and elementwise closeness |got − want| ≤ atol + rtol·|want|. */
function expectClose(t: Tensor, ref: Ref, rtol = 1e-12, atol = 1e-12): void {
  expect([...t.shape]).toEqual(ref.shape);
  expect(t.size).toBe(ref.data.length);
  for (let i = 0; i < ref.data.length; i++) {
    const got = t.data[i],
      want = ref.data[i];
    if (!(Math.abs(got - want) <= atol + rtol * Math.abs(want))) {
      throw new Error(`element ${i} (${unravel(i, ref.shape).join(",")}): got ${got}, expected ${want}`);
    }
  }
}

function expectGradOk(r: GradcheckResult): void {
  expect(r.passed, `gradcheck failed: ${JSON.stringify(r)}`).toBe(true);
  expect(Number.isFinite(r.maxAbsError)).toBe(true);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const RUNS = { numRuns: 30 };

const shapeArb = (minRank: number, maxRank: number, maxDim = 3): fc.Arbitrary<Shape> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });

const valuesArb = (n: number, min = -2, max = 2): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });

const positive = (v: number): number => 0.2 + Math.abs(v); // in [0.2, 2.2]
const awayFromZero = (v: number): number => (v >= 0 ? v + 0.2 : v - 0.2); // |v| ≥ 0.2

const shapedArb = (shapes: fc.Arbitrary<Shape>, f: (v: number) => number = (v) => v) =>
  shapes.chain((s) => valuesArb(sizeOf(s)).map((v) => ({ shape: s, values: v.map(f) })));

/** Distinct values with gaps of ≥ 0.05, so max has no ties (and none within eps). */
const distinctShapedArb = (shapes: fc.Arbitrary<Shape>) =>
  shapes.chain((s) =>
    fc
      .uniqueArray(fc.integer({ min: -200, max: 200 }), { minLength: sizeOf(s), maxLength: sizeOf(s) })
      .map((v) => ({ shape: s, values: v.map((k) => k * 0.05) })),
  );

/** Two NumPy-broadcast-compatible shapes: from a common full shape, each side may put 1s and drop leading axes. */
const broadcastPairArb = (maxRank = 4, maxDim = 3): fc.Arbitrary<{ a: Shape; b: Shape }> =>
  fc
    .array(fc.integer({ min: 1, max: maxDim }), { minLength: 0, maxLength: maxRank })
    .chain((full) =>
      fc.record({
        full: fc.constant(full),
        modes: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: full.length, maxLength: full.length }),
        dropA: fc.integer({ min: 0, max: full.length }),
        dropB: fc.integer({ min: 0, max: full.length }),
      }),
    )
    .map(({ full, modes, dropA, dropB }) => ({
      a: full.map((d, i) => (modes[i] === 1 ? 1 : d)).slice(dropA),
      b: full.map((d, i) => (modes[i] === 2 ? 1 : d)).slice(dropB),
    }));

const binaryCaseArb = (fb: (v: number) => number = (v) => v) =>
  broadcastPairArb().chain(({ a, b }) =>
    fc.record({
      as: fc.constant(a),
      bs: fc.constant(b),
      av: valuesArb(sizeOf(a)),
      bv: valuesArb(sizeOf(b)).map((v) => v.map(fb)),
    }),
  );

/** An `axis` argument for rank r ≥ 1: undefined, one (maybe negative) axis, or an unordered list of distinct axes. */
const axisArb = (r: number): fc.Arbitrary<number | number[] | undefined> =>
  fc.oneof(
    fc.constant(undefined),
    fc.integer({ min: -r, max: r - 1 }),
    fc
      .shuffledSubarray([...Array(r).keys()], { minLength: 1 })
      .chain((axes) =>
        fc
          .array(fc.boolean(), { minLength: axes.length, maxLength: axes.length })
          .map((negs) => axes.map((a, i) => (negs[i] ? a - r : a))),
      ),
  );

// ---------------------------------------------------------------------------------------------

describe("gradcheck itself", () => {
  it("passes a correct gradient and reports tiny errors", () => {
    const r = gradcheck((x) => x.mul(x), [tensor([0.3, -1.2, 2])]);
    expectGradOk(r);
    expect(r.maxAbsError).toBeLessThan(1e-6);
    expect(r.worst).not.toBeNull();
  });

  it("catches a wrong gradient (detach hides half of d(x·x))", () => {
    const r = gradcheck((x) => x.mul(x.detach()), [tensor([0.5, -1.5, 2])]);
    expect(r.passed).toBe(false);
    // With L = Σ w·x·stop(x): analytic w·x, numeric 2·w·x, for whichever element is worst.
    const w = r.worst!;
    expect(w.input).toBe(0);
    expect(w.position).toEqual([w.index]);
    expect(w.numeric / w.analytic).toBeCloseTo(2, 5);
    expect(r.maxRelError).toBeGreaterThan(0.4);
  });

  it("does not modify its inputs", () => {
    const x = tensor([0.25, -0.5, 1.5]);
    const before = Array.from(x.data);
    gradcheck((t) => t.exp(), [x]);
    expect(Array.from(x.data)).toEqual(before);
    expect(x.grad).toBeNull();
  });
});

describe("binary ops with broadcasting: gradcheck", () => {
  const cases: [string, (a: Tensor, b: Tensor) => Tensor, (v: number) => number][] = [
    ["add", (a, b) => add(a, b), (v) => v],
    ["sub", (a, b) => sub(a, b), (v) => v],
    ["mul", (a, b) => mul(a, b), (v) => v],
    ["div", (a, b) => div(a, b), awayFromZero],
    ["a.add(b)", (a, b) => a.add(b), (v) => v],
    ["a.div(b)", (a, b) => a.div(b), awayFromZero],
  ];
  for (const [name, f, fb] of cases) {
    it(`${name} on random broadcast-compatible shapes`, () => {
      fc.assert(
        fc.property(binaryCaseArb(fb), ({ as, bs, av, bv }) => {
          const a = tensor(av, { shape: as });
          const b = tensor(bv, { shape: bs });
          expectGradOk(gradcheck(f, [a, b]));
        }),
        RUNS,
      );
    });
  }

  it("gradient of a broadcast input is summed to its own shape (hand-checked)", () => {
    // d/db Σ w ⊙ (a + b) for a [2,3], b [3] must sum over the rows.
    const a = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const b = tensor([10, 20, 30], { requiresGrad: true });
    a.mul(b).sum().backward();
    expect(b.grad?.toArray()).toEqual([5, 7, 9]);
    expect(a.grad?.toArray()).toEqual([
      [10, 20, 30],
      [10, 20, 30],
    ]);
  });
});

/** One test per case: gradcheck of f on fast-check shapes (rank 0–3) and values mapped by fx. */
function gradcheckEach(cases: [string, (x: Tensor) => Tensor, (v: number) => number][]): void {
  for (const [name, f, fx] of cases) {
    it(name, () => {
      fc.assert(
        fc.property(shapedArb(shapeArb(0, 3), fx), ({ shape, values }) => {
          expectGradOk(gradcheck(f, [tensor(values, { shape })]));
        }),
        RUNS,
      );
    });
  }
}

describe("binary ops with a plain number on either side: gradcheck", () => {
  const cases: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
    ["add(x, 2.5)", (x) => add(x, 2.5), (v) => v],
    ["add(2.5, x)", (x) => add(2.5, x), (v) => v],
    ["sub(x, 3)", (x) => sub(x, 3), (v) => v],
    ["sub(3, x)", (x) => sub(3, x), (v) => v],
    ["mul(x, -1.5)", (x) => mul(x, -1.5), (v) => v],
    ["mul(-1.5, x)", (x) => mul(-1.5, x), (v) => v],
    ["div(x, 4)", (x) => div(x, 4), (v) => v],
    ["div(1.7, x)", (x) => div(1.7, x), awayFromZero],
    ["x.sub(0.5).mul(2).div(3)", (x) => x.sub(0.5).mul(2).div(3), (v) => v],
  ];
  gradcheckEach(cases);
});

describe("unary ops: gradcheck", () => {
  const cases: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
    ["neg", (x) => neg(x), (v) => v],
    ["x.neg()", (x) => x.neg(), (v) => v],
    ["exp", (x) => exp(x), (v) => v],
    ["log (positive inputs)", (x) => log(x), positive],
    ["pow 2", (x) => pow(x, 2), (v) => v],
    ["pow 3", (x) => pow(x, 3), (v) => v],
    ["pow 0.5 (positive inputs)", (x) => pow(x, 0.5), positive],
    ["pow 0", (x) => pow(x, 0), (v) => v],
    ["pow 1", (x) => x.pow(1), (v) => v],
    ["pow -1 (away from 0)", (x) => pow(x, -1), awayFromZero],
    ["pow -2.5 (positive inputs)", (x) => x.pow(-2.5), positive],
    ["abs (away from 0)", (x) => abs(x), awayFromZero],
    ["sqrt (positive inputs)", (x) => sqrt(x), positive],
    ["composite exp(x)·log(x²+1)", (x) => x.exp().mul(x.pow(2).add(1).log()), (v) => v],
  ];
  gradcheckEach(cases);
});

describe("reductions: gradcheck", () => {
  const caseArb = (distinct: boolean) =>
    (distinct ? distinctShapedArb(shapeArb(1, 4)) : shapedArb(shapeArb(1, 4))).chain((c) =>
      fc.record({
        shape: fc.constant(c.shape),
        values: fc.constant(c.values),
        axis: axisArb(c.shape.length),
        keepDims: fc.boolean(),
      }),
    );

  it("sum over all, one, negative and several axes, keepDims true/false", () => {
    fc.assert(
      fc.property(caseArb(false), ({ shape, values, axis, keepDims }) => {
        expectGradOk(gradcheck((x) => sum(x, axis, keepDims), [tensor(values, { shape })]));
      }),
      RUNS,
    );
  });

  it("mean over all, one, negative and several axes, keepDims true/false", () => {
    fc.assert(
      fc.property(caseArb(false), ({ shape, values, axis, keepDims }) => {
        expectGradOk(gradcheck((x) => x.mean(axis, keepDims), [tensor(values, { shape })]));
      }),
      RUNS,
    );
  });

  it("max (no ties) over all, one, negative and several axes, keepDims true/false", () => {
    fc.assert(
      fc.property(caseArb(true), ({ shape, values, axis, keepDims }) => {
        expectGradOk(gradcheck((x) => max(x, axis, keepDims), [tensor(values, { shape })]));
      }),
      RUNS,
    );
  });

  it("reductions of a 0-d tensor", () => {
    for (const f of [(x: Tensor) => x.sum(), (x: Tensor) => x.mean(), (x: Tensor) => x.max()]) {
      expectGradOk(gradcheck(f, [tensor(1.25)]));
    }
  });
});

describe("shape ops: gradcheck", () => {
  const reshapeArb = shapedArb(shapeArb(0, 4)).chain(({ shape, values }) =>
    fc
      .record({
        perm: fc.shuffledSubarray(shape, { minLength: shape.length, maxLength: shape.length }),
        ones: fc.integer({ min: 0, max: 2 }),
        hole: fc.option(fc.nat(), { nil: undefined }),
      })
      .map(({ perm, ones, hole }) => {
        const target = [...perm, ...new Array<number>(ones).fill(1)];
        const resolved = target.slice();
        if (hole !== undefined && target.length > 0) target[hole % target.length] = -1;
        return { shape, values, target, resolved };
      }),
  );

  it("reshape, including a −1 entry: gradient and forward", () => {
    fc.assert(
      fc.property(reshapeArb, ({ shape, values, target, resolved }) => {
        const x = tensor(values, { shape });
        const y = reshape(x, target);
        expectClose(y, { shape: resolved, data: values }, 0, 0);
        expectGradOk(gradcheck((t) => t.reshape(target), [x]));
        // Non-trivial downstream use, so the reshaped gradient must land in the right places.
        expectGradOk(gradcheck((t) => t.reshape(target).mul(t.reshape(target)), [x]));
      }),
      RUNS,
    );
  });

  it("reshape [2,3,4] → [4,-1] and [-1] by hand", () => {
    const x = tensor(
      Array.from({ length: 24 }, (_, i) => i),
      { shape: [2, 3, 4] },
    );
    expect(x.reshape([4, -1]).shape).toEqual([4, 6]);
    expect(x.reshape([-1]).shape).toEqual([24]);
    expect((x.reshape([4, -1]).toArray() as number[][])[3]).toEqual([18, 19, 20, 21, 22, 23]);
  });

  const transposeArb = shapedArb(shapeArb(2, 4)).chain(({ shape, values }) =>
    fc.record({
      shape: fc.constant(shape),
      values: fc.constant(values),
      axes: fc.option(
        fc.tuple(
          fc.integer({ min: -shape.length, max: shape.length - 1 }),
          fc.integer({ min: -shape.length, max: shape.length - 1 }),
        ),
        { nil: undefined },
      ),
    }),
  );

  it("transpose, default and explicit (also negative) axes, rank 2–4: gradient and forward", () => {
    fc.assert(
      fc.property(transposeArb, ({ shape, values, axes }) => {
        const x = tensor(values, { shape });
        const [a0, a1] = axes ?? [-2, -1];
        const f = axes === undefined ? (t: Tensor) => t.transpose() : (t: Tensor) => transpose(t, a0, a1);
        expectClose(f(x), refTranspose(values, shape, a0, a1), 0, 0);
        expectGradOk(gradcheck(f, [x]));
      }),
      RUNS,
    );
  });

  it("transpose of a 2x3 by hand", () => {
    expect(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ])
        .transpose()
        .toArray(),
    ).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(
      tensor([
        [
          [1, 2],
          [3, 4],
        ],
      ])
        .transpose(0, 2)
        .toArray(),
    ).toEqual([
      [[1], [3]],
      [[2], [4]],
    ]);
  });
});

describe("matmul: gradcheck", () => {
  const dimArb = fc.integer({ min: 1, max: 4 });

  it("2-d", () => {
    fc.assert(
      fc.property(
        fc
          .tuple(dimArb, dimArb, dimArb)
          .chain(([n, k, m]) =>
            fc.record({ as: fc.constant([n, k]), bs: fc.constant([k, m]), av: valuesArb(n * k), bv: valuesArb(k * m) }),
          ),
        ({ as, bs, av, bv }) => {
          expectGradOk(gradcheck(matmul, [tensor(av, { shape: as }), tensor(bv, { shape: bs })]));
        },
      ),
      RUNS,
    );
  });

  const batchedArb = fc.record({ batch: broadcastPairArb(2, 3), n: dimArb, k: dimArb, m: dimArb }).chain(({ batch, n, k, m }) => {
    const as = [...batch.a, n, k],
      bs = [...batch.b, k, m];
    return fc.record({ as: fc.constant(as), bs: fc.constant(bs), av: valuesArb(sizeOf(as)), bv: valuesArb(sizeOf(bs)) });
  });

  it("batched 2-d/3-d/4-d with broadcasting batch axes: gradient and forward", () => {
    fc.assert(
      fc.property(batchedArb, ({ as, bs, av, bv }) => {
        const a = tensor(av, { shape: as }),
          b = tensor(bv, { shape: bs });
        expectClose(a.matmul(b), refMatmul(av, as, bv, bs), 1e-12, 1e-12);
        expectGradOk(gradcheck(matmul, [a, b]));
      }),
      RUNS,
    );
  });

  it("explicit 3-d × 3-d, 4-d × 4-d and 4-d × 2-d broadcasts", () => {
    const pairs: [Shape, Shape][] = [
      [
        [2, 3, 4],
        [2, 4, 2],
      ],
      [
        [2, 3, 4],
        [1, 4, 2],
      ],
      [
        [2, 1, 3, 2],
        [1, 3, 2, 3],
      ],
      [
        [2, 2, 3, 2],
        [2, 3],
      ],
      [
        [3, 2],
        [2, 2, 2, 4],
      ],
    ];
    let seed = 1;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (const [as, bs] of pairs) {
      const av = Array.from({ length: sizeOf(as) }, rnd),
        bv = Array.from({ length: sizeOf(bs) }, rnd);
      const a = tensor(av, { shape: as }),
        b = tensor(bv, { shape: bs });
      expectClose(matmul(a, b), refMatmul(av, as, bv, bs));
      expectGradOk(gradcheck(matmul, [a, b]));
    }
  });

  const vecLeftArb = fc.record({ batch: shapeArb(0, 2), k: dimArb, m: dimArb }).chain(({ batch, k, m }) => {
    const bs = [...batch, k, m];
    return fc.record({ as: fc.constant<Shape>([k]), bs: fc.constant<Shape>(bs), av: valuesArb(k), bv: valuesArb(sizeOf(bs)) });
  });
  const vecRightArb = fc.record({ batch: shapeArb(0, 2), n: dimArb, k: dimArb }).chain(({ batch, n, k }) => {
    const as = [...batch, n, k];
    return fc.record({ as: fc.constant<Shape>(as), bs: fc.constant<Shape>([k]), av: valuesArb(sizeOf(as)), bv: valuesArb(k) });
  });
  const vecVecArb = dimArb.chain((k) =>
    fc.record({ as: fc.constant<Shape>([k]), bs: fc.constant<Shape>([k]), av: valuesArb(k), bv: valuesArb(k) }),
  );

  const vecCases: [string, fc.Arbitrary<{ as: Shape; bs: Shape; av: number[]; bv: number[] }>][] = [
    ["1-d on the left", vecLeftArb],
    ["1-d on the right", vecRightArb],
    ["vector · vector", vecVecArb],
  ];
  for (const [name, arb] of vecCases) {
    it(`${name}: gradient and forward`, () => {
      fc.assert(
        fc.property(arb, ({ as, bs, av, bv }) => {
          const a = tensor(av, { shape: as }),
            b = tensor(bv, { shape: bs });
          expectClose(matmul(a, b), refMatmul(av, as, bv, bs));
          expectGradOk(gradcheck(matmul, [a, b]));
        }),
        RUNS,
      );
    });
  }

  it("vector · vector gives a 0-d tensor", () => {
    const y = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(32);
  });
});

// ---------------------------------------------------------------------------------------------
// Forward values.

describe("forward values against plain-JS references", () => {
  const binOps: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number, (v: number) => number][] = [
    ["add", add, (x, y) => x + y, (v) => v],
    ["sub", sub, (x, y) => x - y, (v) => v],
    ["mul", mul, (x, y) => x * y, (v) => v],
    ["div", div, (x, y) => x / y, awayFromZero],
  ];
  for (const [name, f, ref, fb] of binOps) {
    it(`${name} with broadcasting`, () => {
      fc.assert(
        fc.property(binaryCaseArb(fb), ({ as, bs, av, bv }) => {
          const out = f(tensor(av, { shape: as }), tensor(bv, { shape: bs }));
          expectClose(out, refBinary(av, as, bv, bs, ref), 0, 0);
        }),
        { numRuns: 60 },
      );
    });
  }

  it("broadcasting by hand: column + row, scalar tensor, numbers", () => {
    const col = tensor([[1], [2], [3]]);
    const row = tensor([10, 20]);
    expect(col.add(row).toArray()).toEqual([
      [11, 21],
      [12, 22],
      [13, 23],
    ]);
    expect(row.sub(col).toArray()).toEqual([
      [9, 19],
      [8, 18],
      [7, 17],
    ]);
    expect(col.mul(row).toArray()).toEqual([
      [10, 20],
      [20, 40],
      [30, 60],
    ]);
    expect(row.div(col).toArray()).toEqual([
      [10, 20],
      [5, 10],
      [10 / 3, 20 / 3],
    ]);
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ])
        .mul(tensor(3))
        .toArray(),
    ).toEqual([
      [3, 6],
      [9, 12],
    ]);
    expect(tensor(2).add(tensor([1, 2, 3])).shape).toEqual([3]);
    expect(sub(10, tensor([1, 2])).toArray()).toEqual([9, 8]);
    expect(div(1, tensor([2, 4])).toArray()).toEqual([0.5, 0.25]);
    expect(tensor([2, 4]).div(2).toArray()).toEqual([1, 2]);
    expect(mul(tensor([[1, 2]]), tensor([[1], [2], [3]])).shape).toEqual([3, 2]);
    expect(add(tensor([1, 2, 3]).reshape([1, 3, 1]), tensor([1, 2]).reshape([2, 1, 1, 1])).shape).toEqual([2, 1, 3, 1]);
  });

  const unOps: [string, (x: Tensor) => Tensor, (v: number) => number, (v: number) => number][] = [
    ["neg", neg, (v) => -v, (v) => v],
    ["exp", exp, Math.exp, (v) => v],
    ["log", log, Math.log, positive],
    ["pow 2", (x) => pow(x, 2), (v) => v * v, (v) => v],
    ["pow 3", (x) => pow(x, 3), (v) => v ** 3, (v) => v],
    ["pow 0.5", (x) => pow(x, 0.5), Math.sqrt, positive],
    ["pow 0", (x) => pow(x, 0), () => 1, (v) => v],
    ["pow -1", (x) => pow(x, -1), (v) => 1 / v, awayFromZero],
    ["abs", abs, Math.abs, (v) => v],
    ["sqrt", sqrt, Math.sqrt, positive],
  ];
  for (const [name, f, ref, fx] of unOps) {
    it(name, () => {
      fc.assert(
        fc.property(shapedArb(shapeArb(0, 3), fx), ({ shape, values }) => {
          expectClose(f(tensor(values, { shape })), { shape, data: values.map(ref) }, 1e-14, 1e-300);
        }),
        RUNS,
      );
    });
  }

  const reduceCaseArb = shapedArb(shapeArb(1, 4)).chain((c) =>
    fc.record({
      shape: fc.constant(c.shape),
      values: fc.constant(c.values),
      axis: axisArb(c.shape.length),
      keepDims: fc.boolean(),
    }),
  );
  for (const kind of ["sum", "mean", "max"] as const) {
    it(`${kind} over random axes`, () => {
      const f = { sum, mean, max }[kind];
      fc.assert(
        fc.property(reduceCaseArb, ({ shape, values, axis, keepDims }) => {
          expectClose(f(tensor(values, { shape }), axis, keepDims), refReduce(values, shape, axis, keepDims, kind), 1e-12, 1e-12);
        }),
        { numRuns: 60 },
      );
    });
  }

  it("reductions by hand", () => {
    const x = tensor([
      [1, 5, 3],
      [4, 2, 6],
    ]);
    expect(x.sum().item()).toBe(21);
    expect(x.sum(0).toArray()).toEqual([5, 7, 9]);
    expect(x.sum(-1, true).toArray()).toEqual([[9], [12]]);
    expect(x.mean(1).toArray()).toEqual([3, 4]);
    expect(x.max(0).toArray()).toEqual([4, 5, 6]);
    expect(x.max(-1).toArray()).toEqual([5, 6]);
    expect(x.max([0, 1]).item()).toBe(6);
    expect(x.max(undefined, true).shape).toEqual([1, 1]);
    expect(x.sum([-1, 0], true).shape).toEqual([1, 1]);
  });

  it("max gradient goes to the arg-max of each group", () => {
    const x = tensor(
      [
        [1, 5, 3],
        [4, 2, 6],
      ],
      { requiresGrad: true },
    );
    x.max(1).sum().backward();
    expect(x.grad?.toArray()).toEqual([
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it("matmul against a naive triple loop at odd sizes", () => {
    const sizes: [number, number, number][] = [
      [1, 1, 1],
      [5, 7, 3],
      [13, 17, 9],
      [4, 4, 4],
      [3, 5, 2],
      [8, 12, 8],
      [6, 1, 5],
      [1, 9, 1],
      [7, 3, 11],
      [16, 16, 16],
    ];
    let seed = 42;
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 4 - 2;
    for (const [n, k, m] of sizes) {
      const av = Array.from({ length: n * k }, rnd),
        bv = Array.from({ length: k * m }, rnd);
      expectClose(
        matmul(tensor(av, { shape: [n, k] }), tensor(bv, { shape: [k, m] })),
        refMatmul(av, [n, k], bv, [k, m]),
        1e-12,
        1e-12,
      );
    }
  });

  it("matmul against a naive triple loop at random sizes 1..14", () => {
    const d = fc.integer({ min: 1, max: 14 });
    fc.assert(
      fc.property(
        fc
          .tuple(d, d, d)
          .chain(([n, k, m]) =>
            fc.record({ n: fc.constant(n), k: fc.constant(k), m: fc.constant(m), av: valuesArb(n * k), bv: valuesArb(k * m) }),
          ),
        ({ n, k, m, av, bv }) => {
          expectClose(
            matmul(tensor(av, { shape: [n, k] }), tensor(bv, { shape: [k, m] })),
            refMatmul(av, [n, k], bv, [k, m]),
            1e-12,
            1e-12,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("matmul called twice in a row with different sizes does not reuse stale packed data", () => {
    const big = tensor(
      Array.from({ length: 64 }, (_, i) => i),
      { shape: [8, 8] },
    );
    const r1 = matmul(big, big);
    const small = tensor([[1, 2, 3, 4]]);
    const sb = tensor(
      Array.from({ length: 16 }, (_, i) => 16 - i),
      { shape: [4, 4] },
    );
    const r2 = matmul(small, sb);
    expectClose(r2, refMatmul(small.data, [1, 4], sb.data, [4, 4]));
    expectClose(r1, refMatmul(big.data, [8, 8], big.data, [8, 8]));
  });

  it("matmul by hand", () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ])
        .matmul(
          tensor([
            [5, 6],
            [7, 8],
          ]),
        )
        .toArray(),
    ).toEqual([
      [19, 22],
      [43, 50],
    ]);
    expect(
      matmul(
        tensor([1, 2]),
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toArray(),
    ).toEqual([9, 12, 15]);
    expect(
      matmul(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        tensor([1, 0, -1]),
      ).toArray(),
    ).toEqual([-2, -2]);
  });
});

// ---------------------------------------------------------------------------------------------
// dtypes.

describe("dtypes", () => {
  const f32 = (v: number[], shape: Shape) => tensor(new Float32Array(v), { shape });
  const a32 = f32([0.5, 1.5, 2.5, 3.5, 4.5, 5.5], [2, 3]);
  const b32 = f32([1.25, 2.25, 3.25], [3]);
  const m32 = f32([1, 2, 3, 4, 5, 6], [3, 2]);

  const ops: [string, () => Tensor][] = [
    ["add", () => add(a32, b32)],
    ["sub", () => sub(a32, b32)],
    ["mul", () => mul(a32, b32)],
    ["div", () => div(a32, b32)],
    ["add number", () => add(a32, 2)],
    ["number sub", () => sub(2, a32)],
    ["mul number", () => a32.mul(0.1)],
    ["number div", () => div(1, a32)],
    ["neg", () => neg(a32)],
    ["exp", () => exp(a32)],
    ["log", () => log(a32)],
    ["pow 2", () => pow(a32, 2)],
    ["pow 0.5", () => pow(a32, 0.5)],
    ["abs", () => abs(a32)],
    ["sqrt", () => sqrt(a32)],
    ["sum", () => sum(a32)],
    ["sum axis", () => sum(a32, 1, true)],
    ["mean", () => mean(a32, 0)],
    ["max", () => max(a32, -1)],
    ["reshape", () => reshape(a32, [3, -1])],
    ["transpose", () => transpose(a32)],
    ["matmul", () => matmul(a32, m32)],
    ["matmul vec", () => matmul(b32, m32)],
  ];
  for (const [name, f] of ops) {
    it(`float32 in, float32 out: ${name}`, () => {
      expect(a32.dtype).toBe("float32");
      const y = f();
      expect(y.dtype).toBe("float32");
      expect(y.data).toBeInstanceOf(Float32Array);
    });
  }

  it("float32 forward values match the float64 ones to float32 precision", () => {
    const a64 = tensor(a32, { dtype: "float64" }),
      b64 = tensor(b32, { dtype: "float64" }),
      m64 = tensor(m32, { dtype: "float64" });
    const pairs: [Tensor, Tensor][] = [
      [add(a32, b32), add(a64, b64)],
      [div(a32, b32), div(a64, b64)],
      [exp(a32), exp(a64)],
      [matmul(a32, m32), matmul(a64, m64)],
      [mean(a32, 0), mean(a64, 0)],
    ];
    for (const [x32, x64] of pairs) expectClose(x32, { shape: [...x64.shape], data: Array.from(x64.data) }, 1e-6, 1e-6);
  });

  it("mixed float32/float64 gives float64", () => {
    const a64 = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(a64.dtype).toBe("float64");
    for (const y of [
      add(a32, a64),
      sub(a64, a32),
      mul(b32, a64),
      div(a64, b32),
      matmul(a32, tensor([[1], [2], [3]])),
      matmul(tensor([1, 2]), m32.transpose()),
    ]) {
      expect(y.dtype).toBe("float64");
      expect(y.data).toBeInstanceOf(Float64Array);
    }
    expect(add(a32, a64).toArray()).toEqual([
      [1.5, 3.5, 5.5],
      [7.5, 9.5, 11.5],
    ]);
  });

  it("a float32 leaf used with float64 tensors gets a float32 .grad with the right values", () => {
    const x = tensor(new Float32Array([1, 2, 3]), { requiresGrad: true });
    const w = tensor([0.5, -1, 2], { requiresGrad: true });
    const y = x.mul(w).sum();
    expect(y.dtype).toBe("float64");
    y.backward();
    expect(x.grad?.dtype).toBe("float32");
    expect(Array.from(x.grad!.data)).toEqual([0.5, -1, 2]);
    expect(w.grad?.dtype).toBe("float64");
    expect(Array.from(w.grad!.data)).toEqual([1, 2, 3]);
  });

  it("a float32 leaf in a float32 matmul gets a float32 .grad", () => {
    const x = tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2], requiresGrad: true });
    const w = tensor(new Float64Array([1, 0, 0, 1]), { shape: [2, 2], requiresGrad: true });
    x.matmul(w).sum().backward();
    expect(x.grad?.dtype).toBe("float32");
    expect(x.grad?.toArray()).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(w.grad?.dtype).toBe("float64");
    expect(w.grad?.toArray()).toEqual([
      [4, 4],
      [6, 6],
    ]);
  });
});
