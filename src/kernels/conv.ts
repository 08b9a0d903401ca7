/**
 * Convolution and pooling loops over [batch, channels, height, width] arrays (row-major, as
 * PyTorch's NCHW). Arrays only: the ops in src/ops/conv.ts check shapes and record the graph.
 *
 * Convolution is a cross-correlation (no kernel flip), by im2col onto the matrix product:
 * for one sample, `im2col` lays the input out as a matrix `col` of C·kH·kW rows (one per
 * weight position (c, i, j)) and Ho·Wo columns (one per output position), so that
 *
 *   y[n] = W · col(x[n])                          W as [O, C·kH·kW], y[n] as [O, Ho·Wo]
 *   ∂x[n] = col2im(Wᵀ · g[n])                     col2im: the adjoint of im2col, sums overlaps
 *   ∂W    = Σ_n g[n] · col(x[n])ᵀ
 *
 * Each product goes to `matmulKernel` (the SIMD kernel for float32 and float64, transposes read
 * in place). The column matrix is built one sample at a time in a scratch array, which stays in
 * cache, instead of for the whole batch at once.
 */
import type { FloatArray } from "../memory/dtype.js";
import { matmulKernel } from "./matmul.js";

/** The sizes of one convolution: input [n, c, h, w], weight [o, c, kh, kw], output [n, o, ho, wo]. */
export interface ConvGeometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly o: number;
  readonly kh: number;
  readonly kw: number;
  /** Strides and zero padding along height and width. */
  readonly sh: number;
  readonly sw: number;
  readonly ph: number;
  readonly pw: number;
  readonly ho: number;
  readonly wo: number;
}

/** The output length along one axis: ⌊(size + 2·padding − kernel) / stride⌋ + 1 (PyTorch's, dilation 1). */
export function outputSize(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

const show = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? `[${v.map(String).join(", ")}]` : typeof v === "number" ? String(v) : typeof v;

/**
 * A size argument (kernel, stride, padding) as [height, width]: one number for both, or an array
 * of two; integers ≥ `min`. Errors name `op` and `what`.
 */
export function sizePair(v: unknown, op: string, what: string, min: number): [number, number] {
  const both =
    typeof v === "number" ? [v, v] : Array.isArray(v) && v.length === 2 && v.every((e) => typeof e === "number") ? v : null;
  if (both === null) {
    throw new TypeError(`${op}: ${what} must be a number or an array [height, width] of two numbers, got ${show(v)}`);
  }
  if (!both.every((e) => Number.isInteger(e) && e >= min)) {
    throw new RangeError(
      `${op}: ${what} must be ${min === 0 ? "a non-negative" : "a positive"} integer (or two), got ${show(v)}`,
    );
  }
  return [both[0], both[1]];
}

// Scratch for one sample's column matrix (and one sample's ∂W), per dtype, grown as needed.
let scratch32 = new Float32Array(0);
let scratch64 = new Float64Array(0);

function scratch(like: FloatArray, size: number): FloatArray {
  if (like instanceof Float32Array) {
    if (scratch32.length < size) scratch32 = new Float32Array(size);
    return scratch32;
  }
  if (scratch64.length < size) scratch64 = new Float64Array(size);
  return scratch64;
}

/**
 * The range [lo, hi) of output positions o along one axis whose input position
 * o·stride − padding + k falls inside [0, size); clamped to [0, out).
 */
function validRange(k: number, size: number, stride: number, padding: number, out: number): [number, number] {
  const lo = Math.min(out, Math.max(0, Math.ceil((padding - k) / stride)));
  const hi = Math.max(lo, Math.min(out, Math.floor((size - 1 + padding - k) / stride) + 1));
  return [lo, hi];
}

/**
 * col[(ci·kh + i)·kw + j][oy·wo + ox] = x[ci][oy·sh − ph + i][ox·sw − pw + j] (0 in the padding),
 * for the sample at x[xOff …]; `col` holds c·kh·kw rows of ho·wo.
 */
export function im2col(x: FloatArray, xOff: number, g: ConvGeometry, col: FloatArray): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, ho, wo } = g;
  let p = 0;
  for (let ci = 0; ci < c; ci++) {
    const plane = xOff + ci * h * w;
    for (let i = 0; i < kh; i++) {
      const [yLo, yHi] = validRange(i, h, sh, ph, ho);
      for (let j = 0; j < kw; j++) {
        const [xLo, xHi] = validRange(j, w, sw, pw, wo);
        for (let oy = 0; oy < yLo * wo; oy++) col[p++] = 0;
        for (let oy = yLo; oy < yHi; oy++) {
          const row = plane + (oy * sh - ph + i) * w - pw + j;
          let ox = 0;
          for (; ox < xLo; ox++) col[p++] = 0;
          if (sw === 1) for (; ox < xHi; ox++) col[p++] = x[row + ox];
          else for (; ox < xHi; ox++) col[p++] = x[row + ox * sw];
          for (; ox < wo; ox++) col[p++] = 0;
        }
        for (let oy = yHi * wo; oy < ho * wo; oy++) col[p++] = 0;
      }
    }
  }
}

