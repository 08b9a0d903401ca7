// Softmax and log-softmax along the last axis (rows × n, contiguous), and their backward rules.
// Within a row the first n − n % 4 elements go four at a time; the rest one lane at a time
// through the same vector code, so every element gets the same arithmetic.
import { vexp, vexp24, vlog1p } from "./vmath";

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

@inline function hsum64(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * Σ a_i over a row, accumulated in f64 as the reference loops do: the backward rules subtract
 * this sum from values of its size, so a float32 sum's rounding (several ulp of its largest
 * partial sum) would show in small results (seen: 2.8e-6 off in a logSoftmax gradient of 0.069).
 */
@inline function rowSum64(a: usize, n: i32): f64 {
  const n4 = <usize>(n & ~3) * 4;
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  for (let i: usize = 0; i < n4; i += 16) {
    const v = v128.load(a + i);
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
  }
  let s = hsum64(lo) + hsum64(hi);
  for (let i = n4; i < <usize>n * 4; i += 4) s += <f64>load<f32>(a + i);
  return s;
}

/** Σ a_i·b_i over a row, products and sum in f64 (as rowSum64). */
@inline function rowDot64(a: usize, b: usize, n: i32): f64 {
  const n4 = <usize>(n & ~3) * 4;
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  for (let i: usize = 0; i < n4; i += 16) {
    const u = v128.load(a + i);
    const v = v128.load(b + i);
    lo = f64x2.add(lo, f64x2.mul(f64x2.promote_low_f32x4(u), f64x2.promote_low_f32x4(v)));
    hi = f64x2.add(
      hi,
      f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(u, u, 2, 3, 0, 1)), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1))),
    );
  }
  let s = hsum64(lo) + hsum64(hi);
  for (let i = n4; i < <usize>n * 4; i += 4) s += <f64>load<f32>(a + i) * <f64>load<f32>(b + i);
  return s;
}

/**
 * The row's maximum, or 0 for an all −∞ row (to avoid −∞ − (−∞)). The vector part uses pmax (one
 * maxps; f32x4.max costs V8 ~8 instructions), which skips NaNs rather than propagating them, and
 * four accumulators, as pmax's latency would otherwise bound the loop. Skipping a NaN changes
 * nothing downstream: e^(NaN − m) is NaN, so the row's sum, and every output, is NaN all the same.
 */
@inline function rowMax(x: usize, n: i32): f32 {
  const r = rawRowMax(x, n);
  return r == -Infinity ? 0 : r; // an all −∞ row: shift by 0, so −∞ − m is not −∞ − (−∞) = NaN
}

@inline function rawRowMax(x: usize, n: i32): f32 {
  const n16 = <usize>(n & ~15) * 4;
  const n4 = <usize>(n & ~3) * 4;
  let m0 = f32x4.splat(-Infinity), m1 = m0, m2 = m0, m3 = m0;
  for (let i: usize = 0; i < n16; i += 64) {
    m0 = f32x4.pmax(m0, v128.load(x + i));
    m1 = f32x4.pmax(m1, v128.load(x + i, 16));
    m2 = f32x4.pmax(m2, v128.load(x + i, 32));
    m3 = f32x4.pmax(m3, v128.load(x + i, 48));
  }
  for (let i = n16; i < n4; i += 16) m0 = f32x4.pmax(m0, v128.load(x + i));
  const m = f32x4.pmax(f32x4.pmax(m0, m1), f32x4.pmax(m2, m3));
  let r = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (let i = n4; i < <usize>n * 4; i += 4) r = max(r, load<f32>(x + i)); // NaN propagates through max
  return r;
}

/**
 * Writes q = 2^24·e^(x − m) (x − m ≤ 0) for each element of the row to out and returns their sum.
 * Kept scaled: q is a normal number even where e^(x − m) is subnormal, so the one multiplication
 * by 1/Σq that normalises it also rounds a tiny result, only once.
 */
@inline function expShiftSum(x: usize, out: usize, n: i32, m: f32): f32 {
  const n4 = <usize>(n & ~3) * 4;
  const mv = f32x4.splat(m);
  let s = f32x4.splat(0);
  for (let i: usize = 0; i < n4; i += 16) {
    const e = vexp24(f32x4.sub(v128.load(x + i), mv));
    v128.store(out + i, e);
    s = f32x4.add(s, e);
  }
  let total = hsum(s);
  for (let i = n4; i < <usize>n * 4; i += 4) {
    const e = f32x4.extract_lane(vexp24(f32x4.splat(load<f32>(x + i) - m)), 0);
    store<f32>(out + i, e);
    total += e;
  }
  return total;
}

export function softmaxF32(x: usize, y: usize, rows: i32, n: i32): void {
  const row = <usize>n * 4;
  for (let r = 0; r < rows; r++, x += row, y += row) {
    // An all −∞ row gives Σq = 0 and so NaN, as in the reference.
    const inv = f32x4.splat(<f32>1 / expShiftSum(x, y, n, rowMax(x, n)));
    const n4 = <usize>(n & ~3) * 4;
    for (let i: usize = 0; i < n4; i += 16) v128.store(y + i, f32x4.mul(v128.load(y + i), inv));
    for (let i = n4; i < row; i += 4) store<f32>(y + i, load<f32>(y + i) * f32x4.extract_lane(inv, 0));
  }
}

