/**
 * Convolution and pooling loops over [batch, channels, height, width] arrays (row-major, as
 * PyTorch's NCHW). Arrays only: the ops in src/ops/conv.ts check shapes and record the graph.
 *
 * Convolution is a cross-correlation (no kernel flip), by im2col onto the matrix product.
 * For one sample, `im2col` lays the input out as a matrix `col` of K = C·kH·kW rows (one per
 * weight position (c, i, j)) and P = Ho·Wo columns (one per output position), so that
 *
 *   y[n]  = W · col(x[n])                 W as [O, K], y[n] as [O, P]
 *   ∂x[n] = col2im(Wᵀ · g[n])             col2im: the adjoint of im2col, adding up overlaps
 *   ∂W    = Σ_n g[n] · col(x[n])ᵀ         = Σ_n g[n] · row(x[n]), row = im2row: col transposed
 *
 * The matrices are built one sample at a time, so they stay in cache. Two routes:
 *
 * - With the WebAssembly kernels loaded (float32 and float64 both have a SIMD matmul), the
 *   matrices are written straight into the module's memory (scratch above the arena) in the
 *   layouts the kernel packs with vector loads, padded so that no scalar edge loop runs: K and
 *   O rounded up to the micro-kernel's 4 rows, P to its 8 (float64: 4) columns. The padding rows
 *   and columns only feed outputs that are never read. For 1→8 channels on 28×28 this is about
 *   twice as fast as handing the same products to `matmulKernel`, which copies operands in and
 *   out and runs scalar edges for K = 9.
 * - Otherwise (no WebAssembly, or a scope whose memory has no room), scratch arrays and
 *   `matmulKernel` (the plain TypeScript kernel).
 */
import type { FloatArray } from "../memory/dtype.js";
import { align16, reserve } from "../memory/heap.js";
import { matmulKernel } from "./matmul.js";
import { active } from "./wasm/runtime.js";

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

/** A size argument as an error message shows it: the number, the array's items, or the type. */
export const show = (v: unknown): string =>
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
 * col[colOff + ((ci·kh + i)·kw + j)·stride + oy·wo + ox] = x[ci][oy·sh − ph + i][ox·sw − pw + j]
 * (0 in the padding) for the sample at x[xOff …]: K rows of P = ho·wo values, rows `stride` ≥ P
 * apart (the rest of each row is left alone).
 */
export function im2col(x: FloatArray, xOff: number, g: ConvGeometry, col: FloatArray, colOff = 0, stride = g.ho * g.wo): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, ho, wo } = g;
  let r = colOff;
  for (let ci = 0; ci < c; ci++) {
    const plane = xOff + ci * h * w;
    for (let i = 0; i < kh; i++) {
      const [yLo, yHi] = validRange(i, h, sh, ph, ho);
      for (let j = 0; j < kw; j++, r += stride) {
        const [xLo, xHi] = validRange(j, w, sw, pw, wo);
        let p = r;
        for (let q = 0; q < yLo * wo; q++) col[p++] = 0;
        for (let oy = yLo; oy < yHi; oy++) {
          const row = plane + (oy * sh - ph + i) * w - pw + j;
          let ox = 0;
          for (; ox < xLo; ox++) col[p++] = 0;
          if (sw === 1) for (; ox < xHi; ox++) col[p++] = x[row + ox];
          else for (; ox < xHi; ox++) col[p++] = x[row + ox * sw];
          for (; ox < wo; ox++) col[p++] = 0;
        }
        for (let q = yHi * wo; q < ho * wo; q++) col[p++] = 0;
      }
    }
  }
}

/**
 * im2col transposed: rows[rowsOff + (oy·wo + ox)·stride + (ci·kh + i)·kw + j] — one row of K
 * values (`stride` ≥ K apart) per output position.
 */
