/**
 * Example 0 — the activations and their derivatives, computed by the engine.
 *
 * What it teaches: every activation in actigrad carries its formula and its backward rule.
 * Here each one is evaluated on a grid, and f′ comes from `backward()` — the engine applying
 * the rule — never from a hand-written derivative. Compare the columns with the formulas.
 * softmax and logSoftmax are shown on the 2-class slice a = [x, 0] (first output); maxout on
 * the pair [x, x/2], whose max is x for x ≥ 0 and x/2 below.
 *
 *   npx tsx examples/00-activations.ts
 */
import { activations, tensor, type Tensor } from "../src/index.js";

/**
 * Each grid point x is fed to the activation as the row x·w (so softmax sees [x, 0] and maxout
 * [x, x/2]), and output 0 is plotted; f′ is then d(output 0)/dx, through the whole op.
 */
const slices: Record<keyof typeof activations, number[]> = {
  sigmoid: [1],
  tanh: [1],
  relu: [1],
  softplus: [1],
  softmax: [1, 0],
  logSoftmax: [1, 0],
  maxout: [1, 0.5],
};

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
    const w = slices[name as keyof typeof activations];
    // One tensor holds the whole grid: x is [points, 1], the activation's input [points, w.length].
    const x = tensor(
      grid.map((v) => [v]),
      { requiresGrad: true },
    );
    const a = x.matmul(tensor([w]));
    const y = name === "maxout" ? act.forward(a, 2) : (act.forward as (t: Tensor) => Tensor)(a);
    const first = tensor(y.shape[1] === 1 ? [1] : [1, 0]); // selects output 0 of each row
    const f = y.mul(first).sum(-1);
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
