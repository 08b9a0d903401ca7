/**
 * Making tensors: from nested arrays, numbers or typed arrays (`tensor`), and filled ones
 * (`zeros`, `ones`, `full`, `arange`, and the seeded `randn` / `rand`).
 */
import type { DType, FloatArray } from "../memory/dtype.js";
import { checkAnyDtype, checkDtype, dtypeOf, getDefaultDtype, toInt32 } from "../memory/dtype.js";
import { allocValues } from "../memory/scope.js";
import { random, randomNormal } from "./random.js";
import type { Shape } from "../memory/shape.js";
import { checkShape, fmt, sizeOf } from "../memory/shape.js";
import { Tensor } from "./tensor.js";

/**
 * Options of the creation functions: the dtype (default `getDefaultDtype()`) and whether the new leaf records a gradient.
 *
 * @example
 * ```ts
 * import { zeros, type TensorOptions } from "actigrad";
 * const opts: TensorOptions = { dtype: "float32", requiresGrad: true };
 * console.log(zeros([2, 2], opts).toString());
 * ```
 * ```text
 * tensor([[0, 0], [0, 0]], dtype=float32, requiresGrad=true)
 * ```
 */
export interface TensorOptions {
  /** The dtype of the values (default: `getDefaultDtype()`). */
  dtype?: DType;
  /** Whether backward() fills this leaf's `.grad` (default false). */
  requiresGrad?: boolean;
}

type Nested = number | readonly Nested[];

function dtypeFrom(opts: TensorOptions, op: string, fallback: DType = getDefaultDtype(), allowInt32 = false): DType {
  if (opts.dtype === undefined) return fallback;
  if (allowInt32) checkAnyDtype(opts.dtype, op);
  else checkDtype(opts.dtype, op);
  return opts.dtype;
}

function shapeArg(shape: number | Shape, op: string): number[] {
  return checkShape(typeof shape === "number" ? [shape] : shape, op);
}

/** Infers the shape of a nested array, rejecting ragged rows and anything but numbers. */
function inferShape(value: Nested): number[] {
  const shape: number[] = [];
  let v: Nested = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  const check = (node: unknown, axis: number, path: number[]) => {
    if (axis === shape.length) {
      if (typeof node !== "number") {
        throw new TypeError(`tensor: expected a number at [${path.join(",")}], got ${describe(node)}`);
      }
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[axis]) {
      const got = Array.isArray(node) ? `${node.length} element${node.length === 1 ? "" : "s"}` : describe(node);
      throw new TypeError(
        `tensor: ragged nested array: expected ${shape[axis]} elements at [${path.join(",")}] ` +
          `(shape ${fmt(shape)} from the first row), got ${got}`,
      );
    }
    for (let i = 0; i < node.length; i++) check(node[i], axis + 1, [...path, i]);
  };
  check(value, 0, []);
  return shape;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  if (v === null || v === undefined) return String(v);
  return `${typeof v} ${String(v)}`;
}

function flatten(value: Nested, out: FloatArray): void {
  let k = 0;
  const walk = (v: Nested) => {
    if (typeof v === "number") out[k++] = v;
    else for (const x of v) walk(x);
  };
  walk(value);
}

/**
 * Builds a tensor from a number, nested arrays, or a flat typed/plain array with `{ shape }`.
 * The values are copied. A `Float32Array` stays float32 unless `{ dtype }` says otherwise.
 *
 *   tensor([[1, -2], [3, 4]], { requiresGrad: true })
 *   tensor(new Float32Array(6), { shape: [2, 3] })
 *
 * @example
 * ```ts
 * import { tensor } from "actigrad";
 * const x = tensor([[1, -2], [3, 4]], { requiresGrad: true });
 * console.log(x.toString(), x.shape);
 * console.log(tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] }).toString());
 * ```
 * ```text
 * tensor([[1, -2], [3, 4]], dtype=float64, requiresGrad=true) [ 2, 2 ]
 * tensor([[1, 2, 3], [4, 5, 6]], dtype=float32)
 * ```
 */
