/** Moving data between layouts: swapping two axes of a row-major array. */
import type { FloatArray } from "../memory/dtype.js";
import type { Shape } from "../memory/shape.js";
import { stridesOf } from "../memory/shape.js";

/** out = x with axes `a0` and `a1` swapped (out's shape is `shape` with those sizes swapped). */
export function swapAxesKernel(x: FloatArray, shape: Shape, a0: number, a1: number, out: FloatArray): void {
  const rank = shape.length;
  if (x.length === 0) return;
  const xs = stridesOf(shape);
  const outShape = shape.slice();
  [outShape[a0], outShape[a1]] = [outShape[a1], outShape[a0]];
  // Input stride to follow for each output axis.
  const src = xs.slice();
  [src[a0], src[a1]] = [src[a1], src[a0]];
  if (rank === 2) {
    const [r, c] = outShape;
    // Blocked 2-d transpose keeps both sides in cache.
    const B = 32;
    for (let i0 = 0; i0 < r; i0 += B) {
      for (let j0 = 0; j0 < c; j0 += B) {
        const i1 = Math.min(i0 + B, r),
          j1 = Math.min(j0 + B, c);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[i * c + j] = x[j * r + i];
      }
    }
    return;
  }
  const idx = new Array<number>(rank).fill(0);
  let xi = 0;
  const n = outShape[rank - 1];
  const inner = src[rank - 1];
  for (let oi = 0; oi < out.length; oi += n) {
    for (let k = 0; k < n; k++) out[oi + k] = x[xi + k * inner];
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      xi += src[d];
      if (idx[d] < outShape[d]) break;
      xi -= src[d] * outShape[d];
      idx[d] = 0;
    }
  }
}
