/**
 * Example 12 (a CNN on MNIST) runs tiny: a few hundred training digits, one epoch, no MLP run;
 * it builds the model of its header, beats chance by far, prints a line per epoch and writes
 * its two figures.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main, makeCnn } from "../examples/12-mnist-cnn.js";

const outDir = mkdtempSync(join(tmpdir(), "actigrad-example-cnn-"));
const isSvg = (path: string) => existsSync(path) && /^<svg[\s\S]*<\/svg>\s*$/.test(readFileSync(path, "utf8"));

afterEach(() => vi.restoreAllMocks());

describe("example 12: a small CNN on MNIST", () => {
  it("is the model of the header: two conv + relu + max-pool rounds, then an MLP head; 52,138 parameters", () => {
    const model = makeCnn();
    expect(model.layers.map((m) => m.constructor.name)).toEqual([
      "Conv2d",
      "ReLU",
      "MaxPool2d",
      "Conv2d",
      "ReLU",
      "MaxPool2d",
      "Flatten",
      "Linear",
      "ReLU",
      "Linear",
    ]);
    expect(model.parameters().reduce((n, p) => n + p.size, 0)).toBe(52_138);
    expect(model.parameters().every((p) => p.dtype === "float32")).toBe(true);
  });

  it("trains on 400 digits for one epoch, beats chance by far, prints its progress and writes the figures", () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
    const r = main({ limit: 400, testLimit: 400, epochs: 1, compareMlp: false, outDir });
    expect(r.accuracies).toHaveLength(1);
    expect(r.accuracy).toBeGreaterThan(0.3); // chance is 0.1
    expect(r.losses[0]).toBeLessThan(Math.log(10)); // below the loss of a uniform guess
    expect(r.mlp).toBeNull();
    expect(lines.some((l) => /^MNIST: 400 training \/ 400 test digits; CNN \(52,138 parameters\)/.test(l))).toBe(true);
    expect(lines.some((l) => /epoch 1\/1 {2}loss \d\.\d{4} {2}test accuracy 0\.\d{4} .* samples\/s .* s$/.test(l))).toBe(true);
    expect(lines.some((l) => /^\nCNN: test accuracy 0\.\d{4} on 400 digits .*training \d+\.\d s/.test(l))).toBe(true);
    expect(r.svgPaths).toHaveLength(2);
    expect(r.svgPaths.every(isSvg)).toBe(true);
  });
});
