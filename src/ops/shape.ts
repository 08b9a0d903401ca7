/**
 * Changing shape. Tensors are always contiguous (a Storage has no strides), so an op whose
 * result keeps the values in order is a view — it shares the storage, no copy — and one that
 * reorders or repeats values makes a copy:
 *
 *   view (shares storage): reshape, squeeze, unsqueeze, flatten; expand and permute when no value moves
 *   copy:                  transpose, permute, expand
 *
 * Each gradient undoes the op, in ops that differentiate again:
 *
 *   reshape, squeeze, unsqueeze, flatten:  ∂/∂x = g reshaped back to x's shape
 *   transpose:  ∂/∂x = g transposed back        permute(p):  ∂/∂x = permute(g, p⁻¹)
 *   expand:     ∂/∂x = sumToShape(g, x.shape)   (each copy's gradient summed back)
 */
import { broadcastKernel } from "../kernels/reduce.js";
import { permuteKernel, swapAxesKernel } from "../kernels/layout.js";
import { allocValues } from "../memory/scope.js";
import { record } from "../tensor/graph.js";
import { fmt, normalizeAxes, normalizeAxis, padShape, sameShape, sizeOf } from "../memory/shape.js";
import { type Axis, Tensor } from "../tensor/tensor.js";
import { expectTensor, sumToShape } from "./arithmetic.js";

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** Drops size-1 axes: all of them, or those named (a named axis of another size stays, as PyTorch). A view. */
    squeeze(axis?: Axis | null): Tensor;
    /** Inserts a size-1 axis at `axis`, in [−rank−1, rank]. A view. */
    unsqueeze(axis: number): Tensor;
    /** Reorders the axes: out's axis i is this tensor's axis `axes[i]`. A copy. */
    permute(...axes: number[]): Tensor;
    /** The same, with the axes as one array: `x.permute([2, 0, 1])`. */
    permute(axes: readonly number[]): Tensor;
    /** Merges axes startAxis..endAxis (inclusive) into one; a 0-d tensor becomes [1]. A view. */
    flatten(startAxis?: number, endAxis?: number): Tensor;
    /** Repeats size-1 axes (and new leading axes) to `shape`; −1 keeps a size. A copy. */
    expand(shape: readonly number[]): Tensor;
    /** The same, with the sizes as arguments: `x.expand(3, 4)`. */
    expand(...shape: number[]): Tensor;
  }
}

/**
 * The same values in a new shape of the same size; one entry may be −1, inferred.
 * Gradient: g reshaped back to x's shape.
 *
 * @example
 * ```ts
 * import { arange, reshape } from "actigrad";
 * console.log(reshape(arange(6), [2, -1]).toString());
 * ```
 * ```text
 * tensor([[0, 1, 2], [3, 4, 5]], dtype=float64)
 * ```
 */
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

/**
 * Swaps two axes (by default the last two, so a matrix is transposed): y[…i…j…] = x[…j…i…].
 * Gradient: g with the same two axes swapped back.
 *
 * @example
 * ```ts
 * import { tensor, transpose, zeros } from "actigrad";
 * console.log(transpose(tensor([[1, 2, 3], [4, 5, 6]])).toString());
 * console.log(transpose(zeros([2, 3, 4]), 0, 2).shape);
 * ```
 * ```text
 * tensor([[1, 4], [2, 5], [3, 6]], dtype=float64)
 * [ 4, 3, 2 ]
 * ```
 */
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

/** A view of `x`'s values in `shape` (same size), recorded as `op`; its rule reshapes g back. */
function view(x: Tensor, shape: readonly number[], op: string, args: Record<string, unknown>): Tensor {
  if (sameShape(shape, x.shape)) return x;
  const out = new Tensor(x.storage, shape.slice()); // a view: the same storage
  return record(out, op, [x], (g) => [reshape(g, x.shape)], args);
}

/**
 * Drops size-1 axes: with no axis (or null) every one of them; with an axis or an array of
 * axes, those of them that have size 1 — a named axis of another size is left alone, as in
 * PyTorch. A view (shares x's storage); x itself when nothing is dropped.
 * Gradient: g reshaped back to x's shape.
 *
 * @example
 * ```ts
 * import { squeeze, zeros } from "actigrad";
 * const x = zeros([1, 3, 1]);
 * console.log(squeeze(x).shape, squeeze(x, 0).shape, squeeze(x, 1).shape);
 * ```
 * ```text
 * [ 3 ] [ 3, 1 ] [ 1, 3, 1 ]
 * ```
 */
