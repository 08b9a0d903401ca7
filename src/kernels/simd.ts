/**
 * The fast path for float32: each function runs a WebAssembly SIMD kernel when the operands are
 * Float32Arrays and the kernels are loaded, and returns false otherwise so the caller runs its
 * plain TypeScript loop (the readable reference, and the float64 path). Operands are copied
 * into the module's memory one after another, each starting 16-byte aligned.
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

/** Rounds a float count up to a multiple of 4 (16 bytes), so every operand starts aligned. */
const align4 = (n: number): number => (n + 3) & ~3;

/**
 * Copies `inputs` into the module's memory and calls `run` with their byte addresses and the
 * address of an output of `outSize` floats (plus `extra` floats of scratch after it); then
 * copies the output into `out` at `outOff`.
 */
function call(k: KernelExports, inputs: FloatArray[], outSize: number, out: FloatArray, outOff: number, extra: number, run: (ptrs: number[]) => void): true {
  const sizes = [...inputs.map((a) => align4(a.length)), align4(outSize)];
  const [heap, base] = reserve(k, sizes.reduce((a, b) => a + b, 0) + extra);
  const ptrs: number[] = [];
  let at = base;
  inputs.forEach((a, i) => {
    heap.set(a, at);
    ptrs.push(at * 4);
    at += sizes[i];
  });
  ptrs.push(at * 4, (at + sizes[sizes.length - 1]) * 4); // the output, then the scratch space
  run(ptrs);
  out.set(heap.subarray(at, at + outSize), outOff);
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

/** C = op(A)·op(B) with A at aOff (n×k, or k×n when ta), B at bOff (k×m, or m×k when tb), C at cOff (n×m). */
export function simdMatmul(
  a: FloatArray, aOff: number, b: FloatArray, bOff: number, c: FloatArray, cOff: number,
  n: number, k: number, m: number, ta: boolean, tb: boolean,
): boolean {
  const kx = n * k * m >= MIN_MATMUL_FLOPS ? f32(a, b, c) : null;
  if (kx === null) return false;
  const A = a.subarray(aOff, aOff + n * k), B = b.subarray(bOff, bOff + k * m);
  const work = 256 * 8 * Math.ceil(m / 8) + 256 * 4; // packed panels of B and a block of A
  return call(kx, [A, B], n * m, c, cOff, work, ([pa, pb, pc, pw]) => kx.matmulF32(pa, pb, pc, n, k, m, pw, ta ? 1 : 0, tb ? 1 : 0));
}