export function im2row(x: FloatArray, xOff: number, g: ConvGeometry, rows: FloatArray, rowsOff: number, stride: number): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, ho, wo } = g;
  let r = rowsOff;
  for (let ci = 0; ci < c; ci++) {
    const plane = xOff + ci * h * w;
    for (let i = 0; i < kh; i++) {
      const [yLo, yHi] = validRange(i, h, sh, ph, ho);
      for (let j = 0; j < kw; j++, r++) {
        const [xLo, xHi] = validRange(j, w, sw, pw, wo);
        let p = r;
        for (let q = 0; q < yLo * wo; q++, p += stride) rows[p] = 0;
        for (let oy = yLo; oy < yHi; oy++) {
          const row = plane + (oy * sh - ph + i) * w - pw + j;
          let ox = 0;
          for (; ox < xLo; ox++, p += stride) rows[p] = 0;
          for (; ox < xHi; ox++, p += stride) rows[p] = x[row + ox * sw];
          for (; ox < wo; ox++, p += stride) rows[p] = 0;
        }
        for (let q = yHi * wo; q < ho * wo; q++, p += stride) rows[p] = 0;
      }
    }
  }
}

/** The adjoint of `im2col`: adds each col entry back where it came from, dx[dxOff …] += …; the padding is dropped. */
export function col2im(col: FloatArray, g: ConvGeometry, dx: FloatArray, dxOff: number, colOff = 0, stride = g.ho * g.wo): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, wo } = g;
  let r = colOff;
  for (let ci = 0; ci < c; ci++) {
    const plane = dxOff + ci * h * w;
    for (let i = 0; i < kh; i++) {
      const [yLo, yHi] = validRange(i, h, sh, ph, g.ho);
      for (let j = 0; j < kw; j++, r += stride) {
        const [xLo, xHi] = validRange(j, w, sw, pw, wo);
        for (let oy = yLo; oy < yHi; oy++) {
          const row = plane + (oy * sh - ph + i) * w - pw + j;
          const p = r + oy * wo;
          if (sw === 1) for (let ox = xLo; ox < xHi; ox++) dx[row + ox] += col[p + ox];
          else for (let ox = xLo; ox < xHi; ox++) dx[row + ox * sw] += col[p + ox];
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The route through the module's memory

const up = (v: number, m: number) => Math.ceil(v / m) * m;

/** The SIMD matmul for `like`'s dtype and its sizes, or null without the WebAssembly kernels. */
function simd(like: FloatArray) {
  const k = active();
  if (k === null) return null;
  const f64 = like instanceof Float64Array;
  return {
    f64,
    bpe: f64 ? 8 : 4,
    /** The micro-kernel's columns: P is padded to a multiple of this. */
    lane: f64 ? 4 : 8,
    matmul: f64 ? k.matmulF64 : k.matmulF32,
  };
}
type Simd = NonNullable<ReturnType<typeof simd>>;

/**
 * Scratch in the module's memory for arrays of `sizes` elements (each 16-byte aligned) plus the
 * matmul kernel's work space for products with `m` columns (as src/kernels/simd.ts sizes it:
 * panels of B over KC = 256 steps of k, and a block of A). Returns a view of the memory and each
 * array's element offset (the work space last), or null when there is no room (inside a scope).
 * The view is taken after `reserve`, which may grow the memory.
 */
function scratchIn(s: Simd, sizes: number[], m: number): { view: FloatArray; at: number[] } | null {
  const work = s.f64 ? 256 * 4 * Math.ceil(m / 4) + 256 * 4 : 256 * 8 * Math.ceil(m / 8) + 256 * 4;
  const all = [...sizes, work];
  const room = reserve(all.reduce((sum, n) => sum + align16(n * s.bpe), 0));
  if (room === null) return null;
  const [buffer, base] = room;
  const view = s.f64 ? new Float64Array(buffer) : new Float32Array(buffer);
  const at: number[] = [];
  let b = base;
  for (const n of all) {
    at.push(b / s.bpe);
    b += align16(n * s.bpe);
  }
  return { view, at };
}

/*
 * Stride 1 ("wide" columns). With x zero-padded into xp of Hp×Wp per channel, output position
 * (oy, ox) reads xp[c, oy + i, ox + j]. Number the positions of a wider output, Ho rows of Wp
 * (the last Wp − Wo of each row are positions that do not exist), as q = oy·Wp + ox: then row
 * (c, i, j) of the column matrix is xp[c] read from i·Wp + j on, a contiguous run of Ho·Wp values,
 * copied inside the module's memory with `copyWithin` instead of gathered value by value. The
 * product computes the extra positions too (Wp/Wo more work: 30/28 on 28×28 with padding 1) and
 * they are dropped when the result is copied out. Values move in and out of the module's memory
 * a sample at a time, one `set` each, and are spread into (or gathered from) rows by `copyWithin`.
 *
 * Where an extra position meets a real value, it brings an exact zero, so the sums are those of
 * the plain route with 0s added: ∂W pairs the wide columns with g laid out wide (zeros in the
 * extra positions); wide col2im adds columns Wᵀ·g whose extra positions are Wᵀ·0; the correlation
 * for ∂x meets g's zero padding with W. Each needs the other factor finite (0·∞ is NaN), so they
 * run for a finite x (∂W) and W (∂x) only. (The forward's padding meets W as PyTorch's does.)
 */

/** A region of the module's memory for one op call: the view and the element offsets of its arrays. */
interface Room {
  view: FloatArray;
  /** Element offset of a staging area of one sample's values (input or output, the larger). */
  stage: number;
}

/**
 * One sample's [c, h, w] values (src[srcOff …]) into view[dst …] at
 * [c·planeStride + (y + top)·rowStride + x + left]; what lies around is left as it was (zeros).
 */
function padInto(
  src: FloatArray,
  srcOff: number,
  c: number,
  h: number,
  w: number,
  room: Room,
  dst: number,
  planeStride: number,
  rowStride: number,
  top: number,
  left: number,
): void {
  const { view } = room;
  let base = room.stage;
  if (src.buffer === view.buffer) base = src.byteOffset / src.BYTES_PER_ELEMENT + srcOff;
  else view.set(src.subarray(srcOff, srcOff + c * h * w), base);
  for (let ci = 0; ci < c; ci++) {
    for (let yy = 0; yy < h; yy++) {
      const from = base + (ci * h + yy) * w;
      const to = dst + ci * planeStride + (yy + top) * rowStride + left;
      view.copyWithin(to, from, from + w);
    }
  }
}

/** The inverse gather: out[outOff …] ([c, h, w], packed) = view[src + c·planeStride + y·rowStride + x]. */
function unpadFrom(
  room: Room,
  src: number,
  c: number,
  h: number,
  w: number,
  planeStride: number,
  rowStride: number,
  out: FloatArray,
  outOff: number,
): void {
  const { view } = room;
  const inView = out.buffer === view.buffer;
  const base = inView ? out.byteOffset / out.BYTES_PER_ELEMENT + outOff : room.stage;
  for (let ci = 0; ci < c; ci++) {
    for (let yy = 0; yy < h; yy++) {
      const from = src + ci * planeStride + yy * rowStride;
      view.copyWithin(base + (ci * h + yy) * w, from, from + w);
    }
  }
  if (!inView) out.set(view.subarray(base, base + c * h * w), outOff);
}

/** Column matrix rows for every (c, i, j): row r = view[planes + c·plane + i·rowStride + j …] (q values), rows `stride` apart. */
function wideColumns(
  view: FloatArray,
  at: number,
  stride: number,
  planes: number,
  c: number,
  plane: number,
  kh: number,
  kw: number,
  rowStride: number,
  q: number,
): void {
  let r = at;
  for (let ci = 0; ci < c; ci++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, r += stride) {
        const from = planes + ci * plane + i * rowStride + j;
        view.copyWithin(r, from, from + q);
      }
    }
  }
}

/** Scratch for a wide route: `sizes` zero-filled, after a staging area of `stage` elements. */
function wideRoom(s: Simd, stage: number, sizes: number[], m: number): { room: Room; at: number[] } | null {
  const r = scratchIn(s, [stage, ...sizes], m);
  if (r === null) return null;
  const { view, at } = r;
  const [st, ...rest] = at;
  for (let k = 0; k < sizes.length; k++) view.fill(0, rest[k], rest[k] + sizes[k]);
  return { room: { view, stage: st }, at: rest };
}

/** y = conv2d(x, W) + b for stride 1: the bias rides along as a row of ones in the columns and a column of W. */
function conv2dWide(x: FloatArray, weight: FloatArray, bias: FloatArray | null, y: FloatArray, g: ConvGeometry): boolean {
  const s = g.sh === 1 && g.sw === 1 ? simd(y) : null;
  if (s === null) return false;
  const { n, c, h, w, o, kh, kw, ph, pw, ho, wo } = g;
  const Wp = w + 2 * pw,
    plane = (h + 2 * ph) * Wp;
  const K = c * kh * kw,
    K1 = bias === null ? K : K + 1,
    Op = up(o, 4),
    Q = ho * Wp,
    Qp = up(Q, s.lane);
  const xpSize = c * plane + kw; // the last row's run ends kw − 1 past the last plane
  const r = wideRoom(s, Math.max(c * h * w, o * ho * wo), [xpSize, K1 * Qp, Op * K1, Op * Qp], Qp);
  if (r === null) return false;
  const {
    room,
    at: [axp, acol, aw, aout, awork],
  } = r;
  const { view } = room;
  for (let oc = 0; oc < o; oc++) {
    view.set(weight.subarray(oc * K, (oc + 1) * K), aw + oc * K1);
    if (bias !== null) view[aw + oc * K1 + K] = bias[oc];
  }
  if (bias !== null) view.fill(1, acol + K * Qp, acol + K * Qp + Q);
  const b = s.bpe;
  for (let sample = 0; sample < n; sample++) {
    padInto(x, sample * c * h * w, c, h, w, room, axp, plane, Wp, ph, pw);
    wideColumns(view, acol, Qp, axp, c, plane, kh, kw, Wp, Q);
    s.matmul(aw * b, acol * b, aout * b, Op, K1, Qp, awork * b, 0, 0);
    unpadFrom(room, aout, o, ho, wo, Qp, Wp, y, sample * o * ho * wo);
  }
  return true;
}

/**
 * ∂x for stride 1 and padding ≤ kernel − 1, as a correlation: ∂x[c, y, x] = Σ_{o,i,j} W[o, c, kh−1−i, kw−1−j]·gp[o, y + i, x + j]
 * with gp = g zero-padded by kh − 1 − ph rows and kw − 1 − pw columns — wide as above. Its columns
 * hold O·kH·kW rows (moved by `copyWithin`), so it suits layers with few more outputs than inputs.
 */
function inputGradCorrelation(gy: FloatArray, weight: FloatArray, dx: FloatArray, g: ConvGeometry): boolean {
  const { n, c, h, w, o, kh, kw, sh, sw, ph, pw, ho, wo } = g;
  const s = sh === 1 && sw === 1 && ph <= kh - 1 && pw <= kw - 1 && allFinite(weight) ? simd(dx) : null;
  if (s === null) return false;
  const Wg = w + kw - 1,
    plane = (h + kh - 1) * Wg;
  const K = c * kh * kw,
    K2 = o * kh * kw,
    Cp = up(c, 4),
    Q = h * Wg,
    Qp = up(Q, s.lane);
  const gpSize = o * plane + kw;
  const r = wideRoom(s, Math.max(c * h * w, o * ho * wo), [gpSize, K2 * Qp, Cp * K2, Cp * Qp], Qp);
  if (r === null) return false;
  const {
    room,
    at: [agp, acol, aw, aout, awork],
  } = r;
  const { view } = room;
  // The flipped kernel with o and c swapped: Wf[c, (o·kh + i)·kw + j] = W[o, c, kh−1−i, kw−1−j].
  for (let ci = 0; ci < c; ci++) {
    for (let oc = 0; oc < o; oc++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          view[aw + ci * K2 + (oc * kh + i) * kw + j] = weight[oc * K + (ci * kh + kh - 1 - i) * kw + kw - 1 - j];
        }
      }
    }
  }
  const b = s.bpe;
  for (let sample = 0; sample < n; sample++) {
    padInto(gy, sample * o * ho * wo, o, ho, wo, room, agp, plane, Wg, kh - 1 - ph, kw - 1 - pw);
    wideColumns(view, acol, Qp, agp, o, plane, kh, kw, Wg, Q);
    s.matmul(aw * b, acol * b, aout * b, Cp, K2, Qp, awork * b, 0, 0);
    unpadFrom(room, aout, c, h, w, Qp, Wg, dx, sample * c * h * w);
  }
  return true;
}

