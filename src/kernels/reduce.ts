/**
 * Reductions over any set of axes, written once as "reduce to a shape": the target has the
 * input's rank with 1 on each reduced axis. `sumToShapeKernel` is also how broadcasting is
 * undone for gradients (the adjoint of `broadcastKernel`), and `argmaxKernel` finds, for each
 * output element, the flat index of the first largest input in its group (NaN counts as largest;
 * `argminKernel` likewise the first smallest, NaN counting as smallest, as torch.argmin does).
 * `logsumexpKernel` and `varianceKernel` compute in float64 whatever the storage dtype.
 */
import type { FloatArray } from "../memory/dtype.js";
import type { Shape } from "../memory/shape.js";
import { stridesOf } from "../memory/shape.js";

/** Strides into the reduced (or broadcast) side for each axis of `shape`: 0 where `target` has 1. */
function outStrides(shape: Shape, target: Shape): number[] {
  return stridesOf(target).map((s, i) => (target[i] === 1 && shape[i] !== 1 ? 0 : s));
}

/** Whether `target` keeps every axis of `shape` after its first kept one (reduced axes all lead). */
function leadingOnly(shape: Shape, target: Shape): boolean {
  let i = 0;
  while (i < shape.length && target[i] === 1) i++;
  for (let j = i; j < shape.length; j++) if (target[j] !== shape[j]) return false;
  return true;
}

/** out[j] = Σ x[i] over all i that map to j, where `target` is `shape` with some axes set to 1. */
export function sumToShapeKernel(x: FloatArray, shape: Shape, out: FloatArray, target: Shape): void {
  out.fill(0);
  const rank = shape.length;
  if (rank === 0 || x.length === 0) {
    if (x.length === 1) out[0] = x[0];
    return;
  }
  if (out.length === 1) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i];
    out[0] = s;
    return;
  }
  // Accumulate in float64 even for float32 data, then store once.
  const acc = out instanceof Float64Array ? out : new Float64Array(out.length);
  if (leadingOnly(shape, target)) {
    // Reduce over leading axes only (a bias gradient): add up contiguous rows of out.length.
    const w = out.length;
    for (let xi = 0; xi < x.length; xi += w) for (let j = 0; j < w; j++) acc[j] += x[xi + j];
    if (acc !== out) out.set(acc);
    return;
  }
  const ts = outStrides(shape, target);
  const n = shape[rank - 1];
  const inner = ts[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let oi = 0;
  for (let xi = 0; xi < x.length; xi += n) {
    if (inner === 0) {
      let s = 0;
      for (let k = 0; k < n; k++) s += x[xi + k];
      acc[oi] += s;
    } else {
      for (let k = 0; k < n; k++) acc[oi + k] += x[xi + k];
    }
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      oi += ts[d];
      if (idx[d] < shape[d]) break;
      oi -= ts[d] * shape[d];
      idx[d] = 0;
    }
  }
  if (acc !== out) out.set(acc);
}

/** out[i] = x[j] where j is i's position with broadcast axes (size 1 in `shape`) pinned to 0. */
export function broadcastKernel(x: FloatArray, shape: Shape, out: FloatArray, target: Shape): void {
  const rank = target.length;
  if (x.length === 1) return void out.fill(x[0]);
  if (out.length === 0) return;
  const xs = outStrides(target, shape); // stride 0 along broadcast axes
  const n = target[rank - 1];
  const inner = xs[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let xi = 0;
  for (let oi = 0; oi < out.length; oi += n) {
    if (inner === 0) out.fill(x[xi], oi, oi + n);
    else for (let k = 0; k < n; k++) out[oi + k] = x[xi + k];
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      xi += xs[d];
      if (idx[d] < target[d]) break;
      xi -= xs[d] * target[d];
      idx[d] = 0;
    }
  }
}

/** For each output element, the flat input index of the first maximum of its group. */
export function argmaxKernel(x: FloatArray, shape: Shape, target: Shape): Int32Array {
  return argKernel(x, shape, target, false);
}

/** For each output element, the flat input index of the first minimum of its group (NaN counts as smallest). */
export function argminKernel(x: FloatArray, shape: Shape, target: Shape): Int32Array {
  return argKernel(x, shape, target, true);
}

function argKernel(x: FloatArray, shape: Shape, target: Shape, min: boolean): Int32Array {
  const outSize = target.reduce((a, b) => a * b, 1);
  const best = new Int32Array(outSize).fill(-1);
  const rank = shape.length;
  if (x.length === 0) return best;
  if (rank === 0) return best.fill(0);
  const ts = outStrides(shape, target);
  const idx = new Array<number>(rank).fill(0);
  let oi = 0;
  for (let xi = 0; xi < x.length; xi++) {
    const b = best[oi];
    const v = x[xi];
    // Strictly greater (smaller) keeps the first one; a NaN wins once and then stays.
    if (b < 0 || (min ? v < x[b] : v > x[b]) || (v !== v && x[b] === x[b])) best[oi] = xi;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      oi += ts[d];
      if (idx[d] < shape[d]) break;
      oi -= ts[d] * shape[d];
      idx[d] = 0;
    }
  }
  return best;
}

/**
 * out[j] = log Σ_i e^(x_i) over group j, computed stably as m + log Σ e^(x_i − m) with m the
 * group's max — or 0 when that max is ±∞, so a group of all −∞ gives log 0 = −∞, a +∞ gives +∞,
 * and an empty group gives −∞ (as PyTorch). A NaN anywhere in a group makes it NaN.
 */
export function logsumexpKernel(x: FloatArray, shape: Shape, out: FloatArray, target: Shape): void {
  const m = out.length;
  const shift = new Float64Array(m);
  if (x.length > 0) {
    const idx = argmaxKernel(x, shape, target);
    for (let j = 0; j < m; j++) {
      const v = idx[j] < 0 ? 0 : x[idx[j]];
      shift[j] = Number.isFinite(v) ? v : 0;
    }
  }
  const e = new Float64Array(x.length);
  broadcastKernel(shift, target, e, shape);
  for (let i = 0; i < x.length; i++) e[i] = Math.exp(x[i] - e[i]);
  const s = new Float64Array(m);
  sumToShapeKernel(e, shape, s, target);
  for (let j = 0; j < m; j++) out[j] = Math.log(s[j]) + shift[j];
}

/**
 * out[j] = Σ_i (x_i − μ_j)² / max(0, n − correction) over group j (n elements, mean μ_j): the
 * variance, two passes in float64. A divisor of 0 gives ±∞ or NaN, as PyTorch.
 */
export function varianceKernel(x: FloatArray, shape: Shape, out: FloatArray, target: Shape, correction: number): void {
  const m = out.length;
  const n = m === 0 ? 0 : x.length / m;
  const mu = new Float64Array(m);
  sumToShapeKernel(x, shape, mu, target);
  for (let j = 0; j < m; j++) mu[j] /= n;
  const d = new Float64Array(x.length);
  broadcastKernel(mu, target, d, shape);
  for (let i = 0; i < x.length; i++) {
    const v = x[i] - d[i];
    d[i] = v * v;
  }
  const s = new Float64Array(m);
  sumToShapeKernel(d, shape, s, target);
  const divisor = Math.max(0, n - correction);
  for (let j = 0; j < m; j++) out[j] = s[j] / divisor;
}
