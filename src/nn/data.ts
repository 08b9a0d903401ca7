/**
 * Data helpers: seeded mini-batches, a (stratified) train/test split, standardisation
 * fitted on the training set, one-hot labels, and small 2-D toy sets that take a seed.
 * Features are tensors of shape [samples, features]; labels are `Int32Array`s of class indices.
 */
import { alloc, getDefaultDtype, type DType } from "../memory/dtype.js";
import { fmt } from "../memory/shape.js";
import { indexSelect } from "../ops/indexing.js";
import { noGrad } from "../tensor/graph.js";
import { globalRng, Rng } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Features and labels: x of shape [samples, features], y an Int32Array of class indices.
 *
 * @example
 * ```ts
 * import { data, tensor } from "actigrad";
 * const ds: data.Dataset = { x: tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y: Int32Array.from([0, 1, 1, 0]) };
 * const { train, test } = data.trainTestSplit(ds, { testFraction: 0.5, seed: 0 });
 * console.log(train.x.shape, Array.from(train.y), test.x.shape, Array.from(test.y));
 * ```
 * ```text
 * [ 2, 2 ] [ 1, 0 ] [ 2, 2 ] [ 0, 1 ]
 * ```
 */
export interface Dataset {
  x: Tensor;
  y: Int32Array;
}

function rngFor(seed: number | undefined): Rng {
  return seed === undefined ? globalRng : new Rng(seed);
}

function checkRows(x: Tensor, op: string): [number, number] {
  if (!(x instanceof Tensor) || x.ndim !== 2) {
    throw new RangeError(
      `${op}: expected features of shape [samples, features], got ${x instanceof Tensor ? fmt(x.shape) : typeof x}`,
    );
  }
  return [x.shape[0], x.shape[1]];
}

/**
 * The rows `idx` of a [samples, features] tensor, as a new tensor with no graph (same dtype):
 * `indexSelect(x, 0, idx)` with gradient recording off.
 *
 * @example
 * ```ts
 * import { data, tensor } from "actigrad";
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * console.log(data.takeRows(x, [2, 0]).toString());
 * ```
 * ```text
 * tensor([[5, 6], [1, 2]], dtype=float64)
 * ```
 */
export function takeRows(x: Tensor, idx: ArrayLike<number>): Tensor {
  const [n] = checkRows(x, "takeRows");
  const rows = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) throw new RangeError(`takeRows: row ${r} is out of range for ${n} rows`);
    rows[i] = r;
  }
  return noGrad(() => indexSelect(x, 0, rows));
}

/**
 * Mini-batches of (x, y), reshuffled on each call from the global generator (or `seed`).
 *   for (const { x, y } of batches(train, 32)) { ... }
 *
 * @example
 * ```ts
 * import { data, tensor } from "actigrad";
 * const ds = { x: tensor([[0], [1], [2], [3], [4]]), y: Int32Array.from([0, 1, 0, 1, 0]) };
 * for (const { x, y } of data.batches(ds, 2, { seed: 0 })) {
 *   console.log(x.flatten().toArray(), Array.from(y));
 * }
 * ```
 * ```text
 * [ 1, 2 ] [ 1, 0 ]
 * [ 3, 0 ] [ 1, 0 ]
 * [ 4 ] [ 0 ]
 * ```
 */
export function* batches(data: Dataset, batchSize: number, opts: { shuffle?: boolean; seed?: number } = {}): Generator<Dataset> {
  const [n] = checkRows(data.x, "batches");
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  if (data.y.length !== n) throw new RangeError(`batches: ${data.y.length} labels for ${n} samples`);
  const order = opts.shuffle === false ? Int32Array.from({ length: n }, (_, i) => i) : rngFor(opts.seed).permutation(n);
  for (let start = 0; start < n; start += batchSize) {
    const idx = order.subarray(start, Math.min(n, start + batchSize));
    yield { x: noGrad(() => indexSelect(data.x, 0, idx)), y: Int32Array.from(idx, (i) => data.y[i]) };
  }
}

/**
 * Splits into train and test sets. Stratified by default: each class keeps its proportion
 * (rounded) in the test set. The same seed gives the same split.
 *
 * @example
 * ```ts
 * import { data } from "actigrad";
 * const { train, test } = data.trainTestSplit(data.moons({ n: 100 }), { testFraction: 0.2, seed: 1 });
 * console.log(train.x.shape, test.x.shape);
 * console.log(test.y.filter((c) => c === 1).length); // stratified: half of the test set is class 1
 * ```
 * ```text
 * [ 80, 2 ] [ 20, 2 ]
 * 10
 * ```
 */
