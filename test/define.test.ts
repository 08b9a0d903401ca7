/**
 * A user-defined activation is first-class: one defineActivation call, in this test file only,
 * and it is in the table, the trace (with its formula and local derivative), toDot, the gallery
 * data, nn.Activation, and differentiates twice. A bad definition is a clear error when made,
 * and leaves the table as it was.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  activations,
  defineActivation,
  formatTrace,
  gallery,
  grad,
  gradcheck,
  manualSeed,
  nn,
  optim,
  randn,
  type Tensor,
  tensor,
  toDot,
  traceBackward,
} from "../src/index.js";
import { hiddenActivations } from "../playground/src/state.js";
import { expectThrow } from "./helpers.js";

const sig = (v: number) => 1 / (1 + Math.exp(-v));

// Forward in tensor ops, no rule: autograd derives it (the API.md example).
const swish = defineActivation({
  name: "swish",
  formula: "swish(x) = x·σ(x)",
  derivative: "swish′(x) = σ(x) + x·σ(x)(1 − σ(x))",
  forward: (x) => x.mul(x.sigmoid()),
});

// With arguments and the rule from the derivation: LeCun's scaled tanh, a·tanh(b·x).
const scaledTanh = defineActivation({
  name: "scaledTanh",
  args: { a: 1.7159, b: 2 / 3 },
  formula: "f(x) = a·tanh(b·x)",
  derivative: "f′(x) = a·b·(1 − tanh²(b·x))",
  forward: (x, a, b) => x.mul(b).tanh().mul(a),
  backward: ({ x, grad }, a, b) => {
    const t = x.mul(b).tanh();
    return grad.mul(
      t
        .mul(t)
        .neg()
        .add(1)
        .mul(a * b),
    );
  },
});

describe("a user-defined activation", () => {
  it("is a function and a row of the table, loopable with the built-ins without casts", () => {
    expect(activations.swish).toBe(swish);
    expect(Object.values(activations)).toContain(swish);
    for (const act of Object.values(activations)) expect(act(randn([2, 4])).size).toBeGreaterThan(0);
    const x = tensor([-2, 0, 1.5]);
    expect(Array.from(swish(x).data)).toEqual([-2 * sig(-2), 0, 1.5 * sig(1.5)]);
    expect(swish.forward(x).toArray()).toEqual(swish(x).toArray());
    expect(scaledTanh.args).toEqual({ a: 1.7159, b: 2 / 3 });
    expect(scaledTanh(tensor([1])).item()).toBeCloseTo(1.7159 * Math.tanh(2 / 3), 14);
    expect(scaledTanh(tensor([1]), 1, 1).item()).toBeCloseTo(Math.tanh(1), 14);
  });

  it("records one node: its gradient is its derivative, whether autograd derived it or the spec gave it", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: 1, maxLength: 12 }), (xs) => {
        const x = tensor(xs, { requiresGrad: true });
        const y = swish(x);
        expect(y.node?.op).toBe("swish");
        y.sum().backward();
        xs.forEach((v, i) => {
          const s = sig(v);
          expect(x.grad!.data[i]).toBeCloseTo(s * (1 + v * (1 - s)), 12);
        });
        const z = tensor(xs, { requiresGrad: true });
        scaledTanh(z).sum().backward();
        xs.forEach((v, i) => {
          const t = Math.tanh((2 / 3) * v);
          expect(z.grad!.data[i]).toBeCloseTo(1.7159 * (2 / 3) * (1 - t * t), 12);
        });
      }),
      { numRuns: 30 },
    );
  });

  it("passes gradcheck, with no inputs given and on random ones", () => {
    expect(gradcheck(swish).passed).toBe(true);
    expect(gradcheck(scaledTanh).passed).toBe(true);
    expect(gradcheck((x) => scaledTanh(x, 0.5, 3), [randn([4, 3])]).passed).toBe(true);
  });

  it("differentiates twice: swish″ = σ′(x)(2 + x(1 − 2σ(x)))", () => {
    const xs = [-3, -0.5, 0, 0.7, 2.5];
    for (const f of [swish, (t: Tensor) => t.mul(t.sigmoid())]) {
      const x = tensor(xs, { requiresGrad: true });
      const [d1] = grad(f(x).sum(), [x], { createGraph: true });
      const [d2] = grad(d1.sum(), [x]);
      xs.forEach((v, i) => {
        const s = sig(v);
        expect(d2.data[i]).toBeCloseTo(s * (1 - s) * (2 + v * (1 - 2 * s)), 12);
      });
    }
    const x = tensor(xs, { requiresGrad: true });
    const [d1] = grad(scaledTanh(x).sum(), [x], { createGraph: true });
    const [d2] = grad(d1.sum(), [x]);
    xs.forEach((v, i) => {
      const t = Math.tanh((2 / 3) * v);
      expect(d2.data[i]).toBeCloseTo(-2 * 1.7159 * (4 / 9) * t * (1 - t * t), 12);
    });
  });

  it("shows in traceBackward with its formula and its local derivative, and in toDot", () => {
    const x = tensor([0.5, -1], { requiresGrad: true });
    const loss = swish(x).sum();
    const steps = traceBackward(loss, { names: { x } });
    const step = steps.find((s) => s.op === "swish")!;
    expect(step.formula).toBe(swish.derivative);
    expect(step.local.kind).toBe("elementwise");
    const local = Array.from(step.local.factors[0]!.data);
    [0.5, -1].forEach((v, i) => expect(local[i]).toBeCloseTo(sig(v) * (1 + v * (1 - sig(v))), 14));
    expect(formatTrace(steps)).toContain("swish′(x) = σ(x) + x·σ(x)(1 − σ(x))");
    expect(toDot(loss)).toMatch(/swish/);
    // One step for swish, not the inner ops autograd runs to differentiate its forward.
    expect(steps.map((s) => s.op)).toEqual(["sum", "swish"]);
    const m = tensor([[0.3, -1.2, 2.5, 0.7]], { requiresGrad: true });
    expect(traceBackward(m.maxout(2).sum()).map((s) => s.op)).toEqual(["sum", "maxout"]);
    const withArgs = traceBackward(scaledTanh(x, 2, 0.5).sum());
    expect(withArgs.find((s) => s.op === "scaledTanh")!.args).toEqual({ a: 2, b: 0.5 });
  });

  it("gives the gallery its f, f′ and f″ by autograd", () => {
    const xs = [-2, -1, 0, 1, 2];
    const row = gallery(swish, xs);
    expect(row.name).toBe("swish");
    expect(row.formula).toBe(swish.formula);
    xs.forEach((v, i) => {
      const s = sig(v);
      expect(row.f[i]).toBeCloseTo(v * s, 14);
      expect(row.d1[i]).toBeCloseTo(s * (1 + v * (1 - s)), 14);
      expect(row.d2[i]).toBeCloseTo(s * (1 - s) * (2 + v * (1 - 2 * s)), 12);
    });
  });

  it("is offered in the playground's list of hidden-layer activations", () => {
    const names = hiddenActivations().map((a) => a.name);
    expect(names).toContain("swish");
    expect(names).toContain("scaledTanh");
    expect(names).not.toContain("softmax"); // a vector activation is not a hidden-layer choice
  });

  it("has one module class: nn.activationModule gives the same class each time, built-ins' included", () => {
    const Swish = nn.activationModule(swish);
    expect(nn.activationModule(swish)).toBe(Swish);
    expect(new Swish()).toBeInstanceOf(nn.activationModule(swish));
    expect(nn.activationModule(activations.relu)).toBe(nn.ReLU);
    expect(nn.builtinModules().ELU).toBe(nn.ELU);
    expect(new (nn.builtinModules().GELU)()).toBeInstanceOf(nn.GELU);
  });

  it("is a module: nn.Activation(op, ...args) trains in a Sequential and prints", () => {
    manualSeed(3);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Activation(swish), new nn.Linear(8, 1));
    expect(String(model)).toContain("(1): Activation(swish)");
    expect(String(new nn.Activation(scaledTanh, 1, 0.5))).toBe("Activation(scaledTanh, a=1, b=0.5)");
    expect((new nn.Activation(scaledTanh, 3) as unknown as { a: number; b: number }).a).toBe(3);
    expect((new nn.Activation(scaledTanh, 3) as unknown as { a: number; b: number }).b).toBeCloseTo(2 / 3, 15);
    const x = randn([32, 2]);
    const target = x.sum(-1, true).mul(x.sum(-1, true));
    const opt = new optim.Adam(model.parameters(), { lr: 0.02 });
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const loss = nn.mseLoss(model.forward(x), target);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 3);
  });
});

describe("a definition is checked when it is made", () => {
  const base = { formula: "f(x) = x", derivative: "f′(x) = 1" };
  const tableKeys = () => Object.keys(activations).join(",");

  it("rejects a name that is taken, by an activation or a Tensor method, or not an identifier", () => {
    const keys = tableKeys();
    expectThrow(
      () => defineActivation({ ...base, name: "sigmoid", forward: (x) => x }),
      TypeError,
      /defineActivation \(sigmoid\): the name "sigmoid" is taken by another activation/,
    );
    expectThrow(() => defineActivation({ ...base, name: "swish", forward: (x) => x }), TypeError, /taken by another activation/);
    expectThrow(() => defineActivation({ ...base, name: "matmul", forward: (x) => x }), TypeError, /taken by a Tensor method/);
    expectThrow(() => defineActivation({ ...base, name: "__proto__", forward: (x) => x }), TypeError, /taken/);
    expectThrow(() => defineActivation({ ...base, name: "my act", forward: (x) => x }), TypeError, /name must be an identifier/);
    expect(tableKeys()).toBe(keys);
  });

  it("rejects a forward that returns the wrong shape or no tensor", () => {
    const keys = tableKeys();
    expectThrow(
      () => defineActivation({ ...base, name: "shrinks", forward: (x) => x.sum(-1) }),
      TypeError,
      /defineActivation \(shrinks\): the forward failed on a \[2,4\] input: shrinks: the forward returned shape \[2\] for an input of shape \[2,4\]/,
    );
    expectThrow(
      () => defineActivation({ ...base, name: "nothing", forward: () => 3 as unknown as Tensor }),
      TypeError,
      /nothing/,
    );
    expect(tableKeys()).toBe(keys);
  });

  it("rejects a rule that returns the wrong shape, or fails", () => {
    const keys = tableKeys();
    expectThrow(
      () => defineActivation({ ...base, name: "badRule", forward: (x) => x.mul(2), backward: ({ grad }) => grad.sum(0) }),
      [RangeError, TypeError],
      /defineActivation \(badRule\): the backward rule/,
    );
    expectThrow(
      () =>
        defineActivation({ ...base, name: "transposedRule", forward: (x) => x.mul(2), backward: ({ grad }) => grad.transpose() }),
      [RangeError, TypeError],
      /transposedRule/,
      /\[4,2\]/,
    );
    expect(tableKeys()).toBe(keys);
  });

  it("rejects a spec without a forward, with two, or a loop without a rule, and bad fields", () => {
    const keys = tableKeys();
    expectThrow(() => defineActivation({ ...base, name: "none" }), TypeError, /exactly one of kernel, row or forward/);
    expectThrow(
      () => defineActivation({ ...base, name: "loop", kernel: (x, out) => out.set(x) }),
      TypeError,
      /a kernel forward needs a backward rule/,
    );
    expectThrow(
      () => defineActivation({ ...base, name: "noText", formula: "", forward: (x) => x }),
      TypeError,
      /formula must be non-empty/,
    );
    expectThrow(
      () => defineActivation({ ...base, name: "badArg", args: { k: Number.NaN }, forward: (x) => x }),
      TypeError,
      /the default of k must be a finite number or a string/,
    );
    expectThrow(() => defineActivation(null as never), TypeError, /expected a spec object/);
    expect(tableKeys()).toBe(keys);
  });

  it("a call with an argument of the wrong type names the activation and the argument", () => {
    expectThrow(() => scaledTanh(tensor([1]), "big" as never), TypeError, /scaledTanh: a must be a number, got "big"/);
    expectThrow(() => swish([1, 2] as never), TypeError, /swish: input must be a Tensor/);
    expectThrow(() => swish(tensor([1]), 3 as never), RangeError, /swish: takes 0 arguments after x \(none\), got 1/);
    expectThrow(
      () => scaledTanh(tensor([1]), 1, 2, 3 as never),
      RangeError,
      /scaledTanh: takes 2 arguments after x \(a, b\), got 3/,
    );
  });
});
