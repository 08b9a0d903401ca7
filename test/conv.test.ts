/**
 * Convolution and pooling (issue 14): conv2d, maxPool2d, avgPool2d and the layers nn.Conv2d,
 * nn.MaxPool2d, nn.AvgPool2d. Gradients against finite differences on fast-check shapes
 * (strides 1–2, padding 0–2, kernels 1–3), second derivatives through the rules, values,
 * gradients and second derivatives against PyTorch (fixtures written by
 * scripts/torch-fixtures-conv.py), the routes (WebAssembly wide columns, plain TypeScript, inside
 * scope()) against each other and a direct loop, ties and NaN in max pooling, dtypes, records,
 * layers (init, repr, state dict) and bad input.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  avgPool2d,
  conv2d,
  type DType,
  grad,
  gradcheck,
  manualSeed,
  maxPool2d,
  nn,
  optim,
  scope,
  type Tensor,
  tensor,
  useWasm,
} from "../src/index.js";
import { expectThrow, gradgradcheck, sizeOf } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Helpers

/** A tensor of `shape` with fixed, distinct, sign-mixed values (or the given ones). */
function make(shape: readonly number[], seed = 0, dtype: DType = "float64", requiresGrad = false): Tensor {
  const v = Array.from({ length: sizeOf(shape) }, (_, i) => 2 * Math.sin(0.37 * i + seed) + 0.1);
  return tensor(Float64Array.from(v), { shape: [...shape], dtype, requiresGrad });
}

afterEach(() => useWasm(true));

/** conv2d by its definition: four nested sums, zeros outside the image. */
function reference(
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  [sh, sw]: [number, number],
  [ph, pw]: [number, number],
): { shape: number[]; data: number[] } {
  const [n, c, h, wd] = x.shape;
  const [o, , kh, kw] = w.shape;
  const ho = Math.floor((h + 2 * ph - kh) / sh) + 1;
  const wo = Math.floor((wd + 2 * pw - kw) / sw) + 1;
  const out: number[] = [];
  for (let s = 0; s < n; s++)
    for (let oc = 0; oc < o; oc++)
      for (let i = 0; i < ho; i++)
        for (let j = 0; j < wo; j++) {
          let acc = b === null ? 0 : b.data[oc];
          for (let ci = 0; ci < c; ci++)
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const y = i * sh - ph + p,
                  xx = j * sw - pw + q;
                if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
                acc += x.data[((s * c + ci) * h + y) * wd + xx] * w.data[((oc * c + ci) * kh + p) * kw + q];
              }
          out.push(acc);
        }
  return { shape: [n, o, ho, wo], data: out };
}

function expectPassed(r: ReturnType<typeof gradcheck>): void {
  expect(r.passed, `gradcheck failed: ${JSON.stringify(r.worst)} (max abs error ${r.maxAbsError})`).toBe(true);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** A convolution's sizes, all small: input [n, c, h, w], weight [o, c, kh, kw], stride, padding, bias. */
const convArb = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    o: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 6 }),
    w: fc.integer({ min: 1, max: 6 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 2 }),
    sw: fc.integer({ min: 1, max: 2 }),
    ph: fc.integer({ min: 0, max: 2 }),
    pw: fc.integer({ min: 0, max: 2 }),
    bias: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .filter((g) => g.kh <= g.h + 2 * g.ph && g.kw <= g.w + 2 * g.pw);

type ConvCase = typeof convArb extends fc.Arbitrary<infer T> ? T : never;

function convInputs(g: ConvCase, dtype: DType = "float64") {
  const x = make([g.n, g.c, g.h, g.w], g.seed, dtype, true);
  const w = make([g.o, g.c, g.kh, g.kw], g.seed + 1.3, dtype, true);
  const b = g.bias ? make([g.o], g.seed + 2.9, dtype, true) : null;
  const opts = { stride: [g.sh, g.sw] as [number, number], padding: [g.ph, g.pw] as [number, number] };
  return { x, w, b, opts };
}

