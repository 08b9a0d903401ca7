/**
 * Losses, each the mean over the batch by default (`reduction: "sum" | "none"` also work).
 *
 *   crossEntropy(z, y) = −(1/N) Σ_n logSoftmax(z_n)[y_n]     ∂/∂z = (softmax(z) − onehot(y)) / N
 *   nllLoss(l, y)      = −(1/N) Σ_n l_n[y_n]                  (l: log-probabilities)
 *   mseLoss(p, t)      = mean((p − t)²)
 *   bceWithLogits(z, t) = mean(softplus(z) − z·t)              = mean(−t log σ(z) − (1 − t) log(1 − σ(z)))
 *
 * Cross-entropy goes through log-softmax, never log(softmax): log(softmax(z)) underflows to
 * log(0) = −∞ for a logit 750 below the max, log-softmax just returns the (finite) difference.
 */
import { fmt, sameShape } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { expectTensor, mul, sub } from "../ops/arithmetic.js";
import { takeFlat } from "../ops/flat.js";
import { logSoftmax } from "../ops/logSoftmax.js";
import { softplus } from "../ops/softplus.js";

/**
 * How a loss combines the per-sample losses: their mean (default), their sum, or none (one per sample).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const reductions: nn.Reduction[] = ["mean", "sum", "none"];
 * for (const reduction of reductions) {
 *   console.log(reduction, nn.mseLoss(tensor([1, 2, 3]), tensor([1, 0, 5]), { reduction }).toString());
 * }
 * ```
 * ```text
 * mean tensor(2.6667, dtype=float64)
 * sum tensor(8, dtype=float64)
 * none tensor([0, 4, 4], dtype=float64)
 * ```
 */
export type Reduction = "mean" | "sum" | "none";
/**
 * Class labels: an array of class indices, an Int32Array, or a tensor of indices.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const labels: nn.Labels = new Int32Array([2, 0]);
 * console.log(nn.crossEntropy(tensor([[0, 0, 1], [3, 0, 0]]), labels).toString());
 * ```
 * ```text
 * tensor(0.3232, dtype=float64)
 * ```
 */
export type Labels = readonly number[] | Int32Array | Tensor;

function reduce(losses: Tensor, reduction: Reduction, op: string): Tensor {
  if (reduction === "none") return losses;
  if (reduction === "sum") return losses.sum();
  if (reduction === "mean") return losses.mean();
  throw new RangeError(`${op}: reduction must be "mean", "sum" or "none", got ${JSON.stringify(reduction)}`);
}

/** Flat indices n·C + y_n of each sample's label, after checking every label. */
function labelIndices(op: string, scores: Tensor, labels: Labels): Int32Array {
  expectTensor(scores, op, "the scores");
  if (scores.ndim !== 2) {
    throw new RangeError(`${op}: expected scores of shape [batch, classes], got ${fmt(scores.shape)}`);
  }
  const [n, c] = scores.shape;
  const values: ArrayLike<number> = labels instanceof Tensor ? labels.data : labels;
  if (values === null || typeof values !== "object" || typeof values.length !== "number") {
    throw new TypeError(`${op}: labels must be an array of class indices, got ${values === null ? "null" : typeof values}`);
  }
  if (values.length !== n) {
    throw new RangeError(`${op}: got ${values.length} labels for a batch of ${n} (scores ${fmt(scores.shape)})`);
  }
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = values[i];
    if (typeof y !== "number" || !Number.isInteger(y) || y < 0 || y >= c) {
      throw new RangeError(`${op}: label ${String(y)} at index ${i} is not a class index in [0, ${c - 1}]`);
    }
    idx[i] = i * c + y;
  }
  return idx;
}

/**
 * Mean negative log-likelihood of the labels, from log-probabilities of shape [batch, classes]:
 * nllLoss(l, y) = −(1/N) Σₙ lₙ[yₙ]; ∂/∂lₙ[yₙ] = −1/N, 0 elsewhere.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const logProbs = tensor([[2, 0, -1], [0.5, 1.5, 0]]).logSoftmax(1);
 * console.log(nn.nllLoss(logProbs, [0, 1]).toString()); // the same as crossEntropy on the logits
 * ```
 * ```text
 * tensor(0.3171, dtype=float64)
 * ```
 */
