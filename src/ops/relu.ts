/**
 * The rectified linear unit.
 *
 *   relu(x)  = max(0, x)
 *   relu′(x) = [x > 0]        1 for x > 0, 0 for x < 0, and 0 at x = 0 by convention
 *   relu″(x) = 0              (almost everywhere)
 *
 * At the kink x = 0 any value in [0, 1] is a valid subgradient; actigrad takes 0, as PyTorch,
 * TensorFlow and JAX do, so a unit sitting exactly at 0 passes no gradient. relu(−0) is +0;
 * relu(NaN) is NaN, so a NaN stays visible downstream. The rule reads the saved output:
 * [y > 0] is the same mask as [x > 0] (NaN compares false, so it passes no gradient): the
 * Heaviside step H(y), an op whose own derivative is 0, so relu″ comes out as zeros. The rule
 * picks g where the step is 1 and 0 elsewhere (a +0, as PyTorch's, where g · 0 could give −0).
 *
 *   relu(tensor([-1, 0, 2]))   // [0, 0, 2]; gradient [0, 0, 1]
 */
import { defineActivation } from "./define.js";
import { where } from "./compare.js";
import { step } from "./unary.js";

/**
 * The rectifier relu(x) = max(0, x); relu′(x) = [x > 0] (0 at the kink).
 *
 * @example
 * ```ts
 * import { relu, tensor } from "actigrad";
 * const x = tensor([-1, 0, 2], { requiresGrad: true });
 * const y = relu(x); // relu′(0) = 0
 * y.sum().backward();
 * console.log(y.toString(), x.grad!.toString()); // f(x), f′(x)
 * ```
 * ```text
 * tensor([0, 0, 2], dtype=float64, gradFn=<relu>) tensor([0, 0, 1], dtype=float64)
 * ```
 */
export const relu = defineActivation({
  name: "relu",
  moduleName: "ReLU",
  formula: "relu(x) = max(0, x)",
  derivative: "relu′(x) = [x > 0]",
  secondDerivative: "relu″(x) = 0",
  note: "relu′(0) = 0: the kink passes no gradient",
  tex: {
    formula: String.raw`\operatorname{relu}(x) = \max(0,\, x)`,
    derivative: String.raw`\operatorname{relu}'(x) = [\,x > 0\,]`,
  },
  init: "he",
  kernel: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 || x[i] !== x[i] ? x[i] : 0; // NaN passes through
  },
  backward: ({ y, grad }) => where(step(y), grad, 0),
  ruleKernel: (g, _x, y, out) => {
    for (let i = 0; i < g.length; i++) out[i] = y[i] > 0 ? g[i] : 0;
  },
});

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** max(0, x), elementwise (src/ops/relu.ts). */
    relu(): Tensor;
  }
}
