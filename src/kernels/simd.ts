/**
 * The fast path: each function runs a WebAssembly SIMD kernel when the operands are
 * Float32Arrays (or, for matmul, Float64Arrays too) and the kernels are loaded, and returns false
 * otherwise so the caller runs its plain TypeScript loop (the readable reference). Operands are
 * copied into the module's memory one after another, each starting 16-byte aligned.
 */
import type { FloatArray } from "../tensor/dtype.js";
import { active, reserve, type KernelExports } from "./wasm/runtime.js";

const MIN_ELEMENTS = 64; // below this, copying in and out costs more than it saves
const MIN_MATMUL_FLOPS = 4096;

type Unary = "sigmoidF32" | "tanhF32" | "reluF32" | "softplusF32" | "expF32";
type Rule = "sigmoidBackwardF32" | "tanhBackwardF32" | "reluBackwardF32" | "softplusBackwardF32";

function f32(...arrays: FloatArray[]): KernelExports | null {
  for (const a of arrays) if (!(a instanceof Float32Array)) return null;
  return active();
}

/** Rounds a byte count up to a multiple of 16, so every operand starts aligned. */
const align16 = (n: number): number => (n + 15) & ~15;

let views: { buffer: ArrayBuffer | null; f32: Float32Array; f64: Float64Array } = { buffer: null, f32: new Float32Array(0), f64: new Float64Array(0) };

/** A view of the module's memory of `a`'s element type. */
function viewLike(buffer: ArrayBuffer, a: FloatArray): Float32Array | Float64Array {
  if (views.buffer !== buffer) views = { buffer, f32: new Float32Array(buffer), f64: new Float64Array(buffer) };
  return a instanceof Float32Array ? views.f32 : views.f64;
}

/**
 * Copies `inputs` into the module's memory and calls `run` with their byte addresses and the
 * address of an output of `outSize` elements of `out`'s type (plus `extraBytes` of scratch
 * after it); then copies the output into `out` at `outOff`.
 */
function call(k: KernelExports, inputs: FloatArray[], outSize: number, out: FloatArray, outOff: number, extraBytes: number, run: (ptrs: number[]) => void): true {
  const sizes = [...inputs.map((a) => align16(a.byteLength)), align16(outSize * out.BYTES_PER_ELEMENT)];
  const [buffer, base] = reserve(k, sizes.reduce((a, b) => a + b, 0) + extraBytes);
  const ptrs: number[] = [];
  let at = base;
  inputs.forEach((a, i) => {
    viewLike(buffer, a).set(a, at / a.BYTES_PER_ELEMENT);
    ptrs.push(at);
    at += sizes[i];
  });
  ptrs.push(at, at + sizes[sizes.length - 1]); // the output, then the scratch space
  run(ptrs);
  const start = at / out.BYTES_PER_ELEMENT;
  out.set(viewLike(buffer, out).subarray(start, start + outSize), outOff);
  return true;
}

/** out = f(x) elementwise. */
export function simdUnary(name: Unary, x: FloatArray, out: FloatArray): boolean {
  const k = x.length >= MIN_ELEMENTS ? f32(x, out) : null;
  return k !== null && call(k, [x], x.length, out, 0, 0, ([px, po]) => k[name](px, po, x.length));
}

/** out = rule(g, s) elementwise, s being the saved x or y. */
export function simdRule(name: Rule, g: FloatArray, s: FloatArray, out: FloatArray): boolean {
  const k = g.length >= MIN_ELEMENTS ? f32(g, s, out) : null;
  return k !== null && call(k, [g, s], g.length, out, 0, 0, ([pg, ps, po]) => k[name](pg, ps, po, g.length));
}

/** y = softmax or log-softmax of each row of x (rows × n). */
export function simdRows(name: "softmaxF32" | "logSoftmaxF32", x: FloatArray, y: FloatArray, rows: number, n: number): boolean {
  const k = x.length >= MIN_ELEMENTS ? f32(x, y) : null;
  return k !== null && call(k, [x], x.length, y, 0, 0, ([px, py]) => k[name](px, py, rows, n));
}

/** out = the softmax or log-softmax rule of (g, y), row by row. */
export function simdRowsRule(name: "softmaxBackwardF32" | "logSoftmaxBackwardF32", g: FloatArray, y: FloatArray, out: FloatArray, rows: number, n: number): boolean {
  const k = g.length >= MIN_ELEMENTS ? f32(g, y, out) : null;
  return k !== null && call(k, [g, y], g.length, out, 0, 0, ([pg, py, po]) => k[name](pg, py, po, rows, n));
}

/**
 * C = op(A)·op(B) with A at aOff (n×k, or k×n when ta), B at bOff (k×m, or m×k when tb), C at
 * cOff (n×m): the float32 kernel, or the float64 one (two lanes per vector) for float64.
 */
export function simdMatmul(
  a: FloatArray, aOff: number, b: FloatArray, bOff: number, c: FloatArray, cOff: number,
  n: number, k: number, m: number, ta: boolean, tb: boolean,
): boolean {
  if (n * k * m < MIN_MATMUL_FLOPS) return false;
  const f64 = a instanceof Float64Array && b instanceof Float64Array && c instanceof Float64Array;
  const kx = f64 ? active() : f32(a, b, c);
  if (kx === null) return false;
  const A = a.subarray(aOff, aOff + n * k), B = b.subarray(bOff, bOff + k * m);
  // Packed panels of B and a block of A: KC·(panel width)·⌈m / width⌉ + KC·4 elements.
  const work = f64 ? (256 * 4 * Math.ceil(m / 4) + 256 * 4) * 8 : (256 * 8 * Math.ceil(m / 8) + 256 * 4) * 4;
  const kernel = f64 ? kx.matmulF64 : kx.matmulF32;
  return call(kx, [A, B], n * m, c, cOff, work, ([pa, pb, pc, pw]) => kernel(pa, pb, pc, n, k, m, pw, ta ? 1 : 0, tb ? 1 : 0));
}
