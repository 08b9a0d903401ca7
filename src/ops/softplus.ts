/**
 * Softplus, the smooth relu.
 *
 *   softplus(x)  = log(1 + e^x)
 *   softplus′(x) = σ(x)
 *   softplus″(x) = σ′(x) = σ(x)(1 − σ(x))
 *
 * Stable form: log(1 + e^x) = max(x, 0) + log1p(e^−|x|). Written naively, e^x overflows at
 * x ≈ 710 (float64) or ≈ 89 (float32); this form is exact everywhere with no cut-off, since
 * it only exponentiates −|x| and log1p keeps the tiny tail accurate.
 *
 *   softplus(tensor([0, 1000]))   // [0.6931…, 1000]
 */
import type { FloatArray } from "../tensor/dtype.js";
import { record } from "../tensor/graph.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ActivationSpec } from "./activation.js";
import { ruleKernel, sigmoidScalar } from "./activation.js";
import { mul } from "./arithmetic.js";
import { sigmoid, sigmoidBackward } from "./sigmoid.js";
import { mapKernel } from "./unary.js";
import { simdRule, simdUnary } from "../kernels/simd.js";

export function softplusKernel(x: FloatArray, out: FloatArray): void {
  if (simdUnary("softplusF32", x, out)) return; // float32: the WebAssembly SIMD kernel
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = (v > 0 ? v : 0) + Math.log1p(Math.exp(-Math.abs(v)));
  }
}

/** out = g · σ(x) */
export function softplusBackwardKernel(g: FloatArray, x: FloatArray, out: FloatArray): void {
  if (simdRule("softplusBackwardF32", g, x, out)) return;
  for (let i = 0; i < g.length; i++) out[i] = g[i] * sigmoidScalar(x[i]);
}

export function softplus(x: Tensor): Tensor {
  const y = mapKernel(x, "softplus", softplusKernel, "softplusF32");
  return record(y, "softplus", [x], (g) => [softplusBackward(g, x)]);
}

/** The rule g · σ(x) as an op: ∂/∂g = σ(x), ∂/∂x = g · σ′(x), which is softplus″. */
export function softplusBackward(g: Tensor, x: Tensor): Tensor {
  const out = ruleKernel("softplusBackward", g, x, softplusBackwardKernel, "softplusBackwardF32");
  return record(out, "softplusBackward", [g, x], (gg) => [
    g.requiresGrad ? softplusBackward(gg, x) : null,
    x.requiresGrad ? mul(gg, sigmoidBackward(g, sigmoid(x))) : null,
  ]);
}

export const softplusSpec: ActivationSpec<[], "softplus"> = {
  name: "softplus",
  formula: "softplus(x) = log(1 + e^x)",
  derivative: "softplus′(x) = σ(x)",
  secondDerivative: "softplus″(x) = σ(x)(1 − σ(x))",
  forward: softplus,
  backward: (g, { x }) => softplusBackward(g, x),
};
