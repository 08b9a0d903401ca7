/**
 * nn: gradients of Linear / Maxout / every activation module / every loss against finite
 * differences, losses against hand computations (and stable at extreme logits), the
 * initialisers' bounds and variances, Module plumbing, bad input (with nothing changed),
 * and seeded reproducibility of a short training run.
 */
import { describe, expect, it } from "vitest";
import { data, gradcheck, manualSeed, nn, optim, randn, type Tensor, tensor } from "../src/index.js";
import { expectThrow } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Helpers

/** Records every parameter's values and gradient; the returned function asserts none changed. */
function snapshotParams(params: readonly Tensor[]): () => void {
  const snaps = params.map((p) => ({
    p,
    data: p.data,
    values: Array.from(p.data),
    grad: p.grad,
    gradValues: p.grad ? Array.from(p.grad.data) : null,
  }));
  return () => {
    for (const s of snaps) {
      expect(s.p.data).toBe(s.data);
      expect(Array.from(s.p.data)).toEqual(s.values);
      expect(s.p.grad).toBe(s.grad);
      expect(s.p.grad ? Array.from(s.p.grad.data) : null).toEqual(s.gradValues);
    }
  };
}

/** Every Linear inside `m`, depth first in children() order (the order of parameters()). */
function linearsOf(m: nn.Module): nn.Linear[] {
  if (m instanceof nn.Linear) return [m];
  return m.children().flatMap(([, c]) => linearsOf(c));
}

/** Points every Linear of `m` at the given tensors (weight, bias, weight, bias, ...). */
function bind(m: nn.Module, ps: readonly Tensor[]): void {
  const ls = linearsOf(m);
  expect(ps.length).toBe(2 * ls.length);
  ls.forEach((l, i) => {
    l.weight = ps[2 * i];
    l.bias = ps[2 * i + 1];
  });
}

/** The network's parameters as fresh float64 copies (gradcheck's inputs). */
function paramCopies(m: nn.Module): Tensor[] {
  return m.parameters().map((p) => tensor(p));
}

/** Every Module in the tree rooted at `m`, `m` included. */
function allModules(m: nn.Module): nn.Module[] {
  return [m, ...m.children().flatMap(([, c]) => allModules(c))];
}

function variance(a: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  const mean = s / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - mean) ** 2;
  return { mean, variance: v / a.length };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Smallest |value| (distance of relu inputs from the kink). */
function minAbs(a: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < a.length; i++) m = Math.min(m, Math.abs(a[i]));
  return m;
}

/** Smallest gap between the largest and second largest entry of each maxout group (distance from a tie). */
function minMaxoutGap(a: ArrayLike<number>, pieces: number): number {
  let gap = Infinity;
  for (let g = 0; g < a.length; g += pieces) {
    const grp = Array.from({ length: pieces }, (_, i) => a[g + i]).sort((x, y) => y - x);
    gap = Math.min(gap, grp[0] - grp[1]);
  }
  return gap;
}

const GC = { atol: 1e-6, rtol: 1e-4 };

// ---------------------------------------------------------------------------------------------

