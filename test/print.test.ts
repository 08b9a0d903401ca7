/**
 * Printing (API.md "Printing", src/tensor/print.ts): `String(t)`, `util.inspect(t)` and
 * `console.log(t)` give PyTorch-like text — one compact line when it fits in 80 columns, else
 * aligned columns; exact NaN/±Infinity/-0, `…` for long tensors — and never the tensor's internals.
 */
import { Console } from "node:console";
import { Writable } from "node:stream";
import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arange, randn, scope, tensor, zeros, type DType, type Tensor } from "../src/index.js";
import { formatCompactValues, formatTensor, makeFormatter, PRINT_LINE_WIDTH } from "../src/tensor/print.js";

describe.each(["float32", "float64"] as DType[])("%s", (dtype) => {
  it("prints API.md's example exactly: one line, no padding, shortest numbers", () => {
    const x = tensor(
      [
        [0.5, NaN],
        [Infinity, -0],
      ],
      { dtype, requiresGrad: true },
    );
    expect(String(x)).toBe(`tensor([[0.5, NaN], [Infinity, -0]], dtype=${dtype}, requiresGrad=true)`);
    expect(x.toString()).toBe(String(x));
    expect(inspect(x)).toBe(String(x));
  });

  it("NaN, Infinity, -Infinity and -0 print as such (never null)", () => {
    expect(String(tensor([NaN, -Infinity, -0, 2], { dtype }))).toBe(`tensor([NaN, -Infinity, -0, 2], dtype=${dtype})`);
    expect(String(tensor([NaN, Infinity], { dtype }))).toBe(`tensor([NaN, Infinity], dtype=${dtype})`);
    expect(String(tensor(-0, { dtype }))).toBe(`tensor(-0, dtype=${dtype})`);
    expect(String(tensor([-0, 0.5], { dtype }))).toBe(`tensor([-0, 0.5], dtype=${dtype})`);
    expect(String(tensor([-0, 1e-5], { dtype }))).toBe(`tensor([-0e+00, 1e-05], dtype=${dtype})`);
    // Too wide for one line: the aligned block, where -0 takes the tensor's decimals.
    expect(
      String(
        tensor(
          [
            [0.5, NaN, 1, 2, 3, 4, 5],
            [Infinity, -0, 1, 2, 3, 4, 5],
          ],
          { dtype, requiresGrad: true },
        ),
      ),
    ).toBe(
      "tensor([[     0.5,      NaN,      1.0,      2.0,      3.0,      4.0,      5.0],\n" + //
        "        [Infinity,     -0.0,      1.0,      2.0,      3.0,      4.0,      5.0]],\n" +
        `       dtype=${dtype}, requiresGrad=true)`,
    );
  });

  it("a 0-d tensor prints its value without brackets", () => {
    expect(String(tensor(3.5, { dtype }))).toBe(`tensor(3.5, dtype=${dtype})`);
    expect(String(tensor(NaN, { dtype }))).toBe(`tensor(NaN, dtype=${dtype})`);
    expect(String(tensor(7, { dtype, requiresGrad: true }))).toBe(`tensor(7, dtype=${dtype}, requiresGrad=true)`);
  });

  it("an empty tensor prints [] and its shape (unless 1-d)", () => {
    expect(String(zeros([0, 3], { dtype }))).toBe(`tensor([], shape=[0, 3], dtype=${dtype})`);
    expect(String(zeros([2, 0, 4], { dtype }))).toBe(`tensor([], shape=[2, 0, 4], dtype=${dtype})`);
    expect(String(zeros([0], { dtype }))).toBe(`tensor([], dtype=${dtype})`);
  });

  it("integer values print without decimals", () => {
    expect(String(tensor([1, -2, 30], { dtype }))).toBe(`tensor([1, -2, 30], dtype=${dtype})`);
    expect(String(zeros([2, 2], { dtype }))).toBe(`tensor([[0, 0], [0, 0]], dtype=${dtype})`);
    expect(String(arange(0, 16, 1, { dtype }).reshape([4, 4]).mul(100))).toBe(
      "tensor([[   0,  100,  200,  300],\n" + //
        "        [ 400,  500,  600,  700],\n" +
        "        [ 800,  900, 1000, 1100],\n" +
        `        [1200, 1300, 1400, 1500]], dtype=${dtype})`,
    );
  });

  it("on one line each fraction is rounded to 4 decimals, trailing zeros dropped; float32 shows its value rounded", () => {
    expect(String(tensor([0.5, 0.25, -1], { dtype }))).toBe(`tensor([0.5, 0.25, -1], dtype=${dtype})`);
    expect(String(tensor([0.1, 1 / 3], { dtype }))).toBe(`tensor([0.1, 0.3333], dtype=${dtype})`);
    expect(String(tensor([0.1, 2], { dtype }))).toBe(`tensor([0.1, 2], dtype=${dtype})`);
    expect(String(tensor([2.00001, -0.99999], { dtype }))).toBe(`tensor([2, -1], dtype=${dtype})`);
    expect(String(tensor(0.1, { dtype }))).toBe(`tensor(0.1, dtype=${dtype})`);
    expect(String(tensor(1 / 3, { dtype }))).toBe(`tensor(0.3333, dtype=${dtype})`);
  });

  it("in the aligned block fractions share one number of decimals (at most 4)", () => {
    const sixTimes = (v: number[]) => String(tensor([...v, ...v, ...v, ...v, ...v, ...v], { dtype }));
    expect(sixTimes([0.5, 0.25, -1])).toBe(
      "tensor([ 0.50,  0.25, -1.00,  0.50,  0.25, -1.00,  0.50,  0.25, -1.00,  0.50,\n" + //
        `         0.25, -1.00,  0.50,  0.25, -1.00,  0.50,  0.25, -1.00], dtype=${dtype})`,
    );
    expect(sixTimes([0.1, 1 / 3])).toBe(
      "tensor([0.1000, 0.3333, 0.1000, 0.3333, 0.1000, 0.3333, 0.1000, 0.3333, 0.1000,\n" + //
        `        0.3333, 0.1000, 0.3333], dtype=${dtype})`,
    );
  });

  it("tiny, huge or widely spread values switch to exponent form, mantissa without trailing zeros on one line", () => {
    expect(String(tensor([1.23456e-5, 300], { dtype }))).toBe(`tensor([1.2346e-05, 3e+02], dtype=${dtype})`);
    expect(String(tensor([0.5, 1000.5], { dtype }))).toBe(`tensor([5e-01, 1.0005e+03], dtype=${dtype})`);
    expect(String(tensor([1e9, 3], { dtype }))).toBe(`tensor([1e+09, 3e+00], dtype=${dtype})`);
    expect(String(tensor(2.5e-7, { dtype }))).toBe(`tensor(2.5e-07, dtype=${dtype})`);
    // The aligned block keeps the shared decimals.
    expect(String(tensor([1.23456e-5, 300, 1, 2, 3, 4, 5, 6, 7, 8], { dtype })).split("\n")[0]).toBe(
      "tensor([1.2346e-05, 3.0000e+02, 1.0000e+00, 2.0000e+00, 3.0000e+00, 4.0000e+00,",
    );
  });
});

