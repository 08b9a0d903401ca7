/**
 * Reading objects that come from outside — a state dict, an optimizer's or a schedule's saved
 * state, a safetensors header — before anything is built from them (not exported from `nn`):
 * the keys that could pollute object prototypes, a value as an error message shows it, a number
 * checked against its range, and a plain object with exactly the keys expected.
 */

/** Keys never accepted from outside: assigning them could reach an object's prototype. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** A value as an error message shows it: the number, boolean or quoted string, else "an array" or its type. */
export function show(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  return Array.isArray(v) ? "an array" : typeof v;
}

/** A check of one number: `v` itself when it is a number that passes `ok`, else a RangeError naming `op`, `key` and `expected`. */
export function numberIn(ok: (v: number) => boolean, expected: string): (v: unknown, op: string, key: string) => number {
  return (v, op, key) => {
    if (typeof v !== "number" || !ok(v)) throw new RangeError(`${op}: ${key} must be ${expected}, got ${show(v)}`);
    return v;
  };
}

/** A plain object with exactly `keys` (forbidden and unknown keys named), or an error naming `where`. */
export function record(op: string, where: string, v: unknown, keys: readonly string[]): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new TypeError(`${op}: ${where === "" ? "the state" : where} must be a plain object, got ${show(v)}`);
  }
  const prefix = where === "" ? "" : `${where}.`;
  for (const k of Object.keys(v)) {
    if (FORBIDDEN_KEYS.has(k))
      throw new TypeError(`${op}: key ${JSON.stringify(prefix + k)} is not allowed (it could pollute object prototypes)`);
    if (!keys.includes(k)) throw new RangeError(`${op}: unexpected key ${JSON.stringify(prefix + k)}`);
  }
  for (const k of keys) if (!Object.hasOwn(v, k)) throw new RangeError(`${op}: missing key ${JSON.stringify(prefix + k)}`);
  return v as Record<string, unknown>;
}
