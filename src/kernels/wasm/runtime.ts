/**
 * Loads the WebAssembly SIMD kernels (bytes shipped in ./bytes.ts) and runs them on float32
 * typed arrays: operands are copied into the module's memory at 16-byte-aligned offsets, the
 * kernel runs, the result is copied out. The module is compiled synchronously where the host
 * allows it (Node); elsewhere (a browser's main thread limits synchronous compiles) it compiles
 * in the background and the plain TypeScript kernels serve until `wasmReady` resolves.
 */
import { WASM_BASE64 } from "./bytes.js";

type Ptr = number;
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  matmulF32(a: Ptr, b: Ptr, c: Ptr, n: number, k: number, m: number, work: Ptr, ta: number, tb: number): void;
  matmulF64(a: Ptr, b: Ptr, c: Ptr, n: number, k: number, m: number, work: Ptr, ta: number, tb: number): void;
  sigmoidF32(x: Ptr, out: Ptr, n: number): void;
  tanhF32(x: Ptr, out: Ptr, n: number): void;
  reluF32(x: Ptr, out: Ptr, n: number): void;
  softplusF32(x: Ptr, out: Ptr, n: number): void;
  expF32(x: Ptr, out: Ptr, n: number): void;
  sigmoidBackwardF32(g: Ptr, s: Ptr, out: Ptr, n: number): void;
  tanhBackwardF32(g: Ptr, s: Ptr, out: Ptr, n: number): void;
  reluBackwardF32(g: Ptr, s: Ptr, out: Ptr, n: number): void;
  softplusBackwardF32(g: Ptr, s: Ptr, out: Ptr, n: number): void;
  softmaxF32(x: Ptr, y: Ptr, rows: number, n: number): void;
  logSoftmaxF32(x: Ptr, y: Ptr, rows: number, n: number): void;
  softmaxBackwardF32(g: Ptr, y: Ptr, out: Ptr, rows: number, n: number): void;
  logSoftmaxBackwardF32(g: Ptr, y: Ptr, out: Ptr, rows: number, n: number): void;
}

export function wasmBytes(): Uint8Array<ArrayBuffer> {
  const bin = atob(WASM_BASE64);
  const bytes = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

let kernels: KernelExports | null = null;
let enabled = true;
/** Byte offset where operands may go: the module's own static data lies below it. */
let base = 0;

function adopt(instance: WebAssembly.Instance): boolean {
  kernels = instance.exports as unknown as KernelExports;
  base = kernels.heapBase();
  return true;
}

function loadSync(): boolean {
  if (typeof WebAssembly !== "object") return false;
  try {
    return adopt(new WebAssembly.Instance(new WebAssembly.Module(wasmBytes()), {}));
  } catch {
    return false; // no SIMD support, or synchronous compilation not allowed here
  }
}

/** Resolves to whether the SIMD kernels are in use (false where WebAssembly SIMD is missing). */
export const wasmReady: Promise<boolean> = loadSync()
  ? Promise.resolve(true)
  : typeof WebAssembly === "object"
    ? WebAssembly.instantiate(wasmBytes(), {}).then(
        (r) => adopt(r.instance),
        () => false,
      )
    : Promise.resolve(false);

/** Switches the WebAssembly kernels on or off (to compare with, or fall back to, the TypeScript ones). */
export function useWasm(on: boolean): void {
  enabled = on;
}

/** The kernels when loaded and switched on, else null. */
export function active(): KernelExports | null {
  return enabled ? kernels : null;
}

/**
 * The module's memory above `base` holds two things. From the bottom, the arena: values of
 * tensors made inside `scope()` (src/tensor/scope.ts), allocated by moving `top` up and freed
 * all at once when the scope ends. Above `top`, scratch space where one kernel call copies its
 * operands. While a scope is open the memory must not grow — growing replaces the buffer and
 * empties every view of the old one, and the arena's tensors are such views — so requests that
 * do not fit fail (the caller then uses plain JavaScript arrays and the TypeScript kernels) and
 * are remembered in `demand`, and the next outermost scope grows the memory first.
 */
let top = 0;
/** Where `top` would be had every arena request fit: the arena size the work needs. */
let wanted = 0;
/** [top, wanted] when each open scope began. */
const marks: [number, number][] = [];
let demand = 0;
/** What the first scope makes room for, in bytes, before any demand is known. */
const FIRST_ARENA = 64 << 20;

/** Rounds a byte count up to a multiple of 16, so every operand starts aligned. */
export const align16 = (n: number): number => (n + 15) & ~15;

function fits(k: KernelExports, end: number): boolean {
  const have = k.memory.buffer.byteLength;
  if (end <= have) return true;
  if (marks.length > 0) {
    demand = Math.max(demand, end + wanted - top);
    return false;
  }
  k.memory.grow(Math.ceil((end - have) / 65536));
  return true;
}

/**
 * Room for `bytes` bytes of scratch operands: the module's memory (grown as needed outside
 * scopes; growing replaces its buffer, so take views after this call) and the byte offset
 * where that room starts — or null inside a scope when it does not fit.
 */
export function reserve(k: KernelExports, bytes: number): [ArrayBuffer, number] | null {
  const from = align16(Math.max(base, top));
  return fits(k, from + bytes) ? [k.memory.buffer, from] : null;
}

/** Byte offset of `bytes` bytes in the arena, or null (no kernels, no open scope, or no room). */
export function arenaAlloc(bytes: number): number | null {
  const k = active();
  if (k === null || marks.length === 0) return null;
  const at = align16(Math.max(base, top));
  const asked = align16(Math.max(base, wanted)) + bytes;
  if (!fits(k, at + bytes)) {
    // fits() has noted the demand
    wanted = asked;
    return null;
  }
  top = at + bytes;
  wanted = Math.max(asked, top);
  return at;
}

/** The module's memory while kernels are loaded (the buffer arena views live on), else null. */
export function arenaBuffer(): ArrayBuffer | null {
  return marks.length > 0 && kernels !== null ? kernels.memory.buffer : null;
}

/**
 * Opens a scope's stretch of the arena. The outermost scope first grows the memory to what
 * earlier scopes asked for (or 64 MiB), as nothing lives in it yet.
 */
export function arenaOpen(): void {
  const k = active();
  if (k !== null && marks.length === 0) {
    top = wanted = 0;
    fits(k, Math.max(base + FIRST_ARENA, Math.ceil(demand * 1.25)));
  }
  marks.push([top, wanted]);
}

/** Frees everything allocated in the arena since the matching `arenaOpen`. */
export function arenaClose(): void {
  [top, wanted] = marks.pop()!;
}