/**
 * ∂x for stride 1 by wide col2im: C[n] = Wᵀ·G[n] with G[n] = g[n] laid out wide (zeros in the
 * extra positions), then row (c, i, j) of C is added to the padded ∂x of channel c from
 * i·Wp + j on — a contiguous run — and the padding dropped. Its columns have C·kH·kW rows, so it
 * suits layers with many more outputs than inputs (the first layer of a CNN).
 */
function inputGradCol2im(gy: FloatArray, weight: FloatArray, dx: FloatArray, g: ConvGeometry): boolean {
  const s = g.sh === 1 && g.sw === 1 && allFinite(weight) ? simd(dx) : null;
  if (s === null) return false;
  const { n, c, h, w, o, kh, kw, ph, pw, ho, wo } = g;
  const Wp = w + 2 * pw,
    plane = (h + 2 * ph) * Wp;
  const K = c * kh * kw,
    Kp = up(K, 4),
    Q = ho * Wp,
    Qp = up(Q, s.lane);
  const dxpSize = c * plane + kw;
  const r = wideRoom(s, Math.max(c * h * w, o * ho * wo), [dxpSize, o * Kp, o * Qp, Kp * Qp], Qp);
  if (r === null) return false;
  const {
    room,
    at: [adxp, aw, ag, acol, awork],
  } = r;
  const { view } = room;
  for (let oc = 0; oc < o; oc++) view.set(weight.subarray(oc * K, (oc + 1) * K), aw + oc * Kp);
  const b = s.bpe;
  for (let sample = 0; sample < n; sample++) {
    view.fill(0, adxp, adxp + dxpSize);
    padInto(gy, sample * o * ho * wo, o, ho, wo, room, ag, Qp, Wp, 0, 0);
    s.matmul(aw * b, ag * b, acol * b, Kp, o, Qp, awork * b, 1, 0);
    let row = acol;
    for (let ci = 0; ci < c; ci++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++, row += Qp) {
          const to = adxp + ci * plane + i * Wp + j;
          for (let q = 0; q < Q; q++) view[to + q] += view[row + q];
        }
      }
    }
    unpadFrom(room, adxp + ph * Wp + pw, c, h, w, plane, Wp, dx, sample * c * h * w);
  }
  return true;
}

