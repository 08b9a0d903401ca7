/**
 * Softmax along an axis (the last by default): turns scores into probabilities.
 *
 *   S_i = e^(a_i) / Σ_k e^(a_k)
 *   ∂S_i/∂a_j = S_i(δ_ij − S_j)
 *
 * The rule never builds that n×n Jacobian: for an upstream g, Σ_i g_i S_i(δ_ij − S_j) =
 * S_j(g_j − Σ_i g_i S_i), so it is S ⊙ (g − Σ g⊙S), one dot product and one pass. Stable
 * forward: the max is subtracted first (softmax is shift-invariant), so e^1000 never appears:
 * softmax([1000, 1001]) = [0.2689…, 0.7310…].
 */
import { mul, sub } from "./arithmetic.js";
import { defineActivation } from "./define.js";
import { sum } from "./reduce.js";

/**
 * softmax(x)ᵢ = e^xᵢ / Σⱼ e^xⱼ along an axis (the last by default); ∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ − yⱼ).
 *
 * @example
 * ```ts
 * import { softmax, tensor } from "actigrad";
 * const x = tensor([[1, 2, 3], [0, 0, 0]]);
 * console.log(softmax(x).toString()); // each row sums to 1; softmax(x, 0) for columns
 * ```
 * ```text
 * tensor([[0.09, 0.2447, 0.6652], [0.3333, 0.3333, 0.3333]], dtype=float64)
 * ```
 */
export const softmax = defineActivation({
  name: "softmax",
  kind: "vector",
  args: { axis: -1 },
  formula: "S_i = e^(a_i) / Σ_k e^(a_k)",
  derivative: "∂S_i/∂a_j = S_i(δ_ij − S_j)",
  note: "applied as S ⊙ (g − Σ g⊙S), without building the Jacobian",
  tex: {
    formula: String.raw`S_i = \frac{e^{a_i}}{\sum_k e^{a_k}}`,
    derivative: String.raw`\frac{\partial S_i}{\partial a_j} = S_i\,(\delta_{ij} - S_j)`,
  },
  row: (x, y, base, n, stride) => {
    let m = -Infinity;
    for (let i = 0, p = base; i < n; i++, p += stride) if (x[p] > m || x[p] !== x[p]) m = x[p];
    if (m === -Infinity) m = 0; // all −∞: avoid −∞ − (−∞) = NaN
    let s = 0;
    for (let i = 0, p = base; i < n; i++, p += stride) {
      y[p] = Math.exp(x[p] - m);
      s += y[p];
    }
    for (let i = 0, p = base; i < n; i++, p += stride) y[p] /= s;
  },
  backward: ({ y, grad }, axis) => mul(y, sub(grad, sum(mul(grad, y), axis, true))),
  ruleRow: (g, y, out, base, n, stride) => {
    let dot = 0;
    for (let i = 0, p = base; i < n; i++, p += stride) dot += g[p] * y[p];
    for (let i = 0, p = base; i < n; i++, p += stride) out[p] = y[p] * (g[p] - dot);
  },
});

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** e^a / Σ e^a along `axis` (default −1) (src/ops/softmax.ts). */
    softmax(axis?: number): Tensor;
  }
}
