/**
 * data: seeded mini-batches, a stratified train/test split, standardisation fitted on the
 * training set, one-hot labels, and the seeded 2-D toy sets.
 */
import { describe, expect, it } from "vitest";
import { data, manualSeed, tensor, type Tensor } from "../src/index.js";

/** n samples whose features encode their index: row i = [i, −i/2]; labels i mod k (or as given). */
function indexed(n: number, labels?: number[], k = 3): data.Dataset {
  const flat: number[] = [];
  for (let i = 0; i < n; i++) flat.push(i, -i / 2);
  return { x: tensor(flat, { shape: [n, 2] }), y: Int32Array.from(labels ?? Array.from({ length: n }, (_, i) => i % k)) };
}

/** The sample indices held by a dataset built by `indexed`, checking features and labels stayed together. */
function ids(d: data.Dataset, source: data.Dataset): number[] {
  const out: number[] = [];
  for (let r = 0; r < d.x.shape[0]; r++) {
    const i = d.x.data[2 * r];
    expect(d.x.data[2 * r + 1]).toBe(-i / 2);
    expect(d.y[r]).toBe(source.y[i]);
    out.push(i);
  }
  return out;
}

function counts(y: ArrayLike<number>): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < y.length; i++) m.set(y[i], (m.get(y[i]) ?? 0) + 1);
  return m;
}

function colStats(x: Tensor): { mean: number[]; std: number[] } {
  const [n, f] = x.shape;
  const mean = new Array<number>(f).fill(0),
    std = new Array<number>(f).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j] += x.data[i * f + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) std[j] += (x.data[i * f + j] - mean[j]) ** 2 / n;
  return { mean, std: std.map(Math.sqrt) };
}

describe("batches", () => {
  it("covers every sample exactly once per epoch, with the right sizes (last one smaller)", () => {
    const d = indexed(23);
    const bs = [...data.batches(d, 5, { seed: 1 })];
    expect(bs.map((b) => b.x.shape[0])).toEqual([5, 5, 5, 5, 3]);
    expect(bs.map((b) => b.y.length)).toEqual([5, 5, 5, 5, 3]);
    bs.forEach((b) => {
      expect(b.x.shape[1]).toBe(2);
      expect(b.y).toBeInstanceOf(Int32Array);
    });
    const seen = bs.flatMap((b) => ids(b, d));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(seen).not.toEqual(Array.from({ length: 23 }, (_, i) => i)); // shuffled
    // exact multiple: no empty batch at the end
    expect([...data.batches(indexed(20), 5, { seed: 1 })].map((b) => b.y.length)).toEqual([5, 5, 5, 5]);
    // one big batch
    expect([...data.batches(d, 100, { seed: 1 })].map((b) => b.y.length)).toEqual([23]);
  });

  it("the same seed gives the same order; another seed another order; shuffle false keeps the order", () => {
    const d = indexed(30);
    const order = (opts: { seed?: number; shuffle?: boolean }) => [...data.batches(d, 7, opts)].flatMap((b) => ids(b, d));
    expect(order({ seed: 4 })).toEqual(order({ seed: 4 }));
    expect(order({ seed: 4 })).not.toEqual(order({ seed: 5 }));
    expect(order({ shuffle: false })).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // without a seed: from the global generator, reproducible with manualSeed, reshuffled each epoch
    manualSeed(0);
    const e1 = order({}),
      e2 = order({});
    manualSeed(0);
    expect(order({})).toEqual(e1);
    expect(order({})).toEqual(e2);
    expect(e2).not.toEqual(e1);
  });

  it("keeps the dtype and rejects bad arguments", () => {
    const d = { x: tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] }), y: Int32Array.from([0, 1, 0]) };
    const [b] = [...data.batches(d, 3, { shuffle: false })];
    expect(b.x.dtype).toBe("float32");
    expect(Array.from(b.x.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => [...data.batches(d, 0)]).toThrow(RangeError);
    expect(() => [...data.batches(d, 1.5)]).toThrow(/batches/);
    expect(() => [...data.batches({ x: d.x, y: Int32Array.from([0, 1]) }, 2)]).toThrow(/batches/);
    expect(() => [...data.batches({ x: tensor([1, 2, 3]), y: Int32Array.from([0, 1, 0]) }, 2)]).toThrow(/batches/);
  });
});

