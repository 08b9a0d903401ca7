/**
 * What every system runs: the workload definitions, the seeded data and initial weights
 * (generated once here and handed to each system as the same Float32Arrays), and the
 * interface a system implements.
 */

/** mulberry32: a small seeded generator, so every run and every system sees the same numbers. */
export class SeededRng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(n: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.next();
    return out;
  }
  /** Standard normal (Box–Muller). */
  normal(n: number, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = 1 - this.next(),
        v = this.next();
      out[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
    return out;
  }
  int(n: number, k: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * k);
    return out;
  }
}

/** One dense layer's initial values. `w` is [out, in] row-major (PyTorch's layout), `b` is [out]. */
export interface LayerInit {
  inFeatures: number;
  outFeatures: number;
  w: Float32Array;
  b: Float32Array;
}

/** An MLP training workload: layers, hidden activation, one fixed batch, SGD learning rate. */
export interface MlpSpec {
  layers: LayerInit[];
  activation: "tanh" | "relu";
  /** [batch, in] row-major. */
  x: Float32Array;
  labels: Int32Array;
  batch: number;
  classes: number;
  lr: number;
}

/** Weights uniform in ±√(6 / (in + out)) (Xavier), biases uniform in ±0.1 (non-zero, so the bias path is checked too). */
function mlpInit(sizes: number[], rng: SeededRng): LayerInit[] {
  const layers: LayerInit[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const fin = sizes[i],
      fout = sizes[i + 1];
    const a = Math.sqrt(6 / (fin + fout));
    layers.push({ inFeatures: fin, outFeatures: fout, w: rng.uniform(fout * fin, -a, a), b: rng.uniform(fout, -0.1, 0.1) });
  }
  return layers;
}

/** W1 playground: MLP 2-16-16-2, tanh, 256 points in [-1, 1]², class 1 inside the circle of half the area. */
export function w1Spec(seed = 1): MlpSpec {
  const rng = new SeededRng(seed);
  const batch = 256;
  const x = rng.uniform(batch * 2, -1, 1);
  const labels = new Int32Array(batch);
  const r2 = 4 / Math.PI / 2; // πr² = half of the 2×2 square
  for (let i = 0; i < batch; i++) labels[i] = x[2 * i] ** 2 + x[2 * i + 1] ** 2 < r2 ? 1 : 0;
  return { layers: mlpInit([2, 16, 16, 2], rng), activation: "tanh", x, labels, batch, classes: 2, lr: 0.1 };
}

/** W2 mnist-mlp: MLP 784-256-10, relu, batch 128 of uniform [0, 1) inputs with uniform random labels. */
export function w2Spec(seed = 2): MlpSpec {
  const rng = new SeededRng(seed);
  const batch = 128;
  return {
    layers: mlpInit([784, 256, 10], rng),
    activation: "relu",
    x: rng.uniform(batch * 784, 0, 1),
    labels: rng.int(batch, 10),
    batch,
    classes: 10,
    lr: 0.01,
  };
}

export const activationNames = ["sigmoid", "tanh", "relu", "softplus", "softmax"] as const;
export type ActivationName = (typeof activationNames)[number];

/** W4 input: x ~ N(0, 2²) (covers both tails and the middle), upstream gradient dy ~ N(0, 1). */
export interface ActivationSpec {
  name: ActivationName;
  shape: number[];
  x: Float32Array;
  dy: Float32Array;
}

export function w4Spec(name: ActivationName, quick: boolean, seed = 4): ActivationSpec {
  const rng = new SeededRng(seed);
  const shape = name === "softmax" ? (quick ? [250, 1000] : [1000, 1000]) : [quick ? 250_000 : 1_000_000];
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, shape, x: rng.normal(n, 2), dy: rng.normal(n, 1) };
}

export interface MatmulSpec {
  n: number;
  a: Float32Array;
  b: Float32Array;
}
export function w3Spec(n: number, seed = 3): MatmulSpec {
  const rng = new SeededRng(seed + n);
  return { n, a: rng.uniform(n * n, -1, 1), b: rng.uniform(n * n, -1, 1) };
}

/**
 * W5 conv2d: one convolution layer y = conv2d(x, W) + b (stride 1, zero padding 1 so the image
 * keeps its size, a cross-correlation as in PyTorch), forward and backward given the upstream
 * gradient dy: y, ∂x, ∂W and ∂b. The arrays are in PyTorch's layouts — x and dy [N, C, H, W],
 * W [O, C, kH, kW] — which actigrad uses; a system with other layouts (tfjs: NHWC, [kH, kW, C, O])
 * converts them once, untimed, and converts its results back in `parts()`.
 */
export interface ConvSpec {
  label: string;
  batch: number;
  inChannels: number;
  outChannels: number;
  /** Height and width of the (square) image, and of the output. */
  size: number;
  kernel: number;
  padding: number;
  x: Float32Array;
  w: Float32Array;
  b: Float32Array;
  dy: Float32Array;
}

/** The two layers of a small MNIST CNN: 1→8 channels 3×3 on 28×28, and 8→16 on 14×14 (after a 2×2 pool), batch 64. */
export function w5Specs(seed = 5): ConvSpec[] {
  const rng = new SeededRng(seed);
  return [
    [1, 8, 28],
    [8, 16, 14],
  ].map(([c, o, size]) => {
    const batch = 64,
      kernel = 3;
    const bound = 1 / Math.sqrt(c * kernel * kernel); // PyTorch's default init range
    return {
      label: `${c}→${o} ${size}×${size}`,
      batch,
      inChannels: c,
      outChannels: o,
      size,
      kernel,
      padding: 1,
      x: rng.uniform(batch * c * size * size, 0, 1),
      w: rng.uniform(o * c * kernel * kernel, -bound, bound),
      b: rng.uniform(o, -bound, bound),
      dy: rng.normal(batch * o * size * size, 1),
    };
  });
}

/** W5's results, each in the spec's (PyTorch's) layout: y, ∂x, ∂W, ∂b. */
export interface ConvParts {
  y: Float32Array;
  dx: Float32Array;
  dw: Float32Array;
  db: Float32Array;
}

/** A training loop ready to go: `step()` does one SGD step and returns that step's loss (computed before the update). */
export interface Trainer {
  step(): number;
  dispose(): void;
}
/** A kernel ready to go: `run()` computes it once, to completion; `result()` reads the output (not timed). */
export interface Kernel {
  run(): void;
  result(): Float32Array;
  dispose(): void;
}
/** W5's kernel: `result()` is the parts one after another; `parts()` reads them one by one (not timed). */
export interface ConvKernel extends Kernel {
  parts(): ConvParts;
}

export interface System {
  readonly name: string;
  /** Make this system current (tfjs: select its backend). Called, untimed, before each of its timed blocks. */
  activate(): Promise<void>;
  mlp(spec: MlpSpec): Trainer;
  matmul(spec: MatmulSpec): Kernel;
  /** Forward and backward given upstream dy; `result()` is dx. */
  activation(spec: ActivationSpec): Kernel;
  /** W5: conv2d forward and backward given dy. */
  conv2d(spec: ConvSpec): ConvKernel;
  /** Anything worth recording about the system (versions, backend flags). */
  info(): Record<string, unknown>;
}