describe("Linear and Maxout layers", () => {
  it("Linear.forward is x·Wᵀ + b (and x·Wᵀ without bias)", () => {
    manualSeed(1);
    const lin = new nn.Linear(4, 3);
    lin.bias!.data.set([0.1, -0.2, 0.3]); // bias starts at zero; make it count
    const x = randn([5, 4]);
    const want = x.matmul(lin.weight.transpose()).add(lin.bias!);
    const got = lin.forward(x);
    expect(got.shape).toEqual([5, 3]);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
    // by hand, one element: y[2][1] = Σ_k x[2][k]·W[1][k] + b[1]
    let y21 = lin.bias!.data[1];
    for (let k = 0; k < 4; k++) y21 += x.data[2 * 4 + k] * lin.weight.data[1 * 4 + k];
    expect(got.data[2 * 3 + 1]).toBeCloseTo(y21, 14);

    const noBias = new nn.Linear(4, 3, { bias: false });
    expect(noBias.bias).toBeNull();
    expect(noBias.parameters()).toHaveLength(1);
    expect(Array.from(noBias.forward(x).data)).toEqual(Array.from(x.matmul(noBias.weight.transpose()).data));
  });

  it("Linear gradients w.r.t. input, weight and bias pass gradcheck", () => {
    manualSeed(2);
    const lin = new nn.Linear(4, 3);
    const x = randn([5, 4]);
    const W = randn([3, 4]);
    const b = randn([3]);
    const fn = (xx: Tensor, WW: Tensor, bb: Tensor) => {
      lin.weight = WW;
      lin.bias = bb;
      return lin.forward(xx);
    };
    const r = gradcheck(fn, [x, W, b], GC);
    expect(r.passed, JSON.stringify(r.worst)).toBe(true);
    expect(r.maxAbsError).toBeLessThan(1e-7);
    // the same formula built from ops passes too, and the module gives exactly its value
    const viaOps = (xx: Tensor, WW: Tensor, bb: Tensor) => xx.matmul(WW.transpose()).add(bb);
    expect(gradcheck(viaOps, [x, W, b], GC).passed).toBe(true);
    expect(Array.from(fn(x, W, b).data)).toEqual(Array.from(viaOps(x, W, b).data));
  });

  it("Maxout(in, out, pieces) is Linear(in, out·pieces) then maxout, and passes gradcheck", () => {
    manualSeed(3);
    const m = new nn.Maxout(4, 3, 2);
    expect(m.linear.weight.shape).toEqual([6, 4]);
    expect(m.linear.bias!.shape).toEqual([6]);
    const x = randn([5, 4]);
    const y = m.forward(x);
    expect(y.shape).toEqual([5, 3]);
    const pre = m.linear.forward(x).data;
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 3; j++) expect(y.data[i * 3 + j]).toBe(Math.max(pre[i * 6 + 2 * j], pre[i * 6 + 2 * j + 1]));
    }
    expect(minMaxoutGap(pre, 2)).toBeGreaterThan(1e-3); // no ties near the gradcheck points
    const r = gradcheck(
      (xx, W, b) => {
        bind(m, [W, b]);
        return m.forward(xx);
      },
      [x, ...paramCopies(m)],
      GC,
    );
    expect(r.passed, JSON.stringify(r.worst)).toBe(true);
  });
});

describe("gradcheck through every activation module (w.r.t. input and parameters)", () => {
  const cases: [string, () => nn.Module, number][] = [
    ["Sigmoid", () => new nn.Sigmoid(), 4],
    ["Tanh", () => new nn.Tanh(), 4],
    ["ReLU", () => new nn.ReLU(), 4],
    ["Softplus", () => new nn.Softplus(), 4],
    ["Softmax", () => new nn.Softmax(), 4],
    ["Softmax(axis 0)", () => new nn.Softmax(0), 4],
    ["LogSoftmax", () => new nn.LogSoftmax(), 4],
    ["LogSoftmax(axis 0)", () => new nn.LogSoftmax(0), 4],
    ["MaxoutActivation(2)", () => new nn.MaxoutActivation(2), 6],
  ];
  it.each(cases)("Linear → %s → Linear", (name, make, width) => {
    manualSeed(10);
    const act = make();
    const net = new nn.Sequential(new nn.Linear(3, width), act, new nn.Linear(name.startsWith("Maxout") ? width / 2 : width, 2));
    const x = randn([5, 3]);
    const pre = linearsOf(net)[0].forward(x).data;
    if (name === "ReLU") expect(minAbs(pre)).toBeGreaterThan(1e-3);
    if (name.startsWith("Maxout")) expect(minMaxoutGap(pre, 2)).toBeGreaterThan(1e-3);
    const before = net.forward(x).data.slice();
    const r = gradcheck(
      (xx, ...ps) => {
        bind(net, ps);
        return net.forward(xx);
      },
      [x, ...paramCopies(net)],
      GC,
    );
    expect(r.passed, `${name}: ${JSON.stringify(r.worst)}`).toBe(true);
    // the activation really is applied (the output is not the two linear maps alone)
    if (!name.startsWith("Maxout")) {
      expect(Array.from(before)).not.toEqual(Array.from(linearsOf(net)[1].forward(linearsOf(net)[0].forward(x)).data));
    }
  });

  it("a deep stack with every activation module, under crossEntropy", () => {
    manualSeed(11);
    const net = new nn.Sequential(
      new nn.Linear(3, 4),
      new nn.Sigmoid(),
      new nn.Linear(4, 4),
      new nn.Tanh(),
      new nn.Linear(4, 4),
      new nn.Softplus(),
      new nn.Linear(4, 6),
      new nn.MaxoutActivation(2),
      new nn.Linear(3, 4),
      new nn.Softmax(),
      new nn.Linear(4, 3),
      new nn.LogSoftmax(),
      new nn.Linear(3, 3),
    );
    const x = randn([4, 3]);
    const labels = [0, 2, 1, 2];
    const r = gradcheck(
      (xx, ...ps) => {
        bind(net, ps);
        return nn.crossEntropy(net.forward(xx), labels);
      },
      [x, ...paramCopies(net)],
      GC,
    );
    expect(r.passed, JSON.stringify(r.worst)).toBe(true);
  });
});