describe("layout", () => {
  it("a text that fits in 80 columns is one line; beyond, the exact width limit switches to the aligned block", () => {
    expect(
      String(
        tensor([
          [1.5, -20.25, 3],
          [40, 5, -0.125],
        ]),
      ),
    ).toBe("tensor([[1.5, -20.25, 3], [40, 5, -0.125]], dtype=float64)");
    // 80 columns exactly is one line; 81 is not.
    const ones = (n: number, gradFn: string) =>
      formatTensor(new Float64Array(n).fill(1), [n], "float64", { requiresGrad: false, gradFn });
    expect(ones(10, "x".repeat(16))).toHaveLength(PRINT_LINE_WIDTH);
    expect(ones(10, "x".repeat(16))).not.toContain("\n");
    expect(ones(10, "x".repeat(17))).toContain("\n");
    expect(formatCompactValues(new Float64Array([0.5, NaN, Infinity, -0]), [2, 2], false)).toBe("[[0.5, NaN], [Infinity, -0]]");
  });

  it("columns are aligned across rows (each value padded to the widest)", () => {
    const s = String(
      tensor([
        [1.5, -20.25, 3, 7.125],
        [40, 5, -0.125, 2],
        [1, 2, 3, 4],
      ]),
    );
    expect(s).toBe(
      "tensor([[  1.500, -20.250,   3.000,   7.125],\n" + //
        "        [ 40.000,   5.000,  -0.125,   2.000],\n" +
        "        [  1.000,   2.000,   3.000,   4.000]], dtype=float64)",
    );
    const rows = s.split("\n");
    expect(rows[0].indexOf("]")).toBe(rows[1].indexOf("]"));
    const commas = (line: string) => [...line.matchAll(/,/g)].map((m) => m.index).slice(0, 2);
    expect(commas(rows[0])).toEqual(commas(rows[1]));
  });

  it("a 3-d tensor separates its blocks by a blank line, as PyTorch does", () => {
    expect(String(arange(0, 24).reshape([2, 3, 4]))).toBe(
      "tensor([[[ 0,  1,  2,  3],\n" + //
        "         [ 4,  5,  6,  7],\n" +
        "         [ 8,  9, 10, 11]],\n" +
        "\n" +
        "        [[12, 13, 14, 15],\n" +
        "         [16, 17, 18, 19],\n" +
        "         [20, 21, 22, 23]]], dtype=float64)",
    );
    expect(String(arange(0, 8).reshape([2, 2, 2]))).toBe("tensor([[[0, 1], [2, 3]], [[4, 5], [6, 7]]], dtype=float64)");
  });

  it("a long row wraps within 80 columns, continuation lines under the first value", () => {
    const s = String(arange(0, 100).div(7));
    const lines = s.split("\n");
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(PRINT_LINE_WIDTH);
    expect(lines[0].startsWith("tensor([ 0.0000,  0.1429,")).toBe(true);
    expect(lines[1].startsWith("         1.1429,")).toBe(true);
    expect(s.endsWith("14.1429], dtype=float64)")).toBe(true);
  });
});

