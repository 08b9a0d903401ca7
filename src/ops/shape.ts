/**
 * Changing shape. `reshape` keeps the values in order (it shares the storage, no copy);
 * `transpose` swaps two axes (a copy, since tensors are always contiguous).
 *
 *   reshape:   ∂/∂x = g reshaped back        transpose: ∂/∂x = g transposed back
 */
import { swapAxesKernel } from "../kernels/layout.js";
import { allocValues } from "../memory/scope.js";
import { record } from "../tensor/graph.js";
import { fmt, normalizeAxis, sameShape, sizeOf } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { expectTensor } from "./arithmetic.js";

/** The same values in a new shape of the same size; one entry may be −1, inferred. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor(x, "reshape");
  if (!Array.isArray(shape)) throw new TypeError(`reshape: shape must be an array of integers, got ${String(shape)}`);
  const bad = shape.find((d) => typeof d !== "number" || !Number.isInteger(d) || d < -1);
  if (bad !== undefined || shape.filter((d) => d === -1).length > 1) {
    throw new RangeError(`reshape: shape [${shape.join(",")}] must hold non-negative integers and at most one −1`);
  }
  const known = shape.reduce((n, d) => (d === -1 ? n : n * d), 1);
  const target = shape.slice();
  const hole = target.indexOf(-1);
  if (hole >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new RangeError(`reshape: cannot reshape ${fmt(x.shape)} (${x.size} elements) to [${shape.join(",")}]`);
    }
    target[hole] = x.size / known;
  }
  if (sizeOf(target) !== x.size) {
    throw new RangeError(
      `reshape: cannot reshape ${fmt(x.shape)} (${x.size} elements) to ${fmt(target)} (${sizeOf(target)} elements)`,
    );
  }
  if (sameShape(target, x.shape)) return x;
  const out = new Tensor(x.storage, target); // a view: the same storage
  return record(out, "reshape", [x], (g) => [reshape(g, x.shape)]);
}

/** Swaps two axes (by default the last two, so a matrix is transposed). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  expectTensor(x, "transpose");
  if (x.ndim < 2 && (axis0 === -2 || axis1 === -2)) {
    throw new RangeError(`transpose: a tensor of shape ${fmt(x.shape)} has fewer than 2 axes to swap`);
  }
  const a0 = normalizeAxis(axis0, x.ndim, "transpose");
  const a1 = normalizeAxis(axis1, x.ndim, "transpose");
  if (a0 === a1 || x.ndim < 2) return x;
  const shape = x.shape.slice();
  [shape[a0], shape[a1]] = [shape[a1], shape[a0]];
  const out = new Tensor(allocValues(x.dtype, x.size), shape);
  swapAxesKernel(x.data, x.shape, a0, a1, out.data);
  return record(out, "transpose", [x], (g) => [transpose(g, a0, a1)], { axis0: a0, axis1: a1 });
}
