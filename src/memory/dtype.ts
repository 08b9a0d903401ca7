/**
 * Storage types. A tensor's values live in one contiguous typed array, row-major:
 * `Float64Array` by default (plain JavaScript numbers, so gradchecks are exact) or
 * `Float32Array` when asked for (half the memory, and the fast path for kernels).
 *
 * A third dtype, "int32", holds indices: what `argmax`/`argmin` return and `cast(t, "int32")`
 * makes. Its values are an `Int32Array`. It is a dtype for data, not for differentiation:
 *
 * - An int32 tensor never requires a gradient (setting `requiresGrad` is a TypeError).
 * - Ops that only move, compare or pick values take it: reshape and the other shape ops,
 *   indexing and joining, the comparisons, `where`, `cast`, `argmax`/`argmin`, printing,
 *   `toArray`, `item`, `data`. The ops that move one tensor's values keep int32; ops that
 *   combine values (comparisons, where, concat, stack) give a float dtype (see `promote`).
 * - Every other op is differentiable and works on floats: given an int32 tensor it is a
 *   TypeError naming the op and saying to cast. The check is in one place, `expectTensor`
 *   (src/ops/arithmetic.ts), which every op calls on its tensor arguments.
 *
 * Typing: `Values` is what a storage may hold. The float kernels and the rest of the code see
 * `FloatArray` (so `t.data` stays `FloatArray` and every float op keeps its types); an int32
 * tensor's `data` is its `Int32Array` at run time, which reads exactly like a float array.
 * Only int32-aware code writes into one. `t.indices` is the same array typed `Int32Array`.
 */

/**
 * A float dtype, "float32" | "float64": what `{ dtype }` and `setDefaultDtype` take for new
 * tensors and parameters (exported as `DType` and `FloatDType`).
 *
 * @example
 * ```ts
 * import { tensor, zeros, type DType } from "actigrad";
 * const dtype: DType = "float32";
 * const x = zeros([2], { dtype });
 * console.log(x.dtype, x.data.constructor.name, tensor([1, 2]).dtype);
 * ```
 * ```text
 * float32 Float32Array float64
 * ```
 */
export type FloatDType = "float32" | "float64";
/**
 * Any dtype a tensor may have: a float dtype, or "int32" for index tensors (argmax, argmin,
 * `cast(t, "int32")`); what `t.dtype` may be (exported as `TensorDType`).
 *
 * @example
 * ```ts
 * import { tensor, type TensorDType } from "actigrad";
 * const x = tensor([[1, 5], [7, 2]]);
 * const dtypes: TensorDType[] = [x.dtype, x.argmax(1).dtype];
 * console.log(dtypes, x.argmax(1).toArray());
 * ```
 * ```text
 * [ 'float64', 'int32' ] [ 1, 0 ]
 * ```
 */
export type DType = FloatDType | "int32";
/**
 * The typed array of a float tensor's values: `Float32Array` or `Float64Array` (`t.data`'s type).
 *
 * @example
 * ```ts
 * import { tensor, type FloatArray } from "actigrad";
 * const values: FloatArray = new Float32Array([0.5, 1.5]);
 * const x = tensor(values, { shape: [2] }); // keeps the array's type: float32
 * const out: FloatArray = x.mul(2).data;
 * console.log(x.dtype, out);
 * ```
 * ```text
 * float32 Float32Array(2) [ 1, 3 ]
 * ```
 */
export type FloatArray = Float32Array | Float64Array;
/**
 * What a tensor's storage holds: floats, or int32 indices.
 *
 * @example
 * ```ts
 * import { tensor, type Values } from "actigrad";
 * const x = tensor([[1, 5], [7, 2]]);
 * const all: Values[] = [x.data, x.argmax(1).data];
 * console.log(all.map((v) => v.constructor.name), Array.from(all[1]));
 * ```
 * ```text
 * [ 'Float64Array', 'Int32Array' ] [ 1, 0 ]
 * ```
 */
export type Values = FloatArray | Int32Array;

let defaultDtype: FloatDType = "float64";

/**
 * Sets the dtype of new tensors and parameters (a float dtype). `setDefaultDtype("float32")`.
 *
 * @example
 * ```ts
 * import { nn, setDefaultDtype, tensor } from "actigrad";
 * setDefaultDtype("float32"); // new tensors and parameters are float32 from here on
 * const layer = new nn.Linear(2, 1);
 * console.log(tensor([0.1]).toString(), layer.weight.dtype);
 * setDefaultDtype("float64"); // back to the default
 * ```
 * ```text
 * tensor([0.1], dtype=float32) float32
 * ```
 */
export function setDefaultDtype(dtype: DType): void {
  checkDtype(dtype, "setDefaultDtype");
  defaultDtype = dtype;
}

