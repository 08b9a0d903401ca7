/**
 * Kernel throughput of actigrad alone: matmul GFLOP/s and activation forward+backward
 * Melem/s, in float32 and float64. (Peer libraries join this in the performance issue.)
 *
 *   npm run bench            # or: npx tsx bench/kernels.ts --quick
 */
import { manualSeed, matmul, randn, type Tensor } from "../src/index.js";

const quick = process.argv.includes("--quick");

/** Median seconds per call of `fn`, after warm-up, over `reps` timed batches. */
function time(fn: () => void, minSeconds = quick ? 0.05 : 0.3, reps = quick ? 3 : 7): { med: number; min: number; max: number } {
  for (let i = 0; i < 2; i++) fn();
  let calls = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) fn();
    if ((performance.now() - t0) / 1000 > minSeconds / reps) break;
    calls *= 2;
  }
  const per: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) fn();
    per.push((performance.now() - t0) / 1000 / calls);
  }
  per.sort((a, b) => a - b);
  return { med: per[per.length >> 1], min: per[0], max: per[per.length - 1] };
}

const fmt = (v: number) => v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2);

manualSeed(0);
console.log("matmul C = A·B, N×N (GFLOP/s, median [min–max])");
for (const dtype of ["float32", "float64"] as const) {
  for (const n of quick ? [128, 256] : [128, 256, 512, 1024]) {
    const a = randn([n, n], { dtype }), b = randn([n, n], { dtype });
    const t = time(() => matmul(a, b));
    const g = (s: number) => (2 * n ** 3) / s / 1e9;
    console.log(`  ${dtype}  N=${String(n).padEnd(5)} ${fmt(g(t.med)).padStart(6)}  [${fmt(g(t.max))}–${fmt(g(t.min))}]`);
  }
}

console.log("\nactivation forward + backward (given upstream gradient), million elements/s");
const cases: [string, (x: Tensor) => Tensor, number[]][] = [
  ["sigmoid", (x) => x.sigmoid(), [1_000_000]],
  ["tanh", (x) => x.tanh(), [1_000_000]],
  ["relu", (x) => x.relu(), [1_000_000]],
  ["softplus", (x) => x.softplus(), [1_000_000]],
  ["softmax", (x) => x.softmax(-1), [1000, 1000]],
  ["maxout(2)", (x) => x.maxout(2), [1_000_000]],
];
for (const dtype of ["float32", "float64"] as const) {
  for (const [name, f, shape] of cases) {
    const x = randn(shape, { dtype, requiresGrad: true });
    const outShape = name.startsWith("maxout") ? [shape[0] / 2] : shape;
    const g = randn(outShape, { dtype });
    const t = time(() => {
      x.grad = null;
      f(x).backward(g);
    });
    const mel = (s: number) => x.size / s / 1e6;
    console.log(`  ${dtype}  ${name.padEnd(10)} ${fmt(mel(t.med)).padStart(6)}  [${fmt(mel(t.max))}–${fmt(mel(t.min))}]`);
  }
}
