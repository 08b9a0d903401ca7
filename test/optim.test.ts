/**
 * optim: the first three steps of SGD (plain, momentum, Nesterov, weight decay, dampening) and
 * Adam (defaults, custom eps, weight decay) against PyTorch's documented update equations,
 * worked out by hand below; zeroGrad; skipping parameters without a gradient; dtype kept;
 * invalid hyper-parameters.
 *
 * PyTorch SGD (torch.optim.SGD docs), with g = ∇ + λp:
 *   b₁ = g;  b_t = μ b_{t−1} + (1 − τ) g           (only when μ ≠ 0)
 *   g ← g + μ b_t (nesterov)  or  g ← b_t
 *   p ← p − γ g
 * PyTorch Adam (torch.optim.Adam docs), with g = ∇ + λp:
 *   m_t = β₁ m + (1 − β₁) g,  v_t = β₂ v + (1 − β₂) g²
 *   p ← p − (γ / (1 − β₁ᵗ)) · m_t / (√v_t / √(1 − β₂ᵗ) + ε)
 */
import { describe, expect, it } from "vitest";
import { optim, type Tensor, tensor } from "../src/index.js";

const P0 = [1, -2, 0.5];
const G = [0.5, -1, 2];

function param(values: number[] = P0): Tensor {
  return tensor(values, { requiresGrad: true });
}

/** Runs three steps with the gradient set by hand before each, returning the values after each step. */
function threeSteps(p: Tensor, opt: optim.Optimizer, grads: number[][] = [G, G, G]): number[][] {
  const out: number[][] = [];
  for (const g of grads) {
    p.grad = tensor(g);
    opt.step();
    out.push(Array.from(p.data));
  }
  return out;
}

function expectClose(got: number[][], want: number[][], tol = 1e-14): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, s) => {
    expect(row.length).toBe(want[s].length);
    row.forEach((v, i) => {
      expect(Math.abs(v - want[s][i]), `step ${s + 1}, element ${i}: got ${v}, want ${want[s][i]}`).toBeLessThanOrEqual(tol);
    });
  });
}

describe("SGD, three steps by hand (lr 0.1, p₀ = [1, −2, 0.5], g = [0.5, −1, 2])", () => {
  it("plain: p ← p − 0.1 g", () => {
    const p = param();
    const got = threeSteps(p, new optim.SGD([p], { lr: 0.1 }));
    expectClose(got, [
      [0.95, -1.9, 0.3],
      [0.9, -1.8, 0.1],
      [0.85, -1.7, -0.1],
    ]);
  });

  it("momentum 0.9: b = g, 1.9g, 2.71g", () => {
    // step 1: b = g            → p = p₀ − 0.1·g
    // step 2: b = 0.9g + g = 1.9g  → p = p₀ − 0.1·(1 + 1.9)g = p₀ − 0.29g
    // step 3: b = 0.9·1.9g + g = 2.71g → p = p₀ − 0.1·(2.9 + 2.71)g = p₀ − 0.561g
    const p = param();
    const got = threeSteps(p, new optim.SGD([p], { lr: 0.1, momentum: 0.9 }));
    expectClose(got, [
      [1 - 0.05, -2 + 0.1, 0.5 - 0.2], // [0.95, −1.9, 0.3]
      [1 - 0.145, -2 + 0.29, 0.5 - 0.58], // [0.855, −1.71, −0.08]
      [1 - 0.2805, -2 + 0.561, 0.5 - 1.122], // [0.7195, −1.439, −0.622]
    ]);
  });

  it("Nesterov (momentum 0.9): steps of 1.9g, 2.71g, 3.439g", () => {
    // step 1: b = g,     g' = g + 0.9·g = 1.9g           → p = p₀ − 0.19g
    // step 2: b = 1.9g,  g' = g + 0.9·1.9g = 2.71g       → p = p₀ − 0.1·(1.9 + 2.71)g = p₀ − 0.461g
    // step 3: b = 2.71g, g' = g + 0.9·2.71g = 3.439g     → p = p₀ − 0.1·(4.61 + 3.439)g = p₀ − 0.8049g
    const p = param();
    const got = threeSteps(p, new optim.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }));
    expectClose(got, [
      [1 - 0.095, -2 + 0.19, 0.5 - 0.38],
      [1 - 0.2305, -2 + 0.461, 0.5 - 0.922],
      [1 - 0.40245, -2 + 0.8049, 0.5 - 1.6098],
    ]);
  });

  it("dampening 0.5 (momentum 0.9): b = g (no dampening on the first step), 1.4g, 1.76g", () => {
    // step 1: b = g                          → p = p₀ − 0.1g
    // step 2: b = 0.9g + 0.5g = 1.4g         → p = p₀ − 0.1·2.4g = p₀ − 0.24g
    // step 3: b = 0.9·1.4g + 0.5g = 1.76g    → p = p₀ − 0.1·4.16g = p₀ − 0.416g
    const p = param();
    const got = threeSteps(p, new optim.SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 }));
    expectClose(got, [
      [1 - 0.05, -2 + 0.1, 0.5 - 0.2],
      [1 - 0.12, -2 + 0.24, 0.5 - 0.48],
      [1 - 0.208, -2 + 0.416, 0.5 - 0.832],
    ]);
  });

  it("weight decay 0.1: p ← p − 0.1(g + 0.1p) = 0.99p − 0.1g", () => {
    // element 0: 0.99·1 − 0.05 = 0.94;       0.99·0.94 − 0.05 = 0.8806;     0.99·0.8806 − 0.05 = 0.821794
    // element 1: 0.99·(−2) + 0.1 = −1.88;    0.99·(−1.88) + 0.1 = −1.7612;  0.99·(−1.7612) + 0.1 = −1.643588
    // element 2: 0.99·0.5 − 0.2 = 0.295;     0.99·0.295 − 0.2 = 0.09205;    0.99·0.09205 − 0.2 = −0.1088705
    const p = param();
    const got = threeSteps(p, new optim.SGD([p], { lr: 0.1, weightDecay: 0.1 }));
    expectClose(got, [
      [0.94, -1.88, 0.295],
      [0.8806, -1.7612, 0.09205],
      [0.821794, -1.643588, -0.1088705],
    ]);
  });

  it("weight decay 0.1 with momentum 0.9 (decay enters the buffer)", () => {
    // one element, p₀ = 1, g = 0.5, lr 0.1:
    // step 1: d = 0.5 + 0.1·1 = 0.6;            b = 0.6;                        p = 1 − 0.06 = 0.94
    // step 2: d = 0.5 + 0.094 = 0.594;          b = 0.54 + 0.594 = 1.134;       p = 0.94 − 0.1134 = 0.8266
    // step 3: d = 0.5 + 0.08266 = 0.58266;      b = 1.0206 + 0.58266 = 1.60326; p = 0.8266 − 0.160326 = 0.666274
    const p = param([1]);
    const got = threeSteps(p, new optim.SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 }), [[0.5], [0.5], [0.5]]);
    expectClose(got, [[0.94], [0.8266], [0.666274]]);
  });
});

