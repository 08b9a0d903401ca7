/**
 * actigrad against its peers (TensorFlow.js wasm and cpu backends), the four workloads of
 * issue 4 and issue 14's conv2d (W5), every system timed in the same run, interleaved. See bench/README.md.
 *
 *   npm run bench                          # full run (a few minutes)
 *   npx tsx bench/run.ts --quick           # smoke run: fewer reps, smaller W3/W4 sizes
 *   npx tsx bench/run.ts --only W1,W3 --systems actigrad,tfjs-wasm --json /tmp/r.json
 */
import { execSync } from "node:child_process";
import { writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { setDefaultDtype } from "../src/index.js";
import { active } from "../src/kernels/wasm/runtime.js";
import { interleaved, summarize, type Samples, type TimingOptions } from "./lib/timing.js";
import { actigrad, actigradScope } from "./workloads/actigrad.js";
import {
  activationNames,
  w1Spec,
  w2Spec,
  w3Spec,
  w4Spec,
  w5Specs,
  type ConvKernel,
  type ConvParts,
  type Kernel,
  type MlpSpec,
  type System,
  type Trainer,
} from "./workloads/common.js";

// ---------------------------------------------------------------- flags

const ALL_SYSTEMS = ["actigrad", "actigrad-scope", "tfjs-wasm", "tfjs-cpu"] as const;
const ALL_WORKLOADS = ["W1", "W2", "W3", "W4", "W5"] as const;
type WorkloadId = (typeof ALL_WORKLOADS)[number];

const USAGE = `usage: tsx bench/run.ts [--quick] [--only W1,W2,W3,W4,W5] [--systems ${ALL_SYSTEMS.join(",")}] [--json bench/results.json] [--readback]
  --readback   tfjs copies every W3/W4/W5 output back to JavaScript with dataSync() (off by default: see bench/README.md)`;

function parseArgs(argv: string[]) {
  const opts = {
    quick: false,
    only: [...ALL_WORKLOADS] as WorkloadId[],
    systems: [...ALL_SYSTEMS] as string[],
    json: "bench/results.json",
    readBack: false,
  };
  const list = (v: string | undefined, flag: string): string[] => {
    if (v === undefined || v.startsWith("--")) die(`${flag} needs a comma-separated list`);
    return v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === "--quick") opts.quick = true;
    else if (flag === "--readback") opts.readBack = true;
    else if (flag === "--only") {
      opts.only = list(value(), "--only").map((w) => {
        const id = w.toUpperCase();
        if (!(ALL_WORKLOADS as readonly string[]).includes(id))
          die(`--only: unknown workload ${JSON.stringify(w)} (expected ${ALL_WORKLOADS.join(", ")})`);
        return id as WorkloadId;
      });
    } else if (flag === "--systems") {
      opts.systems = list(value(), "--systems").map((s) => {
        if (!(ALL_SYSTEMS as readonly string[]).includes(s))
          die(`--systems: unknown system ${JSON.stringify(s)} (expected ${ALL_SYSTEMS.join(", ")})`);
        return s;
      });
    } else if (flag === "--json") {
      const v = value();
      if (v === undefined || v.startsWith("--")) die("--json needs a path");
      opts.json = v;
    } else if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else die(`unknown argument ${JSON.stringify(a)}`);
  }
  if (opts.systems.length === 0 || opts.only.length === 0) die("nothing to run");
  // actigrad first, so ratios read "actigrad vs …"; keep the canonical order otherwise.
  opts.systems = ALL_SYSTEMS.filter((s) => opts.systems.includes(s));
  opts.only = ALL_WORKLOADS.filter((w) => opts.only.includes(w));
  return opts;
}

function die(msg: string): never {
  console.error(`bench: ${msg}\n${USAGE}`);
  process.exit(2);
}

