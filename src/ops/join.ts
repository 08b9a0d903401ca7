/**
 * Joining and splitting (issue 13): `concat`, `stack` and `split`. All three make copies (a
 * Storage has no offsets or strides, so a piece of a tensor cannot share its values).
 *
 *   concat:  ∂/∂x_k = the k-th piece of g, split along the axis as the inputs were joined
 *   stack:   ∂/∂x_k = the k-th slice of g along the new axis, that axis dropped
 *   split:   ∂/∂x   = the pieces' gradients joined along the axis, zeros for a piece without one
 *
 * Each rule is made of these same ops, so gradients differentiate again.
 */
import { concatKernel, sliceAxisKernel } from "../kernels/layout.js";
import { type DType, promote } from "../memory/dtype.js";
import { allocValues } from "../memory/scope.js";
import { fmt, normalizeAxis, sizeOf } from "../memory/shape.js";
import { record } from "../tensor/graph.js";
import { Tensor } from "../tensor/tensor.js";
import { expectTensor } from "./arithmetic.js";
import { installMethod } from "./methods.js";
import { squeeze } from "./shape.js";

declare module "../tensor/tensor.js" {
  interface Tensor {
    /**
     * PyTorch's split along `axis`: a number gives pieces of that size (the last one smaller),
     * an array the exact sizes (summing to the axis's size). Copies.
     */
    split(sizeOrSizes: number | readonly number[], axis?: number): Tensor[];
  }
}

/** The list argument of concat and stack: a non-empty array of tensors. */
function tensorList(tensors: unknown, op: string): Tensor[] {
  if (!Array.isArray(tensors)) {
    throw new TypeError(`${op}: expected an array of tensors, got ${tensors === null ? "null" : typeof tensors}`);
  }
  if (tensors.length === 0) throw new RangeError(`${op}: expected a non-empty array of tensors, got []`);
  tensors.forEach((t, k) => {
    expectTensor(t, op, `tensors[${k}]`);
  });
  return (tensors as Tensor[]).slice();
}

/** float64 if the dtypes differ (as the arithmetic ops promote), else the common dtype. */
function joinedDtype(tensors: readonly Tensor[]): DType {
  if (tensors.every((t) => t.dtype === "int32")) return "int32"; // indices joined stay indices
  return tensors.reduce<DType>((d, t) => promote(d, t.dtype), tensors[0].dtype);
}

const prod = (s: readonly number[]): number => sizeOf(s);

