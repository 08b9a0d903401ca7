/** The teaching tools: traceBackward, formatTrace, toDot, detectAnomaly, jacobian. */
import fc from "fast-check";
import { instance } from "@viz-js/viz";
import { describe, expect, it } from "vitest";
import {
  activations,
  broadcastShapes,
  chain,
  detectAnomaly,
  formatTrace,
  grad,
  jacobian,
  manualSeed,
  nn,
  softmax,
  tensor,
  toDot,
  traceBackward,
  traceGradients,
  type Tensor,
} from "../src/index.js";
import { setGraphHooks } from "../src/tensor/graph.js";

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-10) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
};

/** A random small graph: ops drawn from a list, applied to leaves of shapes [2,3], [3], [3,2] and what they make. */
type OpCode = { op: number; i: number; j: number; axis: number };
const UNARY = [
  "sigmoid",
  "tanh",
  "relu",
  "softplus",
  "neg",
  "abs",
  "square",
  "expTanh",
  "sqrtPos",
  "logPos",
  "transpose",
  "reshape",
] as const;
const BINARY = ["add", "sub", "mul", "div", "matmul"] as const;
const REDUCE = ["sum", "mean", "max", "softmax", "logSoftmax", "maxout"] as const;
const ALL = [...UNARY, ...BINARY, ...REDUCE];

function unary(name: (typeof UNARY)[number], t: Tensor): Tensor {
  switch (name) {
    case "square":
      return t.pow(2);
    case "expTanh":
      return t.tanh().exp();
    case "sqrtPos":
      return t.pow(2).add(0.5).sqrt();
    case "logPos":
      return t.abs().add(0.5).log();
    case "transpose":
      return t.ndim >= 2 ? t.transpose() : t.neg();
    case "reshape":
      return t.reshape([-1]);
    default:
      return (t[name] as () => Tensor).call(t);
  }
}

const broadcastable = (x: Tensor, y: Tensor) => {
  try {
    broadcastShapes(x.shape, y.shape, "test");
    return true;
  } catch {
    return false;
  }
};

function build(values: number[], program: OpCode[]): { leaves: Tensor[]; loss: Tensor } {
  let k = 0;
  const take = (n: number) => values.slice(k, (k += n));
  const leaves = [
    tensor([take(3), take(3)], { requiresGrad: true }),
    tensor(take(3), { requiresGrad: true }),
    tensor([take(2), take(2), take(2)], { requiresGrad: true }),
  ];
  const pool: Tensor[] = [...leaves];
  for (const { op, i, j, axis } of program) {
    const a = pool[i % pool.length],
      b = pool[j % pool.length];
    const name = ALL[op % ALL.length];
    let out: Tensor;
    if ((BINARY as readonly string[]).includes(name)) {
      if (name === "matmul") out = a.ndim === 2 && b.ndim === 2 && a.shape[1] === b.shape[0] ? a.matmul(b) : a.sigmoid();
      else if (!broadcastable(a, b)) out = a.tanh();
      else if (name === "div") out = a.div(b.sigmoid().add(0.5));
      else out = (a[name as "add" | "sub" | "mul"] as (o: Tensor) => Tensor).call(a, b);
    } else if ((REDUCE as readonly string[]).includes(name)) {
      const ax = a.ndim === 0 ? undefined : axis % a.ndim;
      if (name === "maxout") out = a.ndim > 0 && a.shape[a.ndim - 1] % 2 === 0 ? a.maxout(2) : a.relu();
      else if (name === "softmax" || name === "logSoftmax") out = a.ndim > 0 ? a[name](ax) : a.exp();
      else out = a[name as "sum" | "mean" | "max"](ax, axis % 2 === 0);
    } else out = unary(name as (typeof UNARY)[number], a);
    pool.push(out);
  }
  // Every tensor made counts, weighted, so every node is on the path to the loss.
  const loss = pool.slice(3).reduce((s, t, q) => s.add(t.mul(0.5 + 0.25 * (q % 3)).sum()), pool[0].sum());
  return { leaves, loss };
}

const programArb = fc.array(fc.record({ op: fc.nat(100), i: fc.nat(100), j: fc.nat(100), axis: fc.nat(5) }), {
  minLength: 1,
  maxLength: 8,
});
const valuesArb = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 15, maxLength: 15 });

