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

/** A zero-filled array of `size` elements of `dtype`. */
export function alloc(dtype: DType, size: number): FloatArray {
  return dtype === "float32" ? new Float32Array(size) : new Float64Array(size);
}

/** Mixed dtypes promote to float64, as API.md says. */
export function promote(a: DType, b: DType): DType {
  return a === b ? a : "float64";
}
