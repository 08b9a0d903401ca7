/**
 * Issue 11's silent wrong results, each pinned by a test that failed before the fix: a wrong
 * bias that broadcast, repeated axes on a 0-d tensor, a gradient of the wrong shape accepted by
 * the backward sweep, and scope() releasing only large tensors. Each one must now be a clear
 * error naming the op, and leave everything as it was.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { useWasm } from "../src/kernels/wasm/runtime.js";
import { linear, nn, randn, scope, Tensor, tensor } from "../src/index.js";
import { record } from "../src/tensor/graph.js";

afterEach(() => useWasm(true));

describe("linear checks its bias", () => {
  it("rejects x [3,4], W [1,4], b [2] instead of broadcasting to [3,2]", () => {
    const x = randn([3, 4]);
    const w = randn([1, 4], { requiresGrad: true });
    const b = tensor([1, 2], { requiresGrad: true });
    expect(() => linear(x, w, b)).toThrow(RangeError);
    expect(() => linear(x, w, b)).toThrow(/^linear: bias of shape \[2\] does not fit input \[3,4\] and weight \[1,4\].*\[1\]/);
    expect(w.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  it("rejects every bias but one of shape [out], naming linear (not add or reshape)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }),
        (out, inF, bshape) => {
          const x = randn([2, inF]);
          const w = randn([out, inF]);
          const b = randn(bshape);
          if (bshape.length === 1 && bshape[0] === out) {
            expect(linear(x, w, b).shape).toEqual([2, out]);
          } else {
            expect(() => linear(x, w, b)).toThrow(/^linear: bias of shape/);
          }
        },
      ),
    );
  });

  it("rejects a bias that is not a tensor", () => {
    expect(() => linear(randn([2, 3]), randn([4, 3]), [1, 2, 3, 4] as unknown as Tensor)).toThrow(
      /linear: the bias must be a Tensor/,
    );
  });
});

describe("axis lists follow PyTorch's rule at every rank", () => {
  const zeroD = () => tensor(3);

  it("a 0-d tensor takes axis 0 and -1", () => {
    for (const axis of [0, -1, [0], [-1]]) {
      expect(zeroD().sum(axis).item()).toBe(3);
      expect(zeroD().mean(axis).item()).toBe(3);
      expect(zeroD().max(axis).item()).toBe(3);
    }
  });

  it("a 0-d tensor rejects a repeated axis and any other axis", () => {
    for (const axis of [
      [0, 0],
      [0, -1],
      [-1, -1],
    ]) {
      expect(() => zeroD().sum(axis)).toThrow(RangeError);
      expect(() => zeroD().sum(axis)).toThrow(/sum: axis \[.*\] names the same axis twice/);
      expect(() => zeroD().mean(axis)).toThrow(/mean:/);
      expect(() => zeroD().max(axis)).toThrow(/max:/);
    }
    for (const axis of [1, -2, [5], [0, 1]]) expect(() => zeroD().sum(axis)).toThrow(/sum: axis -?\d+ is out of range/);
  });

  it("a repeated axis is an error at every rank", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.nat(), (rank, pick) => {
        const x = randn(Array.from({ length: rank }, () => 2));
        const a = pick % rank;
        expect(() => x.sum([a, a - rank])).toThrow(/names the same axis twice/);
      }),
    );
  });
});

describe("the backward sweep checks the exact shape of every gradient", () => {
  /** An op whose rule is deliberately wrong: it returns g transposed, same size and rank. */
  function badOp(x: Tensor): Tensor {
    const out = new Tensor(x.data.slice(), x.shape);
    return record(out, "badTranspose", [x], (g) => [g.transpose()]);
  }

  it("a transposed gradient of the same size and rank is an error naming the op", () => {
    const x = randn([2, 3], { requiresGrad: true });
    const loss = badOp(x)
      .mul(randn([2, 3]))
      .sum();
    expect(() => loss.backward()).toThrow(RangeError);
    expect(() => loss.backward()).toThrow(
      /backward: the rule of badTranspose gave a gradient of shape \[3,2\] for input 0 of shape \[2,3\]/,
    );
    expect(x.grad).toBeNull();
  });

  it("[1,4] for [4,1] is caught too", () => {
    const x = randn([4, 1], { requiresGrad: true });
    expect(() => badOp(x).sum().backward()).toThrow(/badTranspose gave a gradient of shape \[1,4\]/);
  });
});

describe("scope() releases every tensor by one rule, whatever its size", () => {
  for (const wasm of [true, false]) {
    for (const size of [1, 3, 63, 64, 1000]) {
      it(`a ${size}-element tensor kept past its scope is released (wasm ${wasm ? "on" : "off"})`, () => {
        useWasm(wasm);
        let leaked: Tensor | null = null;
        let made: Tensor | null = null;
        const kept = scope(() => {
          made = tensor(Array.from({ length: size }, (_, i) => i));
          leaked = made.mul(2);
          return leaked.add(1);
        });
        expect(Array.from(kept.data)).toEqual(Array.from({ length: size }, (_, i) => 2 * i + 1));
        expect(() => leaked!.data).toThrow(TypeError);
        expect(() => leaked!.data).toThrow(/released when the scope\(\) that made it ended/);
        expect(() => made!.data).toThrow(/scope\(\)/);
        expect(() => leaked!.sum()).toThrow(/scope\(\)/);
        expect(leaked!.isReleased).toBe(true);
        expect(kept.isReleased).toBe(false);
      });
    }
  }

  it("parameters made inside a scope live on, whatever their size", () => {
    const [small, big, model] = [0, 0, 0].map(() => null) as unknown as [Tensor, Tensor, nn.Linear];
    const box = { small, big, model };
    scope(() => {
      box.small = tensor([1, 2], { requiresGrad: true });
      box.big = randn([100], { requiresGrad: true });
      box.model = new nn.Linear(3, 2);
    });
    expect(Array.from(box.small.data)).toEqual([1, 2]);
    expect(box.big.size).toBe(100);
    expect(box.model.forward(randn([1, 3])).shape).toEqual([1, 2]);
  });

  it("backward() after the scope says the graph outlived its scope", () => {
    for (const size of [2, 200]) {
      const w = randn([size], { requiresGrad: true });
      const loss = scope(() => w.mul(w).sigmoid().sum());
      expect(loss.isReleased).toBe(false);
      expect(() => loss.backward()).toThrow(TypeError);
      expect(() => loss.backward()).toThrow(
        /backward: the graph reaches the output of \w+ of shape \[\d+\] .*released when the scope\(\) that made it ended; the graph outlived its scope, so call backward\(\) inside that scope/,
      );
      expect(w.grad).toBeNull();
    }
  });

  it("gradients backward() leaves on outside tensors survive at every size", () => {
    for (const size of [1, 5, 500]) {
      const w = randn([size], { requiresGrad: true });
      scope(() => {
        w.mul(3).sum().backward();
      });
      expect(Array.from(w.grad!.data)).toEqual(new Array(size).fill(3));
    }
  });
});

describe("the package root", () => {
  it("exports useWasm and wasmReady", async () => {
    const root = await import("../src/index.js");
    expect(await root.wasmReady).toBe(true); // Node 20 has WebAssembly SIMD
    const x = randn([300], { dtype: "float32" });
    const fast = x.sigmoid().data.slice();
    root.useWasm(false);
    const plain = x.sigmoid().data;
    root.useWasm(true);
    for (let i = 0; i < fast.length; i++) expect(Math.abs(fast[i] - plain[i])).toBeLessThan(1e-6);
  });
});