describe("traceBackward", () => {
  it("every step: result = upstream combined with local by the chain rule; leaves match backward()", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(valuesArb, programArb, (values, program) => {
        const { leaves, loss } = build(values, program);
        const steps = traceBackward(loss);
        expect(leaves.every((l) => l.grad === null)).toBe(true); // the trace touched no .grad
        for (const step of steps) {
          seen.add(step.op);
          expect(step.local.kind, step.op).not.toBe("rule");
          const byHand = chain(step);
          step.result.forEach((r, k) => {
            if (r === null) return expect(byHand[k]).toBeNull();
            expect(byHand[k]!.shape).toEqual(r.shape);
            close(byHand[k]!.data, r.data);
          });
        }
        const fromTrace = traceGradients(steps);
        loss.backward();
        for (const leaf of leaves) {
          if (leaf.grad === null) expect(fromTrace.has(leaf)).toBe(false);
          else close(fromTrace.get(leaf)!.data, leaf.grad.data, 1e-12);
        }
      }),
      { numRuns: 150 },
    );
    // The random programs really reach every kind of op (so the property is not vacuous).
    const expected = [
      "add",
      "sub",
      "mul",
      "div",
      "neg",
      "abs",
      "pow",
      "exp",
      "log",
      "sqrt",
      "sigmoid",
      "tanh",
      "relu",
      "softplus",
      "sum",
      "max",
      "softmax",
      "logSoftmax",
      "maxout",
      "matmul",
      "transpose",
      "reshape",
    ];
    expect(expected.filter((op) => !seen.has(op))).toEqual([]);
  });

  it("covers the losses and a maxout network: every step's chain rule matches, and so do the leaves", () => {
    manualSeed(2);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Maxout(4, 2, 2), new nn.Linear(2, 3));
    const x = tensor([
      [1, -1, 0.5],
      [0, 2, -1],
    ]);
    const logits = model.forward(x);
    const loss = nn
      .crossEntropy(logits, [2, 0])
      .add(
        nn.mseLoss(
          logits.softmax(),
          tensor([
            [0, 0, 1],
            [1, 0, 0],
          ]),
        ),
      )
      .add(
        nn.bceWithLogits(
          logits,
          tensor([
            [0, 1, 0.5],
            [1, 0, 0],
          ]),
        ),
      )
      .add(nn.nllLoss(logits.logSoftmax(), [1, 1]));
    const steps = traceBackward(loss);
    expect(new Set(steps.map((s) => s.op))).toContain("pick");
    for (const step of steps)
      chain(step).forEach((r, k) => (r === null ? expect(step.result[k]).toBeNull() : close(r.data, step.result[k]!.data)));
    const fromTrace = traceGradients(steps);
    loss.backward();
    for (const p of model.parameters()) close(fromTrace.get(p)!.data, p.grad!.data, 1e-12);
  });

  it("handles every matmul layout (A·B, A·Bᵀ, Aᵀ·B, Aᵀ·Bᵀ), as a gradient-of-gradient graph makes them", () => {
    manualSeed(4);
    const layer = new nn.Linear(3, 2);
    const x = tensor(
      [
        [1, -1, 0.5],
        [0, 2, -1],
        [1, 1, 1],
        [0.5, 0, -2],
      ],
      { requiresGrad: true },
    );
    const [gW] = grad(layer.forward(x).tanh().sum(), [layer.weight], { createGraph: true });
    const steps = traceBackward(
      gW
        .pow(2)
        .sum()
        .add(x.matmul(tensor([[1], [2], [3]])).sum()),
    );
    const layouts = new Set(
      steps.filter((s) => s.op === "matmul").map((s) => `${s.args?.transposeA ?? false}/${s.args?.transposeB ?? false}`),
    );
    expect(layouts.size).toBeGreaterThanOrEqual(3);
    for (const step of steps) {
      if (step.local.kind === "rule") continue; // e.g. tanhBackward: traced, with the engine's result only
      chain(step).forEach((r, k) => (r === null ? expect(step.result[k]).toBeNull() : close(r.data, step.result[k]!.data)));
    }
  });

  it("runs in the engine's order, from the loss, with the table's formula for each activation", () => {
    const x = tensor([0, 1, -1], { requiresGrad: true });
    const steps = traceBackward(x.sigmoid().tanh().sum(), { names: { x } });
    expect(steps.map((s) => s.op)).toEqual(["sum", "tanh", "sigmoid"]);
    expect(steps[1].formula).toBe(activations.tanh.derivative);
    expect(steps[2].formula).toBe("σ′(x) = σ(x)(1 − σ(x))");
    const s = [0, 1, -1].map((v) => 1 / (1 + Math.exp(-v)));
    close(
      steps[2].local.factors[0]!.data,
      s.map((v) => v * (1 - v)),
      1e-15,
    );
    expect(steps[2].inputNames).toEqual(["x"]);
    expect(steps[0].upstream.item()).toBe(1);
  });

  it("shows softmax's local as the Jacobian S_i(δ_ij − S_j) per row, and leaves it out when too big", () => {
    const a = tensor(
      [
        [1, 2, 3],
        [0, 0, 1],
      ],
      { requiresGrad: true },
    );
    const [step] = traceBackward(
      a
        .softmax(-1)
        .mul(tensor([1, -2, 3]))
        .sum(),
    ).filter((s) => s.op === "softmax");
    const J = step.local.factors[0]!;
    expect(J.shape).toEqual([2, 3, 3]);
    const S = softmax(a.detach(), -1).data;
    for (let r = 0; r < 2; r++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) {
          expect(J.data[(r * 3 + i) * 3 + j]).toBeCloseTo(S[r * 3 + i] * ((i === j ? 1 : 0) - S[r * 3 + j]), 15);
        }
    const [big] = traceBackward(a.softmax(0).sum(), { maxJacobian: 4 }).filter((s) => s.op === "softmax");
    expect(big.local.factors[0]).toBeNull();
    expect(formatTrace([big], { leaves: false })).toMatch(/too big to show/);
  });

  it("refuses a loss with no graph, naming itself", () => {
    expect(() => traceBackward(tensor([1, 2]).sum())).toThrow(/traceBackward: the loss has no graph/);
  });

  it("formatTrace prints each step's op, formula, upstream, local and result, and the leaves' gradients", () => {
    const w = tensor(0.5, { requiresGrad: true }),
      x = tensor(2, { requiresGrad: true });
    const text = formatTrace(traceBackward(w.mul(x).sigmoid(), { names: { w, x } }));
    expect(text).toMatch(/step 1 +t2 = sigmoid\(t1\)/);
    expect(text).toMatch(/formula +σ′\(x\) = σ\(x\)\(1 − σ\(x\)\)/);
    expect(text).toMatch(/upstream +∂L\/∂t2 = 1\n/);
    expect(text).toMatch(/local +∂t2\/∂t1 = 0\.1966/); // σ′(1)
    expect(text).toMatch(/local +∂t1\/∂w = 2\n +result +∂L\/∂w = upstream ⊙ local = 0\.3932/);
    expect(text).toMatch(/leaves' gradients[\s\S]*∂L\/∂x = 0\.09831/);
    manualSeed(0);
    const big = new nn.Linear(64, 32).forward(tensor(new Float64Array(64 * 8).fill(0.1), { shape: [8, 64] })).sum();
    expect(formatTrace(traceBackward(big))).toMatch(/\[32,64\] mean -?[\d.e-]+ min -?[\d.e-]+ max [\d.e-]+/);
  });
});

