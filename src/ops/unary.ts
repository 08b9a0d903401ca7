/**
 * Elementwise functions of one tensor, each with its derivative:
 *
 *   exp′ = exp (from the saved output)    log′ = 1/x        (x^p)′ = p·x^(p−1)
 *   |x|′ = sign(x), 0 at 0                √x′ = 1/(2√x)     sign′ = 0
 *   erf′(x) = 2/√π · e^(−x²)            (e^x − 1)′ = e^x
 *   (x²)′ = 2x      log1p′(x) = 1/(1 + x)      sin′ = cos      cos′ = −sin
 */
import type { FloatArray } from "../memory/dtype.js";
import { allocValues } from "../memory/scope.js";
import { record } from "../tensor/graph.js";
import { Tensor } from "../tensor/tensor.js";
import { add, div, expectTensor, mul, neg } from "./arithmetic.js";
import { erf as erfScalar } from "../kernels/math.js";
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

/**
 * eˣ elementwise; its derivative is eˣ itself, read from the saved output.
 *
 * @example
 * ```ts
 * import { exp, tensor } from "actigrad";
 * console.log(exp(tensor([0, 1, -1])).toString());
 * ```
 * ```text
 * tensor([1, 2.7183, 0.3679], dtype=float64)
 * ```
 */
export function exp(x: Tensor): Tensor {
  const y = mapKernel(x, "exp", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = Math.exp(a[i]);
  });
  return record(y, "exp", [x], (g) => [mul(g, y)]);
}

/**
 * The natural logarithm ln x elementwise; its derivative is 1/x.
 *
 * @example
 * ```ts
 * import { log, tensor } from "actigrad";
 * const x = tensor([1, Math.E, 10], { requiresGrad: true });
 * const y = log(x);
 * y.sum().backward(); // 1/x
 * console.log(y.toString(), x.grad?.toString());
 * ```
 * ```text
 * tensor([0, 1, 2.3026], dtype=float64, gradFn=<log>) tensor([1, 0.3679, 0.1], dtype=float64)
 * ```
 */
export function log(x: Tensor): Tensor {
  const y = mapKernel(x, "log", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = Math.log(a[i]);
  });
  return record(y, "log", [x], (g) => [div(g, x)]);
}

/**
 * x^p for a number p; (x^p)′ = p·x^(p−1), and 0 when p = 0.
 *
 * @example
 * ```ts
 * import { grad, pow, tensor } from "actigrad";
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * const y = pow(x, 3);
 * console.log(y.toString(), grad(y.sum(), [x])[0].toString()); // 3x²
 * ```
 * ```text
 * tensor([1, 8, 27], dtype=float64, gradFn=<pow>) tensor([3, 12, 27], dtype=float64)
 * ```
 */
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

/**
 * sign(x) ∈ {−1, 0, 1} (0 for NaN). Piecewise constant, so its derivative is 0: it is recorded
 * with its input, as PyTorch does, so a gradient built from it (|x|′ = sign(x)) stays
 * differentiable and its own derivative comes out as zeros rather than "no graph".
 *
 * @example
 * ```ts
 * import { sign, tensor } from "actigrad";
 * console.log(sign(tensor([-3, 0, 2.5])).toString());
 * ```
 * ```text
 * tensor([-1, 0, 1], dtype=float64)
 * ```
 */
export function sign(x: Tensor): Tensor {
  const y = mapKernel(x, "sign", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = a[i] > 0 ? 1 : a[i] < 0 ? -1 : 0;
  });
  return record(y, "sign", [x], () => [null]);
}

/**
 * The Heaviside step H(x) = [x > 0] (0 at 0 and for NaN): the derivative of max(x, 0). Its own derivative is 0, recorded as sign's.
 *
 * @example
 * ```ts
 * import { step, tensor } from "actigrad";
 * console.log(step(tensor([-1, 0, 2])).toString()); // [x > 0]: 0 at 0
 * ```
 * ```text
 * tensor([0, 0, 1], dtype=float64)
 * ```
 */
