/**
 * Reductions over all axes, one axis or several (negative axes count from the end), with
 * `keepDims` to keep reduced axes as size 1.
 *
 *   sum:  ∂/∂x = g broadcast back over the reduced axes
 *   mean: sum / n
 *   max:  g goes to the first largest element of each group (NaN counts as largest)
 */
import { argmaxKernel, sumToShapeKernel } from "../kernels/reduce.js";
import { allocValues } from "../memory/scope.js";
import { record } from "../tensor/graph.js";
import type { Shape } from "../memory/shape.js";
import { fmt, normalizeAxes, sizeOf } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { Axis } from "../tensor/tensor.js";
import { broadcastTo, div, expectTensor } from "./arithmetic.js";
import { takeFlat } from "./flat.js";
import { reshape } from "./shape.js";

/** The kept-dims shape (1 on reduced axes) and the result shape for a reduction. */
function reducedShapes(x: Tensor, axis: Axis | null | undefined, keepDims: boolean, op: string) {
  expectTensor(x, op);
  const axes = normalizeAxes(axis, x.ndim, op);
  const kept: number[] = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape: Shape = keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i));
  return { axes, kept, outShape };
}

/** Σ over `axis` (all axes when omitted). `x.sum(-1, true)` keeps the last axis as size 1. */
export function sum(x: Tensor, axis?: Axis | null, keepDims = false): Tensor {
  const { axes, kept, outShape } = reducedShapes(x, axis, keepDims, "sum");
  const out = new Tensor(allocValues(x.dtype, sizeOf(kept)), outShape);
  sumToShapeKernel(x.data, x.shape, out.data, kept);
  return record(out, "sum", [x], (g) => [broadcastTo(reshape(g, kept), x.shape)], { axes, keepDims });
}

/** The average over `axis` (all axes when omitted): sum / count. */
export function mean(x: Tensor, axis?: Axis | null, keepDims = false): Tensor {
  const { axes } = reducedShapes(x, axis, keepDims, "mean");
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  return div(sum(x, axis, keepDims), count);
}

/** The largest value over `axis`; the gradient goes to the first arg-max of each group. */
export function max(x: Tensor, axis?: Axis | null, keepDims = false): Tensor {
  const { axes, kept, outShape } = reducedShapes(x, axis, keepDims, "max");
  if (axes.some((a) => x.shape[a] === 0) || (x.size === 0 && axes.length === x.ndim)) {
    throw new RangeError(`max: cannot take the max over an empty axis (shape ${fmt(x.shape)})`);
  }
  const idx = argmaxKernel(x.data, x.shape, kept);
  return takeFlat(x, idx, outShape, "max", { axes, keepDims });
}
