/**
 * Normalization layers (issue 14): `LayerNorm` and `BatchNorm1d`, with PyTorch's semantics,
 * parameter and buffer names and reprs, so that a state dict maps one to one onto the PyTorch
 * twin of a model. Their forwards are the functional forms `layerNorm` and `batchNorm`
 * (src/ops/norm.ts), made of differentiable tensor ops.
 *
 *   new nn.LayerNorm(8)                      // LayerNorm((8,), eps=1e-05, elementwise_affine=true)
 *   new nn.BatchNorm1d(16)                   // BatchNorm1d(16, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)
 *
 * Buffers: BatchNorm1d keeps its running statistics in the fields `running_mean`, `running_var`
 * and `num_batches_tracked` — tensors that do not require a gradient, so the state dict has them
 * (under PyTorch's names) while `parameters()` leaves them out. They are updated in place, never
 * replaced, so an optimizer, a `scope()` or a loaded state dict always sees the same tensors.
 * `num_batches_tracked` is a 0-d float64 tensor (PyTorch's is int64; a float64 counts exactly to
 * 2⁵³, and a state dict loads into it from either).
 */
import { alloc, checkDtype, type DType, getDefaultDtype } from "../memory/dtype.js";
import { fmt, sizeOf } from "../memory/shape.js";
import { batchNorm, layerNorm } from "../ops/norm.js";
import { Tensor } from "../tensor/tensor.js";
import { checkInputDtype, checkOptions, describe, pyFloat, relabel } from "./checks.js";
import { Module } from "./module.js";

/** `dtype`, a float dtype, or a TypeError naming the layer. */
function checkedDtype(dtype: unknown, layer: string): DType {
  checkDtype(dtype, layer);
  return dtype;
}

function checkEps(eps: unknown, layer: string): number {
  if (typeof eps !== "number") throw new TypeError(`${layer}: eps must be a number, got ${describe(eps)}`);
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new RangeError(`${layer}: eps must be a finite number ≥ 0, got ${eps}`);
  return eps;
}

function checkFlag(v: unknown, layer: string, what: string): boolean {
  if (typeof v !== "boolean") throw new TypeError(`${layer}: ${what} must be a boolean, got ${describe(v)}`);
  return v;
}

/** A tensor the layer owns: a parameter (requires a gradient) or a buffer; never released by a scope. */
function owned(dtype: DType, shape: number[], fill: number, parameter: boolean): Tensor {
  const data = alloc(dtype, sizeOf(shape));
  data.fill(fill);
  const t = new Tensor(data, shape, parameter);
  t.storage.persistent = true;
  return t;
}

// ---------------------------------------------------------------------------------------------
// LayerNorm

/**
 * Options of `LayerNorm`: ε and whether it learns a weight and bias.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const opts: nn.LayerNormOptions = { eps: 1e-3, elementwiseAffine: false };
 * const norm = new nn.LayerNorm([2, 2], opts);
 * console.log(String(norm), norm.parameters().length, norm.forward(tensor([[[0, 1], [1, 2]]])).toString());
 * ```
 * ```text
 * LayerNorm((2, 2), eps=0.001, elementwise_affine=false) 0 tensor([[[-1.4128, 0], [0, 1.4128]]], dtype=float64)
 * ```
 */
export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learnable `weight` (ones) and `bias` (zeros) of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  dtype?: DType;
}

/**
 * LayerNorm(shape): normalizes each sample over its trailing axes `shape` (a number for the
 * last axis, or an array of the trailing sizes) with the mean and the biased variance, then
 * y = x̂ ⊙ weight + bias. The same in train() and eval(). Parameters `weight` (ones) and
 * `bias` (zeros), of the normalized shape. Repr: `LayerNorm((8,), eps=1e-05, elementwise_affine=true)`.
 * x̂ = (x − mean) / √(var + ε), mean and var over the normalized axes of each sample.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const norm = new nn.LayerNorm(3);
 * console.log(norm.forward(tensor([[1, 2, 3], [2, 4, 9]])).toString());
 * ```
 * ```text
 * tensor([[-1.2247,  0.0000,  1.2247],
 *         [-1.0190, -0.3397,  1.3587]], dtype=float64, gradFn=<add>)
 * ```
 */