export function step(x: Tensor): Tensor {
  const y = mapKernel(x, "step", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = a[i] > 0 ? 1 : 0;
  });
  return record(y, "step", [x], () => [null]);
}

/**
 * |x|; its derivative is sign(x), taken as 0 at x = 0 (as PyTorch does).
 *
 * @example
 * ```ts
 * import { abs, tensor } from "actigrad";
 * const x = tensor([-2, 0, 3], { requiresGrad: true });
 * const y = abs(x);
 * y.sum().backward(); // sign(x), 0 at 0
 * console.log(y.toString(), x.grad?.toString());
 * ```
 * ```text
 * tensor([2, 0, 3], dtype=float64, gradFn=<abs>) tensor([-1, 0, 1], dtype=float64)
 * ```
 */
export function abs(x: Tensor): Tensor {
  const y = mapKernel(x, "abs", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = Math.abs(a[i]);
  });
  return record(y, "abs", [x], (g) => [mul(g, sign(x))]);
}

/**
 * √x elementwise; its derivative is 1 / (2√x).
 *
 * @example
 * ```ts
 * import { sqrt, tensor } from "actigrad";
 * const x = tensor([4, 9], { requiresGrad: true });
 * const y = sqrt(x);
 * y.sum().backward(); // 1/(2√x)
 * console.log(y.toString(), x.grad?.toString());
 * ```
 * ```text
 * tensor([2, 3], dtype=float64, gradFn=<sqrt>) tensor([0.25, 0.1667], dtype=float64)
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  const y = mapKernel(x, "sqrt", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = Math.sqrt(a[i]);
  });
  return record(y, "sqrt", [x], (g) => [div(g, mul(y, 2))]);
}

/**
 * The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt (the normal CDF is ½(1 + erf(x/√2)));
 * erf′(x) = 2/√π · e^(−x²).
 *
 * @example
 * ```ts
 * import { erf, tensor } from "actigrad";
 * console.log(erf(tensor([0, 0.5, 1, -1])).toString());
 * ```
 * ```text
 * tensor([0, 0.5205, 0.8427, -0.8427], dtype=float64)
 * ```
 */
export function erf(x: Tensor): Tensor {
  const y = mapKernel(x, "erf", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = erfScalar(a[i]);
  });
  return record(y, "erf", [x], (g) => [mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI)))]);
}

/**
 * x limited to [min, max] (either bound may be omitted). The gradient passes where
 * min ≤ x ≤ max, as PyTorch's clamp does, and is 0 outside: ∂/∂x = [min ≤ x ≤ max].
 *
 * @example
 * ```ts
 * import { clamp, tensor } from "actigrad";
 * const x = tensor([-2, 0.5, 3], { requiresGrad: true });
 * const y = clamp(x, -1, 1);
 * y.sum().backward(); // 1 inside [−1, 1], 0 outside
 * console.log(y.toString(), x.grad?.toString());
 * console.log(clamp(x, 0).toString()); // only a lower bound: max(x, 0)
 * ```
 * ```text
 * tensor([-1, 0.5, 1], dtype=float64, gradFn=<clamp>) tensor([0, 1, 0], dtype=float64)
 * tensor([0, 0.5, 3], dtype=float64, gradFn=<clamp>)
 * ```
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  expectTensor(x, "clamp");
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (typeof lo !== "number" || typeof hi !== "number" || Number.isNaN(lo) || Number.isNaN(hi)) {
    throw new TypeError(`clamp: min and max must be numbers, got ${String(min)} and ${String(max)}`);
  }
  const y = mapKernel(x, "clamp", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = a[i] < lo ? lo : a[i] > hi ? hi : a[i];
  });
  const inside = (t: Tensor) =>
    mapKernel(t, "clamp", (a, o) => {
      for (let i = 0; i < a.length; i++) o[i] = a[i] >= lo && a[i] <= hi ? 1 : 0;
    });
  return record(y, "clamp", [x], (g) => [mul(g, inside(x))], { min: lo, max: hi });
}

/**
 * e^x − 1, exact for tiny x (Math.expm1). Its derivative is e^x, computed from x: y + 1 would
 * cancel for negative x (in float32, expm1(−7.5) + 1 keeps only 3 digits).
 *
 * @example
 * ```ts
 * import { expm1, tensor } from "actigrad";
 * console.log(expm1(tensor([1e-10, 1])).toString()); // exp(1e-10) − 1 would lose digits
 * ```
 * ```text
 * tensor([1e-10, 1.7183e+00], dtype=float64)
 * ```
 */