export function trainTestSplit(
  data: Dataset,
  opts: { testFraction?: number; stratify?: boolean; seed?: number } = {},
): { train: Dataset; test: Dataset } {
  const [n] = checkRows(data.x, "trainTestSplit");
  const { testFraction = 0.25, stratify = true } = opts;
  if (!(testFraction > 0 && testFraction < 1))
    throw new RangeError(`trainTestSplit: testFraction must be in (0, 1), got ${testFraction}`);
  if (data.y.length !== n) throw new RangeError(`trainTestSplit: ${data.y.length} labels for ${n} samples`);
  const rng = rngFor(opts.seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = stratify ? data.y[i] : 0;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  const train: number[] = [],
    test: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const members = groups.get(key)!;
    const perm = rng.permutation(members.length);
    const nTest = Math.round(members.length * testFraction);
    perm.forEach((p, j) => (j < nTest ? test : train).push(members[p]));
  }
  train.sort((a, b) => a - b);
  test.sort((a, b) => a - b);
  const pick = (idx: number[]): Dataset => ({ x: takeRows(data.x, idx), y: Int32Array.from(idx, (i) => data.y[i]) });
  return { train: pick(train), test: pick(test) };
}

/**
 * Per-feature standardisation (x − mean) / std, fitted on training data only (population std).
 *
 * @example
 * ```ts
 * import { data, tensor } from "actigrad";
 * const train = tensor([[1, 10], [3, 30]]);
 * const s = new data.Standardizer().fit(train);
 * console.log(Array.from(s.mean), Array.from(s.std));
 * console.log(s.transform(tensor([[2, 50]])).toString()); // (x − mean) / std
 * ```
 * ```text
 * [ 2, 20 ] [ 1, 10 ]
 * tensor([[0, 3]], dtype=float64)
 * ```
 */
export class Standardizer {
  mean: Float64Array = new Float64Array(0);
  std: Float64Array = new Float64Array(0);

  /** Learns each feature's mean and standard deviation from x (the training set); returns this. */
  fit(x: Tensor): this {
    const [n, f] = checkRows(x, "Standardizer.fit");
    if (n === 0) throw new RangeError("Standardizer.fit: no samples");
    this.mean = new Float64Array(f);
    this.std = new Float64Array(f);
    for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) this.mean[j] += x.data[i * f + j] / n;
    for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) this.std[j] += (x.data[i * f + j] - this.mean[j]) ** 2 / n;
    for (let j = 0; j < f; j++) this.std[j] = Math.sqrt(this.std[j]) || 1; // a constant feature is left centred, not divided by 0
    return this;
  }

  /** (x − mean) / std per feature, with the statistics from `fit`. */
  transform(x: Tensor): Tensor {
    const [n, f] = checkRows(x, "Standardizer.transform");
    if (f !== this.mean.length) throw new RangeError(`Standardizer.transform: fitted on ${this.mean.length} features, got ${f}`);
    const out = alloc(x.dtype, x.size);
    for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) out[i * f + j] = (x.data[i * f + j] - this.mean[j]) / this.std[j];
    return new Tensor(out, x.shape);
  }
}

/**
 * Labels as rows of a one-hot matrix [samples, classes].
 * Row i is e_{labels[i]}: out[i][j] = 1 when j = labels[i], else 0.
 *
 * @example
 * ```ts
 * import { data } from "actigrad";
 * console.log(data.oneHot([2, 0, 1], 3).toArray());
 * ```
 * ```text
 * [ [ 0, 0, 1 ], [ 1, 0, 0 ], [ 0, 1, 0 ] ]
 * ```
 */
export function oneHot(labels: ArrayLike<number>, classes: number, opts: { dtype?: DType } = {}): Tensor {
  if (!Number.isInteger(classes) || classes < 1)
    throw new RangeError(`oneHot: classes must be a positive integer, got ${classes}`);
  const out = alloc(opts.dtype ?? getDefaultDtype(), labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= classes)
      throw new RangeError(`oneHot: label ${y} at index ${i} is not in [0, ${classes - 1}]`);
    out[i * classes + y] = 1;
  }
  return new Tensor(out, [labels.length, classes]);
}

/**
 * Options of the 2-D toy sets: how many points, the noise, the seed and the dtype.
 *
 * @example
 * ```ts
 * import { data } from "actigrad";
 * const opts: data.ToyOptions = { n: 100, noise: 0.2, seed: 7, dtype: "float32" };
 * const { x, y } = data.moons(opts);
 * console.log(x.shape, x.dtype, y.length);
 * ```
 * ```text
 * [ 100, 2 ] float32 100
 * ```
 */
export interface ToyOptions {
  /** Number of points (default 200). */
  n?: number;
  /** Standard deviation of Gaussian noise added to each coordinate. */
  noise?: number;
  /** Seed of the generator (default 0): the same seed gives the same points. */
  seed?: number;
  dtype?: DType;
}

/** Builds a toy set from a per-point function of (class, position in class, rng). */
function toy(
  opts: ToyOptions,
  classes: number,
  defNoise: number,
  point: (c: number, t: number, rng: Rng) => [number, number],
): Dataset {
  const { n = 200, noise = defNoise, seed = 0 } = opts;
  if (!Number.isInteger(n) || n < classes) throw new RangeError(`toy data: n must be an integer ≥ ${classes}, got ${n}`);
  const rng = new Rng(seed);
  const x = alloc(opts.dtype ?? getDefaultDtype(), n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const perClass = Math.ceil((n - c) / classes);
    const t = perClass > 1 ? Math.floor(i / classes) / (perClass - 1) : 0.5; // 0 … 1 within the class
    const [a, b] = point(c, t, rng);
    x[2 * i] = a + noise * rng.normal();
    x[2 * i + 1] = b + noise * rng.normal();
    y[i] = c;
  }
  return { x: new Tensor(x, [n, 2]), y };
}

