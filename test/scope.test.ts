/**
 * scope(): tensors made inside live in the WebAssembly module's memory and are released when
 * it ends. What users rely on: the numbers are the same as without a scope (bit for bit, both
 * dtypes), returned tensors and gradients left on outside tensors survive, anything else
 * throws a clear error instead of showing reused memory, and a scope that runs out of room
 * or throws still leaves everything consistent.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { active, useWasm } from "../src/kernels/wasm/runtime.js";
import {
  grad,
  linear,
  manualSeed,
  matmul,
  nn,
  optim,
  randn,
  scope,
  tensor,
  zeros,
  type DType,
  type FloatArray,
  type Tensor,
} from "../src/index.js";

afterEach(() => useWasm(true));

/** True when `a` is a view of the kernels' memory (that is, its tensor is in the arena). */
const kernels = active()!;
function resident(a: FloatArray): boolean {
  return a.buffer === kernels.memory.buffer;
}

/** A mix of every op family a training step uses, forward and backward; returns values and gradients. */
function workout(dtype: DType, rows: number, cols: number, seed: number): FloatArray[] {
  manualSeed(seed);
  const x = randn([rows, cols], { dtype, requiresGrad: true });
  const w = randn([5, cols], { dtype, requiresGrad: true });
  const b = randn([5], { dtype, requiresGrad: true });
  const h = linear(x, w, b);
  const acts = [h.sigmoid(), h.tanh(), h.relu(), h.softplus(), h.softmax(-1), h.logSoftmax(-1), h.maxout(5)];
  let loss = acts.map((a) => a.sum()).reduce((p, q) => p.add(q));
  const batched = matmul(x.reshape([1, rows, cols]).mul(randn([2, 1, 1], { dtype })), w.transpose()); // [2, rows, 5], written at offsets
  loss = loss
    .add(batched.tanh().sum())
    .add(matmul(h, h.transpose()).mean())
    .add(h.max(0).exp().sum().log())
    .add(h.reshape([-1]).pow(2).sqrt().sum().div(7));
  loss.backward();
  return [loss.data, h.data, ...acts.map((a) => a.data), x.grad!.data, w.grad!.data, b.grad!.data].map((d) => d.slice());
}

describe("scope: same numbers as without it", () => {
  it.each(["float32", "float64"] as const)("every op family, forward and backward, bit for bit (%s)", (dtype) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 70 }), fc.integer(), (rows, cols, seed) => {
        const plain = workout(dtype, rows, cols, seed);
        const scoped = scope(() => workout(dtype, rows, cols, seed));
        expect(scoped).toEqual(plain);
      }),
      { numRuns: 25 },
    );
  });

  it("inside a scope, op results live in the module's memory and kernels use them in place", () => {
    scope(() => {
      const x = randn([300], { dtype: "float32" });
      const y = x.sigmoid();
      const z = matmul(y.reshape([20, 15]), y.reshape([15, 20]));
      for (const t of [x, y, z]) expect(resident(t.data)).toBe(true);
      expect(Array.from(z.data.slice(0, 3))).toEqual(
        Array.from(
          matmul(tensor(y.data.slice(), { shape: [20, 15] }), tensor(y.data.slice(), { shape: [15, 20] })).data.slice(0, 3),
        ),
      );
    });
  });

  it("training with Adam inside scopes follows the same path as outside (optimizer state survives)", () => {
    const run = (scoped: boolean): number[] => {
      manualSeed(3);
      const model = new nn.Sequential(
        new nn.Linear(4, 16, { dtype: "float32" }),
        new nn.Tanh(),
        new nn.Linear(16, 3, { dtype: "float32" }),
      );
      const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
      const x = randn([64, 4], { dtype: "float32" });
      const labels = Array.from({ length: 64 }, (_, i) => i % 3);
      const losses: number[] = [];
      const step = () => {
        opt.zeroGrad();
        const loss = nn.crossEntropy(model.call(x), labels);
        loss.backward();
        opt.step();
        return loss;
      };
      for (let i = 0; i < 5; i++) losses.push((scoped ? scope(step) : step()).item());
      return [...losses, ...model.parameters().flatMap((p) => Array.from(p.data))];
    };
    expect(run(true)).toEqual(run(false));
  });
});