describe("summarizing (more than 1000 values)", () => {
  it("a 2000-element tensor shows its first and last 3 values with … and its shape", () => {
    expect(String(arange(0, 2000))).toBe("tensor([0, 1, 2, …, 1997, 1998, 1999], shape=[2000], dtype=float64)");
    expect(String(arange(0, 2000).div(4).add(1))).toBe(
      "tensor([1, 1.25, 1.5, …, 500.25, 500.5, 500.75], shape=[2000], dtype=float64)",
    );
  });

  it("a [50, 50] tensor shows 3 + 3 rows of 3 + 3 values", () => {
    const s = String(arange(0, 2500).reshape([50, 50]).div(10).add(1));
    expect(s.split("\n")).toEqual([
      "tensor([[  1.0,   1.1,   1.2, …,   5.7,   5.8,   5.9],",
      "        [  6.0,   6.1,   6.2, …,  10.7,  10.8,  10.9],",
      "        [ 11.0,  11.1,  11.2, …,  15.7,  15.8,  15.9],",
      "        …,",
      "        [236.0, 236.1, 236.2, …, 240.7, 240.8, 240.9],",
      "        [241.0, 241.1, 241.2, …, 245.7, 245.8, 245.9],",
      "        [246.0, 246.1, 246.2, …, 250.7, 250.8, 250.9]], shape=[50, 50],",
      "       dtype=float64)",
    ]);
    // A spread over more than a factor of 1000 switches to exponent form, still 3 + 3 by 3 + 3.
    const e = String(arange(0, 2500).reshape([50, 50]).div(10)).split("\n");
    expect(e[0]).toBe("tensor([[0.000e+00, 1.000e-01, 2.000e-01, …, 4.700e+00, 4.800e+00,");
    expect(e.filter((line) => line.includes("…")).length).toBe(7);
  });

  it("exactly 1000 values are not summarized; a huge tensor prints briefly", () => {
    expect(String(arange(0, 1000))).not.toContain("…");
    const big = zeros([1000, 1000], { dtype: "float32" });
    big.data[999_999] = NaN;
    const s = String(big);
    expect(s.length).toBeLessThan(400);
    expect(s).toContain("NaN]], shape=[1000, 1000], dtype=float32)");
  });
});