export function squeeze(x: Tensor, axis?: Axis | null): Tensor {
  expectTensor(x, "squeeze");
  const named = axis === undefined || axis === null ? null : normalizeAxes(axis, x.ndim, "squeeze");
  const drop = named ?? x.shape.map((_, i) => i);
  const shape = x.shape.filter((d, i) => !(d === 1 && drop.includes(i)));
  return view(x, shape, "squeeze", { axis: named });
}

/**
 * Inserts an axis of size 1 at position `axis` of the result, in [−rank−1, rank] (−1 appends
 * one at the end). A view (shares x's storage). Gradient: g reshaped back (the axis dropped).
 *
 * @example
 * ```ts
 * import { tensor, unsqueeze } from "actigrad";
 * const x = tensor([1, 2, 3]);
 * console.log(unsqueeze(x, 0).shape, unsqueeze(x, -1).toString());
 * ```
 * ```text
 * [ 1, 3 ] tensor([[1], [2], [3]], dtype=float64)
 * ```
 */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  expectTensor(x, "unsqueeze");
  if (typeof axis !== "number" || !Number.isInteger(axis)) {
    throw new TypeError(`unsqueeze: axis must be an integer, got ${String(axis)}`);
  }
  const r = x.ndim;
  if (axis < -r - 1 || axis > r) {
    throw new RangeError(
      `unsqueeze: axis ${axis} is out of range for a tensor of shape ${fmt(x.shape)} ` +
        `(expected ${-r - 1} to ${r}: the new axis goes before an existing one or at the end)`,
    );
  }
  const a = axis < 0 ? axis + r + 1 : axis;
  const shape = x.shape.slice();
  shape.splice(a, 0, 1);
  const out = new Tensor(x.storage, shape); // a view: the same storage
  return record(out, "unsqueeze", [x], (g) => [reshape(g, x.shape)], { axis: a });
}

/** The axes of a variadic call: `f(x, 0, 2, 1)` or `f(x, [0, 2, 1])`. */
function listArg(args: readonly unknown[], op: string, what: string): number[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  for (const a of list) {
    if (typeof a !== "number" || !Number.isInteger(a)) {
      throw new TypeError(`${op}: ${what} must be integers (as arguments or one array), got [${list.map(String).join(",")}]`);
    }
  }
  return (list as number[]).slice();
}

/**
 * Reorders the axes: the result's axis i is x's axis `axes[i]`, so its shape is
 * `axes.map(a => x.shape[a])`. Axes may be negative and come as arguments or one array:
 * `x.permute(2, 0, 1)`, `permute(x, [2, 0, 1])`. A copy, since storage has no strides — except
 * when no value moves (only size-1 axes change places): then a view, and x itself for the
 * identity. Gradient: permute(g, p⁻¹), the inverse permutation.
 *
 * @example
 * ```ts
 * import { permute, tensor, zeros } from "actigrad";
 * console.log(permute(zeros([2, 3, 4]), 2, 0, 1).shape);
 * console.log(permute(tensor([[1, 2, 3], [4, 5, 6]]), [1, 0]).toString());
 * ```
 * ```text
 * [ 4, 2, 3 ]
 * tensor([[1, 4], [2, 5], [3, 6]], dtype=float64)
 * ```
 */
export function permute(x: Tensor, ...axes: number[] | [readonly number[]]): Tensor {
  expectTensor(x, "permute");
  const list = listArg(axes, "permute", "axes");
  const r = x.ndim;
  const perm = list.map((a) => (a < 0 ? a + r : a));
  if (list.length !== r || perm.some((a) => a < 0 || a >= r) || new Set(perm).size !== r) {
    throw new RangeError(
      `permute: axes [${list.join(",")}] are not a permutation of the ${r} axes of a tensor of shape ${fmt(x.shape)} ` +
        `(expected each of 0 to ${r - 1} once, or its negative ${-r} to −1)`,
    );
  }
  const shape = perm.map((a) => x.shape[a]);
  const inverse = new Array<number>(r);
  perm.forEach((a, i) => {
    inverse[a] = i;
  });
  const rule = (g: Tensor) => [permute(g, inverse)];
  const moved = perm.filter((a) => x.shape[a] !== 1);
  if (moved.every((a, i) => i === 0 || moved[i - 1] < a)) {
    // The values keep their order: a view (x itself for the identity).
    if (perm.every((a, i) => a === i)) return x;
    return record(new Tensor(x.storage, shape), "permute", [x], rule, { axes: perm });
  }
  const out = new Tensor(allocValues(x.dtype, x.size), shape);
  permuteKernel(x.data, x.shape, perm, out.data);
  return record(out, "permute", [x], rule, { axes: perm });
}