describe("toDot", () => {
  it("parses (Graphviz renders it) and names every op, with leaves' gradients after backward", async () => {
    manualSeed(1);
    const model = new nn.Sequential(new nn.Linear(2, 3), new nn.Tanh(), new nn.Maxout(3, 2, 2), new nn.Linear(2, 2));
    const x = tensor([
      [1, -1],
      [0.5, 2],
    ]);
    const loss = nn.crossEntropy(model.forward(x).sigmoid().softplus(), [0, 1]);
    loss.backward();
    const dot = toDot(loss, { names: { 'odd "name" \\ here': x } });
    const viz = await instance();
    const result = viz.render(dot, { format: "svg" });
    expect(result.status, JSON.stringify(result.errors)).toBe("success");
    const ops = ["matmul", "add", "tanh", "maxout", "sigmoid", "softplus", "logSoftmax", "pick", "neg", "sum", "div"];
    for (const op of ops) expect(dot).toMatch(new RegExp(`label="(\\w+ = )?${op}[ \\\\]`));
    expect(dot).toContain('odd \\"name\\" \\\\ here');
    expect(dot).toMatch(/grad /);
    expect((dot.match(/ -> /g) ?? []).length).toBeGreaterThan(ops.length);
  });
});

describe("detectAnomaly", () => {
  it("names the op, its input shapes and 'forward' for a NaN made forward (log of a negative)", () => {
    const x = tensor([[1, -2, 3]], { requiresGrad: true });
    expect(() => detectAnomaly(() => x.mul(2).log().sum())).toThrow(/NaN in the forward output of log \(input shapes \[1,3\]\)/);
    expect(x.grad).toBeNull();
  });

  it("names the op and 'backward' for an Infinity made by a rule (sqrt at 0)", () => {
    const x = tensor([4, 0, 1], { requiresGrad: true });
    expect(() => detectAnomaly(() => x.sqrt().sum().backward())).toThrow(
      /Infinity in the backward of sqrt \(input shapes \[3\]\)/,
    );
    expect(x.grad).toBeNull(); // the failed sweep wrote nothing
    const y = tensor([4, 0], { requiresGrad: true });
    expect(() => detectAnomaly(() => grad(y.pow(0.5).sum(), [y]))).toThrow(/backward of pow/);
  });

  it("costs nothing when not used: hooks are null after, and values and gradients are identical", () => {
    const run = () => {
      manualSeed(3);
      const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Softplus(), new nn.Linear(8, 3));
      const loss = nn.crossEntropy(
        model.forward(
          tensor([
            [1, 2, 3, 4],
            [-1, 0, 1, 2],
          ]),
        ),
        [2, 0],
      );
      loss.backward();
      return [loss.item(), ...model.parameters().flatMap((p) => Array.from(p.grad!.data))];
    };
    const plain = run();
    const watched = detectAnomaly(run);
    expect(watched).toEqual(plain);
    expect(setGraphHooks(null)).toBeNull();
    expect(() => detectAnomaly(() => tensor([-1], { requiresGrad: true }).log())).toThrow();
    expect(setGraphHooks(null)).toBeNull(); // restored after a throw too
  });

  it("sees through a trace: anomalies inside traceBackward are still reported, and the trace's own ops are not", () => {
    const x = tensor([0, 1], { requiresGrad: true });
    expect(() => detectAnomaly(() => traceBackward(x.log().sum()))).toThrow(/-?Infinity in the forward output of log/);
    const z = tensor([2, 1], { requiresGrad: true });
    expect(detectAnomaly(() => traceBackward(z.log().sum())).length).toBe(2);
  });
});

