/**
 * The exponential linear unit (Clevert et al., 2015): smooth below 0, saturating at −alpha.
 *
 *   elu(x)  = x for x > 0, alpha·(e^x − 1) otherwise        (alpha = 1 by default)
 *   elu′(x) = 1 for x > 0, alpha·e^x = elu(x) + alpha otherwise
 *   elu″(x) = 0 for x > 0, alpha·e^x otherwise
 *
 * Stable forward: e^x − 1 is Math.expm1, exact for tiny x, and e^x is only taken for x ≤ 0,
 * so it never overflows. The rule reads the saved output on the negative side, as the
 * derivation writes it: elu′ = y + alpha there.
 *
 *   elu(tensor([-1, 2]))   // [-0.6321…, 2]
 */
import { add, mul } from "./arithmetic.js";
import { where } from "./compare.js";
import { defineActivation } from "./define.js";
import { step } from "./unary.js";

/**
 * elu(x, α) = x for x > 0, α(eˣ − 1) otherwise (α = 1 by default); its derivative is 1 or α·eˣ.
 *
 * @example
 * ```ts
 * import { elu, tensor } from "actigrad";
 * const x = tensor([-1, 0, 2], { requiresGrad: true });
 * const y = elu(x); // alpha = 1; elu(x, 0.5) for another
 * y.sum().backward();
 * console.log(y.toString(), x.grad!.toString()); // f(x), f′(x)
 * ```
 * ```text
 * tensor([-0.6321, 0, 2], dtype=float64, gradFn=<elu>) tensor([0.3679, 1, 1], dtype=float64)
 * ```
 */
export const elu = defineActivation({
  name: "elu",
  moduleName: "ELU",
  args: { alpha: 1 },
  formula: "elu(x) = x if x > 0, alpha·(e^x − 1) otherwise",
  derivative: "elu′(x) = 1 if x > 0, elu(x) + alpha otherwise",
  secondDerivative: "elu″(x) = 0 if x > 0, alpha·e^x otherwise",
  tex: {
    formula: String.raw`\operatorname{elu}(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}`,
    derivative: String.raw`\operatorname{elu}'(x) = \begin{cases} 1 & x > 0 \\ \operatorname{elu}(x) + \alpha & x \le 0 \end{cases}`,
  },
  kernel: (x, out, alpha) => {
    for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? x[i] : alpha * Math.expm1(x[i]);
  },
  backward: ({ x, y, grad }, alpha) => where(step(x), grad, mul(grad, add(y, alpha))),
  ruleKernel: (g, x, y, out, alpha) => {
    for (let i = 0; i < g.length; i++) out[i] = x[i] > 0 ? g[i] : g[i] * (y[i] + alpha);
  },
});

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** x for x > 0, alpha·(e^x − 1) otherwise (alpha = 1) (src/ops/elu.ts). */
    elu(alpha?: number): Tensor;
  }
}