/**
 * The dtype new tensors and parameters get when none is given ("float64" until `setDefaultDtype` changes it).
 *
 * @example
 * ```ts
 * import { getDefaultDtype, setDefaultDtype, tensor } from "actigrad";
 * console.log(getDefaultDtype());
 * setDefaultDtype("float32");
 * console.log(getDefaultDtype(), tensor([1]).dtype);
 * ```
 * ```text
 * float64
 * float32 float32
 * ```
 */
export function getDefaultDtype(): FloatDType {
  return defaultDtype;
}

/** A float dtype, or a TypeError naming `op` (new tensors, parameters and state dicts are float). */
export function checkDtype(dtype: unknown, op: string): asserts dtype is FloatDType {
  if (dtype !== "float32" && dtype !== "float64") {
    const hint = dtype === "int32" ? ' (int32 tensors come from argmax, argmin or cast(t, "int32"))' : "";
    throw new TypeError(`${op}: dtype must be "float32" or "float64", got ${JSON.stringify(dtype)}${hint}`);
  }
}

/** Any dtype, int32 included, or a TypeError naming `op`. */
export function checkAnyDtype(dtype: unknown, op: string): asserts dtype is DType {
  if (dtype !== "float32" && dtype !== "float64" && dtype !== "int32") {
    throw new TypeError(`${op}: dtype must be "float32", "float64" or "int32", got ${JSON.stringify(dtype)}`);
  }
}

/**
 * `values` as a new Int32Array: each must be an integer in int32's range, else a RangeError
 * naming `op` and the first offending value and flat index (a non-number is a TypeError). No
 * value is ever rounded or truncated on its way into int32.
 */
export function toInt32(values: ArrayLike<unknown>, op: string, shapeText = ""): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number") {
      throw new TypeError(`${op}: expected a number at flat index ${i}, got ${v === null ? "null" : typeof v}`);
    }
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new RangeError(
        `${op}: int32 values must be integers in [-2^31, 2^31 − 1]; got ${v} at flat index ${i}${shapeText ? ` of shape ${shapeText}` : ""} ` +
          "(int32 holds indices; round the values first)",
      );
    }
    out[i] = v;
  }
  return out;
}

export function dtypeOf(data: Values): DType {
  return data instanceof Float64Array ? "float64" : data instanceof Float32Array ? "float32" : "int32";
}

/**
 * Small and middle-sized arrays are carved out of shared 256 KiB slabs: creating a view on an
 * existing buffer costs a fraction of allocating (and zeroing, and accounting for) a buffer of
 * its own, and an op-heavy training step makes dozens of them. A slab is freed by the garbage
 * collector once no array on it is alive. Large arrays, and single numbers, get their own buffer.
 */
const SLAB_BYTES = 1 << 18;
const SLAB_MAX_BYTES = 1 << 14;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/**
 * A zero-filled array of `size` elements of `dtype`. Typed `FloatArray`, what the float code
 * reads and writes; for "int32" it is an `Int32Array` (see the note at the top), so an op
 * that copies an int32 tensor's values (select, permute, …) keeps int32.
 */
export function alloc(dtype: DType, size: number): FloatArray {
  const bytes = size * (dtype === "float64" ? 8 : 4);
  if (size <= 1 || bytes > SLAB_MAX_BYTES) return make(dtype, null, 0, size);
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES); // fresh memory is zero
    slabUsed = 0;
  }
  const out = make(dtype, slab, slabUsed, size);
  slabUsed += (bytes + 15) & ~15; // keep every array 16-byte aligned
  return out;
}

function make(dtype: DType, buffer: ArrayBuffer | null, at: number, size: number): FloatArray {
  if (dtype === "float64") return buffer ? new Float64Array(buffer, at, size) : new Float64Array(size);
  if (dtype === "float32") return buffer ? new Float32Array(buffer, at, size) : new Float32Array(size);
  return (buffer ? new Int32Array(buffer, at, size) : new Int32Array(size)) as unknown as FloatArray;
}

/**
 * The dtype of a result that combines values of dtypes `a` and `b` (arithmetic, comparisons,
 * where, concat): the same float dtype when they agree, float64 when two float dtypes mix (as
 * API.md says). int32 is no float: with a float dtype it gives that float dtype, and int32 with
 * int32 gives the default float dtype — so a comparison of indices is a 0/1 float tensor that
 * can be averaged (`logits.argmax(1).eq(labels).mean()` is the accuracy).
 */
export function promote(a: DType, b: DType): FloatDType {
  if (a === b) return a === "int32" ? defaultDtype : a;
  if (a === "int32") return b as FloatDType;
  if (b === "int32") return a;
  return "float64";
}
