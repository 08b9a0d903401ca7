/** Example 13 (plain MLP against dropout + LayerNorm + AdamW + cosine on MNIST), run tiny. */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main, makeModel } from "../examples/13-regularized-mlp.js";
import { manualSeed, nn, noGrad } from "../src/index.js";

const outDir = mkdtempSync(join(tmpdir(), "actigrad-example13-"));
const isSvg = (path: string) => existsSync(path) && /^<svg[\s\S]*<\/svg>\s*$/.test(readFileSync(path, "utf8"));

describe("example 13: regularization compared", () => {
  let r: ReturnType<typeof main>;
  let text = "";
  beforeAll(() => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(" "));
    try {
      // a few hundred digits, a narrow network, 3 epochs (so the cosine has a point between its ends)
      r = main({ limit: 300, testLimit: 200, epochs: 3, hidden: 32, batchSize: 32, lr: 2e-3, outDir });
    } finally {
      console.log = log;
    }
    text = lines.join("\n");
  }, 60_000);

  it("trains both on the same few hundred digits, every digit among them", () => {
    expect(r.train.y.length).toBe(300);
    expect(r.test.y.length).toBe(200);
    expect(r.train.x.shape).toEqual([300, 784]);
    expect(r.test.x.shape).toEqual([200, 784]);
    expect(new Set(r.train.y).size).toBe(10);
    expect(new Set(r.test.y).size).toBe(10);
  });

  it("records a finite curve per epoch for both runs, losses falling and accuracies well above chance", () => {
    for (const c of [r.plain, r.regularized]) {
      for (const k of ["trainLoss", "runningLoss", "testLoss", "testAccuracy", "lr"] as const) {
        expect(c[k]).toHaveLength(3);
        for (const v of c[k]) expect(Number.isFinite(v)).toBe(true);
      }
      for (const v of [...c.trainLoss, ...c.testLoss, ...c.runningLoss]) expect(v).toBeGreaterThan(0);
      for (const v of c.testAccuracy) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        expect(Number.isInteger(Math.round(v * 200 * 1e6) / 1e6)).toBe(true); // a count out of 200
      }
      expect(c.trainLoss[2]).toBeLessThan(c.trainLoss[0]);
      expect(c.testAccuracy[2]).toBeGreaterThan(0.4); // chance is 0.1
      expect(c.seconds).toBeGreaterThan(0);
      expect(c.cpuSeconds).toBeGreaterThan(0);
    }
    expect(r.seconds).toBeGreaterThan(r.plain.seconds);
    // the digits right for one model only account for the difference in accuracy
    const n = r.test.y.length;
    expect(r.onlyRegularized - r.onlyPlain).toBe(Math.round((r.regularized.testAccuracy[2] - r.plain.testAccuracy[2]) * n));
    expect(r.onlyPlain + r.onlyRegularized).toBeLessThanOrEqual(n);
  });

  it("the plain run keeps its rate; the regularized one follows the cosine from the same start", () => {
    expect(r.plain.lr).toEqual([2e-3, 2e-3, 2e-3]);
    r.regularized.lr.forEach((lr, e) => expect(lr).toBeCloseTo((2e-3 * (1 + Math.cos((Math.PI * e) / 3))) / 2, 15));
    expect(r.regularized.lr[1]).toBeCloseTo(1.5e-3, 15);
    expect(r.regularized.lr[2]).toBeCloseTo(0.5e-3, 15);
  });

  it("leaves the models in eval mode, where dropout is off and the output deterministic", () => {
    const model = r.models.regularized;
    expect(model.training).toBe(false);
    expect(model.layers.some((l) => l instanceof nn.Dropout)).toBe(true);
    expect(model.layers.some((l) => l instanceof nn.LayerNorm)).toBe(true);
    expect(r.models.plain.layers.some((l) => l instanceof nn.Dropout || l instanceof nn.LayerNorm)).toBe(false);
    const x = r.test.x;
    const first = noGrad(() => model.forward(x)).toArray();
    expect(noGrad(() => model.forward(x)).toArray()).toEqual(first);
    // the recorded final test loss is this deterministic output's loss
    expect(noGrad(() => nn.crossEntropy(model.forward(x), r.test.y)).item()).toBeCloseTo(r.regularized.testLoss[2], 5);
    model.train(); // dropout on: two passes differ
    const a = noGrad(() => model.forward(x)).toArray();
    const b = noGrad(() => model.forward(x)).toArray();
    expect(a).not.toEqual(b);
    model.eval();
    expect(noGrad(() => model.forward(x)).toArray()).toEqual(first);
  });

  it("starts both models from the same weights (only the Linear layers draw from the generator)", () => {
    manualSeed(0);
    const plain = makeModel("plain", 16, 0.2);
    manualSeed(0);
    const reg = makeModel("regularized", 16, 0.2);
    const linears = (m: nn.Sequential) => m.layers.filter((l) => l instanceof nn.Linear) as nn.Linear[];
    const [p, q] = [linears(plain), linears(reg)];
    expect(p).toHaveLength(3);
    expect(q).toHaveLength(3);
    p.forEach((l, i) => {
      expect(Array.from(q[i].weight.data)).toEqual(Array.from(l.weight.data));
      expect(q[i].weight.dtype).toBe("float32");
    });
  });

  it("prints both runs side by side and the final figures, and writes both SVGs", () => {
    expect(text).toContain("MNIST: 300 training / 200 test digits; MLP 784-32-32-10");
    expect(text).toMatch(/^ {2}epoch {3}train {4}test {2}test acc {4}train {4}test {2}test acc {7}lr$/m);
    const row = (c: typeof r.plain) => `${c.testAccuracy[2].toFixed(4).padStart(11)}${c.testLoss[2].toFixed(4).padStart(11)}`;
    expect(text).toContain(`  (a) plain      ${row(r.plain)}`);
    expect(text).toContain(`  (b) regularized${row(r.regularized)}`);
    expect(text).toContain(`${r.onlyPlain} digits are right only for (a), ${r.onlyRegularized} only for (b)`);
    expect(text).toContain("total time");
    expect(r.svgPaths).toEqual([join(outDir, "13-regularization-loss.svg"), join(outDir, "13-regularization-accuracy.svg")]);
    for (const p of r.svgPaths) expect(isSvg(p)).toBe(true);
    const loss = readFileSync(r.svgPaths[0], "utf8");
    for (const name of ["plain, train", "plain, test", "regularized, train", "regularized, test"]) expect(loss).toContain(name);
    expect((loss.match(/<polyline/g) ?? []).length).toBe(4);
  });
});
