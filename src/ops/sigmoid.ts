/**
 * The logistic sigmoid.
 *
 *   σ(x)  = 1 / (1 + e^−x)
 *   σ′(x) = e^−x / (1 + e^−x)² = σ(x)(1 − σ(x))        at most 1/4, at x = 0
 *   σ″(x) = σ′(x)(1 − 2σ(x))
 *
 * Stable forward: for x < 0 it is computed as e^x / (1 + e^x), so only −|x| is ever
 * exponentiated — e^1000 would overflow, e^−1000 is just 0. The rule reads the saved output
 * y = σ(x), as the derivation writes it, and costs no second exp.
 *
 *   sigmoid(tensor([0]))   // [0.5]
 */
import { mul, sub } from "./arithmetic.js";
import { defineActivation } from "./define.js";

/**
 * The logistic sigmoid σ(x) = 1 / (1 + e^−x); σ′(x) = σ(x)(1 − σ(x)).
 *
 * @example
 * ```ts
 * import { sigmoid, tensor } from "actigrad";
 * const x = tensor([0, 2], { requiresGrad: true });
 * const y = sigmoid(x);
 * y.sum().backward();
 * console.log(y.toString(), x.grad!.toString()); // f(x), f′(x)
 * ```
 * ```text
 * tensor([0.5, 0.8808], dtype=float64, gradFn=<sigmoid>) tensor([0.25, 0.105], dtype=float64)
 * ```
 */
export const sigmoid = defineActivation({
  name: "sigmoid",
  formula: "σ(x) = 1 / (1 + e^−x)",
  derivative: "σ′(x) = σ(x)(1 − σ(x))",
  secondDerivative: "σ″(x) = σ′(x)(1 − 2σ(x))",
  tex: {
    formula: String.raw`\sigma(x) = \frac{1}{1 + e^{-x}}`,
    derivative: String.raw`\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)`,
  },
  kernel: (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
      else {
        const e = Math.exp(v);
        out[i] = e / (1 + e);
      }
    }
  },
  backward: ({ y, grad }) => mul(grad, mul(y, sub(1, y))),
  ruleKernel: (g, _x, y, out) => {
    for (let i = 0; i < g.length; i++) out[i] = g[i] * (y[i] * (1 - y[i]));
  },
});

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** σ(x) = 1 / (1 + e^−x), elementwise (src/ops/sigmoid.ts). */
    sigmoid(): Tensor;
  }
}