export function nllLoss(logProbs: Tensor, labels: Labels, opts: { reduction?: Reduction } = {}): Tensor {
  const idx = labelIndices("nllLoss", logProbs, labels);
  return reduce(takeFlat(logProbs, idx, [idx.length], "pick").neg(), opts.reduction ?? "mean", "nllLoss");
}

/**
 * Softmax cross-entropy from raw scores (logits) of shape [batch, classes], fused through log-softmax:
 * crossEntropy(z, y) = −(1/N) Σₙ logSoftmax(zₙ)[yₙ]; ∂/∂z = (softmax(z) − onehot(y)) / N.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const logits = tensor([[2, 0, -1], [0.5, 1.5, 0]], { requiresGrad: true });
 * const loss = nn.crossEntropy(logits, [0, 1]);
 * loss.backward(); // ∂loss/∂logits = (softmax(logits) − onehot(labels)) / 2
 * console.log(loss.item().toFixed(4), logits.grad?.toString());
 * ```
 * ```text
 * 0.3171 tensor([[-0.0781, 0.0571, 0.021], [0.1156, -0.1857, 0.0701]], dtype=float64)
 * ```
 */
export function crossEntropy(logits: Tensor, labels: Labels, opts: { reduction?: Reduction } = {}): Tensor {
  const idx = labelIndices("crossEntropy", logits, labels);
  return reduce(takeFlat(logSoftmax(logits, -1), idx, [idx.length], "pick").neg(), opts.reduction ?? "mean", "crossEntropy");
}

function sameShapes(op: string, a: Tensor, b: Tensor, what: string): void {
  expectTensor(a, op, "the prediction");
  expectTensor(b, op, what);
  if (!sameShape(a.shape, b.shape)) {
    throw new RangeError(`${op}: prediction of shape ${fmt(a.shape)} and ${what} of shape ${fmt(b.shape)} must match`);
  }
}

/**
 * Mean squared error: mseLoss(p, t) = mean((p − t)²); ∂/∂p = 2(p − t) / n, n the number of elements.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const pred = tensor([1, 2, 3], { requiresGrad: true });
 * const loss = nn.mseLoss(pred, tensor([1, 0, 3])); // (0² + 2² + 0²) / 3
 * loss.backward();
 * console.log(loss.item().toFixed(4), pred.grad?.toString());
 * ```
 * ```text
 * 1.3333 tensor([0, 1.3333, 0], dtype=float64)
 * ```
 */
export function mseLoss(pred: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  sameShapes("mseLoss", pred, target, "target");
  const d = sub(pred, target);
  return reduce(mul(d, d), opts.reduction ?? "mean", "mseLoss");
}

/**
 * Binary cross-entropy from logits, stable for any logit: softplus(z) − z·t. Targets in [0, 1].
 * That is −t log σ(z) − (1 − t) log(1 − σ(z)); ∂/∂z = (σ(z) − t) / n with the mean.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const logits = tensor([0, 2, -30]);
 * console.log(nn.bceWithLogits(logits, tensor([1, 0, 0]), { reduction: "none" }).toString());
 * ```
 * ```text
 * tensor([6.9315e-01, 2.1269e+00, 9.3576e-14], dtype=float64)
 * ```
 */
export function bceWithLogits(logits: Tensor, targets: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  sameShapes("bceWithLogits", logits, targets, "targets");
  const t = targets.data;
  for (let i = 0; i < t.length; i++) {
    if (!(t[i] >= 0 && t[i] <= 1)) {
      throw new RangeError(`bceWithLogits: target ${t[i]} at index ${i} is not in [0, 1]`);
    }
  }
  return reduce(sub(softplus(logits), mul(logits, targets)), opts.reduction ?? "mean", "bceWithLogits");
}