describe("jacobian", () => {
  it("of softmax equals S_i(δ_ij − S_j)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 1, maxLength: 6 }), (a) => {
        const J = jacobian((x) => x.softmax(), tensor(a));
        const S = softmax(tensor(a)).data;
        const n = a.length;
        expect(J.shape).toEqual([n, n]);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            expect(Math.abs(J.data[i * n + j] - S[i] * ((i === j ? 1 : 0) - S[j]))).toBeLessThan(1e-15);
          }
      }),
    );
  });

  it("has shape [...out, ...in], is diagonal for elementwise ops, zero where there is no dependence, and leaves x alone", () => {
    const x = tensor([
      [0.5, -1],
      [2, 0],
    ]);
    const J = jacobian((t) => t.sigmoid(), x);
    expect(J.shape).toEqual([2, 2, 2, 2]);
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const flat = [0.5, -1, 2, 0];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) expect(J.data[i * 4 + j]).toBeCloseTo(i === j ? s(flat[i]) * (1 - s(flat[i])) : 0, 15);
    expect(x.requiresGrad).toBe(false);
    expect(jacobian(() => tensor([1, 2]), x).data.every((v) => v === 0)).toBe(true);
    const H = jacobian((t) => jacobian((u) => u.pow(3).sum(), t, { createGraph: true }), tensor([1, 2]));
    close(H.data, [6, 0, 0, 12]); // the Hessian of Σ x³ is diag(6x)
  });
});
