/**
 * safetensors: a model's state dict as the file format of Hugging Face's `safetensors`, which
 * PyTorch, JAX and most model hubs read and write.
 *
 *   const bytes = safetensors.save(model.stateDict(), { format: "pt" });  // Uint8Array
 *   model.loadStateDict(safetensors.load(bytes));                        // and back, bit for bit
 *   safetensors.read(bytes).metadata                                     // { format: "pt" }
 *
 * The format, byte for byte as the reference implementation writes it:
 *
 * - 8 bytes: N, the header's length in bytes, an unsigned 64-bit little-endian integer;
 * - N bytes: the header, UTF-8 JSON: `{"__metadata__":{…strings…},"<name>":{"dtype":"F32",
 *   "shape":[8,4],"data_offsets":[begin,end]},…}` — `__metadata__` optional, first when written;
 *   offsets count from the first byte after the header; the JSON is compact and padded with
 *   spaces so that N is a multiple of 8;
 * - the data: each tensor's values, row-major, little-endian, back to back with no gap.
 *
 * `save` writes float64 tensors as F64 and float32 ones as F32. Like the reference, it puts the
 * 8-byte tensors first (the float64 ones, keeping the state dict's order within each dtype), so
 * every tensor starts at a multiple of its element size from the start of the file: readers
 * that map the file into memory can view it in place. Values round-trip exactly: −0, NaN,
 * ±Infinity and subnormals included (a NaN is written as the quiet NaN JavaScript holds; a
 * state dict holds numbers, so a NaN's payload bits are not kept). A float32 tensor's values
 * must be float32 values (an unrepresentable value is an error, not a silent rounding).
 *
 * `load` reads F32 (→ float32), F64 (→ float64) and, for PyTorch's integer buffers such as
 * BatchNorm's `num_batches_tracked` (a 0-d int64), I64 and I32 into float64 — exact, since a
 * value of magnitude 2^53 or more is a RangeError. Any other dtype (F16, BF16, U8, BOOL, …) is
 * a TypeError naming the tensor and the dtype.
 *
 * The bytes are untrusted. Before any tensor is created, `load` checks: the buffer holds the
 * 8-byte length; the header length is at most 100 MB (the reference's limit) and fits in the
 * buffer; the header is valid UTF-8 starting with `{` and is JSON whose top level is an object,
 * with no key repeated in any object (a repeated key is read differently by different parsers);
 * every entry has exactly `dtype`, `shape` (non-negative integers) and `data_offsets` (two
 * integers, begin ≤ end ≤ the data's length); its byte length is the shape's element count times
 * the dtype's size; the tensors cover the data region exactly — from byte 0 to the end of the
 * file, without overlap or gap (as the reference requires); no name is `__proto__`,
 * `constructor` or `prototype`, and names are well-formed Unicode; `__metadata__` is an object of
 * strings. A bad file is a TypeError (wrong kind of thing) or RangeError (wrong size or place)
 * whose message starts `safetensors.load:` and names the tensor and field. So
 * `model.loadStateDict(safetensors.load(bytes))` leaves the model as it was on a bad file:
 * `load` throws before `loadStateDict` runs (which then checks the names and shapes against the
 * model, as for any state dict).
 *
 * Written with DataView, TextEncoder and TextDecoder only, so it runs in Node and browsers.
 */
import type { StateDict, TensorState } from "../nn/state.js";
import { FORBIDDEN_KEYS } from "../nn/untrusted.js";

/**
 * The free-form `__metadata__` of a file: strings to strings.
 *
 * @example
 * ```ts
 * import { nn, safetensors } from "actigrad";
 * const metadata: safetensors.Metadata = { format: "pt", epochs: "30" }; // strings only
 * const bytes = safetensors.save(new nn.Linear(2, 1).stateDict(), metadata);
 * console.log(safetensors.read(bytes).metadata);
 * ```
 * ```text
 * { format: 'pt', epochs: '30' }
 * ```
 */
export type Metadata = Record<string, string>;

/**
 * What `read` returns: the tensors as a state dict, and the file's `__metadata__` (`{}` if none).
 *
 * @example
 * ```ts
 * import { safetensors } from "actigrad";
 * const bytes = safetensors.save({ w: { shape: [2], dtype: "float32", data: [1.5, -2] } }, { author: "me" });
 * const file: safetensors.SafetensorsFile = safetensors.read(bytes);
 * console.log(file.metadata, file.state.w);
 * ```
 * ```text
 * { author: 'me' } { shape: [ 2 ], dtype: 'float32', data: [ 1.5, -2 ] }
 * ```
 */
export interface SafetensorsFile {
  state: StateDict;
  metadata: Metadata;
}

