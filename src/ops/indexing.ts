/**
 * Indexing (issue 13), PyTorch's names in camelCase: `select`, `slice`, `indexSelect`, `gather`
 * and `maskedFill`. Each is a free function (the tensor first) and a Tensor method.
 *
 * Every result is a copy: a Storage has no offset or strides, so not even a contiguous run
 * (select or slice on axis 0) can share its values with the input.
 *
 * The first four pick elements of x by flat index — they work out which x element each output
 * element is, and hand that list to `takeFlat`. Their gradient is then the adjoint pick,
 * `putFlat`: the upstream put back where it was taken from, zeros elsewhere, and a repeated
 * index adds up its gradients. `putFlat`'s own gradient is `takeFlat` again, so second (and
 * higher) derivatives go through.
 *
 *   select:      ∂L/∂x = the upstream put back at index i of the axis, zeros elsewhere
 *   slice:       ∂L/∂x = the upstream put back at start, start + step, …; zeros elsewhere
 *   indexSelect: ∂L/∂x_j = Σ of the upstream over the positions k with indices[k] = j
 *   gather:      ∂L/∂x = the upstream scattered back to the positions index named, added up
 *   maskedFill:  ∂L/∂x = the upstream where the mask is 0, zero where filled;
 *                ∂L/∂value (a 0-d tensor) = Σ of the upstream over the filled positions
 */
import { broadcastKernel } from "../kernels/reduce.js";
import { allocValues } from "../memory/scope.js";
import type { Shape } from "../memory/shape.js";
import { broadcastsTo, fmt, normalizeAxis, padShape, sameShape, sizeOf, stridesOf } from "../memory/shape.js";
import { record } from "../tensor/graph.js";
import type { NestedArray } from "../tensor/tensor.js";
import { Tensor } from "../tensor/tensor.js";
import { describe, expectTensor } from "./arithmetic.js";
import { where } from "./compare.js";
import { putFlat, takeFlat } from "./flat.js";
import { installMethod } from "./methods.js";
import { sum } from "./reduce.js";

declare module "../tensor/tensor.js" {
  interface Tensor {
    /**
     * The slice at index `i` of `axis`, with that axis dropped (PyTorch's `x.select(axis, i)`;
     * `x.select(0, -1)` is the last row). A copy. Gradient: the upstream put back at index i.
     */
    select(axis: number, i: number): Tensor;
    /**
     * Python's `x[start:end:step]` along `axis`: negative bounds count from the end, bounds out of
     * range are clamped, `null`/omitted bounds mean the whole axis; step ≥ 1. An empty result is
     * allowed. A copy. Gradient: the upstream put back at the taken positions, zeros elsewhere.
     */
    slice(axis: number, start?: number | null, end?: number | null, step?: number): Tensor;
    /**
     * The entries at `indices` (in that order, repeats allowed, 0 ≤ index < size) along `axis`
     * (PyTorch's `index_select`). A copy. Gradient: each taken entry's upstream added back to
     * where it came from, so repeated indices accumulate.
     */
    indexSelect(axis: number, indices: IndexList): Tensor;
    /**
     * PyTorch's `gather`: out[i][j][k] = x[index[i][j][k]][j][k] for axis 0 (likewise for other
     * axes); `index` has x's rank and sizes ≤ x's off the axis, and out has index's shape. A copy.
     * Gradient: the upstream scattered back to the positions named, repeated ones added up.
     */
    gather(axis: number, index: Tensor | NestedArray): Tensor;
    /**
     * x with `value` wherever `mask` (broadcast to x's shape) is nonzero (PyTorch's
     * `masked_fill`). A copy. Gradient: the upstream where the mask is 0, zero where filled.
     */
    maskedFill(mask: Tensor | NestedMask, value: number | Tensor): Tensor;
  }
}