export class LayerNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    const o = checkOptions(opts, "LayerNorm", ["eps", "elementwiseAffine", "dtype"]);
    const s = typeof normalizedShape === "number" ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(s) || s.length === 0 || !s.every((d) => typeof d === "number" && Number.isInteger(d) && d > 0)) {
      throw new RangeError(
        `LayerNorm: the normalized shape must be a positive integer or a non-empty array of them, got ${
          Array.isArray(normalizedShape) ? fmt(normalizedShape as number[]) : describe(normalizedShape)
        }`,
      );
    }
    this.normalizedShape = Object.freeze(s.slice());
    this.eps = o.eps === undefined ? 1e-5 : checkEps(o.eps, "LayerNorm");
    this.elementwiseAffine =
      o.elementwiseAffine === undefined ? true : checkFlag(o.elementwiseAffine, "LayerNorm", "elementwiseAffine");
    const dtype = o.dtype === undefined ? getDefaultDtype() : checkedDtype(o.dtype, "LayerNorm");
    this.weight = this.elementwiseAffine ? owned(dtype, s.slice(), 1, true) : null;
    this.bias = this.elementwiseAffine ? owned(dtype, s.slice(), 0, true) : null;
  }

  /** Sets weight to ones and bias to zeros. */
  resetParameters(): void {
    this.weight?.data.fill(1);
    this.bias?.data.fill(0);
  }

  /** y = (x − mean) / √(var + ε) · weight + bias over the normalized (last) axes. */
  forward(x: Tensor): Tensor {
    const s = this.normalizedShape;
    const k = s.length;
    if (!(x instanceof Tensor)) throw new TypeError(`${String(this)}: input must be a Tensor, got ${describe(x)}`);
    if (x.ndim < k || s.some((d, i) => x.shape[x.ndim - k + i] !== d)) {
      throw new RangeError(
        `${String(this)}: expected input of shape [*, ${s.join(", ")}] (the last ${k === 1 ? "axis" : `${k} axes`} normalized), got shape ${fmt(x.shape)}`,
      );
    }
    if (this.weight !== null) checkInputDtype(String(this), x, this.weight);
    try {
      return layerNorm(x, s, this.weight, this.bias, this.eps);
    } catch (e) {
      throw relabel(e, "layerNorm", String(this));
    }
  }

  override extraRepr(): string {
    const s = this.normalizedShape;
    return `(${s.join(", ")}${s.length === 1 ? "," : ""}), eps=${pyFloat(this.eps)}, elementwise_affine=${this.elementwiseAffine}`;
  }
}

// ---------------------------------------------------------------------------------------------
// BatchNorm1d

/**
 * Options of `BatchNorm1d`: ε, the running statistics' momentum, whether it learns a weight and bias (affine) and keeps running statistics, and the dtype.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const opts: nn.BatchNorm1dOptions = { momentum: null, affine: false };
 * const bn = new nn.BatchNorm1d(2, opts);
 * bn.forward(tensor([[1, 10], [3, 30]]));
 * bn.forward(tensor([[5, 50], [7, 70]]));
 * console.log(String(bn), bn.running_mean?.toString()); // the cumulative average
 * ```
 * ```text
 * BatchNorm1d(2, eps=1e-05, momentum=null, affine=false, track_running_stats=true) tensor([4, 40], dtype=float64)
 * ```
 */
export interface BatchNorm1dOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /**
   * How far the running statistics move towards each batch's: r ← (1 − m)·r + m·batch (default
   * 0.1); null for PyTorch's cumulative average (m = 1 / num_batches_tracked).
   */
  momentum?: number | null;
  /** Learnable per-channel `weight` (ones) and `bias` (zeros) (default true). */
  affine?: boolean;
  /** Keep running statistics for eval() (default true); without them every call uses the batch's. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

/**
 * BatchNorm1d(C) on [N, C] or [N, C, L] input, PyTorch's: in train() each channel is normalized
 * with the batch's mean and biased variance (over N, and L), and the running statistics move
 * towards the batch's — `running_mean` with its mean, `running_var` with its unbiased variance,
 * r ← (1 − momentum)·r + momentum·batch — while `num_batches_tracked` counts the batches; in
 * eval() the running statistics are used instead. A batch with a single value per channel cannot
 * be normalized in train() (an error that changes nothing). State dict keys: weight, bias,
 * running_mean, running_var, num_batches_tracked.
 * Repr: `BatchNorm1d(16, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)`.
 * y = (x − μ) / √(σ² + ε) · weight + bias, with μ and σ² per channel (the batch's, or the running ones).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const bn = new nn.BatchNorm1d(2);
 * const y = bn.forward(tensor([[1, 10], [3, 30]])); // train(): the batch's statistics
 * console.log(y.toString(), bn.running_mean?.toString());
 * bn.eval(); // eval(): the running statistics
 * console.log(bn.forward(tensor([[1, 10]])).toString());
 * ```
 * ```text
 * tensor([[-1, -1], [1, 1]], dtype=float64, gradFn=<add>) tensor([0.2, 2], dtype=float64)
 * tensor([[0.7628, 1.7499]], dtype=float64, gradFn=<add>)
 * ```
 */