describe("trainTestSplit", () => {
  // unbalanced: 40 of class 0, 20 of class 1, 12 of class 2, interleaved
  const labels = [...Array(40).fill(0), ...Array(20).fill(1), ...Array(12).fill(2)];
  for (let i = labels.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [labels[i], labels[j]] = [labels[j], labels[i]];
  }
  const d = indexed(labels.length, labels);

  it("is stratified, disjoint and covers everything", () => {
    const { train, test } = data.trainTestSplit(d, { testFraction: 0.25, seed: 3 });
    const tr = ids(train, d),
      te = ids(test, d);
    expect(tr.length + te.length).toBe(72);
    expect(new Set([...tr, ...te]).size).toBe(72);
    expect(tr.filter((i) => te.includes(i))).toEqual([]);
    // per-class: 25% of 40, 20, 12 → 10, 5, 3 in the test set
    const c = counts(test.y);
    expect([c.get(0), c.get(1), c.get(2)]).toEqual([10, 5, 3]);
    const ct = counts(train.y);
    expect([ct.get(0), ct.get(1), ct.get(2)]).toEqual([30, 15, 9]);
    expect(train.x.shape).toEqual([54, 2]);
    expect(test.x.shape).toEqual([18, 2]);
    // another fraction
    const s2 = data.trainTestSplit(d, { testFraction: 0.5, seed: 3 });
    const c2 = counts(s2.test.y);
    expect([c2.get(0), c2.get(1), c2.get(2)]).toEqual([20, 10, 6]);
  });

  it("same seed → same split; another seed → another split", () => {
    const a = data.trainTestSplit(d, { seed: 9 }),
      b = data.trainTestSplit(d, { seed: 9 }),
      c = data.trainTestSplit(d, { seed: 10 });
    expect(ids(a.test, d)).toEqual(ids(b.test, d));
    expect(ids(a.train, d)).toEqual(ids(b.train, d));
    expect(ids(a.test, d)).not.toEqual(ids(c.test, d));
    manualSeed(2);
    const g1 = ids(data.trainTestSplit(d).test, d);
    manualSeed(2);
    expect(ids(data.trainTestSplit(d).test, d)).toEqual(g1);
  });

  it("stratify false takes a plain fraction; bad fractions are rejected", () => {
    const { train, test } = data.trainTestSplit(d, { testFraction: 0.25, stratify: false, seed: 1 });
    expect(test.y.length).toBe(18);
    expect(new Set([...ids(train, d), ...ids(test, d)]).size).toBe(72);
    for (const f of [0, 1, 1.5, -0.2, Number.NaN])
      expect(() => data.trainTestSplit(d, { testFraction: f })).toThrow(/trainTestSplit/);
  });
});

describe("Standardizer", () => {
  it("gives mean ≈ 0, std ≈ 1 on the training set and uses the training statistics on the test set", () => {
    const { train, test } = data.trainTestSplit(data.blobs({ n: 150, seed: 4 }), { seed: 4 });
    const raw = colStats(train.x);
    expect(Math.abs(raw.mean[1])).toBeGreaterThan(0.05); // not already standard
    const s = new data.Standardizer().fit(train.x);
    s.mean.forEach((m, j) => expect(m).toBeCloseTo(raw.mean[j], 12));
    s.std.forEach((v, j) => expect(v).toBeCloseTo(raw.std[j], 12));
    const zt = colStats(s.transform(train.x));
    zt.mean.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-12));
    zt.std.forEach((v) => expect(v).toBeCloseTo(1, 12));
    // test set: (x − train mean) / train std, element by element
    const ztest = s.transform(test.x);
    expect(ztest.shape).toEqual(test.x.shape);
    for (let i = 0; i < test.x.shape[0]; i++) {
      for (let j = 0; j < 2; j++)
        expect(ztest.data[i * 2 + j]).toBeCloseTo((test.x.data[i * 2 + j] - raw.mean[j]) / raw.std[j], 12);
    }
    // which is not the test set's own standardisation
    const own = colStats(ztest);
    expect(Math.max(...own.mean.map(Math.abs))).toBeGreaterThan(1e-6);
  });

  it("leaves a constant feature centred, keeps the input untouched, rejects a wrong width", () => {
    const x = tensor([
      [1, 5],
      [2, 5],
      [3, 5],
    ]);
    const before = Array.from(x.data);
    const z = new data.Standardizer().fit(x).transform(x);
    const sd = Math.sqrt(2 / 3);
    // column 0: mean 2, population std √(2/3); column 1 constant: centred to 0, not divided by 0
    [-1 / sd, 0, 0, 0, 1 / sd, 0].forEach((v, i) => expect(z.data[i]).toBeCloseTo(v, 14));
    expect(Array.from(z.data).every(Number.isFinite)).toBe(true);
    expect(Array.from(x.data)).toEqual(before);
    const s = new data.Standardizer().fit(x);
    expect(() => s.transform(tensor([[1, 2, 3]]))).toThrow(/Standardizer/);
  });
});

