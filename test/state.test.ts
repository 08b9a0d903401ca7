/**
 * State dicts: JSON-safe, an exact (bitwise) round trip through JSON in float64 and float32,
 * −0 kept; and loadStateDict rejecting every kind of bad state, naming the key, without
 * touching the model or Object.prototype.
 */
import { describe, expect, it } from "vitest";
import { manualSeed, nn, optim, tensor, type DType, type Tensor } from "../src/index.js";

function build(seed: number, dtype: DType = "float64"): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(
    new nn.Linear(3, 5, { dtype }),
    new nn.Tanh(),
    new nn.Maxout(5, 4, 2, { dtype }),
    new nn.Linear(4, 2, { dtype }),
  );
}
const KEYS = ["0.weight", "0.bias", "2.linear.weight", "2.linear.bias", "3.weight", "3.bias"];
const LAST = "3.bias";

/** The raw bytes of a tensor's values. */
function bytes(t: Tensor): number[] {
  return Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

/** Asserts a and b hold the same values bit for bit (so −0 ≠ 0, and NaN payloads count). */
function expectSameBits(a: Tensor, b: Tensor, what = ""): void {
  expect(b.dtype, what).toBe(a.dtype);
  expect([...b.shape], what).toEqual([...a.shape]);
  expect(bytes(b), what).toEqual(bytes(a));
  for (let i = 0; i < a.size; i++)
    expect(Object.is(a.data[i], b.data[i]), `${what}[${i}]: ${a.data[i]} vs ${b.data[i]}`).toBe(true);
}

/** Deep copies of every parameter (values and arrays); the check asserts each is unchanged bitwise, same objects. */
function snapshot(model: nn.Module): () => void {
  const params = model.parameters();
  const arrays = params.map((p) => p.data);
  const copies = params.map((p) => tensor(p));
  return () => {
    const now = model.parameters();
    expect(now.length).toBe(params.length);
    now.forEach((p, i) => {
      expect(p).toBe(params[i]);
      expect(p.data).toBe(arrays[i]);
      expectSameBits(copies[i], p, KEYS[i]);
    });
  };
}

function viaJson<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const protoNames = Object.getOwnPropertyNames(Object.prototype).sort();
function expectPrototypeClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames);
  const probe = {} as Record<string, unknown>;
  for (const k of ["polluted", "shape", "dtype", "data", ...KEYS]) expect(probe[k], k).toBeUndefined();
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
}