describe("Adam, three steps by hand", () => {
  it("defaults (lr 1e-3, betas 0.9/0.999, eps 1e-8), constant g: each step moves lr·g/(|g| + eps)", () => {
    // step 1: m = 0.1g = [0.05, −0.1, 0.2], v = 0.001g² = [0.00025, 0.001, 0.004]
    //         m/(1 − 0.9) = g and √(v/(1 − 0.999)) = |g|  → p −= 1e-3·g/(|g| + 1e-8)
    // step 2: m = 0.9·0.1g + 0.1g = 0.19g = (1 − 0.9²)g,  v = 0.999·0.001g² + 0.001g² = 0.001999g² = (1 − 0.999²)g²
    //         → the same move again
    // step 3: m = 0.271g = (1 − 0.9³)g, v = 0.002997001g² = (1 − 0.999³)g² → the same move again
    const d = [(1e-3 * 0.5) / (0.5 + 1e-8), (-1e-3 * 1) / (1 + 1e-8), (1e-3 * 2) / (2 + 1e-8)];
    const p = param();
    const got = threeSteps(p, new optim.Adam([p]));
    expectClose(got, [
      [1 - d[0], -2 - d[1], 0.5 - d[2]],
      [1 - 2 * d[0], -2 - 2 * d[1], 0.5 - 2 * d[2]],
      [1 - 3 * d[0], -2 - 3 * d[1], 0.5 - 3 * d[2]],
    ]);
    // the defaults are PyTorch's
    const opt = new optim.Adam([param()]);
    expect(opt.lr).toBe(1e-3);
    expect([...opt.betas]).toEqual([0.9, 0.999]);
    expect(opt.eps).toBe(1e-8);
    expect(opt.weightDecay).toBe(0);
  });

  it("changing gradients, lr 0.1, eps 1e-3 (eps added after the bias correction of √v)", () => {
    // p₀ = [1, −2];  g₁ = [0.5, −1], g₂ = [−0.2, 0.4], g₃ = [0.1, 3]
    // step 1: m₁ = [0.05, −0.1];  v₁ = [0.00025, 0.001];  1 − 0.9 = 0.1;  1 − 0.999 = 0.001
    const p1 = [
      1 - ((0.1 / 0.1) * 0.05) / (Math.sqrt(0.00025) / Math.sqrt(0.001) + 1e-3),
      -2 - ((0.1 / 0.1) * -0.1) / (Math.sqrt(0.001) / Math.sqrt(0.001) + 1e-3),
    ];
    // step 2: m₂ = 0.9m₁ + 0.1g₂ = [0.045 − 0.02, −0.09 + 0.04] = [0.025, −0.05]
    //         v₂ = 0.999v₁ + 0.001g₂² = [0.00024975 + 0.00004, 0.000999 + 0.00016] = [0.00028975, 0.001159]
    //         1 − 0.9² = 0.19;  1 − 0.999² = 0.001999
    const p2 = [
      p1[0] - ((0.1 / 0.19) * 0.025) / (Math.sqrt(0.00028975) / Math.sqrt(0.001999) + 1e-3),
      p1[1] - ((0.1 / 0.19) * -0.05) / (Math.sqrt(0.001159) / Math.sqrt(0.001999) + 1e-3),
    ];
    // step 3: m₃ = 0.9m₂ + 0.1g₃ = [0.0225 + 0.01, −0.045 + 0.3] = [0.0325, 0.255]
    //         v₃ = 0.999v₂ + 0.001g₃² = [0.00028946025 + 0.00001, 0.001157841 + 0.009] = [0.00029946025, 0.010157841]
    //         1 − 0.9³ = 0.271;  1 − 0.999³ = 0.002997001
    const p3 = [
      p2[0] - ((0.1 / 0.271) * 0.0325) / (Math.sqrt(0.00029946025) / Math.sqrt(0.002997001) + 1e-3),
      p2[1] - ((0.1 / 0.271) * 0.255) / (Math.sqrt(0.010157841) / Math.sqrt(0.002997001) + 1e-3),
    ];
    const p = param([1, -2]);
    const got = threeSteps(p, new optim.Adam([p], { lr: 0.1, eps: 1e-3 }), [
      [0.5, -1],
      [-0.2, 0.4],
      [0.1, 3],
    ]);
    expectClose(got, [p1, p2, p3], 1e-12);
    // sanity of the hand numbers: step 1 moves about lr·sign(g)
    expect(p1[0]).toBeCloseTo(0.9, 3);
    expect(p1[1]).toBeCloseTo(-1.9, 3);
  });

  it("weightDecay 0.1 (L2 added to the gradient), lr 0.1, raw g = [0.5, −1]", () => {
    // step 1: g₁ = [0.5 + 0.1·1, −1 + 0.1·(−2)] = [0.6, −1.2];  m₁ = [0.06, −0.12];  v₁ = [0.00036, 0.00144]
    const p1 = [
      1 - ((0.1 / 0.1) * 0.06) / (Math.sqrt(0.00036) / Math.sqrt(0.001) + 1e-8),
      -2 - ((0.1 / 0.1) * -0.12) / (Math.sqrt(0.00144) / Math.sqrt(0.001) + 1e-8),
    ];
    // step 2: g₂ = raw + 0.1·p₁;  m₂ = 0.9m₁ + 0.1g₂;  v₂ = 0.999v₁ + 0.001g₂²
    const g2 = [0.5 + 0.1 * p1[0], -1 + 0.1 * p1[1]];
    const m2 = [0.9 * 0.06 + 0.1 * g2[0], 0.9 * -0.12 + 0.1 * g2[1]];
    const v2 = [0.999 * 0.00036 + 0.001 * g2[0] ** 2, 0.999 * 0.00144 + 0.001 * g2[1] ** 2];
    const p2 = [
      p1[0] - ((0.1 / 0.19) * m2[0]) / (Math.sqrt(v2[0]) / Math.sqrt(0.001999) + 1e-8),
      p1[1] - ((0.1 / 0.19) * m2[1]) / (Math.sqrt(v2[1]) / Math.sqrt(0.001999) + 1e-8),
    ];
    // step 3: g₃ = raw + 0.1·p₂;  m₃ = 0.9m₂ + 0.1g₃;  v₃ = 0.999v₂ + 0.001g₃²
    const g3 = [0.5 + 0.1 * p2[0], -1 + 0.1 * p2[1]];
    const m3 = [0.9 * m2[0] + 0.1 * g3[0], 0.9 * m2[1] + 0.1 * g3[1]];
    const v3 = [0.999 * v2[0] + 0.001 * g3[0] ** 2, 0.999 * v2[1] + 0.001 * g3[1] ** 2];
    const p3 = [
      p2[0] - ((0.1 / 0.271) * m3[0]) / (Math.sqrt(v3[0]) / Math.sqrt(0.002997001) + 1e-8),
      p2[1] - ((0.1 / 0.271) * m3[1]) / (Math.sqrt(v3[1]) / Math.sqrt(0.002997001) + 1e-8),
    ];
    const p = param([1, -2]);
    const got = threeSteps(p, new optim.Adam([p], { lr: 0.1, weightDecay: 0.1 }), [
      [0.5, -1],
      [0.5, -1],
      [0.5, -1],
    ]);
    expectClose(got, [p1, p2, p3], 1e-12);
    // decay matters here: without it, three steps of a constant gradient move exactly 0.3·sign(g)
    const q = param([1, -2]);
    const plain = threeSteps(q, new optim.Adam([q], { lr: 0.1 }), [
      [0.5, -1],
      [0.5, -1],
      [0.5, -1],
    ]);
    expect(Math.abs(plain[2][0] - p3[0])).toBeGreaterThan(1e-4);
  });
});

