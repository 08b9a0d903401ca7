/**
 * Example 0 — the activations and their derivatives, computed by the engine.
 *
 * What it teaches: every activation in actigrad carries its formula and its backward rule.
 * Here each one is evaluated on a grid, and f′ comes from `backward()` — the engine applying
 * the rule — never from a hand-written derivative. Compare the columns with the formulas.
 * Each is shown as a function of one number, as its definition's `curve` says: softmax and
 * logSoftmax on the 2-class slice a = [x, 0] (first output); maxout as the upper envelope of
 * its two pieces, the lines ±1.5x − 2.25.
 *
 *   npx tsx examples/00-activations.ts
 */
import { activations, tensor } from "../src/index.js";

export interface Row {
  name: string;
  x: number[];
  f: number[];
  df: number[];
}

/** f and f′ (by backward) of every activation on `grid`. */
export function main(opts: { grid?: number[]; print?: boolean } = {}): Row[] {
  const grid = opts.grid ?? [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3];
  const print = opts.print ?? true;
  const rows: Row[] = [];
  for (const [name, act] of Object.entries(activations)) {
    // One tensor holds the whole grid. `curve` is the activation as a function of one number:
    // f itself for the elementwise ones, output 0 of f([x, 0]) for softmax-like ones, and for
    // maxout the upper envelope of its pieces.
    const x = tensor(grid, { requiresGrad: true });
    const f = act.curve(x);
    f.sum().backward(); // each point's output depends only on its own x, so this gives f′ pointwise
    const df = Array.from(x.grad!.data);
    rows.push({ name, x: grid, f: Array.from(f.data), df });
    if (print) {
      console.log(`\n${name}\n  ${act.formula}\n  ${act.derivative}${act.note ? `   (${act.note})` : ""}`);
      console.log(`  ${"x".padStart(6)} ${"f(x)".padStart(10)} ${"f′(x)".padStart(10)}`);
      grid.forEach((v, i) => {
        console.log(`  ${v.toFixed(2).padStart(6)} ${f.data[i].toFixed(6).padStart(10)} ${df[i].toFixed(6).padStart(10)}`);
      });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
