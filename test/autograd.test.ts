/**
 * The autograd machinery: accumulation, fan-out, broadcasting, noGrad/detach, grad() as values,
 * higher-order gradients, very long chains, seeding, and tensor creation.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  type Tensor,
  tensor,
  zeros,
  ones,
  full,
  randn,
  rand,
  arange,
  noGrad,
  isGradEnabled,
  grad,
  manualSeed,
  setDefaultDtype,
  getDefaultDtype,
} from "../src/index.js";

const arr = (t: Tensor | null | undefined): number[] => {
  if (!t) throw new Error("expected a tensor, got null");
  return Array.from(t.data);
};

function expectAllClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-12): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) {
      throw new Error(`element ${i}: got ${got[i]}, expected ${want[i]}`);
    }
  }
}

describe("gradient accumulation", () => {
  it("two backward() calls through two graphs accumulate (2x)", () => {
    const x = tensor([1, -2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(arr(x.grad)).toEqual([2, -4, 6]);
    x.mul(x).sum().backward();
    expect(arr(x.grad)).toEqual([4, -8, 12]);
    expect(x.grad!.shape).toEqual([3]);
  });

  it("x.grad = null resets, and the next backward starts from zero", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(arr(x.grad)).toEqual([6, 6]);
    x.grad = null;
    expect(x.grad).toBeNull();
    x.mul(5).sum().backward();
    expect(arr(x.grad)).toEqual([5, 5]);
  });

  it("calling backward twice on the same graph works and accumulates again", () => {
    const x = tensor([0.5, 1.5], { requiresGrad: true });
    const y = x.exp().mul(x).sum(); // d/dx = e^x (1 + x)
    y.backward();
    const once = arr(x.grad);
    expectAllClose(
      once,
      [0.5, 1.5].map((v) => Math.exp(v) * (1 + v)),
    );
    y.backward();
    expectAllClose(
      arr(x.grad),
      once.map((v) => 2 * v),
    );
  });

  it("the first .grad is not aliased to an internal buffer that later calls mutate", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(2).sum().backward();
    const first = x.grad!;
    const firstValues = arr(first);
    x.mul(2).sum().backward();
    expect(arr(first)).toEqual(firstValues);
    expect(arr(x.grad)).toEqual([4, 4]);
  });

  it("backward leaves .grad of non-leaf tensors alone and .grad has no graph", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    h.sum().backward();
    expect(h.grad).toBeNull();
    expect(x.grad!.requiresGrad).toBe(false);
  });

  it("a leaf that does not require a gradient gets none", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4]);
    x.mul(c).sum().backward();
    expect(c.grad).toBeNull();
    expect(arr(x.grad)).toEqual([3, 4]);
  });
});

describe("fan-out and broadcasting", () => {
  it("x*x gives 2x", () => {
    const x = tensor([1.5, -3], { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(arr(x.grad)).toEqual([3, -6]);
  });

  it("x+x gives 2", () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    x.add(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [2, 2],
      [2, 2],
    ]);
  });

  it("a diamond (x used by two branches that meet again) sums both paths", () => {
    const x = tensor([2], { requiresGrad: true });
    const a = x.mul(3);
    const b = x.pow(2);
    a.mul(b).sum().backward(); // d(3x·x²)/dx = 9x² = 36
    expect(arr(x.grad)).toEqual([36]);
  });

  it("an intermediate used several times", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const h = x.exp();
    h.add(h).add(h.mul(h)).sum().backward(); // d(2e^x + e^{2x}) = 2e^x + 2e^{2x}
    expectAllClose(
      arr(x.grad),
      [1, 2, 3].map((v) => 2 * Math.exp(v) + 2 * Math.exp(2 * v)),
    );
  });

  it("broadcasting gradients have each input's shape, summed over broadcast axes", () => {
    const a = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    ); // [2,3]
    const b = tensor([[10], [20]], { requiresGrad: true }); // [2,1]
    const c = tensor([1, 2, 3], { requiresGrad: true }); // [3]
    const s = tensor(2, { requiresGrad: true }); // []
    a.mul(b).add(c).mul(s).sum().backward();
    expect(a.grad!.shape).toEqual([2, 3]);
    expect(b.grad!.shape).toEqual([2, 1]);
    expect(c.grad!.shape).toEqual([3]);
    expect(s.grad!.shape).toEqual([]);
    expect(a.grad!.toArray()).toEqual([
      [20, 20, 20],
      [40, 40, 40],
    ]);
    expect(b.grad!.toArray()).toEqual([[12], [30]]);
    expect(c.grad!.toArray()).toEqual([4, 4, 4]);
    // Σ(a·b + c) = 10·6 + 20·15 + 2·6 = 372
    expect(s.grad!.item()).toBe(372);
  });

  it("a [1,3] + [4,1] broadcast to [4,3]", () => {
    const a = tensor([[1, 2, 3]], { requiresGrad: true });
    const b = tensor([[1], [2], [3], [4]], { requiresGrad: true });
    const y = a.sub(b);
    expect(y.shape).toEqual([4, 3]);
    y.sum().backward();
    expect(a.grad!.toArray()).toEqual([[4, 4, 4]]);
    expect(b.grad!.toArray()).toEqual([[-3], [-3], [-3], [-3]]);
  });
});

describe("noGrad and detach", () => {
  it("noGrad records nothing and returns the callback's value", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let inside = true;
    const out = noGrad(() => {
      inside = isGradEnabled();
      const y = x.mul(2).exp().sum();
      return { y, tag: 42 };
    });
    expect(inside).toBe(false);
    expect(isGradEnabled()).toBe(true);
    expect(out.tag).toBe(42);
    expect(out.y.requiresGrad).toBe(false);
    expect(out.y.node).toBeNull();
    expectAllClose(arr(out.y), [Math.exp(2) + Math.exp(4)]);
    expect(() => out.y.backward()).toThrow(TypeError);
    expect(x.grad).toBeNull();
  });

  it("noGrad restores recording even when the callback throws", () => {
    expect(() =>
      noGrad(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(isGradEnabled()).toBe(true);
    const x = tensor([1], { requiresGrad: true });
    expect(x.mul(2).requiresGrad).toBe(true);
  });

  it("nested noGrad", () => {
    const v = noGrad(() => noGrad(() => 7) + (isGradEnabled() ? 100 : 0));
    expect(v).toBe(7);
    expect(isGradEnabled()).toBe(true);
  });

  it("detach shares values and has no graph", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    expect(d.data).toBe(y.data);
    expect(d.shape).toEqual(y.shape);
    expect(d.requiresGrad).toBe(false);
    expect(d.node).toBeNull();
    expect(d.grad).toBeNull();
    // Gradient does not flow through the detached path.
    y.mul(d).sum().backward(); // d/dx (2x · stop(2x)) = 2 · 2x
    expect(arr(x.grad)).toEqual([4, 8, 12]);
  });
});

describe("grad(outputs, inputs)", () => {
  it("returns gradients without touching .grad", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const [dx] = grad(x.pow(2).sum(), [x]);
    expect(arr(dx)).toEqual([2, 4, 6]);
    expect(dx.shape).toEqual([3]);
    expect(x.grad).toBeNull();
    // and leaves an existing .grad as it was
    x.sum().backward();
    grad(x.pow(3).sum(), [x]);
    expect(arr(x.grad)).toEqual([1, 1, 1]);
  });

  it("gives zeros for an unused input, in that input's shape", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const u = tensor([[5, 6, 7]], { requiresGrad: true });
    const [dx, du] = grad(x.mul(3).sum(), [x, u]);
    expect(arr(dx)).toEqual([3, 3]);
    expect(du.shape).toEqual([1, 3]);
    expect(arr(du)).toEqual([0, 0, 0]);
  });

  it("several outputs add up", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = tensor([3, 4], { requiresGrad: true });
    const [dx, dy] = grad([x.mul(y).sum(), x.pow(2).sum()], [x, y]);
    expect(arr(dx)).toEqual([3 + 2, 4 + 4]);
    expect(arr(dy)).toEqual([1, 2]);
  });

  it("gradOutputs weight each output", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y1 = x.mul(2); // non-scalar outputs
    const y2 = x.pow(2);
    const [dx] = grad([y1, y2], [x], { gradOutputs: [tensor([1, 10, 100]), tensor([1, 1, -1])] });
    // 2·g1 + 2x·g2
    expect(arr(dx)).toEqual([2 + 2, 20 + 4, 200 - 6]);
    expect(x.grad).toBeNull();
  });

  it("gradOutputs may leave a one-element output's seed implied", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const [dx] = grad([x.sum(), x.mul(x)], [x], { gradOutputs: [undefined, tensor([1, 2])] });
    expect(arr(dx)).toEqual([1 + 2, 1 + 8]);
  });

  it("without createGraph the result has no graph", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const [dx] = grad(x.pow(3).sum(), [x]);
    expect(dx.requiresGrad).toBe(false);
  });
});

describe("higher-order gradients (createGraph)", () => {
  it("d²/dx² of x³ is 6x", () => {
    const xs = [-1.5, 0.25, 2];
    const x = tensor(xs, { requiresGrad: true });
    const [dx] = grad(x.pow(3).sum(), [x], { createGraph: true });
    expect(dx.requiresGrad).toBe(true);
    expectAllClose(
      arr(dx),
      xs.map((v) => 3 * v * v),
    );
    const [d2x] = grad(dx.sum(), [x]);
    expectAllClose(
      arr(d2x),
      xs.map((v) => 6 * v),
    );
    const [d3x] = grad(grad(dx.sum(), [x], { createGraph: true })[0].sum(), [x]);
    expectAllClose(arr(d3x), [6, 6, 6]);
  });

  it("mixed partials of x*y: ∂²/∂x∂y = 1, ∂²/∂x² = 0", () => {
    const x = tensor(3, { requiresGrad: true });
    const y = tensor(-2, { requiresGrad: true });
    const [dx, dy] = grad(x.mul(y), [x, y], { createGraph: true });
    expect(dx.item()).toBe(-2);
    expect(dy.item()).toBe(3);
    const [dxdx, dxdy] = grad(dx, [x, y]);
    expect(dxdx.item()).toBe(0);
    expect(dxdy.item()).toBe(1);
    const [dydx, dydy] = grad(dy, [x, y]);
    expect(dydx.item()).toBe(1);
    expect(dydy.item()).toBe(0);
  });

  it("mixed partials of x²·y are symmetric: 2x both ways", () => {
    const x = tensor(1.5, { requiresGrad: true });
    const y = tensor(4, { requiresGrad: true });
    const f = x.pow(2).mul(y);
    const [fx, fy] = grad(f, [x, y], { createGraph: true });
    expect(fx.item()).toBeCloseTo(2 * 1.5 * 4, 12);
    expect(fy.item()).toBeCloseTo(1.5 * 1.5, 12);
    expect(grad(fx, [y])[0].item()).toBeCloseTo(3, 12);
    expect(grad(fy, [x])[0].item()).toBeCloseTo(3, 12);
    expect(grad(fx, [x])[0].item()).toBeCloseTo(8, 12);
  });

  it("backward(g, { createGraph: true }) leaves a differentiable .grad", () => {
    const x = tensor([0.5, 2], { requiresGrad: true });
    x.pow(3).sum().backward(undefined, { createGraph: true });
    expect(x.grad!.requiresGrad).toBe(true);
    const g = x.grad!;
    x.grad = null;
    g.sum().backward();
    expectAllClose(arr(x.grad), [3, 12]);
  });

  it("second derivative of sigmoid: σ'' = σ'(1 − 2σ)", () => {
    const xs = [-2, -0.3, 0, 1.7];
    const x = tensor(xs, { requiresGrad: true });
    const [d1] = grad(x.sigmoid().sum(), [x], { createGraph: true });
    const [d2] = grad(d1.sum(), [x]);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    expectAllClose(
      arr(d2),
      xs.map((v) => sig(v) * (1 - sig(v)) * (1 - 2 * sig(v))),
      1e-12,
    );
  });
});

describe("very long chains", () => {
  const N = 100_000;

  it(`${N} muls: backward without stack overflow, right value`, () => {
    const x = tensor(1.5, { requiresGrad: true });
    let z = x;
    for (let i = 0; i < N; i++) z = z.mul(1.00001);
    const factor = Math.pow(1.00001, N);
    expect(z.item()).toBeCloseTo(1.5 * factor, 8);
    z.backward();
    expect(x.grad!.item()).toBeCloseTo(factor, 8);
    expect(Math.abs(x.grad!.item() - Math.E) / Math.E).toBeLessThan(1e-4);
  });

  it(`${N} adds: grad() works too`, () => {
    const x = tensor([2, -1], { requiresGrad: true });
    let z = x;
    for (let i = 0; i < N; i++) z = z.add(1);
    expect(arr(z)).toEqual([2 + N, -1 + N]);
    const [dx] = grad(z.sum(), [x]);
    expect(arr(dx)).toEqual([1, 1]);
  });
});

describe("random numbers", () => {
  it("manualSeed(0) twice gives identical randn and rand", () => {
    manualSeed(0);
    const a = randn([50]);
    const b = rand([3, 4]);
    manualSeed(0);
    const c = randn([50]);
    const d = rand([3, 4]);
    expect(arr(c)).toEqual(arr(a));
    expect(arr(d)).toEqual(arr(b));
  });

  it("an odd-length randn then reseeding does not leak the spare normal", () => {
    manualSeed(5);
    const a = randn([4]);
    manualSeed(5);
    randn([1]); // leaves the second normal of the pair pending
    manualSeed(5);
    expect(arr(randn([4]))).toEqual(arr(a));
    manualSeed(5);
    rand([1]);
    randn([3]);
    manualSeed(5);
    expect(arr(randn([4]))).toEqual(arr(a));
  });

  it("different seeds give different draws, and consecutive draws differ", () => {
    manualSeed(0);
    const a = arr(randn([20]));
    const a2 = arr(randn([20]));
    manualSeed(1);
    const b = arr(randn([20]));
    expect(b).not.toEqual(a);
    expect(a2).not.toEqual(a);
    manualSeed(0);
    const u0 = arr(rand([20]));
    manualSeed(1);
    expect(arr(rand([20]))).not.toEqual(u0);
  });

  it("randn has mean ≈ 0 and std ≈ 1 over 10,000 samples", () => {
    manualSeed(1234);
    const v = arr(randn([10_000]));
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
    expect(Math.abs(m)).toBeLessThan(0.05); // std error 0.01
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
    // roughly 68% within one std
    const within = v.filter((x) => Math.abs(x) < 1).length / v.length;
    expect(within).toBeGreaterThan(0.66);
    expect(within).toBeLessThan(0.7);
  });

  it("randn honours mean/std, rand stays in [low, high)", () => {
    manualSeed(7);
    const v = arr(randn([10_000], { mean: 3, std: 0.5 }));
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    expect(Math.abs(m - 3)).toBeLessThan(0.03);
    const u = arr(rand([10_000], { low: -2, high: 2 }));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(2);
    const um = u.reduce((s, x) => s + x, 0) / u.length;
    expect(Math.abs(um)).toBeLessThan(0.05);
  });
});

describe("tensor() and friends", () => {
  afterEach(() => setDefaultDtype("float64"));

  it("from nested arrays", () => {
    const t = tensor([
      [1, -2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.ndim).toBe(2);
    expect(t.dtype).toBe("float64");
    expect(t.data).toBeInstanceOf(Float64Array);
    expect(arr(t)).toEqual([1, -2, 3, 4, 5, 6]);
    expect(t.requiresGrad).toBe(false);
    expect(t.grad).toBeNull();
    expect(
      tensor([
        [[1], [2]],
        [[3], [4]],
      ]).shape,
    ).toEqual([2, 2, 1]);
  });

  it("from a number: 0-d", () => {
    const t = tensor(2.5);
    expect(t.shape).toEqual([]);
    expect(t.size).toBe(1);
    expect(t.item()).toBe(2.5);
    expect(t.toArray()).toBe(2.5);
  });

  it("empty arrays", () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([[], []]).toArray()).toEqual([[], []]);
  });

  it("a Float32Array keeps float32, and values are copied", () => {
    const src = new Float32Array([1.5, 2.5, 3.5]);
    const t = tensor(src);
    expect(t.dtype).toBe("float32");
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.shape).toEqual([3]);
    src[0] = 100;
    expect(t.data[0]).toBe(1.5);
  });

  it("a Float64Array keeps float64 even with a float32 default", () => {
    setDefaultDtype("float32");
    expect(tensor(new Float64Array([1, 2])).dtype).toBe("float64");
  });

  it("{ dtype } overrides", () => {
    expect(tensor(new Float32Array([1, 2]), { dtype: "float64" }).dtype).toBe("float64");
    const t = tensor([[0.1, 0.2]], { dtype: "float32" });
    expect(t.dtype).toBe("float32");
    expect(t.data[0]).toBe(Math.fround(0.1));
    expect(zeros([2], { dtype: "float32" }).dtype).toBe("float32");
  });

  it("typed array + { shape }", () => {
    const t = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] });
    expect(t.shape).toEqual([3, 2]);
    expect(t.dtype).toBe("float32");
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const u = tensor([1, 2, 3, 4], { shape: [2, 1, 2] });
    expect(u.toArray()).toEqual([[[1, 2]], [[3, 4]]]);
  });

  it("requiresGrad option", () => {
    const t = tensor([1, 2], { requiresGrad: true });
    expect(t.requiresGrad).toBe(true);
    expect(t.isLeaf).toBe(true);
  });

  it("toArray / item round trip", () => {
    const nested = [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [7, 8, 9],
        [10, 11, 12.25],
      ],
    ];
    const t = tensor(nested);
    expect(t.toArray()).toEqual(nested);
    expect(tensor(t.toArray()).toArray()).toEqual(nested);
    expect(tensor([[7]]).item()).toBe(7);
    expect(tensor([[7]]).toArray()).toEqual([[7]]);
    expect(tensor(-0.125).item()).toBe(-0.125);
  });

  it("zeros, ones, full, arange", () => {
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones(3).toArray()).toEqual([1, 1, 1]);
    expect(full([1, 2], 7).toArray()).toEqual([[7, 7]]);
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
  });

  it("setDefaultDtype('float32') then back", () => {
    expect(getDefaultDtype()).toBe("float64");
    try {
      setDefaultDtype("float32");
      expect(getDefaultDtype()).toBe("float32");
      expect(tensor([1, 2]).dtype).toBe("float32");
      expect(tensor(3).dtype).toBe("float32");
      expect(zeros([2]).dtype).toBe("float32");
      expect(ones([2]).dtype).toBe("float32");
      expect(randn([2]).dtype).toBe("float32");
      expect(rand([2]).dtype).toBe("float32");
      expect(tensor([1, 2], { dtype: "float64" }).dtype).toBe("float64");
      // ops on float32 tensors stay float32, and the gradient too
      const x = tensor([1, 2], { requiresGrad: true });
      x.mul(x).sum().backward();
      expect(x.grad!.dtype).toBe("float32");
      expect(arr(x.grad)).toEqual([2, 4]);
    } finally {
      setDefaultDtype("float64");
    }
    expect(getDefaultDtype()).toBe("float64");
    expect(tensor([1, 2]).dtype).toBe("float64");
  });

  it("ops are eager: the result's data is there at once", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(10);
    expect(arr(y)).toEqual([10, 20]);
  });
});
