/**
 * Maxout (Goodfellow et al., 2013): the max over groups of `pieces` units.
 *
 *   maxout(x)_j = max_{k < pieces} x_{j·pieces + k}      (last axis, contiguous groups)
 *   ∂maxout_j/∂x_i = 1 if i is the group's arg-max, else 0
 *
 * The last axis, of size n·pieces, is split into n contiguous groups of `pieces`; the result
 * has n there. The gradient is routed to one element per group: on a tie, the first arg-max
 * (lowest index) takes it all, so the gradient stays a valid subgradient and sums to g.
 * relu is maxout over the pair [x, 0]; max over a group of linear units is piecewise linear.
 *
 *   maxout(tensor([1, 3, 2, 2]), 2)   // [3, 2]; gradient [0, 1, 1, 0]
 */
import type { FloatArray } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { fmt } from "../tensor/shape.js";
import type { ActivationSpec } from "./activation.js";
import { expectTensor } from "./arithmetic.js";
import { gather, scatter } from "./indexing.js";

/** The flat index of the first maximum of each group of `pieces` (a NaN counts as largest). */
export function maxoutArgmaxKernel(x: FloatArray, pieces: number): Int32Array {
  const groups = x.length / pieces;
  const idx = new Int32Array(groups);
  for (let j = 0, base = 0; j < groups; j++, base += pieces) {
    let best = base;
    let m = x[base];
    for (let k = 1; k < pieces; k++) {
      const v = x[base + k];
      if (v > m || (v !== v && m === m)) {
        m = v;
        best = base + k;
      }
    }
    idx[j] = best;
  }
  return idx;
}

function checkPieces(x: Tensor, pieces: number): number[] {
  expectTensor(x, "maxout");
  if (typeof pieces !== "number" || !Number.isInteger(pieces) || pieces < 1) {
    throw new RangeError(`maxout: pieces must be a positive integer, got ${String(pieces)}`);
  }
  if (x.ndim === 0) throw new RangeError("maxout: needs at least 1 axis, got a 0-d tensor");
  const last = x.shape[x.ndim - 1];
  if (last % pieces !== 0) {
    throw new RangeError(`maxout: last axis of size ${last} is not divisible by pieces = ${pieces} (shape ${fmt(x.shape)})`);
  }
  return [...x.shape.slice(0, -1), last / pieces];
}

export function maxout(x: Tensor, pieces: number): Tensor {
  const shape = checkPieces(x, pieces);
  return gather(x, maxoutArgmaxKernel(x.data, pieces), shape, "maxout", { pieces });
}

/** The rule: g routed to each group's first arg-max, zeros elsewhere. */
export function maxoutBackward(g: Tensor, x: Tensor, pieces: number): Tensor {
  checkPieces(x, pieces);
  return scatter(g, maxoutArgmaxKernel(x.data, pieces), x.shape, "maxoutBackward", x);
}

export const maxoutSpec: ActivationSpec<[pieces: number], "maxout"> = {
  name: "maxout",
  formula: "maxout(x)_j = max_k x_{j·pieces + k}",
  derivative: "∂maxout_j/∂x_i = [i = first arg-max of group j]",
  note: "ties: the first arg-max takes the whole gradient",
  forward: maxout,
  backward: (g, { x }, pieces) => maxoutBackward(g, x, pieces),
};