/** The float32 floor of log-softmax: its most negative finite value. */
const FLOOR: f32 = -3.4028234663852886e38;

/**
 * Σ e^(x − m) − 1, the sum without one of its maxima's terms (each exactly 1), computed as the
 * sum over the other elements so that a tiny remainder keeps its precision.
 */
@inline function restSum(x: usize, n: i32, m: f32): f32 {
  const n4 = <usize>(n & ~3) * 4;
  const mv = f32x4.splat(m);
  let s = f32x4.splat(0);
  let ties = i32x4.splat(0);
  for (let i: usize = 0; i < n4; i += 16) {
    const v = v128.load(x + i);
    const top = f32x4.eq(v, mv);
    s = f32x4.add(s, v128.andnot(vexp24(f32x4.sub(v, mv)), top));
    ties = i32x4.sub(ties, top); // a true lane is −1
  }
  let count = i32x4.extract_lane(ties, 0) + i32x4.extract_lane(ties, 1) + i32x4.extract_lane(ties, 2) + i32x4.extract_lane(ties, 3);
  let rest = hsum(s);
  for (let i = n4; i < <usize>n * 4; i += 4) {
    const v = load<f32>(x + i);
    if (v == m) count++;
    else rest += f32x4.extract_lane(vexp24(f32x4.splat(v - m)), 0);
  }
  rest *= 5.9604644775390625e-8; // the sum of 2^24·e^(x − m), scaled back once (2^−24)
  return rest + <f32>(count - 1); // the other maxima count 1 each; adding them last keeps a tiny rest exact
}

/** log(1 + r) for r ≥ 0: the atanh series where r is small (no cancellation), log otherwise. */
@inline function log1pScalar(r: f32): f32 {
  return r < 0.5 ? f32x4.extract_lane(vlog1p(f32x4.splat(r)), 0) : Mathf.log(1 + r);
}

/**
 * y = x − max − log Σ e^(x − max), floored at FLOOR. A row whose max is ±∞ gives NaN, as the
 * reference does: ∞ − ∞, or for an all −∞ row log Σ = log 0 = −∞ and −∞ − (−∞). (m − m is 0
 * only for a finite m.)
 */
export function logSoftmaxF32(x: usize, y: usize, rows: i32, n: i32): void {
  const row = <usize>n * 4;
  for (let r = 0; r < rows; r++, x += row, y += row) {
    const m = rawRowMax(x, n);
    subtractRow(x, y, n, m, m - m == 0 ? log1pScalar(restSum(x, n, m)) : NaN);
  }
}

/** y = max((x − m) − lse, FLOOR): x − m is exact near the max, so small results stay accurate. */
@inline function subtractRow(x: usize, y: usize, n: i32, m: f32, lse: f32): void {
  const n4 = <usize>(n & ~3) * 4;
  const mv = f32x4.splat(m), lv = f32x4.splat(lse), floor = f32x4.splat(FLOOR);
  for (let i: usize = 0; i < n4; i += 16) v128.store(y + i, f32x4.pmax(f32x4.sub(f32x4.sub(v128.load(x + i), mv), lv), floor)); // NaN stays NaN
  for (let i = n4; i < <usize>n * 4; i += 4) store<f32>(y + i, max((load<f32>(x + i) - m) - lse, FLOOR));
}

/** out = y ⊙ (g − Σ g⊙y), row by row. */
export function softmaxBackwardF32(g: usize, y: usize, out: usize, rows: i32, n: i32): void {
  const row = <usize>n * 4;
  const n4 = <usize>(n & ~3) * 4;
  for (let r = 0; r < rows; r++, g += row, y += row, out += row) {
    const dot = <f32>rowDot64(g, y, n);
    const d = f32x4.splat(dot);
    for (let i: usize = 0; i < n4; i += 16) v128.store(out + i, f32x4.mul(v128.load(y + i), f32x4.sub(v128.load(g + i), d)));
    for (let i = n4; i < row; i += 4) store<f32>(out + i, load<f32>(y + i) * (load<f32>(g + i) - dot));
  }
}

/** out = g − e^y · Σ g, row by row. */
export function logSoftmaxBackwardF32(g: usize, y: usize, out: usize, rows: i32, n: i32): void {
  const row = <usize>n * 4;
  const n4 = <usize>(n & ~3) * 4;
  for (let r = 0; r < rows; r++, g += row, y += row, out += row) {
    const s = <f32>rowSum64(g, n);
    const sv = f32x4.splat(s);
    for (let i: usize = 0; i < n4; i += 16) v128.store(out + i, f32x4.sub(v128.load(g + i), f32x4.mul(vexp(v128.load(y + i)), sv)));
    for (let i = n4; i < row; i += 4) {
      const e = f32x4.extract_lane(vexp(f32x4.splat(load<f32>(y + i))), 0);
      store<f32>(out + i, load<f32>(g + i) - e * s);
    }
  }
}