describe("zeroGrad and parameters without a gradient", () => {
  it("zeroGrad sets every gradient to null; a step after it changes nothing", () => {
    const a = param(),
      b = param([3, 4]);
    for (const opt of [new optim.SGD([a, b], { lr: 0.1, momentum: 0.9 }), new optim.Adam([a, b])]) {
      a.grad = tensor(G);
      b.grad = tensor([1, 1]);
      opt.zeroGrad();
      expect(a.grad).toBeNull();
      expect(b.grad).toBeNull();
      const before = [Array.from(a.data), Array.from(b.data)];
      opt.step();
      expect([Array.from(a.data), Array.from(b.data)]).toEqual(before);
    }
  });

  it("SGD skips a parameter with a null gradient, and its first real step is a first step (b = g)", () => {
    const a = param([1, 2]),
      b = param([1, 2]);
    const opt = new optim.SGD([a, b], { lr: 0.1, momentum: 0.9 });
    a.grad = tensor([1, -1]);
    b.grad = null;
    opt.step(); // a: b = g → a = [0.9, 2.1]; b untouched
    expect(Array.from(b.data)).toEqual([1, 2]);
    expectClose([Array.from(a.data)], [[0.9, 2.1]]);
    b.grad = tensor([1, -1]);
    opt.step(); // a: b = 1.9g → a = [0.71, 2.29];  b: first step, buffer = g → b = [0.9, 2.1]
    expectClose(
      [Array.from(a.data), Array.from(b.data)],
      [
        [0.71, 2.29],
        [0.9, 2.1],
      ],
    );
  });

  it("Adam skips a parameter with a null gradient without advancing its step count", () => {
    const a = param([1, 2]),
      b = param([1, 2]);
    const opt = new optim.Adam([a, b], { lr: 0.1 });
    for (let i = 0; i < 2; i++) {
      a.grad = tensor([0.5, -0.5]);
      b.grad = null;
      opt.step();
    }
    expect(Array.from(b.data)).toEqual([1, 2]);
    b.grad = tensor([0.5, -0.5]);
    a.grad = null;
    opt.step();
    // b's first real step, with t = 1: m = 0.05·[1, −1], v = 0.00025·[1, 1]
    //   → b −= (0.1/0.1)·m/(√v/√0.001 + 1e-8) = 0.1·0.5/(0.5 + 1e-8) per element
    // (with t = 3 it would be (0.1/0.271)·0.05/(√0.00025/√0.002997001 + 1e-8) ≈ 0.0639 instead)
    const d = (0.1 * 0.5) / (0.5 + 1e-8);
    expectClose([Array.from(b.data)], [[1 - d, 2 + d]]);
    // a did not move on the skipped step
    expectClose([Array.from(a.data)], [[1 - 2 * d, 2 + 2 * d]]);
  });
});

