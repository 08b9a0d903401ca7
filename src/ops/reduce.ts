/**
 * Reductions over all axes, one axis or several (negative axes count from the end), with
 * `keepDims` to keep reduced axes as size 1. Each rule is written in tensor ops, so it
 * differentiates again. With U the upstream spread back over the reduced axes:
 *
 *   sum:        ∂/∂x_i = 1                         → U
 *   mean:       sum / n                            → U / n
 *   max, min:   ∂/∂x_i = [i = first arg-max (arg-min) of its group; NaN counts as one] → U routed there
 *   logsumexp:  ∂/∂x_i = e^(x_i − lse) = (e^x / Σ e^x)_i → U · e^(x − lse)
 *   var:        ∂/∂x_i = 2(x_i − x̄)/(n − c)         → U · 2(x − x̄)/(n − c)
 *   std:        ∂/∂x_i = (x_i − x̄)/((n − c)·std)     → U · (x − x̄)/((n − c)·std), 0 where std = 0
 *   argmax, argmin: indices (int32), no gradient
 */
import { argmaxKernel, argminKernel, logsumexpKernel, sumToShapeKernel, varianceKernel } from "../kernels/reduce.js";
import { allocValues } from "../memory/scope.js";
import { record } from "../tensor/graph.js";
import type { Shape } from "../memory/shape.js";
import { fmt, normalizeAxes, normalizeAxis, sizeOf, stridesOf } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { Axis } from "../tensor/tensor.js";
import { broadcastTo, div, expectTensor, mul, sub } from "./arithmetic.js";
import { eq, where } from "./compare.js";
import { takeFlat } from "./flat.js";
import { reshape } from "./shape.js";
import { exp } from "./unary.js";

/** The kept-dims shape (1 on reduced axes) and the result shape for a reduction. */
function reducedShapes(x: Tensor, axis: Axis | null | undefined, keepDims: boolean, op: string) {
  expectTensor(x, op);
  if (typeof keepDims !== "boolean") {
    throw new TypeError(
      `${op}: keepDims must be a boolean, got ${typeof keepDims === "string" ? JSON.stringify(keepDims) : String(keepDims)}`,
    );
  }
  const axes = normalizeAxes(axis, x.ndim, op);
  const kept: number[] = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape: Shape = keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i));
  /** How many elements each output element reduces. */
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  return { axes, kept, outShape, count };
}

/**
 * Σ over `axis` (all axes when omitted). `x.sum(-1, true)` keeps the last axis as size 1.
 * ∂/∂x_i = 1: the upstream gradient spread back over the summed axes.
 *
 * @example
 * ```ts
 * import { sum, tensor } from "actigrad";
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * console.log(sum(x).item(), sum(x, 0).toString());
 * console.log(x.sum(-1, true).toString()); // keepDims: shape [2, 1]
 * ```
 * ```text
 * 21 tensor([5, 7, 9], dtype=float64)
 * tensor([[6], [15]], dtype=float64)
 * ```
 */
export function sum(x: Tensor, axis?: Axis | null, keepDims = false): Tensor {
  const { axes, kept, outShape } = reducedShapes(x, axis, keepDims, "sum");
  const out = new Tensor(allocValues(x.dtype, sizeOf(kept)), outShape);
  sumToShapeKernel(x.data, x.shape, out.data, kept);
  return record(out, "sum", [x], (g) => [broadcastTo(reshape(g, kept), x.shape)], { axes, keepDims });
}

/**
 * The average over `axis` (all axes when omitted): sum / n; ∂/∂x_i = 1/n.
 *
 * @example
 * ```ts
 * import { mean, tensor } from "actigrad";
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * console.log(mean(x).item(), mean(x, 1).toString());
 * ```
 * ```text
 * 3.5 tensor([2, 5], dtype=float64)
 * ```
 */
export function mean(x: Tensor, axis?: Axis | null, keepDims = false): Tensor {
  const { count } = reducedShapes(x, axis, keepDims, "mean");
  return div(sum(x, axis, keepDims), count);
}

