/**
 * The leaky rectifier: max(x, 0) with a small slope on the negative side, so no unit is ever dead.
 *
 *   leakyRelu(x)  = x for x > 0, slope·x otherwise         (slope = 0.01 by default)
 *   leakyRelu′(x) = 1 for x > 0, slope otherwise            = slope + (1 − slope)·[x > 0]
 *   leakyRelu″(x) = 0                                       (almost everywhere)
 *
 * At the kink x = 0 the derivative is taken as `slope`, as PyTorch does.
 *
 *   leakyRelu(tensor([-2, 3]), 0.1)   // [-0.2, 3]
 */
import { mul } from "./arithmetic.js";
import { where } from "./compare.js";
import { defineActivation } from "./define.js";
import { step } from "./unary.js";

/**
 * leakyRelu(x, a) = x for x > 0, a·x otherwise (a = 0.01 by default); its derivative is 1 or a.
 *
 * @example
 * ```ts
 * import { leakyRelu, tensor } from "actigrad";
 * const x = tensor([-1, 0, 2], { requiresGrad: true });
 * const y = leakyRelu(x, 0.1); // slope 0.1 (default 0.01)
 * y.sum().backward();
 * console.log(y.toString(), x.grad!.toString()); // f(x), f′(x)
 * ```
 * ```text
 * tensor([-0.1, 0, 2], dtype=float64, gradFn=<leakyRelu>) tensor([0.1, 0.1, 1], dtype=float64)
 * ```
 */
export const leakyRelu = defineActivation({
  name: "leakyRelu",
  moduleName: "LeakyReLU",
  args: { slope: 0.01 },
  init: "he",
  formula: "leakyRelu(x) = x if x > 0, slope·x otherwise",
  derivative: "leakyRelu′(x) = slope + (1 − slope)·[x > 0]",
  secondDerivative: "leakyRelu″(x) = 0",
  note: "leakyRelu′(0) = slope",
  tex: {
    formula: String.raw`\operatorname{leakyRelu}(x) = \begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases}`,
    derivative: String.raw`\operatorname{leakyRelu}'(x) = a + (1 - a)\,[\,x > 0\,]`,
  },
  kernel: (x, out, slope) => {
    for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? x[i] : slope * x[i];
  },
  backward: ({ x, grad }, slope) => where(step(x), grad, mul(grad, slope)),
  ruleKernel: (g, x, _y, out, slope) => {
    for (let i = 0; i < g.length; i++) out[i] = x[i] > 0 ? g[i] : g[i] * slope;
  },
});

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** x for x > 0, slope·x otherwise (slope = 0.01) (src/ops/leakyRelu.ts). */
    leakyRelu(slope?: number): Tensor;
  }
}
