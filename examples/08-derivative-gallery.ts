/**
 * Example 8 — the derivative gallery: f, f′ and f″ of every activation, by the engine.
 *
 * What it teaches: how each activation bends, and what its derivatives look like. The loop
 * runs over `Object.values(activations)` — every built-in and any activation you define with
 * `defineActivation` — and asks `gallery(act, xs)` for f on a grid, f′ from a backward sweep
 * and f″ from differentiating that sweep again (`grad` with `createGraph`). Nothing here is a
 * hand-written derivative: the text on each chart is the definition's own, and the closed forms
 * below are only an independent check, kept for the activations that have one ("—" otherwise).
 * Read off: σ′ peaks at 1/4, tanh′ at 1, relu′ is a step and relu″ is 0, softplus′ is σ, gelu
 * and silu dip below 0, and softmax drawn as a function of one number — output 0 of f([x, 0])
 * — is σ(x). Maxout's curve is the max of two lines, so f′ jumps between their slopes and f″ = 0.
 *
 *   npx tsx examples/08-derivative-gallery.ts
 */
import { type Activation, activations, type GalleryRow, gallery } from "../src/index.js";
import { grid, lineChart, palette, save } from "./lib/svg.js";

export type Curve = GalleryRow;

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const dsig = (x: number) => sig(x) * (1 - sig(x));
const phi = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
/**
 * f″ in closed form at the definitions' default arguments, for the activations that have one:
 * the example's own check of the engine's curves (never used to draw them).
 */
export const secondDerivative: Record<string, (x: number) => number> = {
  sigmoid: (x) => dsig(x) * (1 - 2 * sig(x)),
  tanh: (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2),
  relu: () => 0,
  softplus: dsig,
  softmax: (x) => dsig(x) * (1 - 2 * sig(x)), // output 0 of softmax([x, 0]) is σ(x)
  logSoftmax: (x) => -dsig(x), // … and of logSoftmax([x, 0]) is log σ(x)
  maxout: () => 0, // piecewise linear
  leakyRelu: () => 0,
  elu: (x) => (x > 0 ? 0 : Math.exp(x)), // alpha = 1
  gelu: (x) => (2 - x * x) * phi(x),
  silu: (x) => dsig(x) * (2 + x * (1 - 2 * sig(x))),
};

/** What the curve of a non-elementwise activation is: it is drawn as a function of one number. */
function howDrawn(act: Activation): string | undefined {
  if (act.kind === "vector") return "drawn as output 0 of f([x, 0]): a function of one number";
  if (act.kind === "groups") return "drawn by its definition's curve, a function of one number";
  return undefined;
}

export function main(opts: { points?: number; outDir?: string; print?: boolean } = {}) {
  const { points = 201, outDir = "out", print = true } = opts;
  const log = print ? console.log : () => {};
  const xs = Array.from({ length: points }, (_, i) => -5 + (10 * i) / (points - 1));
  const curves: Curve[] = [],
    svgs: string[] = [],
    svgPaths: string[] = [],
    errors: Record<string, number> = {};
  const table = [
    `${"activation".padEnd(12)}${"max f′".padStart(9)}${"at x".padStart(8)}   ${"|f″ − closed form|".padEnd(20)}f′ (the definition's text)`,
  ];
  for (const act of Object.values(activations)) {
    const c = gallery(act, xs); // f, f′ and f″ by autograd, at the default arguments
    curves.push(c);
    const closed = Object.hasOwn(secondDerivative, act.name) ? secondDerivative[act.name] : undefined;
    if (closed) errors[act.name] = Math.max(...xs.map((x, i) => Math.abs(c.d2[i] - closed(x))));
    const peak = c.d1.indexOf(Math.max(...c.d1));
    const check = closed ? errors[act.name].toExponential(1) : "—";
    table.push(
      `${act.name.padEnd(12)}${c.d1[peak].toFixed(4).padStart(9)}${xs[peak].toFixed(2).padStart(8)}   ${check.padEnd(20)}${act.derivative}`,
    );
    const notes = [act.formula, act.derivative, act.secondDerivative, act.note, howDrawn(act)].filter(
      (t): t is string => t !== undefined,
    );
    const series = [
      { name: "f", x: xs, y: c.f, color: palette[0] },
      { name: "f′ (backward)", x: xs, y: c.d1, color: palette[1] },
      { name: "f″ (grad of grad)", x: xs, y: c.d2, color: palette[2] },
    ];
    const svg = lineChart(series, { title: act.name, xLabel: "x", width: 560, height: 320, notes });
    svgs.push(svg);
    svgPaths.push(save(`${outDir}/08-gallery-${act.name}.svg`, svg));
  }
  const pagePath = save(
    `${outDir}/08-gallery.svg`,
    grid(svgs, { cols: 2, title: "f, f′ and f″ of every activation, f′ and f″ computed by the engine" }),
  );
  const html = `<!doctype html><meta charset="utf-8"><title>actigrad derivative gallery</title>\n<h1>f, f′ and f″, computed by actigrad</h1>\n${svgs.map((s) => `<figure>${s}</figure>`).join("\n")}\n`;
  const htmlPath = save(`${outDir}/08-gallery.html`, html);
  log(table.join("\n"));
  log(`\n${curves.length} activations; f″ checked against a closed form over ${points} points where one is given ("—": none)`);
  log(`one SVG per activation in ${outDir}/08-gallery-*.svg; all together in ${pagePath} and ${htmlPath}`);
  return { curves, errors, table, svgPaths, pagePath, htmlPath };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
