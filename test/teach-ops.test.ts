/**
 * The teaching tools show issue 13's ops like the activations: each traced step names the op,
 * gives its textbook formula and a local derivative, and the chain rule by hand (`chain`)
 * recombines upstream and local into exactly the engine's gradient.
 */
import { describe, expect, it } from "vitest";
import { chain, concat, formatTrace, manualSeed, randn, stack, tensor, toDot, traceBackward } from "../src/index.js";

function checkChain(loss: ReturnType<typeof randn>) {
  const steps = traceBackward(loss);
  for (const s of steps) {
    expect(s.formula, s.op).not.toMatch(/no closed form/);
    const byHand = chain(s);
    s.result.forEach((r, k) => {
      if (r === null || byHand[k] === null) return;
      const a = Array.from(r.data),
        b = Array.from(byHand[k]!.data);
      expect(b.length, `${s.op} input ${k}`).toBe(a.length);
      a.forEach((v, i) => expect(b[i], `${s.op} input ${k} [${i}]`).toBeCloseTo(v, 12));
    });
  }
  return steps;
}

describe("traces of the tensor ops", () => {
  it("indexing, joining and shape ops each show a formula, a local, and chain back to the engine's gradient", () => {
    manualSeed(2);
    const x = randn([3, 4], { requiresGrad: true });
    const w = randn([2, 4], { requiresGrad: true });
    const joined = concat([x, w], 0); // [5, 4]
    const picked = joined.indexSelect(0, [0, 4, 4, 2]).slice(1, 1, 4).select(0, 1); // [3]
    const moved = stack([x, x.mul(2)], 0)
      .permute(2, 0, 1)
      .flatten(1)
      .unsqueeze(0)
      .squeeze(0); // [4, 6]
    const grown = w.sum(0, true).expand([3, 4]); // [3, 4]
    const masked = x.maskedFill(x.gt(0.5), 0).gather(1, [
      [0, 0],
      [1, 3],
      [2, 2],
    ]); // [3, 2]
    const [a, b] = x.split(2, 1);
    const loss = picked.sum().add(moved.sigmoid().sum()).add(grown.mul(x).sum()).add(masked.sum()).add(a.mul(b).sum());
    const steps = checkChain(loss);
    const ops = new Set(steps.map((s) => s.op));
    for (const op of [
      "concat",
      "indexSelect",
      "slice",
      "select",
      "stack",
      "permute",
      "flatten",
      "unsqueeze",
      "squeeze",
      "expand",
      "maskedFill",
      "gather",
      "split",
    ]) {
      expect(ops.has(op), op).toBe(true);
    }
    const text = formatTrace(steps);
    expect(text).toMatch(/repeated indices add up/);
    expect(text).toMatch(/times each element was taken/);
    expect(toDot(loss)).toMatch(/indexSelect/);
  });

  it("indexSelect's local counts repeated picks", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const steps = traceBackward(x.indexSelect(0, [2, 0, 2]).sum());
    const step = steps.find((s) => s.op === "indexSelect")!;
    expect(step.local.kind).toBe("routing");
    expect(Array.from(step.local.factors[0]!.data)).toEqual([1, 0, 2]);
  });
});
