// C = A·B in float32 with 128-bit SIMD (AssemblyScript, compiled to WebAssembly).
//
// The micro-kernel keeps a 4×8 block of C in eight f32x4 registers. For each step p along k it
// loads 8 values of B (two vectors) and broadcasts 4 values of A, then does 8 multiplies and
// 8 adds: 64 flops for 6 loads. Both operands are first packed so those loads are sequential:
// B into panels of 8 columns (row p of a panel is 8 contiguous floats), and each block of 4 rows
// of A transposed so the 4 values for step p are contiguous. k is split into blocks of KC so a
// panel of B stays in cache while every row block of A sweeps over it.

const KC: i32 = 256;

// Packs B[p0..p0+kc, 0..m8] into panels of 8 columns at `dst`. With `tb`, B is stored
// transposed (m×k, so column j of B is row j in memory).
@inline function packB(b: usize, k: i32, m: i32, m8: i32, p0: i32, kc: i32, dst: usize, tb: bool): void {
  for (let j = 0; j < m8; j += 8) {
    let out = dst + <usize>j * <usize>kc * 4;
    if (tb) {
      for (let c = 0; c < 8; c++) {
        let src = b + (<usize>(j + c) * <usize>k + <usize>p0) * 4;
        for (let p = 0; p < kc; p++) store<f32>(out + <usize>(p * 8 + c) * 4, load<f32>(src + <usize>p * 4));
      }
      continue;
    }
    let src = b + (<usize>p0 * <usize>m + <usize>j) * 4;
    for (let p = 0; p < kc; p++) {
      v128.store(out, v128.load(src));
      v128.store(out, v128.load(src, 16), 16);
      src += <usize>m * 4;
      out += 32;
    }
  }
}

// Packs rows i..i+3, columns p0..p0+kc of A so that the 4 values of each column are contiguous.
// With `ta`, A is stored transposed (k×n), where those 4 values already lie side by side.
@inline function packA(a: usize, n: i32, k: i32, i: i32, p0: i32, kc: i32, dst: usize, ta: bool): void {
  if (ta) {
    for (let p = 0; p < kc; p++) v128.store(dst + <usize>p * 16, v128.load(a + (<usize>(p0 + p) * <usize>n + <usize>i) * 4));
    return;
  }
  const r0 = a + (<usize>i * <usize>k + <usize>p0) * 4;
  const stride = <usize>k * 4;
  for (let p = 0; p < kc; p++) {
    const s = r0 + <usize>p * 4;
    const o = dst + <usize>p * 16;
    store<f32>(o, load<f32>(s));
    store<f32>(o, load<f32>(s + stride), 4);
    store<f32>(o, load<f32>(s + 2 * stride), 8);
    store<f32>(o, load<f32>(s + 3 * stride), 12);
  }
}

// c[4×8 block] (+)= packedA(4×kc) · packedB(kc×8)
@inline function micro(ap: usize, bp: usize, kc: i32, c: usize, m: i32, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
    ap += 16;
    bp += 32;
  }
  const row = <usize>m * 4;
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + row)); c11 = f32x4.add(c11, v128.load(c + row, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * row)); c21 = f32x4.add(c21, v128.load(c + 2 * row, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * row)); c31 = f32x4.add(c31, v128.load(c + 3 * row, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + row, c10); v128.store(c + row, c11, 16);
  v128.store(c + 2 * row, c20); v128.store(c + 2 * row, c21, 16);
  v128.store(c + 3 * row, c30); v128.store(c + 3 * row, c31, 16);
}

/**
 * C (n×m) = A (n×k) · B (k×m), all row-major float32 at byte offsets a, b, c; with `ta` A is
 * stored transposed (k×n), with `tb` B is (m×k), so Aᵀ·B and A·Bᵀ need no copy.
 * `work` is scratch space of at least (KC·8·⌈m/8⌉ + KC·4) floats.
 */
export function matmulF32(a: usize, b: usize, c: usize, n: i32, k: i32, m: i32, work: usize, ta: bool, tb: bool): void {
  const m8 = m & ~7;
  const n4 = n & ~3;
  const apack = work + <usize>KC * <usize>m8 * 4;
  if (k == 0) {
    memory.fill(c, 0, <usize>n * <usize>m * 4);
    return;
  }
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const first = p0 == 0;
    packB(b, k, m, m8, p0, kc, work, tb);
    for (let i = 0; i < n4; i += 4) {
      packA(a, n, k, i, p0, kc, apack, ta);
      for (let j = 0; j < m8; j += 8) {
        micro(apack, work + <usize>j * <usize>kc * 4, kc, c + (<usize>i * <usize>m + <usize>j) * 4, m, !first);
      }
    }
  }
  // Edges, in scalar code: the last n % 4 rows (all columns), then the last m % 8 columns.
  edge(a, b, c, n, k, m, n4, n, 0, m8, ta, tb);
  edge(a, b, c, n, k, m, 0, n, m8, m, ta, tb);
}

function edge(a: usize, b: usize, c: usize, n: i32, k: i32, m: i32, i0: i32, i1: i32, j0: i32, j1: i32, ta: bool, tb: bool): void {
  // Element strides of A along i and p, and of B along p and j, for either storage order.
  const ai: usize = ta ? 1 : <usize>k, ap: usize = ta ? <usize>n : 1;
  const bp: usize = tb ? 1 : <usize>m, bj: usize = tb ? <usize>k : 1;
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s: f32 = 0;
      for (let p = 0; p < k; p++) s += load<f32>(a + (<usize>i * ai + <usize>p * ap) * 4) * load<f32>(b + (<usize>p * bp + <usize>j * bj) * 4);
      store<f32>(c + (<usize>i * <usize>m + <usize>j) * 4, s);
    }
  }
}
