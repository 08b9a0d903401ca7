/**
 * The seeded generator behind `randn`, `rand`, shuffling and parameter init.
 * xoshiro128** (Blackman & Vigna, 2018): four 32-bit words of state, period 2^128 − 1,
 * seeded through splitmix32 so that nearby seeds give unrelated streams.
 * Normals come from the Box–Muller transform, both values of each pair used.
 *
 * One global generator (reset by `manualSeed`) serves the library; `new Rng(seed)` makes an
 * independent stream, as the toy data generators do.
 */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function checkSeed(seed: unknown, op: string): number {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new TypeError(`${op}: seed must be a safe integer, got ${String(seed)}`);
  }
  return seed;
}

/**
 * A seeded pseudo-random generator (xoshiro128**, seeded by splitmix32), independent of the `manualSeed` stream.
 *
 * @example
 * ```ts
 * import { Rng } from "actigrad";
 * const rng = new Rng(42); // its own stream: manualSeed does not move it
 * console.log(rng.int(10), [...rng.permutation(5)]);
 * console.log(new Rng(42).int(10)); // the same seed, the same draws
 * ```
 * ```text
 * 6 [ 2, 1, 3, 4, 0 ]
 * 6
 * ```
 */
export class Rng {
  private readonly s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed: number) {
    this.seed(checkSeed(seed, "Rng"));
  }

  /** Restarts the stream from `seed`. */
  seed(seed: number): void {
    // Fold the seed to 32 bits, keeping the high part of large seeds.
    const next = splitmix32((seed >>> 0) ^ Math.floor(seed / 4294967296));
    for (let i = 0; i < 4; i++) this.s[i] = next();
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    this.spare = null;
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal, by Box–Muller. */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random(); // log(0) would be −∞
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** A uniformly random permutation of 0 … n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

/** The library's generator: `randn`, `rand`, parameter init and shuffling draw from it. */
export const globalRng = new Rng(Date.now() % 4294967296);

/**
 * Makes every random draw that follows reproducible: `manualSeed(0)`.
 *
 * @example
 * ```ts
 * import { manualSeed, randn } from "actigrad";
 * manualSeed(0);
 * const a = randn(3);
 * manualSeed(0);
 * console.log(a.toString(), randn(3).toString()); // the same draws
 * ```
 * ```text
 * tensor([0.4885, 0.0384, 2.5868], dtype=float64) tensor([0.4885, 0.0384, 2.5868], dtype=float64)
 * ```
 */
export function manualSeed(seed: number): void {
  globalRng.seed(checkSeed(seed, "manualSeed"));
}

export const random = (): number => globalRng.random();
export const randomNormal = (): number => globalRng.normal();