describe("flags", () => {
  it("requiresGrad=true on a leaf that requires a gradient, nothing when it does not", () => {
    expect(String(tensor([1, 2], { requiresGrad: true }))).toBe("tensor([1, 2], dtype=float64, requiresGrad=true)");
    expect(String(tensor([1, 2]))).toBe("tensor([1, 2], dtype=float64)");
  });

  it("a tensor made by a recorded op shows gradFn=<op>; a detached one does not", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2).sigmoid();
    expect(String(y)).toBe("tensor([0.8808, 0.982], dtype=float64, gradFn=<sigmoid>)");
    expect(String(y.detach())).toBe("tensor([0.8808, 0.982], dtype=float64)");
  });

  it("suffixes that would pass 80 columns go on a new line", () => {
    const s = formatTensor(new Float32Array(10).fill(1), [10], "float32", { requiresGrad: false, gradFn: "logSoftmaxBackward" });
    expect(s).toBe("tensor([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], dtype=float32,\n       gradFn=<logSoftmaxBackward>)");
  });

  it("a tensor released by scope() prints as released instead of throwing", () => {
    let kept: Tensor | null = null;
    scope(() => {
      kept = randn([20, 10], { dtype: "float32" }).exp();
    });
    expect(() => kept!.data).toThrow(/released/);
    expect(String(kept)).toBe("tensor(<released by scope()>, shape=[20, 10])");
    expect(inspect(kept)).toBe(String(kept));
  });
});

describe("Node's inspect and console.log", () => {
  const tensors = () => [
    tensor(
      [
        [0.5, NaN],
        [Infinity, -0],
      ],
      { dtype: "float32", requiresGrad: true },
    ),
    tensor(2),
    arange(0, 2000),
  ];

  it("util.inspect(t) equals String(t)", () => {
    for (const t of tensors()) expect(inspect(t)).toBe(String(t));
  });

  it("console.log of an array of tensors shows their text, not their fields", () => {
    let out = "";
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const log = new Console({ stdout: sink, stderr: sink, colorMode: false });
    const ts = tensors();
    log.log(ts);
    log.log({ weights: ts[1] });
    for (const name of ["_data", "_node", "_requiresGrad", "Float32Array", "Float64Array", "Tensor {"]) {
      expect(out).not.toContain(name);
    }
    expect(out).toContain("tensor(2, dtype=float64)");
    expect(out).toContain("tensor([[0.5, NaN], [Infinity, -0]], dtype=float32, requiresGrad=true)");
    expect(out).toContain("shape=[2000]");
  });
});

describe("properties", () => {
  const value = fc.oneof(
    fc.double(),
    fc.double({ min: -10, max: 10, noNaN: true }),
    fc.integer({ min: -1000, max: 1000 }),
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 0.5),
  );

  it("every printed value reads back as the value rounded to 4 decimals (of its mantissa); one line unpadded and shortest, else one width; within 80 columns", () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 30 }),
        fc.constantFrom<DType>("float32", "float64"),
        (raw, dtype) => {
          const values = dtype === "float32" ? raw.map(Math.fround) : raw;
          const t = tensor(values, { dtype });
          const s = String(t);
          expect(s).not.toContain("null");
          const lines = s.split("\n");
          for (const line of lines) expect(line.length).toBeLessThanOrEqual(PRINT_LINE_WIDTH);
          const entries = s.slice(s.indexOf("[") + 1, s.lastIndexOf("]")).split(",");
          expect(entries.length).toBe(values.length);
          const padded = entries.map((e, i) => (i === 0 ? e : e.startsWith("\n") ? e.slice(9) : e.slice(1)));
          if (lines.length === 1) {
            // One line: no padding, and no number carries trailing zeros, a bare point or more than 4 decimals.
            for (const e of padded) {
              expect(e, s).toBe(e.trim());
              expect(e, s).not.toMatch(/\.(\d*0)?(e|$)|\.\d{5}/);
            }
          } else {
            expect(new Set(padded.map((e) => e.length)).size, s).toBe(1);
          }
          padded.forEach((e, i) => {
            const v = values[i];
            const p = Number(e);
            if (Number.isNaN(v)) expect(e.trim()).toBe("NaN");
            else if (!Number.isFinite(v) || v === 0) expect(Object.is(p, v), `${e} for ${v}`).toBe(true);
            else if (!Number.isFinite(p))
              expect(Math.abs(v)).toBeGreaterThan(1.79765e308); // rounds up past the largest double
            else {
              expect(Math.abs(p - v), `${e} for ${v}`).toBeLessThanOrEqual(5e-5 * Math.max(1, Math.abs(v)) * (1 + 1e-9));
              expect(Math.sign(p), `${e} for ${v}`).toBe(Math.sign(v));
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the number form is chosen from the finite values only", () => {
    expect(makeFormatter([NaN, Infinity, 3]).mode).toBe("integer");
    expect(makeFormatter([NaN, 0.5]).mode).toBe("fixed");
    expect(makeFormatter([1e-5, 1]).mode).toBe("exponent");
    expect(makeFormatter([]).mode).toBe("integer");
  });
});