/**
 * The largest header `load` reads, in bytes: the reference implementation's limit.
 *
 * @example
 * ```ts
 * import { safetensors } from "actigrad";
 * const bytes = new Uint8Array(16);
 * new DataView(bytes.buffer).setBigUint64(0, BigInt(safetensors.MAX_HEADER_BYTES + 1), true);
 * try {
 *   safetensors.load(bytes);
 * } catch (e) {
 *   console.log((e as Error).message);
 * }
 * ```
 * ```text
 * safetensors.load: header length 100000001 exceeds the limit of 100000000 bytes
 * ```
 */
export const MAX_HEADER_BYTES = 100_000_000;

const META = "__metadata__";
/** File dtypes `load` reads: element size and the state-dict dtype they become. */
const READABLE = new Map<string, { size: number; dtype: "float32" | "float64" }>([
  ["F32", { size: 4, dtype: "float32" }],
  ["F64", { size: 8, dtype: "float64" }],
  ["I32", { size: 4, dtype: "float64" }],
  ["I64", { size: 8, dtype: "float64" }],
]);
const TWO_POW_32 = 4294967296;

const q = (s: string): string => JSON.stringify(s);
const isPlainObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === "object" && !Array.isArray(x);

// ————————————————————————————————————————— save —————————————————————————————————————————

/**
 * The state dict (as `model.stateDict()` makes it) in the safetensors format, with an optional
 * `__metadata__` of strings. Throws a TypeError/RangeError starting `safetensors.save:` on a
 * malformed state dict or metadata.
 *
 * @example
 * ```ts
 * import { safetensors } from "actigrad";
 * const bytes = safetensors.save({ w: { shape: [1, 2], dtype: "float32", data: [1, 2] } });
 * const n = Number(new DataView(bytes.buffer).getBigUint64(0, true)); // the header's length
 * console.log(bytes.length, new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd());
 * ```
 * ```text
 * 72 {"w":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}}
 * ```
 */