/** The extreme (max or min) of each group, routed by `takeFlat` so the gradient goes to its first arg-max (arg-min). */
function extreme(op: "max" | "min", x: Tensor, axis: Axis | null | undefined, keepDims: boolean): Tensor {
  const { axes, kept, outShape } = reducedShapes(x, axis, keepDims, op);
  if (axes.some((a) => x.shape[a] === 0) || (x.size === 0 && axes.length === x.ndim)) {
    throw new RangeError(`${op}: cannot take the ${op} over an empty axis (shape ${fmt(x.shape)})`);
  }
  const idx = (op === "max" ? argmaxKernel : argminKernel)(x.data, x.shape, kept);
  return takeFlat(x, idx, outShape, op, { axes, keepDims });
}

/**
 * The largest value over `axis` (all axes when omitted); the gradient goes to the first arg-max
 * of each group: ∂/∂x_i = [i = first arg-max].
 *
 * @example
 * ```ts
 * import { max, tensor } from "actigrad";
 * const x = tensor([[1, 7, 7], [4, 5, 6]], { requiresGrad: true });
 * const m = max(x, 1);
 * m.sum().backward(); // to the first arg-max of each row
 * console.log(m.toString(), x.grad?.toString());
 * ```
 * ```text
 * tensor([7, 6], dtype=float64, gradFn=<max>) tensor([[0, 1, 0], [0, 0, 1]], dtype=float64)
 * ```
 */
export function max(x: Tensor, axis?: Axis | null, keepDims = false): Tensor {
  return extreme("max", x, axis, keepDims);
}

/**
 * The smallest value over `axis` (all axes when omitted); a NaN in a group makes its min NaN.
 * The gradient goes to the first arg-min of each group, ∂/∂x_i = [i = first arg-min] (PyTorch
 * splits it evenly among ties when reducing the whole tensor).
 *
 * @example
 * ```ts
 * import { min, tensor } from "actigrad";
 * const x = tensor([[1, 5, 3], [4, 2, 6]]);
 * console.log(min(x).item(), min(x, 0).toString());
 * ```
 * ```text
 * 1 tensor([1, 2, 3], dtype=float64)
 * ```
 */
export function min(x: Tensor, axis?: Axis | null, keepDims = false): Tensor {
  return extreme("min", x, axis, keepDims);
}

/**
 * log Σ e^x over `axis` (all axes when omitted), stable: the max is subtracted first, so
 * logsumexp([1000, 1001]) = 1001.3133 exactly; all −∞ gives −∞, an empty axis −∞. The
 * gradient is e^x / Σ e^x along the axis, e^(x − lse), read from the saved output.
 *
 * @example
 * ```ts
 * import { logsumexp, tensor } from "actigrad";
 * console.log(logsumexp(tensor([1000, 1001])).item()); // no overflow
 * console.log(logsumexp(tensor([[0, 0], [1, 2]]), 1).toString());
 * ```
 * ```text
 * 1001.3132616875182
 * tensor([0.6931, 2.3133], dtype=float64)
 * ```
 */
export function logsumexp(x: Tensor, axis?: Axis | null, keepDims = false): Tensor {
  const { axes, kept, outShape } = reducedShapes(x, axis, keepDims, "logsumexp");
  const out = new Tensor(allocValues(x.dtype, sizeOf(kept)), outShape);
  logsumexpKernel(x.data, x.shape, out.data, kept);
  return record(out, "logsumexp", [x], (g) => [mul(reshape(g, kept), exp(sub(x, reshape(out, kept))))], {
    axes,
    keepDims,
  });
}

/**
 * Options of `var` and `std`.
 *
 * @example
 * ```ts
 * import { std, tensor, type VarOptions } from "actigrad";
 * const opts: VarOptions = { correction: 0, keepDims: true }; // population std, axis kept
 * console.log(std(tensor([[1, 2, 3], [2, 4, 6]]), 1, opts).toString());
 * ```
 * ```text
 * tensor([[0.8165], [1.633]], dtype=float64)
 * ```
 */
export interface VarOptions {
  /** Subtracted from the count n in the divisor: 1 (default) is Bessel's correction, 0 the population variance. */
  correction?: number;
  keepDims?: boolean;
}

