/**
 * C = A·B for row-major A (n×k) and B (k×m), the plain-TypeScript reference kernel.
 *
 * Register blocking: each step of the inner loop over k loads 4 values of A and 4 of B and
 * updates a 4×4 block of C held in 16 local variables — 16 multiply-adds for 8 loads, where a
 * naive loop does 1 for 2. B is first packed into panels of 4 columns, so the inner loop reads
 * memory in order. Sums are kept in float64 and stored once, whatever the dtype.
 */
import type { FloatArray } from "../memory/dtype.js";
import { swapAxesKernel } from "./layout.js";
import { simdMatmul } from "./simd.js";

let panel = new Float64Array(0);

/**
 * C = op(A)·op(B) where op transposes A (stored k×n) when `ta` and B (stored m×k) when `tb`.
 * float32 runs the WebAssembly SIMD kernel, which reads transposed operands in place; here they
 * are transposed into a copy first (O(n·k) work beside the O(n·k·m) product).
 */
export function matmulKernel(
  a: FloatArray,
  aOff: number,
  b: FloatArray,
  bOff: number,
  c: FloatArray,
  cOff: number,
  n: number,
  k: number,
  m: number,
  ta = false,
  tb = false,
): void {
  if (simdMatmul(a, aOff, b, bOff, c, cOff, n, k, m, ta, tb)) return;
  if (ta || tb) {
    const A = ta ? transposed(a, aOff, k, n) : a;
    const B = tb ? transposed(b, bOff, m, k) : b;
    return matmulKernel(A, ta ? 0 : aOff, B, tb ? 0 : bOff, c, cOff, n, k, m);
  }
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  if (panel.length < k * m4) panel = new Float64Array(k * m4);
  const bp = panel;
  // Pack B's first m4 columns: panel j holds rows 0..k-1 of columns 4j..4j+3, in order.
  for (let j = 0; j < m4; j += 4) {
    const base = j * k;
    for (let p = 0; p < k; p++) {
      const src = bOff + p * m + j;
      const dst = base + p * 4;
      bp[dst] = b[src];
      bp[dst + 1] = b[src + 1];
      bp[dst + 2] = b[src + 2];
      bp[dst + 3] = b[src + 3];
    }
  }
  for (let i = 0; i < n4; i += 4) {
    const r0 = aOff + i * k,
      r1 = r0 + k,
      r2 = r1 + k,
      r3 = r2 + k;
    for (let j = 0; j < m4; j += 4) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      let q = j * k;
      for (let p = 0; p < k; p++, q += 4) {
        const b0 = bp[q],
          b1 = bp[q + 1],
          b2 = bp[q + 2],
          b3 = bp[q + 3];
        const a0 = a[r0 + p],
          a1 = a[r1 + p],
          a2 = a[r2 + p],
          a3 = a[r3 + p];
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      let o = cOff + i * m + j;
      c[o] = c00;
      c[o + 1] = c01;
      c[o + 2] = c02;
      c[o + 3] = c03;
      o += m;
      c[o] = c10;
      c[o + 1] = c11;
      c[o + 2] = c12;
      c[o + 3] = c13;
      o += m;
      c[o] = c20;
      c[o + 1] = c21;
      c[o + 2] = c22;
      c[o + 3] = c23;
      o += m;
      c[o] = c30;
      c[o + 1] = c31;
      c[o + 2] = c32;
      c[o + 3] = c33;
    }
  }
  // The edges: rows past the last full block of 4, and columns past the last full panel.
  edge(a, aOff, b, bOff, c, cOff, k, m, n4, n, 0, m4);
  edge(a, aOff, b, bOff, c, cOff, k, m, 0, n, m4, m);
}

/** The r×c matrix at x[off…] transposed into a new c×r array. */
function transposed(x: FloatArray, off: number, r: number, c: number): FloatArray {
  const out = new Float64Array(r * c);
  swapAxesKernel(x.subarray(off, off + r * c), [r, c], 0, 1, out);
  return out;
}

function edge(
  a: FloatArray,
  aOff: number,
  b: FloatArray,
  bOff: number,
  c: FloatArray,
  cOff: number,
  k: number,
  m: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aOff + i * k + p] * b[bOff + p * m + j];
      c[cOff + i * m + j] = s;
    }
  }
}
