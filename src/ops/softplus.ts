/**
 * Softplus, a smooth max(x, 0).
 *
 *   softplus(x)  = log(1 + e^x)
 *   softplus′(x) = e^x / (1 + e^x) = σ(x)
 *   softplus″(x) = σ(x)(1 − σ(x))
 *
 * Stable forward: log(1 + e^x) = max(x, 0) + log1p(e^−|x|). Written naively, e^x overflows at
 * x ≈ 710 (float64) or ≈ 89 (float32); this form is exact everywhere with no cut-off, since
 * it only exponentiates −|x| and log1p keeps the tiny tail accurate. The rule reads the saved
 * output y, like σ's does: e^y = 1 + e^x, so e^−y = 1 / (1 + e^x) = 1 − σ(x), and
 * σ(x) = 1 − e^−y = −expm1(−y) — accurate for every x, as expm1 is exact for tiny y.
 *
 *   softplus(tensor([0, 1000]))   // [0.6931…, 1000]
 */
import { mul, neg } from "./arithmetic.js";
import { defineActivation } from "./define.js";
import { expm1 } from "./unary.js";

/**
 * softplus(x) = ln(1 + eˣ), a smooth max(x, 0); softplus′(x) = σ(x).
 *
 * @example
 * ```ts
 * import { softplus, tensor } from "actigrad";
 * const x = tensor([0, 2], { requiresGrad: true });
 * const y = softplus(x);
 * y.sum().backward();
 * console.log(y.toString(), x.grad!.toString()); // f(x), f′(x)
 * ```
 * ```text
 * tensor([0.6931, 2.1269], dtype=float64, gradFn=<softplus>) tensor([0.5, 0.8808], dtype=float64)
 * ```
 */
export const softplus = defineActivation({
  name: "softplus",
  formula: "softplus(x) = log(1 + e^x)",
  derivative: "softplus′(x) = σ(x)",
  secondDerivative: "softplus″(x) = σ(x)(1 − σ(x))",
  tex: {
    formula: String.raw`\operatorname{softplus}(x) = \log\bigl(1 + e^{x}\bigr)`,
    derivative: String.raw`\operatorname{softplus}'(x) = \sigma(x) = \frac{1}{1 + e^{-x}}`,
  },
  kernel: (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = (v > 0 ? v : 0) + Math.log1p(Math.exp(-Math.abs(v)));
    }
  },
  backward: ({ y, grad }) => mul(grad, neg(expm1(neg(y)))),
  ruleKernel: (g, _x, y, out) => {
    for (let i = 0; i < g.length; i++) out[i] = g[i] * -Math.expm1(-y[i]);
  },
});

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** log(1 + e^x), elementwise (src/ops/softplus.ts). */
    softplus(): Tensor;
  }
}