describe("gradcheck of every loss on a tiny network (Linear, Tanh, Maxout, ReLU, Linear)", () => {
  function tinyNet(): { net: nn.Sequential; x: Tensor } {
    manualSeed(20);
    const net = new nn.Sequential(new nn.Linear(3, 6), new nn.Tanh(), new nn.Maxout(6, 4, 2), new nn.ReLU(), new nn.Linear(4, 3));
    const x = randn([5, 3]);
    // stay away from kinks: maxout ties and relu at 0
    const h = (net.layers[1] as nn.Module).forward((net.layers[0] as nn.Module).forward(x));
    const maxoutLayer = net.layers[2] as nn.Maxout;
    expect(minMaxoutGap(maxoutLayer.linear.forward(h).data, 2)).toBeGreaterThan(1e-3);
    expect(minAbs(maxoutLayer.forward(h).data)).toBeGreaterThan(1e-3);
    return { net, x };
  }

  const losses: [string, (out: Tensor) => Tensor, boolean][] = [
    ["crossEntropy", (z) => nn.crossEntropy(z, [0, 2, 1, 1, 2]), false],
    ["crossEntropy sum", (z) => nn.crossEntropy(z, Int32Array.from([0, 2, 1, 1, 2]), { reduction: "sum" }), false],
    ["crossEntropy none", (z) => nn.crossEntropy(z, [0, 2, 1, 1, 2], { reduction: "none" }), false],
    ["nllLoss on LogSoftmax", (l) => nn.nllLoss(l, [1, 0, 2, 2, 0]), true],
    [
      "mseLoss",
      (p) =>
        nn.mseLoss(
          p,
          tensor([
            [0.5, -1, 2],
            [0, 0, 0],
            [1, 1, 1],
            [-0.3, 0.2, 0.7],
            [3, -2, 1],
          ]),
        ),
      false,
    ],
    [
      "bceWithLogits",
      (z) =>
        nn.bceWithLogits(
          z,
          tensor([
            [0, 1, 0.3],
            [1, 1, 0],
            [0.5, 0.2, 0.9],
            [0, 0, 1],
            [1, 0.7, 0],
          ]),
        ),
      false,
    ],
  ];

  it.each(losses)("%s", (_name, loss, logSoftmaxHead) => {
    const { net, x } = tinyNet();
    const model = logSoftmaxHead ? new nn.Sequential(net, new nn.LogSoftmax()) : net;
    const inputs = [x, ...paramCopies(model)];
    expect(inputs).toHaveLength(1 + 6);
    const r = gradcheck(
      (xx, ...ps) => {
        bind(model, ps);
        return loss(model.forward(xx));
      },
      inputs,
      GC,
    );
    expect(r.passed, JSON.stringify(r.worst)).toBe(true);
    expect(r.maxAbsError).toBeLessThan(1e-6);
  });
});

