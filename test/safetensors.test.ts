/**
 * safetensors (issue 15): `safetensors.save` / `load` / `read`.
 *
 * - Round trips are exact, bit for bit (fast-check state dicts in float32 and float64, empty and
 *   0-d tensors, −0, NaN, ±Infinity, subnormals) and a model's state dict survives a trip.
 * - The byte layout is the format's exactly: hand-computed files, compared byte for byte.
 * - Every kind of malformed file is its own test: the error (class, `safetensors.load:` prefix,
 *   the tensor or field named) and a model given the result through `loadStateDict` unchanged.
 * - Interop with PyTorch: test/fixtures/torch-*.safetensors, written from PyTorch by
 *   scripts/torch-safetensors.py (its own writer: the `safetensors` package is not installed),
 *   load into the actigrad twin and give PyTorch's outputs (kept in the files' `__metadata__`);
 *   and files actigrad writes are read by that script's independent reader, compared bit for bit
 *   with the state dict and loaded into the PyTorch twin, whose outputs must match actigrad's —
 *   run only when /usr/bin/python3 has torch (otherwise those tests are skipped).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { type DType, manualSeed, nn, safetensors, tensor } from "../src/index.js";
import { type ErrorClass, expectThrow } from "./helpers.js";

type StateDict = nn.StateDict;

// ——————————————————————————————————————— helpers ———————————————————————————————————————

/** The PyTorch twin's structure: Sequential(Linear(4, 8), Tanh(), Linear(8, 3)). */
function twin(dtype: DType = "float64", seed = 1): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(4, 8, { dtype }), new nn.Tanh(), new nn.Linear(8, 3, { dtype }));
}

/** Sequential(Linear(4, 8), BatchNorm1d(8), Tanh(), Linear(8, 3)). */
function bnTwin(dtype: DType = "float32", seed = 1): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(
    new nn.Linear(4, 8, { dtype }),
    new nn.BatchNorm1d(8, { dtype }),
    new nn.Tanh(),
    new nn.Linear(8, 3, { dtype }),
  );
}

