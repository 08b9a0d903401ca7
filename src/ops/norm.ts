/**
 * The functional forms of the regularizing and normalizing layers (issue 14), PyTorch's
 * `torch.nn.functional` in camelCase: `dropout`, `layerNorm`, `batchNorm`, `embedding`.
 * The modules in src/nn/regularize.ts and src/nn/norm.ts call these.
 *
 * Each is composed of differentiable tensor ops (mul, sub, mean, sqrt, div, indexSelect, …), so
 * its gradient — and the gradient of that — comes from the ops' own rules; nothing here records
 * a rule of its own. With x̂ = (x − μ)/√(σ² + ε), μ and σ² the mean and the biased variance over
 * the normalized axes (n elements each):
 *
 *   dropout:    y = x ⊙ m / (1 − p), m_i ~ Bernoulli(1 − p)      ∂L/∂x = g ⊙ m / (1 − p)
 *   layerNorm:  y = x̂ ⊙ w + b over the trailing axes             ∂L/∂x = (ĝ − mean(ĝ) − x̂ ⊙ mean(ĝ ⊙ x̂)) / √(σ² + ε), ĝ = g ⊙ w
 *   batchNorm:  the same over the batch (and length) axes, one μ, σ² per channel; in eval the
 *               running statistics replace μ, σ² (constants: ∂L/∂x = g ⊙ w / √(σ²_run + ε))
 *   embedding:  y[..., :] = W[i, :]                                ∂L/∂W_j = Σ of g over the positions holding j
 *
 * Every argument is checked before anything is drawn, made or updated, so a failed call leaves
 * the generator, the running statistics and every tensor as they were.
 */
import { fmt, sizeOf } from "../memory/shape.js";
import { globalRng } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";
import { allocValues } from "../memory/scope.js";
import { add, describe, div, expectTensor, mul, sub } from "./arithmetic.js";
import { indexSelect } from "./indexing.js";
import { mean } from "./reduce.js";
import { reshape } from "./shape.js";
import { sqrt } from "./unary.js";

/** A probability p in [0, 1], naming `who`: TypeError for a non-number, RangeError outside [0, 1] (or NaN). */
function checkProbability(p: unknown, who: string): number {
  if (typeof p !== "number") throw new TypeError(`${who}: p must be a number in [0, 1], got ${describe(p)}`);
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`${who}: dropout probability has to be between 0 and 1, but got p = ${p}`);
  }
  return p;
}

function checkBoolean(v: unknown, who: string, what: string): boolean {
  if (typeof v !== "boolean") throw new TypeError(`${who}: ${what} must be a boolean, got ${describe(v)}`);
  return v;
}

function checkEps(eps: unknown, who: string): number {
  if (typeof eps !== "number") throw new TypeError(`${who}: eps must be a number, got ${describe(eps)}`);
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new RangeError(`${who}: eps must be a finite number ≥ 0, got ${eps}`);
  return eps;
}

// ---------------------------------------------------------------------------------------------
// dropout