describe("oneHot", () => {
  it("puts a 1 at each label", () => {
    const t = data.oneHot([2, 0, 1, 2], 3);
    expect(t.shape).toEqual([4, 3]);
    expect(t.toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(data.oneHot(Int32Array.from([1]), 2, { dtype: "float32" }).dtype).toBe("float32");
    expect(data.oneHot([], 4).shape).toEqual([0, 4]);
  });

  it("rejects bad labels and class counts", () => {
    for (const bad of [3, -1, 1.5, Number.NaN]) expect(() => data.oneHot([0, bad], 3)).toThrow(RangeError);
    expect(() => data.oneHot([0, 3], 3)).toThrow(/oneHot.*3/);
    expect(() => data.oneHot([0], 0)).toThrow(/oneHot/);
    expect(() => data.oneHot([0], 2.5)).toThrow(/oneHot/);
  });
});

describe("toy data sets", () => {
  const gens: [string, (o: data.ToyOptions) => data.Dataset, number][] = [
    ["moons", (o) => data.moons(o), 2],
    ["circles", (o) => data.circles(o), 2],
    ["spiral", (o) => data.spiral(o), 3],
    ["spiral (5 arms)", (o) => data.spiral({ ...o, classes: 5 }), 5],
    ["xor", (o) => data.xor(o), 2],
    ["blobs", (o) => data.blobs(o), 3],
    [
      "blobs (2 centers)",
      (o) =>
        data.blobs({
          ...o,
          centers: [
            [0, 0],
            [5, 5],
          ],
        }),
      2,
    ],
  ];

  it.each(gens)("%s: n, shape [n, 2], labels in range and balanced, seeded", (_name, gen, k) => {
    for (const n of [101, 200, 7]) {
      const d = gen({ n, seed: 1 });
      expect(d.x.shape).toEqual([n, 2]);
      expect(d.y).toBeInstanceOf(Int32Array);
      expect(d.y.length).toBe(n);
      expect(Array.from(d.x.data).every(Number.isFinite)).toBe(true);
      const c = counts(d.y);
      expect([...c.keys()].sort()).toEqual(Array.from({ length: k }, (_, i) => i));
      for (const v of c.values()) {
        expect(v).toBeGreaterThanOrEqual(Math.floor(n / k));
        expect(v).toBeLessThanOrEqual(Math.ceil(n / k));
      }
    }
    expect(gen({}).x.shape).toEqual([200, 2]); // default n
    const a = gen({ seed: 5 }),
      b = gen({ seed: 5 }),
      c = gen({ seed: 6 });
    expect(Array.from(a.x.data)).toEqual(Array.from(b.x.data));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Array.from(a.x.data)).not.toEqual(Array.from(c.x.data));
    // independent of the global generator
    manualSeed(1);
    const g1 = Array.from(gen({ seed: 5 }).x.data);
    manualSeed(2);
    expect(Array.from(gen({ seed: 5 }).x.data)).toEqual(g1);
    expect(gen({ n: 10, dtype: "float32" }).x.dtype).toBe("float32");
    expect(() => gen({ n: k - 1 })).toThrow(RangeError);
    expect(() => gen({ n: 10.5 })).toThrow(RangeError);
  });

  it("xor labels follow the sign rule when noise is 0 (class 1 ⇔ same signs)", () => {
    for (const d of [data.xor({ n: 300, seed: 2 }), data.xor({ n: 301, noise: 0, seed: 3 })]) {
      const n = d.x.shape[0];
      let quadrants = new Set<string>();
      for (let i = 0; i < n; i++) {
        const [a, b] = [d.x.data[2 * i], d.x.data[2 * i + 1]];
        expect(a * b).not.toBe(0);
        expect(Math.abs(a)).toBeLessThanOrEqual(1);
        expect(Math.abs(b)).toBeLessThanOrEqual(1);
        expect(d.y[i]).toBe(a * b > 0 ? 1 : 0);
        quadrants = quadrants.add(`${Math.sign(a)}${Math.sign(b)}`);
      }
      expect(quadrants.size).toBe(4);
    }
  });

  it("moons and circles lie on their curves when noise is 0", () => {
    const m = data.moons({ n: 50, noise: 0 });
    const c = data.circles({ n: 50, noise: 0, factor: 0.3 });
    for (let i = 0; i < 50; i++) {
      const [x, y] = [m.x.data[2 * i], m.x.data[2 * i + 1]];
      if (m.y[i] === 0) {
        expect(x * x + y * y).toBeCloseTo(1, 12);
        expect(y).toBeGreaterThanOrEqual(-1e-12);
      } else {
        expect((x - 1) ** 2 + (y - 0.5) ** 2).toBeCloseTo(1, 12);
        expect(y).toBeLessThanOrEqual(0.5 + 1e-12);
      }
      const r = Math.hypot(c.x.data[2 * i], c.x.data[2 * i + 1]);
      expect(r).toBeCloseTo(c.y[i] === 0 ? 1 : 0.3, 12);
    }
  });
});
