/**
 * Log-softmax along an axis (the last by default): the log of softmax, computed directly.
 *
 *   y_i = a_i − log Σ_k e^(a_k)
 *   ∂y_i/∂a_j = δ_ij − S_j,   so the rule is g − S · Σ_j g_j,  with S = softmax(a) = e^y
 *
 * Stable form: a_i − m − log Σ e^(a_k − m) with m the max, so nothing overflows and
 * log(0) never occurs. This is what cross-entropy should be built on. Where the true value
 * lies below the float range (only for inputs near ±MAX_VALUE), it is floored at −MAX_VALUE.
 */
import { axisLayout, logSoftmaxBackwardKernel, logSoftmaxKernel } from "../kernels/axis.js";
import { promote } from "../tensor/dtype.js";
import { allocValues } from "../tensor/scope.js";
import { simdRows, simdRowsRule } from "../kernels/simd.js";
import { record } from "../tensor/graph.js";
import { fmt, normalizeAxis, sameShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { ActivationSpec } from "./activation.js";
import { expectTensor, mul, neg, sub } from "./arithmetic.js";
import { sum } from "./reduce.js";
import { exp } from "./unary.js";

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  expectTensor(x, "logSoftmax");
  const ax = normalizeAxis(axis, x.ndim, "logSoftmax");
  const layout = axisLayout(x.shape, ax);
  // Along the last axis of float32, the SIMD kernel makes the output array itself.
  const fast = layout.inner === 1 ? simdRows("logSoftmaxF32", x.data, layout.outer, layout.n) : null;
  const y = new Tensor(fast ?? allocValues(x.dtype, x.size), x.shape);
  if (fast === null) logSoftmaxKernel(x.data, y.data, layout);
  return record(y, "logSoftmax", [x], (g) => [logSoftmaxBackward(g, y, ax)], { axis: ax });
}

/**
 * The rule g − e^y · Σ g as an op, differentiable again:
 * ∂/∂g_j = gg_j − Σ_i gg_i e^(y_i)   and   ∂/∂y_j = −gg_j e^(y_j) Σ_i g_i.
 */
export function logSoftmaxBackward(g: Tensor, y: Tensor, axis: number): Tensor {
  if (!sameShape(g.shape, y.shape)) {
    throw new RangeError(`logSoftmaxBackward: gradient of shape ${fmt(g.shape)} does not match ${fmt(y.shape)}`);
  }
  const ax = normalizeAxis(axis, y.ndim, "logSoftmaxBackward");
  const layout = axisLayout(y.shape, ax);
  const fast = layout.inner === 1 ? simdRowsRule("logSoftmaxBackwardF32", g.data, y.data, layout.outer, layout.n) : null;
  const out = new Tensor(fast ?? allocValues(promote(g.dtype, y.dtype), g.size), g.shape);
  if (fast === null) logSoftmaxBackwardKernel(g.data, y.data, out.data, layout);
  return record(out, "logSoftmaxBackward", [g, y], (gg) => [
    g.requiresGrad ? sub(gg, sum(mul(gg, exp(y)), ax, true)) : null,
    y.requiresGrad ? neg(mul(mul(gg, exp(y)), sum(g, ax, true))) : null,
  ]);
}

export const logSoftmaxSpec: ActivationSpec<[axis?: number], "logSoftmax"> = {
  name: "logSoftmax",
  formula: "y_i = a_i − log Σ_k e^(a_k)",
  derivative: "∂y_i/∂a_j = δ_ij − S_j",
  note: "applied as g − softmax(a) · Σ g",
  forward: logSoftmax,
  backward: (g, { y }, axis = -1) => logSoftmaxBackward(g, y, axis),
};
