// Vectorised float32 exp, sigmoid, tanh, softplus and log1p for the activation kernels, four
// lanes at a time.
//
// Speed comes from counting vector instructions: these loops are bound by the SIMD ALU ports,
// not by memory (relu streams the same bytes in 0.3 ms per million elements), so every op
// counts. Hence
// - clamps use f32x4.pmin/pmax (one minps/maxps each) rather than f32x4.min/max, which V8 has to
//   lower to ~8 instructions to get IEEE NaN and −0 semantics. pmin(x, c) and pmax(x, c) with x
//   first return x when x is NaN, so NaN still propagates;
// - 2^n is built by one shift of the rounding sum's bits (see MAGIC), with an exponent bias that
//   keeps it a normal number over the whole clamped range, so tiny results need no two-step
//   scaling: the caller's one division (sigmoid, softplus) or multiplication (softmax) rounds them
//   once, straight into the subnormal range;
// - sigmoid and softplus divide anyway, so their e^r is the [3/3] Padé quotient, whose division
//   is that same division: a shorter polynomial than exp's own;
// - constants are splatted once per call: V8 hoists them out of the loop only because the tail
//   code after it uses them too (a loop with no tail rebuilt every constant each iteration).
//
// Range reduction: x = n·ln2 + r, |r| ≤ ln2/2, n = round(x·log2e), and
// r = (x − n·LN2_HI) − n·LN2_LO, where n·LN2_HI is exact for |n| < 2^8 and the first subtraction
// is exact (Sterbenz). LN2_LO is positive, so both steps subtract.
//
// Errors against float64 Math.exp/tanh/log1p, in ulps of the float32 result (the ulp of its
// binade; the tests' |y|·2^−23 measure reads up to half of this):
//   vexp            ≤ 0.99 ulp, measured exhaustively on every float32 in [−103, 88] (as before)
//   Padé e^r·2^n    ≤ 1.9 ulp (inside sigmoid and softplus only)
//   vsigmoid ≤ 2.6, vtanh ≤ 2.4 (≤ 1.06 for |x| ≥ 1, ≤ 0.52 for |x| ≥ 3 and |x| ≤ 0.17),
//   vsoftplus ≤ 3.8 ulp, on dense grids over their whole ranges; the previous kernels measured
//   2.6, 1.3 and 3.5.

// log1p(e) for e ≥ 0 (vlog1p): 2·atanh(s) with s = e / (2 + e) ∈ [0, 1), as the odd series
// 2s(1 + s²/3 + s⁴/5 + …). For e ≤ 1, s ≤ 1/3 and eight terms leave a truncation error below
// 2e-9; there is no cancellation, so tiny e stay exact.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693145751953125; // ln2 rounded down to 16 bits (45426/2^16)
const LN2_LO: f32 = 1.428606765330187e-6; // ln2 − LN2_HI

// 1.5·2^23: adding it rounds a float below 2^22 in magnitude to an integer n, held in the low
// mantissa bits, so n comes out as a float (t − MAGIC) without a rounding instruction. Adding
// MAGIC + B instead leaves n + B in the low bits; as MAGIC's own low 9 bits are zero, shifting
// t's bits left by 23 then gives (n + B) << 23, the float 2^(n + B − 127), in one op.
const MAGIC: f32 = 12582912.0;

/** x − k·ln2, in two steps (see above); |k| < 2^8. */
@inline function reduce(x: v128, k: v128): v128 {
  return f32x4.sub(f32x4.sub(x, f32x4.mul(k, f32x4.splat(LN2_HI))), f32x4.mul(k, f32x4.splat(LN2_LO)));
}

/** e^r for |r| ≤ ln2/2: 1 + r + r²·(c2 + c3·r + … + c6·r⁴), a minimax fit (relative error 3e-9). */
@inline function expPoly(r: v128): v128 {
  let p = f32x4.add(f32x4.mul(r, f32x4.splat(0.001381461275741458)), f32x4.splat(0.008368710055947304));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.04166838899254799));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.1666652113199234));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.4999999403953552));
  // Adding r and then 1 last keeps the rounding error of the small terms small against 1.
  return f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1.0));
}

// The [3/3] Padé quotient e^r ≈ (E + O)/(E − O), E = 120 + 12r², O = r(60 + r²): error below
// 6e-9 for |r| ≤ ln2/2, and as E ± O it gives e^r and e^−r from the same two terms.
@inline function padeEven(r2: v128): v128 {
  return f32x4.add(f32x4.mul(r2, f32x4.splat(12.0)), f32x4.splat(120.0));
}
@inline function padeOdd(r: v128, r2: v128): v128 {
  return f32x4.mul(f32x4.add(r2, f32x4.splat(60.0)), r);
}

