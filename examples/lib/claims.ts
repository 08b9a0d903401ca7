/**
 * The measurements behind example 9, one function per kind of experiment. Each returns plain
 * numbers; example 9 turns them into verdicts. Derivatives always come from the engine
 * (backward or grad), never from a hand-written formula.
 */
import { data, grad, manualSeed, nn, optim, rand, randn, relu, softmax, tensor, type Tensor } from "../../src/index.js";

export const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const linspace = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

/** f and f′ (by backward) of an elementwise op on a grid. */
export function derivativeOnGrid(f: (x: Tensor) => Tensor, lo: number, hi: number, n: number) {
  const xs = linspace(lo, hi, n);
  const x = tensor(xs, { requiresGrad: true });
  const y = f(x);
  y.sum().backward();
  return { xs, f: Array.from(y.data), df: Array.from(x.grad!.data) };
}

/** ∂(f∘f∘…∘f)(x)/∂x through `depth` stacked copies of f, at random inputs drawn by `draw`. */
export function chainGradient(f: (x: Tensor) => Tensor, depth: number, x0: Tensor): number[] {
  const x = tensor(Array.from(x0.data), { requiresGrad: true });
  let y = x;
  for (let i = 0; i < depth; i++) y = f(y);
  const [g] = grad(y.sum(), [x]);
  return Array.from(g.data);
}

export type Act = "sigmoid" | "tanh" | "relu" | "softplus";
const MODULES = { sigmoid: nn.Sigmoid, tanh: nn.Tanh, relu: nn.ReLU, softplus: nn.Softplus };

export interface Run {
  act: Act;
  seed: number;
  hit: number | null;
  losses: number[];
  msPerStep: number;
}

/**
 * 2 → 32 → 32 → 3 on the 3-arm spiral, every Linear with the same Xavier-uniform init, Adam
 * (lr 0.01), full batch. `hit` is the first step whose loss is below `target`.
 */
export function trainSpiral(act: Act, seed: number, steps: number, target: number): Run {
  const train = data.spiral({ n: 300, noise: 0.03, seed: 1 });
  manualSeed(seed);
  const lin = (i: number, o: number) => new nn.Linear(i, o, { init: "xavier" });
  const model = new nn.Sequential(lin(2, 32), new MODULES[act](), lin(32, 32), new MODULES[act](), lin(32, 3));
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const losses: number[] = [];
  let hit: number | null = null;
  const t0 = performance.now();
  for (let step = 1; step <= steps; step++) {
    const loss = nn.crossEntropy(model.forward(train.x), train.y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    losses.push(loss.item());
    if (hit === null && losses[step - 1] < target) hit = step;
  }
  return { act, seed, hit, losses, msPerStep: (performance.now() - t0) / steps };
}

/** Million elements per second for f's forward plus backward (given an upstream of ones). */
export function activationThroughput(f: (x: Tensor) => Tensor, size: number, reps: number): number {
  const x = randn([size], { requiresGrad: true });
  const g = tensor(new Float64Array(size).fill(1), { shape: [size] });
  f(x).backward(g); // warm-up
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) {
    x.grad = null;
    f(x).backward(g);
  }
  return (size * reps) / ((performance.now() - t0) * 1e3);
}

