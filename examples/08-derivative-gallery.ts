/**
 * Example 8 — the derivative gallery: f, f′ and f″ of every activation, by the engine.
 *
 * What it teaches: how each activation bends, and what its derivatives look like. For every
 * entry of the `activations` table, f is evaluated on a grid, f′ comes from a backward sweep
 * and f″ from differentiating that sweep again (`grad` with `createGraph`) — nothing here is a
 * hand-written derivative; the closed forms are only used afterwards, to check. Read off:
 * σ′ peaks at 1/4, tanh′ at 1, relu′ is a step and relu″ is 0, softplus′ is σ, softmax's
 * 2-class slice S([x, 0])₀ is σ(x), and maxout is piecewise linear: the max of two lines,
 * whose f′ jumps between their slopes and whose f″ is 0.
 *
 *   npx tsx examples/08-derivative-gallery.ts
 */
import { activations, grad, tensor, type Tensor } from "../src/index.js";
import { grid, lineChart, palette, save, type Series } from "./lib/svg.js";

type Name = (typeof NAMES)[number];
const NAMES = ["sigmoid", "tanh", "relu", "softplus", "softmax", "logSoftmax", "maxout"] as const;
export interface Curve {
  name: Name;
  x: number[];
  f: number[];
  d1: number[];
  d2: number[];
}

/** Maxout's picture: the max of the lines 0.5x + 1 and −x (a kink at x = −2/3). */
const LINES = { w: [0.5, -1], b: [1, 0] };

/** Output 0 of the activation at each grid point, fed as a row: [x] alone, [x, 0] for softmax, two lines for maxout. */
function f0(name: Name, x: Tensor): Tensor {
  const col = x.reshape([-1, 1]);
  if (name === "maxout")
    return col
      .matmul(tensor([LINES.w]))
      .add(tensor(LINES.b))
      .maxout(2)
      .reshape([-1]);
  if (name === "softmax" || name === "logSoftmax") {
    const a = col.matmul(tensor([[1, 0]])); // the 2-class slice a = [x, 0]
    return activations[name]
      .forward(a)
      .mul(tensor([1, 0]))
      .sum(-1);
  }
  return activations[name].forward(x);
}

/** f, f′ (a backward sweep) and f″ (grad of that sweep, with createGraph) on `xs`. */
export function curve(name: Name, xs: number[]): Curve {
  const x = tensor(xs, { requiresGrad: true });
  const y = f0(name, x);
  // Each point's output depends on its own x only, so the gradient of the sum is f′ pointwise.
  const [d1] = grad(y.sum(), [x], { createGraph: true });
  const [d2] = grad(d1.sum(), [x]);
  return { name, x: xs, f: Array.from(y.data), d1: Array.from(d1.data), d2: Array.from(d2.data) };
}

const SLICE_NOTES: Partial<Record<Name, string>> = {
  softmax: "on this slice S₀ = σ(x), so f′ = σ′ and f″ = σ″",
  logSoftmax: "on this slice y₀ = log σ(x), so f′ = 1 − σ(x) and f″ = −σ′(x)",
  maxout: "max(0.5x + 1, −x): f′ is the winning line's slope, f″ = 0",
};

const sig = (x: number) => 1 / (1 + Math.exp(-x));
/** The closed forms of f″, used only to check the engine's curves. */
export const secondDerivative: Record<Name, (x: number) => number> = {
  sigmoid: (x) => sig(x) * (1 - sig(x)) * (1 - 2 * sig(x)),
  tanh: (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2),
  relu: () => 0,
  softplus: (x) => sig(x) * (1 - sig(x)),
  softmax: (x) => sig(x) * (1 - sig(x)) * (1 - 2 * sig(x)),
  logSoftmax: (x) => -sig(x) * (1 - sig(x)),
  maxout: () => 0,
};

export function main(opts: { points?: number; outDir?: string; print?: boolean } = {}) {
  const { points = 201, outDir = "out", print = true } = opts;
  const log = print ? console.log : () => {};
  const xs = Array.from({ length: points }, (_, i) => -5 + (10 * i) / (points - 1));
  const curves: Curve[] = [],
    svgs: string[] = [],
    svgPaths: string[] = [],
    errors: Record<string, number> = {};
  log(`${"activation".padEnd(12)}${"max f′".padStart(9)}${"at x".padStart(8)}   max |f″ − closed form| over ${points} points`);
  for (const name of NAMES) {
    const spec = activations[name];
    const c = curve(name, xs);
    curves.push(c);
    errors[name] = Math.max(...xs.map((x, i) => Math.abs(c.d2[i] - secondDerivative[name](x))));
    const peak = c.d1.indexOf(Math.max(...c.d1));
    log(
      `${name.padEnd(12)}${c.d1[peak].toFixed(4).padStart(9)}${xs[peak].toFixed(2).padStart(8)}   ${errors[name].toExponential(1)}`,
    );
    const series: Series[] =
      name !== "maxout"
        ? []
        : ["line 1: 0.5x + 1", "line 2: −x"].map((label, k) => ({
            name: label,
            x: xs,
            y: xs.map((x) => LINES.w[k] * x + LINES.b[k]),
            dashed: true,
            color: k ? "#bbb" : "#888",
          }));
    series.push(
      { name: "f", x: xs, y: c.f, color: palette[0] },
      { name: "f′ (backward)", x: xs, y: c.d1, color: palette[1] },
      { name: "f″ (grad of grad)", x: xs, y: c.d2, color: palette[2] },
    );
    const slice =
      name === "softmax" || name === "logSoftmax"
        ? " — 2-class slice a = [x, 0], output 0"
        : name === "maxout"
          ? " — max of two lines"
          : "";
    const {
      formula,
      derivative,
      secondDerivative: d2text,
      note,
    } = spec as { formula: string; derivative: string; secondDerivative?: string; note?: string };
    const notes = [formula, derivative, d2text, note, SLICE_NOTES[name]].filter((t): t is string => t !== undefined);
    const svg = lineChart(series, { title: `${name}${slice}`, xLabel: "x", width: 560, height: 320, notes });
    svgs.push(svg);
    svgPaths.push(save(`${outDir}/08-gallery-${name}.svg`, svg));
  }
  const pagePath = save(
    `${outDir}/08-gallery.svg`,
    grid(svgs, { cols: 2, title: "f, f′ and f″ of every activation, f′ and f″ computed by the engine" }),
  );
  const html = `<!doctype html><meta charset="utf-8"><title>actigrad derivative gallery</title>\n<h1>f, f′ and f″, computed by actigrad</h1>\n${svgs.map((s) => `<figure>${s}</figure>`).join("\n")}\n`;
  const htmlPath = save(`${outDir}/08-gallery.html`, html);
  log(`\none SVG per activation in ${outDir}/08-gallery-*.svg; all together in ${pagePath} and ${htmlPath}`);
  return { curves, errors, svgPaths, pagePath, htmlPath };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