/**
 * Indices for `indexSelect`: integers as an array, an Int32Array (or another typed array holding
 * integers), or a 1-d Tensor of integer values.
 *
 * @example
 * ```ts
 * import { indexSelect, tensor, type IndexList } from "actigrad";
 * const x = tensor([10, 20, 30]);
 * const lists: IndexList[] = [[2, 0], Int32Array.from([1]), tensor([0, 0])];
 * for (const indices of lists) console.log(indexSelect(x, 0, indices).toString());
 * ```
 * ```text
 * tensor([30, 10], dtype=float64)
 * tensor([20], dtype=float64)
 * tensor([10, 10], dtype=float64)
 * ```
 */
export type IndexList =
  | readonly number[]
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Float64Array
  | Float32Array
  | Tensor;
/**
 * A mask given as nested arrays of numbers (nonzero = fill) or booleans.
 *
 * @example
 * ```ts
 * import { maskedFill, tensor, type NestedMask } from "actigrad";
 * const mask: NestedMask = [[true, false], [false, true]];
 * console.log(maskedFill(tensor([[1, 2], [3, 4]]), mask, 0).toString());
 * ```
 * ```text
 * tensor([[0, 2], [3, 0]], dtype=float64)
 * ```
 */
export type NestedMask = number | boolean | readonly NestedMask[];

// ---------------------------------------------------------------------------------------------
// Checks shared by the ops. Everything is checked before anything is made, so a failed call
// changes nothing.

/** An integer (what `what` is for), naming `op`: TypeError for a non-number, RangeError for a non-integer. */
function integer(v: unknown, op: string, what: string): number {
  if (typeof v !== "number") throw new TypeError(`${op}: ${what} must be an integer, got ${describe(v)}`);
  if (!Number.isInteger(v)) throw new RangeError(`${op}: ${what} must be an integer, got ${v}`);
  return v;
}

/** The axis of an op that needs one (rank ≥ 1), normalized. */
function axisOf(x: Tensor, axis: unknown, op: string): number {
  if (x.ndim === 0) {
    throw new RangeError(`${op}: a 0-d tensor (shape []) has no axis to index; reshape it to [1] first`);
  }
  return normalizeAxis(axis as number, x.ndim, op);
}

/** The shape's size before `axis`, at it, and after it: x is [outer, n, inner] around the axis. */
function around(shape: Shape, axis: number): { outer: number; n: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), n: shape[axis], inner: sizeOf(shape.slice(axis + 1)) };
}

/**
 * Flat indices into x (shape [outer, n, inner] around the axis) of the output [outer, k, inner]
 * that takes the axis entries `at` (k of them) in order.
 */
function alongAxis(shape: Shape, axis: number, at: ArrayLike<number>): Int32Array {
  const { outer, n, inner } = around(shape, axis);
  const k = at.length;
  const idx = new Int32Array(outer * k * inner);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const base = (o * n + at[j]) * inner;
      for (let r = 0; r < inner; r++) idx[p++] = base + r;
    }
  }
  return idx;
}

