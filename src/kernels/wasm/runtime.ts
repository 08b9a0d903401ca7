/**
 * Loads the WebAssembly SIMD kernels (bytes shipped in ./bytes.ts) and runs them on float32
 * typed arrays: operands are copied into the module's memory at 16-byte-aligned offsets, the
 * kernel runs, the result is copied out. The module is compiled synchronously where the host
 * allows it (Node); elsewhere (a browser's main thread limits synchronous compiles) it compiles
 * in the background and the plain TypeScript kernels serve until `wasmReady` resolves.
 */
import { attachHeap, heapEnabled } from "../../memory/heap.js";
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

/** The module is loaded: its memory becomes the heap that src/memory manages. */
function adopt(instance: WebAssembly.Instance): boolean {
  kernels = instance.exports as unknown as KernelExports;
  attachHeap(kernels.memory, kernels.heapBase());
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

/**
 * Resolves to whether the SIMD kernels are in use (false where WebAssembly SIMD is missing).
 *
 * @example
 * ```ts
 * import { wasmReady } from "actigrad";
 * console.log(await wasmReady); // true in Node: the SIMD kernels serve float32 ops at once
 * ```
 * ```text
 * true
 * ```
 */
export const wasmReady: Promise<boolean> = loadSync()
  ? Promise.resolve(true)
  : typeof WebAssembly === "object"
    ? WebAssembly.instantiate(wasmBytes(), {}).then(
        (r) => adopt(r.instance),
        () => false,
      )
    : Promise.resolve(false);

/**
 * Switches the WebAssembly kernels on or off (to compare with, or fall back to, the TypeScript ones).
 *
 * @example
 * ```ts
 * import { rand, sigmoid, useWasm } from "actigrad";
 * const x = rand([1000], { dtype: "float32" });
 * const fast = sigmoid(x);
 * useWasm(false); // the TypeScript loops from here on
 * const plain = sigmoid(x);
 * useWasm(true);
 * console.log(fast.sub(plain).abs().max().item() < 1e-6);
 * ```
 * ```text
 * true
 * ```
 */
export function useWasm(on: boolean): void {
  enabled = Boolean(on);
  heapEnabled(enabled);
}

/** The kernels when loaded and switched on, else null. */
export function active(): KernelExports | null {
  return enabled ? kernels : null;
}
