/**
 * The hyperbolic tangent.
 *
 *   tanh(x)  = (e^x − e^−x) / (e^x + e^−x)  = 2σ(2x) − 1
 *   tanh′(x) = 1 − tanh²(x)                  1 at x = 0, 4× σ′'s peak
 *   tanh″(x) = −2 tanh(x)(1 − tanh²(x))
 *
 * Math.tanh saturates to ±1 without overflow. The rule reads the saved output y = tanh(x).
 *
 *   tanh(tensor([0, 1e3]))   // [0, 1]
 */
import { mul, sub } from "./arithmetic.js";
import { defineActivation } from "./define.js";

/**
 * The hyperbolic tangent tanh(x) = (eˣ − e^−x) / (eˣ + e^−x); tanh′(x) = 1 − tanh²(x).
 *
 * @example
 * ```ts
 * import { tanh, tensor } from "actigrad";
 * const x = tensor([0, 1], { requiresGrad: true });
 * const y = tanh(x);
 * y.sum().backward();
 * console.log(y.toString(), x.grad!.toString()); // f(x), f′(x)
 * ```
 * ```text
 * tensor([0, 0.7616], dtype=float64, gradFn=<tanh>) tensor([1, 0.42], dtype=float64)
 * ```
 */
export const tanh = defineActivation({
  name: "tanh",
  formula: "tanh(x) = (e^x − e^−x) / (e^x + e^−x)",
  derivative: "tanh′(x) = 1 − tanh²(x)",
  secondDerivative: "tanh″(x) = −2·tanh(x)·(1 − tanh²(x))",
  tex: {
    formula: String.raw`\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}`,
    derivative: String.raw`\tanh'(x) = 1 - \tanh^2(x)`,
  },
  kernel: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
  },
  backward: ({ y, grad }) => mul(grad, sub(1, mul(y, y))),
  ruleKernel: (g, _x, y, out) => {
    for (let i = 0; i < g.length; i++) out[i] = g[i] * (1 - y[i] * y[i]);
  },
});

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** tanh(x), elementwise (src/ops/tanh.ts). */
    tanh(): Tensor;
  }
}