// ---------------------------------------------------------------------------------------------
// conv2d: values and gradients

describe("conv2d against its definition and finite differences", () => {
  it("values equal the four nested sums (fast-check shapes, strides 1–2, padding 0–2, kernels 1–3)", () => {
    fc.assert(
      fc.property(convArb, (g) => {
        const { x, w, b, opts } = convInputs(g);
        const y = conv2d(x, w, b, opts);
        const r = reference(x, w, b, opts.stride, opts.padding);
        expect(y.shape).toEqual(r.shape);
        expect(maxAbsDiff(y.data, r.data)).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 60 },
    );
  });

  it("gradcheck with respect to x, weight and bias (fast-check shapes)", () => {
    fc.assert(
      fc.property(convArb, (g) => {
        const { x, w, b, opts } = convInputs(g);
        const inputs = b === null ? [x, w] : [x, w, b];
        expectPassed(gradcheck((xx, ww, bb) => conv2d(xx, ww, bb ?? null, opts), inputs));
      }),
      { numRuns: 30 },
    );
  });

  it("grad of grad: second derivatives through conv2d's rules agree with finite differences", () => {
    const opts = { stride: 1, padding: 1 };
    gradgradcheck((x, w, b) => conv2d(x, w, b, opts), [make([1, 2, 4, 3], 0.2), make([2, 2, 3, 3], 1.1), make([2], 2)]);
    gradgradcheck(
      (x, w) => conv2d(x, w, null, { stride: [2, 1], padding: [0, 2] }),
      [make([2, 1, 5, 4], 0.4), make([3, 1, 2, 3], 1.7)],
    );
  });

  it("the rules are ops that record themselves: conv2d, conv2dBackwardInput, conv2dBackwardWeight, conv2dBackwardBias", () => {
    const x = make([1, 2, 4, 4], 0, "float64", true);
    const w = make([3, 2, 3, 3], 1, "float64", true);
    const b = make([3], 2, "float64", true);
    const y = conv2d(x, w, b, { stride: 2, padding: [1, 0] });
    expect(y.node?.op).toBe("conv2d");
    expect(y.node?.args).toEqual({ stride: [2, 2], padding: [1, 0] });
    expect(y.node?.inputs).toEqual([x, w, b]);
    const [dx, dw, db] = grad(y.mul(y).sum(), [x, w, b], { createGraph: true });
    expect(dx.node?.op).toBe("conv2dBackwardInput");
    expect(dw.node?.op).toBe("conv2dBackwardWeight");
    expect(db.node?.op).toBe("conv2dBackwardBias");
    expect(dx.shape).toEqual(x.shape);
    expect(dw.shape).toEqual(w.shape);
    expect(db.shape).toEqual(b.shape);
  });

  it("is a cross-correlation (no kernel flip), as PyTorch's", () => {
    const x = tensor([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
      ],
    ]);
    const w = tensor([
      [
        [
          [1, 0],
          [0, 0],
        ],
      ],
    ]); // picks the top-left of each window
    expect(conv2d(x, w).toArray()).toEqual([
      [
        [
          [1, 2],
          [4, 5],
        ],
      ],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The routes agree

describe("the routes: WebAssembly wide columns, plain TypeScript, inside scope()", () => {
  const routes = (g: ConvCase, dtype: DType) => {
    const { x, w, b, opts } = convInputs(g, dtype);
    // In a scope the operands are copies made there too (x·1, W·1), so they live in the arena.
    const run = (inScope = false) => {
      const y = conv2d(inScope ? x.mul(1) : x, inScope ? w.mul(1) : w, b, opts);
      const gs = grad(y, b === null ? [x, w] : [x, w, b], { gradOutputs: [make(y.shape, 4, dtype)] });
      return [y, ...gs].map((t) => Array.from(t.data));
    };
    const wasm = run();
    const scoped = scope(() => run(true));
    useWasm(false);
    const plain = run();
    useWasm(true);
    return { wasm, scoped, plain };
  };

  it("give the same values and gradients (float64 to 1e-12, float32 to 1e-5 of the scale)", () => {
    fc.assert(
      fc.property(convArb, fc.constantFrom<DType>("float64", "float32"), (g, dtype) => {
        const { wasm, scoped, plain } = routes(g, dtype);
        wasm.forEach((v, k) => {
          const scale = Math.max(1, ...plain[k].map(Math.abs));
          const tol = (dtype === "float32" ? 1e-5 : 1e-12) * scale;
          expect(maxAbsDiff(v, plain[k]), `output ${k}`).toBeLessThanOrEqual(tol);
          expect(maxAbsDiff(scoped[k], plain[k]), `output ${k} in a scope`).toBeLessThanOrEqual(tol);
        });
      }),
      { numRuns: 40 },
    );
  });

  it("the layer sizes of the MNIST CNN (1→8 on 28×28 and 8→16 on 14×14, padding 1), float32", () => {
    for (const [c, o, s] of [
      [1, 8, 28],
      [8, 16, 14],
    ]) {
      const { wasm, scoped, plain } = routes(
        { n: 3, c, o, h: s, w: s, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, bias: true, seed: 0.3 },
        "float32",
      );
      // float32 sums of up to 3·784 products, accumulated in different orders: 1e-4 of the scale.
      wasm.forEach((v, k) => {
        const tol = 1e-4 * Math.max(1, ...plain[k].map(Math.abs));
        expect(maxAbsDiff(v, plain[k])).toBeLessThanOrEqual(tol);
        expect(maxAbsDiff(scoped[k], plain[k])).toBeLessThanOrEqual(tol);
      });
    }
  });

  it("non-finite weights and inputs give PyTorch's infinities, not NaN from padding positions", () => {
    // The wide routes add exact zeros where positions that do not exist meet real values; with
    // an infinity there that would be NaN, so those routes step aside for non-finite operands.
    const x = make([1, 1, 4, 4], 0, "float64", true);
    const w = make([4, 1, 3, 3], 1, "float64", true);
    w.data[4] = Infinity;
    const y = conv2d(x, w, null, { padding: 1 });
    const [dx] = grad(y, [x], { gradOutputs: [tensor(new Float64Array(y.size).fill(1), { shape: y.shape })] });
    useWasm(false);
    const [dxPlain] = grad(conv2d(x, w, null, { padding: 1 }), [x], {
      gradOutputs: [tensor(new Float64Array(y.size).fill(1), { shape: y.shape })],
    });
    useWasm(true);
    expect(Array.from(dx.data)).toEqual(Array.from(dxPlain.data));
    expect(dx.data.every((v) => v === Infinity || v === -Infinity)).toBe(true);

    const x2 = make([1, 1, 3, 3], 0, "float64", true);
    x2.data[0] = -Infinity;
    const w2 = make([1, 1, 2, 2], 1, "float64", true);
    const [, dw2] = grad(conv2d(x2, w2, null, { padding: 1 }).sum(), [x2, w2]);
    expect(dw2.data.some((v) => Number.isNaN(v))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Pooling

/** Distinct values (a shuffled ramp), so no two elements of a window tie within a difference step. */
const poolArb = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 6 }),
    w: fc.integer({ min: 1, max: 6 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .filter((g) => g.kh <= g.h && g.kw <= g.w);

function poolInput(g: { n: number; c: number; h: number; w: number; seed: number }): Tensor {
  const n = g.n * g.c * g.h * g.w;
  const v = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.1);
  let s = g.seed;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [v[i], v[j]] = [v[j], v[i]];
  }
  return tensor(v, { shape: [g.n, g.c, g.h, g.w], requiresGrad: true });
}

describe("maxPool2d and avgPool2d", () => {
  it("values equal the window maxima and means (fast-check shapes, overlapping and gapped windows)", () => {
    fc.assert(
      fc.property(poolArb, (g) => {
        const x = poolInput(g);
        const mx = maxPool2d(x, [g.kh, g.kw], [g.sh, g.sw]);
        const av = avgPool2d(x, [g.kh, g.kw], [g.sh, g.sw]);
        const ho = Math.floor((g.h - g.kh) / g.sh) + 1;
        const wo = Math.floor((g.w - g.kw) / g.sw) + 1;
        expect(mx.shape).toEqual([g.n, g.c, ho, wo]);
        expect(av.shape).toEqual([g.n, g.c, ho, wo]);
        let q = 0;
        for (let p = 0; p < g.n * g.c; p++)
          for (let i = 0; i < ho; i++)
            for (let j = 0; j < wo; j++, q++) {
              const win: number[] = [];
              for (let a = 0; a < g.kh; a++)
                for (let b = 0; b < g.kw; b++) win.push(x.data[(p * g.h + i * g.sh + a) * g.w + j * g.sw + b]);
              expect(mx.data[q]).toBe(Math.max(...win));
              expect(av.data[q]).toBeCloseTo(win.reduce((s, v) => s + v, 0) / win.length, 12);
            }
      }),
      { numRuns: 60 },
    );
  });

  it("gradcheck (fast-check shapes; stride defaults to the kernel)", () => {
    fc.assert(
      fc.property(poolArb, fc.boolean(), (g, defaultStride) => {
        const x = poolInput(g);
        const stride = defaultStride ? undefined : ([g.sh, g.sw] as [number, number]);
        expectPassed(gradcheck((t) => maxPool2d(t, [g.kh, g.kw], stride), [x]));
        expectPassed(gradcheck((t) => avgPool2d(t, [g.kh, g.kw], stride), [x]));
      }),
      { numRuns: 30 },
    );
  });

  it("grad of grad through both poolings' rules", () => {
    gradgradcheck((x) => maxPool2d(x, 2, 1), [poolInput({ n: 1, c: 2, h: 4, w: 3, seed: 7 })]);
    gradgradcheck((x) => avgPool2d(x, [2, 3], [1, 2]), [poolInput({ n: 2, c: 1, h: 3, w: 5, seed: 9 })]);
  });

  it("a tie sends the whole gradient to the window's first maximum (row-major); overlapping windows add up", () => {
    const x = tensor(
      [
        [
          [
            [5, 5, 1],
            [5, 2, 5],
            [0, 5, 5],
          ],
        ],
      ],
      { requiresGrad: true },
    );
    maxPool2d(x, 2, 1).sum().backward();
    // Windows: top-left [5 5; 5 2] → (0,0); top-right [5 1; 2 5] → (0,1); bottom-left [5 2; 0 5] → (1,0);
    // bottom-right [2 5; 5 5] → (1,2).
    expect(x.grad!.toArray()).toEqual([
      [
        [
          [1, 1, 0],
          [1, 0, 1],
          [0, 0, 0],
        ],
      ],
    ]);
    const flat = tensor(
      [
        [
          [
            [3, 3],
            [3, 3],
          ],
        ],
      ],
      { requiresGrad: true },
    );
    maxPool2d(flat, 2).backward(tensor([[[[7]]]]));
    expect(flat.grad!.toArray()).toEqual([
      [
        [
          [7, 0],
          [0, 0],
        ],
      ],
    ]);
  });

  it("a NaN in a window is its maximum (NaN propagates, as in PyTorch) and takes the gradient", () => {
    const x = tensor([[[[1, NaN, 3, 4]]]], { requiresGrad: true });
    const y = maxPool2d(x, [1, 2]);
    expect(Number.isNaN(y.data[0])).toBe(true);
    expect(y.data[1]).toBe(4);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 1, 0, 1]);
    // 2×2 windows (their own unrolled loop): the first NaN; ±∞ together are no NaN.
    const z = tensor(
      [
        [
          [
            [1, NaN, Infinity, -Infinity],
            [NaN, 3, 0, 2],
          ],
        ],
      ],
      { requiresGrad: true },
    );
    const m = maxPool2d(z, 2);
    expect(Number.isNaN(m.data[0])).toBe(true);
    expect(m.data[1]).toBe(Infinity);
    m.sum().backward();
    expect(Array.from(z.grad!.data)).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
  });

  it("records maxPool2d and avgPool2d with their kernel and stride", () => {
    const x = make([1, 1, 4, 4], 0, "float64", true);
    expect(maxPool2d(x, 2).node?.op).toBe("maxPool2d");
    expect(maxPool2d(x, 2).node?.args).toEqual({ kernel: [2, 2], stride: [2, 2] });
    expect(avgPool2d(x, [2, 1], 1).node?.args).toEqual({ kernel: [2, 1], stride: [1, 1] });
  });
});

// ---------------------------------------------------------------------------------------------
// PyTorch fixtures

interface Rec {
  shape: number[];
  data: number[];
}
interface Case {
  op: "conv2d" | "maxPool2d" | "avgPool2d";
  args: {
    stride?: number | [number, number] | null;
    padding?: number | [number, number];
    bias?: boolean;
    kernel?: number | [number, number];
    ties?: boolean;
  };
  torch: string;
  dtype: DType;
  inputs: Rec[];
  output: Rec;
  upstream: Rec;
  grads: Rec[];
  d2: Rec[];
}
const fixtures = JSON.parse(readFileSync(new URL("./fixtures/torch-conv.json", import.meta.url), "utf8")) as {
  cases: Case[];
};

function runCase(c: Case, xs: Tensor[]): Tensor {
  const a = c.args;
  if (c.op === "conv2d") return conv2d(xs[0], xs[1], xs[2] ?? null, { stride: a.stride ?? 1, padding: a.padding ?? 0 });
  const f = c.op === "maxPool2d" ? maxPool2d : avgPool2d;
  return f(xs[0], a.kernel!, a.stride ?? undefined);
}

function expectClose(got: Tensor, want: Rec, dtype: DType, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  expect(got.dtype, what).toBe(dtype);
  const scale = Math.max(1, ...want.data.map(Math.abs));
  const tol = (dtype === "float32" ? 4e-6 : 1e-12) * scale;
  got.data.forEach((v, i) => {
    expect(Math.abs(v - want.data[i]), `${what}[${i}]: ${v} vs ${want.data[i]}`).toBeLessThanOrEqual(tol);
  });
}

describe("values, gradients and second derivatives against PyTorch (test/fixtures/torch-conv.json)", () => {
  it("has conv2d (several strides and paddings), max and avg pooling (ties included) in both dtypes", () => {
    const seen = new Set(fixtures.cases.map((c) => `${c.op}/${c.dtype}${c.args.ties ? "/ties" : ""}`));
    for (const d of ["float64", "float32"]) {
      for (const k of ["conv2d", "maxPool2d", "avgPool2d"]) expect(seen.has(`${k}/${d}`)).toBe(true);
      expect(seen.has(`maxPool2d/${d}/ties`)).toBe(true);
    }
    const convs = fixtures.cases.filter((c) => c.op === "conv2d");
    expect(new Set(convs.map((c) => JSON.stringify([c.args.stride, c.args.padding]))).size).toBeGreaterThanOrEqual(6);
  });

  for (const c of fixtures.cases) {
    it(`${c.torch} on ${c.inputs.map((r) => `[${r.shape}]`).join(", ")}${c.args.ties ? " with ties" : ""} (${c.dtype})`, () => {
      const xs = c.inputs.map((r) => tensor(Float64Array.from(r.data), { shape: r.shape, dtype: c.dtype, requiresGrad: true }));
      const y = runCase(c, xs);
      expectClose(y, c.output, c.dtype, "output");
      const g = tensor(Float64Array.from(c.upstream.data), { shape: c.upstream.shape, dtype: c.dtype });
      grad(y, xs, { gradOutputs: [g] }).forEach((d, k) => expectClose(d, c.grads[k], c.dtype, `grad ${k}`));
      // ∂(Σ_k Σ dx_k²)/∂x with dx = ∂(Σ g ⊙ y²)/∂x: through the rules' own graphs.
      const y2 = runCase(c, xs);
      const dx = grad(g.mul(y2).mul(y2).sum(), xs, { createGraph: true });
      const second = dx.map((d) => d.mul(d).sum()).reduce((a, b) => a.add(b));
      grad(second, xs).forEach((d, k) => expectClose(d, c.d2[k], c.dtype, `d2 ${k}`));
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Dtypes

describe("dtypes", () => {
  it("float32 in, float32 out (values and gradients), close to float64", () => {
    const run = (dtype: DType) => {
      const x = make([2, 3, 7, 7], 0.1, dtype, true);
      const w = make([4, 3, 3, 3], 0.7, dtype, true);
      const b = make([4], 1.9, dtype, true);
      const y = maxPool2d(conv2d(x, w, b, { padding: 1 }).relu(), 2);
      const z = avgPool2d(y, [1, 3], 1).sum();
      z.backward();
      return [y, x.grad!, w.grad!, b.grad!];
    };
    const f32 = run("float32");
    const f64 = run("float64");
    f32.forEach((t, k) => {
      expect(t.dtype).toBe("float32");
      const scale = Math.max(1, ...Array.from(f64[k].data, Math.abs));
      expect(maxAbsDiff(t.data, f64[k].data), `tensor ${k}`).toBeLessThanOrEqual(1e-5 * scale);
    });
  });

  it("mixed dtypes give float64, and each gradient comes back in its input's dtype", () => {
    const x = make([1, 2, 4, 4], 0, "float32", true);
    const w = make([3, 2, 2, 2], 1, "float64", true);
    const b = make([3], 2, "float32", true);
    const y = conv2d(x, w, b);
    expect(y.dtype).toBe("float64");
    y.sum().backward();
    expect([x.grad!.dtype, w.grad!.dtype, b.grad!.dtype]).toEqual(["float32", "float64", "float32"]);
    const ref = conv2d(make([1, 2, 4, 4], 0, "float32").cast("float64"), w.detach(), b.detach().cast("float64"));
    expect(maxAbsDiff(y.data, ref.data)).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Layers

describe("nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d", () => {
  it("Conv2d's init is PyTorch's default: weight and bias uniform in ±1/√fanIn, seeded", () => {
    manualSeed(3);
    const a = new nn.Conv2d(4, 6, [3, 2]);
    const bound = 1 / Math.sqrt(4 * 3 * 2);
    expect(a.weight.shape).toEqual([6, 4, 3, 2]);
    expect(a.bias!.shape).toEqual([6]);
    for (const t of [a.weight, a.bias!]) {
      for (const v of t.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    }
    const w = Array.from(a.weight.data);
    expect(Math.max(...w)).toBeGreaterThan(0.8 * bound);
    expect(Math.min(...w)).toBeLessThan(-0.8 * bound);
    expect(Math.abs(w.reduce((s, v) => s + v, 0) / w.length)).toBeLessThan(0.25 * bound);
    manualSeed(3);
    expect(Array.from(new nn.Conv2d(4, 6, [3, 2]).weight.data)).toEqual(w);
  });

  it("forward is the functional conv2d with the layer's parameters, stride and padding", () => {
    const layer = new nn.Conv2d(2, 3, 3, { stride: [2, 1], padding: 1 });
    const x = make([2, 2, 5, 4], 0.3);
    const y = layer.forward(x);
    expect(Array.from(y.data)).toEqual(Array.from(conv2d(x, layer.weight, layer.bias, { stride: [2, 1], padding: 1 }).data));
    expect(layer.parameters()).toEqual([layer.weight, layer.bias]);
    expect(Object.keys(new nn.Conv2d(2, 3, 3, { bias: false }).stateDict())).toEqual(["weight"]);
  });

  it("reprs as PyTorch's (padding shown when not 0; booleans as the other layers print them)", () => {
    expect(String(new nn.Conv2d(1, 8, 3, { padding: 1 }))).toBe(
      "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
    );
    expect(String(new nn.Conv2d(8, 16, [3, 5], { stride: 2, bias: false }))).toBe(
      "Conv2d(8, 16, kernel_size=(3, 5), stride=(2, 2), bias=false)",
    );
    expect(String(new nn.MaxPool2d(2))).toBe("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=false)");
    expect(String(new nn.MaxPool2d([3, 2], 1))).toBe(
      "MaxPool2d(kernel_size=(3, 2), stride=1, padding=0, dilation=1, ceil_mode=false)",
    );
    expect(String(new nn.AvgPool2d(2))).toBe("AvgPool2d(kernel_size=2, stride=2, padding=0)");
  });

  it("a small CNN in a Sequential trains: the loss falls over a few Adam steps; the state dict has PyTorch's keys", () => {
    manualSeed(0);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(4, 4, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.AvgPool2d(2),
      new nn.Flatten(),
      new nn.Linear(4 * 2 * 2, 2),
    );
    expect(Object.keys(model.stateDict())).toEqual(["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"]);
    // Two classes: a bright top half or a bright bottom half.
    const xs: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 16; i++) {
      const top = i % 2 === 0;
      for (let p = 0; p < 64; p++) xs.push(p < 32 === top ? 1 + 0.1 * Math.sin(i + p) : 0.1 * Math.cos(i * p));
      labels.push(top ? 0 : 1);
    }
    const x = tensor(xs, { shape: [16, 1, 8, 8] });
    const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      const loss = nn.crossEntropy(model.forward(x), labels);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
  });
});

// ---------------------------------------------------------------------------------------------
// Bad input

describe("bad input: errors name the op or layer and the shapes, and change nothing", () => {
  const x = make([2, 3, 5, 5], 0, "float64", true);
  const w = make([4, 3, 3, 3], 1, "float64", true);

  it("conv2d: shapes", () => {
    expectThrow(() => conv2d(make([3, 5, 5]), w), RangeError, /^conv2d: /, /\[batch, channels, height, width\]/, /\[3,5,5\]/);
    expectThrow(() => conv2d(x, make([4, 3, 3])), RangeError, /^conv2d: weight/, /\[4,3,3\]/);
    expectThrow(
      () => conv2d(x, make([4, 2, 3, 3])),
      RangeError,
      /^conv2d: /,
      /\[2,3,5,5\] has 3 channels/,
      /\[4,2,3,3\] expects 2/,
    );
    expectThrow(() => conv2d(x, make([4, 3, 6, 3])), RangeError, /^conv2d: kernel 6×3/, /padded input 5×5/, /\[2,3,5,5\]/);
    expectThrow(() => conv2d(x, make([4, 3, 8, 3]), null, { padding: 1 }), RangeError, /larger than the padded input 7×7/);
    expectThrow(() => conv2d(x, w, make([3])), RangeError, /^conv2d: bias of shape \[3\]/, /expected \[4\]/);
  });

  it("conv2d: stride, padding, options and types", () => {
    expectThrow(() => conv2d(x, w, null, { stride: 0 }), RangeError, /^conv2d: stride must be a positive integer/, /got 0/);
    expectThrow(() => conv2d(x, w, null, { stride: [1, 1.5] }), RangeError, /stride/, /\[1, 1.5\]/);
    expectThrow(() => conv2d(x, w, null, { padding: -1 }), RangeError, /^conv2d: padding must be a non-negative integer/);
    expectThrow(() => conv2d(x, w, null, { padding: [1, 2, 3] as never }), TypeError, /padding must be a number or an array/);
    expectThrow(() => conv2d(x, w, null, { stride: "2" as never }), TypeError, /stride/);
    expectThrow(() => conv2d(x, w, null, null as never), TypeError, /^conv2d: options must be an object/);
    expectThrow(() => conv2d([1, 2] as never, w), TypeError, /^conv2d: input must be a Tensor/);
    expectThrow(() => conv2d(x.detach().argmax(1, true), w), TypeError, /^conv2d: .*int32/);
  });

  it("pooling: shapes, kernels and strides", () => {
    expectThrow(() => maxPool2d(make([5, 5]), 2), RangeError, /^maxPool2d: /, /\[5,5\]/);
    expectThrow(() => avgPool2d(make([1, 1, 2, 5]), 3), RangeError, /^avgPool2d: kernel 3×3 is larger than the input 2×5/);
    expectThrow(() => maxPool2d(x, 0), RangeError, /^maxPool2d: kernel must be a positive integer/);
    expectThrow(() => maxPool2d(x, 2, [1, 0]), RangeError, /^maxPool2d: stride/);
    expectThrow(() => avgPool2d(x, "2" as never), TypeError, /^avgPool2d: kernel must be a number/);
  });

  it("layers name themselves", () => {
    const layer = new nn.Conv2d(3, 4, 3);
    expectThrow(
      () => layer.forward(make([2, 1, 5, 5])),
      RangeError,
      /^Conv2d\(3, 4, kernel_size=\(3, 3\), stride=\(1, 1\)\): expected input of shape \[batch, 3, height, width\], got \[2,1,5,5\]/,
    );
    expectThrow(() => layer.forward(make([3, 5, 5])), RangeError, /^Conv2d\(3, 4, .*\(4-d\), got \[3,5,5\]/);
    expectThrow(() => layer.forward(make([1, 3, 2, 2])), RangeError, /^Conv2d\(3, 4, .*: kernel 3×3 .* padded input 2×2/);
    expectThrow(
      () => layer.forward(make([1, 3, 5, 5], 0, "float32")),
      TypeError,
      /^Conv2d\(3, 4, .*input is float32 but the layer's parameters are float64/,
    );
    expectThrow(
      () => new nn.MaxPool2d(3).forward(make([1, 1, 2, 2])),
      RangeError,
      /^MaxPool2d\(kernel_size=3, .*larger than the input 2×2/,
    );
    expectThrow(() => new nn.AvgPool2d(2).forward(make([2, 2])), RangeError, /^AvgPool2d\(kernel_size=2, .*\[2,2\]/);
    expectThrow(() => new nn.Conv2d(0, 4, 3), RangeError, /^Conv2d: inChannels must be a positive integer/);
    expectThrow(() => new nn.Conv2d(1, 4, [3, 0]), RangeError, /^Conv2d: kernelSize/);
    expectThrow(() => new nn.Conv2d(1, 4, 3, { padding: -1 }), RangeError, /^Conv2d: padding/);
    expectThrow(() => new nn.Conv2d(1, 4, 3, { dilation: 2 } as never), TypeError, /^Conv2d: unknown option "dilation"/);
    expectThrow(() => new nn.Conv2d(1, 4, 3, { dtype: "int32" as never }), TypeError, /^Conv2d: dtype/);
    expectThrow(() => new nn.MaxPool2d(2, 0), RangeError, /^MaxPool2d: stride/);
  });

  it("a failed call leaves inputs and gradients as they were", () => {
    conv2d(x, w).sum().backward();
    const before = [x, w].map((t) => [Array.from(t.data), Array.from(t.grad!.data)]);
    expect(() => conv2d(x, make([4, 2, 3, 3]))).toThrow();
    expect(() => conv2d(x, w, make([3]))).toThrow();
    expect(() => maxPool2d(x, 6)).toThrow();
    [x, w].forEach((t, k) => {
      expect(Array.from(t.data)).toEqual(before[k][0]);
      expect(Array.from(t.grad!.data)).toEqual(before[k][1]);
    });
  });
});
