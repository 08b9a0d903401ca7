// Vectorised float32 exp and log1p for the activation kernels, four lanes at a time.
//
// exp(x): x = n·ln2 + r with n = round(x / ln2) and |r| ≤ ln2/2 (rounded by the 1.5·2^23 trick); e^r from a degree-6 polynomial
// (Cephes' expf coefficients); then times 2^n, applied as 2^(n/2)·2^(n − n/2) so that results
// down in float32's subnormal range are produced rather than flushed. Inputs are clamped to
// [−104, 88.7]: below, e^x rounds to 0; above, it would overflow.
//
// log1p(e) for e ≥ 0: 2·atanh(s) with s = e / (2 + e) ∈ [0, 1), as the odd series
// 2s(1 + s²/3 + s⁴/5 + …). For e ≤ 1 (all that softplus needs), s ≤ 1/3 and eight terms leave
// a truncation error below 2e-9; there is no cancellation, so tiny e stay exact.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

// 1.5·2^23: adding it rounds a float below 2^22 in magnitude to an integer, held in the low
// mantissa bits, so n comes out as a float and as an integer without a rounding instruction.
const MAGIC: f32 = 12582912.0;

@inline export function vexp(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-104.0)), f32x4.splat(88.7));
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(MAGIC));
  const n = f32x4.sub(t, f32x4.splat(MAGIC));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
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

/** σ(x), exponentiating only −|x|: with e = e^−|x|, σ = 1/(1 + e) for x ≥ 0 and e/(1 + e) below. */
@inline export function vsigmoid(x: v128): v128 {
  const e = vexp(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, f32x4.splat(0.0)));
}

/**
 * tanh(x): for |x| < 0.625 the odd polynomial of Cephes' tanhf (no cancellation near 0),
 * above it 1 − 2/(e^{2|x|} + 1); the sign is copied back from x.
 */
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), ax), ax);
  const e = vexp(f32x4.add(ax, ax));
  const large = f32x4.sub(f32x4.splat(1.0), f32x4.div(f32x4.splat(2.0), f32x4.add(e, f32x4.splat(1.0))));
  const t = v128.bitselect(small, large, f32x4.lt(ax, f32x4.splat(0.625)));
  return v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
}