/**
 * Joins tensors along an existing axis (negative counts from the end). They must have the same
 * rank (at least 1) and the same size on every other axis. The result is a new tensor (a copy);
 * its dtype is the inputs' one, or float64 when they mix float32 and float64 (as the arithmetic
 * ops promote; each input's gradient comes back in its own dtype).
 * Gradient: g split along the axis into pieces of the inputs' sizes, ∂/∂x_k = the k-th piece.
 *
 * @example
 * ```ts
 * import { concat, tensor } from "actigrad";
 * const a = tensor([[1, 2]]);
 * const b = tensor([[3, 4], [5, 6]]);
 * console.log(concat([a, b]).toString()); // shape [3, 2]
 * console.log(concat([a, a], 1).toString()); // shape [1, 4]
 * ```
 * ```text
 * tensor([[1, 2], [3, 4], [5, 6]], dtype=float64)
 * tensor([[1, 2, 1, 2]], dtype=float64)
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const xs = tensorList(tensors, "concat");
  const first = xs[0];
  if (first.ndim === 0) {
    throw new RangeError("concat: tensors[0] is 0-d (shape []); concat joins along an existing axis, so use stack for scalars");
  }
  const a = normalizeAxis(axis, first.ndim, "concat");
  xs.forEach((t, k) => {
    if (t.ndim !== first.ndim) {
      throw new RangeError(
        `concat: tensors[0] has shape ${fmt(first.shape)} and tensors[${k}] has shape ${fmt(t.shape)}; ` +
          `expected the same number of axes (${first.ndim} != ${t.ndim})`,
      );
    }
    t.shape.forEach((d, i) => {
      if (i !== a && d !== first.shape[i]) {
        throw new RangeError(
          `concat: shapes ${fmt(first.shape)} (tensors[0]) and ${fmt(t.shape)} (tensors[${k}]) differ on axis ${i} ` +
            `(${first.shape[i]} != ${d}); joined on axis ${a}, they must match on every other axis`,
        );
      }
    });
  });
  const sizes = xs.map((t) => t.shape[a]);
  const shape = first.shape.slice();
  shape[a] = sizes.reduce((s, n) => s + n, 0);
  const out = new Tensor(allocValues(joinedDtype(xs), prod(shape)), shape);
  concatKernel(
    xs.map((t) => t.data),
    sizes,
    prod(shape.slice(0, a)),
    prod(shape.slice(a + 1)),
    out.data,
  );
  return record(
    out,
    "concat",
    xs,
    (g) =>
      pieces(
        g,
        sizes,
        a,
        xs.map((t) => t.requiresGrad),
      ),
    { axis: a, sizes },
  );
}

/**
 * Joins tensors of one shape along a new axis, at `axis` of the result (in [−rank−1, rank]):
 * n tensors of shape S give S with n inserted there — concat of each unsqueezed at `axis`.
 * A copy; mixed dtypes give float64, as concat.
 * Gradient: ∂/∂x_k = g's k-th slice along the new axis, with that axis dropped (split + squeeze).
 *
 * @example
 * ```ts
 * import { stack, tensor } from "actigrad";
 * const a = tensor([1, 2]);
 * const b = tensor([3, 4]);
 * console.log(stack([a, b]).toString()); // shape [2, 2]
 * console.log(stack([a, b], 1).toString()); // a and b as columns
 * ```
 * ```text
 * tensor([[1, 2], [3, 4]], dtype=float64)
 * tensor([[1, 3], [2, 4]], dtype=float64)
 * ```
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  const xs = tensorList(tensors, "stack");
  const first = xs[0];
  xs.forEach((t, k) => {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new RangeError(
        `stack: tensors[0] has shape ${fmt(first.shape)} and tensors[${k}] has shape ${fmt(t.shape)}; ` +
          "expected every tensor to have the same shape",
      );
    }
  });
  if (typeof axis !== "number" || !Number.isInteger(axis)) {
    throw new TypeError(`stack: axis must be an integer, got ${String(axis)}`);
  }
  const r = first.ndim;
  if (axis < -r - 1 || axis > r) {
    throw new RangeError(
      `stack: axis ${axis} is out of range for tensors of shape ${fmt(first.shape)} ` +
        `(expected ${-r - 1} to ${r}: the new axis goes before an existing one or at the end)`,
    );
  }
  const a = axis < 0 ? axis + r + 1 : axis;
  const shape = first.shape.slice();
  shape.splice(a, 0, xs.length);
  const out = new Tensor(allocValues(joinedDtype(xs), prod(shape)), shape);
  const ones = xs.map(() => 1);
  concatKernel(
    xs.map((t) => t.data),
    ones,
    prod(first.shape.slice(0, a)),
    prod(first.shape.slice(a)),
    out.data,
  );
  return record(
    out,
    "stack",
    xs,
    (g) =>
      pieces(
        g,
        ones,
        a,
        xs.map((t) => t.requiresGrad),
      ).map((p) => p && squeeze(p, a)),
    { axis: a, count: xs.length },
  );
}

/**
 * PyTorch's split: pieces of `x` along `axis` (negative counts from the end). A number gives
 * pieces of that size, the last one smaller when the size does not divide the axis (0 only for
 * an axis of size 0, which gives one empty piece); an array gives the exact sizes, which must
 * sum to the axis's size. Each piece is a new tensor (a copy).
 * Gradient: ∂/∂x = the pieces' gradients joined along the axis, zeros where a piece has none
 * (each piece's rule pads its gradient with zeros to x's shape; the sweep adds them up).
 *
 * @example
 * ```ts
 * import { arange, split } from "actigrad";
 * const x = arange(5);
 * console.log(split(x, 2).map((p) => p.toString()));
 * console.log(split(x, [1, 4]).map((p) => p.toString()));
 * ```
 * ```text
 * [
 *   'tensor([0, 1], dtype=float64)',
 *   'tensor([2, 3], dtype=float64)',
 *   'tensor([4], dtype=float64)'
 * ]
 * [ 'tensor([0], dtype=float64)', 'tensor([1, 2, 3, 4], dtype=float64)' ]
 * ```
 */
