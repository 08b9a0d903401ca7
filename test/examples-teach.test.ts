/** The teaching examples (5–9) run with small settings and produce their outputs. */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main as traceExample } from "../examples/05-trace-backward.js";
import { main as graphExample } from "../examples/06-graph.js";
import { main as jacobianExample } from "../examples/07-softmax-jacobian.js";
import { main as gallery } from "../examples/08-derivative-gallery.js";
import { main as claims } from "../examples/09-claims.js";
import { ALL_NAMES } from "./helpers.js";

const outDir = mkdtempSync(join(tmpdir(), "actigrad-teach-"));
const isSvg = (path: string) => existsSync(path) && /<svg[\s\S]*<\/svg>\s*$/.test(readFileSync(path, "utf8"));

describe("teaching examples", () => {
  it("5: the traces of a tiny expression and a two-layer network agree with backward()", () => {
    const r = traceExample({ print: false });
    expect(r.tiny.map((s) => s.op)).toEqual(["sigmoid", "add", "mul"]);
    expect(r.tiny[0].local.factors[0]!.item()).toBe(0.25); // σ′(0)
    expect(r.tinyError).toBe(0);
    expect(r.netError).toBeLessThan(1e-12);
    expect(r.net.map((s) => s.op)).toEqual(
      expect.arrayContaining(["div", "sum", "neg", "pick", "logSoftmax", "add", "matmul", "tanh"]),
    );
  });

  it("6: draws a small MLP's graph with every op, rendered to SVG by Graphviz (WebAssembly)", async () => {
    const r = await graphExample({ outDir, print: false });
    for (const op of ["matmul", "add", "tanh", "logSoftmax", "pick", "neg", "sum", "div"]) expect(r.dot).toContain(op);
    expect(r.nodes).toBeGreaterThanOrEqual(16); // 7 leaves and 9 ops (Linear: matmul + add)
    expect(isSvg(r.svgPath)).toBe(true);
    expect(readFileSync(r.svgPath, "utf8")).toContain("logSoftmax");
  });

  it("7: jacobian(softmax) by autograd equals S_i(δ_ij − S_j), symmetric, columns summing to 0", () => {
    const r = jacobianExample({ outDir, print: false, scores: [3, -1, 0.5] });
    expect(r.maxDiff).toBeLessThan(1e-15);
    expect(r.asym).toBeLessThan(1e-15);
    expect(r.colSum).toBeLessThan(1e-15);
    expect(isSvg(r.svgPath)).toBe(true);
  });

  it("8: the gallery's engine-made f′ and f″ match the closed forms (σ″ = σ′(1 − 2σ), tanh″ = −2 tanh (1 − tanh²))", () => {
    const r = gallery({ outDir, print: false, points: 21 });
    // Every row of the activations table, in its order: the built-ins (and any activation defined since).
    expect(r.curves.map((c) => c.name)).toEqual([...ALL_NAMES]);
    const sig = r.curves.find((c) => c.name === "sigmoid")!,
      th = r.curves.find((c) => c.name === "tanh")!;
    sig.x.forEach((_, i) => {
      const s = sig.f[i];
      expect(sig.d1[i]).toBeCloseTo(s * (1 - s), 14);
      expect(sig.d2[i]).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 14);
      const t = th.f[i];
      expect(th.d1[i]).toBeCloseTo(1 - t * t, 14);
      expect(th.d2[i]).toBeCloseTo(-2 * t * (1 - t * t), 14);
    });
    expect(Object.keys(r.errors)).toEqual(r.curves.map((c) => c.name)); // a closed form for each built-in
    for (const [name, err] of Object.entries(r.errors)) expect(err, name).toBeLessThan(1e-14);
    const maxout = r.curves.find((c) => c.name === "maxout")!;
    expect(new Set(maxout.d1)).toEqual(new Set([-1.5, 1.5])); // the slopes of its curve's two lines, ±1.5x − 2.25
    expect(maxout.d2.every((v) => v === 0)).toBe(true);
    expect([...r.svgPaths, r.pagePath].every(isSvg)).toBe(true);
    expect(readFileSync(r.htmlPath, "utf8")).toContain("σ′(x) = σ(x)(1 − σ(x))");
  });

  it("9: measures every claim and writes the verdict table and report", () => {
    const r = claims({ outDir, print: false, seeds: 2, steps: 40, fitSteps: 40, pieces: [1, 2] });
    expect(r.rows.map((x) => x.id)).toEqual(["1a", "1b", "2", "3", "4a", "4b", "4c", "5a", "5b", "5c", "5d", "6a", "6b"]);
    const verdict = Object.fromEntries(r.rows.map((x) => [x.id, x.verdict]));
    for (const id of ["1a", "1b", "2", "4a", "5a", "6b"]) expect(verdict[id], id).toBe("holds");
    expect(verdict["5d"]).toBe("partly"); // exact over [0, x]; over [x, 0] the tie at 0 sends the gradient to x
    expect(verdict["6a"]).toBe("partly"); // float64 rounds extreme softmax outputs to exactly 0 and 1
    expect(r.table.split("\n")).toHaveLength(2 + r.rows.length);
    expect(readFileSync(r.reportPath, "utf8")).toContain("| 6b | softmax outputs sum to 1 |");
    expect(Object.values(r.plots).every(isSvg)).toBe(true);
  });
});
