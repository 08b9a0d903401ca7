/**
 * Bad input: each throws a TypeError or RangeError whose message names the op and the shapes
 * or values involved, and leaves every tensor (values, shape, graph) and gradient as it was.
 */
import { describe, expect, it } from "vitest";
import {
  type Tensor,
  tensor,
  grad,
  setDefaultDtype,
  getDefaultDtype,
  zeros,
  add,
  sub,
  mul,
  div,
  neg,
  exp,
  log,
  pow,
  abs,
  sqrt,
  sum,
  mean,
  max,
  reshape,
  transpose,
  matmul,
  sigmoid,
  tanh,
  relu,
  softplus,
  softmax,
  logSoftmax,
  maxout,
} from "../src/index.js";
import { expectThrow } from "./helpers.js";

/** Records values, shape, dtype, graph and gradient of each tensor; the returned check asserts none changed. */
function snapshot(...ts: Tensor[]): () => void {
  const snaps = ts.map((t) => ({
    t,
    data: t.data,
    values: Array.from(t.data),
    shape: [...t.shape],
    dtype: t.dtype,
    requiresGrad: t.requiresGrad,
    node: t.node,
    grad: t.grad,
    gradValues: t.grad ? Array.from(t.grad.data) : null,
    gradShape: t.grad ? [...t.grad.shape] : null,
  }));
  return () => {
    for (const s of snaps) {
      expect(s.t.data).toBe(s.data);
      expect(Array.from(s.t.data)).toEqual(s.values);
      expect([...s.t.shape]).toEqual(s.shape);
      expect(s.t.dtype).toBe(s.dtype);
      expect(s.t.requiresGrad).toBe(s.requiresGrad);
      expect(s.t.node).toBe(s.node);
      expect(s.t.grad).toBe(s.grad);
      expect(s.t.grad ? Array.from(s.t.grad.data) : null).toEqual(s.gradValues);
      expect(s.t.grad ? [...s.t.grad.shape] : null).toEqual(s.gradShape);
    }
  };
}

/** A leaf with a .grad already filled by an earlier backward (so "unchanged" is a real check). */
function leafWithGrad(values: number[][] | number[], scale = 3): Tensor {
  const x = tensor(values, { requiresGrad: true });
  x.mul(scale).sum().backward();
  expect(x.grad).not.toBeNull();
  return x;
}

const esc = (s: string) => s.replace(/[[\]().*+?^$|\\{}]/g, "\\$&");

describe("broadcasting errors", () => {
  const ops: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ["add", add],
    ["sub", sub],
    ["mul", mul],
    ["div", div],
    ["add", (a, b) => a.add(b)],
    ["mul", (a, b) => a.mul(b)],
  ];
  const pairs: [number[], number[]][] = [
    [[2, 3], [4]],
    [
      [2, 3],
      [3, 2],
    ],
    [
      [4, 2, 3],
      [3, 3],
    ],
  ];
  for (const [name, f] of ops) {
    for (const [as, bs] of pairs) {
      it(`${name}: [${as}] with [${bs}]`, () => {
        const a = leafWithGrad(Array.from({ length: as[0] }, () => new Array(as.slice(1).reduce((p, q) => p * q, 1)).fill(1)));
        const A = a.reshape(as);
        const b = tensor(new Array(bs.reduce((p, q) => p * q, 1)).fill(2), { shape: bs, requiresGrad: true });
        const check = snapshot(a, A, b);
        expectThrow(
          () => f(A, b),
          RangeError,
          new RegExp(`^${name}: `),
          new RegExp(esc(`[${as.join(",")}]`)),
          new RegExp(esc(`[${bs.join(",")}]`)),
          /broadcast/,
        );
        check();
      });
    }
  }
});