describe("stateDict", () => {
  it("is a plain JSON-safe object, equal to itself after JSON, and a copy", () => {
    const model = build(0);
    const sd = model.stateDict();
    expect(Object.keys(sd)).toEqual(KEYS);
    expect(Object.getPrototypeOf(sd)).toBe(Object.prototype);
    for (const k of KEYS) {
      const e = sd[k];
      expect(Object.keys(e).sort()).toEqual(["data", "dtype", "shape"]);
      expect(Array.isArray(e.shape) && Array.isArray(e.data)).toBe(true);
      expect(e.dtype).toBe("float64");
      expect(e.data.every((v) => (typeof v === "number" && Number.isFinite(v)) || v === "-0")).toBe(true);
    }
    expect(sd["2.linear.weight"].shape).toEqual([8, 5]);
    expect(viaJson(sd)).toStrictEqual(sd);
    // mutating the dict does not reach the model
    const before = model.parameters()[0].data[0];
    (sd["0.weight"].data as number[])[0] = 123;
    (sd["0.weight"].shape as number[])[0] = 99;
    expect(model.parameters()[0].data[0]).toBe(before);
    expect(model.parameters()[0].shape).toEqual([5, 3]);
  });

  for (const dtype of ["float64", "float32"] as const) {
    it(`${dtype}: JSON round trip into a model with another seed reproduces every parameter bit for bit`, () => {
      const a = build(0, dtype);
      // awkward values: −0, the smallest subnormal, the largest finite, 17-digit decimals
      const w = a.parameters()[0].data;
      const special =
        dtype === "float64"
          ? [-0, 5e-324, -Number.MAX_VALUE, 0.1 + 0.2, Math.PI / 3, 1 / 3]
          : [
              -0,
              Math.fround(1e-45),
              -Math.fround(3.4028234663852886e38),
              Math.fround(0.1),
              Math.fround(Math.PI / 3),
              Math.fround(1 / 3),
            ];
      special.forEach((v, i) => (w[i] = v));
      a.parameters()[1].data[2] = -0; // a bias too
      const b = build(1, dtype);
      expect(bytes(b.parameters()[0])).not.toEqual(bytes(a.parameters()[0]));
      const bParams = b.parameters();
      const bArrays = bParams.map((p) => p.data);

      const text = JSON.stringify(a.stateDict());
      b.loadStateDict(JSON.parse(text));

      a.parameters().forEach((p, i) => expectSameBits(p, b.parameters()[i], KEYS[i]));
      // loaded in place: same tensors and arrays (an optimizer holding them sees the new values)
      b.parameters().forEach((p, i) => {
        expect(p).toBe(bParams[i]);
        expect(p.data).toBe(bArrays[i]);
        expect(p.dtype).toBe(dtype);
        expect(p.requiresGrad).toBe(true);
      });
      expect(Object.is(b.parameters()[0].data[0], -0)).toBe(true);
      expect(Object.is(b.parameters()[1].data[2], -0)).toBe(true);
      // and the loaded model computes exactly what the original does
      const x = tensor(
        [
          [0.3, -1.2, 2],
          [1, 0, -0.5],
        ],
        { dtype },
      );
      expect(bytes(b.forward(x))).toEqual(bytes(a.forward(x)));
      // saving again gives the same text
      expect(JSON.stringify(b.stateDict())).toBe(text);
    });
  }

  it("−0 survives the round trip (JSON.stringify alone would turn it into 0)", () => {
    expect(JSON.stringify(-0)).toBe("0"); // why this needs care
    const a = build(0);
    a.parameters().forEach((p) => p.data.fill(-0));
    const b = build(1);
    b.loadStateDict(viaJson(a.stateDict()));
    for (const p of b.parameters()) for (const v of p.data) expect(Object.is(v, -0)).toBe(true);
    // and +0 stays +0
    a.parameters().forEach((p) => p.data.fill(0));
    b.loadStateDict(viaJson(a.stateDict()));
    for (const p of b.parameters()) for (const v of p.data) expect(Object.is(v, 0)).toBe(true);
  });

  it("training after a load continues from the loaded values", () => {
    const a = build(0);
    const b = build(1);
    b.loadStateDict(viaJson(a.stateDict()));
    const x = tensor([[0.3, -1.2, 2]]);
    for (const m of [a, b]) {
      const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
      nn.crossEntropy(m.forward(x), [1]).backward();
      opt.step();
    }
    a.parameters().forEach((p, i) => expectSameBits(p, b.parameters()[i], KEYS[i]));
  });
});