export function tensor(value: Nested | ArrayLike<number> | Tensor, opts: TensorOptions & { shape?: Shape } = {}): Tensor {
  if (value instanceof Tensor) {
    const dtype = dtypeFrom(opts, "tensor", value.dtype, true);
    const shape = opts.shape ? checkShape(opts.shape, "tensor") : value.shape;
    if (dtype === "int32") return new Tensor(toInt32(value.data, "tensor"), shape, opts.requiresGrad);
    const data = allocValues(dtype, value.size);
    data.set(value.data);
    return new Tensor(data, shape, opts.requiresGrad);
  }
  if (ArrayBuffer.isView(value) || (Array.isArray(value) && opts.shape !== undefined)) {
    const flat = value as ArrayLike<number>;
    const typed = value instanceof Float32Array || value instanceof Float64Array || value instanceof Int32Array;
    const dtype = dtypeFrom(opts, "tensor", typed ? dtypeOf(value) : getDefaultDtype(), true);
    const shape = opts.shape !== undefined ? checkShape(opts.shape, "tensor") : [flat.length];
    if (sizeOf(shape) !== flat.length) {
      throw new RangeError(`tensor: ${flat.length} values do not fill shape ${fmt(shape)} (${sizeOf(shape)} elements)`);
    }
    if (dtype === "int32") return new Tensor(toInt32(flat, "tensor"), shape, opts.requiresGrad);
    const data = allocValues(dtype, flat.length);
    for (let i = 0; i < flat.length; i++) {
      const x = flat[i];
      if (typeof x !== "number") throw new TypeError(`tensor: expected a number at [${i}], got ${describe(x)}`);
      data[i] = x;
    }
    return new Tensor(data, shape, opts.requiresGrad);
  }
  if (typeof value !== "number" && !Array.isArray(value)) {
    throw new TypeError(`tensor: expected a number, nested arrays of numbers or a typed array, got ${describe(value)}`);
  }
  const shape = inferShape(value as Nested);
  const dtype = dtypeFrom(opts, "tensor", undefined, true);
  const data = allocValues(dtype === "int32" ? "float64" : dtype, sizeOf(shape));
  flatten(value as Nested, data);
  if (dtype === "int32") return new Tensor(toInt32(data, "tensor"), shape, opts.requiresGrad);
  return new Tensor(data, shape, opts.requiresGrad);
}

/**
 * A tensor of `shape` with every element `value`.
 *
 * @example
 * ```ts
 * import { full } from "actigrad";
 * console.log(full([2, 3], 0.5).toString());
 * ```
 * ```text
 * tensor([[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]], dtype=float64)
 * ```
 */
export function full(shape: number | Shape, value: number, opts: TensorOptions = {}): Tensor {
  const s = shapeArg(shape, "full");
  if (typeof value !== "number") throw new TypeError(`full: value must be a number, got ${describe(value)}`);
  const data = allocValues(dtypeFrom(opts, "full"), sizeOf(s));
  data.fill(value);
  return new Tensor(data, s, opts.requiresGrad);
}

/**
 * A tensor of the given shape filled with 0: `zeros([2, 3])`.
 *
 * @example
 * ```ts
 * import { zeros } from "actigrad";
 * console.log(zeros([2, 3]).toString());
 * ```
 * ```text
 * tensor([[0, 0, 0], [0, 0, 0]], dtype=float64)
 * ```
 */
export function zeros(shape: number | Shape, opts: TensorOptions = {}): Tensor {
  const s = shapeArg(shape, "zeros");
  return new Tensor(allocValues(dtypeFrom(opts, "zeros"), sizeOf(s)), s, opts.requiresGrad);
}

/**
 * A tensor of the given shape filled with 1: `ones([2, 3])`.
 *
 * @example
 * ```ts
 * import { ones } from "actigrad";
 * console.log(ones(3, { dtype: "float32" }).toString());
 * ```
 * ```text
 * tensor([1, 1, 1], dtype=float32)
 * ```
 */