/** Every tensor of a model (parameters and buffers) as raw bytes; the check asserts none changed. */
function snapshot(model: nn.Module): () => void {
  const before = model.stateDict();
  const params = model.parameters();
  const arrays = params.map((p) => p.data);
  const bytesOf = (p: { data: ArrayBufferView }) =>
    Array.from(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
  const copies = params.map(bytesOf);
  return () => {
    expect(model.stateDict()).toEqual(before);
    model.parameters().forEach((p, i) => {
      expect(p.data).toBe(arrays[i]);
      expect(bytesOf(p)).toEqual(copies[i]);
    });
  };
}

const enc = new TextEncoder();
const u8 = (...parts: (Uint8Array | number[])[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** n as an 8-byte little-endian unsigned integer. */
function u64(n: number | bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}
function f32le(...xs: number[]): Uint8Array {
  const b = new Uint8Array(4 * xs.length);
  xs.forEach((x, i) => new DataView(b.buffer).setFloat32(4 * i, x, true));
  return b;
}
function f64le(...xs: number[]): Uint8Array {
  const b = new Uint8Array(8 * xs.length);
  xs.forEach((x, i) => new DataView(b.buffer).setFloat64(8 * i, x, true));
  return b;
}
function i64le(...xs: bigint[]): Uint8Array {
  const b = new Uint8Array(8 * xs.length);
  xs.forEach((x, i) => new DataView(b.buffer).setBigInt64(8 * i, x, true));
  return b;
}

/** A file from a header (text, raw bytes, or an object to stringify) and data; `n` overrides the length prefix. */
function file(header: string | Uint8Array | object, data: Uint8Array | number = 0, n?: number | bigint): Uint8Array {
  const h = header instanceof Uint8Array ? header : enc.encode(typeof header === "string" ? header : JSON.stringify(header));
  const d = typeof data === "number" ? new Uint8Array(data) : data;
  return u8(u64(n ?? h.length), h, d);
}

/** The header (parsed) and data of a file, split by hand. */
function split(bytes: Uint8Array): { header: Record<string, any>; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  return { header, data: new Uint8Array(bytes.subarray(8 + n)) };
}

/** A valid float64 file for the twin: 0.weight [8,4] @0..256, 0.bias [8] @256..320, 2.weight [3,8] @320..512, 2.bias [3] @512..536. */
const GOOD = safetensors.save(twin("float64", 7).stateDict());
const goodParts = () => split(GOOD);

/**
 * Asserts that `bytes` is rejected by `load` (and `read`) with `cls` and every pattern, and that
 * `model.loadStateDict(safetensors.load(bytes))` leaves a model exactly as it was.
 */
function expectBad(bytes: unknown, cls: ErrorClass, ...patterns: RegExp[]): void {
  const err = expectThrow(() => safetensors.load(bytes as Uint8Array), cls, /^safetensors\.load: /, ...patterns);
  expect(err.message).not.toMatch(/undefined|\[object/);
  expectThrow(() => safetensors.read(bytes as Uint8Array), cls, /^safetensors\.read: /, ...patterns);
  for (const model of [twin("float64", 3), twin("float32", 4)]) {
    const unchanged = snapshot(model);
    expectThrow(() => model.loadStateDict(safetensors.load(bytes as Uint8Array)), cls, /^safetensors\.load: /);
    unchanged();
  }
}

/** Normalizes a state dict's values for comparison: −0 as "-0", everything else as is. */
function normal(sd: StateDict): Record<string, { shape: number[]; dtype: string; data: (number | string)[] }> {
  const out: Record<string, { shape: number[]; dtype: string; data: (number | string)[] }> = {};
  for (const [k, v] of Object.entries(sd)) {
    out[k] = { shape: [...v.shape], dtype: v.dtype, data: v.data.map((x) => (Object.is(x, -0) ? "-0" : x)) };
  }
  return out;
}

function expectSameState(a: StateDict, b: StateDict): void {
  const na = normal(a);
  const nb = normal(b);
  expect(Object.keys(nb).sort()).toEqual(Object.keys(na).sort());
  for (const k of Object.keys(na)) {
    expect(nb[k].shape, k).toEqual(na[k].shape);
    expect(nb[k].dtype, k).toBe(na[k].dtype);
    expect(nb[k].data.length, k).toBe(na[k].data.length);
    na[k].data.forEach((x, i) => expect(Object.is(nb[k].data[i], x), `${k}[${i}]: ${nb[k].data[i]} vs ${x}`).toBe(true));
  }
}

// ——————————————————————————————————————— layout ———————————————————————————————————————

describe("safetensors: the byte layout", () => {
  it("a small known file, byte for byte (hand-computed header: __metadata__ first, F64 before F32, space padding)", () => {
    const bytes = safetensors.save(
      {
        w: { shape: [2], dtype: "float32", data: [1, "-0"] },
        b: { shape: [], dtype: "float64", data: [0.5] },
      },
      { format: "pt" },
    );
    // 32 + 53 + 53 = 138 characters, padded with 6 spaces to 144, a multiple of 8.
    const header =
      '{"__metadata__":{"format":"pt"},' +
      '"b":{"dtype":"F64","shape":[],"data_offsets":[0,8]},' +
      '"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}';
    expect(header.length).toBe(138);
    const expected = [
      ...[144, 0, 0, 0, 0, 0, 0, 0],
      ...Array.from(header, (c) => c.charCodeAt(0)),
      ...[32, 32, 32, 32, 32, 32],
      ...[0, 0, 0, 0, 0, 0, 0xe0, 0x3f], // 0.5 as a little-endian double
      ...[0, 0, 0x80, 0x3f], // 1 as a little-endian float
      ...[0, 0, 0, 0x80], // −0 as a little-endian float: only the sign bit
    ];
    expect(Array.from(bytes)).toEqual(expected);
    expect(bytes.length).toBe(168);
    const back = safetensors.read(bytes);
    expect(back.metadata).toEqual({ format: "pt" });
    expectSameState(back.state, {
      w: { shape: [2], dtype: "float32", data: [1, "-0"] },
      b: { shape: [], dtype: "float64", data: [0.5] },
    });
  });

  it("the reference implementation's layouts: an empty file, metadata only, one F32 [1,2,3] tensor", () => {
    expect(Array.from(safetensors.save({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, ...enc.encode("{}      ")]);
    const meta = '{"__metadata__":{"framework":"pt"}}'; // 35 characters → 40
    expect(Array.from(safetensors.save({}, { framework: "pt" }))).toEqual([
      40,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...enc.encode(`${meta}     `),
    ]);
    const one = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'; // 64 characters, no padding
    expect(one.length).toBe(64);
    const bytes = safetensors.save({ "attn.0": { shape: [1, 2, 3], dtype: "float32", data: [0, 1, 2, 3, 4, 5] } });
    expect(Array.from(bytes)).toEqual(Array.from(u8(u64(64), enc.encode(one), f32le(0, 1, 2, 3, 4, 5))));
    expect(safetensors.load(safetensors.save({}))).toEqual({});
    expect(safetensors.read(safetensors.save({})).metadata).toEqual({});
  });

  it("the state dict's key order (Object.keys: integer-like names first) is kept within each dtype, the header is a multiple of 8 and every tensor aligned", () => {
    const sd: StateDict = {
      z: { shape: [3], dtype: "float32", data: [1, 2, 3] },
      "10": { shape: [1], dtype: "float64", data: [4] },
      a: { shape: [1], dtype: "float32", data: [5] },
      "2": { shape: [2], dtype: "float64", data: [6, 7] },
    };
    const bytes = safetensors.save(sd);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    // The object holds "2" and "10" first (integer-like keys), then "z" and "a": that order, F64 before F32.
    expect(Object.keys(sd)).toEqual(["2", "10", "z", "a"]);
    expect(text.trimEnd()).toBe(
      '{"2":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"10":{"dtype":"F64","shape":[1],"data_offsets":[16,24]},' +
        '"z":{"dtype":"F32","shape":[3],"data_offsets":[24,36]},"a":{"dtype":"F32","shape":[1],"data_offsets":[36,40]}}',
    );
    expect(bytes.length).toBe(8 + n + 40);
    expectSameState(safetensors.load(bytes), sd);
  });

  it("names and metadata with non-ASCII text are UTF-8 in the header", () => {
    const bytes = safetensors.save({ "poids.é→𝑤": { shape: [1], dtype: "float64", data: [1] } }, { clé: "valeur ✓" });
    expect(new TextDecoder().decode(bytes)).toContain('"poids.é→𝑤"');
    const back = safetensors.read(bytes);
    expect(Object.keys(back.state)).toEqual(["poids.é→𝑤"]);
    expect(back.metadata).toEqual({ clé: "valeur ✓" });
  });
});

// ——————————————————————————————————————— round trips ———————————————————————————————————————

describe("safetensors: exact round trips", () => {
  const specials64 = [-0, 0, Number.NaN, Infinity, -Infinity, 5e-324, -5e-324, 2.2250738585072009e-308, Number.MAX_VALUE, -1.5];
  const specials32 = [
    -0,
    0,
    Number.NaN,
    Infinity,
    -Infinity,
    1.401298464324817e-45,
    -1.1754942106924411e-38,
    3.4028234663852886e38,
    0.1,
  ];

  it("−0, NaN, ±Infinity and subnormals, bit for bit, in both dtypes (and the bytes are IEEE 754 little-endian)", () => {
    const sd: StateDict = {
      d: { shape: [specials64.length], dtype: "float64", data: specials64.map((x) => (Object.is(x, -0) ? "-0" : x)) },
      f: { shape: [specials32.length], dtype: "float32", data: specials32.map((x) => Math.fround(x)) },
    };
    const bytes = safetensors.save(sd);
    const back = safetensors.load(bytes);
    expectSameState(back, sd);
    const { data } = split(bytes);
    expect(Array.from(data.subarray(0, 8 * specials64.length))).toEqual(Array.from(f64le(...specials64)));
    expect(Array.from(data.subarray(8 * specials64.length))).toEqual(Array.from(f32le(...specials32)));
    expect(Array.from(data.subarray(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0x80]);
    // Saving what was loaded gives the same bytes.
    expect(Array.from(safetensors.save(back))).toEqual(Array.from(bytes));
  });

  const name = fc
    .string({ unit: "binary", maxLength: 12 })
    .filter((s) => !["__proto__", "constructor", "prototype", "__metadata__"].includes(s));
  const tensorState = fc
    .record({
      dtype: fc.constantFrom<DType>("float32", "float64"),
      shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
    })
    .chain(({ dtype, shape }) => {
      const count = shape.reduce((a, b) => a * b, 1);
      const value = dtype === "float32" ? fc.float() : fc.double();
      return fc
        .array(value, { minLength: count, maxLength: count })
        .map((data) => ({ shape, dtype, data: data.map((x) => (Object.is(x, -0) ? "-0" : x)) as (number | "-0")[] }));
    });
  const stateDict = fc
    .uniqueArray(fc.tuple(name, tensorState), { selector: ([k]) => k, maxLength: 6 })
    .map((entries) => Object.fromEntries(entries) as StateDict);
  const metadata = fc.option(fc.dictionary(name, fc.string({ unit: "binary", maxLength: 16 }), { maxKeys: 3 }), {
    nil: undefined,
  });

  it("fast-check: load(save(state, metadata)) is the same state bit for bit, metadata kept; saving again gives the same bytes", () => {
    fc.assert(
      fc.property(stateDict, metadata, (sd, meta) => {
        const bytes = safetensors.save(sd, meta);
        const back = safetensors.read(bytes);
        expectSameState(back.state, sd);
        expect(back.metadata).toEqual(meta ?? {});
        expect(Array.from(safetensors.save(back.state, meta))).toEqual(Array.from(bytes));
        // Layout: header a multiple of 8, every tensor aligned to its element size, contiguous.
        const { header } = split(bytes);
        const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
        expect(n % 8).toBe(0);
        let at = 0;
        for (const [k, v] of Object.entries(header)) {
          if (k === "__metadata__") continue;
          const size = v.dtype === "F64" ? 8 : 4;
          expect(v.data_offsets[0] % size).toBe(0);
          expect(v.data_offsets[0]).toBe(at);
          at = v.data_offsets[1];
        }
        expect(bytes.length).toBe(8 + n + at);
      }),
      { numRuns: 150 },
    );
  });

  it("empty tensors ([0], [2,0,3]) and 0-d tensors round trip; empty tensors take no bytes", () => {
    const sd: StateDict = {
      e: { shape: [0], dtype: "float32", data: [] },
      e2: { shape: [2, 0, 3], dtype: "float64", data: [] },
      s: { shape: [], dtype: "float64", data: [-2.5] },
      s32: { shape: [], dtype: "float32", data: ["-0"] },
    };
    const bytes = safetensors.save(sd);
    const { header, data } = split(bytes);
    expect(header.e2.data_offsets).toEqual([0, 0]);
    expect(header.s.data_offsets).toEqual([0, 8]);
    expect(header.e.data_offsets).toEqual([8, 8]);
    expect(header.s32.data_offsets).toEqual([8, 12]);
    expect(data.length).toBe(12);
    expectSameState(safetensors.load(bytes), sd);
  });

  it("a model's state dict (float32, float64, BatchNorm buffers) through save/load gives the same model bit for bit", () => {
    for (const [make, dtype] of [
      [twin, "float32"],
      [twin, "float64"],
      [bnTwin, "float32"],
      [bnTwin, "float64"],
    ] as const) {
      const a = make(dtype, 11);
      if (make === bnTwin) {
        a.train();
        for (let i = 0; i < 2; i++)
          a.forward(
            tensor(
              Array.from({ length: 24 }, (_, j) => Math.sin(j + i)),
              { shape: [6, 4], dtype },
            ),
          );
      }
      a.eval();
      const b = make(dtype, 12);
      b.eval();
      b.loadStateDict(safetensors.load(safetensors.save(a.stateDict())));
      expectSameState(b.stateDict(), a.stateDict());
      const x = tensor(
        Array.from({ length: 12 }, (_, j) => Math.cos(j) * 2),
        { shape: [3, 4], dtype },
      );
      expect(Array.from(b.forward(x).data)).toEqual(Array.from(a.forward(x).data));
    }
  });

  it("loads from a Uint8Array at an odd byteOffset (e.g. a Node Buffer slice) and from an ArrayBuffer", () => {
    const big = new Uint8Array(GOOD.length + 5);
    big.set(GOOD, 3);
    const view = big.subarray(3, 3 + GOOD.length);
    expectSameState(safetensors.load(view), safetensors.load(GOOD));
    expectSameState(safetensors.load(GOOD.slice().buffer), safetensors.load(GOOD));
  });

  it("reads I64 and I32 into float64 exactly (±(2^53 − 1) included); -0 stays a string in the state dict", () => {
    const max = 2n ** 53n - 1n;
    const bytes = file(
      {
        a: { dtype: "I64", shape: [5], data_offsets: [0, 40] },
        b: { dtype: "I32", shape: [3], data_offsets: [40, 52] },
      },
      u8(i64le(0n, 3n, -7n, max, -max), [0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0x80, 0xfe, 0xff, 0xff, 0xff]),
    );
    const sd = safetensors.load(bytes);
    expect(sd.a).toEqual({ shape: [5], dtype: "float64", data: [0, 3, -7, 2 ** 53 - 1, -(2 ** 53 - 1)] });
    expect(sd.b).toEqual({ shape: [3], dtype: "float64", data: [2147483647, -2147483648, -2] });
  });
});

// ——————————————————————————————————————— malformed files ———————————————————————————————————————

describe("safetensors.load: malformed files are errors naming what is wrong, and change nothing", () => {
  it("the good file itself loads into the twin (so the rejections below are the file's fault)", () => {
    const m = twin("float64", 3);
    m.loadStateDict(safetensors.load(GOOD));
    expectSameState(m.stateDict(), twin("float64", 7).stateDict());
  });

  it("truncated length: fewer than 8 bytes", () => {
    expectBad(GOOD.subarray(0, 5), RangeError, /the file is 5 bytes, too short for the 8-byte header length/);
    expectBad(new Uint8Array(0), RangeError, /the file is 0 bytes/);
  });

  it("a header length past the end of the buffer", () => {
    const { data } = goodParts();
    const n = GOOD.length - 8 + 1;
    expectBad(u8(u64(n), GOOD.subarray(8)), RangeError, new RegExp(`header length ${n} runs past the end of the file`));
    expectBad(u8(u64(100), [123, 125]), RangeError, /header length 100 runs past/);
    expect(data.length).toBe(536);
  });

  it("a huge header length: above 100 MB, and above 2^32 (the high word set)", () => {
    expectBad(u8(u64(100_000_001), enc.encode("{}")), RangeError, /header length 100000001 exceeds the limit of 100000000 bytes/);
    expectBad(u8(u64(2n ** 40n), enc.encode("{}")), RangeError, /header length 1099511627776 exceeds the limit/);
    expectBad(u8(u64(2n ** 64n - 1n)), RangeError, /header length 18446744073709551615 exceeds the limit/);
  });

  it("a header that is not valid UTF-8", () => {
    expectBad(file(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), TypeError, /the header is not valid UTF-8/);
    // An overlong encoding of "/" and a lone surrogate encoded in UTF-8 (CESU) are invalid too.
    expectBad(file(new Uint8Array([0x7b, 0xc0, 0xaf, 0x7d])), TypeError, /not valid UTF-8/);
    expectBad(file(new Uint8Array([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])), TypeError, /not valid UTF-8/);
  });

  it("a header that is not JSON (cut short, bare words, NUL padding, a zero length)", () => {
    expectBad(file('{"0.weight":'), TypeError, /the header is not valid JSON/);
    expectBad(file("{not json}"), TypeError, /the header is not valid JSON/);
    expectBad(file("{}\0\0\0\0\0\0"), TypeError, /the header is not valid JSON/);
    expectBad(file(""), TypeError, /must be a JSON object starting with "\{"/);
  });

  it("a JSON header whose top level is not an object: an array, a string, null, a number; or with text before the {", () => {
    expectBad(file("[1,2]"), TypeError, /must be a JSON object starting with "\{", got "\[1,2\]"/);
    expectBad(file('"x"'), TypeError, /must be a JSON object/);
    expectBad(file("null"), TypeError, /must be a JSON object/);
    expectBad(file("42"), TypeError, /must be a JSON object/);
    expectBad(file(" {}"), TypeError, /starting with "\{"/);
    expectBad(u8(u64(5), [0xef, 0xbb, 0xbf, 0x7b, 0x7d]), TypeError, /starting with "\{"/); // a BOM
  });

  it("an entry that is not an object", () => {
    for (const v of [null, [1, 2], "F32", 3]) {
      const { header, data } = goodParts();
      header["0.bias"] = v;
      expectBad(file(header, data), TypeError, /tensor "0\.bias": expected \{ dtype, shape, data_offsets \}/);
    }
  });

  it("a missing field: dtype, shape or data_offsets", () => {
    for (const f of ["dtype", "shape", "data_offsets"]) {
      const { header, data } = goodParts();
      delete header["2.weight"][f];
      expectBad(file(header, data), TypeError, new RegExp(`tensor "2\\.weight": missing field "${f}"`));
    }
  });

  it("an extra field", () => {
    const { header, data } = goodParts();
    header["0.weight"].offsets = [0, 256];
    expectBad(
      file(header, data),
      TypeError,
      /tensor "0\.weight": unexpected field "offsets" \(expected exactly dtype, shape, data_offsets\)/,
    );
  });

  it("a wrong or unsupported dtype (F16, BF16, U8, BOOL, lower case, a PyTorch name, a number)", () => {
    for (const d of ["F16", "BF16", "U8", "BOOL", "f64", "float64"]) {
      const { header, data } = goodParts();
      header["2.bias"].dtype = d;
      expectBad(
        file(header, data),
        TypeError,
        new RegExp(`tensor "2\\.bias": dtype "${d}" is not supported \\(F32, F64, I64 and I32 are`),
      );
    }
    const { header, data } = goodParts();
    header["2.bias"].dtype = 64;
    expectBad(file(header, data), TypeError, /tensor "2\.bias": dtype must be a string, got 64/);
  });

  it("a bad shape: not an array, a negative, fractional or non-number dimension", () => {
    const cases: [unknown, ErrorClass, RegExp][] = [
      [8, TypeError, /shape must be an array, got number/],
      [[-8], RangeError, /shape\[0\] must be non-negative, got -8/],
      [[2, 4.5], TypeError, /shape\[1\] must be an integer, got 4\.5/],
      [["8"], TypeError, /shape\[0\] must be an integer, got "8"/],
      [[null], TypeError, /shape\[0\] must be an integer, got null/],
      [[1e300], TypeError, /shape\[0\] must be an integer, got 1e\+300/],
    ];
    for (const [shape, cls, re] of cases) {
      const { header, data } = goodParts();
      header["0.bias"].shape = shape;
      expectBad(file(header, data), cls, /tensor "0\.bias": /, re);
    }
  });

  it("bad data_offsets: not a pair, fractional, negative, a string, end before begin", () => {
    const cases: [unknown, ErrorClass, RegExp][] = [
      [256, TypeError, /data_offsets must be an array \[begin, end\], got 256/],
      [[256, 320, 384], TypeError, /data_offsets must be an array \[begin, end\], got \[256,320,384\]/],
      [[256], TypeError, /data_offsets must be an array/],
      [[256.5, 320], TypeError, /data_offsets begin must be an integer, got 256\.5/],
      [[256, "320"], TypeError, /data_offsets end must be an integer, got "320"/],
      [[-64, 0], RangeError, /data_offsets begin must be non-negative, got -64/],
      [[320, 256], RangeError, /data_offsets \[320,256\] end before they begin/],
    ];
    for (const [offsets, cls, re] of cases) {
      const { header, data } = goodParts();
      header["0.bias"].data_offsets = offsets;
      expectBad(file(header, data), cls, /tensor "0\.bias": /, re);
    }
  });

  it("the shape does not match the bytes (too few, too many, an overflowing shape)", () => {
    let { header, data } = goodParts();
    header["0.weight"].shape = [8, 5];
    expectBad(
      file(header, data),
      RangeError,
      /tensor "0\.weight": shape \[8,5\] of F64 needs 320 bytes but data_offsets \[0,256\] hold 256/,
    );
    ({ header, data } = goodParts());
    header["2.bias"].shape = [2];
    expectBad(
      file(header, data),
      RangeError,
      /tensor "2\.bias": shape \[2\] of F64 needs 16 bytes but data_offsets \[512,536\] hold 24/,
    );
    ({ header, data } = goodParts());
    header["2.bias"].shape = [2 ** 40, 2 ** 40, 8];
    expectBad(
      file(header, data),
      RangeError,
      /tensor "2\.bias": shape \[1099511627776,1099511627776,8\] of F64 needs more than 9007199254740991 bytes but data_offsets \[512,536\] hold 24/,
    );
    ({ header, data } = goodParts());
    header["2.bias"].dtype = "F32"; // 3 values of 4 bytes = 12, but 24 bytes are given
    expectBad(
      file(header, data),
      RangeError,
      /tensor "2\.bias": shape \[3\] of F32 needs 12 bytes but data_offsets \[512,536\] hold 24/,
    );
  });

  it("offsets out of range: a truncated file, and offsets beyond the data", () => {
    expectBad(
      GOOD.subarray(0, GOOD.length - 8),
      RangeError,
      /tensor "2\.bias": data_offsets \[512,536\] run past the end of the data \(528 bytes/,
    );
    const { header, data } = goodParts();
    header["2.bias"].data_offsets = [2 ** 50, 2 ** 50 + 24];
    expectBad(
      file(header, data),
      RangeError,
      /tensor "2\.bias": data_offsets \[1125899906842624,1125899906842648\] run past the end/,
    );
  });

  it("overlapping tensors", () => {
    const { header, data } = goodParts();
    header["0.bias"].data_offsets = [192, 256]; // inside 0.weight's [0,256]
    expectBad(
      file(header, data),
      RangeError,
      /tensor "0\.bias": data_offsets \[192,256\] overlap tensor "0\.weight"'s \[0,256\]/,
    );
    // Two tensors on exactly the same bytes (an alias) overlap too.
    const alias = file(
      {
        a: { dtype: "F64", shape: [2], data_offsets: [0, 16] },
        b: { dtype: "F64", shape: [2], data_offsets: [0, 16] },
      },
      16,
    );
    expectBad(alias, RangeError, /data_offsets \[0,16\] overlap tensor "[ab]"'s \[0,16\]/);
  });

  it("gaps: bytes before the first tensor, between two, or after the last belong to no tensor", () => {
    let { header, data } = goodParts();
    for (const k of Object.keys(header)) header[k].data_offsets = header[k].data_offsets.map((o: number) => o + 8);
    expectBad(
      file(header, u8(new Uint8Array(8), data)),
      RangeError,
      /tensor "0\.weight": data_offsets \[8,264\] leave a gap: bytes 0\.\.8 of the data belong to no tensor/,
    );
    ({ header, data } = goodParts());
    header["2.weight"].data_offsets = [328, 520];
    header["2.bias"].data_offsets = [520, 544];
    expectBad(
      file(header, u8(data, new Uint8Array(8))),
      RangeError,
      /tensor "2\.weight": data_offsets \[328,520\] leave a gap: bytes 320\.\.328/,
    );
    expectBad(
      u8(GOOD, new Uint8Array(8)),
      RangeError,
      /the tensors cover 536 of the 544 data bytes: bytes 536\.\.544 belong to no tensor/,
    );
    expectBad(file("{}", 4), RangeError, /the tensors cover 0 of the 4 data bytes/);
  });

  it("__proto__, constructor and prototype as names (in the header or in __metadata__) are rejected; Object.prototype stays clean", () => {
    for (const bad of ["__proto__", "constructor", "prototype"]) {
      const entry = `{"dtype":"F64","shape":[1],"data_offsets":[0,8]}`;
      expectBad(
        file(`{"${bad}":${entry}}`, 8),
        TypeError,
        new RegExp(`tensor name "${bad}" is not allowed \\(it could pollute object prototypes\\)`),
      );
      expectBad(
        file(`{"__metadata__":{"${bad}":"x"},"a":${entry}}`, 8),
        TypeError,
        new RegExp(`__metadata__ key "${bad}" is not allowed`),
      );
    }
    // Written with an escape, it is still the same name.
    expectBad(
      file('{"\\u005f_proto__":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}', 8),
      TypeError,
      /"__proto__" is not allowed/,
    );
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("dtype");
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });

  it("a key repeated in the header or in an entry (parsers disagree which one wins)", () => {
    const e = `{"dtype":"F64","shape":[1],"data_offsets":[0,8]}`;
    expectBad(file(`{"a":${e},"a":${e}}`, 8), TypeError, /the header repeats the key "a"/);
    expectBad(
      file(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8],"dtype":"F32"}}`, 8),
      TypeError,
      /repeats the key "dtype"/,
    );
    expectBad(file(`{"__metadata__":{"k":"1","k":"2"},"a":${e}}`, 8), TypeError, /repeats the key "k"/);
    // The same text as a value, or keys that differ only after unescaping, are caught rightly.
    expectBad(file(`{"a":${e},"\\u0061":${e}}`, 8), TypeError, /repeats the key "a"/);
    expect(safetensors.read(file(`{"__metadata__":{"a":"a","b":"a:"},"a":${e}}`, 8)).metadata).toEqual({ a: "a", b: "a:" });
  });

  it("__metadata__ that is not an object of strings", () => {
    const e = `"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}`;
    const cases: [string, RegExp][] = [
      ['{"v":1}', /__metadata__ "v" must be a string, got 1/],
      ['{"v":null}', /__metadata__ "v" must be a string, got null/],
      ['{"v":{"w":"x"}}', /__metadata__ "v" must be a string, got \{"w":"x"\}/],
      ['{"v":["x"]}', /__metadata__ "v" must be a string, got \["x"\]/],
      ['["x"]', /"__metadata__" must be an object of strings, got an array/],
      ['"x"', /"__metadata__" must be an object of strings, got string/],
      ["null", /"__metadata__" must be an object of strings, got null/],
    ];
    for (const [meta, re] of cases) expectBad(file(`{"__metadata__":${meta},${e}}`, 8), TypeError, re);
  });

  it("names or metadata that are not well-formed Unicode (a lone surrogate, written as an escape)", () => {
    const e = `{"dtype":"F64","shape":[1],"data_offsets":[0,8]}`;
    expectBad(file(`{"a\\ud800":${e}}`, 8), TypeError, /tensor name "a\\ud800" is not well-formed Unicode/);
    expectBad(file(`{"__metadata__":{"k":"\\udc00"},"a":${e}}`, 8), TypeError, /__metadata__ "k" is not well-formed Unicode/);
  });

  it("I64 values of magnitude 2^53 or more (no exact float64)", () => {
    for (const v of [2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)]) {
      const bytes = file({ "1.num_batches_tracked": { dtype: "I64", shape: [], data_offsets: [0, 8] } }, i64le(v));
      expectBad(
        bytes,
        RangeError,
        new RegExp(`tensor "1\\.num_batches_tracked": I64 value 0 \\(${v}\\) has magnitude 2\\^53 or more`),
      );
    }
  });

  it("not bytes: a string, an array, null, a Float32Array", () => {
    expectBad("{}", TypeError, /expected the file's bytes as a Uint8Array or ArrayBuffer, got string/);
    expectBad([8, 0, 0, 0, 0, 0, 0, 0], TypeError, /got an array/);
    expectBad(null, TypeError, /got null/);
    expectBad(new Float32Array(4), TypeError, /got Float32Array/);
  });

  it("a file that parses but does not fit the model is loadStateDict's error, and changes nothing", () => {
    const m = twin("float64", 3);
    const unchanged = snapshot(m);
    const other = safetensors.save(bnTwin("float64", 2).stateDict());
    expectThrow(() => m.loadStateDict(safetensors.load(other)), RangeError, /^loadStateDict: (missing|unexpected) key/);
    const nan = safetensors.save({
      ...twin("float64", 5).stateDict(),
      "2.bias": { shape: [3], dtype: "float64", data: [0, Number.NaN, 1] },
    });
    expectThrow(
      () => m.loadStateDict(safetensors.load(nan)),
      RangeError,
      /^loadStateDict: key "2\.bias": value 1 is NaN, not finite/,
    );
    unchanged();
  });
});

// ——————————————————————————————————————— save's errors ———————————————————————————————————————

describe("safetensors.save: a malformed state dict or metadata is an error naming the key", () => {
  const ok = (): StateDict => ({ a: { shape: [2], dtype: "float64", data: [1, 2] } });
  it("not a plain object, a bad entry, a bad dtype, shape or data, a non-float32 value in a float32 tensor", () => {
    expectThrow(() => safetensors.save(null as unknown as StateDict), TypeError, /^safetensors\.save: expected a state dict/);
    expectThrow(() => safetensors.save([] as unknown as StateDict), TypeError, /got an array/);
    const bad = (patch: object) => ({ a: { ...ok().a, ...patch } }) as StateDict;
    expectThrow(
      () => safetensors.save(bad({ dtype: "int32" })),
      TypeError,
      /tensor "a": dtype must be "float32" or "float64", got "int32"/,
    );
    expectThrow(() => safetensors.save(bad({ shape: [3] })), RangeError, /tensor "a": data has 2 values but shape \[3\] needs 3/);
    expectThrow(() => safetensors.save(bad({ shape: [-2] })), RangeError, /tensor "a": shape\[0\] must be non-negative/);
    expectThrow(() => safetensors.save(bad({ data: [1, "x"] })), TypeError, /tensor "a": value 1 is not a number \("x"\)/);
    expectThrow(() => safetensors.save(bad({ extra: 1 })), TypeError, /tensor "a": unexpected field "extra"/);
    expectThrow(
      () => safetensors.save(bad({ dtype: "float32", data: [1, 0.1] })),
      RangeError,
      /tensor "a": value 1 \(0\.1\) is not a float32 value/,
    );
  });
  it("reserved or dangerous names, and metadata that is not strings", () => {
    expectThrow(() => safetensors.save({ __metadata__: ok().a }), TypeError, /"__metadata__" is reserved/);
    expectThrow(
      () => safetensors.save(JSON.parse(`{"__proto__":${JSON.stringify(ok().a)}}`)),
      TypeError,
      /"__proto__" is not allowed/,
    );
    expectThrow(() => safetensors.save({ "\ud800": ok().a }), TypeError, /not well-formed Unicode/);
    expectThrow(
      () => safetensors.save(ok(), { v: 1 } as unknown as Record<string, string>),
      TypeError,
      /metadata "v" must be a string, got 1/,
    );
    expectThrow(
      () => safetensors.save(ok(), [] as unknown as Record<string, string>),
      TypeError,
      /metadata must be a plain object/,
    );
  });
});

// ——————————————————————————————————————— PyTorch ———————————————————————————————————————

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

describe("files written from PyTorch (test/fixtures/torch-*.safetensors, by scripts/torch-safetensors.py) load into the actigrad twin and give PyTorch's outputs", () => {
  const cases = [
    { file: "torch-mlp-f32.safetensors", make: twin, dtype: "float32", tol: 2e-6 },
    { file: "torch-mlp-f64.safetensors", make: twin, dtype: "float64", tol: 1e-13 },
    { file: "torch-bn-f32.safetensors", make: bnTwin, dtype: "float32", tol: 1e-5 },
  ] as const;
  for (const c of cases) {
    it(`${c.file}: ${c.make === twin ? "Linear(4, 8), Tanh, Linear(8, 3)" : "Linear, BatchNorm1d (int64 num_batches_tracked), Tanh, Linear"} in ${c.dtype}`, () => {
      const bytes = readFileSync(join(FIXTURES, c.file));
      const { state, metadata } = safetensors.read(bytes);
      expect(metadata.format).toBe("pt");
      const model = c.make(c.dtype, 99);
      model.loadStateDict(state);
      model.eval();
      const x = tensor(JSON.parse(metadata.input), { shape: JSON.parse(metadata.input_shape), dtype: c.dtype });
      const y = Array.from(model.forward(x).data);
      const want = JSON.parse(metadata.output) as number[];
      expect(y.length).toBe(want.length);
      const worst = Math.max(...y.map((v, i) => Math.abs(v - want[i])));
      expect(worst, `max |actigrad − PyTorch| = ${worst}`).toBeLessThanOrEqual(c.tol);
      for (const [k, t] of Object.entries(state)) {
        expect(t.dtype, k).toBe(k.endsWith("num_batches_tracked") ? "float64" : c.dtype);
      }
      if (c.make === bnTwin) {
        expect(state["1.num_batches_tracked"]).toEqual({ shape: [], dtype: "float64", data: [3] });
        expect(split(bytes).header["1.num_batches_tracked"].dtype).toBe("I64");
      }
      // The values are the file's bytes, read directly.
      const { header, data } = split(bytes);
      const w = header["0.weight"];
      const raw = data.slice(w.data_offsets[0], w.data_offsets[1]).buffer;
      const direct = c.dtype === "float32" ? new Float32Array(raw) : new Float64Array(raw);
      expect(state["0.weight"].data).toEqual(Array.from(direct, (v) => (Object.is(v, -0) ? "-0" : v)));
    });
  }
});

const PY = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("../scripts/torch-safetensors.py", import.meta.url));
// Probed without importing torch (find_spec is fast); the check itself imports it.
const hasTorch =
  existsSync(PY) &&
  spawnSync(PY, ["-c", "import importlib.util as u, sys; sys.exit(not (u.find_spec('torch') and u.find_spec('numpy')))"], {
    timeout: 60_000,
  }).status === 0;

// Skipped (not failed) where /usr/bin/python3 has no torch: `apt-get install python3-torch` to run it.
describe.skipIf(!hasTorch)(
  "files actigrad writes, read by PyTorch (scripts/torch-safetensors.py check; needs /usr/bin/python3 with torch)",
  () => {
    const dir = mkdtempSync(join(tmpdir(), "actigrad-safetensors-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("an independent reader checks the layout and every value bit for bit, and the PyTorch twin's outputs match actigrad's", () => {
      const input = Array.from({ length: 20 }, (_, j) => Math.fround(Math.sin(1.3 * j) * 2));
      const cases: object[] = [];
      const add = (name: string, kind: "mlp" | "bn" | "raw", dtype: DType, state: StateDict, output: number[] = []) => {
        const path = join(dir, name);
        writeFileSync(path, safetensors.save(state, { format: "pt", writer: "actigrad" }));
        cases.push({ file: path, kind, dtype, state, input, inputShape: [5, 4], output });
      };
      for (const dtype of ["float32", "float64"] as const) {
        const m = twin(dtype, 21);
        m.eval();
        add(
          `mlp-${dtype}.safetensors`,
          "mlp",
          dtype,
          m.stateDict(),
          Array.from(m.forward(tensor(input, { shape: [5, 4], dtype })).data),
        );
      }
      const bn = bnTwin("float32", 22);
      bn.train();
      for (let i = 0; i < 3; i++)
        bn.forward(
          tensor(
            Array.from({ length: 24 }, (_, j) => Math.cos(j * 0.7 + i) * 1.5),
            { shape: [6, 4], dtype: "float32" },
          ),
        );
      bn.eval();
      add(
        "bn-float32.safetensors",
        "bn",
        "float32",
        bn.stateDict(),
        Array.from(bn.forward(tensor(input, { shape: [5, 4], dtype: "float32" })).data),
      );
      add("specials.safetensors", "raw", "float64", {
        d: {
          shape: [2, 5],
          dtype: "float64",
          data: ["-0", 0, Number.NaN, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, 1 / 3, -1e-310],
        },
        f: {
          shape: [6],
          dtype: "float32",
          data: ["-0", Number.NaN, Infinity, -Infinity, Math.fround(1e-45), Math.fround(1 / 3)],
        },
        e: { shape: [0, 3], dtype: "float32", data: [] },
        s: { shape: [], dtype: "float64", data: [42] },
      });
      const manifest = join(dir, "manifest.json");
      writeFileSync(
        manifest,
        JSON.stringify({ cases }, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)),
      );
      const run = spawnSync(PY, [SCRIPT, "check", manifest], { encoding: "utf8", timeout: 120_000 });
      const report = JSON.parse(run.stdout || "{}");
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(report.ok).toBe(true);
      expect(report.cases.map((c: { file: string; ok: boolean }) => [c.file, c.ok])).toEqual([
        ["mlp-float32.safetensors", true],
        ["mlp-float64.safetensors", true],
        ["bn-float32.safetensors", true],
        ["specials.safetensors", true],
      ]);
      expect(report.cases[2].num_batches_tracked).toBe(3);
      for (const c of report.cases.slice(0, 3)) expect(c.maxAbsDiff).toBeLessThanOrEqual(c.tol);
    });
  },
);