const EXP_MAGIC: f32 = MAGIC + 151.0; // 2^(n + 24)

/**
 * 2^24·e^x for x ≤ 0 (NaN gives NaN): a normal number even where e^x itself would be subnormal,
 * so that a caller that scales it back (or divides it by a sum of them) rounds only once.
 * Below about −104.3 (clamped at −104.5, so −∞ too) n = −151, the biased exponent is 0 and the
 * result exactly 0: e^x < 2^−150 there rounds to 0 anyway, and an all −∞ softmax row sums to 0
 * and comes out NaN, like the reference's.
 */
@inline export function vexp24(x: v128): v128 {
  x = f32x4.pmax(x, f32x4.splat(-104.5));
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(EXP_MAGIC));
  const p = expPoly(reduce(x, f32x4.sub(t, f32x4.splat(EXP_MAGIC))));
  return f32x4.mul(p, i32x4.shl(t, 23));
}

/**
 * e^x for any x: inputs are clamped to [−104, 88.7] (below, e^x rounds to 0; above, it would
 * overflow), and 2^n is applied as 2^(n/2)·2^(n − n/2) so that results down in float32's
 * subnormal range are produced rather than flushed. Off the hot paths (the tests, and the
 * log-softmax rule), so it keeps the general two-step scaling.
 */
@inline export function vexp(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.7)), f32x4.splat(-104.0));
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(MAGIC));
  const p = expPoly(reduce(x, f32x4.sub(t, f32x4.splat(MAGIC))));
  const ni = i32x4.sub(t, f32x4.splat(MAGIC)); // the integer n, from the bit patterns
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

@inline export function vlog1p(e: v128): v128 {
  const s = f32x4.div(e, f32x4.add(e, f32x4.splat(2.0)));
  const z = f32x4.mul(s, s);
  let p = f32x4.splat(1.0 / 15.0);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 13.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 11.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 9.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 7.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 5.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 3.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0));
  return f32x4.mul(f32x4.mul(s, f32x4.splat(2.0)), p);
}

const SIG_MAGIC: f32 = MAGIC + 95.0; // 2^(m − 32)

/**
 * σ(x) = 1/(1 + e^−x) in one formula for all x, with no select. With −x = m·ln2 − r,
 * e^−x = 2^m·e^−r ≈ 2^m·Q/P (P = E + O, Q = E − O, the Padé terms at r), so
 * σ = P/(P + 2^m·Q), computed as 2^−32·P / (2^−32·P + 2^(m−32)·Q): x is clamped to [−104, 20],
 * m ∈ [−29, 150], and both terms stay normal and finite, so tiny results come out of the one
 * division correctly rounded (subnormal, or 0 below −103.97) rather than flushed.
 * Above 20, σ rounds to 1 anyway.
 */
@inline export function vsigmoid(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(20.0)), f32x4.splat(-104.0));
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(-LOG2E)), f32x4.splat(SIG_MAGIC)); // m = round(−x·log2e)
  const r = reduce(x, f32x4.sub(f32x4.splat(SIG_MAGIC), t)); // x + m·ln2
  const r2 = f32x4.mul(r, r);
  const e = padeEven(r2), o = padeOdd(r, r2);
  const p = f32x4.mul(f32x4.add(e, o), f32x4.splat(2.3283064365386963e-10)); // 2^−32
  return f32x4.div(p, f32x4.add(p, f32x4.mul(i32x4.shl(t, 23), f32x4.sub(e, o))));
}

const TANH_MAGIC: f32 = MAGIC + 126.0; // 2^(m − 1)
const LN2_HALF: f32 = 0.34657359027997264; // ln2/2 to float32: within 1e-9

