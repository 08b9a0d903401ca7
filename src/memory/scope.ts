/**
 * `scope(fn)`: explicit lifetimes for the tensors of one step, so that their values can live
 * in the WebAssembly module's memory instead of in garbage-collected JavaScript arrays.
 *
 * Why: outside a scope every op result is a new typed array, and a float32 kernel copies its
 * operands into the module's memory and its result back out. For a million elements each copy
 * costs about 0.3–0.5 ms, as much as the kernel itself — and JavaScript cannot tell when an
 * array is dead inside a synchronous loop (finalizers only run once the loop yields). A scope
 * answers that question: everything made inside it is dead when it returns, except what it
 * returns and the gradients `backward()` left on tensors made outside it.
 *
 *   const loss = scope(() => {
 *     const l = crossEntropy(model.call(x), labels);
 *     l.backward();              // parameters' .grad survive the scope (copied out)
 *     opt.step();
 *     return l;                  // survives too (copied out)
 *   });
 *
 * Inside a scope, tensors made by ops and by the creation functions (`tensor`, `zeros`,
 * `randn`, …) take their values from an arena in the module's memory; kernels then read and
 * write them in place. When the scope ends the arena is reset, and every tensor made in it is
 * either kept — its values copied into a fresh JavaScript array, so it stays valid for good — or
 * released: reading its `data` (or running an op on it) then throws, naming the scope.
 * Scopes nest; tensors from an outer scope stay valid in an inner one.
 *
 * The rule, the same for every tensor whatever its size: a tensor made inside a scope is
 * released when it ends unless it is returned, left as a `.grad` by `backward()`, or a leaf
 * that requires a gradient (a parameter: `new nn.Linear(…)` or `tensor(v, { requiresGrad: true })`
 * made inside a scope lives on).
 *
 * This file knows storages (./storage.ts), not tensors: a scope keeps the storages of what
 * `fn` returns — any object with a `[STORAGE]` property, as every Tensor has — and of what
 * `keepAtScopeEnd` names (autograd names each `.grad` it set), plus persistent storages
 * (parameters); it releases the rest.
 *
 * What to know:
 * - Keep only what you return (a tensor, or arrays / plain objects of them). A tensor stored
 *   elsewhere inside the scope (a closure, a list, a trace from src/teach) is released.
 * - A kept tensor's graph points at released tensors: call `backward()` inside the scope.
 * - `t.data` read inside a scope is a view of the module's memory; do not hold on to the array
 *   after the scope ends (the tensor object itself is safe: kept, or throwing).
 * - Parameters, optimizer state and anything made outside scopes are never affected.
 * - Without WebAssembly (or with `useWasm(false)`) a scope changes nothing but the cleanup.
 */
import { arenaAlloc, arenaBuffer, arenaClose, arenaOpen } from "./heap.js";
import type { DType, FloatArray } from "./dtype.js";
import { alloc } from "./dtype.js";
import type { Storage } from "./storage.js";

/** The property by which a scope finds the storage of a value `fn` returned (a Tensor's). */
export const STORAGE: unique symbol = Symbol.for("actigrad.storage");

interface Frame {
  /** Every storage made while this scope was the innermost. */
  readonly storages: Storage[];
  /** Asked at the end: storages to keep besides the returned ones (a `.grad` set inside). */
  readonly keepers: (() => Storage | null)[];
}

const frames: Frame[] = [];

/** Arrays below this many elements stay in JavaScript: too small for the kernels to gain. */
const MIN_ELEMENTS = 64;

/**
 * Runs `fn` with a fresh arena; returns what it returns, copied out of the arena. Tensors made
 * inside and not returned (nor left as a `.grad` by `backward()`) are released. See above.
 *
 * @example
 * ```ts
 * import { scope, tensor } from "actigrad";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const loss = scope(() => {
 *   const l = w.mul(3).square().sum(); // w·3 and its square are released when the scope ends
 *   l.backward(); // w.grad survives
 *   return l; // and so does what is returned
 * });
 * console.log(loss.item(), w.grad!.toArray());
 * ```
 * ```text
 * 45 [ 18, 36 ]
 * ```
 */
export function scope<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new TypeError(`scope: expected a function, got ${typeof fn}`);
  arenaOpen();
  const frame: Frame = { storages: [], keepers: [] };
  frames.push(frame);
  let result: T | undefined;
  let done = false;
  try {
    result = fn();
    if (typeof (result as { then?: unknown } | null)?.then === "function") {
      throw new TypeError(
        "scope: the function returned a promise; scope() is synchronous (its tensors are released when the function returns), so put the awaits outside it",
      );
    }
    done = true;
    return result;
  } finally {
    frames.pop();
    const keep = new Set<Storage>();
    if (done) collectStorages(result, keep, 0);
    for (const k of frame.keepers) {
      const s = k();
      if (s !== null) keep.add(s);
    }
    const arena = arenaBuffer();
    for (const s of frame.storages) {
      if (keep.has(s) || s.persistent) s.moveOut(arena);
      else s.release();
    }
    arenaClose();
  }
}

/** Storages in a scope's result: the value itself, or inside arrays and plain objects. */
function collectStorages(value: unknown, into: Set<Storage>, depth: number): void {
  if (value === null || typeof value !== "object" || depth > 8) return;
  const s = (value as { [STORAGE]?: Storage })[STORAGE];
  if (s !== undefined) {
    into.add(s);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectStorages(v, into, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectStorages(v, into, depth + 1);
  }
}

/**
 * A zero-filled array for a new storage's values: in the arena inside a scope (when the
 * WebAssembly kernels are loaded and there is room), else an ordinary array.
 */
export function allocValues(dtype: DType, size: number): FloatArray {
  // int32 (indices) never goes to the arena, whose views are float arrays.
  if (dtype !== "int32" && frames.length > 0 && size >= MIN_ELEMENTS) {
    const bpe = dtype === "float32" ? 4 : 8;
    const at = arenaAlloc(size * bpe);
    const buffer = arenaBuffer();
    if (at !== null && buffer !== null) {
      const out = dtype === "float32" ? new Float32Array(buffer, at, size) : new Float64Array(buffer, at, size);
      return out.fill(0); // the arena is reused memory
    }
  }
  return alloc(dtype, size);
}

/** @internal Every new Storage reports itself: the innermost open scope owns it. */
export function track(s: Storage): void {
  if (frames.length > 0) frames[frames.length - 1].storages.push(s);
}

/** @internal Inside a scope, `get()` is asked at its end for one more storage to keep. */
export function keepAtScopeEnd(get: () => Storage | null): void {
  if (frames.length > 0) frames[frames.length - 1].keepers.push(get);
}
