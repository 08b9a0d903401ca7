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
import type { FloatArray } from "../tensor/dtype.js";
import { record } from "../tensor/graph.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ActivationSpec } from "./activation.js";
import { ruleKernel } from "./activation.js";
import { mul } from "./arithmetic.js";
import { mapKernel } from "./unary.js";
import { simdRule, simdUnary } from "../kernels/simd.js";

export function tanhKernel(x: FloatArray, out: FloatArray): void {
  if (simdUnary("tanhF32", x, out)) return; // float32: the WebAssembly SIMD kernel
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
}

/** out = g · (1 − y²) */
export function tanhBackwardKernel(g: FloatArray, y: FloatArray, out: FloatArray): void {
  if (simdRule("tanhBackwardF32", g, y, out)) return;
  for (let i = 0; i < g.length; i++) out[i] = g[i] * (1 - y[i] * y[i]);
}

export function tanh(x: Tensor): Tensor {
  const y = mapKernel(x, "tanh", tanhKernel, "tanhF32");
  return record(y, "tanh", [x], (g) => [tanhBackward(g, y)]);
}

/** The rule g · (1 − y²) as an op: ∂/∂g = 1 − y², ∂/∂y = −2gy, which through y gives tanh″. */
export function tanhBackward(g: Tensor, y: Tensor): Tensor {
  const out = ruleKernel("tanhBackward", g, y, tanhBackwardKernel, "tanhBackwardF32");
  return record(out, "tanhBackward", [g, y], (gg) => [
    g.requiresGrad ? tanhBackward(gg, y) : null,
    y.requiresGrad ? mul(mul(gg, g), mul(y, -2)) : null,
  ]);
}

export const tanhSpec: ActivationSpec<[], "tanh"> = {
  name: "tanh",
  formula: "tanh(x) = (e^x − e^−x) / (e^x + e^−x)",
  derivative: "tanh′(x) = 1 − tanh²(x)",
  secondDerivative: "tanh″(x) = −2 tanh(x)(1 − tanh²(x))",
  forward: tanh,
  backward: (g, { y }) => tanhBackward(g, y),
};
