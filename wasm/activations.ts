// Elementwise activations and their backward rules over float32 arrays, four lanes at a time;
// the last n % 4 elements go through the same vector code on a zero-padded copy, so every
// element gets exactly the same arithmetic. Pointers are byte offsets into memory.
import { vexp, vsigmoid, vsoftplus, vtanh } from "./vmath";

// One vector op over x (and optionally a second input) into out.
@inline function tail(x: usize, n: i32): v128 {
  const rest = n & 3;
  let v = f32x4.splat(0);
  if (rest > 0) v = f32x4.replace_lane(v, 0, load<f32>(x));
  if (rest > 1) v = f32x4.replace_lane(v, 1, load<f32>(x, 4));
  if (rest > 2) v = f32x4.replace_lane(v, 2, load<f32>(x, 8));
  return v;
}

@inline function storeTail(out: usize, v: v128, n: i32): void {
  const rest = n & 3;
  if (rest > 0) store<f32>(out, f32x4.extract_lane(v, 0));
  if (rest > 1) store<f32>(out, f32x4.extract_lane(v, 1), 4);
  if (rest > 2) store<f32>(out, f32x4.extract_lane(v, 2), 8);
}

export function sigmoidF32(x: usize, out: usize, n: i32): void {
  const n4 = <usize>(n & ~3) * 4;
  for (let i: usize = 0; i < n4; i += 16) v128.store(out + i, vsigmoid(v128.load(x + i)));
  storeTail(out + n4, vsigmoid(tail(x + n4, n)), n);
}

/** out = g · y(1 − y) */
export function sigmoidBackwardF32(g: usize, y: usize, out: usize, n: i32): void {
  const n4 = <usize>(n & ~3) * 4;
  const one = f32x4.splat(1.0);
  for (let i: usize = 0; i < n4; i += 16) {
    const yv = v128.load(y + i);
    v128.store(out + i, f32x4.mul(f32x4.mul(v128.load(g + i), yv), f32x4.sub(one, yv)));
  }
  const yv = tail(y + n4, n);
  storeTail(out + n4, f32x4.mul(f32x4.mul(tail(g + n4, n), yv), f32x4.sub(one, yv)), n);
}

export function tanhF32(x: usize, out: usize, n: i32): void {
  const n4 = <usize>(n & ~3) * 4;
  for (let i: usize = 0; i < n4; i += 16) v128.store(out + i, vtanh(v128.load(x + i)));
  storeTail(out + n4, vtanh(tail(x + n4, n)), n);
}

/** out = g · (1 − y²) */
export function tanhBackwardF32(g: usize, y: usize, out: usize, n: i32): void {
  const n4 = <usize>(n & ~3) * 4;
  const one = f32x4.splat(1.0);
  for (let i: usize = 0; i < n4; i += 16) {
    const yv = v128.load(y + i);
    v128.store(out + i, f32x4.mul(v128.load(g + i), f32x4.sub(one, f32x4.mul(yv, yv))));
  }
  const yv = tail(y + n4, n);
  storeTail(out + n4, f32x4.mul(tail(g + n4, n), f32x4.sub(one, f32x4.mul(yv, yv))), n);
}

/** relu: x where x > 0 (or NaN, which passes through), else 0. */
@inline function vrelu(x: v128): v128 {
  const keep = v128.or(f32x4.gt(x, f32x4.splat(0)), f32x4.ne(x, x));
  return v128.and(x, keep);
}

export function reluF32(x: usize, out: usize, n: i32): void {
  const n4 = <usize>(n & ~3) * 4;
  for (let i: usize = 0; i < n4; i += 16) v128.store(out + i, vrelu(v128.load(x + i)));
  storeTail(out + n4, vrelu(tail(x + n4, n)), n);
}

/** out = g · [x > 0] */
export function reluBackwardF32(g: usize, x: usize, out: usize, n: i32): void {
  const n4 = <usize>(n & ~3) * 4;
  const zero = f32x4.splat(0);
  for (let i: usize = 0; i < n4; i += 16) v128.store(out + i, v128.and(v128.load(g + i), f32x4.gt(v128.load(x + i), zero)));
  storeTail(out + n4, v128.and(tail(g + n4, n), f32x4.gt(tail(x + n4, n), zero)), n);
}

export function softplusF32(x: usize, out: usize, n: i32): void {
  const n4 = <usize>(n & ~3) * 4;
  for (let i: usize = 0; i < n4; i += 16) v128.store(out + i, vsoftplus(v128.load(x + i)));
  storeTail(out + n4, vsoftplus(tail(x + n4, n)), n);
}

/** out = g · σ(x) */
export function softplusBackwardF32(g: usize, x: usize, out: usize, n: i32): void {
  const n4 = <usize>(n & ~3) * 4;
  for (let i: usize = 0; i < n4; i += 16) v128.store(out + i, f32x4.mul(v128.load(g + i), vsigmoid(v128.load(x + i))));
  storeTail(out + n4, f32x4.mul(tail(g + n4, n), vsigmoid(tail(x + n4, n))), n);
}


/** out = e^x, for testing the vector exp on its own. */
export function expF32(x: usize, out: usize, n: i32): void {
  const n4 = <usize>(n & ~3) * 4;
  for (let i: usize = 0; i < n4; i += 16) v128.store(out + i, vexp(v128.load(x + i)));
  storeTail(out + n4, vexp(tail(x + n4, n)), n);
}
