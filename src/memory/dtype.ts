/**
 * Storage types. A tensor's values live in one contiguous typed array, row-major:
 * `Float64Array` by default (plain JavaScript numbers, so gradchecks are exact) or
 * `Float32Array` when asked for (half the memory, and the fast path for kernels).
 */
export type DType = "float32" | "float64";
export type FloatArray = Float32Array | Float64Array;

let defaultDtype: DType = "float64";

/** Sets the dtype of new tensors and parameters. `setDefaultDtype("float32")`. */
export function setDefaultDtype(dtype: DType): void {
  checkDtype(dtype, "setDefaultDtype");
  defaultDtype = dtype;
}

export function getDefaultDtype(): DType {
  return defaultDtype;
}

export function checkDtype(dtype: unknown, op: string): asserts dtype is DType {
  if (dtype !== "float32" && dtype !== "float64") {
    throw new TypeError(`${op}: dtype must be "float32" or "float64", got ${JSON.stringify(dtype)}`);
  }
}

export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float32Array ? "float32" : "float64";
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

/** A zero-filled array of `size` elements of `dtype`. */
export function alloc(dtype: DType, size: number): FloatArray {
  const bytes = size * (dtype === "float32" ? 4 : 8);
  if (size <= 1 || bytes > SLAB_MAX_BYTES) return dtype === "float32" ? new Float32Array(size) : new Float64Array(size);
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES); // fresh memory is zero
    slabUsed = 0;
  }
  const out = dtype === "float32" ? new Float32Array(slab, slabUsed, size) : new Float64Array(slab, slabUsed, size);
  slabUsed += (bytes + 15) & ~15; // keep every array 16-byte aligned
  return out;
}

/** Mixed dtypes promote to float64, as API.md says. */
export function promote(a: DType, b: DType): DType {
  return a === b ? a : "float64";
}