describe("crossEntropy", () => {
  const logits = [
    [1, 2, 3],
    [0.5, -1, 2],
    [-0.3, 0.8, 0.1],
    [4, -2, 0],
  ];
  const labels = [2, 0, 1, 1];
  const N = 4,
    C = 3;

  /** −log softmax(z)[y] for one row, by hand. */
  function rowLoss(z: number[], y: number): number {
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    return lse - z[y];
  }

  it("equals −mean log softmax at the label; sum and none reductions", () => {
    const z = tensor(logits);
    const hand = logits.map((row, i) => rowLoss(row, labels[i]));
    expect(nn.crossEntropy(z, labels).item()).toBeCloseTo(hand.reduce((a, b) => a + b) / N, 14);
    expect(nn.crossEntropy(z, labels, { reduction: "sum" }).item()).toBeCloseTo(
      hand.reduce((a, b) => a + b),
      13,
    );
    const none = nn.crossEntropy(z, labels, { reduction: "none" });
    expect(none.shape).toEqual([N]);
    hand.forEach((h, i) => expect(none.data[i]).toBeCloseTo(h, 14));
    // the four label containers agree
    const asInt = nn.crossEntropy(z, Int32Array.from(labels)).item();
    const asTensor = nn.crossEntropy(z, tensor(labels)).item();
    expect(asInt).toBe(nn.crossEntropy(z, labels).item());
    expect(asTensor).toBe(asInt);
    // first row by hand with literal numbers: log(e + e² + e³) − 3
    expect(none.data[0]).toBeCloseTo(Math.log(Math.E + Math.E ** 2 + Math.E ** 3) - 3, 14);
    expect(() => nn.crossEntropy(z, labels, { reduction: "avg" as never })).toThrow(/crossEntropy/);
  });

  it("its gradient is (softmax − onehot) / N; with sum it is softmax − onehot", () => {
    for (const reduction of ["mean", "sum"] as const) {
      const z = tensor(logits, { requiresGrad: true });
      nn.crossEntropy(z, labels, { reduction }).backward();
      const scale = reduction === "mean" ? 1 / N : 1;
      logits.forEach((row, i) => {
        const m = Math.max(...row);
        const e = row.map((v) => Math.exp(v - m));
        const s = e.reduce((a, b) => a + b);
        row.forEach((_, j) => {
          const want = (e[j] / s - (j === labels[i] ? 1 : 0)) * scale;
          expect(z.grad!.data[i * C + j]).toBeCloseTo(want, 14);
        });
      });
    }
  });

  it("stays finite for huge logits, with the right values and gradients", () => {
    const z = tensor(
      [
        [1000, -1000, 0],
        [1000, -1000, 0],
        [1000, -1000, 0],
      ],
      { requiresGrad: true },
    );
    const none = nn.crossEntropy(z, [0, 1, 2], { reduction: "none" });
    expect(Array.from(none.data, (v) => v + 0)).toEqual([0, 2000, 1000]); // (−0 and 0 both fine)
    const mean = nn.crossEntropy(z, [0, 1, 2]);
    expect(mean.item()).toBeCloseTo(1000, 10);
    mean.backward();
    const g = Array.from(z.grad!.data);
    expect(g.every(Number.isFinite)).toBe(true);
    // softmax = [1, 0, 0] in every row: grads (softmax − onehot)/3
    const want = [
      [0, 0, 0],
      [1, -1, 0],
      [1, 0, -1],
    ]
      .flat()
      .map((v) => v / 3);
    g.forEach((v, i) => expect(v).toBeCloseTo(want[i], 15));

    const w = tensor(
      [
        [1e300, -1e300],
        [1e300, -1e300],
      ],
      { requiresGrad: true },
    );
    const l = nn.crossEntropy(w, [0, 1], { reduction: "none" });
    expect(Array.from(l.data, (v) => v + 0)).toEqual([0, 2e300]);
    l.sum().backward();
    expect(Array.from(w.grad!.data)).toEqual([0, 0, 1, -1]);
    const m = nn.crossEntropy(tensor([[1e300, -1e300]]), [1]);
    expect(Number.isFinite(m.item())).toBe(true);
  });
});