function allFinite(a: FloatArray): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * ∂W for stride 1: Σ_n G[n]·colᵀ, G[n] = g[n] laid out wide with zeros in the extra positions,
 * which meet the values of x the wide columns hold there — exact zeros for a finite x (else the
 * plain route: 0·∞ would be NaN). Both have Ho·Wp values per row (the product's inner size, which
 * needs no rounding); the columns, read transposed, are rounded up to whole panels of the micro-kernel.
 */
function weightGradWide(x: FloatArray, gy: FloatArray, dw: FloatArray, g: ConvGeometry): boolean {
  const s = g.sh === 1 && g.sw === 1 && allFinite(x) ? simd(dw) : null;
  if (s === null) return false;
  const { n, c, h, w, o, kh, kw, ph, pw, ho, wo } = g;
  const Wp = w + 2 * pw,
    plane = (h + 2 * ph) * Wp;
  const K = c * kh * kw,
    Kp = up(K, s.lane),
    Op = up(o, 4),
    Q = ho * Wp;
  const xpSize = c * plane + kw;
  const r = wideRoom(s, Math.max(c * h * w, o * ho * wo), [xpSize, Kp * Q, Op * Q, Op * Kp], Kp);
  if (r === null) return false;
  const {
    room,
    at: [axp, acol, ag, aout, awork],
  } = r;
  const { view } = room;
  const b = s.bpe;
  const acc = new Float64Array(o * K);
  for (let sample = 0; sample < n; sample++) {
    padInto(x, sample * c * h * w, c, h, w, room, axp, plane, Wp, ph, pw);
    wideColumns(view, acol, Q, axp, c, plane, kh, kw, Wp, Q);
    padInto(gy, sample * o * ho * wo, o, ho, wo, room, ag, Q, Wp, 0, 0);
    s.matmul(ag * b, acol * b, aout * b, Op, Q, Kp, awork * b, 0, 1);
    for (let oc = 0; oc < o; oc++) {
      const from = aout + oc * Kp;
      for (let q = 0; q < K; q++) acc[oc * K + q] += view[from + q];
    }
  }
  dw.set(acc);
  return true;
}