/** The adjoint of `im2col`: adds each col entry back where it came from, dx[dxOff …] += …; padding is dropped. */
export function col2im(col: FloatArray, g: ConvGeometry, dx: FloatArray, dxOff: number): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, ho, wo } = g;
  const hw = ho * wo;
  let r = 0;
  for (let ci = 0; ci < c; ci++) {
    const plane = dxOff + ci * h * w;
    for (let i = 0; i < kh; i++) {
      const [yLo, yHi] = validRange(i, h, sh, ph, ho);
      for (let j = 0; j < kw; j++, r++) {
        const [xLo, xHi] = validRange(j, w, sw, pw, wo);
        for (let oy = yLo; oy < yHi; oy++) {
          const row = plane + (oy * sh - ph + i) * w - pw + j;
          const p = r * hw + oy * wo;
          if (sw === 1) for (let ox = xLo; ox < xHi; ox++) dx[row + ox] += col[p + ox];
          else for (let ox = xLo; ox < xHi; ox++) dx[row + ox * sw] += col[p + ox];
        }
      }
    }
  }
}

/** y[n] = W·col(x[n]) (+ b per output channel); `y` is [n, o, ho, wo], W [o, c·kh·kw]. */
export function conv2dKernel(x: FloatArray, weight: FloatArray, bias: FloatArray | null, y: FloatArray, g: ConvGeometry): void {
  const { n, c, h, w, o, kh, kw, ho, wo } = g;
  const k = c * kh * kw;
  const hw = ho * wo;
  const col = scratch(y, k * hw);
  for (let s = 0; s < n; s++) {
    im2col(x, s * c * h * w, g, col);
    matmulKernel(weight, 0, col, 0, y, s * o * hw, o, k, hw);
    if (bias !== null) {
      for (let oc = 0; oc < o; oc++) {
        const b = bias[oc];
        const at = (s * o + oc) * hw;
        for (let q = at; q < at + hw; q++) y[q] += b;
      }
    }
  }
}

/** ∂x[n] = col2im(Wᵀ·g[n]): `dx` ([n, c, h, w], zero-filled) from the upstream `gy` ([n, o, ho, wo]). */
export function conv2dInputGradKernel(gy: FloatArray, weight: FloatArray, dx: FloatArray, g: ConvGeometry): void {
  const { n, c, h, w, o, kh, kw, ho, wo } = g;
  const k = c * kh * kw;
  const hw = ho * wo;
  const col = scratch(dx, k * hw);
  for (let s = 0; s < n; s++) {
    matmulKernel(weight, 0, gy, s * o * hw, col, 0, k, o, hw, true, false);
    col2im(col, g, dx, s * c * h * w);
  }
}

/** ∂W = Σ_n g[n]·col(x[n])ᵀ into `dw` ([o, c, kh, kw]), from the input `x` and the upstream `gy`. */
export function conv2dWeightGradKernel(x: FloatArray, gy: FloatArray, dw: FloatArray, g: ConvGeometry): void {
  const { n, c, h, w, o, kh, kw, ho, wo } = g;
  const k = c * kh * kw;
  const hw = ho * wo;
  const buf = scratch(dw, k * hw + o * k);
  const col = buf.subarray(0, k * hw);
  const part = buf.subarray(k * hw, k * hw + o * k);
  dw.fill(0);
  for (let s = 0; s < n; s++) {
    im2col(x, s * c * h * w, g, col);
    matmulKernel(gy, s * o * hw, col, 0, part, 0, o, hw, k, false, true);
    for (let q = 0; q < o * k; q++) dw[q] += part[q];
  }
}

/** The sizes of one pooling: input [n, c, h, w] (n·c planes), window kh×kw, strides, output ho×wo; no padding. */
export interface PoolGeometry {
  readonly planes: number;
  readonly h: number;
  readonly w: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly ho: number;
  readonly wo: number;
}

/**
 * The flat index into x of each window's maximum: the first one in row-major order on ties
 * (PyTorch's choice); a NaN counts as the maximum (its first one), so NaN propagates.
 */
export function maxPoolIndexKernel(x: FloatArray, idx: Int32Array, g: PoolGeometry): void {
  const { planes, h, w, kh, kw, sh, sw, ho, wo } = g;
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * h * w;
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const corner = plane + oy * sh * w + ox * sw;
        let best = corner;
        let bestValue = x[corner];
        if (bestValue === bestValue) {
          search: for (let i = 0; i < kh; i++) {
            const row = corner + i * w;
            for (let j = 0; j < kw; j++) {
              const v = x[row + j];
              if (v > bestValue || v !== v) {
                best = row + j;
                bestValue = v;
                if (v !== v) break search;
              }
            }
          }
        }
        idx[q++] = best;
      }
    }
  }
}

/** y = the mean of each kh×kw window. */
export function avgPoolKernel(x: FloatArray, y: FloatArray, g: PoolGeometry): void {
  const { planes, h, w, kh, kw, sh, sw, ho, wo } = g;
  const count = kh * kw;
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * h * w;
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const corner = plane + oy * sh * w + ox * sw;
        let s = 0;
        for (let i = 0; i < kh; i++) {
          const row = corner + i * w;
          for (let j = 0; j < kw; j++) s += x[row + j];
        }
        y[q++] = s / count;
      }
    }
  }
}

/** The adjoint of `avgPoolKernel`: dx (zero-filled) += gy / (kh·kw) over each window. */
export function avgPoolBackwardKernel(gy: FloatArray, dx: FloatArray, g: PoolGeometry): void {
  const { planes, h, w, kh, kw, sh, sw, ho, wo } = g;
  const count = kh * kw;
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * h * w;
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const corner = plane + oy * sh * w + ox * sw;
        const v = gy[q++] / count;
        for (let i = 0; i < kh; i++) {
          const row = corner + i * w;
          for (let j = 0; j < kw; j++) dx[row + j] += v;
        }
      }
    }
  }
}
