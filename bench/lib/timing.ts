/**
 * Interleaved timing. Every contender is warmed up and calibrated (calls per block so that
 * a block lasts about `blockSeconds`), then the timed blocks run round-robin across
 * contenders, A B C, B C A, C A B, … (the start rotates so no system always follows the same
 * one, e.g. into its garbage), so machine noise lands on all of them alike. Each block gives
 * one sample: seconds per call. Summaries are median, min and max over the blocks.
 */

export interface Contender {
  name: string;
  /** Untimed, before each of this contender's blocks (e.g. select a tfjs backend). */
  activate?: () => Promise<void> | void;
  /** One unit of work, run to completion. */
  run: () => void;
}

export interface TimingOptions {
  /** Timed blocks per contender. */
  reps: number;
  /** Target length of one timed block. A block is at least one call, however long. */
  blockSeconds: number;
  /** Warm-up per contender (at least 2 calls). */
  warmupSeconds: number;
}

export interface Samples {
  name: string;
  /** Seconds per call, one entry per block, in the order run. */
  secondsPerCall: number[];
  callsPerBlock: number;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
}

const now = () => performance.now() / 1000;

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  const median = s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}

/** Warms up, calibrates, then times every contender in interleaved blocks. */
export async function interleaved(contenders: readonly Contender[], opts: TimingOptions): Promise<Samples[]> {
  const calls: number[] = [];
  for (const c of contenders) {
    await c.activate?.();
    // Warm-up doubles as calibration: the last calls give the per-call time.
    const t0 = now();
    let n = 0,
      last = 0;
    while (n < 2 || now() - t0 < opts.warmupSeconds) {
      const t = now();
      c.run();
      last = now() - t;
      n++;
    }
    const perCall = Math.max(last, (now() - t0) / n / 4, 1e-7);
    calls.push(Math.max(1, Math.round(opts.blockSeconds / perCall)));
  }
  const out: Samples[] = contenders.map((c, i) => ({ name: c.name, secondsPerCall: [], callsPerBlock: calls[i] }));
  const k = contenders.length;
  for (let r = 0; r < opts.reps; r++) {
    for (let j = 0; j < k; j++) {
      const i = (r + j) % k;
      const c = contenders[i];
      await c.activate?.();
      const n = calls[i];
      const t0 = now();
      for (let q = 0; q < n; q++) c.run();
      out[i].secondsPerCall.push((now() - t0) / n);
    }
  }
  return out;
}