// ---------------------------------------------------------------------------------------------
// The ops' kernels: the route through the module's memory when it is there, else plain arrays

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

/** y = conv2d(x, W) + b into `y` ([n, o, ho, wo]); W is [o, c·kh·kw], b [o] or null. */
export function conv2dKernel(x: FloatArray, weight: FloatArray, bias: FloatArray | null, y: FloatArray, g: ConvGeometry): void {
  if (conv2dWide(x, weight, bias, y, g)) return;
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

/** ∂x = col2im(Wᵀ·g[n]) per sample into `dx` ([n, c, h, w], zero-filled) from the upstream `gy` ([n, o, ho, wo]). */
export function conv2dInputGradKernel(gy: FloatArray, weight: FloatArray, dx: FloatArray, g: ConvGeometry): void {
  // Correlation moves O·kH·kW rows of columns by copyWithin, col2im adds C·kH·kW rows in a
  // loop; a loop costs several times a copy, so correlation wins unless O is well above C.
  if (
    g.o <= 4 * g.c
      ? inputGradCorrelation(gy, weight, dx, g) || inputGradCol2im(gy, weight, dx, g)
      : inputGradCol2im(gy, weight, dx, g)
  )
    return;
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
  if (weightGradWide(x, gy, dw, g)) return;
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

/** ∂b: out[oc] = Σ over samples and positions of gy[n, oc, ·] (`out` has o values); four running sums, as a sum is latency-bound. */
export function channelSumKernel(gy: FloatArray, out: FloatArray, n: number, o: number, hw: number): void {
  const hw4 = hw - (hw % 4);
  for (let oc = 0; oc < o; oc++) {
    let t0 = 0,
      t1 = 0,
      t2 = 0,
      t3 = 0;
    for (let s = 0; s < n; s++) {
      const at = (s * o + oc) * hw;
      const end4 = at + hw4;
      let q = at;
      for (; q < end4; q += 4) {
        t0 += gy[q];
        t1 += gy[q + 1];
        t2 += gy[q + 2];
        t3 += gy[q + 3];
      }
      for (; q < at + hw; q++) t0 += gy[q];
    }
    out[oc] = t0 + t1 + (t2 + t3);
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
  if (g.kh === 2 && g.kw === 2) return maxPool2x2(x, idx, g);
  const { planes, h, w, kh, kw, sh, sw, ho, wo } = g;
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * h * w;
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) idx[q++] = argmaxWindow(x, plane + oy * sh * w + ox * sw, w, kh, kw);
    }
  }
}