describe("nllLoss, mseLoss, bceWithLogits by hand", () => {
  it("nllLoss picks −logProbs at the labels; on logSoftmax output it equals crossEntropy", () => {
    const lp = tensor([
      [-0.1, -2.5, -3],
      [-1, -0.7, -2],
      [-4, -3, -0.05],
    ]);
    expect(nn.nllLoss(lp, [0, 1, 2]).item()).toBeCloseTo((0.1 + 0.7 + 0.05) / 3, 15);
    expect(nn.nllLoss(lp, [2, 2, 0], { reduction: "sum" }).item()).toBeCloseTo(3 + 2 + 4, 15);
    expect(Array.from(nn.nllLoss(lp, [1, 0, 1], { reduction: "none" }).data)).toEqual([2.5, 1, 3]);
    const z = tensor([
      [0.3, -1.2, 2],
      [5, 1, -1],
    ]);
    expect(nn.nllLoss(z.logSoftmax(), [2, 1]).item()).toBeCloseTo(nn.crossEntropy(z, [2, 1]).item(), 14);
  });

  it("mseLoss is mean((p − t)²)", () => {
    const p = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const t = tensor([
      [0, 2.5],
      [5, 1],
    ]);
    // (1 + 0.25 + 4 + 9) / 4 = 3.5625
    const l = nn.mseLoss(p, t);
    expect(l.item()).toBe(3.5625);
    expect(nn.mseLoss(p, t, { reduction: "sum" }).item()).toBe(14.25);
    expect(Array.from(nn.mseLoss(p, t, { reduction: "none" }).data)).toEqual([1, 0.25, 4, 9]);
    l.backward();
    // 2(p − t)/4
    expect(Array.from(p.grad!.data)).toEqual([0.5, -0.25, -1, 1.5]);
  });

  it("bceWithLogits is −[t log σ(z) + (1 − t) log(1 − σ(z))] for moderate z", () => {
    const zs = [-2, -0.5, 0, 0.7, 3, 1.5];
    const ts = [0, 1, 0.3, 1, 0.8, 0];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const each = zs.map((z, i) => -(ts[i] * Math.log(sig(z)) + (1 - ts[i]) * Math.log(1 - sig(z))));
    const z = tensor(zs, { requiresGrad: true });
    const t = tensor(ts);
    const l = nn.bceWithLogits(z, t);
    expect(l.item()).toBeCloseTo(each.reduce((a, b) => a + b) / zs.length, 14);
    const none = nn.bceWithLogits(z, t, { reduction: "none" });
    each.forEach((v, i) => expect(none.data[i]).toBeCloseTo(v, 14));
    expect(nn.bceWithLogits(z, t, { reduction: "sum" }).item()).toBeCloseTo(
      each.reduce((a, b) => a + b),
      13,
    );
    l.backward();
    // ∂/∂z = (σ(z) − t)/N
    zs.forEach((v, i) => expect(z.grad!.data[i]).toBeCloseTo((sig(v) - ts[i]) / zs.length, 14));
    // at z = 0: log 2 whatever t is
    expect(nn.bceWithLogits(tensor([0, 0, 0]), tensor([0, 0.5, 1])).item()).toBeCloseTo(Math.LN2, 15);
  });

  it("bceWithLogits is finite at z = ±1000, value and gradient", () => {
    const z = tensor([1000, 1000, -1000, -1000, 1000], { requiresGrad: true });
    const t = tensor([1, 0, 1, 0, 0.5]);
    const none = nn.bceWithLogits(z, t, { reduction: "none" });
    expect(Array.from(none.data)).toEqual([0, 1000, 1000, 0, 500]);
    nn.bceWithLogits(z, t, { reduction: "sum" }).backward();
    expect(Array.from(z.grad!.data)).toEqual([0, 1, -1, 0, 0.5]);
  });
});