/**
 * Merges axes startAxis..endAxis (inclusive, negative counting from the end) into one of their
 * product's size; a 0-d tensor becomes [1], as in PyTorch. A view (shares x's storage); x itself
 * when nothing merges. Gradient: g reshaped back to x's shape.
 *
 * @example
 * ```ts
 * import { flatten, zeros } from "actigrad";
 * const x = zeros([2, 3, 4]);
 * console.log(flatten(x).shape, flatten(x, 1).shape, flatten(x, 0, 1).shape);
 * ```
 * ```text
 * [ 24 ] [ 2, 12 ] [ 6, 4 ]
 * ```
 */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  expectTensor(x, "flatten");
  const s = normalizeAxis(startAxis, x.ndim, "flatten");
  const e = normalizeAxis(endAxis, x.ndim, "flatten");
  if (x.ndim === 0) return view(x, [1], "flatten", { startAxis: s, endAxis: e });
  if (s > e) {
    throw new RangeError(
      `flatten: startAxis ${startAxis} comes after endAxis ${endAxis} for a tensor of shape ${fmt(x.shape)} ` +
        `(axes ${s} > ${e}; expected startAxis ≤ endAxis)`,
    );
  }
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return view(x, shape, "flatten", { startAxis: s, endAxis: e });
}

/**
 * PyTorch's expand: repeats x along its size-1 axes, and along new leading axes, to `shape`
 * (as an array, or as arguments). −1 keeps x's size on that axis (not allowed on a new leading
 * axis); an axis of size ≠ 1 keeps its size. A copy — except when nothing is repeated (only
 * new leading 1s): then a view, and x itself when the shape is unchanged.
 * Gradient: sumToShape(g, x.shape), each repeated copy's gradient summed back.
 *
 * @example
 * ```ts
 * import { expand, tensor } from "actigrad";
 * console.log(expand(tensor([[1], [2]]), [2, 3]).toString());
 * console.log(expand(tensor([1, 2]), 3, -1).shape);
 * ```
 * ```text
 * tensor([[1, 1, 1], [2, 2, 2]], dtype=float64)
 * [ 3, 2 ]
 * ```
 */
export function expand(x: Tensor, ...shape: number[] | [readonly number[]]): Tensor {
  expectTensor(x, "expand");
  const sizes = listArg(shape, "expand", "sizes");
  const want = `[${sizes.join(",")}]`;
  const bad = sizes.find((d) => d < -1);
  if (bad !== undefined) {
    throw new RangeError(`expand: sizes ${want} must be non-negative, or −1 to keep a size (got ${bad})`);
  }
  const lead = sizes.length - x.ndim;
  if (lead < 0) {
    throw new RangeError(
      `expand: ${sizes.length} sizes ${want} for a tensor of shape ${fmt(x.shape)} ` +
        `(expected at least ${x.ndim}, one per axis; new axes go in front)`,
    );
  }
  const target = sizes.map((d, i) => {
    if (i < lead) {
      if (d === -1) {
        throw new RangeError(`expand: size −1 on the new leading axis ${i} of ${want} (−1 keeps an existing size only)`);
      }
      return d;
    }
    const own = x.shape[i - lead];
    if (d === -1 || d === own) return own;
    if (own !== 1) {
      throw new RangeError(
        `expand: cannot expand shape ${fmt(x.shape)} to ${want}: axis ${i - lead} has size ${own}, not 1, ` +
          `so it must stay ${own} (or −1), got ${d}`,
      );
    }
    return d;
  });
  if (sameShape(target, x.shape)) return x;
  const rule = (g: Tensor) => [sumToShape(g, x.shape)];
  const args = { shape: target };
  if (sizeOf(target) === x.size) return record(new Tensor(x.storage, target), "expand", [x], rule, args);
  const out = new Tensor(allocValues(x.dtype, sizeOf(target)), target);
  broadcastKernel(x.data, padShape(x.shape, target.length), out.data, target);
  return record(out, "expand", [x], rule, args);
}

// The methods are installed here, as src/ops/methods.ts's installMethod would, but by this file's
// own loop: methods.ts imports this file (for reshape and transpose), so importing it back would
// be a cycle that calls installMethod before methods.ts has run. A rest parameter also lets
// permute and expand take any number of arguments (`x.permute(3, 0, 1, 2)`).
for (const [name, fn] of [
  ["squeeze", squeeze],
  ["unsqueeze", unsqueeze],
  ["permute", permute],
  ["flatten", flatten],
  ["expand", expand],
] as const) {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]) {
      return (fn as (x: Tensor, ...rest: unknown[]) => Tensor)(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}