/**
 * Two interleaved half circles (as scikit-learn's make_moons).
 * For t in [0, 1]: class 0 at (cos πt, sin πt), class 1 at (1 − cos πt, 0.5 − sin πt), plus noise.
 *
 * @example
 * ```ts
 * import { data } from "actigrad";
 * const { x, y } = data.moons({ n: 200, noise: 0.1, seed: 0 });
 * console.log(x.shape, y.length, x.slice(0, 0, 2).toString());
 * ```
 * ```text
 * [ 200, 2 ] 200 tensor([[1.0489, 0.0038], [0.2587, 0.54]], dtype=float64)
 * ```
 */
export const moons = (opts: ToyOptions = {}): Dataset =>
  toy(opts, 2, 0.1, (c, t) =>
    c === 0 ? [Math.cos(Math.PI * t), Math.sin(Math.PI * t)] : [1 - Math.cos(Math.PI * t), 0.5 - Math.sin(Math.PI * t)],
  );

/**
 * A circle inside a larger one (radius ratio `factor`, default 0.5); class 1 is the inner one.
 * For t in [0, 1]: r·(cos 2πt, sin 2πt), r = 1 for class 0 and `factor` for class 1, plus noise.
 *
 * @example
 * ```ts
 * import { data } from "actigrad";
 * const { x, y } = data.circles({ n: 4, noise: 0, factor: 0.5 });
 * console.log(x.square().sum(1).sqrt().toString(), Array.from(y)); // each point's radius
 * ```
 * ```text
 * tensor([1, 0.5, 1, 0.5], dtype=float64) [ 0, 1, 0, 1 ]
 * ```
 */
export const circles = (opts: ToyOptions & { factor?: number } = {}): Dataset =>
  toy(opts, 2, 0.05, (c, t) => {
    const r = c === 0 ? 1 : (opts.factor ?? 0.5);
    return [r * Math.cos(2 * Math.PI * t), r * Math.sin(2 * Math.PI * t)];
  });

/**
 * `classes` interleaved spiral arms (default 3).
 * For t in [0, 1], arm c of k: t·(cos θ, sin θ) with θ = 2πc/k + 7t, plus noise.
 *
 * @example
 * ```ts
 * import { data } from "actigrad";
 * const { x, y } = data.spiral({ n: 300, classes: 3, seed: 0 });
 * console.log(x.shape, Array.from(y.slice(0, 6)));
 * ```
 * ```text
 * [ 300, 2 ] [ 0, 1, 2, 0, 1, 2 ]
 * ```
 */
export const spiral = (opts: ToyOptions & { classes?: number } = {}): Dataset => {
  const k = opts.classes ?? 3;
  return toy(opts, k, 0.05, (c, t) => {
    const angle = (2 * Math.PI * c) / k + 4 * t * 1.75;
    return [t * Math.cos(angle), t * Math.sin(angle)];
  });
};

/**
 * Points in [−1, 1]²; class 1 where both coordinates have the same sign, class 0 where they differ.
 *
 * @example
 * ```ts
 * import { data } from "actigrad";
 * const { x, y } = data.xor({ n: 4, seed: 0 });
 * console.log(x.toString(), Array.from(y)); // class 1: both coordinates of one sign
 * ```
 * ```text
 * tensor([[-0.9875,  0.9675],
 *         [-0.5705, -0.2805],
 *         [-0.0840,  0.7067],
 *         [-0.3953, -0.9091]], dtype=float64) [ 0, 1, 0, 1 ]
 * ```
 */
export const xor = (opts: ToyOptions = {}): Dataset =>
  toy(opts, 2, 0, (c, _t, rng) => {
    const s = rng.random() < 0.5 ? 1 : -1;
    const u = 1 - rng.random(),
      v = 1 - rng.random(); // in (0, 1]
    return c === 1 ? [s * u, s * v] : [s * u, -s * v];
  });

/**
 * Gaussian blobs around `centers` (default three corners of a triangle), std `noise` (default 0.5).
 *
 * @example
 * ```ts
 * import { data } from "actigrad";
 * const { x, y } = data.blobs({ n: 300, centers: [[-3, 0], [3, 0]], seed: 0 });
 * console.log(x.shape, x.mean(0).toString(), Array.from(y.slice(0, 4)));
 * ```
 * ```text
 * [ 300, 2 ] tensor([0.0124, -0.03], dtype=float64) [ 0, 1, 0, 1 ]
 * ```
 */
export const blobs = (opts: ToyOptions & { centers?: readonly (readonly [number, number])[] } = {}): Dataset => {
  const centers = opts.centers ?? [
    [-2, -1.5],
    [2, -1.5],
    [0, 2],
  ];
  return toy({ noise: 0.5, ...opts }, centers.length, 0.5, (c) => [centers[c][0], centers[c][1]]);
};

export * from "./csv.js";
