/**
 * data.fromCsv (RFC 4180 parsing, labels to classes, errors naming line and column, linear time)
 * and metrics.accuracy / metrics.confusionMatrix (against hand counts and scikit-learn's convention).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { data, metrics, nn, tensor } from "../src/index.js";

const read = (text: string, opts: Partial<data.CsvOptions> = {}) => data.fromCsv(text, { label: -1, ...opts });
const rowsOf = (text: string, opts: Partial<data.CsvOptions> = {}) => read(text, opts).x.toArray();
const errorOf = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
};

describe("fromCsv: the basics", () => {
  it("reads features, class indices, class names and feature names", () => {
    const r = data.fromCsv("a,b,kind\n1,2,cat\n3,4,dog\n5,6,cat\n", { label: "kind" });
    expect(r.x.shape).toEqual([3, 2]);
    expect(r.x.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(Array.from(r.y)).toEqual([0, 1, 0]);
    expect(r.y).toBeInstanceOf(Int32Array);
    expect(r.classes).toEqual(["cat", "dog"]);
    expect(r.features).toEqual(["a", "b"]);
  });

  it("takes the label column by name, index or negative index, anywhere in the row", () => {
    const text = "kind,a,b\ncat,1,2\ndog,3,4\n";
    for (const label of ["kind", 0, -3] as const) {
      const r = data.fromCsv(text, { label });
      expect(r.features).toEqual(["a", "b"]);
      expect(r.x.toArray()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(Array.from(r.y)).toEqual([0, 1]);
    }
    expect(data.fromCsv("a,kind,b\n1,x,2\n", { label: 1 }).features).toEqual(["a", "b"]);
  });

  it("sorts string classes by code unit, whatever the row order, so shuffled files give the same indices", () => {
    const r = data.fromCsv("v,l\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n5,Zebra\n", { label: "l" });
    expect(r.classes).toEqual(["Zebra", "setosa", "versicolor", "virginica"]);
    expect(Array.from(r.y)).toEqual([3, 1, 2, 1, 0]);
    r.y.forEach((k, i) => expect(r.classes[k]).toBe(["virginica", "setosa", "versicolor", "setosa", "Zebra"][i]));
  });

  it("numeric labels: classes are the distinct values sorted numerically, y their index", () => {
    const r = data.fromCsv("x,y\n0.5,10\n1.5,2\n2.5,-1\n3.5,2.0\n4.5, 10 \n", { label: "y" });
    expect(r.classes).toEqual(["-1", "2", "10"]); // not "10" < "2" as strings; "2" and "2.0" are one class
    expect(Array.from(r.y)).toEqual([2, 1, 0, 1, 2]);
  });

  it("opts.classes fixes the order (and a label outside it is an error naming its place)", () => {
    const r = data.fromCsv("v,l\n1,b\n2,a\n", { label: "l", classes: ["b", "c", "a"] });
    expect(r.classes).toEqual(["b", "c", "a"]);
    expect(Array.from(r.y)).toEqual([0, 2]);
    expect(() => data.fromCsv("v,l\n1,b\n2,d\n", { label: "l", classes: ["a", "b"] })).toThrow(
      'fromCsv: line 3, column "l" (index 1): label "d" is not one of the given classes ("a", "b")',
    );
  });

  it("header = false names the columns 0, 1, … and the first record is data (line 1)", () => {
    const r = data.fromCsv("1,2,a\n3,4,b\n", { label: 2, header: false });
    expect(r.features).toEqual(["0", "1"]);
    expect(r.x.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(data.fromCsv("1,2,a\n3,4,b\n", { label: "2", header: false }).classes).toEqual(["a", "b"]);
    expect(() => data.fromCsv("1,2,a\n3,x,b\n", { label: 2, header: false })).toThrow(
      'fromCsv: line 2, column "1" (index 1): "x" is not a number',
    );
  });

  it("x has the default dtype, or opts.dtype; drop leaves columns out", () => {
    expect(read("a,l\n1,x\n").x.dtype).toBe("float64");
    const r = data.fromCsv("id,a,b,l\n7,1.5,2,x\n8,3,4,y\n", { label: "l", dtype: "float32", drop: ["id"] });
    expect(r.x.dtype).toBe("float32");
    expect(r.x.data).toBeInstanceOf(Float32Array);
    expect(r.features).toEqual(["a", "b"]);
    expect(r.x.toArray()).toEqual([
      [1.5, 2],
      [3, 4],
    ]);
    expect(data.fromCsv("id,a,l\nq,1,x\n", { label: "l", drop: [0] }).x.toArray()).toEqual([[1]]);
  });

  it("reads numbers as JavaScript does: signs, exponents, leading dots, spaces around them", () => {
    expect(rowsOf("a,b,c,d,e,f,l\n-1,+2.5,.5,1e3, 7 ,\t-2.5E-2\t,x\n")).toEqual([[-1, 2.5, 0.5, 1000, 7, -0.025]]);
    expect(rowsOf("a,l\n5.,x\n")).toEqual([[5]]);
  });

  it("works with a trainTestSplit and crossEntropy right away", () => {
    const r = read("a,l\n1,x\n2,y\n3,x\n4,y\n");
    const { train, test } = data.trainTestSplit(r, { testFraction: 0.5, seed: 1 });
    expect(train.y.length + test.y.length).toBe(4);
    expect(nn.crossEntropy(tensor([[0, 0]]), r.y.subarray(0, 1)).item()).toBeCloseTo(Math.log(2), 12);
  });
});

describe("fromCsv: RFC 4180", () => {
  it("quoted fields may hold the delimiter", () => {
    const r = data.fromCsv('a,"b,c",l\n1,2,"x, y"\n', { label: "l" });
    expect(r.features).toEqual(["a", "b,c"]);
    expect(r.classes).toEqual(["x, y"]);
  });

  it('quotes inside a quoted field are written twice ("")', () => {
    const r = read('a,l\n1,"say ""hi"""\n2,""""\n3," "" "\n');
    expect(r.classes).toEqual([' " ', '"', 'say "hi"']);
    expect(Array.from(r.y)).toEqual([2, 1, 0]);
  });

  it("line breaks inside quotes belong to the field (LF and CRLF kept as written)", () => {
    const r = read('a,l\n1,"two\nlines"\n2,"crlf\r\nhere"\n');
    expect(r.classes).toEqual(["crlf\r\nhere", "two\nlines"]);
    expect(r.x.toArray()).toEqual([[1], [2]]);
  });

  it("CRLF, LF, a lone CR, a trailing newline, no trailing newline, an empty last line: the same table", () => {
    const want = [
      [1, 2],
      [3, 4],
    ];
    for (const text of [
      "a,b,l\n1,2,x\n3,4,y",
      "a,b,l\n1,2,x\n3,4,y\n",
      "a,b,l\r\n1,2,x\r\n3,4,y\r\n",
      "a,b,l\r\n1,2,x\r\n3,4,y",
      "a,b,l\r1,2,x\r3,4,y\r",
      "a,b,l\n1,2,x\n3,4,y\n\n",
      "a,b,l\r\n1,2,x\r\n3,4,y\r\n\r\n",
      "a,b,l\n\n1,2,x\n\n\n3,4,y\n",
      "\ufeffa,b,l\n1,2,x\n3,4,y\n",
      "a,b,l\n1,2,x\n3,4,y\n   \n",
    ]) {
      const r = read(text);
      expect(r.x.toArray(), JSON.stringify(text)).toEqual(want);
      expect(r.classes).toEqual(["x", "y"]);
      expect(r.features).toEqual(["a", "b"]);
    }
  });

  it("spaces around a quoted field are ignored; a quoted number is a number", () => {
    expect(rowsOf('a,b,l\n  "1.5" , "2",x\n')).toEqual([[1.5, 2]]);
  });

  it("unquoted labels and header names are trimmed, quoted ones kept exactly", () => {
    const r = data.fromCsv(' a , "b ",l\n1,2, x \n3,4," x "\n', { label: "l" });
    expect(r.features).toEqual(["a", "b "]);
    expect(r.classes).toEqual([" x ", "x"]);
  });

  it("a quote inside an unquoted field is kept as it is", () => {
    expect(read('a,l\n1,5"5\n').classes).toEqual(['5"5']);
  });

  it("a trailing delimiter makes an empty last field (RFC 4180), so the row is checked like any other", () => {
    expect(() => read("a,l\n1,x,\n")).toThrow(
      "fromCsv: line 2, column index 2: one field too many (the row has 3 fields, the header 2)",
    );
  });

  it("another delimiter on request", () => {
    expect(data.fromCsv("a;b;l\n1.5;2;x,y\n", { label: "l", delimiter: ";" }).classes).toEqual(["x,y"]);
    expect(data.fromCsv("a\tb\tl\n1\t2\tx\n", { label: "l", delimiter: "\t" }).x.toArray()).toEqual([[1, 2]]);
    expect(data.fromCsv('a\tl\n1\t"x\ty"\n', { label: "l", delimiter: "\t" }).classes).toEqual(["x\ty"]);
  });
});

describe("fromCsv: errors name the line (header = line 1) and the column", () => {
  it("a non-number", () => {
    const text = [
      "sepal_length,sepal_width,petal_length,petal_width,species",
      ...Array.from({ length: 5 }, () => "5.1,3.5,1.4,0.2,setosa"),
      "5.1,abc,1.4,0.2,setosa",
    ].join("\n");
    const e = errorOf(() => data.fromCsv(text, { label: "species" }));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe('fromCsv: line 7, column "sepal_width" (index 1): "abc" is not a number');
  });

  it("hex, NaN, Infinity, an empty field, a number beyond the float range", () => {
    expect(() => read("a,l\n0x10,x\n")).toThrow('fromCsv: line 2, column "a" (index 0): "0x10" is not a number');
    expect(() => read("a,l\nNaN,x\n")).toThrow('"NaN" is not a number');
    expect(() => read("a,l\nInfinity,x\n")).toThrow('"Infinity" is not a number');
    expect(() => read("a,b,l\n1,2,x\n1, ,x\n")).toThrow(
      'fromCsv: line 3, column "b" (index 1): the field is empty; expected a number',
    );
    expect(() => read("a,l\n1e999,x\n")).toThrow('fromCsv: line 2, column "a" (index 0): "1e999" is beyond the float range');
    expect(() => read("a,l\n1..2,x\n")).toThrow('"1..2" is not a number');
    expect(() => read("a,l\n1e,x\n")).toThrow('"1e" is not a number');
    expect(() => read("a,l\n.,x\n")).toThrow('"." is not a number');
    expect(() => read("a,l\n1 2,x\n")).toThrow('"1 2" is not a number');
  });

  it("a ragged row: too few fields names the first missing column, too many the first extra", () => {
    expect(() => read("a,b,l\n1,2,x\n1,2\n")).toThrow(
      'fromCsv: line 3, column "l" (index 2): missing (the row has 2 fields, the header 3)',
    );
    expect(() => read("a,b,l\n1,2,x,9\n")).toThrow(
      "fromCsv: line 2, column index 3: one field too many (the row has 4 fields, the header 3)",
    );
    expect(() => read("1,2,x\n1\n", { header: false })).toThrow(
      'fromCsv: line 2, column "1" (index 1): missing (the row has 1 field, the first row 3)',
    );
  });

  it("line numbers count the line breaks inside quoted fields and the skipped blank lines", () => {
    expect(() => read('a,l\n1,"x\n\ny"\n\n2,"z"\nq,x\n')).toThrow('fromCsv: line 7, column "a" (index 0): "q" is not a number');
    expect(() => read('a,l\r\n1,"x\r\ny"\r\nq,x\r\n')).toThrow('fromCsv: line 4, column "a" (index 0)');
    // a field that starts after a multi-line quoted field is on the line where that field ends
    expect(() => read('a,l,b\n1,"x\ny",q\n', { label: "l" })).toThrow(
      'fromCsv: line 3, column "b" (index 2): "q" is not a number',
    );
  });

  it("an unterminated quote names the line where it opened", () => {
    const e = errorOf(() => read('a,l\n1,x\n2,"never\nclosed\n3,y\n'));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe('fromCsv: line 3, column "l" (index 1): the quoted field opened here is never closed');
    expect(() => read('"a,l\n')).toThrow("fromCsv: line 1, column index 0: the quoted field opened here is never closed");
  });

  it("text after a closing quote", () => {
    expect(() => read('a,l\n"1"2,x\n')).toThrow(
      'fromCsv: line 2, column "a" (index 0): unexpected "2" after the closing quote (expected a delimiter or the end of the line)',
    );
  });

  it("an empty label", () => {
    expect(() => read("a,l\n1,x\n2,\n")).toThrow('fromCsv: line 3, column "l" (index 1): the label is empty');
    expect(() => read('a,l\n1,""\n')).toThrow("the label is empty");
  });

  it("an unknown, ambiguous or out-of-range label column", () => {
    expect(() => data.fromCsv("a,b\n1,2\n", { label: "specie" })).toThrow(
      'fromCsv: no label column named "specie"; the columns are "a", "b"',
    );
    expect(() => data.fromCsv("1,2\n", { label: "a", header: false })).toThrow(
      'fromCsv: no label column named "a" (without a header the columns are named by index); the columns are "0", "1"',
    );
    expect(() => data.fromCsv("a,a,l\n1,2,3\n", { label: "a" })).toThrow(
      'fromCsv: the label column name "a" is ambiguous: columns 0 and 1 share it',
    );
    expect(() => data.fromCsv("a,b\n1,2\n", { label: 2 })).toThrow(
      "fromCsv: label column 2 is out of range for 2 columns (indices -2 to 1)",
    );
    expect(() => data.fromCsv("a,b\n1,2\n", { label: -3 })).toThrow(RangeError);
    expect(() => data.fromCsv("a,b\n1,2\n", { label: 0.5 })).toThrow(RangeError);
    expect(() => data.fromCsv("a,b\n1,x\n", { label: "b", drop: ["b"] })).toThrow("is the label; it cannot be dropped too");
    expect(() => data.fromCsv("a,b\n1,x\n", { label: "b", drop: ["c"] })).toThrow('no drop column named "c"');
  });

  it("empty input, a header with no rows", () => {
    for (const text of ["", "\n", "\r\n\r\n", "\ufeff"]) {
      expect(() => read(text)).toThrow("fromCsv: the text is empty (no header and no rows)");
    }
    expect(() => read("a,b,l\n")).toThrow("fromCsv: no data rows after the header (line 1)");
  });

  it("bad arguments are TypeErrors or RangeErrors naming fromCsv", () => {
    expect(() => data.fromCsv(new Uint8Array(3) as any, { label: 0 })).toThrow(
      /^fromCsv: text must be a string \(e\.g\. readFileSync\(path, "utf8"\)\), got object$/,
    );
    expect(() => data.fromCsv("a\n1\n", undefined as any)).toThrow(TypeError);
    expect(() => data.fromCsv("a\n1\n", {} as any)).toThrow("fromCsv: options.label is required");
    expect(() => data.fromCsv("a\n1\n", { label: true as any })).toThrow(TypeError);
    expect(() => data.fromCsv("a\n1\n", { label: 0, header: "yes" as any })).toThrow(TypeError);
    expect(() => data.fromCsv("a\n1\n", { label: 0, dtype: "int32" as any })).toThrow(/^fromCsv: dtype/);
    expect(() => data.fromCsv("a\n1\n", { label: 0, delimiter: '"' })).toThrow(/^fromCsv: delimiter/);
    expect(() => data.fromCsv("a\n1\n", { label: 0, delimiter: ",," })).toThrow(/^fromCsv: delimiter/);
    expect(() => data.fromCsv("a\n1\n", { label: 0, classes: ["x", "x"] })).toThrow("fromCsv: classes has a name twice");
  });
});

/** A tiny CSV writer: each field quoted when it must be, or at random; records joined by LF or CRLF. */
function writeCsv(rows: string[][], quoteAll: boolean[], eol: string, trailing: boolean): string {
  let k = 0;
  const field = (s: string) => {
    const q = quoteAll[k++ % quoteAll.length] || /[",\r\n]/.test(s) || s.trim() !== s || s === "";
    return q ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return rows.map((r) => r.map(field).join(",")).join(eol) + (trailing ? eol : "");
}

describe("fromCsv: property — a random table written as CSV reads back the same", () => {
  const labelText = fc.string({
    minLength: 1,
    maxLength: 6,
    unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "\r", "é", "x"),
  });
  const name = fc.string({ maxLength: 6, unit: fc.constantFrom("a", "b", "_", " ", ",", '"', "\n", "1") });
  const num = fc.double({ min: -1e300, max: 1e300, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v));

  it("values, labels, classes and names survive random quoting, LF/CRLF and a trailing newline or none", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }).chain((f) =>
          fc.record({
            names: fc.array(name, { minLength: f + 1, maxLength: f + 1 }),
            rows: fc.array(fc.tuple(fc.array(num, { minLength: f, maxLength: f }), labelText), { minLength: 1, maxLength: 8 }),
            labelAt: fc.integer({ min: 0, max: f }),
            quote: fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
            crlf: fc.boolean(),
            trailing: fc.boolean(),
            precise: fc.boolean(),
          }),
        ),
        ({ names, rows, labelAt, quote, crlf, trailing, precise }) => {
          const table = rows.map(([values, label]) => {
            const cells = values.map((v) => (precise ? String(v) : v.toExponential(3)));
            cells.splice(labelAt, 0, label);
            return cells;
          });
          const text = writeCsv([names, ...table], quote, crlf ? "\r\n" : "\n", trailing);
          const r = data.fromCsv(text, { label: labelAt });
          expect(r.features).toEqual(names.filter((_, j) => j !== labelAt));
          const labels = rows.map(([, l]) => l); // never a number: the label alphabet has no digits
          expect(r.classes).toEqual([...new Set(labels)].sort());
          r.y.forEach((k, i) => expect(r.classes[k]).toBe(labels[i]));
          expect(r.x.shape).toEqual([rows.length, names.length - 1]);
          const got = r.x.data;
          rows.forEach(([values], i) =>
            values.forEach((v, j) => expect(got[i * values.length + j]).toBe(precise ? v : Number(v.toExponential(3)))),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

// Speed is a benchmark figure, never a test (the machines are shared and noisy): these check
// that big inputs parse right; the parser is one linear pass by construction.
describe("fromCsv: big files", () => {
  const table = (n: number) => {
    const lines = ["f0,f1,f2,f3,label"];
    for (let i = 0; i < n; i++) lines.push(`${i},${i * 0.5},"${-i}",${(i % 7) / 8},${i % 3 === 0 ? '"c,0"' : `c${i % 3}`}`);
    return `${lines.join("\r\n")}\r\n`;
  };

  it("100,000 rows, values in place", () => {
    const r = data.fromCsv(table(100_000), { label: "label" });
    expect(r.x.shape).toEqual([100_000, 4]);
    expect(r.classes).toEqual(["c,0", "c1", "c2"]);
    expect(Array.from(r.x.data.subarray(4 * 99_999))).toEqual([99_999, 49_999.5, -99_999, (99_999 % 7) / 8]);
    expect(r.y[99_999]).toBe(0);
  });

  it("one huge quoted field with many doubled quotes", () => {
    const inner = '""'.repeat(200_000);
    const r = data.fromCsv(`a,l\n1,"${inner}"\n`, { label: "l" });
    expect(r.classes[0].length).toBe(200_000);
  });
});

describe("metrics.accuracy", () => {
  const logits = tensor([
    [2, 1, 0],
    [0, 3, 1],
    [5, 5, 1], // a tie: the first index (0) wins, as argmax
    [0, 0, 9],
  ]);

  it("from logits: the argmax of each row against the labels", () => {
    expect(metrics.accuracy(logits, [0, 1, 0, 2])).toBe(1);
    expect(metrics.accuracy(logits, [0, 1, 1, 2])).toBe(0.75);
    expect(metrics.accuracy(logits, new Int32Array([1, 0, 1, 0]))).toBe(0);
    expect(metrics.accuracy(logits, tensor([0, 0, 0, 0]))).toBe(0.5);
  });

  it("a NaN in a row counts as its largest value, as in PyTorch's argmax", () => {
    expect(metrics.accuracy(tensor([[1, Number.NaN, 9]]), [1])).toBe(1);
    expect(metrics.accuracy(tensor([[Number.NaN, 2]]), [0])).toBe(1);
  });

  it("from predicted labels: number[], Int32Array or a 1-d tensor", () => {
    expect(metrics.accuracy([0, 1, 2, 2, 1], [0, 1, 1, 2, 0])).toBe(3 / 5);
    expect(metrics.accuracy(new Int32Array([3, 3]), [3, 4])).toBe(0.5);
    expect(metrics.accuracy(tensor([1, 0]), tensor([1, 1]))).toBe(0.5);
  });

  it("matches a count by hand on random logits, and float32 gives the same", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((c) =>
          fc.array(fc.tuple(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: c, maxLength: c }), fc.nat(c - 1)), {
            minLength: 1,
            maxLength: 20,
          }),
        ),
        (rows) => {
          const scores = rows.map(([s]) => s);
          const y = rows.map(([, l]) => l);
          const pred = scores.map((s) => s.indexOf(Math.max(...s))); // indexOf: the first maximum
          const want = pred.filter((p, i) => p === y[i]).length / y.length;
          expect(metrics.accuracy(tensor(scores), y)).toBe(want);
          expect(metrics.accuracy(tensor(scores, { dtype: "float32" }), y)).toBe(want);
          expect(metrics.accuracy(pred, y)).toBe(want);
        },
      ),
    );
  });

  it("bad input is a clear error", () => {
    expect(() => metrics.accuracy([0, 1], [0])).toThrow("accuracy: 2 predictions for 1 labels");
    expect(() => metrics.accuracy(logits, [0, 1, 3, 0])).toThrow("accuracy: label 3 at index 2 is not a class index in [0, 2]");
    expect(() => metrics.accuracy([0, 1.5], [0, 1])).toThrow(
      "accuracy: predicted label 1.5 at index 1 is not a non-negative integer",
    );
    expect(() => metrics.accuracy([0, 1], [0, -1])).toThrow("accuracy: label -1 at index 1 is not a non-negative integer");
    expect(() => metrics.accuracy([], [])).toThrow("accuracy: no samples");
    expect(() => metrics.accuracy(tensor([[[1]]]), [0])).toThrow(
      "accuracy: predictions must be scores of shape [N, classes] or N class indices, got a tensor of shape [1,1,1]",
    );
    expect(() => metrics.accuracy([0], tensor([[0]]))).toThrow("accuracy: label must be a 1-d tensor of class indices");
    expect(() => metrics.accuracy("01" as any, [0, 1])).toThrow(TypeError);
    for (const e of [errorOf(() => metrics.accuracy([0, 1], [0])), errorOf(() => metrics.accuracy([0.5], [0]))]) {
      expect(e).toBeInstanceOf(RangeError);
    }
  });
});

