/**
 * Work along one axis (activations over vectors, reductions along an axis) sees a tensor as
 * [outer, n, inner]: `outer` independent slabs, each holding `inner` interleaved vectors of
 * length `n` with stride `inner`. For the last axis inner = 1 and each vector is contiguous.
 */
import type { Shape } from "../memory/shape.js";

export interface AxisLayout {
  outer: number;
  n: number;
  inner: number;
}

export function axisLayout(shape: Shape, axis: number): AxisLayout {
  let outer = 1,
    inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, n: shape.length === 0 ? 1 : shape[axis], inner };
}
