/**
 * The rectified linear unit.
 *
 *   relu(x)  = max(0, x)
 *   relu′(x) = [x > 0]        1 for x > 0, 0 for x < 0, and 0 at x = 0 by convention
 *   relu″(x) = 0              (almost everywhere)
 *
 * At the kink x = 0 any value in [0, 1] is a valid subgradient; actigrad takes 0, as PyTorch,
 * TensorFlow and JAX do, so a unit sitting exactly at 0 passes no gradient. relu(−0) is +0;
 * relu(NaN) is NaN, so a NaN stays visible downstream.
 *
 *   relu(tensor([-1, 0, 2]))   // [0, 0, 2]; gradient [0, 0, 1]
 */
import type { FloatArray } from "../tensor/dtype.js";
import { record } from "../tensor/graph.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ActivationSpec } from "./activation.js";
import { ruleKernel } from "./activation.js";
import { mapKernel } from "./unary.js";
import { simdRule, simdUnary } from "../kernels/simd.js";

export function reluKernel(x: FloatArray, out: FloatArray): void {
  if (simdUnary("reluF32", x, out)) return; // float32: the WebAssembly SIMD kernel
  for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 || x[i] !== x[i] ? x[i] : 0; // NaN passes through
}

/** out = g · [x > 0] */
export function reluBackwardKernel(g: FloatArray, x: FloatArray, out: FloatArray): void {
  if (simdRule("reluBackwardF32", g, x, out)) return;
  for (let i = 0; i < g.length; i++) out[i] = x[i] > 0 ? g[i] : 0;
}

export function relu(x: Tensor): Tensor {
  const y = mapKernel(x, "relu", reluKernel, "reluF32");
  // The rule reads the saved output: [y > 0] = [x > 0] (y is 0 wherever x ≤ 0, NaN where x is),
  // and y is what a scope() keeps in the module's memory, where x may have come from outside.
  return record(y, "relu", [x], (g) => [reluBackward(g, y)]);
}

/**
 * The rule g · [x > 0] as an op: linear in g (the same mask), and flat in x (relu″ = 0). The
 * second argument may be x or y = relu(x): the masks are the same.
 */
export function reluBackward(g: Tensor, x: Tensor): Tensor {
  const out = ruleKernel("reluBackward", g, x, reluBackwardKernel, "reluBackwardF32");
  return record(out, "reluBackward", [g, x], (gg) => [g.requiresGrad ? reluBackward(gg, x) : null, null]);
}

export const reluSpec: ActivationSpec<[], "relu"> = {
  name: "relu",
  formula: "relu(x) = max(0, x)",
  derivative: "relu′(x) = [x > 0]",
  secondDerivative: "relu″(x) = 0",
  note: "relu′(0) = 0: the kink passes no gradient",
  forward: relu,
  backward: (g, { x }) => reluBackward(g, x),
};
