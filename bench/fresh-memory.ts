/**
 * What a new 4 MB array costs on this machine — the reason plain (unscoped) code trails
 * tfjs-wasm on W4 (README, Performance): every output of plain code is a new JavaScript array,
 * and a new array's memory is fresh pages the OS maps on first touch. Times one allocation plus
 * a 4 MB copy into it, 40 times, for `new Float32Array` (zeroed memory) and, in Node, for
 * `Buffer.allocUnsafeSlow` (malloc, not zeroed), and prints the median, the 90th percentile and
 * the minimum; then a copy into memory that already exists, for comparison.
 *
 *   npx tsx bench/fresh-memory.ts
 */
const n = 1_000_000;
const src = new Float32Array(n).fill(1);
const reused = new Float32Array(n);

function time(label: string, make: () => Float32Array): void {
  const ts: number[] = [];
  for (let it = 0; it < 40; it++) {
    const t0 = performance.now();
    const a = make();
    a.set(src);
    ts.push(performance.now() - t0);
  }
  ts.sort((x, y) => x - y);
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  console.log(`${label.padEnd(34)} median ${ms(ts[20])}   p90 ${ms(ts[36])}   min ${ms(ts[0])}`);
}

for (let round = 0; round < 2; round++) {
  time("new Float32Array + copy", () => new Float32Array(n));
  time("Buffer.allocUnsafeSlow + copy", () => {
    const b = Buffer.allocUnsafeSlow(n * 4);
    return new Float32Array(b.buffer, b.byteOffset, n);
  });
  time("copy into an existing array", () => reused);
}