/**
 * tanh(x) by the addition theorem: |x| = m·(ln2/2) + b, |b| ≤ ln2/4, and tanh(m·ln2/2) =
 * (s − 1)/(s + 1) with s = 2^m exact, so with c = (1 − s)/2, d = (1 + s)/2 (c + d = 1)
 *   tanh|x| = (d·tanh b − c) / (d − c·tanh b) = 1 − (1 − tanh b) / (d − c·tanh b),
 * tanh b from an odd polynomial. The first form is used for m ≤ 2 (|x| < 0.87): at m = 0 it is
 * tanh b itself, so small and subnormal x keep their precision, with no 1 − e^−2x cancellation.
 * The second for m ≥ 3 (tanh ≥ 0.7): its final 1 − (small) is what keeps the result within about
 * half an ulp of ±1 — which the tanh rule g·(1 − y²) needs, and the quotient form (three
 * roundings of nearly equal terms) does not give. Both share the one division; only the
 * numerator and the added 1 are selected. The sign of x is put back last (−0 stays −0).
 * |x| is clamped to 10 (beyond 9.02 tanh rounds to 1; s stays within float32). A single-float
 * ln2/2 suffices for the reduction: m·LN2_HALF is exact for m ≤ 2, and for m ≥ 3 an error in b
 * is damped by tanh' = 1 − tanh² ≤ 0.4.
 */
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.pmin(v128.and(x, i32x4.splat(0x7fffffff)), f32x4.splat(10.0)); // NaN stays NaN
  const t = f32x4.add(f32x4.mul(ax, f32x4.splat(2 * LOG2E)), f32x4.splat(TANH_MAGIC));
  const m = f32x4.sub(t, f32x4.splat(TANH_MAGIC));
  const b = f32x4.sub(ax, f32x4.mul(m, f32x4.splat(LN2_HALF)));
  const b2 = f32x4.mul(b, b);
  // tanh b = b + b³·(c1 + c2·b² + c3·b⁴) for |b| ≤ ln2/4, a minimax fit (relative error 2e-10).
  let p = f32x4.add(f32x4.mul(b2, f32x4.splat(-0.05272482708096504)), f32x4.splat(0.13331176340579987));
  p = f32x4.add(f32x4.mul(p, b2), f32x4.splat(-0.33333322405815125));
  const tb = f32x4.add(f32x4.mul(f32x4.mul(p, b2), b), b);
  const sh = i32x4.shl(t, 23); // s/2
  const c = f32x4.sub(f32x4.splat(0.5), sh);
  const d = f32x4.add(sh, f32x4.splat(0.5));
  const large = f32x4.ge(m, f32x4.splat(3.0));
  const num = v128.bitselect(f32x4.sub(tb, f32x4.splat(1.0)), f32x4.sub(f32x4.mul(d, tb), c), large);
  const y = f32x4.add(f32x4.div(num, f32x4.sub(d, f32x4.mul(c, tb))), v128.and(large, f32x4.splat(1.0)));
  return v128.or(y, v128.and(x, i32x4.splat(0x80000000)));
}

const SP_MAGIC: f32 = MAGIC + 151.0; // 2^(n + 24)

/**
 * softplus(x) = max(x, 0) + log1p(e), e = e^−|x|, with log1p(e) = 2·atanh(e/(2 + e)) (see
 * vlog1p). One division gives both the Padé exp and the atanh argument: with e ≈ 2^n·P/Q,
 *   S = 2e/(2 + e) = 2·2^(n+24)·P / (2^25·Q + 2^(n+24)·P),
 * all terms normal (or 2^(n+24) = 0 below −104.3, where softplus rounds to 0), so a subnormal
 * result is rounded once. Then log1p(e) = S·(1 + W/12 + W²/80 + …), W = S² ≤ 4/9, here a
 * minimax fit of degree 4 in W (relative error 5e-9).
 */
@inline export function vsoftplus(x: v128): v128 {
  const y = f32x4.pmax(v128.or(x, f32x4.splat(-0.0)), f32x4.splat(-104.5)); // −|x|, NaN stays NaN
  const t = f32x4.add(f32x4.mul(y, f32x4.splat(LOG2E)), f32x4.splat(SP_MAGIC));
  const r = reduce(y, f32x4.sub(t, f32x4.splat(SP_MAGIC)));
  const r2 = f32x4.mul(r, r);
  const e = padeEven(r2), o = padeOdd(r, r2);
  const u = f32x4.mul(f32x4.add(e, o), i32x4.shl(t, 23));
  const q = f32x4.mul(f32x4.sub(e, o), f32x4.splat(33554432.0)); // 2^25
  const s = f32x4.div(f32x4.add(u, u), f32x4.add(q, u));
  const w = f32x4.mul(s, s);
  let p = f32x4.add(f32x4.mul(w, f32x4.splat(0.0005472418270073831)), f32x4.splat(0.0021875419188290834));
  p = f32x4.add(f32x4.mul(p, w), f32x4.splat(0.012506749480962753));
  p = f32x4.add(f32x4.mul(p, w), f32x4.splat(0.08333301544189453));
  p = f32x4.add(f32x4.mul(p, w), f32x4.splat(1.0));
  // pmax(x, 0) is x for NaN and for −0 (harmless: −0 + log1p(1)).
  return f32x4.add(f32x4.pmax(x, f32x4.splat(0.0)), f32x4.mul(s, p));
}