// tfjs-backend-wasm's Emscripten module rethrows from its own uncaughtException and
// unhandledRejection handlers, which makes Node print a 30 kB minified source line; print the
// error ourselves first and stop.
const fatal = (e: unknown): never => {
  console.error(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
};
process.prependListener("uncaughtException", fatal);
process.prependListener("unhandledRejection", fatal);

const args = parseArgs(process.argv.slice(2));
const quick = args.quick;

/** Rep counts and block lengths: full ≈ 2–3 minutes on 2 cores, quick ≈ 20 s. */
const timing: TimingOptions = quick
  ? { reps: 3, blockSeconds: 0.08, warmupSeconds: 0.2 }
  : { reps: 9, blockSeconds: 0.3, warmupSeconds: 0.3 };
const matmulSizes = quick ? [128, 256] : [128, 256, 512, 1024];
const memorySteps = quick ? 60 : 300;
/** Relative agreement required of the first training losses and of W3/W4 outputs. */
const TOL = 1e-4;

// ---------------------------------------------------------------- systems

setDefaultDtype("float32");
const systems: System[] = [];
let tfjsTensorCount: () => number = () => 0;
for (const name of args.systems) {
  if (name === "actigrad") systems.push(actigrad);
  else if (name === "actigrad-scope") systems.push(actigradScope);
  else {
    const mod = await import("./workloads/tfjs.js");
    await mod.loadTfjs();
    tfjsTensorCount = mod.tfjsTensorCount;
    systems.push(mod.tfjsSystem(name === "tfjs-wasm" ? "wasm" : "cpu", { readBack: args.readBack }));
  }
}
const ref = systems[0];
const isOurs = (name: string) => name.startsWith("actigrad");
const ours = systems.filter((s) => isOurs(s.name));
const peers = systems.filter((s) => !isOurs(s.name));

// ---------------------------------------------------------------- machine info

function gitDescribe(): string | null {
  try {
    return execSync("git describe --always --dirty --abbrev=12", { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

const machine = {
  node: process.version,
  v8: process.versions.v8,
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  totalMemGB: +(os.totalmem() / 2 ** 30).toFixed(1),
  date: new Date().toISOString(),
  actigradCommit: gitDescribe(),
  quick,
  timing,
  systems: Object.fromEntries(systems.map((s) => [s.name, s.info()])),
};

console.log(`actigrad benchmark${quick ? " (--quick)" : ""} — ${machine.date}`);
console.log(
  `node ${machine.node}, ${machine.cpu}, ${machine.cores} cores, ${machine.platform}; actigrad ${machine.actigradCommit ?? "?"}`,
);
for (const s of systems) {
  const info = Object.entries(s.info())
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(", ");
  console.log(`  ${s.name}: ${info}`);
}
console.log(
  `timing: ${timing.reps} interleaved blocks of ≥${timing.blockSeconds}s per system and case, after ${timing.warmupSeconds}s warm-up; figures are median [min–max]\n`,
);

// ---------------------------------------------------------------- results

interface ResultRow {
  workload: WorkloadId;
  case: string;
  system: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  reps: number;
  callsPerBlock: number;
  /** Throughput of every block, in run order. */
  samples: number[];
}
interface Check {
  workload: WorkloadId;
  case: string;
  system: string;
  what: string;
  value: number;
  reference: number;
  relError: number;
  ok: boolean;
}

const results: ResultRow[] = [];
const checks: Check[] = [];
const warnings: string[] = [];
let memory: Record<string, unknown> | null = null;

function warn(msg: string): void {
  warnings.push(msg);
  console.log(`  WARNING: ${msg}`);
}

/** Turns seconds per call into throughput (`work` units per call) and records the rows. */
function record(workload: WorkloadId, label: string, unit: string, work: number, samples: Samples[]): ResultRow[] {
  return samples.map((s) => {
    const thr = s.secondsPerCall.map((t) => work / t);
    const { median, min, max } = summarize(thr);
    const row: ResultRow = {
      workload,
      case: label,
      system: s.name,
      unit,
      median,
      min,
      max,
      reps: thr.length,
      callsPerBlock: s.callsPerBlock,
      samples: thr,
    };
    results.push(row);
    return row;
  });
}

const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));
const pad = (s: string, n: number) => s.padEnd(n);

/** The ratio columns: each actigrad system against each peer. */
const ratioPairs = ours.flatMap((a) => peers.map((p) => [a.name, p.name] as const));
const ratioHead = ([a, p]: readonly [string, string]) =>
  `${a === "actigrad" ? "" : a.slice("actigrad".length) + " "}÷ ${p}`.trim();

/** One table: a row per case, a column per system, then each actigrad system's ratio to each peer. */
function printTable(title: string, rows: ResultRow[][]): void {
  console.log(title);
  const cells = rows.map((r) => r.map((x) => `${fmt(x.median)} [${fmt(x.min)}–${fmt(x.max)}]`));
  const caseW = Math.max(6, ...rows.map((r) => r[0].case.length)) + 2;
  const colW = systems.map((s, j) => Math.max(s.name.length, ...cells.map((c) => c[j].length)) + 3);
  const ratioW = ratioPairs.map((pair) => ratioHead(pair).length + 3);
  let head = "  " + pad("", caseW) + systems.map((s, j) => pad(s.name, colW[j])).join("");
  head += ratioPairs.map((pair, j) => pad(ratioHead(pair), ratioW[j])).join("");
  console.log(head);
  rows.forEach((r, i) => {
    let line = "  " + pad(r[0].case, caseW) + cells[i].map((c, j) => pad(c, colW[j])).join("");
    line += ratioPairs
      .map(([a, p], j) => {
        const ra = r.find((x) => x.system === a)!,
          rp = r.find((x) => x.system === p)!;
        return pad(`${(ra.median / rp.median).toFixed(2)}×`, ratioW[j]);
      })
      .join("");
    console.log(line);
  });
  if (ratioPairs.length > 0)
    console.log(
      "  (a ratio is actigrad's median over the peer's: above 1, actigrad is faster; \"-scope ÷\" is the actigrad-scope system's)",
    );
  console.log("");
}

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);

/** Max |a − b| over max |b|: the output error relative to the output's scale. */
function scaledMaxError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let d = 0,
    m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    if (!(e <= d)) d = e; // NaN-safe: a NaN becomes the error
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / Math.max(m, 1e-30);
}

function checkOutputs(workload: WorkloadId, label: string, kernels: Kernel[]): void {
  if (kernels.length < 2) return;
  const r = kernels[0].result();
  for (let j = 1; j < kernels.length; j++) {
    const e = scaledMaxError(kernels[j].result(), r);
    const ok = e <= TOL;
    checks.push({
      workload,
      case: label,
      system: systems[j].name,
      what: "max |Δoutput| / max |output|",
      value: e,
      reference: 0,
      relError: e,
      ok,
    });
    if (!ok)
      warn(
        `${workload} ${label}: ${systems[j].name} output differs from ${ref.name} by ${e.toExponential(2)} of its scale (> ${TOL})`,
      );
  }
}

/** Live tfjs tensors around a case: a growing count means a leak (and would slow tfjs down). */
async function withLeakCheck<T>(label: string, body: () => Promise<T>): Promise<T> {
  const before = tfjsTensorCount();
  const out = await body();
  const after = tfjsTensorCount();
  if (after !== before) warn(`${label}: tfjs holds ${after - before} more tensors than before it ran`);
  return out;
}

// ---------------------------------------------------------------- workloads

/** W1/W2: build one trainer per system, check the first losses agree, then time steps. */
async function trainingWorkload(id: WorkloadId, title: string, spec: MlpSpec): Promise<void> {
  await withLeakCheck(id, async () => {
    const trainers: Trainer[] = [];
    for (const s of systems) {
      await s.activate();
      trainers.push(s.mlp(spec));
    }
    // Correctness: the same weights and data must give the same losses. Step 1's loss checks
    // the forward pass; steps 2–3 (after SGD updates) check the gradients and the update.
    const losses: number[][] = [];
    for (let j = 0; j < systems.length; j++) {
      await systems[j].activate();
      losses.push([trainers[j].step(), trainers[j].step(), trainers[j].step()]);
    }
    const checkLine: string[] = [`${ref.name} ${losses[0].map((l) => l.toFixed(6)).join(", ")}`];
    for (let j = 1; j < systems.length; j++) {
      const worst = Math.max(...losses[j].map((l, k) => relErr(l, losses[0][k])));
      const ok = worst <= TOL;
      losses[j].forEach((l, k) =>
        checks.push({
          workload: id,
          case: `loss at step ${k + 1}`,
          system: systems[j].name,
          what: "loss",
          value: l,
          reference: losses[0][k],
          relError: relErr(l, losses[0][k]),
          ok: relErr(l, losses[0][k]) <= TOL,
        }),
      );
      checkLine.push(`${systems[j].name} rel. diff ≤ ${worst.toExponential(1)}${ok ? "" : " ✗"}`);
      if (!ok)
        warn(
          `${id}: ${systems[j].name}'s losses ${losses[j].join(", ")} differ from ${ref.name}'s ${losses[0].join(", ")} by up to ${worst.toExponential(2)} (> ${TOL}): the math is not identical`,
        );
    }
    console.log(`  check, losses at steps 1–3: ${checkLine.join("; ")}`);

    const samples = await interleaved(
      systems.map((s, j) => ({ name: s.name, activate: () => s.activate(), run: () => void trainers[j].step() })),
      timing,
    );
    const rows = [record(id, "steps/s", "steps/s", 1, samples)];
    if (id === "W2") rows.push(record(id, "samples/s", "samples/s", spec.batch, samples));
    trainers.forEach((t) => t.dispose());
    printTable(title, rows);
  });
}

async function kernelCase(
  id: WorkloadId,
  label: string,
  unit: string,
  work: number,
  make: (s: System) => Kernel,
): Promise<ResultRow[]> {
  return withLeakCheck(`${id} ${label}`, async () => {
    const kernels: Kernel[] = [];
    for (const s of systems) {
      await s.activate();
      kernels.push(make(s));
    }
    const samples = await interleaved(
      systems.map((s, j) => ({ name: s.name, activate: () => s.activate(), run: () => kernels[j].run() })),
      timing,
    );
    checkOutputs(id, label, kernels);
    kernels.forEach((k) => k.dispose());
    return record(id, label, unit, work, samples);
  });
}

/**
 * W5: one conv2d layer's forward and backward (y, ∂x, ∂W, ∂b) per system, timed interleaved;
 * each of the four outputs is checked against the first system's on its own scale (∂W sums over
 * the whole batch and would hide an error in y on a shared one).
 */
async function convCase(label: string, work: number, make: (s: System) => ConvKernel): Promise<ResultRow[]> {
  return withLeakCheck(`W5 ${label}`, async () => {
    const kernels: ConvKernel[] = [];
    for (const s of systems) {
      await s.activate();
      kernels.push(make(s));
    }
    const samples = await interleaved(
      systems.map((s, j) => ({ name: s.name, activate: () => s.activate(), run: () => kernels[j].run() })),
      timing,
    );
    if (kernels.length > 1) {
      const r = kernels[0].parts();
      for (let j = 1; j < kernels.length; j++) {
        const p = kernels[j].parts();
        for (const part of ["y", "dx", "dw", "db"] as (keyof ConvParts)[]) {
          const e = scaledMaxError(p[part], r[part]);
          const ok = e <= TOL;
          checks.push({
            workload: "W5",
            case: `${label} ${part}`,
            system: systems[j].name,
            what: `max |Δ${part}| / max |${part}|`,
            value: e,
            reference: 0,
            relError: e,
            ok,
          });
          if (!ok)
            warn(
              `W5 ${label}: ${systems[j].name}'s ${part} differs from ${ref.name}'s by ${e.toExponential(2)} of its scale (> ${TOL})`,
            );
        }
      }
    }
    kernels.forEach((k) => k.dispose());
    return record("W5", label, "samples/s", work, samples);
  });
}

function gcFunction(): (() => void) | null {
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/**
 * actigrad's heap across a long W2 run: after GC it must come back to where it started. V8 frees
 * array buffers on a background thread after a collection, so a forced reading collects, lets
 * the event loop turn once, and collects again before it looks.
 */
async function memoryCheck(spec: MlpSpec, system: System): Promise<Record<string, unknown>> {
  const gc = gcFunction();
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
  const snap = async (at: string, forced: boolean) => {
    if (forced && gc) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
      gc();
    }
    const m = process.memoryUsage();
    return {
      at,
      gc: forced && gc !== null,
      heapUsed: m.heapUsed,
      arrayBuffers: m.arrayBuffers,
      wasmMemory: active()?.memory.buffer.byteLength ?? 0,
    };
  };
  const trainer = system.mlp(spec);
  trainer.step();
  const snaps = [await snap("after step 1", true)];
  const third = Math.round(memorySteps / 3);
  for (let s = 1; s < memorySteps; s++) {
    trainer.step();
    if (s + 1 === memorySteps) snaps.push(await snap(`after step ${s + 1}, before GC`, false));
    if ((s + 1) % third === 0 || s + 1 === memorySteps) snaps.push(await snap(`after step ${s + 1}`, true));
  }
  trainer.dispose();
  console.log(
    `${system.name} heap over a ${memorySteps}-step W2 run${gc ? " (GC forced before each reading except the one marked)" : " (no forced GC available)"}`,
  );
  for (const s of snaps)
    console.log(
      `  ${pad(s.at, 28)} heapUsed ${mb(s.heapUsed).padStart(9)}   arrayBuffers ${mb(s.arrayBuffers).padStart(9)}   wasm memory ${mb(s.wasmMemory).padStart(9)}`,
    );
  const first = snaps[0],
    last = snaps[snaps.length - 1];
  const growth = {
    heapUsed: last.heapUsed - first.heapUsed,
    arrayBuffers: last.arrayBuffers - first.arrayBuffers,
    wasmMemory: last.wasmMemory - first.wasmMemory,
  };
  const flat = gc !== null && growth.heapUsed < 2 * 2 ** 20 && growth.arrayBuffers < 2 * 2 ** 20 && growth.wasmMemory === 0;
  console.log(
    `  growth from step 1 to step ${memorySteps}: heapUsed ${mb(growth.heapUsed)}, arrayBuffers ${mb(growth.arrayBuffers)}, wasm memory ${mb(growth.wasmMemory)} — ${flat ? "flat" : gc ? "NOT flat" : "unknown without GC"}\n`,
  );
  if (gc && !flat) warn(`${system.name}'s memory grew over ${memorySteps} W2 steps`);
  return { system: system.name, steps: memorySteps, forcedGc: gc !== null, snapshots: snaps, growth, flat };
}

// ---------------------------------------------------------------- run

const t0 = performance.now();

if (args.only.includes("W1")) {
  console.log("W1 playground …");
  await trainingWorkload(
    "W1",
    "W1 playground: MLP 2-16-16-2 tanh, softmax CE, full batch of 256 points, SGD lr 0.1 — training steps/s",
    w1Spec(),
  );
}

if (args.only.includes("W2")) {
  console.log("W2 mnist-mlp …");
  const spec = w2Spec();
  await trainingWorkload(
    "W2",
    "W2 mnist-mlp: MLP 784-256-10 relu, softmax CE, batch 128, SGD lr 0.01 — steps/s and samples/s",
    spec,
  );
  const checked: Record<string, unknown>[] = [];
  for (const s of ours) checked.push(await memoryCheck(spec, s));
  if (checked.length > 0) memory = { runs: checked };
}

if (args.only.includes("W3")) {
  console.log("W3 matmul …");
  const rows: ResultRow[][] = [];
  for (const n of matmulSizes) {
    const spec = w3Spec(n);
    rows.push(await kernelCase("W3", `N=${n}`, "GFLOP/s", (2 * n ** 3) / 1e9, (s) => s.matmul(spec)));
  }
  printTable("W3 matmul: C = A·B, N×N float32 — GFLOP/s (2N³ / time)", rows);
}

if (args.only.includes("W4")) {
  console.log("W4 activations …");
  const rows: ResultRow[][] = [];
  let size = "";
  for (const name of activationNames) {
    const spec = w4Spec(name, quick);
    const n = spec.x.length;
    if (name !== "softmax") size = `${n.toLocaleString("en-US")} elements`;
    rows.push(await kernelCase("W4", name, "Melem/s", n / 1e6, (s) => s.activation(spec)));
  }
  const sm = w4Spec("softmax", quick).shape.join("×");
  printTable(
    `W4 activations: forward + backward with a given upstream gradient, ${size} (softmax ${sm} along the last axis) — million elements/s`,
    rows,
  );
}

if (args.only.includes("W5")) {
  console.log("W5 conv2d …");
  const rows: ResultRow[][] = [];
  for (const spec of w5Specs()) rows.push(await convCase(spec.label, spec.batch, (s) => s.conv2d(spec)));
  printTable(
    "W5 conv2d: forward + backward (y, ∂x, ∂W, ∂b given dy), 3×3 kernels, stride 1, padding 1, batch 64, 1→8 channels on 28×28 and 8→16 on 14×14 — samples/s",
    rows,
  );
}

const wallSeconds = (performance.now() - t0) / 1000;
console.log(`wall time ${wallSeconds.toFixed(1)} s`);
if (warnings.length > 0) console.log(`${warnings.length} warning(s):\n${warnings.map((w) => `  - ${w}`).join("\n")}`);
else if (checks.length > 0) console.log(`all ${checks.length} agreement checks within ${TOL} relative`);

const ratios = results
  .filter((r) => !isOurs(r.system))
  .flatMap((r) =>
    results
      .filter((x) => isOurs(x.system) && x.workload === r.workload && x.case === r.case)
      .map((a) => ({ workload: r.workload, case: r.case, system: a.system, peer: r.system, ratio: a.median / r.median })),
  );

const jsonPath = resolve(args.json);
mkdirSync(dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, JSON.stringify({ machine, wallSeconds, results, ratios, checks, memory, warnings }, null, 2) + "\n");
console.log(`results written to ${args.json}`);
