/**
 * Kernel throughput of actigrad alone, plain code: matmul GFLOP/s and activation
 * forward+backward Melem/s, in float32 and float64; then the float32 SIMD kernels by
 * themselves (ms per million elements, inside a scope so nothing is copied). `npm run bench`
 * is the comparison with the peers.
 *
 *   npm run bench:kernels    # or: npx tsx bench/kernels.ts --quick
 */
import { grad, manualSeed, matmul, randn, scope, type Tensor } from "../src/index.js";
import { active } from "../src/kernels/wasm/runtime.js";

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
    const a = randn([n, n], { dtype }),
      b = randn([n, n], { dtype });
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

// Inside a scope every operand already lives in the WebAssembly memory and the result is
// written there, so these are the float32 SIMD kernels themselves, with no copies.
console.log("\nfloat32 ops alone inside scope() (operands in WebAssembly memory: the SIMD kernel), ms per million elements");
const f32 = { dtype: "float32" } as const;
// The backward is one first-order sweep through the single node: the fused SIMD rule.
const rule = (g: Tensor, x: Tensor, y: Tensor) => grad(y, [x], { gradOutputs: [g] })[0];
const ops: [string, number[], (x: Tensor) => Tensor][] = [
  ["sigmoid", [1_000_000], (x) => x.sigmoid()],
  ["tanh", [1_000_000], (x) => x.tanh()],
  ["relu", [1_000_000], (x) => x.relu()],
  ["softplus", [1_000_000], (x) => x.softplus()],
  ["softmax", [1000, 1000], (x) => x.softmax(-1)],
];
scope(() => {
  for (const [name, shape, f] of ops) {
    const x = randn(shape, { ...f32, requiresGrad: true }),
      g = randn(shape, f32),
      y = f(x);
    const fwd = time(() => scope(() => void f(x)));
    const bwd = time(() => scope(() => void rule(g, x, y)));
    const ms = (s: number) => (s * 1e3 * 1e6) / x.size;
    console.log(
      `  ${name.padEnd(10)} forward ${fmt(ms(fwd.med)).padStart(5)}  [${fmt(ms(fwd.min))}–${fmt(ms(fwd.max))}]   backward ${fmt(ms(bwd.med)).padStart(5)}  [${fmt(ms(bwd.min))}–${fmt(ms(bwd.max))}]`,
    );
  }
});

// What plain code pays around each kernel instead: its operands are ordinary arrays, copied in,
// and its result is a new array (made by slice(), which skips zero-filling).
const k = active();
if (k !== null) {
  console.log("\nmoving one million float32 (4 MB) outside a scope, ms");
  const src = randn([1_000_000], f32).data;
  if (k.memory.buffer.byteLength < 2 * src.byteLength + (1 << 20)) k.memory.grow(Math.ceil((2 * src.byteLength) / 65536) + 16);
  const mem = new Float32Array(k.memory.buffer, k.heapBase(), src.length);
  const copyIn = time(() => mem.set(src));
  const copyOut = time(() => void mem.slice());
  const zeroed = time(() => void new Float32Array(src.length).set(mem));
  console.log(
    `  copy into WebAssembly memory         ${fmt(copyIn.med * 1e3)}  [${fmt(copyIn.min * 1e3)}–${fmt(copyIn.max * 1e3)}]`,
  );
  console.log(
    `  out into a new array (slice)         ${fmt(copyOut.med * 1e3)}  [${fmt(copyOut.min * 1e3)}–${fmt(copyOut.max * 1e3)}]`,
  );
  console.log(
    `  out into a new zeroed array (set)    ${fmt(zeroed.med * 1e3)}  [${fmt(zeroed.min * 1e3)}–${fmt(zeroed.max * 1e3)}]`,
  );
}