/** Shape and flat values of nested arrays (numbers, or booleans when `booleans`), naming `op` and `what`. */
function fromNested(value: unknown, op: string, what: string, booleans: boolean): { shape: number[]; values: number[] } {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const values: number[] = [];
  const expected = booleans ? "numbers or booleans" : "numbers";
  const walk = (v: unknown, depth: number, at: number[]): void => {
    if (depth === shape.length) {
      if (typeof v === "number") values.push(v);
      else if (booleans && typeof v === "boolean") values.push(v ? 1 : 0);
      else throw new TypeError(`${op}: ${what} must hold ${expected}, got ${describe(v)} at [${at.join(",")}]`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new RangeError(
        `${op}: ${what} is ragged: at [${at.join(",")}] expected an array of length ${shape[depth]}, got ${describe(v)}` +
          (Array.isArray(v) ? ` of length ${v.length}` : ""),
      );
    }
    v.forEach((e, i) => walk(e, depth + 1, [...at, i]));
  };
  walk(value, 0, []);
  return { shape, values };
}

/** Row-major multi-index of flat position `i` in `shape`, as text "[1,0,2]". */
function position(i: number, shape: Shape): string {
  const pos = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    pos[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return `[${pos.join(",")}]`;
}

// ---------------------------------------------------------------------------------------------
// select

/**
 * The slice at index `i` of `axis`, that axis dropped: `select(x, 0, 1)` is x's second row,
 * `select(x, -1, -1)` its last column. `i` may be negative, counting from the end. A copy.
 *
 *   ∂select(x)/∂x: the upstream put back at index i of the axis, zeros elsewhere.
 *
 * @example
 * ```ts
 * import { select, tensor } from "actigrad";
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * console.log(select(x, 0, 1).toString(), select(x, -1, -1).toString());
 * ```
 * ```text
 * tensor([4, 5, 6], dtype=float64) tensor([3, 6], dtype=float64)
 * ```
 */
export function select(x: Tensor, axis: number, i: number): Tensor {
  expectTensor(x, "select");
  const ax = axisOf(x, axis, "select");
  const index = integer(i, "select", "index");
  const n = x.shape[ax];
  if (index < -n || index >= n) {
    const expected = n === 0 ? "the axis is empty, so no index is valid" : `expected ${-n} to ${n - 1}`;
    throw new RangeError(
      `select: index ${index} is out of range for axis ${axis} of size ${n} (shape ${fmt(x.shape)}; ${expected})`,
    );
  }
  const at = index < 0 ? index + n : index;
  const shape = x.shape.filter((_, d) => d !== ax);
  return takeFlat(x, alongAxis(x.shape, ax, [at]), shape, "select", { axis: ax, index: at });
}

// ---------------------------------------------------------------------------------------------
// slice

/**
 * Python's `slice(start, end, step).indices(n)` for step ≥ 1: a bound that is null/undefined
 * means the axis' start (or end); a negative one counts from the end; then each is clamped to
 * [0, n]. Returns the first index, the number of entries taken, and the clamped end.
 */
function sliceIndices(
  n: number,
  start: number | null | undefined,
  end: number | null | undefined,
  step: number,
): { first: number; count: number; stop: number } {
  const clamp = (b: number | null | undefined, dflt: number): number => {
    if (b === null || b === undefined) return dflt;
    const v = b < 0 ? b + n : b;
    return v < 0 ? 0 : v > n ? n : v;
  };
  const first = clamp(start, 0);
  const stop = clamp(end, n);
  const count = stop > first ? Math.floor((stop - first + step - 1) / step) : 0;
  return { first, count, stop };
}

/**
 * Python's `x[start:end:step]` along `axis` (`slice(x, 0, 1, 3)` is rows 1 and 2, `slice(x, -1, -2)`
 * the last two columns, `slice(x, 0, null, null, 2)` every other row). Bounds follow Python exactly:
 * negative ones count from the end, out-of-range ones are clamped, null or omitted means the whole
 * axis, and start ≥ end gives an empty axis rather than an error. `step` is an integer ≥ 1 (PyTorch
 * rejects negative steps too). A copy.
 *
 *   ∂slice(x)/∂x: the upstream put back at start, start + step, …; zeros elsewhere.
 *
 * @example
 * ```ts
 * import { slice, tensor } from "actigrad";
 * const x = tensor([0, 1, 2, 3, 4, 5]);
 * console.log(slice(x, 0, 1, 3).toString()); // x[1:3]
 * console.log(slice(x, 0, -2).toString()); // x[-2:]
 * console.log(slice(x, 0, null, null, 2).toString()); // x[::2]
 * ```
 * ```text
 * tensor([1, 2], dtype=float64)
 * tensor([4, 5], dtype=float64)
 * tensor([0, 2, 4], dtype=float64)
 * ```
 */
export function slice(x: Tensor, axis: number, start?: number | null, end?: number | null, step = 1): Tensor {
  expectTensor(x, "slice");
  const ax = axisOf(x, axis, "slice");
  if (start !== null && start !== undefined) integer(start, "slice", "start");
  if (end !== null && end !== undefined) integer(end, "slice", "end");
  // A step of null/undefined is Python's default, 1.
  const st = step === null || step === undefined ? 1 : integer(step, "slice", "step");
  if (st < 1) {
    throw new RangeError(`slice: step must be an integer ≥ 1, got ${st} (negative steps are not supported, as in PyTorch)`);
  }
  const n = x.shape[ax];
  const { first, count, stop } = sliceIndices(n, start, end, st);
  const at = new Int32Array(count);
  for (let j = 0; j < count; j++) at[j] = first + j * st;
  const shape = x.shape.slice();
  shape[ax] = count;
  return takeFlat(x, alongAxis(x.shape, ax, at), shape, "slice", { axis: ax, start: first, end: stop, step: st });
}

// ---------------------------------------------------------------------------------------------
// indexSelect

/** The integer values of an IndexList, checked to lie in [0, n), naming `op`. */
function readIndices(indices: unknown, n: number, axis: number, shape: Shape, op: string): Int32Array {
  let values: ArrayLike<unknown>;
  if (indices instanceof Tensor) {
    if (indices.ndim > 1) {
      throw new RangeError(`${op}: indices must be a 1-d tensor (or 0-d), got shape ${fmt(indices.shape)}`);
    }
    values = indices.data;
  } else if (Array.isArray(indices) || (ArrayBuffer.isView(indices) && !(indices instanceof DataView))) {
    values = indices as ArrayLike<unknown>;
  } else {
    throw new TypeError(`${op}: indices must be an array of integers, an Int32Array or a 1-d Tensor, got ${describe(indices)}`);
  }
  const out = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (typeof v !== "number") throw new TypeError(`${op}: indices[${k}] must be an integer, got ${describe(v)}`);
    const range = n === 0 ? "the axis is empty, so no index is valid" : `expected integers 0 to ${n - 1}`;
    if (!Number.isInteger(v)) {
      throw new RangeError(`${op}: indices[${k}] = ${v} is not an integer (${range})`);
    }
    if (v < 0 || v >= n) {
      throw new RangeError(
        `${op}: indices[${k}] = ${v} is out of range for axis ${axis} of size ${n} (shape ${fmt(shape)}; ${range}` +
          (v < 0 && n > 0 ? "; negative indices are not allowed, as in PyTorch)" : ")"),
      );
    }
    out[k] = v;
  }
  return out;
}

/**
 * The entries at `indices` along `axis`, in that order (PyTorch's `index_select`):
 * `indexSelect(x, 0, [2, 0, 2])` stacks rows 2, 0 and 2. Indices are integers 0 ≤ i < size
 * (negatives are an error, as in PyTorch), given as an array, an Int32Array or a 0-/1-d Tensor of
 * integer values; repeats and an empty list are fine. The axis keeps its place with size
 * indices.length. A copy.
 *
 *   ∂indexSelect(x)/∂x_j: Σ of the upstream over the positions k with indices[k] = j.
 *
 * @example
 * ```ts
 * import { indexSelect, tensor } from "actigrad";
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * console.log(indexSelect(x, 0, [2, 0, 2]).toString());
 * ```
 * ```text
 * tensor([[5, 6], [1, 2], [5, 6]], dtype=float64)
 * ```
 */
export function indexSelect(x: Tensor, axis: number, indices: IndexList): Tensor {
  expectTensor(x, "indexSelect");
  const ax = axisOf(x, axis, "indexSelect");
  const at = readIndices(indices, x.shape[ax], axis, x.shape, "indexSelect");
  const shape = x.shape.slice();
  shape[ax] = at.length;
  // The rows are copied whole (a batch of MNIST digits: 784 values per copy); the flat indices
  // the rule needs are only made if a backward sweep asks for them.
  const { outer, n, inner } = around(x.shape, ax);
  const out = new Tensor(allocValues(x.dtype, sizeOf(shape)), shape);
  const a = x.data,
    o = out.data;
  for (let b = 0, p = 0; b < outer; b++) {
    for (let j = 0; j < at.length; j++, p += inner) {
      const from = (b * n + at[j]) * inner;
      o.set(a.subarray(from, from + inner), p);
    }
  }
  return record(out, "indexSelect", [x], (g) => [putFlat(g, alongAxis(x.shape, ax, at), x.shape, "indexSelectBackward", x)], {
    axis: ax,
    indices: Array.from(at),
  });
}

// ---------------------------------------------------------------------------------------------
// gather

/**
 * PyTorch's `gather`: out has `index`'s shape and out[i][j][k] = x[index[i][j][k]][j][k] for
 * axis 0, x[i][index[i][j][k]][k] for axis 1, and so on. `index` (a Tensor of integer values or
 * nested arrays of integers) has x's rank; off the axis its sizes are at most x's, along it any;
 * its values are 0 ≤ v < x.shape[axis]. A copy.
 *
 *   ∂gather(x)/∂x: the upstream scattered back to the positions index named, repeats added up.
 *
 * @example
 * ```ts
 * import { gather, tensor } from "actigrad";
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * console.log(gather(x, 1, [[2, 0], [1, 1]]).toString()); // out[i][j] = x[i][index[i][j]]
 * ```
 * ```text
 * tensor([[3, 1], [5, 5]], dtype=float64)
 * ```
 */
export function gather(x: Tensor, axis: number, index: Tensor | NestedArray): Tensor {
  expectTensor(x, "gather");
  const ax = normalizeAxis(axis, x.ndim, "gather");
  let ishape: Shape;
  let values: ArrayLike<number>;
  if (index instanceof Tensor) {
    ishape = index.shape;
    values = index.data;
  } else if (Array.isArray(index) || typeof index === "number") {
    ({ shape: ishape, values } = fromNested(index, "gather", "index", false));
  } else {
    throw new TypeError(`gather: index must be a Tensor or nested arrays of integers, got ${describe(index)}`);
  }
  if (ishape.length !== x.ndim) {
    throw new RangeError(
      `gather: index of shape ${fmt(ishape)} must have the input's rank ${x.ndim} (input shape ${fmt(x.shape)})`,
    );
  }
  for (let d = 0; d < x.ndim; d++) {
    if (d !== ax && ishape[d] > x.shape[d]) {
      throw new RangeError(
        `gather: index of shape ${fmt(ishape)} is larger than the input's shape ${fmt(x.shape)} on axis ${d} ` +
          `(${ishape[d]} > ${x.shape[d]}); off the gathered axis ${ax}, index sizes must be ≤ the input's`,
      );
    }
  }
  // A 0-d tensor counts as shape [1] (index 0 picks its one value).
  const xs = x.ndim === 0 ? [1] : x.shape;
  const is = x.ndim === 0 ? [1] : ishape;
  const n = xs[ax];
  const xStrides = stridesOf(xs);
  const idx = new Int32Array(values.length);
  const pos = new Array<number>(is.length).fill(0); // the multi-index of output element p
  for (let p = 0; p < values.length; p++) {
    const v = values[p];
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      const what = Number.isInteger(v) ? `is out of range for axis ${axis} of size ${n}` : "is not an integer";
      throw new RangeError(
        `gather: index ${v} at ${position(p, ishape)} ${what} (input shape ${fmt(x.shape)}; ` +
          (n === 0 ? "the axis is empty, so no index is valid)" : `expected integers 0 to ${n - 1})`),
      );
    }
    let flat = 0;
    for (let d = 0; d < is.length; d++) flat += (d === ax ? v : pos[d]) * xStrides[d];
    idx[p] = flat;
    for (let d = is.length - 1; d >= 0; d--) {
      if (++pos[d] < is[d]) break;
      pos[d] = 0;
    }
  }
  return takeFlat(x, idx, ishape, "gather", { axis: ax, indexShape: ishape.slice() });
}