describe("Linear initialisation", () => {
  const IN = 300,
    OUT = 400;

  function checkXavier(w: Tensor): void {
    const a = Math.sqrt(6 / (IN + OUT));
    const { mean, variance: v } = variance(w.data);
    expect(maxAbs(w.data)).toBeLessThanOrEqual(a);
    expect(maxAbs(w.data)).toBeGreaterThan(0.99 * a); // uniform: fills the range
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(v / (2 / (IN + OUT))).toBeGreaterThan(0.97);
    expect(v / (2 / (IN + OUT))).toBeLessThan(1.03);
  }

  function checkHe(w: Tensor): void {
    const std = Math.sqrt(2 / IN);
    const { mean, variance: v } = variance(w.data);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(v / (2 / IN)).toBeGreaterThan(0.97);
    expect(v / (2 / IN)).toBeLessThan(1.03);
    // normal, not uniform: about 8.3% of draws lie beyond √3·σ (a uniform of that variance has none)
    let tail = 0;
    for (const x of w.data) if (Math.abs(x) > Math.sqrt(3) * std) tail++;
    expect(tail / w.size).toBeGreaterThan(0.07);
    expect(tail / w.size).toBeLessThan(0.1);
  }

  it("default is Xavier uniform: bound √(6/(in+out)), variance 2/(in+out); bias zero", () => {
    manualSeed(0);
    const lin = new nn.Linear(IN, OUT);
    expect(lin.weight.shape).toEqual([OUT, IN]);
    checkXavier(lin.weight);
    expect(Array.from(lin.bias!.data).every((v) => v === 0)).toBe(true);
    expect(lin.bias!.shape).toEqual([OUT]);
    expect(lin.weight.requiresGrad && lin.bias!.requiresGrad).toBe(true);
  });

  it("He: init 'he' or activation 'relu' gives variance 2/in", () => {
    manualSeed(0);
    checkHe(new nn.Linear(IN, OUT, { init: "he" }).weight);
    checkHe(new nn.Linear(IN, OUT, { activation: "relu" }).weight);
    checkXavier(new nn.Linear(IN, OUT, { activation: "tanh" }).weight);
    const maxout = new nn.Maxout(IN, OUT / 2, 2);
    checkHe(maxout.linear.weight);
    expect(Array.from(maxout.linear.bias!.data).every((v) => v === 0)).toBe(true);
  });

  it("Sequential: Linear → ReLU / MaxoutActivation gets He, → Tanh / Sigmoid keeps Xavier, explicit init is kept", () => {
    manualSeed(0);
    checkHe((new nn.Sequential(new nn.Linear(IN, OUT), new nn.ReLU()).layers[0] as nn.Linear).weight);
    checkHe((new nn.Sequential(new nn.Linear(IN, OUT), new nn.MaxoutActivation(2)).layers[0] as nn.Linear).weight);
    checkXavier((new nn.Sequential(new nn.Linear(IN, OUT), new nn.Tanh()).layers[0] as nn.Linear).weight);
    checkXavier((new nn.Sequential(new nn.Linear(IN, OUT), new nn.Sigmoid()).layers[0] as nn.Linear).weight);
    checkXavier((new nn.Sequential(new nn.Linear(IN, OUT, { init: "xavier" }), new nn.ReLU()).layers[0] as nn.Linear).weight);
    const s = new nn.Sequential(new nn.Linear(IN, OUT), new nn.ReLU());
    expect(Array.from((s.layers[0] as nn.Linear).bias!.data).every((v) => v === 0)).toBe(true);
  });

  it("manualSeed(0) twice gives identical weights; another seed gives different ones", () => {
    const make = (seed: number) => {
      manualSeed(seed);
      return new nn.Sequential(new nn.Linear(5, 7), new nn.ReLU(), new nn.Maxout(7, 3, 2), new nn.Linear(3, 2))
        .parameters()
        .map((p) => Array.from(p.data));
    };
    const a = make(0),
      b = make(0),
      c = make(1);
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
  });
});

