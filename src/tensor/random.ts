/**
 * The seeded generator behind `randn`, `rand`, shuffling and parameter init.
 * xoshiro128** (Blackman & Vigna, 2018): four 32-bit words of state, period 2^128 − 1,
 * seeded through splitmix32 so that nearby seeds give unrelated streams.
 * Normals come from the Box–Muller transform, both values of each pair used.
 */
const state = new Uint32Array(4);
let spare: number | null = null;

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

/** Makes every random draw that follows reproducible: `manualSeed(0)`. */
export function manualSeed(seed: number): void {
  if (typeof seed !== "number" || !Number.isInteger(seed)) {
    throw new TypeError(`manualSeed: seed must be an integer, got ${String(seed)}`);
  }
  // Fold the seed to 32 bits, keeping the high part of large seeds.
  const next = splitmix32((seed >>> 0) ^ Math.floor(seed / 4294967296));
  for (let i = 0; i < 4; i++) state[i] = next();
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  spare = null;
}

manualSeed(Date.now() % 4294967296);

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The next 32 random bits, as an unsigned integer. */
export function nextUint32(): number {
  const result = Math.imul(rotl(Math.imul(state[1], 5) >>> 0, 7), 9) >>> 0;
  const t = (state[1] << 9) >>> 0;
  state[2] ^= state[0];
  state[3] ^= state[1];
  state[1] ^= state[2];
  state[0] ^= state[3];
  state[2] ^= t;
  state[3] = rotl(state[3], 11);
  return result;
}

/** Uniform in [0, 1) with 53 random bits. */
export function random(): number {
  const hi = nextUint32() >>> 5; // 27 bits
  const lo = nextUint32() >>> 6; // 26 bits
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** Standard normal, by Box–Muller. */
export function randomNormal(): number {
  if (spare !== null) {
    const s = spare;
    spare = null;
    return s;
  }
  let u = 0;
  while (u === 0) u = random(); // log(0) would be −∞
  const v = random();
  const r = Math.sqrt(-2 * Math.log(u));
  spare = r * Math.sin(2 * Math.PI * v);
  return r * Math.cos(2 * Math.PI * v);
}

/** A uniform integer in [0, n). */
export function randomInt(n: number): number {
  return Math.floor(random() * n);
}
