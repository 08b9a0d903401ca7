/** Every example runs with small settings and produces its outputs. */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main as activationsTable } from "../examples/00-activations.js";
import { main as iris } from "../examples/01-iris.js";
import { main as compared } from "../examples/02-activations-compared.js";
import { main as mnist } from "../examples/03-mnist.js";
import { main as vanishing } from "../examples/04-vanishing-gradients.js";
import { main as gallery } from "../examples/08-derivative-gallery.js";
import { main as digits } from "../examples/11-tensor-ops-digits.js";
import { ALL_NAMES } from "./helpers.js";

const outDir = mkdtempSync(join(tmpdir(), "actigrad-examples-"));
const isSvg = (path: string) => existsSync(path) && /^<svg[\s\S]*<\/svg>\s*$/.test(readFileSync(path, "utf8"));

describe("examples", () => {
  it("0: prints f and f′ by backward for every activation", () => {
    const rows = activationsTable({ print: false, grid: [-1, 0, 2] });
    expect(rows.map((r) => r.name)).toEqual([...ALL_NAMES]);
    const sig = rows.find((r) => r.name === "sigmoid")!;
    sig.x.forEach((x, i) => {
      const s = 1 / (1 + Math.exp(-x));
      expect(sig.f[i]).toBeCloseTo(s, 12);
      expect(sig.df[i]).toBeCloseTo(s * (1 - s), 12);
    });
    // max(−1.5x − 2.25, 1.5x − 2.25): slope −1.5 up to the tie at 0 (the first piece wins it), then 1.5
    expect(rows.find((r) => r.name === "maxout")!.df).toEqual([-1.5, -1.5, 1.5]);
  });

  it("1: softmax regression on Iris reaches 0.95 test accuracy and writes its loss curve", () => {
    const r = iris({ print: false, outDir });
    expect(r.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(45);
    expect(r.losses[r.losses.length - 1]).toBeLessThan(r.losses[0]);
    expect(isSvg(r.svgPath)).toBe(true);
  });

  it("2: compares the hidden activations (few steps) and draws each boundary", () => {
    const r = compared({ print: false, outDir, steps: 30, seeds: 1, target: 10 });
    expect(r.rows.map((x) => x.act)).toEqual(["sigmoid", "tanh", "relu", "softplus", "maxout"]);
    for (const row of r.rows) expect(row.stepsToTarget).toBe(1); // a loss below 10 is reached at once
    expect(r.svgPaths.every(isSvg)).toBe(true);
  });

  it("3: MNIST trains on a subset and beats chance by far", () => {
    const r = mnist({ print: false, outDir, epochs: 1, limit: 1000 });
    expect(r.accuracy).toBeGreaterThan(0.6);
    expect(isSvg(r.svgPath)).toBe(true);
  });

  it("4: vanishing gradients: sigmoid's first-layer gradient is far smaller than relu's", () => {
    const r = vanishing({ print: false, outDir, seeds: 1 });
    const ratio = (v: number[]) => v[0] / v[v.length - 1];
    expect(ratio(r.table.sigmoid)).toBeLessThan(1e-2);
    expect(ratio(r.table.relu)).toBeGreaterThan(1e-2);
    expect(isSvg(r.svgPath)).toBe(true);
  });

  // Example 10 defines mish when loaded, which adds a row to the activations table: it is
  // imported here, after test 0 has checked the built-in rows, and not at the top of the file.
  it("10: a user-defined activation (mish) is first-class: gradcheck, gallery, nn.Activation on Iris, traceBackward", async () => {
    const { main: yourOwn, mish } = await import("../examples/10-your-own-activation.js");
    const r = yourOwn({ print: false, outDir, steps: 40 });
    expect(r.gradcheck.passed).toBe(true);
    expect(r.ruleError).toBeLessThan(1e-12); // gallery's f′ (the rule) vs mish′ in plain numbers
    expect(r.shape.map((s) => s.name)).toEqual(["mish", "relu", "silu", "gelu"]);
    expect(r.shape[0].d1At0).toBeCloseTo(0.6, 12); // mish′(0) = tanh(log 2) = 3/5
    expect(r.shape[0].minF).toBeCloseTo(-0.3088, 4);
    expect(r.accuracy).toBeGreaterThan(0.8); // chance is 1/3
    expect(r.step.op).toBe("mish");
    expect(r.step.formula).toBe(mish.derivative);
    expect(r.traceText).toContain("= mish(");
    expect(r.traceText).toContain("mish′(x) = tanh(sp(x)) + x·σ(x)·(1 − tanh²(sp(x)))");
    expect(r.localError).toBeLessThan(1e-12);
    expect(r.chainError).toBeLessThan(1e-12);
    expect(isSvg(r.svgPath)).toBe(true);
    // … and example 8's gallery, which loops over the table, now draws it too, with "—" for no closed form.
    const g = gallery({ print: false, outDir, points: 21 });
    expect(g.curves.map((c) => c.name).at(-1)).toBe("mish");
    expect(g.errors.mish).toBeUndefined();
    expect(g.table.at(-1)).toMatch(/^mish .* — /);
    expect(isSvg(join(outDir, "08-gallery-mish.svg"))).toBe(true);
  });

  // Example 11 defines no activation, so importing it at the top leaves test 0's table as it is.
  it("11: tensor ops on MNIST: crop by slice, ink sums by concat, argmax accuracy per digit, gather, where, maskedFill", () => {
    const r = digits({ print: false, outDir, epochs: 1, limit: 600 });
    expect(r.side).toBe(20);
    expect(r.nFeatures).toBe(20 * 20 + 20 + 20);
    expect(r.borderInk).toBeGreaterThan(0);
    expect(r.borderInk).toBeLessThan(0.1); // the border is nearly empty
    expect(r.lossGap).toBeLessThan(1e-5); // logsumexp − gather is cross-entropy
    expect(r.curve).toHaveLength(1);
    expect(r.accuracy).toBeGreaterThan(0.6); // chance is 0.1
    expect(r.perClass).toHaveLength(10);
    for (const a of r.perClass) {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(1);
    }
    expect(Math.min(...r.perClass)).toBeLessThanOrEqual(r.accuracy);
    expect(Math.max(...r.perClass)).toBeGreaterThanOrEqual(r.accuracy);
    expect(r.meanTrueProb).toBeGreaterThan(0.3); // 0.1 for a model that learned nothing
    expect(r.meanTrueProbWrong).toBeLessThan(r.meanTrueProb);
    expect(r.answered).toBeLessThanOrEqual(2000);
    expect(r.sureRight / r.answered).toBeGreaterThan(r.accuracy); // answering only when sure is more often right
    expect(r.worstMistake).not.toBeNull();
    expect(r.worstMistake!.predicted).not.toBe(r.worstMistake!.label);
    expect(isSvg(r.svgPath)).toBe(true);
  });
});