/** The flat index of the first maximum (or first NaN) of the kh×kw window whose corner is x[corner]. */
function argmaxWindow(x: FloatArray, corner: number, w: number, kh: number, kw: number): number {
  let best = corner;
  let bestValue = x[corner];
  if (bestValue !== bestValue) return best;
  for (let i = 0; i < kh; i++) {
    const row = corner + i * w;
    for (let j = 0; j < kw; j++) {
      const v = x[row + j];
      if (v > bestValue) {
        best = row + j;
        bestValue = v;
      } else if (v !== v) return row + j;
    }
  }
  return best;
}

/**
 * The 2×2 windows of most CNNs, unrolled (a third faster: the cost is the mispredicted
 * comparisons). A window holding a NaN — its sum is NaN, which ±∞ together also give — takes
 * the general search.
 */
function maxPool2x2(x: FloatArray, idx: Int32Array, g: PoolGeometry): void {
  const { planes, h, w, sh, sw, ho, wo } = g;
  let q = 0;
  for (let p = 0; p < planes; p++) {
    for (let oy = 0; oy < ho; oy++) {
      const row = p * h * w + oy * sh * w;
      for (let ox = 0; ox < wo; ox++) {
        const c = row + ox * sw;
        const a0 = x[c],
          a1 = x[c + 1],
          a2 = x[c + w],
          a3 = x[c + w + 1];
        const sum = a0 + a1 + a2 + a3;
        if (sum !== sum) {
          idx[q++] = argmaxWindow(x, c, w, 2, 2);
          continue;
        }
        let b = c,
          bv = a0;
        if (a1 > bv) {
          b = c + 1;
          bv = a1;
        }
        if (a2 > bv) {
          b = c + w;
          bv = a2;
        }
        if (a3 > bv) b = c + w + 1;
        idx[q++] = b;
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
