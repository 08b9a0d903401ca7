/**
 * Example 9 — the derivation's claims, measured.
 *
 * What it teaches: a textbook claim about an activation is a hypothesis; the engine can test
 * it. Six claims of the derivation are checked with numbers, averaged over seeds, and each
 * gets a verdict — including where it does not hold as stated. Derivatives come from the
 * engine (backward, grad of grad), never from the formulas being tested. The verdict table is
 * printed and written, with plots, to out/09-claims.md.
 *
 *   npx tsx examples/09-claims.ts
 */
import { manualSeed, rand, relu, sigmoid, softplus, tensor } from "../src/index.js";
import { layerGradNorms } from "./04-vanishing-gradients.js";
import {
  activationThroughput,
  chainGradient,
  derivativeOnGrid,
  extremeScores,
  maxoutFits,
  maxoutShape,
  mean,
  randomScores,
  reluVsMaxout,
  softmaxBounds,
  softmaxFloatLimits,
  trainSpiral,
  type Act,
  type Run,
} from "./lib/claims.js";
import { lineChart, save } from "./lib/svg.js";

export interface Row {
  id: string;
  claim: string;
  measurement: string;
  verdict: "holds" | "does not hold" | "partly";
}
const e = (v: number, d = 1) => (v === 0 ? "0" : v.toExponential(d).replace("e+0", "").replace("e+", "e"));
const f = (v: number, d = 3) => v.toFixed(d);
const n = (v: number) => v.toLocaleString("en-US");
const cell = (t: string) => t.replace(/\|/g, "\\|"); // a | inside a Markdown table cell must be escaped

