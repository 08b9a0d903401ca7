/**
 * Classification metrics, from a model's scores or from predicted labels.
 *
 *   metrics.accuracy(logits, y)                  // logits [N, C]: the argmax of each row is the prediction
 *   metrics.accuracy(predicted, y)               // or predicted class indices
 *   metrics.confusionMatrix(logits, y, classes)  // number[][]: m[true][predicted], as scikit-learn's
 *
 * Predictions are a [N, C] tensor of scores (each row's first largest value is the class —
 * a NaN counts as the largest, as in PyTorch's argmax) or N class indices (`number[]`,
 * `Int32Array`, or a 1-d tensor such as `logits.argmax(1)`). True labels are class indices
 * (what `nn.crossEntropy` takes). A length mismatch, a label that is not a non-negative
 * integer, or one outside the classes, is a RangeError naming the metric and the index.
 */
import { fmt } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Predicted class indices, or [N, C] scores whose row-wise argmax is the prediction.
 *
 * @example
 * ```ts
 * import { metrics, tensor } from "actigrad";
 * const logits = tensor([[2, 1], [0, 3], [1, 4]]);
 * const fromScores: metrics.Predictions = logits; // the argmax of each row: [0, 1, 1]
 * const fromIndices: metrics.Predictions = logits.argmax(1);
 * console.log(metrics.accuracy(fromScores, [0, 1, 0]), metrics.accuracy(fromIndices, [0, 1, 0]));
 * ```
 * ```text
 * 0.6666666666666666 0.6666666666666666
 * ```
 */
export type Predictions = readonly number[] | Int32Array | Tensor;
/**
 * Class indices: `number[]`, `Int32Array` or a 1-d tensor.
 *
 * @example
 * ```ts
 * import { metrics, tensor } from "actigrad";
 * const asArray: metrics.ClassLabels = [0, 1, 1];
 * const asInt32: metrics.ClassLabels = Int32Array.from([0, 1, 1]);
 * const asTensor: metrics.ClassLabels = tensor([0, 1, 1]);
 * console.log([asArray, asInt32, asTensor].map((y) => metrics.accuracy([0, 1, 0], y)));
 * ```
 * ```text
 * [ 0.6666666666666666, 0.6666666666666666, 0.6666666666666666 ]
 * ```
 */
export type ClassLabels = readonly number[] | Int32Array | Tensor;

/** The class of each row of [N, C] scores: the first largest value (a NaN counts as the largest). */
function argmaxRows(scores: Tensor): Int32Array {
  const [n, c] = scores.shape;
  const d = scores.data;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * c;
    let best = 0;
    let top = d[row];
    if (top === top) {
      for (let j = 1; j < c; j++) {
        const v = d[row + j];
        if (v !== v) {
          best = j;
          break;
        }
        if (v > top) (top = v), (best = j);
      }
    }
    out[i] = best;
  }
  return out;
}

/** Class indices from labels given as an array or a 1-d tensor, each checked to be an integer in [0, classes). */
function indices(op: string, what: string, labels: unknown, classes: number | null): ArrayLike<number> {
  let values: ArrayLike<number>;
  if (labels instanceof Tensor) {
    if (labels.ndim !== 1) {
      throw new RangeError(`${op}: ${what} must be a 1-d tensor of class indices, got shape ${fmt(labels.shape)}`);
    }
    values = labels.data;
  } else if (Array.isArray(labels) || ArrayBuffer.isView(labels)) {
    values = labels as unknown as ArrayLike<number>;
  } else {
    throw new TypeError(
      `${op}: ${what} must be class indices (number[], Int32Array or a 1-d Tensor), got ${labels === null ? "null" : typeof labels}`,
    );
  }
  const range = classes === null ? "a non-negative integer" : `a class index in [0, ${classes - 1}]`;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || (classes !== null && v >= classes)) {
      throw new RangeError(`${op}: ${what} ${Array.isArray(v) ? "[…]" : String(v)} at index ${i} is not ${range}`);
    }
  }
  return values;
}

/** The predictions as class indices, and the number of classes the scores have (null for labels). */
function predictions(op: string, pred: unknown): { p: ArrayLike<number>; scored: number | null } {
  if (pred instanceof Tensor && pred.ndim === 2) {
    if (pred.shape[1] === 0) throw new RangeError(`${op}: scores of shape ${fmt(pred.shape)} have no classes`);
    return { p: argmaxRows(pred), scored: pred.shape[1] };
  }
  if (pred instanceof Tensor && pred.ndim !== 1) {
    throw new RangeError(
      `${op}: predictions must be scores of shape [N, classes] or N class indices, got a tensor of shape ${fmt(pred.shape)}`,
    );
  }
  return { p: indices(op, "predicted label", pred, null), scored: null };
}