describe("matmul errors", () => {
  it("exact message for [2,3] · [4,5]", () => {
    const a = leafWithGrad([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor(new Array(20).fill(1), { shape: [4, 5], requiresGrad: true });
    const check = snapshot(a, b);
    const err = expectThrow(() => matmul(a, b), RangeError);
    expect(err.message).toBe("matmul: shapes [2,3] and [4,5] do not align (3 != 4)");
    expectThrow(() => a.matmul(b), RangeError, /^matmul: shapes \[2,3\] and \[4,5\] do not align \(3 != 4\)$/);
    check();
  });

  it("1-d and batched mismatches name both shapes and both sizes", () => {
    const cases: [number[], number[], number, number][] = [
      [[3], [4]],
      [[3], [4, 2]],
      [[2, 3], [4]],
      [
        [5, 2, 3],
        [5, 4, 2],
      ],
      [[2, 2, 3], [2]],
    ].map(([as, bs]) => [as, bs, as[as.length - 1], bs.length === 1 ? bs[0] : bs[bs.length - 2]]);
    for (const [as, bs, k1, k2] of cases) {
      const a = zeros(as, { requiresGrad: true }),
        b = zeros(bs);
      const check = snapshot(a, b);
      expectThrow(
        () => matmul(a, b),
        RangeError,
        new RegExp(`^${esc(`matmul: shapes [${as.join(",")}] and [${bs.join(",")}] do not align (${k1} != ${k2})`)}$`),
      );
      check();
    }
  });

  it("non-broadcastable batch axes", () => {
    const a = leafWithGrad(new Array(24).fill(0.5));
    const A = a.reshape([2, 3, 4]);
    const B = zeros([5, 4, 2], { requiresGrad: true });
    const check = snapshot(a, A, B);
    expectThrow(() => matmul(A, B), RangeError, /^matmul: /, /\b2\b/, /\b5\b/, /broadcast/);
    check();
  });

  it("non-broadcastable batch axes: the message names the operand shapes", () => {
    expectThrow(() => matmul(zeros([2, 3, 4]), zeros([5, 4, 2])), RangeError, /^matmul: /, /\[2,3,4\]/, /\[5,4,2\]/);
  });

  it("0-d operands", () => {
    expectThrow(() => matmul(tensor(2), tensor([1, 2])), RangeError, /^matmul: /, /\[\]/);
    expectThrow(() => matmul(tensor([1, 2]), tensor(2)), RangeError, /^matmul: /, /\[\]/);
  });
});

describe("reshape errors", () => {
  const bad: [number[], RegExp][] = [
    [[4, 2], /\[4,2\]/],
    [[7], /\[7\]/],
    [[-1, 4], /\[-1,4\]/],
    [[5, -1], /\[5,-1\]/],
    [[0, -1], /\[0,-1\]/],
  ];
  for (const [target, re] of bad) {
    it(`[2,3] → [${target}]`, () => {
      const x = leafWithGrad([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const check = snapshot(x);
      expectThrow(() => x.reshape(target), RangeError, /^reshape: /, /\[2,3\]/, /6 elements/, re);
      expectThrow(() => reshape(x, target), RangeError, /^reshape: /);
      check();
    });
  }

  it("two −1s, negative sizes other than −1, non-integers", () => {
    const x = leafWithGrad([1, 2, 3, 4]);
    const check = snapshot(x);
    expectThrow(() => x.reshape([-1, -1]), RangeError, /^reshape: /, /-1,-1/);
    expectThrow(() => x.reshape([-2, -2]), RangeError, /^reshape: /, /-2,-2/);
    expectThrow(() => x.reshape([1.5, 2]), RangeError, /^reshape: /, /1\.5/);
    expectThrow(() => x.reshape("4" as unknown as number[]), TypeError, /^reshape: /);
    check();
  });
});

describe("axis errors", () => {
  type AxisOp = [string, (x: Tensor, axis: number | number[]) => Tensor];
  const ops: AxisOp[] = [
    ["sum", (x, a) => sum(x, a)],
    ["sum", (x, a) => x.sum(a, true)],
    ["mean", (x, a) => mean(x, a)],
    ["mean", (x, a) => x.mean(a, true)],
    ["max", (x, a) => max(x, a)],
    ["max", (x, a) => x.max(a)],
    ["softmax", (x, a) => softmax(x, a as number)],
    ["softmax", (x, a) => x.softmax(a as number)],
    ["logSoftmax", (x, a) => logSoftmax(x, a as number)],
    ["logSoftmax", (x, a) => x.logSoftmax(a as number)],
    ["transpose", (x, a) => transpose(x, a as number, 0)],
    ["transpose", (x, a) => x.transpose(0, a as number)],
  ];
  for (const [name, f] of ops) {
    for (const axis of [2, -3, 5]) {
      it(`${name}: axis ${axis} on rank 2`, () => {
        const x = leafWithGrad([
          [1, 2, 3],
          [4, 5, 6],
        ]);
        const check = snapshot(x);
        expectThrow(() => f(x, axis), RangeError, new RegExp(`^${name}: `), new RegExp(`axis ${axis}\\b`), /rank 2/);
        check();
      });
    }
  }

  for (const name of ["sum", "mean", "max"] as const) {
    const f = { sum, mean, max }[name];
    it(`${name}: an array of axes with one out of range, duplicates, non-integers`, () => {
      const x = leafWithGrad([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const check = snapshot(x);
      expectThrow(() => f(x, [0, 2]), RangeError, new RegExp(`^${name}: `), /axis 2\b/, /rank 2/);
      expectThrow(() => f(x, [-3, 1]), RangeError, new RegExp(`^${name}: `), /axis -3\b/, /rank 2/);
      expectThrow(() => f(x, [0, -2]), RangeError, new RegExp(`^${name}: `), /0,-2/);
      expectThrow(() => f(x, 0.5), TypeError, new RegExp(`^${name}: `), /0\.5/);
      check();
    });
  }

  it("transpose of a 1-d tensor with the default axes", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expectThrow(() => x.transpose(), RangeError, /^transpose: /, /\[3\]/);
  });
});

describe("maxout errors", () => {
  it("pieces not dividing the last axis", () => {
    const x = leafWithGrad([
      [1, 2, 3, 4, 5, 6, 7],
      [7, 6, 5, 4, 3, 2, 1],
    ]);
    const check = snapshot(x);
    expectThrow(() => maxout(x, 3), RangeError, /^maxout: last axis of size 7 is not divisible by pieces = 3/);
    expectThrow(() => x.maxout(2), RangeError, /^maxout: last axis of size 7 is not divisible by pieces = 2/);
    check();
  });

  for (const pieces of [0, -1, 1.5, Number.NaN, Infinity]) {
    it(`pieces = ${pieces}`, () => {
      const x = leafWithGrad([1, 2, 3, 4, 5, 6]);
      const check = snapshot(x);
      expectThrow(() => maxout(x, pieces), RangeError, /^maxout: /, /pieces/, new RegExp(esc(String(pieces))));
      check();
    });
  }

  it("pieces not a number, and a 0-d input", () => {
    const x = tensor([1, 2, 3, 4]);
    expectThrow(() => maxout(x, "2" as unknown as number), [TypeError, RangeError], /^maxout: /, /pieces/);
    expectThrow(() => maxout(tensor(3), 1), RangeError, /^maxout: /, /0-d/);
  });
});

describe("tensor() errors", () => {
  it("ragged nested arrays", () => {
    const cases: [unknown, RegExp][] = [
      [[[1, 2], [3]], /expected 2 elements at \[1\]/],
      [[[1], [2, 3]], /expected 1 elements? at \[1\]/],
      [
        [
          [[1, 2]],
          [
            [3, 4],
            [5, 6],
          ],
        ],
        /at \[1\]/,
      ],
      [[[1, 2], 3], /at \[1\]/],
      [[1, [2]], /at \[1\]/],
    ];
    for (const [v, re] of cases) {
      expectThrow(() => tensor(v as number[]), [TypeError, RangeError], /^tensor: /, re);
    }
    expectThrow(() => tensor([[1, 2], [3]]), [TypeError, RangeError], /ragged/);
  });

  it("non-numeric entries", () => {
    const cases: [unknown, RegExp][] = [
      ["a", /"a"/],
      [null, /null/],
      [undefined, /undefined/],
      [{ x: 1 }, /object/],
      [true, /true/],
      [[1, "a"], /at \[1\].*"a"/],
      [
        [
          [1, 2],
          [3, null],
        ],
        /at \[1,1\].*null/,
      ],
      [[[1, undefined]], /at \[0,1\].*undefined/],
      [[{}, 2], /at \[0\].*object/],
      [[1n], /at \[0\]/],
      [["1", "2"], /at \[0\].*"1"/],
    ];
    for (const [v, re] of cases) {
      expectThrow(() => tensor(v as number[]), TypeError, /^tensor: /, re);
    }
  });

  it("typed/flat array that does not fill { shape }", () => {
    expectThrow(() => tensor(new Float32Array(5), { shape: [2, 3] }), RangeError, /^tensor: /, /5 values/, /\[2,3\]/);
    expectThrow(() => tensor([1, 2, 3], { shape: [2, 2] }), RangeError, /^tensor: /, /3 values/, /\[2,2\]/);
    expectThrow(() => tensor([1, 2], { shape: [-2, -1] }), RangeError, /^tensor: /, /-2,-1/);
    expectThrow(() => tensor([1, "x" as unknown as number], { shape: [2] }), TypeError, /^tensor: /, /at \[1\]/);
  });

  it("bad dtype, and setDefaultDtype keeps the old default on failure", () => {
    expectThrow(() => tensor([1], { dtype: "float16" as "float32" }), TypeError, /^tensor: /, /float16/);
    const before = getDefaultDtype();
    expectThrow(() => setDefaultDtype("int8" as "float32"), TypeError, /^setDefaultDtype: /, /int8/);
    expect(getDefaultDtype()).toBe(before);
  });
});

describe("item() errors", () => {
  it("on a tensor with many elements", () => {
    const x = leafWithGrad([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const check = snapshot(x);
    expectThrow(() => x.item(), RangeError, /^item: /, /\[2,3\]/, /6 elements/);
    expectThrow(() => tensor([]).item(), RangeError, /^item: /, /\[0\]/, /0 elements/);
    check();
  });
});

describe("backward() errors leave every gradient as it was", () => {
  it("non-scalar output without a gradient", () => {
    const x = leafWithGrad([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const w = leafWithGrad([1, 2, 3], 2);
    const y = x.mul(w);
    const check = snapshot(x, w, y);
    expectThrow(() => y.backward(), RangeError, /^backward: /, /\[2,3\]/);
    check();
    // and the graph still works afterwards
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [4, 5, 6],
      [4, 5, 6],
    ]);
  });

  it("gradient of the wrong shape (same size, and different size)", () => {
    const x = leafWithGrad([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const y = x.exp();
    const check = snapshot(x, y);
    expectThrow(
      () =>
        y.backward(
          tensor([
            [1, 1],
            [1, 1],
            [1, 1],
          ]),
        ),
      RangeError,
      /^backward: /,
      /\[3,2\]/,
      /\[2,3\]/,
    );
    expectThrow(() => y.backward(tensor([1, 1, 1, 1, 1, 1])), RangeError, /^backward: /, /\[6\]/, /\[2,3\]/);
    expectThrow(() => y.backward(tensor([1, 1, 1])), RangeError, /^backward: /, /\[3\]/, /\[2,3\]/);
    expectThrow(() => y.sum().backward(tensor([1, 1])), RangeError, /^backward: /, /\[2\]/, /\[\]/);
    check();
  });

  it("a gradient that is not a tensor", () => {
    const x = leafWithGrad([1, 2]);
    const y = x.mul(2);
    const check = snapshot(x, y);
    expectThrow(() => y.backward([1, 1] as unknown as Tensor), TypeError, /^backward: /, /Tensor/);
    expectThrow(() => y.backward(5 as unknown as Tensor), TypeError, /^backward: /, /Tensor/);
    check();
  });

  it("a tensor with no graph", () => {
    const c = tensor([1, 2, 3]);
    expectThrow(() => c.sum().backward(), TypeError, /^backward: /, /requiresGrad|gradient/);
    const x = leafWithGrad([1, 2]);
    const d = x.mul(2).detach().sum();
    const check = snapshot(x);
    expectThrow(() => d.backward(), TypeError, /^backward: /);
    check();
  });

  it("a failed call between two good ones does not disturb accumulation", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x);
    y.sum().backward();
    expectThrow(() => y.backward(), RangeError);
    expectThrow(() => y.backward(tensor([1, 1, 1])), RangeError);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([4, 8]);
  });
});

describe("grad() errors", () => {
  it("bad outputs, inputs and gradOutputs leave .grad as it was", () => {
    const x = leafWithGrad([1, 2, 3]);
    const u = tensor([1, 2, 3]);
    const check = snapshot(x, u);
    expectThrow(() => grad(u.sum(), [x]), TypeError, /^grad: /, /output 0/);
    expectThrow(() => grad(x.sum(), [u]), TypeError, /^grad: /, /input 0/);
    expectThrow(() => grad(x.mul(2), [x]), RangeError, /^grad: /, /\[3\]/);
    expectThrow(
      () => grad([x.sum(), x.mul(2)], [x], { gradOutputs: [undefined, tensor([1, 1])] }),
      RangeError,
      /^grad: /,
      /\[2\]/,
      /\[3\]/,
    );
    check();
  });
});

describe("non-tensors passed to ops", () => {
  const x = tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { requiresGrad: true },
  );
  const junk: [string, unknown][] = [
    ["string", "abc"],
    ["object", { data: [1] }],
    ["null", null],
    ["undefined", undefined],
    ["array", [1, 2]],
  ];

  const unary: [string, (v: unknown) => unknown][] = [
    ["neg", (v) => neg(v as Tensor)],
    ["exp", (v) => exp(v as Tensor)],
    ["log", (v) => log(v as Tensor)],
    ["pow", (v) => pow(v as Tensor, 2)],
    ["abs", (v) => abs(v as Tensor)],
    ["sqrt", (v) => sqrt(v as Tensor)],
    ["sum", (v) => sum(v as Tensor)],
    ["mean", (v) => mean(v as Tensor)],
    ["max", (v) => max(v as Tensor)],
    ["reshape", (v) => reshape(v as Tensor, [4])],
    ["transpose", (v) => transpose(v as Tensor)],
    ["sigmoid", (v) => sigmoid(v as Tensor)],
    ["tanh", (v) => tanh(v as Tensor)],
    ["relu", (v) => relu(v as Tensor)],
    ["softplus", (v) => softplus(v as Tensor)],
    ["softmax", (v) => softmax(v as Tensor)],
    ["logSoftmax", (v) => logSoftmax(v as Tensor)],
    ["maxout", (v) => maxout(v as Tensor, 2)],
  ];
  for (const [name, f] of unary) {
    it(name, () => {
      for (const [, v] of junk) expectThrow(() => f(v), TypeError, new RegExp(`^${name}: `), /Tensor/);
    });
  }

  const binary: [string, (a: unknown, b: unknown) => unknown][] = [
    ["add", (a, b) => add(a as Tensor, b as Tensor)],
    ["sub", (a, b) => sub(a as Tensor, b as Tensor)],
    ["mul", (a, b) => mul(a as Tensor, b as Tensor)],
    ["div", (a, b) => div(a as Tensor, b as Tensor)],
    ["matmul", (a, b) => matmul(a as Tensor, b as Tensor)],
  ];
  for (const [name, f] of binary) {
    it(`${name} (either side)`, () => {
      const check = snapshot(x);
      for (const [what, v] of junk) {
        const re = new RegExp(what === "array" || what === "object" ? "object" : what === "string" ? "string" : what);
        expectThrow(() => f(x, v), TypeError, new RegExp(`^${name}: `), /Tensor/, re);
        expectThrow(() => f(v, x), TypeError, new RegExp(`^${name}: `), /Tensor/, re);
      }
      check();
    });
  }

  it("methods with non-tensor arguments", () => {
    const check = snapshot(x);
    expectThrow(() => x.add("1" as unknown as number), TypeError, /^add: /, /string/);
    expectThrow(() => x.matmul([[1], [2]] as unknown as Tensor), TypeError, /^matmul: /, /Tensor/);
    expectThrow(() => x.pow("2" as unknown as number), TypeError, /^pow: /, /2/);
    expectThrow(() => x.pow(Number.NaN), TypeError, /^pow: /, /NaN/);
    check();
  });
});
