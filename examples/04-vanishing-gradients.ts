/**
 * Example 4 — vanishing gradients, measured.
 *
 * What it teaches: backpropagation multiplies, layer by layer, by the activation's derivative.
 * σ′ is at most 1/4 (at x = 0), so through L sigmoid layers the gradient can shrink like
 * (1/4)^L; tanh′ is at most 1, relu′ is exactly 1 wherever a unit is active. Here an 8-layer
 * MLP is built three times — sigmoid, tanh, relu hidden layers, each with the init that suits
 * it (Xavier for sigmoid and tanh, He for relu) — and at initialisation, before any training,
 * the norm of ∂loss/∂W is printed for every layer, averaged over several seeds.
 *
 *   npx tsx examples/04-vanishing-gradients.ts
 */
import { manualSeed, nn, randn, type Tensor } from "../src/index.js";
import { lineChart, save } from "./lib/svg.js";

export const ACTIVATIONS = { sigmoid: nn.Sigmoid, tanh: nn.Tanh, relu: nn.ReLU } as const;

const norm = (t: Tensor) => Math.sqrt(t.pow(2).sum().item());

/** ‖∂loss/∂W‖ of each Linear layer of a fresh `depth`-layer MLP, input first. */
export function layerGradNorms(
  activation: keyof typeof ACTIVATIONS,
  seed: number,
  opts: { depth?: number; width?: number; batch?: number } = {},
): number[] {
  const { depth = 8, width = 64, batch = 128 } = opts;
  manualSeed(seed);
  const layers: nn.Module[] = [];
  for (let i = 0; i < depth - 1; i++) layers.push(new nn.Linear(i === 0 ? 16 : width, width), new ACTIVATIONS[activation]());
  layers.push(new nn.Linear(width, 10));
  const model = new nn.Sequential(...layers);
  const x = randn([batch, 16]);
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  nn.crossEntropy(model.forward(x), labels).backward();
  return model.layers.filter((m): m is nn.Linear => m instanceof nn.Linear).map((l) => norm(l.weight.grad!));
}

export function main(opts: { seeds?: number; depth?: number; outDir?: string; print?: boolean } = {}) {
  const { seeds = 5, depth = 8, outDir = "out", print = true } = opts;
  const log = print ? console.log : () => {};
  const table: Record<string, number[]> = {};
  for (const act of Object.keys(ACTIVATIONS) as (keyof typeof ACTIVATIONS)[]) {
    const sums = new Array<number>(depth).fill(0);
    for (let s = 0; s < seeds; s++) layerGradNorms(act, s, { depth }).forEach((v, i) => (sums[i] += v / seeds));
    table[act] = sums;
  }
  log(`‖∂loss/∂W‖ per layer at initialisation, ${depth}-layer MLP (width 64), mean of ${seeds} seeds`);
  log(
    `  ${"layer".padEnd(11)}${Object.keys(table)
      .map((k) => k.padStart(12))
      .join("")}`,
  );
  for (let i = 0; i < depth; i++)
    log(
      `  ${String(i + 1).padEnd(11)}${Object.values(table)
        .map((v) => v[i].toExponential(2).padStart(12))
        .join("")}`,
    );
  log(
    `  ${"first/last".padEnd(11)}${Object.values(table)
      .map((v) => (v[0] / v[depth - 1]).toExponential(2).padStart(12))
      .join("")}   (first layer's norm over the last's)`,
  );
  const svgPath = save(
    `${outDir}/04-vanishing-gradients.svg`,
    lineChart(
      Object.entries(table).map(([name, v]) => ({ name, x: v.map((_, i) => i + 1), y: v })),
      { title: "Gradient norm per layer at initialisation", xLabel: "layer (1 = input side)", yLabel: "‖∂loss/∂W‖", logY: true },
    ),
  );
  log(`\nplot written to ${svgPath}`);
  return { table, svgPath };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