describe("dtype", () => {
  it("float32 parameters stay float32 (same array), with float32-accurate values", () => {
    const mk = () => tensor(new Float32Array([1, -2, 0.5]), { requiresGrad: true });
    const cases: [string, (p: Tensor) => optim.Optimizer, number[]][] = [
      ["SGD momentum", (p) => new optim.SGD([p], { lr: 0.1, momentum: 0.9 }), [1 - 0.2805, -2 + 0.561, 0.5 - 1.122]],
      [
        "SGD nesterov",
        (p) => new optim.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }),
        [1 - 0.40245, -2 + 0.8049, 0.5 - 1.6098],
      ],
      [
        "Adam",
        (p) => new optim.Adam([p]),
        [1 - (3 * 1e-3 * 0.5) / (0.5 + 1e-8), -2 + (3 * 1e-3) / (1 + 1e-8), 0.5 - (3 * 1e-3 * 2) / (2 + 1e-8)],
      ],
    ];
    for (const [name, make, want] of cases) {
      const p = mk();
      const arr = p.data;
      const opt = make(p);
      for (let i = 0; i < 3; i++) {
        p.grad = tensor(new Float32Array(G));
        opt.step();
      }
      expect(p.dtype, name).toBe("float32");
      expect(p.data).toBe(arr);
      expect(p.data).toBeInstanceOf(Float32Array);
      Array.from(p.data).forEach((v, i) => expect(Math.abs(v - want[i]), `${name} [${i}]`).toBeLessThan(1e-6));
    }
  });

  it("float64 parameters keep full precision", () => {
    const p = param([1]);
    const opt = new optim.SGD([p], { lr: 1e-10 });
    p.grad = tensor([1]);
    opt.step();
    expect(p.dtype).toBe("float64");
    expect(p.data[0]).toBe(1 - 1e-10); // not representable in float32
  });
});

