/**
 * Elementwise binary kernels with NumPy broadcasting. The loop over the output is split into
 * rows along the last axis: each input walks a row with stride 1 (or 0 where it is broadcast),
 * and an odometer over the leading axes moves the row starts. Equal shapes and scalars
 * collapse to a single row, so the common cases are one tight loop.
 */
import type { FloatArray } from "../memory/dtype.js";
import type { Shape } from "../memory/shape.js";
import { padShape, sizeOf, stridesOf } from "../memory/shape.js";

export const enum BinaryOp {
  Add,
  Sub,
  Mul,
  Div,
  Gt,
  Ge,
  Lt,
  Le,
  Eq,
  Ne,
  /** The larger of the two (NaN if either is NaN): `maximum`. */
  Max,
  /** The smaller of the two (NaN if either is NaN): `minimum`. */
  Min,
  /** Where a gradient of `maximum` goes to a: 1 where a > b, ½ where a = b, 0 where a < b (1 when either is NaN, as PyTorch). */
  MaxWeight,
  /** Where a gradient of `minimum` goes to a: 1 where a < b, ½ where a = b, 0 where a > b (1 when either is NaN). */
  MinWeight,
}

/**
 * The comparisons, as numbers: 1 where true, 0 where false (a NaN compares false, except ≠);
 * and the weights of maximum's and minimum's gradients.
 */
function compare(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    // At a tie the first operand, as PyTorch (maximum(−0, 0) is −0); a NaN on either side wins.
    case BinaryOp.Max:
      return x >= y || x !== x ? x : y;
    case BinaryOp.Min:
      return x <= y || x !== x ? x : y;
    case BinaryOp.MaxWeight:
      return x < y ? 0 : x === y ? 0.5 : 1;
    case BinaryOp.MinWeight:
      return x > y ? 0 : x === y ? 0.5 : 1;
    case BinaryOp.Gt:
      return x > y ? 1 : 0;
    case BinaryOp.Ge:
      return x >= y ? 1 : 0;
    case BinaryOp.Lt:
      return x < y ? 1 : 0;
    case BinaryOp.Le:
      return x <= y ? 1 : 0;
    case BinaryOp.Eq:
      return x === y ? 1 : 0;
    default:
      return x !== y ? 1 : 0;
  }
}

function row(
  op: BinaryOp,
  a: FloatArray,
  ai: number,
  sa: number,
  b: FloatArray,
  bi: number,
  sb: number,
  out: FloatArray,
  oi: number,
  n: number,
): void {
  if (sa === 1 && sb === 1) return same(op, a, ai, b, bi, out, oi, n);
  if (sa === 1 && sb === 0) return scalarB(op, a, ai, b[bi], out, oi, n);
  switch (op) {
    case BinaryOp.Add:
      for (let k = 0; k < n; k++) out[oi + k] = a[ai + k * sa] + b[bi + k * sb];
      break;
    case BinaryOp.Sub:
      for (let k = 0; k < n; k++) out[oi + k] = a[ai + k * sa] - b[bi + k * sb];
      break;
    case BinaryOp.Mul:
      for (let k = 0; k < n; k++) out[oi + k] = a[ai + k * sa] * b[bi + k * sb];
      break;
    case BinaryOp.Div:
      for (let k = 0; k < n; k++) out[oi + k] = a[ai + k * sa] / b[bi + k * sb];
      break;
    default:
      for (let k = 0; k < n; k++) out[oi + k] = compare(op, a[ai + k * sa], b[bi + k * sb]);
  }
}

/** Both inputs contiguous: the common case, kept free of stride arithmetic. */
function same(op: BinaryOp, a: FloatArray, ai: number, b: FloatArray, bi: number, out: FloatArray, oi: number, n: number): void {
  const d = bi - ai,
    e = oi - ai;
  switch (op) {
    case BinaryOp.Add:
      for (let i = ai; i < ai + n; i++) out[i + e] = a[i] + b[i + d];
      break;
    case BinaryOp.Sub:
      for (let i = ai; i < ai + n; i++) out[i + e] = a[i] - b[i + d];
      break;
    case BinaryOp.Mul:
      for (let i = ai; i < ai + n; i++) out[i + e] = a[i] * b[i + d];
      break;
    case BinaryOp.Div:
      for (let i = ai; i < ai + n; i++) out[i + e] = a[i] / b[i + d];
      break;
    default:
      for (let i = ai; i < ai + n; i++) out[i + e] = compare(op, a[i], b[i + d]);
  }
}

/** b is one number along the row. */
function scalarB(op: BinaryOp, a: FloatArray, ai: number, v: number, out: FloatArray, oi: number, n: number): void {
  const e = oi - ai;
  switch (op) {
    case BinaryOp.Add:
      for (let i = ai; i < ai + n; i++) out[i + e] = a[i] + v;
      break;
    case BinaryOp.Sub:
      for (let i = ai; i < ai + n; i++) out[i + e] = a[i] - v;
      break;
    case BinaryOp.Mul:
      for (let i = ai; i < ai + n; i++) out[i + e] = a[i] * v;
      break;
    case BinaryOp.Div:
      for (let i = ai; i < ai + n; i++) out[i + e] = a[i] / v;
      break;
    default:
      for (let i = ai; i < ai + n; i++) out[i + e] = compare(op, a[i], v);
  }
}

/** Whether `shape`, without its leading 1s, is the trailing part of `outShape`. */
function isTrailing(shape: Shape, outShape: Shape): boolean {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const tail = shape.length - start;
  if (tail > outShape.length) return false;
  for (let i = 0; i < tail; i++) if (shape[start + i] !== outShape[outShape.length - tail + i]) return false;
  return true;
}

/** out = a ∘ b, where out has the broadcast shape `outShape` of `aShape` and `bShape`. */
export function binaryKernel(
  op: BinaryOp,
  a: FloatArray,
  aShape: Shape,
  b: FloatArray,
  bShape: Shape,
  out: FloatArray,
  outShape: Shape,
): void {
  const size = out.length;
  if (size === 0) return;
  if (a.length === size && b.length === size) return row(op, a, 0, 1, b, 0, 1, out, 0, size);
  if (b.length === 1 && a.length === size) return row(op, a, 0, 1, b, 0, 0, out, 0, size);
  if (a.length === 1 && b.length === size) return row(op, a, 0, 0, b, 0, 1, out, 0, size);
  if (a.length === size && isTrailing(bShape, outShape)) {
    // b repeats along the leading axes (a bias row): one contiguous row per repeat.
    for (let oi = 0; oi < size; oi += b.length) same(op, a, oi, b, 0, out, oi, b.length);
    return;
  }
  const rank = outShape.length;
  const pa = padShape(aShape, rank);
  const pb = padShape(bShape, rank);
  // Strides of each input over the output's axes, 0 along broadcast axes.
  const ta = stridesOf(pa).map((s, i) => (pa[i] === 1 ? 0 : s));
  const tb = stridesOf(pb).map((s, i) => (pb[i] === 1 ? 0 : s));
  const n = outShape[rank - 1];
  const rows = sizeOf(outShape) / n;
  const idx = new Array<number>(rank).fill(0);
  let ai = 0;
  let bi = 0;
  for (let r = 0, oi = 0; r < rows; r++, oi += n) {
    row(op, a, ai, ta[rank - 1], b, bi, tb[rank - 1], out, oi, n);
    // Advance the odometer over the leading axes.
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      ai += ta[d];
      bi += tb[d];
      if (idx[d] < outShape[d]) break;
      ai -= ta[d] * outShape[d];
      bi -= tb[d] * outShape[d];
      idx[d] = 0;
    }
  }
}
