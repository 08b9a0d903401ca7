/**
 * Maxout (Goodfellow et al., 2013): the max over groups of `pieces` units.
 *
 *   maxout(x)_j = max_{k < pieces} x_{j·pieces + k}      (last axis, contiguous groups)
 *   ∂maxout_j/∂x_i = 1 if i is the group's arg-max, else 0
 *
 * The last axis, of size n·pieces, is split into n contiguous groups of `pieces`: a reshape to
 * [..., n, pieces] and a max over the new last axis. The rule is max's: the gradient goes to one
 * element per group — on a tie, the first arg-max (lowest index) takes it all, so it stays a
 * valid subgradient and sums to g. max(x, 0) is maxout over the pair [x, 0]; the max of a group of
 * linear units is piecewise linear, so maxout″ = 0.
 *
 *   maxout(tensor([1, 3, 2, 2]), 2)   // [3, 2]; gradient [0, 1, 1, 0]
 */
import { fmt } from "../memory/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/create.js";
import { defineActivation } from "./define.js";
import { matmul } from "./matmul.js";
import { max } from "./reduce.js";
import { reshape } from "./shape.js";
import { add } from "./arithmetic.js";

function groups(x: Tensor, pieces: number): Tensor {
  if (!Number.isInteger(pieces) || pieces < 1) throw new RangeError(`maxout: pieces must be a positive integer, got ${pieces}`);
  if (x.ndim === 0) throw new RangeError("maxout: needs at least 1 axis, got a 0-d tensor");
  const last = x.shape[x.ndim - 1];
  if (last % pieces !== 0) {
    throw new RangeError(`maxout: last axis of size ${last} is not divisible by pieces = ${pieces} (shape ${fmt(x.shape)})`);
  }
  return reshape(x, [...x.shape.slice(0, -1), last / pieces, pieces]);
}

/**
 * maxout(x, k): the maximum of each group of k values along the last axis, which shrinks k-fold; the gradient goes to the group's arg-max.
 *
 * @example
 * ```ts
 * import { maxout, tensor } from "actigrad";
 * const x = tensor([[1, 5, -2, 3, 0, 4]], { requiresGrad: true });
 * const y = maxout(x, 2); // groups [1, 5], [-2, 3], [0, 4]
 * y.sum().backward();
 * console.log(y.toString(), x.grad!.toString());
 * ```
 * ```text
 * tensor([[5, 3, 4]], dtype=float64, gradFn=<maxout>) tensor([[0, 1, 0, 1, 0, 1]], dtype=float64)
 * ```
 */
export const maxout = defineActivation<[pieces: number]>({
  name: "maxout",
  moduleName: "MaxoutActivation",
  kind: "groups",
  args: { pieces: 2 },
  init: "he",
  formula: "maxout(x)_j = max_k x_{j·pieces + k}",
  derivative: "∂maxout_j/∂x_i = [i = first arg-max of group j]",
  note: "ties: the first arg-max takes the whole gradient",
  tex: {
    formula: String.raw`h_j = \max_{k} z_{j,k}`,
    derivative: String.raw`\frac{\partial h_j}{\partial z_{j,k}} = \bigl[\,k = \arg\max_{k'} z_{j,k'}\,\bigr]`,
  },
  forward: (x, pieces) => max(groups(x, pieces), -1),
  // Drawn as a function of one number: the upper envelope of `pieces` lines, tangents of x²/4.
  curve: (x, pieces) => {
    const p = Array.from({ length: pieces }, (_, i) => (pieces === 1 ? 0 : -3 + (6 * i) / (pieces - 1)));
    const lines = add(
      matmul(reshape(x, [-1, 1]), tensor([p.map((v) => v / 2)], { dtype: x.dtype })),
      tensor(
        p.map((v) => (-v * v) / 4),
        { dtype: x.dtype },
      ),
    );
    return max(lines, -1);
  },
});

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** The max of each group of `pieces` along the last axis (src/ops/maxout.ts). */
    maxout(pieces?: number): Tensor;
  }
}