export function expm1(x: Tensor): Tensor {
  const y = mapKernel(x, "expm1", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = Math.expm1(a[i]);
  });
  return record(y, "expm1", [x], (g) => [mul(g, exp(x))]);
}

/**
 * x²; its derivative is 2x.
 *
 * @example
 * ```ts
 * import { square, tensor } from "actigrad";
 * const x = tensor([-3, 0.5], { requiresGrad: true });
 * const y = square(x);
 * y.sum().backward(); // 2x
 * console.log(y.toString(), x.grad?.toString());
 * ```
 * ```text
 * tensor([9, 0.25], dtype=float64, gradFn=<square>) tensor([-6, 1], dtype=float64)
 * ```
 */
export function square(x: Tensor): Tensor {
  const y = mapKernel(x, "square", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = a[i] * a[i];
  });
  return record(y, "square", [x], (g) => [mul(g, mul(x, 2))]);
}

/**
 * log(1 + x), exact for tiny x (Math.log1p); its derivative is 1/(1 + x).
 *
 * @example
 * ```ts
 * import { log1p, tensor } from "actigrad";
 * console.log(log1p(tensor([1e-10, 1])).toString()); // log(1 + 1e-10) would lose digits
 * ```
 * ```text
 * tensor([1e-10, 6.9315e-01], dtype=float64)
 * ```
 */
export function log1p(x: Tensor): Tensor {
  const y = mapKernel(x, "log1p", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = Math.log1p(a[i]);
  });
  return record(y, "log1p", [x], (g) => [div(g, add(x, 1))]);
}

/**
 * sin(x); its derivative is cos(x).
 *
 * @example
 * ```ts
 * import { sin, tensor } from "actigrad";
 * const x = tensor([0, 1], { requiresGrad: true });
 * const y = sin(x);
 * y.sum().backward(); // cos(x)
 * console.log(y.toString(), x.grad?.toString());
 * ```
 * ```text
 * tensor([0, 0.8415], dtype=float64, gradFn=<sin>) tensor([1, 0.5403], dtype=float64)
 * ```
 */
export function sin(x: Tensor): Tensor {
  const y = mapKernel(x, "sin", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = Math.sin(a[i]);
  });
  return record(y, "sin", [x], (g) => [mul(g, cos(x))]);
}

/**
 * cos(x); its derivative is −sin(x).
 *
 * @example
 * ```ts
 * import { cos, tensor } from "actigrad";
 * const x = tensor([1, 2], { requiresGrad: true });
 * const y = cos(x);
 * y.sum().backward(); // −sin(x)
 * console.log(y.toString(), x.grad?.toString());
 * ```
 * ```text
 * tensor([0.5403, -0.4161], dtype=float64, gradFn=<cos>) tensor([-0.8415, -0.9093], dtype=float64)
 * ```
 */
export function cos(x: Tensor): Tensor {
  const y = mapKernel(x, "cos", (a, o) => {
    for (let i = 0; i < a.length; i++) o[i] = Math.cos(a[i]);
  });
  return record(y, "cos", [x], (g) => [neg(mul(g, sin(x)))]);
}
