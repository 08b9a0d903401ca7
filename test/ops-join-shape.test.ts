/**
 * The joining and shape ops of issue 13 — concat, stack, split, squeeze, unsqueeze, permute,
 * flatten, expand: gradients against finite differences on fast-check inputs, second
 * derivatives through their rules, values and gradients against PyTorch (fixtures written by
 * scripts/torch-fixtures-join.py), the identities that tie them together, which results are
 * views sharing storage, dtypes, and bad input.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DType,
  type Tensor,
  concat,
  expand,
  flatten,
  grad,
  gradcheck,
  permute,
  split,
  squeeze,
  stack,
  tensor,
  unsqueeze,
} from "../src/index.js";
import { expectThrow, gradgradcheck, ravel, sizeOf, unravel } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Helpers

type Shape = number[];
const RUNS = { numRuns: 25 };

/** A float64 tensor of `shape` with the given values (or fixed distinct ones). */
function make(shape: readonly number[], values?: readonly number[], dtype: DType = "float64", requiresGrad = false): Tensor {
  const n = sizeOf(shape);
  const v = values ?? Array.from({ length: n }, (_, i) => Math.round(100 * Math.sin(0.7 * i + 0.3)) / 50);
  return tensor(Float64Array.from(v), { shape: [...shape], dtype, requiresGrad });
}

const valuesArb = (n: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });

const shapeArb = (minRank = 1, maxRank = 3, minDim = 1, maxDim = 4): fc.Arbitrary<Shape> =>
  fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });

/** A shape, an axis of it (possibly negative) and values. */
const shapedAxisArb = (minRank = 1, maxRank = 3, minDim = 1, maxDim = 4) =>
  shapeArb(minRank, maxRank, minDim, maxDim).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
      values: valuesArb(sizeOf(shape)),
    }),
  );

function expectPassed(r: ReturnType<typeof gradcheck>): void {
  expect(r.passed, `gradcheck failed: ${JSON.stringify(r.worst)} (max abs error ${r.maxAbsError})`).toBe(true);
}

/** A snapshot of a tensor's values and gradient, to check that a failed call changed nothing. */
function snapshot(xs: readonly Tensor[]): () => void {
  const before = xs.map((x) => ({ data: Array.from(x.data), grad: x.grad ? Array.from(x.grad.data) : null, shape: x.shape }));
  return () =>
    xs.forEach((x, k) => {
      expect(Array.from(x.data)).toEqual(before[k].data);
      expect(x.grad ? Array.from(x.grad.data) : null).toEqual(before[k].grad);
      expect(x.shape).toEqual(before[k].shape);
    });
}

// ---------------------------------------------------------------------------------------------
// Gradients against finite differences, on fast-check inputs