function varArgs(op: string, x: Tensor, axis: Axis | null | undefined, opts: VarOptions | undefined) {
  expectTensor(x, op);
  if (opts !== undefined && (opts === null || typeof opts !== "object" || Array.isArray(opts))) {
    throw new TypeError(
      `${op}: the options must be an object { correction?, keepDims? }, got ${Array.isArray(opts) ? "an array" : String(opts)}`,
    );
  }
  const { correction = 1, keepDims = false } = opts ?? {};
  if (typeof correction !== "number") {
    throw new TypeError(`${op}: correction must be a number ≥ 0, got ${typeof correction} ${JSON.stringify(correction)}`);
  }
  if (!Number.isFinite(correction) || correction < 0) {
    throw new RangeError(`${op}: correction must be a finite number ≥ 0, got ${correction}`);
  }
  return { ...reducedShapes(x, axis, keepDims, op), correction, keepDims };
}

/**
 * The variance over `axis` (all axes when omitted): Σ (x − x̄)² / (n − correction), PyTorch's
 * `var(dim, correction=)`. correction = 1 (default) is the unbiased sample variance, 0 the
 * population variance. A divisor n − correction ≤ 0 divides by 0 (∞, or NaN for 0/0), as PyTorch.
 * ∂/∂x_i = 2(x_i − x̄)/(n − correction).
 *
 * @example
 * ```ts
 * import { tensor, variance } from "actigrad";
 * const x = tensor([1, 2, 3, 4]);
 * console.log(variance(x).item()); // Σ(x − 2.5)² / 3
 * console.log(variance(x, 0, { correction: 0 }).item()); // Σ(x − 2.5)² / 4
 * ```
 * ```text
 * 1.6666666666666667
 * 1.25
 * ```
 */
export function variance(x: Tensor, axis?: Axis | null, opts?: VarOptions): Tensor {
  const { axes, kept, outShape, count, correction, keepDims } = varArgs("var", x, axis, opts);
  const out = new Tensor(allocValues(x.dtype, sizeOf(kept)), outShape);
  varianceKernel(x.data, x.shape, out.data, kept, correction);
  const scale = 2 / Math.max(0, count - correction);
  return record(out, "var", [x], (g) => [mul(reshape(g, kept), mul(centered(x, axes), scale))], {
    axes,
    correction,
    keepDims,
  });
}
export { variance as var };

/**
 * The standard deviation √var over `axis`, with `var`'s options. Its gradient is
 * (x − x̄)/((n − correction)·std), and 0 where std = 0 (a constant group), as PyTorch.
 *
 * @example
 * ```ts
 * import { std, tensor } from "actigrad";
 * const x = tensor([[1, 2, 3, 4], [5, 5, 5, 5]]);
 * console.log(std(x, 1).toString(), x.std().item());
 * ```
 * ```text
 * tensor([1.291, 0], dtype=float64) 1.5811388300841898
 * ```
 */
export function std(x: Tensor, axis?: Axis | null, opts?: VarOptions): Tensor {
  const { axes, kept, outShape, count, correction, keepDims } = varArgs("std", x, axis, opts);
  const out = new Tensor(allocValues(x.dtype, sizeOf(kept)), outShape);
  const o = out.data;
  varianceKernel(x.data, x.shape, o, kept, correction);
  for (let i = 0; i < o.length; i++) o[i] = Math.sqrt(o[i]);
  const scale = 1 / Math.max(0, count - correction);
  return record(
    out,
    "std",
    [x],
    (g) => {
      const s = reshape(out, kept);
      const zero = eq(s, 0);
      // g / std where std ≠ 0, else 0 — with a safe divisor so no 0/0 reaches a second derivative.
      const gs = where(zero, 0, div(reshape(g, kept), where(zero, 1, s)));
      return [mul(gs, mul(centered(x, axes), scale))];
    },
    { axes, correction, keepDims },
  );
}

/** x − mean(x) over `axes`, in tensor ops (differentiable). */
function centered(x: Tensor, axes: number[]): Tensor {
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  return sub(x, div(sum(x, axes, true), count));
}

