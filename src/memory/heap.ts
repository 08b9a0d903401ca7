/**
 * The heap: the WebAssembly module's linear memory, where the SIMD kernels read and write.
 * The kernels' loader (src/kernels/wasm/runtime.ts) attaches it once the module is compiled;
 * until then, and after `useWasm(false)`, there is no heap and every value lives in ordinary
 * JavaScript arrays.
 *
 * Above `base` (below it lies the module's own static data) the heap holds two things. From the
 * bottom, the arena: values of tensors made inside `scope()` (./scope.ts), allocated by moving
 * `top` up and freed all at once when the scope ends. Above `top`, scratch space where one
 * kernel call copies the operands it does not find in the heap. While a scope is open the
 * memory must not grow — growing replaces the buffer and empties every view of the old one,
 * and the arena's values are such views — so requests that do not fit fail (the caller then
 * uses a JavaScript array and the TypeScript kernel) and are remembered in `demand`, and the
 * next outermost scope grows the memory first.
 *
 * This layer knows bytes and offsets only: nothing here knows tensors or kernels.
 */
let memory: WebAssembly.Memory | null = null;
let enabled = true;
/** Byte offset where operands may go: the module's own static data lies below it. */
let base = 0;
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

/** Called by the kernels' loader: `mem` is the module's memory, free from byte `heapBase` on. */
export function attachHeap(mem: WebAssembly.Memory, heapBase: number): void {
  memory = mem;
  base = heapBase;
}

/** `useWasm(false)` switches the heap off with the kernels: new values go to JavaScript arrays. */
export function heapEnabled(on: boolean): void {
  enabled = on;
}

/** The heap's memory when attached and switched on, else null. */
function active(): WebAssembly.Memory | null {
  return enabled ? memory : null;
}

function fits(mem: WebAssembly.Memory, end: number): boolean {
  const have = mem.buffer.byteLength;
  if (end <= have) return true;
  if (marks.length > 0) {
    demand = Math.max(demand, end + wanted - top);
    return false;
  }
  mem.grow(Math.ceil((end - have) / 65536));
  return true;
}

/**
 * Room for `bytes` bytes of scratch operands: the heap's buffer (grown as needed outside
 * scopes; growing replaces it, so take views after this call) and the byte offset where that
 * room starts — or null without a heap, or inside a scope when it does not fit.
 */
export function reserve(bytes: number): [ArrayBuffer, number] | null {
  const mem = active();
  if (mem === null) return null;
  const from = align16(Math.max(base, top));
  return fits(mem, from + bytes) ? [mem.buffer, from] : null;
}

/** Byte offset of `bytes` bytes in the arena, or null (no heap, no open scope, or no room). */
export function arenaAlloc(bytes: number): number | null {
  const mem = active();
  if (mem === null || marks.length === 0) return null;
  const at = align16(Math.max(base, top));
  const asked = align16(Math.max(base, wanted)) + bytes;
  if (!fits(mem, at + bytes)) {
    // fits() has noted the demand
    wanted = asked;
    return null;
  }
  top = at + bytes;
  wanted = Math.max(asked, top);
  return at;
}

/** The heap's buffer while a scope is open (the buffer arena values are views of), else null. */
export function arenaBuffer(): ArrayBuffer | null {
  return marks.length > 0 && memory !== null ? memory.buffer : null;
}

/** The heap's buffer, or null before the kernels are loaded: values in it need no copying in. */
export function heapBuffer(): ArrayBuffer | null {
  return memory === null ? null : memory.buffer;
}

/**
 * Opens a scope's stretch of the arena. The outermost scope first grows the memory to what
 * earlier scopes asked for (or 64 MiB), as nothing lives in it yet.
 */
export function arenaOpen(): void {
  const mem = active();
  if (mem !== null && marks.length === 0) {
    top = wanted = 0;
    fits(mem, Math.max(base + FIRST_ARENA, Math.ceil(demand * 1.25)));
  }
  marks.push([top, wanted]);
}

/** Frees everything allocated in the arena since the matching `arenaOpen`. */
export function arenaClose(): void {
  [top, wanted] = marks.pop()!;
}