// ---------------------------------------------------------------------------------------------
// maskedFill

/**
 * x with `value` wherever `mask` is nonzero (PyTorch's `masked_fill`): `maskedFill(x, x.lt(0), 0)`
 * zeroes the negatives. `mask` is a Tensor (0/1, or any values: nonzero — NaN included — means
 * fill) or nested arrays of numbers or booleans, and must broadcast to x's shape; the result has
 * x's shape and dtype. `value` is a number or a 0-d Tensor (then it gets a gradient too). A copy.
 *
 *   ∂maskedFill(x)/∂x: the upstream where the mask is 0, zero where filled;
 *   ∂maskedFill/∂value: Σ of the upstream over the filled positions.
 *
 * @example
 * ```ts
 * import { maskedFill, tensor } from "actigrad";
 * const x = tensor([-1, 2, -3, 4]);
 * console.log(maskedFill(x, x.lt(0), 0).toString());
 * ```
 * ```text
 * tensor([0, 2, 0, 4], dtype=float64)
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor | NestedMask, value: number | Tensor): Tensor {
  expectTensor(x, "maskedFill");
  let m: Tensor | null = mask instanceof Tensor ? mask : null;
  let nested: { shape: number[]; values: number[] } | null = null;
  if (m === null) {
    if (!Array.isArray(mask) && typeof mask !== "number" && typeof mask !== "boolean") {
      throw new TypeError(`maskedFill: mask must be a Tensor or nested arrays of numbers or booleans, got ${describe(mask)}`);
    }
    nested = fromNested(mask, "maskedFill", "mask", true);
  }
  const mshape = m ? m.shape : nested!.shape;
  if (!broadcastsTo(mshape, x.shape)) {
    throw new RangeError(
      `maskedFill: mask of shape ${fmt(mshape)} cannot be broadcast to the input's shape ${fmt(x.shape)} ` +
        "(the result keeps the input's shape)",
    );
  }
  let v: number;
  let vt: Tensor | null = null;
  if (value instanceof Tensor) {
    if (value.ndim !== 0) {
      throw new RangeError(`maskedFill: a Tensor value must be 0-d (one number), got shape ${fmt(value.shape)}`);
    }
    vt = value;
    v = value.data[0];
  } else if (typeof value === "number") {
    v = value;
  } else {
    throw new TypeError(`maskedFill: value must be a number or a 0-d Tensor, got ${describe(value)}`);
  }
  // Checked; now make things.
  if (m === null) {
    const data = allocValues("float64", nested!.values.length);
    data.set(nested!.values);
    m = new Tensor(data, nested!.shape);
  }
  const maskT = m;
  let mv = maskT.data;
  if (!sameShape(maskT.shape, x.shape)) {
    const full = allocValues(maskT.dtype, x.size);
    broadcastKernel(mv, padShape(maskT.shape, x.ndim), full, x.shape);
    mv = full;
  }
  const out = new Tensor(allocValues(x.dtype, x.size), x.shape);
  const a = x.data,
    o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = mv[i] !== 0 ? v : a[i];
  const inputs = vt ? [x, maskT, vt] : [x, maskT];
  return record(
    out,
    "maskedFill",
    inputs,
    (g) => [x.requiresGrad ? where(maskT, 0, g) : null, null, vt?.requiresGrad ? sum(where(maskT, g, 0)) : null],
    { value: v, maskShape: maskT.shape.slice() },
  );
}

// ---------------------------------------------------------------------------------------------
// The methods: x.select(axis, i) is select(x, axis, i), and so on.

installMethod("select", select);
installMethod("indexSelect", indexSelect);
installMethod("gather", gather);
installMethod("maskedFill", maskedFill);
installMethod("slice", slice);