describe("loadStateDict rejects bad states, naming the key, changing nothing", () => {
  /** A good state (from another seed, so a partial write would show) as plain JSON data. */
  const good = () => viaJson(build(0).stateDict()) as Record<string, { shape: unknown; dtype: unknown; data: unknown[] }>;

  function expectRejected(state: unknown, cls: typeof TypeError | typeof RangeError | null, ...patterns: RegExp[]): void {
    const model = build(1);
    const unchanged = snapshot(model);
    let err: unknown;
    try {
      model.loadStateDict(state);
    } catch (e) {
      err = e;
    }
    expect(err, "expected loadStateDict to throw").toBeInstanceOf(Error);
    if (cls) expect(err).toBeInstanceOf(cls);
    expect(err instanceof TypeError || err instanceof RangeError).toBe(true);
    const msg = (err as Error).message;
    expect(msg).toMatch(/loadStateDict/);
    for (const p of patterns) expect(msg).toMatch(p);
    unchanged();
    expectPrototypeClean();
    // the model still accepts a good state afterwards
    model.loadStateDict(good());
  }

  const key = (k: string) => new RegExp(escapeRe(k));

  it("a missing key", () => {
    const s = good();
    delete s[LAST];
    expectRejected(s, RangeError, /missing/, key(LAST));
    const s2 = good();
    delete s2["0.weight"];
    expectRejected(s2, RangeError, /missing/, key("0.weight"));
  });

  it("an extra key", () => {
    const s = good();
    s["4.weight"] = { shape: [2], dtype: "float64", data: [1, 2] };
    expectRejected(s, RangeError, key("4.weight"));
  });

  it("a wrong shape (same number of values, and a wrong count)", () => {
    const s = good();
    s["3.weight"].shape = [4, 2]; // the model's is [2, 4]
    expectRejected(s, RangeError, key("3.weight"), /\[4,2\]/, /\[2,4\]/);
    const s2 = good();
    s2[LAST].shape = [3];
    s2[LAST].data = [1, 2, 3];
    expectRejected(s2, RangeError, key(LAST), /\[3\]/, /\[2\]/);
    const s3 = good();
    s3[LAST].shape = "2";
    expectRejected(s3, null, key(LAST));
  });

  it("the wrong number of values", () => {
    const s = good();
    s[LAST].data = [1, 2, 3];
    expectRejected(s, RangeError, key(LAST));
    const s2 = good();
    (s2[LAST] as Record<string, unknown>).data = "1,2";
    expectRejected(s2, null, key(LAST));
  });

  it('non-number values: "a", null, true, "1", [1]', () => {
    for (const bad of ["a", null, true, "1", [1], {}]) {
      const s = good();
      s[LAST].data[1] = bad;
      expectRejected(s, null, key(LAST));
    }
  });

  it("NaN, Infinity and −Infinity (built directly: JSON cannot hold them)", () => {
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const s = good();
      s[LAST].data[0] = bad;
      expectRejected(s, null, key(LAST), new RegExp(escapeRe(String(bad))));
      const s2 = good();
      s2["2.linear.weight"].data[7] = bad;
      expectRejected(s2, null, key("2.linear.weight"));
    }
  });

  it("an entry that is not { shape, dtype, data }", () => {
    for (const bad of [null, 3, "x", [1, 2]]) {
      const s = good() as Record<string, unknown>;
      s[LAST] = bad;
      expectRejected(s, null, key(LAST));
    }
    const s = good();
    (s[LAST] as Record<string, unknown>).extra = 1;
    expectRejected(s, null, key(LAST));
    const s2 = good();
    s2[LAST].dtype = "float16";
    expectRejected(s2, null, key(LAST), /float16/);
  });

  it("a __proto__ key (an own property, as JSON.parse makes it) and Object.prototype stays clean", () => {
    const text = JSON.stringify(good());
    const evil = JSON.parse(
      `{"__proto__": {"polluted": true, "shape": [2], "dtype": "float64", "data": [1, 2]}, ${text.slice(1)}`,
    ) as Record<string, unknown>;
    expect(Object.hasOwn(evil, "__proto__")).toBe(true); // the test is meaningful
    expect(Object.keys(evil)).toContain("__proto__");
    expectRejected(evil, null, /__proto__/);
    // only the __proto__ key, nothing else
    const onlyProto = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    expectRejected(onlyProto, null, /__proto__/);
    // a __proto__ entry *inside* a tensor's entry
    const inner = JSON.parse(text.replace('"3.bias":{', '"3.bias":{"__proto__":{"polluted":true},')) as unknown;
    expect(Object.hasOwn((inner as Record<string, object>)[LAST], "__proto__")).toBe(true);
    expectRejected(inner, null, key(LAST));
  });

  it("a constructor key and a prototype key", () => {
    const text = JSON.stringify(good());
    for (const k of ["constructor", "prototype"]) {
      const evil = JSON.parse(`{"${k}": {"shape": [2], "dtype": "float64", "data": [1, 2]}, ${text.slice(1)}`) as unknown;
      expect(Object.hasOwn(evil as object, k)).toBe(true);
      expectRejected(evil, null, new RegExp(k));
    }
    const withConstructorPrototype = JSON.parse(`{"constructor": {"prototype": {"polluted": true}}, ${text.slice(1)}`) as unknown;
    expectRejected(withConstructorPrototype, null, /constructor/);
  });

  it("not an object at all", () => {
    for (const bad of [null, undefined, 42, "state", [], [good()]]) expectRejected(bad, TypeError);
  });
});
