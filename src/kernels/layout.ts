/** Moving data between layouts: swapping or permuting the axes of a row-major array, copying runs. */
import type { FloatArray } from "../memory/dtype.js";
import type { Shape } from "../memory/shape.js";
import { stridesOf } from "../memory/shape.js";

/** out = x with axes `a0` and `a1` swapped (out's shape is `shape` with those sizes swapped). */
export function swapAxesKernel(x: FloatArray, shape: Shape, a0: number, a1: number, out: FloatArray): void {
  if (x.length === 0) return;
  if (shape.length === 2) {
    const r = shape[1],
      c = shape[0];
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
  // A swap is the permutation that exchanges a0 and a1.
  const perm = shape.map((_, i) => (i === a0 ? a1 : i === a1 ? a0 : i));
  permuteKernel(x, shape, perm, out);
}

/**
 * out = x with its axes reordered: out's axis i is x's axis `perm[i]` (out's shape is
 * `shape[perm[i]]` for each i). The last output axis is copied in one strided run per row.
 */
export function permuteKernel(x: FloatArray, shape: Shape, perm: readonly number[], out: FloatArray): void {
  const rank = shape.length;
  if (x.length === 0 || rank === 0) {
    if (x.length > 0) out[0] = x[0];
    return;
  }
  const xs = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  // Input stride to follow for each output axis.
  const src = perm.map((p) => xs[p]);
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

/** Copies `n` values from `x` at `from` into `out` at `to` (set() for long runs, a loop for short). */
function copyRun(x: FloatArray, from: number, out: FloatArray, to: number, n: number): void {
  if (n >= 32) out.set(x.subarray(from, from + n), to);
  else for (let k = 0; k < n; k++) out[to + k] = x[from + k];
}

/**
 * Joins blocks along one axis. Every part is viewed as [outer, sizes[k], inner] (its shape
 * split around the axis); out is [outer, Σ sizes, inner]. Parts may be of another float type
 * than out (float32 into float64): each value is converted as it is copied.
 */
export function concatKernel(
  parts: readonly FloatArray[],
  sizes: readonly number[],
  outer: number,
  inner: number,
  out: FloatArray,
): void {
  let total = 0;
  for (const s of sizes) total += s;
  const row = total * inner;
  let start = 0;
  parts.forEach((p, k) => {
    const blk = sizes[k] * inner;
    if (blk > 0) for (let o = 0; o < outer; o++) copyRun(p, o * blk, out, o * row + start, blk);
    start += blk;
  });
}

/**
 * One piece of a split: x viewed as [outer, total, inner]; out = x[:, start : start + size, :],
 * viewed as [outer, size, inner].
 */
export function sliceAxisKernel(
  x: FloatArray,
  outer: number,
  total: number,
  inner: number,
  start: number,
  size: number,
  out: FloatArray,
): void {
  const blk = size * inner;
  if (blk === 0) return;
  const row = total * inner;
  for (let o = 0; o < outer; o++) copyRun(x, o * row + start * inner, out, o * blk, blk);
}