export function main(
  opts: {
    seeds?: number;
    steps?: number;
    target?: number;
    fitSteps?: number;
    pieces?: number[];
    outDir?: string;
    print?: boolean;
  } = {},
) {
  const {
    seeds = 10,
    steps = 500,
    target = 0.5,
    fitSteps = 1000,
    pieces = [1, 2, 3, 4, 6, 8],
    outDir = "out",
    print = true,
  } = opts;
  const log = print ? console.log : () => {};
  const S = Array.from({ length: seeds }, (_, i) => i);
  const rows: Row[] = [];
  const add = (id: string, claim: string, measurement: string, ok: boolean | "partly") =>
    rows.push({ id, claim, measurement, verdict: ok === "partly" ? "partly" : ok ? "holds" : "does not hold" });

  // 1. σ′ ≤ 1/4 at 0, so stacked sigmoid layers shrink gradients.
  const sg = derivativeOnGrid(sigmoid, -10, 10, 20001);
  const peak = sg.df.indexOf(Math.max(...sg.df));
  add(
    "1a",
    "σ′ is at most 0.25, reached at x = 0",
    `max σ′ = ${sg.df[peak]} at x = ${sg.xs[peak]} (20,001-point grid on [−10, 10], by backward)`,
    sg.df[peak] <= 0.25 && Math.abs(sg.xs[peak]) < 1e-9,
  );
  const norms: Record<string, number[]> = {};
  for (const act of ["sigmoid", "tanh", "relu"] as const) {
    const per = S.map((s) => layerGradNorms(act, s));
    norms[act] = per[0].map((_, l) => mean(per.map((p) => p[l])));
  }
  const ratio = (a: string) => norms[a][0] / norms[a][norms[a].length - 1];
  const perLayer = ratio("sigmoid") ** (1 / (norms.sigmoid.length - 1));
  add(
    "1b",
    "so stacked sigmoid layers shrink gradients",
    `‖∂L/∂W‖ first/last layer, 8-layer MLP at init: sigmoid ${e(ratio("sigmoid"))} (×${f(perLayer, 2)} per layer), tanh ${f(ratio("tanh"), 2)}, relu ${f(ratio("relu"), 2)}`,
    ratio("sigmoid") < 0.1 * Math.min(ratio("tanh"), ratio("relu")),
  );

  // 2. relu′ = 1 for x > 0: no vanishing there.
  let ones = 0,
    total = 0;
  const chains: Record<string, number[]> = { relu: [], sigmoid: [], tanh: [] };
  for (const s of S) {
    manualSeed(s);
    const x = rand([100_000], { low: -300, high: 300 }).data.map((u) => 10 ** u); // 1e-300 … 1e300
    const g = chainGradient(relu, 1, tensor(Array.from(x)));
    ones += g.filter((v) => v === 1).length;
    total += g.length;
    const x0 = rand([1000], { low: 0.1, high: 3 });
    chains.relu.push(mean(chainGradient(relu, 50, x0)));
    chains.sigmoid.push(mean(chainGradient(sigmoid, 50, x0)));
    chains.tanh.push(mean(chainGradient((t) => t.tanh(), 50, x0)));
  }
  add(
    "2",
    "relu′ = 1 for every x > 0, so no vanishing gradient there",
    `relu′ = 1 exactly for ${n(ones)}/${n(total)} positive inputs in [1e-300, 1e300]; through 50 stacked relus ∂/∂x = ${mean(chains.relu)} (sigmoid ${e(mean(chains.sigmoid))}, tanh ${e(mean(chains.tanh))})`,
    ones === total && mean(chains.relu) === 1,
  );

  // 3 and 4b, 4c: steps to a target loss and time per step, same task, init and optimiser.
  const acts: Act[] = ["sigmoid", "tanh", "relu", "softplus"];
  const runs: Run[] = [];
  for (const s of S) for (const act of acts) runs.push(trainSpiral(act, s, steps, target));
  const of = (act: Act) => runs.filter((r) => r.act === act);
  const stepsTo = (act: Act) => mean(of(act).map((r) => r.hit ?? steps + 1)); // a miss counts as steps + 1 (a lower bound)
  const reached = (act: Act) => of(act).filter((r) => r.hit !== null).length;
  const finalLoss = (act: Act) => mean(of(act).map((r) => r.losses[r.losses.length - 1]));
  const stepText = (act: Act) =>
    `${act} ${stepsTo(act).toFixed(0)}${reached(act) < seeds ? ` (${reached(act)}/${seeds} reached)` : ""}`;
  add(
    "3",
    "relu networks converge much faster than sigmoid or tanh ones",
    `steps to loss < ${target} (spiral, 2-32-32-3, Xavier init for all, Adam): ${["relu", "tanh", "sigmoid"].map((a) => stepText(a as Act)).join(", ")}; relu is ${f(stepsTo("tanh") / stepsTo("relu"), 1)}× faster than tanh, ${f(stepsTo("sigmoid") / stepsTo("relu"), 1)}× than sigmoid; loss at step ${steps}: ${["relu", "tanh", "sigmoid"].map((a) => `${a} ${f(finalLoss(a as Act))}`).join(", ")}`,
    stepsTo("relu") * 2 <= Math.min(stepsTo("tanh"), stepsTo("sigmoid")),
  );

  // 4. softplus: a smooth relu with derivative σ, slower to converge, dearer to compute.
  const sp = derivativeOnGrid(softplus, -10, 10, 2001);
  const sigOnGrid = Array.from(sigmoid(tensor(sp.xs)).data);
  const dMax = Math.max(...sp.df.map((v, i) => Math.abs(v - sigOnGrid[i])));
  const gap = sp.f.map((v, i) => v - Math.max(sp.xs[i], 0));
  add(
    "4a",
    "softplus is a smooth relu whose derivative is σ",
    `max |softplus′ − σ| = ${e(dMax)} (backward, 2,001 points); softplus − relu is largest at 0 (${f(Math.max(...gap), 4)} = log 2) and ${e(gap[0])} at |x| = 10`,
    dMax < 1e-15 && Math.abs(Math.max(...gap) - Math.LN2) < 1e-12,
  );
  add(
    "4b",
    "softplus converges more slowly than relu",
    `steps to loss < ${target}: ${stepText("softplus")} vs ${stepText("relu")}`,
    stepsTo("softplus") > stepsTo("relu"),
  );
  const thr: Record<string, number[]> = { relu: [], softplus: [] };
  for (const s of S) {
    manualSeed(s);
    thr.relu.push(activationThroughput(relu, 1 << 18, 5));
    thr.softplus.push(activationThroughput(softplus, 1 << 18, 5));
  }
  const ms = (act: Act) => mean(of(act).map((r) => r.msPerStep));
  add(
    "4c",
    "softplus costs more to compute than relu",
    `activation alone, forward + backward: softplus ${f(mean(thr.softplus), 1)} vs relu ${f(mean(thr.relu), 1)} M elements/s; whole training step: ${f(ms("softplus"), 2)} vs ${f(ms("relu"), 2)} ms`,
    mean(thr.softplus) < mean(thr.relu),
  );

  // 5. maxout: piecewise linear, more pieces fit better, relu a special case.
  const shapes = S.map((s) => maxoutShape(4, s));
  add(
    "5a",
    "maxout is piecewise linear",
    `random 4-piece units: f′ takes at most ${Math.max(...shapes.map((r) => r.slopes))} distinct values on 2,001 points, max |f″| = ${Math.max(...shapes.map((r) => r.maxD2))} (grad of grad)`,
    shapes.every((r) => r.slopes <= 4 && r.maxD2 === 0),
  );
  const fits = pieces.map((k) => S.map((s) => maxoutFits(k, s, fitSteps)));
  const unit = fits.map((fs) => mean(fs.map((r) => r.unit))),
    net = fits.map((fs) => mean(fs.map((r) => r.net)));
  const decreasing = (v: number[]) => v.every((x, i) => i === 0 || x < v[i - 1]);
  const list = (v: number[]) => pieces.map((k, i) => `${k}: ${e(v[i])}`).join(", ");
  add("5b", "more pieces fit better (one maxout unit, x² on [−2, 2])", `MSE by pieces — ${list(unit)}`, decreasing(unit));
  const stall = decreasing(net)
    ? ""
    : `; no steady gain after ${pieces[net.findIndex((v, i) => i > 0 && v >= net[i - 1]) - 1]} pieces`;
  add(
    "5c",
    "more pieces fit better (a 16-unit maxout layer, sin 2x)",
    `MSE by pieces — ${list(net)}${stall}`,
    decreasing(net) ? true : net[1] < net[0] ? "partly" : false,
  );
  manualSeed(0);
  const xs = [0, -0, 1e-300, -1e-300, ...Array.from(rand([10_000], { low: -5, high: 5 }).data)];
  const rm = reluVsMaxout(xs);
  add(
    "5d",
    "relu is a special case of maxout: maxout over [x, 0], exactly",
    `values equal at all ${n(xs.length)} inputs (${rm.valueDiffs} differ); gradients: over [x, 0] ${rm.gradDiffsXFirst} differ (at x = ${rm.gradDiffsAt.join(", ")}: the tie goes to x, so 1, while relu′(0) = 0); over [0, x] ${rm.gradDiffsZeroFirst} differ`,
    rm.valueDiffs > 0 ? false : rm.gradDiffsXFirst === 0 ? true : rm.gradDiffsZeroFirst === 0 ? "partly" : false,
  );

  // 6. softmax outputs lie in (0, 1) and sum to 1.
  const rnd = S.flatMap(
    (s) => (manualSeed(s), [softmaxBounds(randomScores(1000, 10, 1)), softmaxBounds(randomScores(1000, 10, 10))]),
  );
  const ext = S.map((s) => (manualSeed(s), softmaxBounds(extremeScores(100))));
  const lim = softmaxFloatLimits();
  const inside = rnd.every((r) => r.min > 0 && r.max < 1);
  add(
    "6a",
    "softmax outputs lie in (0, 1)",
    `random scores (${n(rnd.length * 10_000)} outputs): all in (0, 1), min ${e(Math.min(...rnd.map((r) => r.min)))}; extreme scores: ${n(ext.reduce((a, r) => a + r.atBounds, 0))}/${n(ext.reduce((a, r) => a + r.total, 0))} outputs are exactly 0 or 1 — in float64 softmax([d, 0]) = 1 from d = ${f(lim.one, 1)}, and its 2nd output is 0 from d = ${f(lim.zero, 1)}`,
    inside && ext.every((r) => r.atBounds === 0) ? true : inside ? "partly" : false,
  );
  const worst = Math.max(...rnd.map((r) => r.worst), ...ext.map((r) => r.worst));
  add(
    "6b",
    "softmax outputs sum to 1",
    `max |Σ S − 1| = ${e(worst)} over every random and extreme row`,
    worst <= 8 * Number.EPSILON,
  );

  // The table, the plots and the report.
  const table = [
    "| # | claim | measurement | verdict |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.id} | ${cell(r.claim)} | ${cell(r.measurement)} | **${r.verdict}** |`),
  ].join("\n");
  log(`The derivation's claims, measured (${seeds} seeds)\n`);
  for (const r of rows) log(`${r.id.padEnd(3)} ${r.verdict.toUpperCase().padEnd(14)} ${r.claim}\n      ${r.measurement}`);
  const plots = {
    gradnorms: save(
      `${outDir}/09-claim1-gradnorms.svg`,
      lineChart(
        Object.entries(norms).map(([name, v]) => ({ name, x: v.map((_, i) => i + 1), y: v })),
        { title: `‖∂L/∂W‖ per layer at init (mean of ${seeds} seeds)`, xLabel: "layer (1 = input side)", logY: true },
      ),
    ),
    loss: save(
      `${outDir}/09-claim3-loss.svg`,
      lineChart(
        acts.map((a) => ({
          name: a,
          x: of(a)[0].losses.map((_, i) => i + 1),
          y: of(a)[0].losses.map((_, i) => mean(of(a).map((r) => r.losses[i]))),
        })),
        { title: `training loss, spiral (mean of ${seeds} seeds)`, xLabel: "step", logY: true },
      ),
    ),
    maxout: save(
      `${outDir}/09-claim5-maxout.svg`,
      lineChart(
        [
          { name: "1 unit, x²", x: pieces, y: unit },
          { name: "16 units, sin 2x", x: pieces, y: net },
        ],
        { title: `maxout fit vs pieces (mean of ${seeds} seeds)`, xLabel: "pieces", yLabel: "MSE", logY: true },
      ),
    ),
  };
  const legend =
    "**holds**: the measurement agrees with the claim as stated; **partly**: it agrees only under the condition the measurement names; **does not hold**: it disagrees.";
  const md = `# The derivation's claims, measured\n\n${seeds} seeds; \`npx tsx examples/09-claims.ts\`. ${legend}\n\n${table}\n\n![gradient norm per layer](09-claim1-gradnorms.svg)\n\n![training loss](09-claim3-loss.svg)\n\n![maxout fit](09-claim5-maxout.svg)\n`;
  const reportPath = save(`${outDir}/09-claims.md`, md);
  log(`\nreport written to ${reportPath}`);
  return { rows, table, reportPath, plots };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
