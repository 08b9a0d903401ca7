/**
 * Example 2 — the hidden activations compared on one task.
 *
 * What it teaches: the activation changes how fast a network learns, not just what it can
 * represent. The same MLP (2 → 32 → 32 → 3) learns the three-arm spiral with each hidden
 * activation — sigmoid, tanh, relu, softplus, and maxout with 2 pieces — from the same seeds,
 * with the same optimiser (Adam) and the same number of full-batch steps. It prints the steps
 * needed to reach a target loss and the final accuracy, averaged over several seeds, and
 * draws each one's decision boundary.
 *
 *   npx tsx examples/02-activations-compared.ts
 */
import { data, manualSeed, nn, noGrad, optim, tensor } from "../src/index.js";
import { argmaxRows } from "./01-iris.js";
import { boundaryMap, save } from "./lib/svg.js";

export const HIDDEN = ["sigmoid", "tanh", "relu", "softplus", "maxout"] as const;
export type Hidden = (typeof HIDDEN)[number];

/** 2 → width → width → classes, with `act` after each hidden layer. */
export function mlp(act: Hidden, width = 32, classes = 3): nn.Sequential {
  const layer = (inF: number): nn.Module[] => {
    if (act === "maxout") return [new nn.Maxout(inF, width, 2)];
    const Act = { sigmoid: nn.Sigmoid, tanh: nn.Tanh, relu: nn.ReLU, softplus: nn.Softplus }[act];
    return [new nn.Linear(inF, width), new Act()];
  };
  return new nn.Sequential(...layer(2), ...layer(width), new nn.Linear(width, classes));
}

export function main(opts: { steps?: number; seeds?: number; target?: number; outDir?: string; print?: boolean } = {}) {
  const { steps = 800, seeds = 3, target = 0.3, outDir = "out", print = true } = opts;
  const log = print ? console.log : () => {};
  const train = data.spiral({ n: 300, noise: 0.03, seed: 1 });
  const test = data.spiral({ n: 300, noise: 0.03, seed: 2 });
  log(
    `spiral, 3 classes: ${train.y.length} training / ${test.y.length} test points; Adam lr 0.01, ${steps} full-batch steps, ${seeds} seeds`,
  );
  const rows: { act: Hidden; stepsToTarget: number | null; reached: number; accuracy: number; finalLoss: number }[] = [];
  const svgPaths: string[] = [];
  for (const act of HIDDEN) {
    let stepSum = 0,
      reached = 0,
      accSum = 0,
      lossSum = 0;
    let model = mlp(act);
    for (let s = 0; s < seeds; s++) {
      manualSeed(s);
      model = mlp(act);
      const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
      let hit: number | null = null,
        loss = NaN;
      for (let step = 1; step <= steps; step++) {
        const l = nn.crossEntropy(model.forward(train.x), train.y);
        opt.zeroGrad();
        l.backward();
        opt.step();
        loss = l.item();
        if (hit === null && loss < target) hit = step;
      }
      if (hit !== null) (stepSum += hit), reached++;
      const pred = argmaxRows(noGrad(() => model.forward(test.x)));
      accSum += pred.filter((p, i) => p === test.y[i]).length / test.y.length;
      lossSum += loss;
    }
    rows.push({
      act,
      stepsToTarget: reached ? stepSum / reached : null,
      reached,
      accuracy: accSum / seeds,
      finalLoss: lossSum / seeds,
    });
    const classify = (grid: number[][]) => noGrad(() => model.forward(tensor(grid)).softmax(-1).toArray() as number[][]);
    svgPaths.push(
      save(
        `${outDir}/02-boundary-${act}.svg`,
        boundaryMap({ x: test.x.data, labels: test.y }, classify, { title: `hidden activation: ${act}` }),
      ),
    );
  }
  log(
    `\n  ${"activation".padEnd(11)}${`steps to loss < ${target}`.padStart(22)}${"final loss".padStart(12)}${"test accuracy".padStart(15)}`,
  );
  for (const r of rows) {
    const st =
      r.stepsToTarget === null
        ? "never"
        : `${r.stepsToTarget.toFixed(0)}${r.reached < seeds ? ` (${r.reached}/${seeds} seeds)` : ""}`;
    log(`  ${r.act.padEnd(11)}${st.padStart(22)}${r.finalLoss.toFixed(4).padStart(12)}${r.accuracy.toFixed(3).padStart(15)}`);
  }
  log(`\ndecision boundaries (last seed) written to ${outDir}/02-boundary-*.svg`);
  return { rows, svgPaths };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
