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
 * What to know:
 * - Keep only what you return (a tensor, or arrays / plain objects of them). A tensor stored
 *   elsewhere inside the scope (a closure, a list, a trace from src/teach) is released.
 * - A kept tensor's graph points at released tensors: call `backward()` inside the scope.
 * - `t.data` read inside a scope is a view of the module's memory; do not hold on to the array
 *   after the scope ends (the tensor object itself is safe: kept, or throwing).
 * - Parameters, optimizer state and anything made outside scopes are never affected.
 * - Without WebAssembly (or with `useWasm(false)`) a scope changes nothing but the cleanup.
 */
import { arenaAlloc, arenaBuffer, arenaClose, arenaOpen } from "../kernels/wasm/runtime.js";
import type { DType, FloatArray } from "./dtype.js";
import { alloc } from "./dtype.js";
import type { Tensor } from "./tensor.js";

interface Frame {
  /** Every tensor made while this scope was the innermost. */
  readonly tensors: Tensor[];
  /** Tensors given a `.grad` by backward() in this scope: that gradient is kept. */
  readonly holders: Tensor[];
}

const frames: Frame[] = [];

/** Arrays below this many elements stay in JavaScript: too small for the kernels to gain. */
const MIN_ELEMENTS = 64;

/**
 * Runs `fn` with a fresh arena; returns what it returns, copied out of the arena. Tensors made
 * inside and not returned (nor left as a `.grad` by `backward()`) are released. See above.
 */
export function scope<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new TypeError(`scope: expected a function, got ${typeof fn}`);
  arenaOpen();
  const frame: Frame = { tensors: [], holders: [] };
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
    const keep = new Set<Tensor>();
    if (done) collectTensors(result, keep, 0);
    for (const h of frame.holders) if (h.grad !== null) keep.add(h.grad);
    const arena = arenaBuffer();
    for (const t of frame.tensors) {
      if (keep.has(t) || (t.isLeaf && t.requiresGrad)) {
        if (!t.isReleased && t.data.buffer === arena) t._materialize();
      } else t._release();
    }
    arenaClose();
  }
}

/** Tensors in a scope's result: the value itself, or inside arrays and plain objects. */
function collectTensors(value: unknown, into: Set<Tensor>, depth: number): void {
  if (value === null || typeof value !== "object" || depth > 8) return;
  if (isTensor(value)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, into, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, into, depth + 1);
  }
}

function isTensor(value: object): value is Tensor {
  return "_materialize" in value && "_release" in value;
}

/** True while some scope is running. */
export function inScope(): boolean {
  return frames.length > 0;
}

/**
 * A zero-filled array for a new tensor's values: in the arena inside a scope (when the
 * WebAssembly kernels are loaded and there is room), else an ordinary array. Only for values
 * a Tensor wraps at once — the tensor is what the scope tracks and releases.
 */
export function allocValues(dtype: DType, size: number): FloatArray {
  if (frames.length > 0 && size >= MIN_ELEMENTS) {
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

/**
 * @internal The Tensor constructor reports every tensor made while a scope is open, whatever
 * its size and wherever its values live: the scope's rule is the same for all of them.
 */
export function adopt(t: Tensor): void {
  if (frames.length > 0) frames[frames.length - 1].tensors.push(t);
}

/** @internal backward() reports each tensor whose `.grad` it set inside a scope. */
export function noteGradHolder(t: Tensor): void {
  if (frames.length > 0) frames[frames.length - 1].holders.push(t);
}