describe("invalid hyper-parameters", () => {
  const p = () => param();
  const bad: [string, () => unknown, RegExp][] = [
    ["SGD negative lr", () => new optim.SGD([p()], { lr: -0.1 }), /SGD.*lr/],
    ["SGD NaN lr", () => new optim.SGD([p()], { lr: Number.NaN }), /SGD.*lr/],
    ["SGD infinite lr", () => new optim.SGD([p()], { lr: Infinity }), /SGD.*lr/],
    ["SGD missing lr", () => new optim.SGD([p()], {} as optim.SGDOptions), /SGD.*lr/],
    ["SGD negative momentum", () => new optim.SGD([p()], { lr: 0.1, momentum: -0.5 }), /SGD.*momentum/],
    ["SGD negative weight decay", () => new optim.SGD([p()], { lr: 0.1, weightDecay: -1 }), /SGD.*weightDecay/],
    ["SGD nesterov without momentum", () => new optim.SGD([p()], { lr: 0.1, nesterov: true }), /SGD.*nesterov/],
    [
      "SGD nesterov with dampening",
      () => new optim.SGD([p()], { lr: 0.1, momentum: 0.9, dampening: 0.5, nesterov: true }),
      /SGD.*nesterov/,
    ],
    ["Adam negative lr", () => new optim.Adam([p()], { lr: -1e-3 }), /Adam.*lr/],
    ["Adam beta1 = 1", () => new optim.Adam([p()], { betas: [1, 0.999] }), /Adam.*betas/],
    ["Adam beta2 = 1", () => new optim.Adam([p()], { betas: [0.9, 1] }), /Adam.*betas/],
    ["Adam beta1 < 0", () => new optim.Adam([p()], { betas: [-0.1, 0.999] }), /Adam.*betas/],
    ["Adam beta2 > 1", () => new optim.Adam([p()], { betas: [0.9, 1.5] }), /Adam.*betas/],
    ["Adam NaN beta", () => new optim.Adam([p()], { betas: [Number.NaN, 0.999] }), /Adam.*betas/],
    ["Adam one beta", () => new optim.Adam([p()], { betas: [0.9] as unknown as [number, number] }), /Adam.*betas/],
    ["Adam negative eps", () => new optim.Adam([p()], { eps: -1 }), /Adam.*eps/],
    ["Adam negative weight decay", () => new optim.Adam([p()], { weightDecay: -0.1 }), /Adam.*weightDecay/],
  ];
  it.each(bad)("%s → RangeError naming the optimizer", (_name, fn, pattern) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(pattern);
  });

  it("bad parameter lists → TypeError naming the optimizer", () => {
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow(TypeError);
    expect(() => new optim.Adam([])).toThrow(/Adam/);
    expect(() => new optim.SGD([{} as Tensor], { lr: 0.1 })).toThrow(/SGD.*not a Tensor/);
    const leaf = param();
    const made = leaf.mul(2); // not a leaf
    expect(() => new optim.Adam([made])).toThrow(TypeError);
    expect(() => new optim.Adam([made])).toThrow(/Adam.*leaf/);
  });

  it("boundary values are accepted: lr 0, betas [0, 0], momentum 0", () => {
    const a = param();
    new optim.SGD([a], { lr: 0, momentum: 0 });
    const opt = new optim.Adam([a], { lr: 0, betas: [0, 0] });
    a.grad = tensor(G);
    opt.step();
    expect(Array.from(a.data)).toEqual(P0);
  });
});
