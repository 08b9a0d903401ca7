/**
 * The fast path: each function runs a WebAssembly SIMD kernel when the operands are
 * Float32Arrays (or, for matmul, Float64Arrays too) and the kernels are loaded, and returns false
 * (or null) otherwise so the caller runs its plain TypeScript loop (the readable reference).
 * Operands not already in the module's memory are copied in one after another, each starting
 * 16-byte aligned.
 */
import type { FloatArray } from "../memory/dtype.js";
import { align16, arenaAlloc, reserve } from "../memory/heap.js";
import { active, type KernelExports } from "./wasm/runtime.js";

const MIN_ELEMENTS = 64; // below this, copying in and out costs more than it saves
const MIN_MATMUL_FLOPS = 4096;

/** Elementwise kernels that are not activations (the activations find theirs by name). */
export type Unary = "expF32";

function f32(...arrays: FloatArray[]): KernelExports | null {
  for (const a of arrays) if (!(a instanceof Float32Array)) return null;
  return active();
}

let views: { buffer: ArrayBuffer | null; f32: Float32Array; f64: Float64Array } = {
  buffer: null,
  f32: new Float32Array(0),
  f64: new Float64Array(0),
};

/** A view of the module's memory of `a`'s element type. */
function viewLike(buffer: ArrayBuffer, a: FloatArray): Float32Array | Float64Array {
  if (views.buffer !== buffer) views = { buffer, f32: new Float32Array(buffer), f64: new Float64Array(buffer) };
  return a instanceof Float32Array ? views.f32 : views.f64;
}

/**
 * Runs a kernel: `run` gets the byte addresses of `inputs`, of an output of `outSize` elements
 * and of `extraBytes` of scratch after it. Inputs that already live in the module's memory (the
 * values of tensors made inside `scope()`) are read where they are; others are copied into
 * scratch space. The output goes into `out` at `outOff` — written in place when `out` lives in
 * the module's memory, else copied — or, when `out` is "fresh", into a new array of the inputs'
 * type: inside a scope, straight into the arena, skipping the zero-filling `allocValues` does
 * (a W4 activation in a scope: 0.77 ms per call this way, 1.11 ms through a zeroed output); outside,
 * a `slice` of the scratch. Null when a scope's memory has no room (the caller falls back).
 */
function call(
  k: KernelExports,
  inputs: FloatArray[],
  outSize: number,
  out: FloatArray | "fresh",
  outOff: number,
  extraBytes: number,
  run: (ptrs: number[]) => void,
): FloatArray | null {
  const mem = k.memory.buffer;
  const like = out === "fresh" ? inputs[0] : out;
  const outBytes = outSize * like.BYTES_PER_ELEMENT;
  let outAt =
    out === "fresh" ? arenaAlloc(outBytes) : out.buffer === mem ? out.byteOffset + outOff * like.BYTES_PER_ELEMENT : null;
  const copied = inputs.filter((a) => a.buffer !== mem);
  let bytes = copied.reduce((sum, a) => sum + align16(a.byteLength), 0) + extraBytes;
  if (outAt === null) bytes += align16(outBytes);
  const room = reserve(bytes);
  if (room === null) return null;
  const [buffer, base] = room;
  let at = base;
  const ptrs = inputs.map((a) => {
    if (a.buffer === mem) return a.byteOffset;
    viewLike(buffer, a).set(a, at / a.BYTES_PER_ELEMENT);
    at += align16(a.byteLength);
    return at - align16(a.byteLength);
  });
  const scratchOut = outAt === null;
  if (outAt === null) {
    outAt = at;
    at += align16(outBytes);
  }
  ptrs.push(outAt, at); // the output, then the scratch space
  run(ptrs);
  const start = outAt / like.BYTES_PER_ELEMENT;
  if (out === "fresh") {
    const view = viewLike(buffer, like);
    return scratchOut ? view.slice(start, start + outSize) : view.subarray(start, start + outSize);
  }
  if (scratchOut) out.set(viewLike(buffer, out).subarray(start, start + outSize), outOff);
  return out;
}

/**
 * The elementwise and row kernels: run when every operand is float32 and there are enough
 * elements. With `out`, fills it and says whether it ran; without, returns a new array or null.
 */
function kernelCall(
  inputs: FloatArray[],
  out: FloatArray | undefined,
  run: (k: KernelExports, ptrs: number[]) => void,
): FloatArray | boolean | null {
  const k = inputs[0].length >= MIN_ELEMENTS ? f32(...inputs, out ?? inputs[0]) : null;
  const r = k === null ? null : call(k, inputs, inputs[0].length, out ?? "fresh", 0, 0, (ptrs) => run(k, ptrs));
  return out ? r !== null : r;
}

