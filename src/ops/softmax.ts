/**
 * Softmax along an axis (the last by default): turns scores into probabilities.
 *
 *   S_i = e^(a_i) / Σ_k e^(a_k)
 *   ∂S_i/∂a_j = S_i(δ_ij − S_j)
 *
 * The rule never builds that n×n Jacobian: for an upstream g it is S ⊙ (g − Σ_j g_j S_j),
 * one dot product and one pass. Stable form: the max is subtracted first (softmax is
 * shift-invariant), so e^1000 never appears: softmax([1000, 1001]) = [0.2689…, 0.7310…].
 */
import { axisLayout, softmaxBackwardKernel, softmaxKernel } from "../kernels/axis.js";
import { promote } from "../tensor/dtype.js";
import { allocValues } from "../tensor/scope.js";
import { simdRows, simdRowsRule } from "../kernels/simd.js";
import { record } from "../tensor/graph.js";
import { fmt, normalizeAxis, sameShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { ActivationSpec } from "./activation.js";
import { expectTensor, mul, sub } from "./arithmetic.js";
import { sum } from "./reduce.js";

export function softmax(x: Tensor, axis = -1): Tensor {
  expectTensor(x, "softmax");
  const ax = normalizeAxis(axis, x.ndim, "softmax");
  const layout = axisLayout(x.shape, ax);
  // Along the last axis of float32, the SIMD kernel makes the output array itself.
  const fast = layout.inner === 1 ? simdRows("softmaxF32", x.data, layout.outer, layout.n) : null;
  const y = new Tensor(fast ?? allocValues(x.dtype, x.size), x.shape);
  if (fast === null) softmaxKernel(x.data, y.data, layout);
  return record(y, "softmax", [x], (g) => [softmaxBackward(g, y, ax)], { axis: ax });
}

/**
 * The rule S ⊙ (g − Σ g⊙S) as an op. Its own derivatives give the softmax Hessian-vector
 * product: ∂/∂g is the same (symmetric) Jacobian; ∂/∂S_j = gg_j(g_j − Σ g⊙S) − g_j Σ gg⊙S.
 */
export function softmaxBackward(g: Tensor, y: Tensor, axis: number): Tensor {
  if (!sameShape(g.shape, y.shape)) {
    throw new RangeError(`softmaxBackward: gradient of shape ${fmt(g.shape)} does not match ${fmt(y.shape)}`);
  }
  const ax = normalizeAxis(axis, y.ndim, "softmaxBackward");
  const layout = axisLayout(y.shape, ax);
  const fast = layout.inner === 1 ? simdRowsRule("softmaxBackwardF32", g.data, y.data, layout.outer, layout.n) : null;
  const out = new Tensor(fast ?? allocValues(promote(g.dtype, y.dtype), g.size), g.shape);
  if (fast === null) softmaxBackwardKernel(g.data, y.data, out.data, layout);
  return record(out, "softmaxBackward", [g, y], (gg) => [
    g.requiresGrad ? softmaxBackward(gg, y, ax) : null,
    y.requiresGrad ? sub(mul(gg, sub(g, sum(mul(g, y), ax, true))), mul(g, sum(mul(gg, y), ax, true))) : null,
  ]);
}

export const softmaxSpec: ActivationSpec<[axis?: number], "softmax"> = {
  name: "softmax",
  formula: "S_i = e^(a_i) / Σ_k e^(a_k)",
  derivative: "∂S_i/∂a_j = S_i(δ_ij − S_j)",
  note: "applied as S ⊙ (g − Σ g⊙S), without building the Jacobian",
  forward: softmax,
  backward: (g, { y }, axis = -1) => softmaxBackward(g, y, axis),
};