export function save(state: StateDict, metadata?: Metadata): Uint8Array {
  const op = "safetensors.save";
  if (!isPlainObject(state)) {
    throw new TypeError(`${op}: expected a state dict (a plain object of tensors), got ${describe(state)}`);
  }
  interface Planned {
    name: string;
    size: 4 | 8;
    dtype: "F32" | "F64";
    shape: number[];
    data: readonly unknown[];
  }
  const planned: Planned[] = [];
  for (const name of Object.keys(state)) {
    if (name === META) throw new TypeError(`${op}: ${q(META)} is reserved for the metadata and cannot name a tensor`);
    checkName(op, name, "tensor name");
    const what = `${op}: tensor ${q(name)}`;
    const entry = state[name];
    if (!isPlainObject(entry)) throw new TypeError(`${what}: expected { shape, dtype, data }, got ${describe(entry)}`);
    for (const f of Object.keys(entry)) {
      if (f !== "shape" && f !== "dtype" && f !== "data") throw new TypeError(`${what}: unexpected field ${q(f)}`);
    }
    const { shape, dtype, data } = entry as Record<string, unknown>;
    if (dtype !== "float32" && dtype !== "float64") {
      throw new TypeError(`${what}: dtype must be "float32" or "float64", got ${describeValue(dtype)}`);
    }
    if (!Array.isArray(shape)) throw new TypeError(`${what}: shape must be an array, got ${describe(shape)}`);
    shape.forEach((d, i) => {
      if (typeof d !== "number" || !Number.isSafeInteger(d)) {
        throw new TypeError(`${what}: shape[${i}] must be an integer, got ${describeValue(d)}`);
      }
      if (d < 0) throw new RangeError(`${what}: shape[${i}] must be non-negative, got ${d}`);
    });
    if (!Array.isArray(data)) throw new TypeError(`${what}: data must be an array, got ${describe(data)}`);
    const count = elementCount(shape as number[], Number.MAX_SAFE_INTEGER);
    if (count !== data.length) {
      throw new RangeError(
        `${what}: data has ${data.length} value${data.length === 1 ? "" : "s"} but shape [${shape.join(",")}] needs ${Number.isFinite(count) ? count : `more than ${Number.MAX_SAFE_INTEGER}`}`,
      );
    }
    const f32 = dtype === "float32";
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v === "-0") continue;
      if (typeof v !== "number") throw new TypeError(`${what}: value ${i} is not a number (${describeValue(v)})`);
      if (f32 && !Object.is(Math.fround(v), v) && !Number.isNaN(v)) {
        throw new RangeError(`${what}: value ${i} (${v}) is not a float32 value; round it with Math.fround or save as float64`);
      }
    }
    planned.push({ name, size: f32 ? 4 : 8, dtype: f32 ? "F32" : "F64", shape: (shape as number[]).slice(), data });
  }
  const metaEntries: [string, string][] = [];
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) {
      throw new TypeError(`${op}: metadata must be a plain object of strings, got ${describe(metadata)}`);
    }
    for (const k of Object.keys(metadata)) {
      checkName(op, k, "metadata key");
      const v = metadata[k];
      if (typeof v !== "string") {
        throw new TypeError(`${op}: metadata ${q(k)} must be a string, got ${describeValue(v)}`);
      }
      if (!wellFormed(v)) throw new TypeError(`${op}: metadata ${q(k)} is not well-formed Unicode (a lone surrogate)`);
      metaEntries.push([k, v]);
    }
  }

  // The 8-byte tensors first (stable: the state dict's order within each size), as the reference does.
  const order = [...planned.filter((p) => p.size === 8), ...planned.filter((p) => p.size === 4)];
  // The header, built as text so that its key order is exactly this (a JS object would move
  // integer-like names such as "0" to the front).
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`${q(META)}:{${metaEntries.map(([k, v]) => `${q(k)}:${q(v)}`).join(",")}}`);
  let offset = 0;
  for (const p of order) {
    const end = offset + p.data.length * p.size;
    parts.push(`${q(p.name)}:{"dtype":${q(p.dtype)},"shape":[${p.shape.join(",")}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, n % TWO_POW_32, true);
  view.setUint32(4, Math.floor(n / TWO_POW_32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const p of order) {
    for (const v of p.data) {
      const x = v === "-0" ? -0 : (v as number);
      if (p.size === 8) view.setFloat64(at, x, true);
      else view.setFloat32(at, x, true);
      at += p.size;
    }
  }
  return out;
}

// ————————————————————————————————————————— load —————————————————————————————————————————

/**
 * The tensors of a safetensors file as a state dict for `model.loadStateDict` (F32 → float32,
 * F64/I64/I32 → float64, in the header's order). The file is checked completely first; a bad
 * one is a TypeError/RangeError starting `safetensors.load:`.
 *
 * @example
 * ```ts
 * import { safetensors } from "actigrad";
 * const bytes = safetensors.save({ "0.bias": { shape: [2], dtype: "float64", data: [0.25, "-0"] } });
 * console.log(safetensors.load(bytes)["0.bias"]);
 * try {
 *   safetensors.load(bytes.subarray(0, 20)); // truncated: checked before anything is made
 * } catch (e) {
 *   console.log((e as Error).message);
 * }
 * ```
 * ```text
 * { shape: [ 2 ], dtype: 'float64', data: [ 0.25, '-0' ] }
 * safetensors.load: header length 64 runs past the end of the file (20 bytes, so at most 12)
 * ```
 */
export function load(bytes: Uint8Array | ArrayBuffer): StateDict {
  return parse(bytes, "safetensors.load").state;
}

/**
 * `load`'s state dict together with the file's `__metadata__` (`{}` when it has none).
 *
 * @example
 * ```ts
 * import { nn, safetensors } from "actigrad";
 * const bytes = safetensors.save(new nn.Linear(3, 2).stateDict(), { format: "pt" });
 * const { state, metadata } = safetensors.read(bytes);
 * console.log(Object.keys(state), state.weight.shape, metadata);
 * ```
 * ```text
 * [ 'weight', 'bias' ] [ 2, 3 ] { format: 'pt' }
 * ```
 */
export function read(bytes: Uint8Array | ArrayBuffer): SafetensorsFile {
  return parse(bytes, "safetensors.read");
}

interface Entry {
  name: string;
  dtype: string;
  size: number;
  shape: number[];
  begin: number;
  end: number;
}

function parse(bytes: unknown, op: string): SafetensorsFile {
  let u8: Uint8Array;
  if (bytes instanceof Uint8Array) u8 = bytes;
  else if (bytes instanceof ArrayBuffer) u8 = new Uint8Array(bytes);
  else throw new TypeError(`${op}: expected the file's bytes as a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
  const total = u8.byteLength;
  if (total < 8) {
    throw new RangeError(`${op}: the file is ${total} byte${total === 1 ? "" : "s"}, too short for the 8-byte header length`);
  }
  const view = new DataView(u8.buffer, u8.byteOffset, total);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  if (hi !== 0 || lo > MAX_HEADER_BYTES) {
    const n = (BigInt(hi) << 32n) | BigInt(lo);
    throw new RangeError(`${op}: header length ${n} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  }
  const n = lo;
  if (8 + n > total) {
    throw new RangeError(`${op}: header length ${n} runs past the end of the file (${total} bytes, so at most ${total - 8})`);
  }

  // The header: UTF-8, starting with "{", JSON, an object, no repeated key.
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(u8.subarray(8, 8 + n));
  } catch {
    throw new TypeError(`${op}: the header is not valid UTF-8`);
  }
  if (!text.startsWith("{")) {
    throw new TypeError(`${op}: the header must be a JSON object starting with "{", got ${q(text.slice(0, 20))}`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new TypeError(`${op}: the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) throw new TypeError(`${op}: the header must be a JSON object, got ${describe(header)}`);
  const dup = repeatedKey(text);
  if (dup !== undefined) throw new TypeError(`${op}: the header repeats the key ${q(dup)}`);

  // Each entry.
  const dataLength = total - 8 - n;
  const entries: Entry[] = [];
  const metadata: Metadata = {};
  for (const name of Object.keys(header)) {
    checkName(op, name, "tensor name");
    const value = header[name];
    if (name === META) {
      if (!isPlainObject(value)) throw new TypeError(`${op}: ${q(META)} must be an object of strings, got ${describe(value)}`);
      for (const k of Object.keys(value)) {
        checkName(op, k, `${META} key`);
        const v = value[k];
        if (typeof v !== "string") throw new TypeError(`${op}: ${META} ${q(k)} must be a string, got ${describeValue(v)}`);
        if (!wellFormed(v)) throw new TypeError(`${op}: ${META} ${q(k)} is not well-formed Unicode (a lone surrogate)`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push(checkEntry(op, name, value, dataLength));
  }

  // The tensors tile the data region: sorted by offsets, each begins where the previous ends,
  // the first at 0 and the last at the end of the file.
  const sorted = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < at) {
      throw new RangeError(
        `${op}: tensor ${q(e.name)}: data_offsets [${e.begin},${e.end}] overlap tensor ${q(prev!.name)}'s [${prev!.begin},${prev!.end}]`,
      );
    }
    if (e.begin > at) {
      throw new RangeError(
        `${op}: tensor ${q(e.name)}: data_offsets [${e.begin},${e.end}] leave a gap: bytes ${at}..${e.begin} of the data belong to no tensor`,
      );
    }
    at = e.end;
    prev = e;
  }
  if (at !== dataLength) {
    throw new RangeError(
      `${op}: the tensors cover ${at} of the ${dataLength} data bytes: bytes ${at}..${dataLength} belong to no tensor (or the header lies)`,
    );
  }

  // Integer values must convert exactly.
  const base = 8 + n;
  for (const e of entries) {
    if (e.dtype !== "I64") continue;
    for (let i = 0, p = base + e.begin; p < base + e.end; i++, p += 8) {
      const h = view.getInt32(p + 4, true);
      const l = view.getUint32(p, true);
      if (h >= 0x200000 || h < -0x200000 || (h === -0x200000 && l === 0)) {
        const v = (BigInt(h) << 32n) + BigInt(l);
        throw new RangeError(
          `${op}: tensor ${q(e.name)}: I64 value ${i} (${v}) has magnitude 2^53 or more, so it has no exact float64`,
        );
      }
    }
  }

  // All checked: make the state dict.
  const state: StateDict = {};
  for (const e of entries) {
    const count = (e.end - e.begin) / e.size;
    const data: (number | "-0")[] = new Array(count);
    const p0 = base + e.begin;
    for (let i = 0; i < count; i++) {
      const p = p0 + i * e.size;
      let v: number;
      switch (e.dtype) {
        case "F32":
          v = view.getFloat32(p, true);
          break;
        case "F64":
          v = view.getFloat64(p, true);
          break;
        case "I32":
          v = view.getInt32(p, true);
          break;
        default:
          v = view.getInt32(p + 4, true) * TWO_POW_32 + view.getUint32(p, true);
      }
      data[i] = Object.is(v, -0) ? "-0" : v;
    }
    const ts: TensorState = { shape: e.shape, dtype: READABLE.get(e.dtype)!.dtype, data };
    state[e.name] = ts;
  }
  return { state, metadata };
}

function checkEntry(op: string, name: string, value: unknown, dataLength: number): Entry {
  const what = `${op}: tensor ${q(name)}`;
  if (!isPlainObject(value)) throw new TypeError(`${what}: expected { dtype, shape, data_offsets }, got ${describe(value)}`);
  for (const f of Object.keys(value)) {
    if (f !== "dtype" && f !== "shape" && f !== "data_offsets") {
      throw new TypeError(`${what}: unexpected field ${q(f)} (expected exactly dtype, shape, data_offsets)`);
    }
  }
  for (const f of ["dtype", "shape", "data_offsets"]) {
    if (!Object.hasOwn(value, f)) throw new TypeError(`${what}: missing field ${q(f)}`);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== "string") throw new TypeError(`${what}: dtype must be a string, got ${describeValue(dtype)}`);
  const info = READABLE.get(dtype);
  if (info === undefined) {
    throw new TypeError(`${what}: dtype ${q(dtype)} is not supported (F32, F64, I64 and I32 are; convert the tensor first)`);
  }
  if (!Array.isArray(shape)) throw new TypeError(`${what}: shape must be an array, got ${describe(shape)}`);
  shape.forEach((d, i) => {
    if (typeof d !== "number" || !Number.isSafeInteger(d)) {
      throw new TypeError(`${what}: shape[${i}] must be an integer, got ${describeValue(d)}`);
    }
    if (d < 0) throw new RangeError(`${what}: shape[${i}] must be non-negative, got ${d}`);
  });
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw new TypeError(`${what}: data_offsets must be an array [begin, end], got ${describeValue(offsets)}`);
  }
  const [begin, end] = offsets as unknown[];
  for (const [label, v] of [
    ["begin", begin],
    ["end", end],
  ] as const) {
    if (typeof v !== "number" || !Number.isSafeInteger(v)) {
      throw new TypeError(`${what}: data_offsets ${label} must be an integer, got ${describeValue(v)}`);
    }
    if (v < 0) throw new RangeError(`${what}: data_offsets ${label} must be non-negative, got ${v}`);
  }
  const b = begin as number;
  const e = end as number;
  if (b > e) throw new RangeError(`${what}: data_offsets [${b},${e}] end before they begin`);
  const bytes = e - b;
  const count = elementCount(shape as number[], Math.floor(Number.MAX_SAFE_INTEGER / info.size));
  if (count * info.size !== bytes) {
    const need = Number.isFinite(count) ? `${count * info.size} bytes` : `more than ${Number.MAX_SAFE_INTEGER} bytes`;
    throw new RangeError(
      `${what}: shape [${shape.join(",")}] of ${dtype} needs ${need} but data_offsets [${b},${e}] hold ${bytes}`,
    );
  }
  if (e > dataLength) {
    throw new RangeError(
      `${what}: data_offsets [${b},${e}] run past the end of the data (${dataLength} bytes after the header; is the file truncated?)`,
    );
  }
  return { name, dtype, size: info.size, shape: (shape as number[]).slice(), begin: b, end: e };
}

// ———————————————————————————————————————— helpers ————————————————————————————————————————

/** The product of `shape`, or Infinity once it passes `limit` (so it never loses precision). */
function elementCount(shape: readonly number[], limit: number): number {
  if (shape.includes(0)) return 0;
  let p = 1;
  for (const d of shape) {
    p *= d;
    if (p > limit) return Number.POSITIVE_INFINITY;
  }
  return p;
}

/** Whether `s` is well-formed UTF-16: no lone surrogate (JSON can escape one; UTF-8 cannot hold it). */
function wellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const d = s.charCodeAt(i + 1);
    if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return false;
    i++;
  }
  return true;
}

