// C = A·B in float64 with 128-bit SIMD: the float32 kernel's scheme with two lanes per vector.
// A 4×4 block of C lives in eight f64x2 registers; each step along k loads 4 values of B (two
// vectors) and broadcasts 4 of A: 32 flops for 6 loads. Operands are packed as in matmul.ts, and
// `ta` / `tb` say A is stored k×n and B m×k, read in place.

const KC: i32 = 256;

@inline function packB64(b: usize, k: i32, m: i32, m4: i32, p0: i32, kc: i32, dst: usize, tb: bool): void {
  for (let j = 0; j < m4; j += 4) {
    let out = dst + <usize>j * <usize>kc * 8;
    if (tb) {
      for (let c = 0; c < 4; c++) {
        const src = b + (<usize>(j + c) * <usize>k + <usize>p0) * 8;
        for (let p = 0; p < kc; p++) store<f64>(out + <usize>(p * 4 + c) * 8, load<f64>(src + <usize>p * 8));
      }
      continue;
    }
    let src = b + (<usize>p0 * <usize>m + <usize>j) * 8;
    for (let p = 0; p < kc; p++) {
      v128.store(out, v128.load(src));
      v128.store(out, v128.load(src, 16), 16);
      src += <usize>m * 8;
      out += 32;
    }
  }
}

@inline function packA64(a: usize, n: i32, k: i32, i: i32, p0: i32, kc: i32, dst: usize, ta: bool): void {
  for (let p = 0; p < kc; p++) {
    const o = dst + <usize>p * 32;
    if (ta) {
      const s = a + (<usize>(p0 + p) * <usize>n + <usize>i) * 8;
      v128.store(o, v128.load(s));
      v128.store(o, v128.load(s, 16), 16);
    } else {
      const s = a + (<usize>i * <usize>k + <usize>(p0 + p)) * 8;
      const stride = <usize>k * 8;
      store<f64>(o, load<f64>(s));
      store<f64>(o, load<f64>(s + stride), 8);
      store<f64>(o, load<f64>(s + 2 * stride), 16);
      store<f64>(o, load<f64>(s + 3 * stride), 24);
    }
  }
}

@inline function micro64(ap: usize, bp: usize, kc: i32, c: usize, m: i32, accumulate: bool): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load64_splat(ap);
    c00 = f64x2.add(c00, f64x2.mul(a, b0)); c01 = f64x2.add(c01, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 8);
    c10 = f64x2.add(c10, f64x2.mul(a, b0)); c11 = f64x2.add(c11, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 16);
    c20 = f64x2.add(c20, f64x2.mul(a, b0)); c21 = f64x2.add(c21, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 24);
    c30 = f64x2.add(c30, f64x2.mul(a, b0)); c31 = f64x2.add(c31, f64x2.mul(a, b1));
    ap += 32;
    bp += 32;
  }
  const row = <usize>m * 8;
  if (accumulate) {
    c00 = f64x2.add(c00, v128.load(c)); c01 = f64x2.add(c01, v128.load(c, 16));
    c10 = f64x2.add(c10, v128.load(c + row)); c11 = f64x2.add(c11, v128.load(c + row, 16));
    c20 = f64x2.add(c20, v128.load(c + 2 * row)); c21 = f64x2.add(c21, v128.load(c + 2 * row, 16));
    c30 = f64x2.add(c30, v128.load(c + 3 * row)); c31 = f64x2.add(c31, v128.load(c + 3 * row, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + row, c10); v128.store(c + row, c11, 16);
  v128.store(c + 2 * row, c20); v128.store(c + 2 * row, c21, 16);
  v128.store(c + 3 * row, c30); v128.store(c + 3 * row, c31, 16);
}

/**
 * C (n×m) = op(A)·op(B) in float64, at byte offsets a, b, c (8-byte aligned). `work` holds at
 * least KC·4·⌈m/4⌉ + KC·4 doubles.
 */
export function matmulF64(a: usize, b: usize, c: usize, n: i32, k: i32, m: i32, work: usize, ta: bool, tb: bool): void {
  const m4 = m & ~3;
  const n4 = n & ~3;
  const apack = work + <usize>KC * <usize>m4 * 8;
  if (k == 0) {
    memory.fill(c, 0, <usize>n * <usize>m * 8);
    return;
  }
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    packB64(b, k, m, m4, p0, kc, work, tb);
    for (let i = 0; i < n4; i += 4) {
      packA64(a, n, k, i, p0, kc, apack, ta);
      for (let j = 0; j < m4; j += 4) {
        micro64(apack, work + <usize>j * <usize>kc * 8, kc, c + (<usize>i * <usize>m + <usize>j) * 8, m, p0 != 0);
      }
    }
  }
  edge64(a, b, c, n, k, m, n4, n, 0, m4, ta, tb);
  edge64(a, b, c, n, k, m, 0, n, m4, m, ta, tb);
}

function edge64(a: usize, b: usize, c: usize, n: i32, k: i32, m: i32, i0: i32, i1: i32, j0: i32, j1: i32, ta: bool, tb: bool): void {
  const ai: usize = ta ? 1 : <usize>k, ap: usize = ta ? <usize>n : 1;
  const bp: usize = tb ? 1 : <usize>m, bj: usize = tb ? <usize>k : 1;
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s: f64 = 0;
      for (let p = 0; p < k; p++) s += load<f64>(a + (<usize>i * ai + <usize>p * ap) * 8) * load<f64>(b + (<usize>p * bp + <usize>j * bj) * 8);
      store<f64>(c + (<usize>i * <usize>m + <usize>j) * 8, s);
    }
  }
}