/** Final MSE of a model fitted to (xs, ys) with Adam (lr 0.02, full batch). */
export function fit(model: nn.Module, xs: number[], ys: number[], steps: number): number {
  const X = tensor(xs.map((v) => [v])),
    Y = tensor(ys.map((v) => [v]));
  const opt = new optim.Adam(model.parameters(), { lr: 0.02 });
  let last = NaN;
  for (let s = 0; s < steps; s++) {
    const loss = nn.mseLoss(model.forward(X), Y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    last = loss.item();
  }
  return last;
}

/** MSE of a single maxout unit (k lines, max taken) fitted to x² on [−2, 2], and of a 16-unit maxout net fitted to sin(2x). */
export function maxoutFits(pieces: number, seed: number, steps: number) {
  const xs = linspace(-2, 2, 101);
  manualSeed(seed);
  const unit = fit(
    new nn.Maxout(1, 1, pieces),
    xs,
    xs.map((v) => v * v),
    steps,
  );
  manualSeed(seed);
  const net = fit(
    new nn.Sequential(new nn.Maxout(1, 16, pieces), new nn.Linear(16, 1)),
    xs,
    xs.map((v) => Math.sin(2 * v)),
    steps,
  );
  return { unit, net };
}

/**
 * A random maxout unit of `pieces` lines on a 1-D grid: how many distinct slopes f′ takes,
 * and the largest |f″| (grad of grad).
 */
export function maxoutShape(pieces: number, seed: number) {
  manualSeed(seed);
  const w = randn([1, pieces]),
    b = randn([pieces]);
  const x = tensor(
    linspace(-5, 5, 2001).map((v) => [v]),
    { requiresGrad: true },
  );
  const y = x.matmul(w).add(b).maxout(pieces);
  const [d1] = grad(y.sum(), [x], { createGraph: true });
  const [d2] = grad(d1.sum(), [x]);
  return { slopes: new Set(d1.data).size, maxD2: Math.max(...Array.from(d2.data, Math.abs)) };
}

/** relu(x) against maxout over the pair [x, 0] and [0, x]: values and gradients, element by element. */
export function reluVsMaxout(x0: number[]) {
  const run = (make: (x: Tensor) => Tensor) => {
    const x = tensor(x0, { requiresGrad: true });
    const y = make(x);
    y.sum().backward();
    return { y: Array.from(y.data), g: Array.from(x.grad!.data) };
  };
  const col = (x: Tensor) => x.reshape([-1, 1]);
  const pair = (first: boolean) => (x: Tensor) =>
    (first ? col(x).matmul(tensor([[1, 0]])) : col(x).matmul(tensor([[0, 1]]))).maxout(2).reshape([-1]);
  const r = run(relu),
    xFirst = run(pair(true)),
    zeroFirst = run(pair(false));
  const diff = (a: number[], b: number[]) => a.filter((v, i) => v !== b[i]).length; // −0 === 0 here
  const where = (a: number[], b: number[]) => [...new Set(x0.filter((_, i) => a[i] !== b[i]))];
  return {
    valueDiffs: diff(r.y, xFirst.y) + diff(r.y, zeroFirst.y),
    gradDiffsXFirst: diff(r.g, xFirst.g),
    gradDiffsAt: where(r.g, xFirst.g),
    gradDiffsZeroFirst: diff(r.g, zeroFirst.g),
  };
}

/** Softmax of `rows` ([n, k]): smallest and largest output, worst |Σ − 1|, and how many outputs are exactly 0 or 1. */
export function softmaxBounds(rows: Tensor) {
  const S = softmax(rows, -1).data,
    k = rows.shape[1];
  let min = Infinity,
    max = -Infinity,
    worst = 0,
    atBounds = 0;
  for (let r = 0; r < rows.shape[0]; r++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const v = S[r * k + j];
      s += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (v === 0 || v === 1) atBounds++;
    }
    worst = Math.max(worst, Math.abs(s - 1));
  }
  return { min, max, worst, atBounds, total: S.length };
}

/** Random score rows: randn·scale, [n, k]. */
export const randomScores = (n: number, k: number, scale: number) => randn([n, k], { std: scale });

/** Extreme rows: huge spreads, ±1e300, ±MAX_VALUE, and random rows scaled to 1e3…1e300. */
export function extremeScores(n: number): Tensor {
  const fixed = [
    [1000, 0, -1000],
    [1e300, -1e300, 0],
    [Number.MAX_VALUE, -Number.MAX_VALUE, 0],
    [745, 0, 0],
    [40, 0, 0],
    [-1e-300, 0, 1e-300],
  ];
  const scales = rand([n], { low: 3, high: 300 }).data;
  const rows = Array.from({ length: n }, (_, i) => Array.from(randn([3]).data, (v) => v * 10 ** scales[i]));
  return tensor([...fixed, ...rows]);
}

/** The smallest gap d for which softmax([d, 0]) rounds to exactly [1, x] (x > 0) and to [1, 0], by bisection. */
export function softmaxFloatLimits(): { one: number; zero: number } {
  const at = (d: number) => softmax(tensor([d, 0])).data;
  const bisect = (bad: (d: number) => boolean) => {
    let lo = 0,
      hi = 2000;
    for (let i = 0; i < 80; i++) {
      const mid = (lo + hi) / 2;
      if (bad(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  return { one: bisect((d) => at(d)[0] === 1), zero: bisect((d) => at(d)[1] === 0) };
}