/**
 * Inverted dropout: each element is zeroed with probability `p` and the kept ones are scaled by
 * 1/(1 − p), so the expected value is unchanged and nothing needs rescaling at eval time.
 * With `training` false, or p = 0, it returns x itself; p = 1 gives zeros (of x's shape and
 * dtype, still on x's graph). The mask is drawn from the global generator, one draw per element
 * in row-major order, so after `manualSeed(n)` the same calls draw the same masks.
 *
 *   dropout(x, 0.2)            // training
 *   dropout(x, 0.2, false)     // x
 *
 * Gradient: the upstream times the same mask, m / (1 − p) — the dropped elements get 0.
 *
 * @example
 * ```ts
 * import { dropout, manualSeed, ones } from "actigrad";
 * manualSeed(0);
 * console.log(dropout(ones([6]), 0.5).toString()); // kept values scaled by 1/(1 − p) = 2
 * console.log(dropout(ones([3]), 0.5, false).toString()); // eval: x itself
 * ```
 * ```text
 * tensor([2, 0, 0, 2, 0, 2], dtype=float64)
 * tensor([1, 1, 1], dtype=float64)
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  expectTensor(x, "dropout");
  checkProbability(p, "dropout");
  checkBoolean(training, "dropout", "training");
  if (!training || p === 0) return x;
  const mask = new Tensor(allocValues(x.dtype, x.size), x.shape);
  if (p < 1) {
    // keep when a uniform 32-bit draw u satisfies u ≥ p·2³², i.e. with probability 1 − p (to 2⁻³²)
    const threshold = p * 4294967296;
    const scale = 1 / (1 - p);
    const m = mask.data;
    for (let i = 0; i < m.length; i++) m[i] = globalRng.nextUint32() >= threshold ? scale : 0;
  }
  return mul(x, mask);
}

// ---------------------------------------------------------------------------------------------
// layerNorm

/** A normalized shape given as a number or an array of positive integers, as an array. */
function normalizedShapeOf(shape: unknown, who: string): number[] {
  const s = typeof shape === "number" ? [shape] : shape;
  if (!Array.isArray(s)) {
    throw new TypeError(`${who}: the normalized shape must be a positive integer or an array of them, got ${describe(shape)}`);
  }
  if (s.length === 0 || !s.every((d) => typeof d === "number" && Number.isInteger(d) && d > 0)) {
    throw new RangeError(
      `${who}: the normalized shape must be a positive integer or a non-empty array of them, got ${
        Array.isArray(shape) ? fmt(shape as number[]) : String(shape)
      }`,
    );
  }
  return s.slice();
}

/** x̂ = (x − μ)/√(σ² + ε) over `axes` (μ, σ² the mean and biased variance there, kept as size 1). */
function standardize(x: Tensor, axes: number[], eps: number): { y: Tensor; mu: Tensor; sigma2: Tensor } {
  const mu = mean(x, axes, true);
  const centered = sub(x, mu);
  const sigma2 = mean(mul(centered, centered), axes, true);
  return { y: div(centered, sqrt(add(sigma2, eps))), mu, sigma2 };
}