/** out = f(x) elementwise by the kernel `name`; without `out`, a new array or null where no kernel applies. */
export function simdUnary(name: Unary, x: FloatArray, out: FloatArray): boolean;
export function simdUnary(name: Unary, x: FloatArray): FloatArray | null;
export function simdUnary(name: Unary, x: FloatArray, out?: FloatArray): FloatArray | boolean | null {
  return kernelCall([x], out, (k, [px, po]) => k[name](px, po, x.length));
}

/** The SIMD fast path of one activation, if the module has kernels for it: see `activationKernels`. */
export interface ActivationKernels {
  /** f(x) as a new array (x holds `rows` vectors of `n`; elementwise kernels ignore them), or null. */
  forward(x: FloatArray, rows: number, n: number): FloatArray | null;
  /** The rule's ∂L/∂x from the upstream g and the saved x or y (`reads`), or null. */
  rule(g: FloatArray, saved: FloatArray, rows: number, n: number): FloatArray | null;
  /** Which saved tensor the rule kernel reads. */
  readonly reads: "x" | "y";
}

/** Rule kernels that read the activation's input rather than its output. */
const RULES_READING_X = new Set(["softplusBackwardF32"]);

/**
 * The one place where an activation meets its WebAssembly kernels: `${name}F32` computes f and
 * `${name}BackwardF32` its rule, found by name in the module's exports (elementwise kernels take
 * (x, out, n); row kernels, one more parameter, (x, y, rows, n)). Each call returns null where
 * no kernel applies — not float32, too few elements, no WebAssembly, or no kernel of that name —
 * and the caller runs the definition's own loop or rule.
 */
export function activationKernels(name: string): ActivationKernels {
  const fwd = `${name}F32`;
  const bwd = `${name}BackwardF32`;
  type Fn = (...a: number[]) => void;
  const find = (k: KernelExports, n: string) => (k as unknown as Record<string, Fn | undefined>)[n];
  return {
    reads: RULES_READING_X.has(bwd) ? "x" : "y",
    forward(x, rows, n) {
      const k = active();
      const f = k === null ? undefined : find(k, fwd);
      if (f === undefined) return null;
      return kernelCall([x], undefined, (_, [px, po]) =>
        f.length === 3 ? f(px, po, x.length) : f(px, po, rows, n),
      ) as FloatArray | null;
    },
    rule(g, saved, rows, n) {
      const k = active();
      const f = k === null ? undefined : find(k, bwd);
      if (f === undefined) return null;
      return kernelCall([g, saved], undefined, (_, [pg, ps, po]) =>
        f.length === 4 ? f(pg, ps, po, g.length) : f(pg, ps, po, rows, n),
      ) as FloatArray | null;
    },
  };
}

/**
 * C = op(A)·op(B) with A at aOff (n×k, or k×n when ta), B at bOff (k×m, or m×k when tb), C at
 * cOff (n×m): the float32 kernel, or the float64 one (two lanes per vector) for float64.
 */
export function simdMatmul(
  a: FloatArray,
  aOff: number,
  b: FloatArray,
  bOff: number,
  c: FloatArray,
  cOff: number,
  n: number,
  k: number,
  m: number,
  ta: boolean,
  tb: boolean,
): boolean {
  if (n * k * m < MIN_MATMUL_FLOPS) return false;
  const f64 = a instanceof Float64Array && b instanceof Float64Array && c instanceof Float64Array;
  const kx = f64 ? active() : f32(a, b, c);
  if (kx === null) return false;
  const A = a.subarray(aOff, aOff + n * k),
    B = b.subarray(bOff, bOff + k * m);
  // Packed panels of B and a block of A: KC·(panel width)·⌈m / width⌉ + KC·4 elements.
  const work = f64 ? (256 * 4 * Math.ceil(m / 4) + 256 * 4) * 8 : (256 * 8 * Math.ceil(m / 8) + 256 * 4) * 4;
  const kernel = f64 ? kx.matmulF64 : kx.matmulF32;
  return (
    call(kx, [A, B], n * m, c, cOff, work, ([pa, pb, pc, pw]) => kernel(pa, pb, pc, n, k, m, pw, ta ? 1 : 0, tb ? 1 : 0)) !== null
  );
}