/**
 * The position of the first largest value along `axis` (PyTorch's argmax: a NaN counts as the
 * largest), as an int32 tensor of indices with that axis removed (kept as size 1 with
 * `keepDims`). With no axis, the flat index in the whole tensor, as a number — or, with
 * `keepDims`, as an int32 tensor of shape [1, …, 1]. No gradient.
 *
 *   logits.argmax(1)            // predicted class of each row
 *   tensor([3, 9, 9]).argmax()  // 1
 *
 * @example
 * ```ts
 * import { argmax, tensor } from "actigrad";
 * console.log(argmax(tensor([3, 9, 9]))); // the whole tensor: a number, the first maximum
 * const logits = tensor([[0.1, 2, -1], [3, 0, 1]]);
 * console.log(argmax(logits, 1).toString()); // predicted class of each row
 * ```
 * ```text
 * 1
 * tensor([1, 0], dtype=int32)
 * ```
 */
export function argmax(x: Tensor): number;
export function argmax(x: Tensor, axis: null | undefined, keepDims?: false): number;
export function argmax(x: Tensor, axis: null | undefined, keepDims: true): Tensor;
export function argmax(x: Tensor, axis: number, keepDims?: boolean): Tensor;
export function argmax(x: Tensor, axis?: number | null, keepDims?: boolean): Tensor | number;
export function argmax(x: Tensor, axis?: number | null, keepDims = false): Tensor | number {
  return argIndex("argmax", x, axis, keepDims);
}

/**
 * The position of the first smallest value along `axis` (a NaN counts as the smallest); as `argmax`.
 *
 * @example
 * ```ts
 * import { argmin, tensor } from "actigrad";
 * const x = tensor([[1, 5], [7, 2]]);
 * console.log(argmin(x), argmin(x, 0).toString());
 * ```
 * ```text
 * 0 tensor([0, 1], dtype=int32)
 * ```
 */
export function argmin(x: Tensor): number;
export function argmin(x: Tensor, axis: null | undefined, keepDims?: false): number;
export function argmin(x: Tensor, axis: null | undefined, keepDims: true): Tensor;
export function argmin(x: Tensor, axis: number, keepDims?: boolean): Tensor;
export function argmin(x: Tensor, axis?: number | null, keepDims?: boolean): Tensor | number;
export function argmin(x: Tensor, axis?: number | null, keepDims = false): Tensor | number {
  return argIndex("argmin", x, axis, keepDims);
}

function argIndex(op: "argmax" | "argmin", x: Tensor, axis: number | null | undefined, keepDims: boolean): Tensor | number {
  expectTensor(x, op);
  if (typeof keepDims !== "boolean") throw new TypeError(`${op}: keepDims must be a boolean, got ${String(keepDims)}`);
  if (axis !== undefined && axis !== null && typeof axis !== "number") {
    throw new TypeError(`${op}: axis must be one integer (or omitted for the whole tensor), got ${JSON.stringify(axis)}`);
  }
  const kernel = op === "argmax" ? argmaxKernel : argminKernel;
  if (axis === undefined || axis === null) {
    if (x.size === 0) throw new RangeError(`${op}: the tensor is empty (shape ${fmt(x.shape)}), so it has no ${op}`);
    const flat = kernel(x.data, [x.size], [1])[0];
    if (!keepDims) return flat;
    return new Tensor(
      new Int32Array([flat]),
      x.shape.map(() => 1),
    );
  }
  const a = normalizeAxis(axis, x.ndim, op);
  if (x.ndim > 0 && x.shape[a] === 0) {
    throw new RangeError(`${op}: axis ${axis} of shape ${fmt(x.shape)} is empty, so it has no ${op}`);
  }
  const kept = x.shape.map((d, i) => (i === a ? 1 : d));
  const flat = kernel(x.data, x.shape, kept);
  // The flat index of an element, turned into its position along the axis.
  const stride = x.ndim === 0 ? 1 : stridesOf(x.shape)[a];
  const n = x.ndim === 0 ? 1 : x.shape[a];
  for (let i = 0; i < flat.length; i++) flat[i] = Math.floor(flat[i] / stride) % n;
  const outShape = keepDims || x.ndim === 0 ? kept : x.shape.filter((_, i) => i !== a);
  return new Tensor(flat, outShape);
}
