/**
 * The Gaussian error linear unit (Hendrycks & Gimpel, 2016): x weighted by the chance that a
 * standard normal variable is below it.
 *
 *   gelu(x)  = x·Φ(x),   Φ(x) = ½(1 + erf(x/√2)),   φ(x) = Φ′(x) = e^(−x²/2) / √(2π)
 *   gelu′(x) = Φ(x) + x·φ(x)
 *   gelu″(x) = (2 − x²)·φ(x)
 *
 * With `approximate = "tanh"` (as PyTorch's), Φ is replaced by ½(1 + tanh(u)), with
 * u = √(2/π)(x + 0.044715x³):
 *
 *   gelu(x)  ≈ ½x(1 + tanh(u))
 *   gelu′(x) ≈ ½(1 + tanh(u)) + ½x(1 − tanh²(u))·√(2/π)(1 + 3·0.044715x²)
 *
 * Where a factor of the rule is exactly 0 — 1 − tanh²(u) for |x| > 10, φ(x) for |x| > 40 — the
 * rule reads x clamped to that range: the same values, but x³ or g·x never overflows to ∞, so
 * the second derivative is the true 0 there instead of 0·∞ = NaN (PyTorch 1.13 gives NaN).
 *
 *   gelu(tensor([1]))           // [0.8413…]
 *   gelu(tensor([1]), "tanh")   // [0.8412…]
 */
import { erf as erfScalar } from "../kernels/math.js";
import { add, mul, sub } from "./arithmetic.js";
import { defineActivation } from "./define.js";
import { tanh } from "./tanh.js";
import { clamp, erf, exp } from "./unary.js";

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const K = 0.044715;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * gelu(x) = x·Φ(x), Φ the standard normal CDF (or its tanh approximation with "tanh"); gelu′(x) = Φ(x) + x·φ(x).
 *
 * @example
 * ```ts
 * import { gelu, tensor } from "actigrad";
 * const x = tensor([-1, 0, 2], { requiresGrad: true });
 * const y = gelu(x); // exact; gelu(x, "tanh") for the approximation
 * y.sum().backward();
 * console.log(y.toString(), x.grad!.toString()); // f(x), f′(x)
 * ```
 * ```text
 * tensor([-0.1587, 0, 1.9545], dtype=float64, gradFn=<gelu>) tensor([-0.0833, 0.5, 1.0852], dtype=float64)
 * ```
 */
export const gelu = defineActivation<[approximate: string]>({
  name: "gelu",
  moduleName: "GELU",
  args: { approximate: "none" },
  choices: { approximate: ["none", "tanh"] },
  formula: "gelu(x) = x·Φ(x),  Φ(x) = ½(1 + erf(x/√2))",
  derivative: "gelu′(x) = Φ(x) + x·φ(x),  φ(x) = e^(−x²/2)/√(2π)",
  secondDerivative: "gelu″(x) = (2 − x²)·φ(x)",
  note: 'approximate = "tanh": Φ(x) ≈ ½(1 + tanh(√(2/π)(x + 0.044715x³)))',
  tex: {
    formula: String.raw`\operatorname{gelu}(x) = x\,\Phi(x) = \tfrac{x}{2}\bigl(1 + \operatorname{erf}(x/\sqrt{2})\bigr)`,
    derivative: String.raw`\operatorname{gelu}'(x) = \Phi(x) + x\,\varphi(x)`,
  },
  kernel: (x, out, approximate) => {
    if (approximate === "tanh") {
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        out[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + K * v * v * v)));
      }
    } else for (let i = 0; i < x.length; i++) out[i] = 0.5 * x[i] * (1 + erfScalar(x[i] * Math.SQRT1_2));
  },
  backward: ({ x, grad }, approximate) => {
    if (approximate === "tanh") {
      const xc = clamp(x, -10, 10); // |x| > 10: tanh(u) is ±1 exactly and 1 − tanh²(u) is 0
      const t = tanh(mul(add(xc, mul(mul(mul(xc, xc), xc), K)), SQRT_2_OVER_PI));
      const du = mul(add(mul(mul(xc, xc), 3 * K), 1), SQRT_2_OVER_PI);
      return mul(grad, add(mul(add(t, 1), 0.5), mul(mul(mul(xc, sub(1, mul(t, t))), du), 0.5)));
    }
    const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
    const xc = clamp(x, -40, 40); // |x| > 40: φ(x) is 0 exactly, and so is x·φ(x)
    const pdf = mul(exp(mul(mul(xc, xc), -0.5)), INV_SQRT_2PI);
    return mul(grad, add(cdf, mul(xc, pdf)));
  },
  ruleKernel: (g, x, _y, out, approximate) => {
    for (let i = 0; i < g.length; i++) {
      const v = x[i];
      if (approximate === "tanh") {
        const c = v < -10 ? -10 : v > 10 ? 10 : v;
        const t = Math.tanh((c + c * c * c * K) * SQRT_2_OVER_PI);
        const du = (c * c * (3 * K) + 1) * SQRT_2_OVER_PI;
        out[i] = g[i] * ((t + 1) * 0.5 + c * (1 - t * t) * du * 0.5);
      } else {
        const c = v < -40 ? -40 : v > 40 ? 40 : v;
        const cdf = (erfScalar(v * Math.SQRT1_2) + 1) * 0.5;
        out[i] = g[i] * (cdf + c * (Math.exp(c * c * -0.5) * INV_SQRT_2PI));
      }
    }
  },
});

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** x·Φ(x); approximate = "tanh" for the tanh form (src/ops/gelu.ts). */
    gelu(approximate?: "none" | "tanh"): Tensor;
  }
}
