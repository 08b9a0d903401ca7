/**
 * The logistic sigmoid.
 *
 *   σ(x)  = 1 / (1 + e^−x)
 *   σ′(x) = σ(x)(1 − σ(x))          at most 1/4, at x = 0
 *   σ″(x) = σ′(x)(1 − 2σ(x))
 *
 * Stable form: for x < 0 it is computed as e^x / (1 + e^x), so only −|x| is ever
 * exponentiated — e^1000 would overflow, e^−1000 is just 0. The rule reads the saved output
 * y = σ(x), as the derivation writes it, and costs no second exp.
 *
 *   sigmoid(tensor([0]))   // [0.5]
 */
import type { FloatArray } from "../tensor/dtype.js";
import { record } from "../tensor/graph.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ActivationSpec } from "./activation.js";
import { ruleKernel, sigmoidScalar } from "./activation.js";
import { mul, sub } from "./arithmetic.js";
import { mapKernel } from "./unary.js";
import { simdRule, simdUnary } from "../kernels/simd.js";

export function sigmoidKernel(x: FloatArray, out: FloatArray): void {
  if (simdUnary("sigmoidF32", x, out)) return; // float32: the WebAssembly SIMD kernel
  for (let i = 0; i < x.length; i++) out[i] = sigmoidScalar(x[i]);
}

/** out = g · y(1 − y) */
export function sigmoidBackwardKernel(g: FloatArray, y: FloatArray, out: FloatArray): void {
  if (simdRule("sigmoidBackwardF32", g, y, out)) return;
  for (let i = 0; i < g.length; i++) out[i] = g[i] * y[i] * (1 - y[i]);
}

export function sigmoid(x: Tensor): Tensor {
  const y = mapKernel(x, "sigmoid", sigmoidKernel, "sigmoidF32");
  return record(y, "sigmoid", [x], (g) => [sigmoidBackward(g, y)]);
}

/**
 * The rule g · σ(1 − σ) as an op of its own, so it can be differentiated again:
 * ∂/∂g = σ(1 − σ) (the same rule), ∂/∂y = g(1 − 2y), which through y = σ(x) gives σ″.
 */
export function sigmoidBackward(g: Tensor, y: Tensor): Tensor {
  const out = ruleKernel("sigmoidBackward", g, y, sigmoidBackwardKernel, "sigmoidBackwardF32");
  return record(out, "sigmoidBackward", [g, y], (gg) => [
    g.requiresGrad ? sigmoidBackward(gg, y) : null,
    y.requiresGrad ? mul(mul(gg, g), sub(1, mul(y, 2))) : null,
  ]);
}

export const sigmoidSpec: ActivationSpec<[], "sigmoid"> = {
  name: "sigmoid",
  formula: "σ(x) = 1 / (1 + e^−x)",
  derivative: "σ′(x) = σ(x)(1 − σ(x))",
  secondDerivative: "σ″(x) = σ′(x)(1 − 2σ(x))",
  forward: sigmoid,
  backward: (g, { y }) => sigmoidBackward(g, y),
};