function checkName(op: string, name: string, what: string): void {
  if (FORBIDDEN_KEYS.has(name))
    throw new TypeError(`${op}: ${what} ${q(name)} is not allowed (it could pollute object prototypes)`);
  if (!wellFormed(name)) throw new TypeError(`${op}: ${what} ${q(name)} is not well-formed Unicode (a lone surrogate)`);
}

/**
 * The first key repeated within one object of `text`, which is known to be valid JSON. One pass
 * without recursion: a string followed by ":" is a key of the innermost open object.
 */
function repeatedKey(text: string): string | undefined {
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      let k = j + 1;
      while (k < text.length && " \t\n\r".includes(text[k])) k++;
      const keys = stack[stack.length - 1];
      if (text[k] === ":" && keys) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = j;
    } else if (c === 0x7b /* { */) stack.push(new Set());
    else if (c === 0x5b /* [ */) stack.push(null);
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
  }
  return undefined;
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  if (x instanceof Uint8Array || x instanceof ArrayBuffer) return x.constructor.name;
  return typeof x === "object" ? (x.constructor?.name ?? "an object") : typeof x;
}

function describeValue(x: unknown): string {
  if (typeof x === "number") return String(x);
  if (typeof x === "string") return q(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (x === undefined) return "undefined";
  try {
    const s = JSON.stringify(x);
    return s.length > 60 ? `${s.slice(0, 60)}…` : s;
  } catch {
    return describe(x);
  }
}