describe("gradcheck on fast-check inputs (shapes of rank 1–3, negative axes)", () => {
  it("concat: 1–3 tensors joined on a random axis", () => {
    fc.assert(
      fc.property(
        shapeArb(1, 3),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        (base, sizes, ax, negative) => {
          const a = ax % base.length;
          const axis = negative ? a - base.length : a;
          const xs = sizes.map((n, k) => {
            const s = base.slice();
            s[a] = n;
            return make(s).mul(k + 1);
          });
          const y = concat(xs, axis);
          expect(y.shape[a]).toBe(sizes.reduce((p, q) => p + q, 0));
          expectPassed(gradcheck((...ts) => concat(ts, axis), xs));
        },
      ),
      RUNS,
    );
  });

  it("stack: 1–3 tensors of one shape on a new axis in [−rank−1, rank]", () => {
    fc.assert(
      fc.property(shapeArb(0, 3), fc.integer({ min: 1, max: 3 }), fc.integer({ min: -4, max: 3 }), (shape, n, raw) => {
        const r = shape.length;
        const axis = Math.max(-r - 1, Math.min(r, raw));
        const xs = Array.from({ length: n }, (_, k) => make(shape).add(k));
        const y = stack(xs, axis);
        expect(y.shape.length).toBe(r + 1);
        expect(y.shape[axis < 0 ? axis + r + 1 : axis]).toBe(n);
        expectPassed(gradcheck((...ts) => stack(ts, axis), xs));
      }),
      RUNS,
    );
  });

  it("split: by a size and by sizes, every piece's gradient (zeros outside the piece)", () => {
    fc.assert(
      fc.property(
        shapedAxisArb(1, 3, 1, 5),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        ({ shape, axis, values }, s, bySizes) => {
          const x = make(shape, values);
          const n = shape[axis < 0 ? axis + shape.length : axis];
          // By sizes: cut the axis at s-spaced points, one piece possibly empty.
          const sizes = bySizes ? [Math.min(s, n), 0, n - Math.min(s, n)] : s;
          const parts = split(x, sizes, axis);
          expect(parts.length).toBe(bySizes ? 3 : Math.ceil(n / s));
          parts.forEach((_, k) => {
            expectPassed(gradcheck((t) => split(t, sizes, axis)[k], [x]));
          });
          // All pieces at once: each weighted differently.
          expectPassed(
            gradcheck(
              (t) =>
                concat(
                  t.split(sizes, axis).map((p, k) => p.mul(k + 1)),
                  axis,
                ),
              [x],
            ),
          );
        },
      ),
      RUNS,
    );
  });

  it("squeeze: all size-1 axes, or a named axis (size 1 or not)", () => {
    fc.assert(
      fc.property(shapedAxisArb(1, 3, 1, 2), fc.boolean(), ({ shape, axis, values }, all) => {
        const x = make(shape, values);
        const y = all ? x.squeeze() : x.squeeze(axis);
        expect(y.size).toBe(x.size);
        expectPassed(gradcheck((t) => (all ? squeeze(t) : squeeze(t, axis)).mul(2), [x]));
      }),
      RUNS,
    );
  });

  it("unsqueeze: every position in [−rank−1, rank]", () => {
    fc.assert(
      fc.property(shapeArb(1, 3), fc.integer({ min: -4, max: 3 }), (shape, raw) => {
        const r = shape.length;
        const axis = Math.max(-r - 1, Math.min(r, raw));
        const x = make(shape);
        expect(x.unsqueeze(axis).shape[axis < 0 ? axis + r + 1 : axis]).toBe(1);
        expectPassed(gradcheck((t) => unsqueeze(t, axis).mul(3), [x]));
      }),
      RUNS,
    );
  });

  it("permute: a random permutation, written with negative axes half the time", () => {
    fc.assert(
      fc.property(
        shapeArb(1, 3).chain((shape) =>
          fc.record({
            shape: fc.constant(shape),
            perm: fc.shuffledSubarray(
              shape.map((_, i) => i),
              { minLength: shape.length, maxLength: shape.length },
            ),
            negate: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
          }),
        ),
        ({ shape, perm, negate }) => {
          const axes = perm.map((a, i) => (negate[i] ? a - shape.length : a));
          const x = make(shape);
          const y = x.permute(...axes);
          expect(y.shape).toEqual(perm.map((a) => shape[a]));
          expectPassed(gradcheck((t) => permute(t, axes), [x]));
        },
      ),
      RUNS,
    );
  });

  it("flatten: random startAxis ≤ endAxis, negative or not", () => {
    fc.assert(
      fc.property(shapeArb(1, 3), fc.nat(), fc.nat(), fc.boolean(), (shape, p, q, negative) => {
        const r = shape.length;
        const [s, e] = [p % r, q % r].sort((u, v) => u - v);
        const start = negative ? s - r : s;
        const x = make(shape);
        const y = x.flatten(start, e);
        expect(y.shape.length).toBe(r - (e - s));
        expectPassed(gradcheck((t) => flatten(t, start, negative ? e - r : e), [x]));
      }),
      RUNS,
    );
  });

  it("expand: size-1 axes grow, new leading axes, −1 keeps a size", () => {
    fc.assert(
      fc.property(
        shapeArb(1, 3, 1, 3),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }),
        (shape, modes, lead) => {
          // Make some axes size 1, then expand them; mode 2 keeps the size with −1.
          const base = shape.map((d, i) => (modes[i] === 0 ? 1 : d));
          const target = [...lead, ...base.map((d, i) => (modes[i] === 2 ? -1 : d === 1 ? shape[i] + 1 : d))];
          const x = make(base);
          const y = x.expand(target);
          expect(y.shape).toEqual([...lead, ...base.map((d, i) => (modes[i] === 2 ? d : d === 1 ? shape[i] + 1 : d))]);
          expectPassed(gradcheck((t) => expand(t, target), [x]));
        },
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Second derivatives: each rule differentiates again

describe("second derivatives through the rules (grad of grad)", () => {
  it("concat (the rule is split, whose rule is concat with zeros)", () => {
    gradgradcheck((a, b) => concat([a, b], -1), [make([2, 3]), make([2, 2]).add(0.5)]);
    gradgradcheck((a, b, c) => concat([a, b, c], 0), [make([1, 2]), make([2, 2]), make([1, 2]).neg()]);
  });
  it("stack (split + squeeze)", () => {
    gradgradcheck((a, b) => stack([a, b], 1), [make([2, 3]), make([2, 3]).mul(-0.5)]);
  });
  it("split, all pieces and one piece", () => {
    gradgradcheck((x) => split(x, 2, -1), [make([2, 5])]);
    gradgradcheck((x) => split(x, [1, 2], 0)[1], [make([3, 2])]);
  });
  it("squeeze, unsqueeze, flatten (reshape back)", () => {
    gradgradcheck((x) => squeeze(x), [make([2, 1, 3])]);
    gradgradcheck((x) => unsqueeze(x, -1), [make([2, 3])]);
    gradgradcheck((x) => flatten(x, 1), [make([2, 2, 3])]);
  });
  it("permute (the inverse permutation)", () => {
    gradgradcheck((x) => permute(x, 2, 0, 1), [make([2, 3, 2])]);
  });
  it("expand (sumToShape)", () => {
    gradgradcheck((x) => expand(x, [2, 3, 4]), [make([3, 1])]);
  });
});

// ---------------------------------------------------------------------------------------------
// PyTorch

interface Rec {
  shape: number[];
  data: number[];
}
interface Case {
  op: string;
  args: unknown[];
  torch: string;
  dtypes: DType[];
  inputs: Rec[];
  outputs: Rec[];
  upstream: (Rec & { output: number })[];
  grads: Rec[];
  d2: Rec[];
}
const fixtures = JSON.parse(readFileSync(new URL("./fixtures/torch-join.json", import.meta.url), "utf8")) as {
  cases: Case[];
};

/** actigrad's twin of a fixture case. */
function runCase(op: string, xs: Tensor[], args: any[]): Tensor[] {
  switch (op) {
    case "concat":
      return [concat(xs, ...args)];
    case "stack":
      return [stack(xs, ...args)];
    case "split":
      return xs[0].split(args[0], args[1]);
    case "squeeze":
      return [xs[0].squeeze(...args)];
    case "unsqueeze":
      return [xs[0].unsqueeze(args[0])];
    case "permute":
      return [xs[0].permute(...(args[0] as number[]))];
    case "flatten":
      return [xs[0].flatten(...args)];
    case "expand":
      return [xs[0].expand(args[0] as number[])];
    default:
      throw new Error(`test bug: no op ${op}`);
  }
}

function expectClose(got: Tensor, want: Rec, dtype: DType, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  expect(got.dtype, what).toBe(dtype);
  const tol = dtype === "float32" ? 2e-6 : 1e-12;
  got.data.forEach((v, i) => {
    const w = want.data[i];
    expect(Math.abs(v - w), `${what}[${i}]: ${v} vs ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  });
}

describe("values, gradients and second derivatives against PyTorch (test/fixtures/torch-join.json)", () => {
  it("has cases for every op in both dtypes", () => {
    const seen = new Set(fixtures.cases.map((c) => `${c.op}/${c.dtypes.join("+")}`));
    for (const op of ["concat", "stack", "split", "squeeze", "unsqueeze", "permute", "flatten", "expand"]) {
      expect(seen.has(`${op}/${op === "concat" || op === "stack" ? "float64+float64" : "float64"}`)).toBe(true);
      expect(seen.has(`${op}/${op === "concat" || op === "stack" ? "float32+float32" : "float32"}`)).toBe(true);
    }
  });

  for (const c of fixtures.cases) {
    it(`${c.torch} on ${c.inputs.map((r) => `[${r.shape}]`).join(", ")} (${c.dtypes.join("+")})`, () => {
      const fresh = () =>
        c.inputs.map((r, k) => tensor(Float64Array.from(r.data), { shape: r.shape, dtype: c.dtypes[k], requiresGrad: true }));
      const outDtype: DType = c.dtypes.every((d) => d === "float32") ? "float32" : "float64";
      // Values.
      const xs = fresh();
      const ys = runCase(c.op, xs, c.args);
      expect(ys.length).toBe(c.outputs.length);
      ys.forEach((y, j) => expectClose(y, c.outputs[j], outDtype, `output ${j}`));
      // Gradients, with PyTorch's upstream gradients on the outputs that have one.
      const picked = c.upstream.map((u) => ys[u.output]);
      const gs = c.upstream.map((u) => tensor(Float64Array.from(u.data), { shape: u.shape, dtype: outDtype }));
      const grads = grad(picked, xs, { gradOutputs: gs });
      grads.forEach((g, k) => expectClose(g, c.grads[k], c.dtypes[k], `grad ${k}`));
      // Second derivatives: ∂(Σ_k Σ dx_k²)/∂x with dx = ∂(Σ_j Σ g_j ⊙ y_j²)/∂x.
      const ys2 = runCase(c.op, xs, c.args);
      let s: Tensor | null = null;
      c.upstream.forEach((u, i) => {
        const y = ys2[u.output];
        const term = gs[i].mul(y).mul(y).sum();
        s = s === null ? term : s.add(term);
      });
      const dx = grad(s!, xs, { createGraph: true });
      let second: Tensor | null = null;
      for (const d of dx) {
        const term = d.mul(d).sum();
        second = second === null ? term : second.add(term);
      }
      const d2 = grad(second!, xs);
      d2.forEach((g, k) => expectClose(g, c.d2[k], c.dtypes[k], `d2 ${k}`));
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Identities

describe("identities (properties)", () => {
  it("split then concat is the identity (by a size and by sizes)", () => {
    fc.assert(
      fc.property(shapedAxisArb(1, 3, 0, 5), fc.integer({ min: 1, max: 6 }), ({ shape, axis, values }, s) => {
        const x = make(shape, values);
        const n = shape[axis < 0 ? axis + shape.length : axis];
        for (const sizes of [s, [Math.min(s, n), n - Math.min(s, n)]]) {
          const y = concat(split(x, sizes, axis), axis);
          expect(y.shape).toEqual(x.shape);
          expect(Array.from(y.data)).toEqual(Array.from(x.data));
        }
      }),
      RUNS,
    );
  });

  it("stack then picking index i along the axis (split + squeeze) gives back input i", () => {
    fc.assert(
      fc.property(shapeArb(0, 3), fc.integer({ min: 1, max: 4 }), fc.integer({ min: -4, max: 3 }), (shape, n, raw) => {
        const r = shape.length;
        const axis = Math.max(-r - 1, Math.min(r, raw));
        const xs = Array.from({ length: n }, (_, k) => make(shape).mul(k + 2));
        const y = stack(xs, axis);
        y.split(1, axis).forEach((p, i) => {
          const back = p.squeeze(axis);
          expect(back.shape).toEqual(xs[i].shape);
          expect(Array.from(back.data)).toEqual(Array.from(xs[i].data));
        });
      }),
      RUNS,
    );
  });

  it("permute by p then by p⁻¹ is the identity; values land where p says", () => {
    fc.assert(
      fc.property(
        shapeArb(1, 3, 1, 4).chain((shape) =>
          fc.record({
            shape: fc.constant(shape),
            perm: fc.shuffledSubarray(
              shape.map((_, i) => i),
              { minLength: shape.length, maxLength: shape.length },
            ),
          }),
        ),
        ({ shape, perm }) => {
          const x = make(shape);
          const y = x.permute(perm);
          y.data.forEach((v, i) => {
            const idx = unravel(i, y.shape);
            const src = new Array<number>(shape.length);
            perm.forEach((a, j) => {
              src[a] = idx[j];
            });
            expect(v).toBe(x.data[ravel(src, shape)]);
          });
          const inverse = new Array<number>(perm.length);
          perm.forEach((a, i) => {
            inverse[a] = i;
          });
          const back = y.permute(inverse);
          expect(back.shape).toEqual(x.shape);
          expect(Array.from(back.data)).toEqual(Array.from(x.data));
        },
      ),
      RUNS,
    );
  });

  it("flatten then reshape back is the identity, sharing storage throughout", () => {
    fc.assert(
      fc.property(shapeArb(1, 3), fc.nat(), fc.nat(), (shape, p, q) => {
        const [s, e] = [p % shape.length, q % shape.length].sort((u, v) => u - v);
        const x = make(shape);
        const f = x.flatten(s, e);
        const back = f.reshape(shape);
        expect(back.shape).toEqual(shape);
        expect(f.storage).toBe(x.storage);
        expect(back.storage).toBe(x.storage);
      }),
      RUNS,
    );
  });

  it("squeeze(unsqueeze(x, a), a) = x", () => {
    fc.assert(
      fc.property(shapeArb(0, 3), fc.integer({ min: -4, max: 3 }), (shape, raw) => {
        const r = shape.length;
        const a = Math.max(-r - 1, Math.min(r, raw));
        const x = make(shape);
        const y = squeeze(unsqueeze(x, a), a);
        expect(y.shape).toEqual(x.shape);
        expect(Array.from(y.data)).toEqual(Array.from(x.data));
      }),
      RUNS,
    );
  });

  it("expand then sum over the repeated axes is the input times the repeats", () => {
    const x = make([3, 1]);
    const y = x.expand([2, 3, 4]);
    expect(Array.from(y.sum([0, 2]).data)).toEqual(Array.from(x.data).map((v) => v * 8));
  });
});

// ---------------------------------------------------------------------------------------------
// Views and copies

describe("views share storage, copies do not", () => {
  it("squeeze, unsqueeze and flatten are views (y.storage === x.storage)", () => {
    const x = make([2, 1, 3]);
    expect(x.squeeze().storage).toBe(x.storage);
    expect(x.squeeze(1).storage).toBe(x.storage);
    expect(x.unsqueeze(0).storage).toBe(x.storage);
    expect(x.unsqueeze(-1).storage).toBe(x.storage);
    expect(x.flatten().storage).toBe(x.storage);
    expect(x.flatten(1).storage).toBe(x.storage);
    const s = make([]);
    expect(s.flatten().storage).toBe(s.storage); // 0-d → [1]
  });

  it("a no-op returns x itself", () => {
    const x = make([2, 3]);
    expect(x.squeeze()).toBe(x);
    expect(x.squeeze(0)).toBe(x); // axis of size 2: no-op, as PyTorch
    expect(x.flatten(1)).toBe(x);
    expect(x.permute(0, 1)).toBe(x);
    expect(x.expand([-1, 3])).toBe(x);
  });

  it("permute and expand are views when no value moves, copies otherwise", () => {
    const x = make([1, 3, 1, 2]);
    expect(x.permute(2, 1, 0, 3).storage).toBe(x.storage); // only size-1 axes move
    expect(x.permute(0, 3, 2, 1).storage).not.toBe(x.storage);
    const z = make([3]);
    expect(z.expand([1, 3]).storage).toBe(z.storage); // a new leading 1: nothing repeated
    expect(z.expand([2, 3]).storage).not.toBe(z.storage);
  });

  it("concat, stack and split make copies", () => {
    const a = make([2, 3]);
    expect(concat([a]).storage).not.toBe(a.storage);
    expect(stack([a]).storage).not.toBe(a.storage);
    for (const p of a.split(1)) expect(p.storage).not.toBe(a.storage);
  });

  it("a view's gradient flows back to x", () => {
    const x = make([2, 1, 3], undefined, "float64", true);
    x.squeeze()
      .unsqueeze(0)
      .flatten()
      .mul(make([6]))
      .sum()
      .backward();
    expect(Array.from(x.grad!.data)).toEqual(Array.from(make([6]).data));
  });
});

// ---------------------------------------------------------------------------------------------
// Dtypes, methods and the record

describe("dtypes, methods and what the graph records", () => {
  it("float32 stays float32 through every op and its gradient", () => {
    const x = make([2, 1, 3], undefined, "float32", true);
    const ys = [
      concat([x, x], 1),
      stack([x, x], -1),
      ...x.split(2, -1),
      x.squeeze(),
      x.unsqueeze(1),
      x.permute(2, 0, 1),
      x.flatten(),
      x.expand([4, 2, 5, 3]),
    ];
    for (const y of ys) expect(y.dtype).toBe("float32");
    const [g] = grad(
      ys.map((y) => y.sum()).reduce((p, q) => p.add(q)),
      [x],
    );
    expect(g.dtype).toBe("float32");
  });

  it("concat and stack of float32 and float64 give float64; each gradient comes back in its input's dtype", () => {
    const a = make([2, 2], undefined, "float32", true);
    const b = make([1, 2], undefined, "float64", true);
    const y = concat([a, b]);
    expect(y.dtype).toBe("float64");
    const [ga, gb] = grad(y.mul(y).sum(), [a, b]);
    expect(ga.dtype).toBe("float32");
    expect(gb.dtype).toBe("float64");
    expect(stack([b, make([1, 2], undefined, "float32")]).dtype).toBe("float64");
  });

  it("split, squeeze, unsqueeze, permute, flatten, expand are methods; concat and stack are free functions only", () => {
    const t = make([2]) as unknown as Record<string, unknown>;
    for (const m of ["split", "squeeze", "unsqueeze", "permute", "flatten", "expand"]) expect(typeof t[m]).toBe("function");
    expect(t.concat).toBeUndefined();
    expect(t.stack).toBeUndefined();
  });

  it("permute and expand take their sizes as arguments or as one array, beyond three", () => {
    const x = make([2, 3, 1, 2]);
    expect(x.permute(3, 2, 1, 0).shape).toEqual([2, 1, 3, 2]);
    expect(x.permute([3, 2, 1, 0]).shape).toEqual([2, 1, 3, 2]);
    expect(permute(x, -1, -2, -3, -4).shape).toEqual([2, 1, 3, 2]);
    expect(x.expand(5, 2, 3, 4, 2).shape).toEqual([5, 2, 3, 4, 2]);
    expect(expand(x, 5, -1, -1, 4, -1).shape).toEqual([5, 2, 3, 4, 2]);
  });

  it("each op is recorded under its own name with its arguments (for traces and graphs)", () => {
    const x = make([2, 1, 3], undefined, "float64", true);
    const y = make([2, 2, 3], undefined, "float64", true);
    const expectNode = (t: Tensor, op: string, args: Record<string, unknown>) => {
      expect(t.node?.op).toBe(op);
      expect(t.node?.args).toEqual(args);
    };
    expectNode(concat([x, y], -2), "concat", { axis: 1, sizes: [1, 2] });
    expectNode(stack([x, x], -1), "stack", { axis: 3, count: 2 });
    expectNode(y.split([1, 1], 1)[1], "split", { axis: 1, sizes: [1, 1], index: 1, start: 1 });
    expectNode(x.squeeze(), "squeeze", { axis: null });
    expectNode(x.squeeze(-2), "squeeze", { axis: [1] });
    expectNode(x.unsqueeze(-1), "unsqueeze", { axis: 3 });
    expectNode(y.permute(-1, 0, 1), "permute", { axes: [2, 0, 1] });
    expectNode(y.flatten(-2), "flatten", { startAxis: 1, endAxis: 2 });
    expectNode(x.expand([2, -1, 4, -1]), "expand", { shape: [2, 2, 4, 3] });
  });

  it("0-d and empty cases follow PyTorch", () => {
    const s = tensor(2.5);
    expect(s.flatten().shape).toEqual([1]);
    expect(s.squeeze().shape).toEqual([]);
    expect(s.squeeze(0).shape).toEqual([]);
    expect(s.unsqueeze(-1).shape).toEqual([1]);
    expect(s.permute().shape).toEqual([]);
    expect(stack([s, tensor(1)]).toArray()).toEqual([2.5, 1]);
    expect(
      make([0, 3])
        .split(2)
        .map((p) => p.shape),
    ).toEqual([[0, 3]]);
    expect(
      make([0, 3])
        .split(0)
        .map((p) => p.shape),
    ).toEqual([[0, 3]]);
    expect(
      make([5])
        .split(2)
        .map((p) => p.shape),
    ).toEqual([[2], [2], [1]]);
    expect(concat([make([2, 0]), make([2, 3])], 1).shape).toEqual([2, 3]);
    expect(make([1]).expand([0]).shape).toEqual([0]);
  });
});

// ---------------------------------------------------------------------------------------------
// Bad input

describe("bad input: a TypeError or RangeError naming the op, the shapes or values, and what was expected; nothing changes", () => {
  const x = make([2, 3], undefined, "float64", true);
  const y = make([2, 4], undefined, "float64", true);
  x.grad = make([2, 3]);
  const cases: [string, () => unknown, typeof TypeError | typeof RangeError, ...RegExp[]][] = [
    [
      "concat of [2,3] and [2,4] on axis 0",
      () => concat([x, y], 0),
      RangeError,
      /^concat:/,
      /\[2,3\]/,
      /\[2,4\]/,
      /axis 1/,
      /3 != 4/,
    ],
    [
      "concat of different ranks",
      () => concat([x, make([6])]),
      RangeError,
      /^concat:/,
      /\[2,3\]/,
      /\[6\]/,
      /same number of axes/,
    ],
    ["concat of an empty list", () => concat([]), RangeError, /^concat:/, /non-empty/],
    ["concat of a non-array", () => concat(x as unknown as Tensor[]), TypeError, /^concat:/, /array of tensors/],
    ["concat of a non-tensor", () => concat([x, [1, 2, 3] as unknown as Tensor]), TypeError, /^concat:/, /tensors\[1\]/],
    ["concat of 0-d tensors", () => concat([tensor(1), tensor(2)]), RangeError, /^concat:/, /0-d/, /stack/],
    ["concat on an axis out of range", () => concat([x, x], 2), RangeError, /^concat:/, /axis 2/, /-2 to 1/],
    ["concat on a fractional axis", () => concat([x, x], 0.5), TypeError, /^concat:/, /integer/],
    ["stack of [2,3] and [2,4]", () => stack([x, y]), RangeError, /^stack:/, /\[2,3\]/, /\[2,4\]/, /same shape/],
    ["stack of an empty list", () => stack([]), RangeError, /^stack:/, /non-empty/],
    ["stack on axis 3 of rank-2 tensors", () => stack([x, x], 3), RangeError, /^stack:/, /axis 3/, /-3 to 2/],
    ["stack on axis −4", () => stack([x, x], -4), RangeError, /^stack:/, /axis -4/],
    [
      "split by sizes that do not sum",
      () => x.split([1, 1], 1),
      RangeError,
      /^split:/,
      /\[1,1\]/,
      /sum to 2/,
      /summing to 3/,
      /\[2,3\]/,
    ],
    ["split by a negative size", () => x.split([4, -1], 1), RangeError, /^split:/, /negative/],
    ["split by 0 on a non-empty axis", () => x.split(0), RangeError, /^split:/, /size 0/, /positive/],
    ["split by a fraction", () => x.split(1.5), TypeError, /^split:/, /integer/],
    ["split by a string", () => x.split("2" as unknown as number), TypeError, /^split:/, /size or an array/],
    ["split of a 0-d tensor", () => split(tensor(1), 1), RangeError, /^split:/, /0-d/],
    ["split on axis 2 of [2,3]", () => x.split(1, 2), RangeError, /^split:/, /axis 2/],
    ["squeeze on axis 2 of [2,3]", () => x.squeeze(2), RangeError, /^squeeze:/, /axis 2/, /rank 2/],
    ["unsqueeze at 3 of [2,3]", () => x.unsqueeze(3), RangeError, /^unsqueeze:/, /axis 3/, /\[2,3\]/, /-3 to 2/],
    ["unsqueeze at −4 of [2,3]", () => x.unsqueeze(-4), RangeError, /^unsqueeze:/, /axis -4/],
    ["unsqueeze with no axis", () => (x.unsqueeze as (a?: number) => Tensor)(), TypeError, /^unsqueeze:/, /integer/],
    ["permute with too few axes", () => x.permute(0), RangeError, /^permute:/, /\[0\]/, /\[2,3\]/, /permutation/],
    ["permute with a repeated axis", () => x.permute(1, -1), RangeError, /^permute:/, /\[1,-1\]/],
    ["permute with an axis out of range", () => x.permute(0, 2), RangeError, /^permute:/, /\[0,2\]/],
    ["permute with a fraction", () => x.permute(0, 0.5), TypeError, /^permute:/, /integers/],
    ["flatten with start after end", () => x.flatten(1, 0), RangeError, /^flatten:/, /startAxis 1/, /endAxis 0/, /\[2,3\]/],
    ["flatten on an axis out of range", () => x.flatten(0, 2), RangeError, /^flatten:/, /axis 2/],
    ["expand a size-3 axis to 4", () => x.expand([2, 4]), RangeError, /^expand:/, /\[2,3\]/, /\[2,4\]/, /axis 1 has size 3/],
    ["expand to fewer axes", () => x.expand([6]), RangeError, /^expand:/, /at least 2/],
    ["expand with −1 on a new axis", () => x.expand([-1, 2, 3]), RangeError, /^expand:/, /−1/, /new leading axis 0/],
    ["expand to a size below −1", () => x.expand([2, -2]), RangeError, /^expand:/, /-2/],
    ["expand to a fractional size", () => x.expand([2, 1.5]), TypeError, /^expand:/, /integers/],
  ];
  for (const [name, fn, cls, ...patterns] of cases) {
    it(name, () => {
      const check = snapshot([x, y]);
      expectThrow(fn, cls, ...patterns);
      check();
    });
  }
});