function checkAffine(t: unknown, what: string, shape: readonly number[], who: string): Tensor | null {
  if (t === undefined || t === null) return null;
  if (!(t instanceof Tensor)) throw new TypeError(`${who}: ${what} must be a Tensor (or omitted), got ${describe(t)}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(`${who}: ${what} of shape ${fmt(t.shape)} must have the normalized shape ${fmt(shape)}`);
  }
  return t;
}

/**
 * PyTorch's `layer_norm`: normalizes x over its trailing axes `shape` (a number for the last
 * axis, or an array: [3, 4] for the last two), with the mean and the biased variance of each
 * group, then scales by `weight` and shifts by `bias` (each of that shape; omitted: 1 and 0):
 * y = (x − μ)/√(σ² + ε) · weight + bias.
 *
 *   layerNorm(x, 8)                          // x of shape [..., 8]
 *   layerNorm(x, [2, 3], w, b, 1e-6)         // x of shape [..., 2, 3]
 *
 * @example
 * ```ts
 * import { layerNorm, tensor } from "actigrad";
 * const x = tensor([[1, 2, 3], [10, 20, 30]]);
 * console.log(layerNorm(x, 3).toString()); // each row: mean 0, variance 1
 * console.log(layerNorm(x, 3, tensor([1, 1, 2]), tensor([0, 0, 1])).toString());
 * ```
 * ```text
 * tensor([[-1.2247, 0, 1.2247], [-1.2247, 0, 1.2247]], dtype=float64)
 * tensor([[-1.2247, 0, 3.4495], [-1.2247, 0, 3.4495]], dtype=float64)
 * ```
 */
export function layerNorm(
  x: Tensor,
  shape: number | readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  expectTensor(x, "layerNorm");
  const s = normalizedShapeOf(shape, "layerNorm");
  const w = checkAffine(weight, "weight", s, "layerNorm");
  const b = checkAffine(bias, "bias", s, "layerNorm");
  checkEps(eps, "layerNorm");
  checkTrailing(x, s, "layerNorm");
  return layerNormUnchecked(x, s, w, b, eps);
}

/** Throws unless x's trailing axes are `s`, naming `who`. */
function checkTrailing(x: Tensor, s: readonly number[], who: string): void {
  const k = s.length;
  const tail = x.shape.slice(x.ndim - k);
  if (x.ndim < k || tail.some((d, i) => d !== s[i])) {
    throw new RangeError(
      `${who}: expected input of shape [*, ${s.join(", ")}] (the last ${k === 1 ? "axis" : `${k} axes`} normalized), got shape ${fmt(x.shape)}`,
    );
  }
}

/** layerNorm once its arguments are known to be good. */
function layerNormUnchecked(x: Tensor, s: readonly number[], w: Tensor | null, b: Tensor | null, eps: number): Tensor {
  const axes = s.map((_, i) => x.ndim - s.length + i);
  let y = standardize(x, axes, eps).y;
  if (w !== null) y = mul(y, w);
  if (b !== null) y = add(y, b);
  return y;
}

// ---------------------------------------------------------------------------------------------
// batchNorm

/**
 * Options of `batchNorm` after the tensors, as PyTorch's `batch_norm(…, training, momentum, eps)`.
 *
 * @example
 * ```ts
 * import { batchNorm, tensor, type BatchNormOptions } from "actigrad";
 * const opts: BatchNormOptions = { training: false, eps: 0 };
 * const x = tensor([[1, 10], [3, 30]]);
 * console.log(batchNorm(x, tensor([2, 20]), tensor([1, 100]), null, null, opts).toString());
 * ```
 * ```text
 * tensor([[-1, -1], [1, 1]], dtype=float64)
 * ```
 */
export interface BatchNormOptions {
  /** Batch statistics (and a running-statistics update) when true; the running statistics when false (default). */
  training?: boolean;
  /** The running statistics move this far towards the batch's: r ← (1 − m)·r + m·batch (default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * PyTorch's `batch_norm` on x of shape [N, C] or [N, C, L]: per channel c,
 * y = (x − μ_c)/√(σ²_c + ε) · weight_c + bias_c. With `training`, μ and σ² are the batch's (mean
 * and biased variance over N, and L), and `runningMean`/`runningVar` (when given, shape [C]) are
 * updated in place: r ← (1 − momentum)·r + momentum·batch, with the batch's unbiased variance
 * for `runningVar`. Without `training` the running statistics are used (they must be given).
 * A batch with one value per channel cannot be normalized in training (an error, as in PyTorch).
 *
 *   batchNorm(x, rm, rv, w, b, { training: true })
 *
 * @example
 * ```ts
 * import { batchNorm, ones, tensor, zeros } from "actigrad";
 * const x = tensor([[1, 10], [3, 30]]); // [N = 2, C = 2]
 * const runningMean = zeros([2]);
 * const runningVar = ones([2]);
 * console.log(batchNorm(x, runningMean, runningVar, null, null, { training: true }).toString());
 * console.log(runningMean.toString(), runningVar.toString()); // moved 0.1 of the way
 * ```
 * ```text
 * tensor([[-1, -1], [1, 1]], dtype=float64)
 * tensor([0.2, 2], dtype=float64) tensor([1.1, 20.9], dtype=float64)
 * ```
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  opts: BatchNormOptions = {},
): Tensor {
  expectTensor(x, "batchNorm");
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new TypeError(`batchNorm: the options must be an object { training?, momentum?, eps? }, got ${describe(opts)}`);
  }
  const { training = false, momentum = 0.1, eps = 1e-5 } = opts;
  checkBoolean(training, "batchNorm", "training");
  checkMomentum(momentum, "batchNorm");
  checkEps(eps, "batchNorm");
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new RangeError(`batchNorm: expected input of shape [N, C] or [N, C, L], got shape ${fmt(x.shape)}`);
  }
  const c = x.shape[1];
  const rm = checkAffine(runningMean, "runningMean", [c], "batchNorm");
  const rv = checkAffine(runningVar, "runningVar", [c], "batchNorm");
  const w = checkAffine(weight, "weight", [c], "batchNorm");
  const b = checkAffine(bias, "bias", [c], "batchNorm");
  if ((rm === null) !== (rv === null)) {
    throw new TypeError("batchNorm: give both runningMean and runningVar, or neither");
  }
  if (!training && rm === null) {
    throw new TypeError("batchNorm: running statistics (runningMean, runningVar) are needed when not training");
  }
  if (training) checkBatch(x, "batchNorm");
  return batchNormUnchecked(x, rm, rv, w, b, training, momentum, eps);
}

/** A momentum in [0, 1]. */
function checkMomentum(m: unknown, who: string): number {
  if (typeof m !== "number") throw new TypeError(`${who}: momentum must be a number in [0, 1], got ${describe(m)}`);
  if (!(m >= 0 && m <= 1)) throw new RangeError(`${who}: momentum must be in [0, 1], got ${m}`);
  return m;
}

/** Batch statistics need more than one value per channel (PyTorch's message, naming `who`). */
function checkBatch(x: Tensor, who: string): void {
  if (sizeOf(x.shape) / Math.max(x.shape[1], 1) <= 1 && x.shape[1] > 0) {
    throw new RangeError(
      `${who}: expected more than 1 value per channel when training, got input of shape ${fmt(x.shape)}; ` +
        "use a batch of 2 or more, or call eval() first to use the running statistics",
    );
  }
}

/**
 * batchNorm once its arguments are known to be good. With `training`, the running statistics
 * (when given) are updated in place, after the forward has been computed.
 */
function batchNormUnchecked(
  x: Tensor,
  rm: Tensor | null,
  rv: Tensor | null,
  w: Tensor | null,
  b: Tensor | null,
  training: boolean,
  momentum: number,
  eps: number,
): Tensor {
  const c = x.shape[1];
  // Per-channel tensors as [1, C] or [1, C, 1], to broadcast against x.
  const perChannel = x.ndim === 2 ? [1, c] : [1, c, 1];
  const axes = x.ndim === 2 ? [0] : [0, 2];
  let y: Tensor;
  if (training) {
    const { y: yhat, mu, sigma2 } = standardize(x, axes, eps);
    y = yhat;
    if (rm !== null && rv !== null) {
      const n = x.size / c;
      const unbias = n / (n - 1);
      const m = rm.data,
        v = rv.data,
        bm = mu.data,
        bv = sigma2.data;
      for (let i = 0; i < c; i++) {
        m[i] = (1 - momentum) * m[i] + momentum * bm[i];
        v[i] = (1 - momentum) * v[i] + momentum * bv[i] * unbias;
      }
    }
  } else {
    // The running statistics are constants here (detached: no gradient reaches them).
    const mu = reshape(rm!.detach(), perChannel);
    const sd = sqrt(add(reshape(rv!.detach(), perChannel), eps));
    y = div(sub(x, mu), sd);
  }
  if (w !== null) y = mul(y, reshape(w, perChannel));
  if (b !== null) y = add(y, reshape(b, perChannel));
  return y;
}

// ---------------------------------------------------------------------------------------------
// embedding

/**
 * Indices for `embedding`: integers as (nested) arrays, an Int32Array, or a Tensor of integer values, any shape.
 *
 * @example
 * ```ts
 * import { embedding, tensor, type EmbeddingIndices } from "actigrad";
 * const w = tensor([[0, 0], [1, 1], [2, 2]]);
 * const indices: EmbeddingIndices = [[0, 2], [2, 1]];
 * console.log(embedding(indices, w).shape, embedding(Int32Array.from([1]), w).toString());
 * ```
 * ```text
 * [ 2, 2, 2 ] tensor([[1, 1]], dtype=float64)
 * ```
 */
export type EmbeddingIndices = number | readonly EmbeddingIndexArray[] | Int32Array | Tensor;
type EmbeddingIndexArray = number | readonly EmbeddingIndexArray[];

/** The flat indices and their shape, each checked to be an integer in [0, num), naming `who`. */
function readEmbeddingIndices(indices: unknown, num: number, who: string): { idx: Int32Array; shape: number[] } {
  let shape: number[];
  let values: ArrayLike<unknown>;
  if (indices instanceof Tensor) {
    shape = indices.shape.slice();
    values = indices.data;
  } else if (indices instanceof Int32Array) {
    shape = [indices.length];
    values = indices;
  } else if (typeof indices === "number" || Array.isArray(indices)) {
    shape = [];
    for (let v: unknown = indices; Array.isArray(v); v = v[0]) shape.push(v.length);
    const flat: unknown[] = [];
    const walk = (v: unknown, depth: number, at: number[]): void => {
      if (depth === shape.length) {
        flat.push(v);
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[depth]) {
        throw new RangeError(
          `${who}: the indices are ragged: at [${at.join(",")}] expected an array of length ${shape[depth]}, got ${describe(v)}`,
        );
      }
      v.forEach((e, i) => walk(e, depth + 1, [...at, i]));
    };
    walk(indices, 0, []);
    values = flat;
  } else {
    throw new TypeError(
      `${who}: indices must be integers (an array, an Int32Array or a Tensor of integer values), got ${describe(indices)}`,
    );
  }
  const idx = new Int32Array(values.length);
  const where = (k: number): string => {
    const pos = new Array<number>(shape.length);
    for (let d = shape.length - 1; d >= 0; d--) {
      pos[d] = k % shape[d];
      k = Math.floor(k / shape[d]);
    }
    return `[${pos.join(",")}]`;
  };
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (typeof v !== "number") throw new TypeError(`${who}: the index at ${where(k)} must be an integer, got ${describe(v)}`);
    if (!Number.isInteger(v) || v < 0 || v >= num) {
      throw new RangeError(
        `${who}: the index ${v} at ${where(k)} is ${Number.isInteger(v) ? "out of range" : "not an integer"} ` +
          `(expected integers 0 to ${num - 1})`,
      );
    }
    idx[k] = v;
  }
  return { idx, shape };
}

/**
 * PyTorch's `embedding(input, weight)`: the rows of `weight` ([num, dim]) at `indices` (any
 * shape) → [...indices' shape, dim]. A copy (indexSelect then reshape); the gradient adds each
 * position's upstream to its row, so a repeated index accumulates.
 *
 *   embedding([[0, 2], [2, 1]], w)   // shape [2, 2, dim]
 *
 * @example
 * ```ts
 * import { embedding, tensor } from "actigrad";
 * const w = tensor([[0.5, 1], [2, 3], [4, 5]], { requiresGrad: true });
 * const e = embedding([2, 0, 2], w);
 * e.sum().backward();
 * console.log(e.toString(), w.grad!.toString()); // row 2 was used twice
 * ```
 * ```text
 * tensor([[4, 5], [0.5, 1], [4, 5]], dtype=float64, gradFn=<indexSelect>) tensor([[1, 1], [0, 0], [2, 2]], dtype=float64)
 * ```
 */
export function embedding(indices: EmbeddingIndices, weight: Tensor): Tensor {
  expectTensor(weight, "embedding", "weight");
  if (weight.ndim !== 2) throw new RangeError(`embedding: weight must be 2-d [num, dim], got shape ${fmt(weight.shape)}`);
  const { idx, shape } = readEmbeddingIndices(indices, weight.shape[0], "embedding");
  return reshape(indexSelect(weight, 0, idx), [...shape, weight.shape[1]]);
}
