/**
 * Picking elements by flat index, and its adjoint: the engine's own building blocks for max
 * and the loss's pick (the public indexing ops are in ./indexing.ts). `takeFlat(x, idx, shape)`
 * reads out[i] = x[idx[i]]; `putFlat(g, idx, shape)` writes it back, out[idx[i]] += g[i], with zeros
 * elsewhere. Each is the other's gradient, so max — which takes each group's arg-max — routes
 * its gradient by putting it back, and stays differentiable to any order.
 */
import { allocValues } from "../memory/scope.js";
import { record } from "../tensor/graph.js";
import type { Shape } from "../memory/shape.js";
import { sizeOf } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** out[i] = x[idx[i]], recorded under `op` (the op it implements, e.g. "max"). */
export function takeFlat(
  x: Tensor,
  idx: Int32Array,
  shape: Shape,
  op = "takeFlat",
  args?: Readonly<Record<string, unknown>>,
): Tensor {
  const out = new Tensor(allocValues(x.dtype, idx.length), shape);
  const a = x.data,
    o = out.data;
  for (let i = 0; i < idx.length; i++) o[i] = a[idx[i]];
  // The rule names x as a source: the routing depends on x, but only piecewise-constantly, so its
  // derivative in x is 0 and grad-of-grad gives zeros rather than "no graph".
  return record(out, op, [x], (g) => [putFlat(g, idx, x.shape, `${op}Backward`, x)], args);
}

/**
 * out[idx[i]] += g[i], zeros elsewhere; out has `shape`. `source`, when given, is the tensor
 * the indices were chosen from: recorded as an input with zero derivative.
 */
export function putFlat(g: Tensor, idx: Int32Array, shape: Shape, op = "putFlat", source?: Tensor): Tensor {
  const out = new Tensor(allocValues(g.dtype, sizeOf(shape)), shape);
  const a = g.data,
    o = out.data;
  for (let i = 0; i < idx.length; i++) o[idx[i]] += a[i];
  return record(out, op, source ? [g, source] : [g], (gg) => [g.requiresGrad ? takeFlat(gg, idx, g.shape) : null, null]);
}