describe("metrics.confusionMatrix", () => {
  it("rows are the true labels, columns the predictions: scikit-learn's documented example", () => {
    // sklearn.metrics.confusion_matrix(y_true=[2, 0, 2, 2, 0, 1], y_pred=[0, 0, 2, 2, 0, 2])
    expect(metrics.confusionMatrix([0, 0, 2, 2, 0, 2], [2, 0, 2, 2, 0, 1])).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    // and its string-label example, with labels=["ant", "bird", "cat"] as indices 0, 1, 2
    // y_true = ["cat", "ant", "cat", "cat", "ant", "bird"], y_pred = ["ant", "ant", "cat", "cat", "ant", "cat"]
    expect(metrics.confusionMatrix([0, 0, 2, 2, 0, 2], [2, 0, 2, 2, 0, 1], ["ant", "bird", "cat"])).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });

  it("from logits, with classes as a count, names or the logits' columns", () => {
    const logits = tensor([
      [3, 1],
      [0, 2],
      [1, 1],
      [0, 5],
    ]);
    // predictions: 0, 1, 0 (the tie), 1
    expect(metrics.confusionMatrix(logits, [0, 0, 1, 1])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    const want = [
      [0, 0],
      [2, 2],
    ];
    expect(metrics.confusionMatrix(logits, [1, 1, 1, 1])).toEqual(want);
    expect(metrics.confusionMatrix(logits, [1, 1, 1, 1], 2)).toEqual(want);
    expect(metrics.confusionMatrix(logits, [1, 1, 1, 1], ["no", "yes"])).toEqual(want);
    expect(metrics.confusionMatrix(logits.argmax(1), [0, 1, 0, 1])).toEqual([
      [2, 0],
      [0, 2],
    ]);
  });

  it("classes larger than any label seen give empty rows and columns; the sums are the class sizes", () => {
    const m = metrics.confusionMatrix([1, 1], [1, 0], 4);
    expect(m).toEqual([
      [0, 1, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it("agrees with accuracy (diagonal / total) and with counts by hand on random labels", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((k) =>
            fc.tuple(fc.constant(k), fc.array(fc.tuple(fc.nat(k - 1), fc.nat(k - 1)), { minLength: 1, maxLength: 30 })),
          ),
        ([k, pairs]) => {
          const p = pairs.map(([a]) => a),
            y = pairs.map(([, b]) => b);
          const m = metrics.confusionMatrix(p, y, k);
          for (let i = 0; i < k; i++)
            for (let j = 0; j < k; j++) expect(m[i][j]).toBe(pairs.filter(([a, b]) => b === i && a === j).length);
          const diag = m.reduce((s, row, i) => s + row[i], 0);
          expect(diag / pairs.length).toBe(metrics.accuracy(p, y));
          m.forEach((row, i) => expect(row.reduce((s, v) => s + v, 0)).toBe(y.filter((v) => v === i).length));
        },
      ),
    );
  });

  it("bad input is a clear error", () => {
    expect(() => metrics.confusionMatrix([0, 1], [0, 1, 1])).toThrow("confusionMatrix: 2 predictions for 3 labels");
    expect(() => metrics.confusionMatrix([0, 2], [0, 1], 2)).toThrow(
      "confusionMatrix: predicted label 2 at index 1 is not a class index in [0, 1]",
    );
    expect(() => metrics.confusionMatrix([0, 1], [0, 5], ["a", "b"])).toThrow(
      "confusionMatrix: label 5 at index 1 is not a class index in [0, 1]",
    );
    expect(() => metrics.confusionMatrix([0, 1], [0, Number.NaN])).toThrow("confusionMatrix: label NaN at index 1");
    expect(() => metrics.confusionMatrix(tensor([[1, 2]]), [0], 3)).toThrow(
      "confusionMatrix: scores have 2 columns but there are 3 classes",
    );
    expect(() => metrics.confusionMatrix([0], [0], 0)).toThrow(/^confusionMatrix: classes must be a positive count/);
    expect(() => metrics.confusionMatrix([0], [0], [])).toThrow(/^confusionMatrix: classes must be a positive count/);
  });

  it("formatConfusionMatrix lays it out with the class names", () => {
    expect(
      metrics.formatConfusionMatrix(
        [
          [1, 0],
          [2, 10],
        ],
        ["cat", "dog"],
      ),
    ).toBe(["           cat    dog", "cat          1      0", "dog          2     10"].join("\n"));
  });
});
