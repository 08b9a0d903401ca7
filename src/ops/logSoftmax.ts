/**
 * logSoftmax along an axis (the last by default): log(e^a / Σ e^a), computed directly.
 *
 *   y_i = a_i − log Σ_k e^(a_k)
 *   ∂y_i/∂a_j = δ_ij − S_j,   so the rule is g − S · Σ_j g_j,  with S = e^a / Σ e^a = e^y
 *
 * Stable forward: a_i − m − log Σ e^(a_k − m) with m the max, so nothing overflows and
 * log(0) never occurs. This is what cross-entropy is built on. Where the true value lies below
 * the float range (only for inputs near ±MAX_VALUE), it is floored at the most negative finite
 * value of the dtype.
 */
import { mul, sub } from "./arithmetic.js";
import { defineActivation } from "./define.js";
import { sum } from "./reduce.js";
import { exp } from "./unary.js";

/** The largest finite float32, 2^128 − 2^104. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * logSoftmax(x)ᵢ = xᵢ − log Σⱼ e^xⱼ along an axis, computed stably; ∂yᵢ/∂xⱼ = δᵢⱼ − softmax(x)ⱼ.
 *
 * @example
 * ```ts
 * import { logSoftmax, tensor } from "actigrad";
 * const y = logSoftmax(tensor([1, 2, 3]));
 * console.log(y.toString(), y.exp().sum().toString()); // e^y sums to 1
 * ```
 * ```text
 * tensor([-2.4076, -1.4076, -0.4076], dtype=float64) tensor(1, dtype=float64)
 * ```
 */
export const logSoftmax = defineActivation({
  name: "logSoftmax",
  kind: "vector",
  args: { axis: -1 },
  formula: "y_i = a_i − log Σ_k e^(a_k)",
  derivative: "∂y_i/∂a_j = δ_ij − S_j",
  note: "applied as g − S · Σ g, with S = e^y",
  tex: {
    formula: String.raw`y_i = a_i - \log \sum_k e^{a_k}`,
    derivative: String.raw`\frac{\partial y_i}{\partial a_j} = \delta_{ij} - S_j`,
  },
  row: (x, y, base, n, stride) => {
    const floor = y instanceof Float32Array ? -FLOAT32_MAX : -Number.MAX_VALUE;
    let m = -Infinity;
    for (let i = 0, p = base; i < n; i++, p += stride) if (x[p] > m || x[p] !== x[p]) m = x[p];
    if (m === -Infinity) m = 0;
    let s = 0;
    for (let i = 0, p = base; i < n; i++, p += stride) s += Math.exp(x[p] - m);
    const lse = Math.log(s);
    for (let i = 0, p = base; i < n; i++, p += stride) {
      const v = x[p] - m - lse; // below the floor only when the true value lies outside the range anyway
      y[p] = v < floor ? floor : v;
    }
  },
  backward: ({ y, grad }, axis) => sub(grad, mul(exp(y), sum(grad, axis, true))),
  ruleRow: (g, y, out, base, n, stride) => {
    let s = 0;
    for (let i = 0, p = base; i < n; i++, p += stride) s += g[p];
    for (let i = 0, p = base; i < n; i++, p += stride) out[p] = g[p] - Math.exp(y[p]) * s;
  },
});

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** a − log Σ e^a along `axis` (default −1) (src/ops/logSoftmax.ts). */
    logSoftmax(axis?: number): Tensor;
  }
}
