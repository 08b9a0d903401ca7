/**
 * State dicts: every tensor of a model as plain JSON data, and back, bit for bit.
 *
 * JSON keeps every finite double exactly (JavaScript prints the shortest string that reads
 * back to the same number), except that it turns −0 into 0; so −0 is written as the string "-0".
 * Loading trusts nothing: keys, shapes, dtypes and every value are checked before any write.
 * A tensor shared by two modules has a key for each path (as in PyTorch); loading needs both,
 * holding the same values.
 */
import { checkDtype, type DType } from "../memory/dtype.js";
import { fmt, sameShape } from "../memory/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { FORBIDDEN_KEYS } from "./untrusted.js";

/**
 * One tensor in a JSON state dict: its shape, dtype and values (−0 written as "-0").
 *
 * @example
 * ```ts
 * import { nn } from "actigrad";
 * const layer = new nn.Linear(2, 1);
 * const weight: nn.TensorState = { shape: [1, 2], dtype: "float64", data: [0.5, "-0"] };
 * layer.loadStateDict({ ...layer.stateDict(), weight });
 * console.log(layer.weight.toString(), Object.is(layer.weight.data[1], -0));
 * ```
 * ```text
 * tensor([[0.5, -0]], dtype=float64, requiresGrad=true) true
 * ```
 */
export interface TensorState {
  shape: number[];
  dtype: DType;
  data: (number | "-0")[];
}
/**
 * A model's parameters and buffers by dotted name (`layers.0.weight`), as JSON-safe TensorStates.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const model = new nn.Sequential(new nn.Linear(2, 3), new nn.Tanh(), new nn.Linear(3, 1));
 * const state: nn.StateDict = JSON.parse(JSON.stringify(model.stateDict()));
 * console.log(Object.keys(state), state["0.weight"].shape);
 * const copy = new nn.Sequential(new nn.Linear(2, 3), new nn.Tanh(), new nn.Linear(3, 1));
 * copy.loadStateDict(state);
 * const x = tensor([[0.3, -1.2]]);
 * console.log(copy.call(x).item() === model.call(x).item()); // bit for bit
 * ```
 * ```text
 * [ '0.weight', '0.bias', '2.weight', '2.bias' ] [ 3, 2 ]
 * true
 * ```
 */
export type StateDict = Record<string, TensorState>;

export function saveState(named: [string, Tensor][]): StateDict {
  const out: StateDict = {};
  for (const [name, t] of named) {
    const data = Array.from(t.data, (v) => (Object.is(v, -0) ? "-0" : v)) as (number | "-0")[];
    out[name] = { shape: t.shape.slice(), dtype: t.dtype, data };
  }
  return out;
}

function fail(key: string, why: string): never {
  throw new TypeError(`loadStateDict: key ${JSON.stringify(key)}: ${why}`);
}

export function loadState(named: [string, Tensor][], state: unknown): void {
  if (state === null || typeof state !== "object" || Array.isArray(state)) {
    throw new TypeError(`loadStateDict: expected a plain object of tensors, got ${state === null ? "null" : typeof state}`);
  }
  const keys = Object.keys(state);
  for (const k of keys) if (FORBIDDEN_KEYS.has(k)) fail(k, "is not allowed (it could pollute object prototypes)");
  const expected = new Map(named);
  const missing = named.map(([k]) => k).filter((k) => !Object.hasOwn(state, k));
  if (missing.length > 0) {
    throw new RangeError(
      `loadStateDict: missing key${missing.length > 1 ? "s" : ""} ${missing.map((k) => JSON.stringify(k)).join(", ")}`,
    );
  }
  const extra = keys.filter((k) => !expected.has(k));
  if (extra.length > 0) {
    throw new RangeError(
      `loadStateDict: unexpected key${extra.length > 1 ? "s" : ""} ${extra.map((k) => JSON.stringify(k)).join(", ")}`,
    );
  }
  // Check everything first; write only once the whole state is known to be good.
  const writes = new Map<Tensor, { key: string; values: Float64Array }>();
  for (const [key, t] of named) {
    const entry = (state as Record<string, unknown>)[key];
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) fail(key, "expected { shape, dtype, data }");
    for (const f of Object.keys(entry)) {
      if (f !== "shape" && f !== "dtype" && f !== "data") fail(key, `unexpected field ${JSON.stringify(f)}`);
    }
    const { shape, dtype, data } = entry as Record<string, unknown>;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d))) fail(key, "shape must be an array of integers");
    if (!sameShape(shape, t.shape)) {
      throw new RangeError(
        `loadStateDict: key ${JSON.stringify(key)}: shape ${fmt(shape)} does not match the model's ${fmt(t.shape)}`,
      );
    }
    if (dtype !== undefined) {
      try {
        checkDtype(dtype, "loadStateDict");
      } catch {
        fail(key, `dtype must be "float32" or "float64", got ${JSON.stringify(dtype)}`);
      }
    }
    if (!Array.isArray(data) || data.length !== t.size) {
      throw new RangeError(
        `loadStateDict: key ${JSON.stringify(key)}: data must be an array of ${t.size} numbers, got ${Array.isArray(data) ? data.length : typeof data}`,
      );
    }
    const values = new Float64Array(t.size);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v === "-0") values[i] = -0;
      else if (typeof v !== "number") fail(key, `value ${i} is not a number (${JSON.stringify(v)})`);
      else if (!Number.isFinite(v))
        throw new RangeError(`loadStateDict: key ${JSON.stringify(key)}: value ${i} is ${v}, not finite`);
      else values[i] = v;
    }
    const earlier = writes.get(t);
    if (earlier === undefined) writes.set(t, { key, values });
    else if (!values.every((v, i) => Object.is(v, earlier.values[i]))) {
      throw new RangeError(
        `loadStateDict: keys ${JSON.stringify(earlier.key)} and ${JSON.stringify(key)} name one shared tensor but hold different values`,
      );
    }
  }
  for (const [t, { values }] of writes) t.data.set(values);
}
