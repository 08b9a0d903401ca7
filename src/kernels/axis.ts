/**
 * Kernels that work along one axis (softmax, log-softmax and their rules) see a tensor as
 * [outer, n, inner]: `outer` independent slabs, each holding `inner` interleaved vectors of
 * length `n` with stride `inner`. For the last axis inner = 1 and each vector is contiguous.
 */
import type { FloatArray } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";
import { simdRows, simdRowsRule } from "./simd.js";

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

/** y = softmax(x) along the axis: e^(x − max) / Σ e^(x − max). */
export function softmaxKernel(x: FloatArray, y: FloatArray, { outer, n, inner }: AxisLayout): void {
  if (inner === 1 && simdRows("softmaxF32", x, outer, n, y)) return; // float32, last axis: SIMD
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * n * inner + q;
      let m = -Infinity;
      for (let i = 0, p = base; i < n; i++, p += inner) if (x[p] > m || x[p] !== x[p]) m = x[p];
      if (m === -Infinity) m = 0; // all −∞ (or empty): avoid −∞ − (−∞) = NaN
      let s = 0;
      for (let i = 0, p = base; i < n; i++, p += inner) {
        const e = Math.exp(x[p] - m);
        y[p] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let i = 0, p = base; i < n; i++, p += inner) y[p] *= inv;
    }
  }
}

/** The largest finite float32, 2^128 − 2^104. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** y = x − max − log Σ e^(x − max) along the axis, floored at the output dtype's most negative finite value. */
export function logSoftmaxKernel(x: FloatArray, y: FloatArray, { outer, n, inner }: AxisLayout): void {
  if (inner === 1 && simdRows("logSoftmaxF32", x, outer, n, y)) return;
  const floor = y instanceof Float32Array ? -FLOAT32_MAX : -Number.MAX_VALUE;
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * n * inner + q;
      let m = -Infinity;
      for (let i = 0, p = base; i < n; i++, p += inner) if (x[p] > m || x[p] !== x[p]) m = x[p];
      if (m === -Infinity) m = 0;
      let s = 0;
      for (let i = 0, p = base; i < n; i++, p += inner) s += Math.exp(x[p] - m);
      const lse = Math.log(s);
      for (let i = 0, p = base; i < n; i++, p += inner) {
        // Below the floor only when the true value lies outside the dtype's range anyway.
        const v = x[p] - m - lse;
        y[p] = v < floor ? floor : v;
      }
    }
  }
}

/** out = y ⊙ (g − Σ g⊙y): the softmax Jacobian S_i(δ_ij − S_j) applied to g, never built. */
export function softmaxBackwardKernel(g: FloatArray, y: FloatArray, out: FloatArray, { outer, n, inner }: AxisLayout): void {
  if (inner === 1 && simdRowsRule("softmaxBackwardF32", g, y, outer, n, out)) return;
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * n * inner + q;
      let dot = 0;
      for (let i = 0, p = base; i < n; i++, p += inner) dot += g[p] * y[p];
      for (let i = 0, p = base; i < n; i++, p += inner) out[p] = y[p] * (g[p] - dot);
    }
  }
}

/** out = g − e^y · Σ g, where y = log-softmax(x), so e^y = softmax(x). */
export function logSoftmaxBackwardKernel(g: FloatArray, y: FloatArray, out: FloatArray, { outer, n, inner }: AxisLayout): void {
  if (inner === 1 && simdRowsRule("logSoftmaxBackwardF32", g, y, outer, n, out)) return;
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * n * inner + q;
      let s = 0;
      for (let i = 0, p = base; i < n; i++, p += inner) s += g[p];
      for (let i = 0, p = base; i < n; i++, p += inner) out[p] = g[p] - Math.exp(y[p]) * s;
    }
  }
}
