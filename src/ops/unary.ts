/**
 * Elementwise functions of one tensor, each with its derivative:
 *
 *   exp′ = exp (from the saved output)    log′ = 1/x        (x^p)′ = p·x^(p−1)
 *   |x|′ = sign(x), 0 at 0                √x′ = 1/(2√x)     sign′ = 0
 */
import type { FloatArray } from "../tensor/dtype.js";
import { allocValues } from "../tensor/scope.js";
import { record } from "../tensor/graph.js";
import { Tensor } from "../tensor/tensor.js";
import { div, expectTensor, mul } from "./arithmetic.js";
import { simdUnary, type Unary } from "../kernels/simd.js";

/**
 * A new tensor of x's shape and dtype, filled by `kernel(x.data, out.data)` — or, when `simd`
 * names a WebAssembly kernel that applies (float32), made by it as a fresh array: inside a
 * scope that is arena memory written once, not zero-filled first and then overwritten.
 */
export function mapKernel(x: Tensor, op: string, kernel: (x: FloatArray, out: FloatArray) => void, simd?: Unary): Tensor {
  expectTensor(x, op);
  const fast = simd === undefined ? null : simdUnary(simd, x.data);
  if (fast !== null) return new Tensor(fast, x.shape);
  const out = new Tensor(allocValues(x.dtype, x.size), x.shape);
  kernel(x.data, out.data);
  return out;
}

export function exp(x: Tensor): Tensor {
  const y = mapKernel(x, "exp", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = Math.exp(a[i]);
  });
  return record(y, "exp", [x], (g) => [mul(g, y)]);
}

export function log(x: Tensor): Tensor {
  const y = mapKernel(x, "log", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = Math.log(a[i]);
  });
  return record(y, "log", [x], (g) => [div(g, x)]);
}

/** x^p for a number p; (x^p)′ = p·x^(p−1), and 0 when p = 0. */
export function pow(x: Tensor, p: number): Tensor {
  if (typeof p !== "number" || Number.isNaN(p)) {
    throw new TypeError(`pow: the exponent must be a number, got ${String(p)}`);
  }
  const y = mapKernel(x, "pow", (a, o) => {
    if (p === 2) for (let i = 0; i < a.length; i++) o[i] = a[i] * a[i];
    else for (let i = 0; i < a.length; i++) o[i] = Math.pow(a[i], p);
  });
  return record(y, "pow", [x], (g) => [p === 0 ? null : p === 1 ? g : mul(g, mul(pow(x, p - 1), p))], { p });
}

/** sign(x) ∈ {−1, 0, 1}; piecewise constant, so no gradient flows through it. */
export function sign(x: Tensor): Tensor {
  return mapKernel(x, "sign", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = a[i] > 0 ? 1 : a[i] < 0 ? -1 : 0;
  });
}

/** |x|; its derivative is sign(x), taken as 0 at x = 0 (as PyTorch does). */
export function abs(x: Tensor): Tensor {
  const y = mapKernel(x, "abs", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = Math.abs(a[i]);
  });
  return record(y, "abs", [x], (g) => [mul(g, sign(x))]);
}

export function sqrt(x: Tensor): Tensor {
  const y = mapKernel(x, "sqrt", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = Math.sqrt(a[i]);
  });
  return record(y, "sqrt", [x], (g) => [div(g, mul(y, 2))]);
}