export class BatchNorm1d extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  running_mean: Tensor | null;
  running_var: Tensor | null;
  num_batches_tracked: Tensor | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(numFeatures: number, opts: BatchNorm1dOptions = {}) {
    super();
    const o = checkOptions(opts, "BatchNorm1d", ["eps", "momentum", "affine", "trackRunningStats", "dtype"]);
    if (typeof numFeatures !== "number" || !Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new RangeError(`BatchNorm1d: numFeatures must be a positive integer, got ${describe(numFeatures)}`);
    }
    this.numFeatures = numFeatures;
    this.eps = o.eps === undefined ? 1e-5 : checkEps(o.eps, "BatchNorm1d");
    const m = o.momentum === undefined ? 0.1 : o.momentum;
    if (m !== null) {
      if (typeof m !== "number")
        throw new TypeError(`BatchNorm1d: momentum must be a number in [0, 1] or null, got ${describe(m)}`);
      if (!(m >= 0 && m <= 1)) throw new RangeError(`BatchNorm1d: momentum must be in [0, 1] (or null), got ${m}`);
    }
    this.momentum = m;
    this.affine = o.affine === undefined ? true : checkFlag(o.affine, "BatchNorm1d", "affine");
    this.trackRunningStats =
      o.trackRunningStats === undefined ? true : checkFlag(o.trackRunningStats, "BatchNorm1d", "trackRunningStats");
    const dtype = o.dtype === undefined ? getDefaultDtype() : checkedDtype(o.dtype, "BatchNorm1d");
    const c = [numFeatures];
    this.weight = this.affine ? owned(dtype, c, 1, true) : null;
    this.bias = this.affine ? owned(dtype, c, 0, true) : null;
    this.running_mean = this.trackRunningStats ? owned(dtype, c, 0, false) : null;
    this.running_var = this.trackRunningStats ? owned(dtype, c, 1, false) : null;
    this.num_batches_tracked = this.trackRunningStats ? owned("float64", [], 0, false) : null;
  }

  /** Running statistics back to mean 0, variance 1, no batches counted. */
  resetRunningStats(): void {
    this.running_mean?.data.fill(0);
    this.running_var?.data.fill(1);
    this.num_batches_tracked?.data.fill(0);
  }

  /** Running statistics reset, weight ones and bias zeros. */
  resetParameters(): void {
    this.resetRunningStats();
    this.weight?.data.fill(1);
    this.bias?.data.fill(0);
  }

  /** y = (x − mean) / √(var + ε) · weight + bias per feature, with batch statistics in training and the running ones in eval. */
  forward(x: Tensor): Tensor {
    const c = this.numFeatures;
    if (!(x instanceof Tensor)) throw new TypeError(`${String(this)}: input must be a Tensor, got ${describe(x)}`);
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== c) {
      throw new RangeError(`${String(this)}: expected input of shape [N, ${c}] or [N, ${c}, L], got shape ${fmt(x.shape)}`);
    }
    const own = this.weight ?? this.running_mean;
    if (own !== null) checkInputDtype(String(this), x, own);
    // PyTorch: batch statistics in train(), and always when no running statistics are kept.
    const update = this.training && this.running_mean !== null;
    const useBatch = this.training || this.running_mean === null;
    if (useBatch && x.size / c <= 1) {
      throw new RangeError(
        `${String(this)}: expected more than 1 value per channel when training, got input of shape ${fmt(x.shape)}; ` +
          "use a batch of 2 or more, or call eval() first to use the running statistics",
      );
    }
    const count = this.num_batches_tracked;
    const momentum = !update ? 0 : (this.momentum ?? 1 / ((count?.data[0] ?? 0) + 1));
    let y: Tensor;
    try {
      y = batchNorm(
        x,
        useBatch && !update ? null : this.running_mean,
        useBatch && !update ? null : this.running_var,
        this.weight,
        this.bias,
        {
          training: useBatch,
          momentum,
          eps: this.eps,
        },
      );
    } catch (e) {
      throw relabel(e, "batchNorm", String(this));
    }
    if (update && count !== null) count.data[0] += 1;
    return y;
  }

  override extraRepr(): string {
    const m = this.momentum === null ? "null" : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${m}, affine=${this.affine}, track_running_stats=${this.trackRunningStats}`;
  }
}