describe("scope: what survives and what is released", () => {
  it("returned tensors (alone, in arrays, in objects) keep their values after the arena is reused", () => {
    const { a, list } = scope(() => {
      const a = randn([500], { dtype: "float32" }).mul(2);
      return { a, list: [a.relu(), [a.tanh()]] as const };
    });
    const expected = [Array.from(a.data), Array.from(list[0].data), Array.from(list[1][0].data)];
    scope(() => zeros([500 * 8], { dtype: "float32" }).add(7)); // overwrite the arena
    expect([Array.from(a.data), Array.from(list[0].data), Array.from(list[1][0].data)]).toEqual(expected);
    expect(resident(a.data)).toBe(false);
  });

  it("tensors not returned are released: reading them throws and names scope()", () => {
    let kept: Tensor | null = null;
    scope(() => {
      kept = randn([200], { dtype: "float32" }).exp();
    });
    expect(() => kept!.data).toThrow(/released when the scope\(\) that made it ended/);
    expect(() => kept!.sum()).toThrow(/released/);
    expect(() => kept!.item()).toThrow(/released/);
    expect(String(kept)).toBe("tensor(<released by scope()>, shape=[200])"); // printing still works
  });

  it("backward() inside a scope leaves gradients on outside tensors, and they survive it", () => {
    const x = randn([1000], { dtype: "float32", requiresGrad: true });
    const g = randn([1000], { dtype: "float32" });
    scope(() => x.sigmoid().backward(g));
    const inside = x.grad!.data.slice();
    x.grad = null;
    x.sigmoid().backward(g);
    expect(inside).toEqual(x.grad!.data);
    // accumulation across scopes adds, as outside
    x.grad = null;
    scope(() => x.tanh().backward(g));
    scope(() => x.tanh().backward(g));
    const twice = x.grad!.data.slice();
    x.grad = null;
    x.tanh().backward(g);
    x.tanh().backward(g);
    expect(twice).toEqual(x.grad!.data);
  });

  it("grad() results are released unless returned", () => {
    const x = randn([300], { dtype: "float32", requiresGrad: true });
    const [gx] = scope(() => grad(x.softplus().sum(), [x]));
    expect(Array.from(gx.data)).toEqual(Array.from(grad(x.softplus().sum(), [x])[0].data));
  });

  it("nested scopes: outer tensors are valid inside; inner results are kept into the outer one", () => {
    const total = scope(() => {
      const outer = randn([256], { dtype: "float32" });
      const inner = scope(() => outer.mul(2).add(1));
      expect(resident(inner.data)).toBe(false);
      expect(outer.data[3] * 2 + 1).toBeCloseTo(inner.data[3], 5);
      let dropped: Tensor | null = null;
      scope(() => {
        dropped = outer.relu();
      });
      expect(() => dropped!.data).toThrow(/released/);
      expect(resident(outer.data)).toBe(true); // still alive in the outer scope
      return inner.sum();
    });
    expect(Number.isFinite(total.item())).toBe(true);
  });

  it("a scope that throws releases its tensors, rethrows, and the next scope works", () => {
    let made: Tensor | null = null;
    expect(() =>
      scope(() => {
        made = randn([100], { dtype: "float32" });
        made.add(randn([3], { dtype: "float32" })); // shapes do not broadcast
      }),
    ).toThrow(/broadcast/);
    expect(() => made!.data).toThrow(/released/);
    const ok = scope(() => randn([100], { dtype: "float32" }).relu().sum());
    expect(ok.item()).toBeGreaterThanOrEqual(0);
  });

  it("a scope that outgrows its memory falls back to ordinary arrays, and the next one makes room", () => {
    // 6 × 16 MiB is more than the first scope's 64 MiB
    const make = () => Array.from({ length: 6 }, (_, i) => zeros([4 << 20], { dtype: "float32" }).add(i));
    const first = scope(() => {
      const ts = make();
      const sums = ts.map((t) => t.data[0] + t.data[(4 << 20) - 1]);
      return { sums, resident: ts.map((t) => resident(t.data)) };
    });
    expect(first.sums).toEqual([0, 2, 4, 6, 8, 10]);
    expect(first.resident).toContain(false);
    const second = scope(() => make().map((t) => resident(t.data)));
    expect(second.every(Boolean)).toBe(true);
  });

  it("without the WebAssembly kernels a scope only cleans up; values are ordinary arrays", () => {
    useWasm(false);
    const y = scope(() => {
      const x = randn([300], { dtype: "float32" });
      expect(resident(x.data)).toBe(false);
      return x.sigmoid();
    });
    expect(y.data.length).toBe(300);
  });

  it("rejects a non-function, and an async function, with a clear error", async () => {
    expect(() => scope(42 as unknown as () => void)).toThrow(/scope: expected a function/);
    let inside: Tensor | null = null;
    expect(() =>
      scope(async () => {
        inside = randn([100], { dtype: "float32" });
      }),
    ).toThrow(/returned a promise; scope\(\) is synchronous/);
    expect(() => inside!.data).toThrow(/released/); // cleaned up all the same
  });
});
