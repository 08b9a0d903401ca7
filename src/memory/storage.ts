/**
 * A Storage is where one tensor's values live: a typed array, either an ordinary JavaScript
 * array or a view of the heap (the WebAssembly memory, inside a `scope()`). Tensors that show
 * the same values differently — a reshape, a `detach()` — share one Storage, so its lifetime is
 * theirs: a scope releases a storage, not a tensor.
 */
import type { FloatArray } from "./dtype.js";
import { track } from "./scope.js";

/**
 * The typed array one tensor's values live in, shared by the views of it (reshape, detach); a `scope()` releases storages.
 *
 * @example
 * ```ts
 * import { scope, tensor, type Storage } from "actigrad";
 * const x = tensor([1, 2, 3, 4]);
 * const s: Storage = x.storage;
 * console.log(x.reshape([2, 2]).storage === s, x.detach().storage === s, x.mul(1).storage === s);
 * const inside: Storage[] = [];
 * const kept = scope(() => { const y = x.add(1); inside.push(y.storage); return y.mul(2); });
 * console.log(inside[0].released, kept.storage.released, kept.toArray());
 * ```
 * ```text
 * true true false
 * true false [ 4, 6, 8, 10 ]
 * ```
 */
export class Storage {
  private _values: FloatArray | null;
  /** Never released by a scope: the values of parameters (leaves that require a gradient). */
  persistent = false;

  constructor(values: FloatArray) {
    this._values = values;
    track(this);
  }

  /** The values, or null once the scope that made this storage released it. */
  get values(): FloatArray | null {
    return this._values;
  }

  /** True once the scope that made this storage released it (reading the tensor then throws). */
  get released(): boolean {
    return this._values === null;
  }

  /** The scope that made it ended without keeping it: the arena memory is about to be reused. */
  release(): void {
    this._values = null;
  }

  /** Kept past its scope: values that are views of `arena` move into an array of their own. */
  moveOut(arena: ArrayBuffer | null): void {
    if (this._values !== null && arena !== null && this._values.buffer === arena) this._values = this._values.slice();
  }
}