export function split(x: Tensor, sizeOrSizes: number | readonly number[], axis = 0): Tensor[] {
  expectTensor(x, "split");
  if (x.ndim === 0) throw new RangeError("split: cannot split a 0-d tensor (shape []); expected at least one axis");
  const a = normalizeAxis(axis, x.ndim, "split");
  const n = x.shape[a];
  let sizes: number[];
  if (typeof sizeOrSizes === "number") {
    const s = sizeOrSizes;
    if (!Number.isInteger(s)) throw new TypeError(`split: size must be an integer, got ${s}`);
    if (s < 0 || (s === 0 && n !== 0)) {
      throw new RangeError(
        `split: size ${s} cannot split axis ${a} of size ${n} (shape ${fmt(x.shape)}); ` +
          "expected a positive size (0 only for an axis of size 0)",
      );
    }
    sizes = n === 0 ? [0] : Array.from({ length: Math.ceil(n / s) }, (_, k) => Math.min(s, n - k * s));
  } else if (Array.isArray(sizeOrSizes)) {
    const list: unknown[] = sizeOrSizes;
    if (list.some((s) => typeof s !== "number" || !Number.isInteger(s))) {
      throw new TypeError(`split: sizes must be integers, got [${list.map(String).join(",")}]`);
    }
    sizes = (list as number[]).slice();
    const total = sizes.reduce((t, s) => t + s, 0);
    if (sizes.length === 0 || sizes.some((s) => s < 0) || total !== n) {
      throw new RangeError(
        `split: sizes [${sizes.join(",")}] ${sizes.some((s) => s < 0) ? "include a negative size" : `sum to ${total}`}; ` +
          `expected non-negative sizes summing to ${n}, the size of axis ${a} of shape ${fmt(x.shape)}`,
      );
    }
  } else {
    throw new TypeError(`split: expected a size or an array of sizes, got ${sizeOrSizes === null ? "null" : typeof sizeOrSizes}`);
  }
  return pieces(x, sizes, a, null) as Tensor[];
}

/**
 * The pieces of `x` along axis `a` with `sizes` (already checked), recorded as "split"; only
 * the wanted ones are made when `want` is given (null for the others).
 */
function pieces(x: Tensor, sizes: readonly number[], a: number, want: readonly boolean[] | null): (Tensor | null)[] {
  const n = x.shape[a];
  const outer = prod(x.shape.slice(0, a));
  const inner = prod(x.shape.slice(a + 1));
  const src = x.data;
  let start = 0;
  return sizes.map((size, k) => {
    const at = start;
    start += size;
    if (want !== null && !want[k]) return null;
    const shape = x.shape.slice();
    shape[a] = size;
    const out = new Tensor(allocValues(x.dtype, prod(shape)), shape);
    sliceAxisKernel(src, outer, n, inner, at, size, out.data);
    return record(out, "split", [x], (g) => [padAxis(g, a, at, n)], { axis: a, sizes, index: k, start: at });
  });
}

/** g placed at [start, start + g.shape[a]) of a zero tensor whose axis `a` has size `n` (concat with zeros). */
function padAxis(g: Tensor, a: number, start: number, n: number): Tensor {
  const zerosOf = (size: number): Tensor => {
    const shape = g.shape.slice();
    shape[a] = size;
    return new Tensor(allocValues(g.dtype, prod(shape)), shape);
  };
  const after = n - start - g.shape[a];
  if (start === 0 && after === 0) return g;
  const parts: Tensor[] = [];
  if (start > 0) parts.push(zerosOf(start));
  parts.push(g);
  if (after > 0) parts.push(zerosOf(after));
  return concat(parts, a);
}

// Tensor.split returns an array; installMethod's type names a Tensor, but it passes the value through.
installMethod("split", split as unknown as (x: Tensor, ...args: unknown[]) => Tensor);
