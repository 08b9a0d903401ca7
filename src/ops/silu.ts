/**
 * SiLU, also called swish (Elfwing et al., 2017; Ramachandran et al., 2017): x gated by its own
 * sigmoid.
 *
 *   silu(x)  = x·σ(x)
 *   silu′(x) = σ(x) + x·σ(x)(1 − σ(x)) = σ(x)(1 + x(1 − σ(x)))
 *   silu″(x) = σ′(x)(2 + x(1 − 2σ(x)))
 *
 * Built from σ, whose stable forward it inherits; its minimum is about −0.2785, at x ≈ −1.2785.
 *
 *   silu(tensor([1]))   // [0.7310…]
 */
import { add, mul, sub } from "./arithmetic.js";
import { defineActivation } from "./define.js";
import { sigmoid } from "./sigmoid.js";
import { clamp } from "./unary.js";

/**
 * silu(x) = x·σ(x) (swish); silu′(x) = σ(x)(1 + x(1 − σ(x))).
 *
 * @example
 * ```ts
 * import { silu, tensor } from "actigrad";
 * const x = tensor([-1, 0, 2], { requiresGrad: true });
 * const y = silu(x);
 * y.sum().backward();
 * console.log(y.toString(), x.grad!.toString()); // f(x), f′(x)
 * ```
 * ```text
 * tensor([-0.2689, 0, 1.7616], dtype=float64, gradFn=<silu>) tensor([0.0723, 0.5, 1.0908], dtype=float64)
 * ```
 */
export const silu = defineActivation({
  name: "silu",
  moduleName: "SiLU",
  formula: "silu(x) = x·σ(x)",
  derivative: "silu′(x) = σ(x)(1 + x(1 − σ(x)))",
  secondDerivative: "silu″(x) = σ′(x)(2 + x(1 − 2σ(x)))",
  tex: {
    formula: String.raw`\operatorname{silu}(x) = x\,\sigma(x)`,
    derivative: String.raw`\operatorname{silu}'(x) = \sigma(x)\bigl(1 + x\,(1 - \sigma(x))\bigr)`,
  },
  forward: (x) => mul(x, sigmoid(x)),
  backward: ({ x, grad }) => {
    const s = sigmoid(x);
    // Beyond ±800, 1 − σ (above) or σ (below) is exactly 0: x clamped there gives the same
    // value, and keeps g·x from overflowing to ∞ in a second sweep (0·∞ would be NaN).
    return mul(grad, mul(s, add(1, mul(clamp(x, -800, 800), sub(1, s)))));
  },
  ruleKernel: (g, x, _y, out) => {
    for (let i = 0; i < g.length; i++) {
      const v = x[i];
      const e = Math.exp(-Math.abs(v));
      const s = v >= 0 ? 1 / (1 + e) : e / (1 + e); // σ(v), as the sigmoid's loop computes it
      const c = v < -800 ? -800 : v > 800 ? 800 : v;
      out[i] = g[i] * (s * (1 + c * (1 - s)));
    }
  },
});

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** x·σ(x), also called swish (src/ops/silu.ts). */
    silu(): Tensor;
  }
}