function sameLength(op: string, p: ArrayLike<number>, y: ArrayLike<number>): void {
  if (p.length !== y.length) throw new RangeError(`${op}: ${p.length} predictions for ${y.length} labels`);
}

/**
 * The fraction of samples whose prediction is the true label, in [0, 1].
 * `pred`: [N, C] scores (argmax per row, first index on ties) or N predicted class indices.
 *
 *   accuracy(tensor([[2, 1], [0, 3], [5, 5]]), [0, 0, 0])   // 2/3 (the tie [5, 5] predicts class 0)
 *
 * @example
 * ```ts
 * import { metrics, tensor } from "actigrad";
 * const logits = tensor([[2, 1], [0, 3], [5, 5]]);
 * console.log(metrics.accuracy(logits, [0, 0, 0])); // the tie [5, 5] predicts class 0
 * ```
 * ```text
 * 0.6666666666666666
 * ```
 */
export function accuracy(pred: Predictions, labels: ClassLabels): number {
  const { p, scored } = predictions("accuracy", pred);
  const y = indices("accuracy", "label", labels, scored);
  sameLength("accuracy", p, y);
  if (y.length === 0) throw new RangeError("accuracy: no samples (an accuracy of 0 of 0 is undefined)");
  let right = 0;
  for (let i = 0; i < y.length; i++) if (p[i] === y[i]) right++;
  return right / y.length;
}

/**
 * The confusion matrix: `m[i][j]` counts samples of true class i predicted as class j (rows are
 * the true labels, columns the predictions — scikit-learn's convention), so the diagonal holds
 * the correct ones, row sums the true class sizes and column sums how often each class was predicted.
 * `classes`: their number or their names (only the count is used); by default the scores' column
 * count, or for label predictions one more than the largest label seen.
 *
 *   confusionMatrix([0, 1, 1], [0, 0, 1], ["cat", "dog"])   // [[1, 1], [0, 1]]
 *
 * @example
 * ```ts
 * import { metrics } from "actigrad";
 * const m = metrics.confusionMatrix([0, 1, 1, 2], [0, 0, 1, 2], 3); // (predicted, true, classes)
 * console.log(m); // m[true][predicted]
 * ```
 * ```text
 * [ [ 1, 1, 0 ], [ 0, 1, 0 ], [ 0, 0, 1 ] ]
 * ```
 */
export function confusionMatrix(pred: Predictions, labels: ClassLabels, classes?: number | readonly unknown[]): number[][] {
  const op = "confusionMatrix";
  let k: number | null = null;
  if (classes !== undefined) {
    k = typeof classes === "number" ? classes : Array.isArray(classes) ? classes.length : Number.NaN;
    if (!Number.isInteger(k) || k < 1) {
      throw new RangeError(`${op}: classes must be a positive count or a non-empty array of class names, got ${String(classes)}`);
    }
  }
  const { p, scored } = predictions(op, pred);
  if (k !== null && scored !== null && k !== scored) {
    throw new RangeError(`${op}: scores have ${scored} columns but there are ${k} classes`);
  }
  k ??= scored;
  const y = indices(op, "label", labels, k);
  sameLength(op, p, y);
  if (k !== null) indices(op, "predicted label", p, k);
  else {
    k = 1;
    for (let i = 0; i < y.length; i++) k = Math.max(k, y[i] + 1, p[i] + 1);
  }
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < y.length; i++) m[y[i]][p[i]]++;
  return m;
}

/**
 * A confusion matrix as a text table, the class names heading rows (true) and columns (predicted).
 *
 *   console.log(formatConfusionMatrix(m, classes))
 *
 * @example
 * ```ts
 * import { metrics } from "actigrad";
 * const classes = ["cat", "dog"];
 * const m = metrics.confusionMatrix([0, 1, 1, 1], [0, 0, 1, 1], classes);
 * console.log(metrics.formatConfusionMatrix(m, classes));
 * ```
 * ```text
 *            cat    dog
 * cat          1      1
 * dog          0      2
 * ```
 */
export function formatConfusionMatrix(matrix: readonly (readonly number[])[], classes?: readonly unknown[]): string {
  const names = matrix.map((_, i) => String(classes?.[i] ?? i));
  const width = Math.max(5, ...names.map((s) => s.length), ...matrix.flat().map((v) => String(v).length)) + 2;
  const lines = [`${"".padEnd(width)}${names.map((s) => s.padStart(width)).join("")}`];
  matrix.forEach((row, i) => lines.push(`${names[i].padEnd(width)}${row.map((v) => String(v).padStart(width)).join("")}`));
  return lines.join("\n");
}