export function ones(shape: number | Shape, opts: TensorOptions = {}): Tensor {
  return full(shape, 1, opts);
}

/**
 * Zeros with the shape and dtype of `t` (options override the dtype or ask for a gradient).
 *
 * @example
 * ```ts
 * import { tensor, zerosLike } from "actigrad";
 * const x = tensor([[1, 2], [3, 4]], { dtype: "float32" });
 * console.log(zerosLike(x).toString());
 * ```
 * ```text
 * tensor([[0, 0], [0, 0]], dtype=float32)
 * ```
 */
export function zerosLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...opts });
}

/**
 * Ones with the shape and dtype of `t` (options override the dtype or ask for a gradient).
 *
 * @example
 * ```ts
 * import { onesLike, tensor } from "actigrad";
 * const x = tensor([[1, 2], [3, 4]]);
 * console.log(onesLike(x, { dtype: "float32" }).toString());
 * ```
 * ```text
 * tensor([[1, 1], [1, 1]], dtype=float32)
 * ```
 */
export function onesLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...opts });
}

/**
 * Standard normal samples (times `std`, plus `mean`) from the seeded generator.
 *
 * @example
 * ```ts
 * import { manualSeed, randn } from "actigrad";
 * manualSeed(0);
 * console.log(randn([2, 3]).toString());
 * console.log(randn(2, { mean: 10, std: 0.1 }).toString()); // N(10, 0.1²)
 * ```
 * ```text
 * tensor([[0.4885, 0.0384, 2.5868], [0.3999, 0.9513, -0.2759]], dtype=float64)
 * tensor([9.9752, 9.8724], dtype=float64)
 * ```
 */
export function randn(shape: number | Shape, opts: TensorOptions & { mean?: number; std?: number } = {}): Tensor {
  const s = shapeArg(shape, "randn");
  const { mean = 0, std = 1 } = opts;
  const data = allocValues(dtypeFrom(opts, "randn"), sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = mean + std * randomNormal();
  return new Tensor(data, s, opts.requiresGrad);
}

/**
 * Uniform samples in [low, high), default [0, 1), from the seeded generator.
 *
 * @example
 * ```ts
 * import { manualSeed, rand } from "actigrad";
 * manualSeed(0);
 * console.log(rand([2, 2]).toString());
 * console.log(rand(3, { low: -1, high: 1 }).toString()); // uniform in [−1, 1)
 * ```
 * ```text
 * tensor([[0.8869, 0.0125], [0.0325, 0.0244]], dtype=float64)
 * tensor([0.2246, 0.9102, -0.141], dtype=float64)
 * ```
 */
export function rand(shape: number | Shape, opts: TensorOptions & { low?: number; high?: number } = {}): Tensor {
  const s = shapeArg(shape, "rand");
  const { low = 0, high = 1 } = opts;
  if (!(high >= low)) throw new RangeError(`rand: high (${high}) must be at least low (${low})`);
  const data = allocValues(dtypeFrom(opts, "rand"), sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * random();
  return new Tensor(data, s, opts.requiresGrad);
}

/**
 * `arange(stop)` or `arange(start, stop, step = 1)`: start, start + step, … up to but excluding stop.
 *
 * @example
 * ```ts
 * import { arange } from "actigrad";
 * console.log(arange(5).toString());
 * console.log(arange(1, 2, 0.25).toString()); // 2 excluded
 * ```
 * ```text
 * tensor([0, 1, 2, 3, 4], dtype=float64)
 * tensor([1, 1.25, 1.5, 1.75], dtype=float64)
 * ```
 */
export function arange(start: number, stop?: number, step = 1, opts: TensorOptions = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  for (const [k, v] of [
    ["start", start],
    ["stop", stop],
    ["step", step],
  ] as const) {
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new TypeError(`arange: ${k} must be a finite number, got ${String(v)}`);
  }
  if (step === 0) throw new RangeError("arange: step must not be 0");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = allocValues(dtypeFrom(opts, "arange"), n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n], opts.requiresGrad);
}