describe("Module", () => {
  function build() {
    manualSeed(5);
    const inner = new nn.Sequential(new nn.Linear(8, 5), new nn.ReLU(), new nn.Linear(5, 3, { bias: false }));
    const model = new nn.Sequential(new nn.Linear(4, 16), new nn.Tanh(), new nn.Maxout(16, 8, 2), inner, new nn.LogSoftmax());
    return { model, inner };
  }

  it("parameters() lists the weights and biases of nested Sequential / Maxout, in order, each once", () => {
    const { model, inner } = build();
    const ps = model.parameters();
    expect(ps.map((p) => p.shape)).toEqual([[16, 4], [16], [16, 16], [16], [5, 8], [5], [3, 5]]);
    expect(ps.every((p) => p.requiresGrad && p.isLeaf)).toBe(true);
    expect(ps[0]).toBe((model.layers[0] as nn.Linear).weight);
    expect(ps[2]).toBe((model.layers[2] as nn.Maxout).linear.weight);
    expect(ps[6]).toBe((inner.layers[2] as nn.Linear).weight);
    expect(new Set(ps).size).toBe(ps.length);
    expect(inner.parameters()).toEqual(ps.slice(4));
    expect(new nn.Tanh().parameters()).toEqual([]);
    // a module used twice contributes its parameters once
    const shared = new nn.Linear(3, 3);
    expect(new nn.Sequential(shared, new nn.Tanh(), shared).parameters()).toHaveLength(2);
    // the state dict names them by path
    expect(Object.keys(model.stateDict())).toEqual([
      "0.weight",
      "0.bias",
      "2.linear.weight",
      "2.linear.bias",
      "3.0.weight",
      "3.0.bias",
      "3.2.weight",
    ]);
  });

  it("train() / eval() toggle `training` recursively", () => {
    const { model } = build();
    const mods = allModules(model);
    expect(mods.length).toBe(1 + 5 + 1 + 3); // root, its five layers, Maxout's Linear, inner's three
    expect(mods.every((m) => m.training)).toBe(true);
    expect(model.eval()).toBe(model);
    expect(mods.every((m) => m.training === false)).toBe(true);
    expect(model.train()).toBe(model);
    expect(mods.every((m) => m.training)).toBe(true);
    model.train(false);
    expect(mods.every((m) => m.training === false)).toBe(true);
  });

  it("call() equals forward()", () => {
    const { model } = build();
    const x = randn([3, 4]);
    const a = model.forward(x),
      b = model.call(x);
    expect(b.shape).toEqual([3, 3]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    const lin = new nn.Linear(4, 2);
    expect(Array.from(lin.call(x).data)).toEqual(Array.from(lin.forward(x).data));
  });
});

describe("bad input: named errors, nothing changed", () => {
  function setup() {
    manualSeed(7);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 3));
    const x = randn([2, 3]);
    nn.crossEntropy(model.forward(x), [0, 2]).backward(); // give every parameter a gradient
    const params = model.parameters();
    expect(params.every((p) => p.grad !== null)).toBe(true);
    return { model, x, params, unchanged: snapshotParams(params) };
  }

  it("Linear with the wrong input width names Linear and the shapes", () => {
    const { model, unchanged } = setup();
    expectThrow(() => model.forward(randn([2, 5])), RangeError, /Linear/, /\[2,5\]/, /3/);
    expectThrow(() => new nn.Linear(3, 4).forward(randn([4])), RangeError, /Linear\(3, 4\)/, /\[4\]/);
    expectThrow(() => model.forward(randn([2, 3, 2])), RangeError, /Linear/, /\[2,3,2\]/);
    expectThrow(() => new nn.Linear(0, 3), RangeError, /Linear/);
    expectThrow(() => new nn.Linear(2.5, 3), RangeError, /Linear/);
    unchanged();
  });

  it("crossEntropy and nllLoss reject bad labels and non-2-d scores", () => {
    const { model, x, unchanged } = setup();
    for (const [op, loss] of [
      ["crossEntropy", nn.crossEntropy],
      ["nllLoss", nn.nllLoss],
    ] as const) {
      const z = model.forward(x);
      const name = new RegExp(op);
      expectThrow(() => loss(z, [0, 3]), RangeError, name, /3/); // out of range (3 classes)
      expectThrow(() => loss(z, [-1, 0]), RangeError, name, /-1/);
      expectThrow(() => loss(z, [0, 1.5]), RangeError, name, /1\.5/);
      expectThrow(() => loss(z, [Number.NaN, 0]), RangeError, name, /NaN/);
      expectThrow(() => loss(z, [0, 1, 2]), RangeError, name, /3/, /2/); // wrong length
      expectThrow(() => loss(z, [0]), RangeError, name);
      expectThrow(() => loss(z, tensor([0, 0.5])), RangeError, name);
      expectThrow(() => loss(z, ["a", 0] as unknown as number[]), [RangeError, TypeError], name);
      expectThrow(() => loss(z.reshape([6]), [0, 1]), RangeError, name, /\[6\]/);
      expectThrow(() => loss(z.reshape([2, 3, 1]), [0, 1]), RangeError, name, /\[2,3,1\]/);
      expectThrow(() => loss(null as unknown as Tensor, [0, 1]), TypeError, name);
      expectThrow(() => loss(z, null as unknown as number[]), [TypeError, RangeError], name);
      expect(z.grad).toBeNull();
    }
    unchanged();
  });

  it("mseLoss / bceWithLogits reject shape mismatches; bceWithLogits rejects targets outside [0, 1]", () => {
    const { model, x, unchanged } = setup();
    const z = model.forward(x); // [2, 3]
    expectThrow(
      () =>
        nn.mseLoss(
          z,
          tensor([
            [1, 2],
            [3, 4],
            [5, 6],
          ]),
        ),
      RangeError,
      /mseLoss/,
      /\[2,3\]/,
      /\[3,2\]/,
    );
    expectThrow(() => nn.mseLoss(z, tensor([1, 2, 3])), RangeError, /mseLoss/, /\[3\]/);
    expectThrow(
      () =>
        nn.bceWithLogits(
          z,
          tensor([
            [1, 0],
            [0, 1],
          ]),
        ),
      RangeError,
      /bceWithLogits/,
      /\[2,3\]/,
      /\[2,2\]/,
    );
    expectThrow(
      () =>
        nn.bceWithLogits(
          z,
          tensor([
            [0, 1, 1.5],
            [0, 0, 0],
          ]),
        ),
      RangeError,
      /bceWithLogits/,
      /1\.5/,
    );
    expectThrow(
      () =>
        nn.bceWithLogits(
          z,
          tensor([
            [0, 1, 1],
            [0, -0.1, 0],
          ]),
        ),
      RangeError,
      /bceWithLogits/,
      /-0\.1/,
    );
    expectThrow(
      () =>
        nn.bceWithLogits(
          z,
          tensor([
            [0, 1, 1],
            [0, Number.NaN, 0],
          ]),
        ),
      RangeError,
      /bceWithLogits/,
      /NaN/,
    );
    expectThrow(() => nn.mseLoss(z, null as unknown as Tensor), TypeError, /mseLoss/);
    expect(z.grad).toBeNull();
    unchanged();
  });
});

describe("reproducibility", () => {
  it("manualSeed(0) twice gives identical losses over 20 Adam steps on moons", () => {
    const run = (seed: number): number[] => {
      manualSeed(seed);
      const { x, y } = data.moons({ n: 64, seed: 3 });
      const model = new nn.Sequential(new nn.Linear(2, 12), new nn.Tanh(), new nn.Linear(12, 2));
      const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
      const losses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const loss = nn.crossEntropy(model.forward(x), y);
        losses.push(loss.item());
        loss.backward();
        opt.step();
        opt.zeroGrad();
      }
      return losses;
    };
    const a = run(0),
      b = run(0),
      c = run(1);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[19]).toBeLessThan(a[0]); // it does train
  });
});
