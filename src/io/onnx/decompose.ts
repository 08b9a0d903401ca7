/**
 * Float64 decompositions: what onnxruntime has no float64 kernel for (Erf, Conv, AveragePool),
 * written as smaller ops that it runs in float64, computed as the engine computes them.
 */
import type { Converter } from "./converter.js";
import { int, ints } from "./proto.js";
import type { OpEvent } from "./trace.js";

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** erf in float64 ops, as the engine computes it (src/kernels/math.ts): a series below 2, a continued fraction to 6, then ±1. */
export function erf64(c: Converter, x: string, dtype: string): string {
  const k = (v: number) => c.scalar(v, dtype);
  const a = c.node("Abs", [x]);
  // |x| < 2: 2/√π · x · Σ (−1)ⁿ x²ⁿ / (n!(2n + 1)), 31 terms by Horner (within 8e−16 of the engine's erf).
  const xs = c.node("Clip", [x, k(-2), k(2)]);
  const x2 = c.node("Mul", [xs, xs]);
  const coef: number[] = [];
  let fact = 1;
  for (let n = 0; n <= 30; n++) {
    if (n > 0) fact *= n;
    coef.push((n % 2 === 0 ? 1 : -1) / (fact * (2 * n + 1)));
  }
  let p = k(coef[30]);
  for (let n = 29; n >= 0; n--) p = c.node("Add", [c.node("Mul", [p, x2]), k(coef[n])]);
  const series = c.node("Mul", [c.node("Mul", [xs, p]), k(TWO_OVER_SQRT_PI)]);
  // 2 ≤ |x| < 6: 1 − erfc(|x|), erfc(a) = e^(−a²)/√π / (a + ½/(a + 1/(a + 3/2/(a + …)))), 40 levels, with the sign of x.
  const ac = c.node("Clip", [a, k(2), k(6)]);
  let f = ac;
  for (let lvl = 40; lvl >= 1; lvl--) f = c.node("Add", [ac, c.node("Div", [k(lvl / 2), f])]);
  const erfc = c.node("Div", [
    c.node("Mul", [c.node("Exp", [c.node("Neg", [c.node("Mul", [ac, ac])])]), k(ONE_OVER_SQRT_PI)]),
    f,
  ]);
  const sign = c.node("Sign", [x]);
  const tail = c.node("Mul", [sign, c.node("Sub", [k(1), erfc])]);
  // NaN fails both tests and falls through to the continued fraction, which keeps it NaN.
  const far = c.node("Where", [c.node("GreaterOrEqual", [a, k(6)]), sign, tail]);
  return c.node("Where", [c.node("Less", [a, k(2)]), series, far]);
}

/**
 * The kH·kW strided views x[:, :, p + i·sh, q + j·sw] of x [N, C, H, W] (zero-padded first), one per
 * kernel offset (p, q), each [N, C, Ho, Wo]: a window op is then a sum, max or product over the views.
 */
export function windows(
  c: Converter,
  x: string,
  [kh, kw]: readonly number[],
  [sh, sw]: readonly number[],
  [ph, pw]: readonly number[],
  [ho, wo]: readonly number[],
): string[] {
  const padded = ph === 0 && pw === 0 ? x : c.node("Pad", [x, c.i64([0, 0, ph, pw, 0, 0, ph, pw])]);
  const views: string[] = [];
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      const ends = [p + (ho - 1) * sh + 1, q + (wo - 1) * sw + 1];
      views.push(c.node("Slice", [padded, c.i64([p, q]), c.i64(ends), c.i64([2, 3]), c.i64([sh, sw])]));
    }
  }
  return views;
}

/**
 * conv2d in float64, which onnxruntime's Conv lacks: im2col as ops, as the engine computes it — the
 * views concatenated on the channel axis ([N, kH·kW·C, Ho, Wo], index (p·kW + q)·C + c), moved
 * to the last axis, times W laid out to match ([kH, kW, C, O] → [kH·kW·C, O]), plus the bias.
 */
export function conv64(c: Converter, e: OpEvent, [x, w, b]: string[], stride: number[], padding: number[]): string {
  const weight = e.inputs[1];
  const [o, , kh, kw] = weight.shape;
  const views = windows(c, x, [kh, kw], stride, padding, e.out.shape.slice(2));
  const cols = c.node("Transpose", [c.node("Concat", views, [int("axis", 1)])], [ints("perm", [0, 2, 3, 1])]);
  const wmat = c.node("Reshape", [c.node("Transpose", [w], [ints("perm", [2, 3, 1, 0])]), c.i64([-1, o])]);
  let y = c.node("MatMul", [cols, wmat]);
  if (b !== undefined) y = c.node("Add", [y, b]);
  return c.node("Transpose", [y], [ints("perm", [0, 3, 1, 2])]);
}
