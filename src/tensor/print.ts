/**
 * Printing: the text of `String(t)`, `t.toString()` and Node's `util.inspect(t)` /
 * `console.log(t)`. Pure functions over a flat row-major array, its shape, its dtype and two
 * flags, so the format can be read (and tested) here without the rest of the library.
 *
 * The format follows PyTorch's repr, in one of two layouts. When the whole text fits on one line
 * of at most 80 columns, it is that one line, with no padding and each number in its shortest form:
 *
 *     tensor([[0.5, NaN], [Infinity, -0]], dtype=float32, requiresGrad=true)
 *     tensor(3.5, dtype=float64)
 *     tensor([1, 2, 3], dtype=float64)
 *     tensor([0.5, 0.25, -1], dtype=float64)
 *     tensor([0.1, 0.3333], dtype=float32)
 *     tensor([1.2346e-05, 3e+02], dtype=float64)
 *     tensor([], shape=[0, 3], dtype=float64)
 *     tensor([[0.8365, 0.2041], [0.0497, 0.4855]], dtype=float64, gradFn=<exp>)
 *     tensor([0, 1, 2, …, 1997, 1998, 1999], shape=[2000], dtype=float64)
 *
 * Otherwise it is PyTorch's aligned block, every value padded to one width and sharing one
 * number of decimals:
 *
 *     tensor([[  1.500, -20.250,   3.000,   7.125],
 *             [ 40.000,   5.000,  -0.125,   2.000],
 *             [  1.000,   2.000,   3.000,   4.000]], dtype=float64)
 *     tensor([[   0,    1,    2, …,   47,   48,   49],
 *             [  50,   51,   52, …,   97,   98,   99],
 *             [ 100,  101,  102, …,  147,  148,  149],
 *             …,
 *             [2350, 2351, 2352, …, 2397, 2398, 2399],
 *             [2400, 2401, 2402, …, 2447, 2448, 2449],
 *             [2450, 2451, 2452, …, 2497, 2498, 2499]], shape=[50, 50], dtype=float64)
 *
 * The rules:
 * - The values are nested brackets, one level per axis. A 0-d tensor shows its one value without
 *   brackets.
 * - One line: the whole text (values and suffixes) on a single line of at most 80 columns,
 *   `, ` between values and between rows or blocks, no padding, no line breaks.
 * - Aligned block (when the one line would pass 80 columns): the last axis is one line (wrapped at
 *   80 columns, continuation lines under the first value); rows of a matrix are on lines of their
 *   own, aligned under the first row; blocks of higher axes are separated by blank lines (one more
 *   per axis), as PyTorch does. Every value is right-aligned to the width of the widest shown
 *   value, so columns line up.
 * - Non-finite values and negative zero are written as JavaScript spells them: `NaN`,
 *   `Infinity`, `-Infinity`, and `-0` (in the aligned block, with the tensor's decimals in the
 *   other number forms: `-0.0`, `-0.00e+00`; on one line `-0`, or `-0e+00` in exponent form).
 * - Numbers: one form for the whole tensor, chosen from its shown finite values:
 *   - integer form (`3`, `-12`) when every finite value is an integer below 1e8 in size, and
 *     always for an int32 tensor (indices: `tensor([2, 0, 1], dtype=int32)`);
 *   - exponent form (`1.2346e-05`, two-digit exponent at least) when the non-zero finite values
 *     reach above 1e8, go below 1e-4, or span more than a factor of 1000 — PyTorch's rule;
 *   - otherwise fixed form (`0.5`, `-1.25`).
 *   Fixed and exponent forms round to at most 4 decimals (of the mantissa, in exponent form). A
 *   float32 value prints as the float32 number it holds, rounded (0.1f is 0.10000000149…, so
 *   `0.1`).
 *   - On one line each value is written alone in its shortest text in the tensor's form: rounded
 *     to 4 decimals, then trailing zeros (and a bare point) dropped — `0.5`, `0.3333`, `2` in
 *     fixed form; `1.2346e-05`, `3e+02`, `0e+00` in exponent form (every finite value of an
 *     exponent-form tensor keeps the exponent, so `[1e9, 3]` is `[1e+09, 3e+00]`).
 *   - In the aligned block every value gets the same number of decimals: the fewest that show
 *     each value as it rounds to 4 (at least one in fixed form, so a non-integer tensor never
 *     looks like an integer one). So `[0.5, 0.25]` is `0.50, 0.25`, `[0.1, 1/3]` is
 *     `0.1000, 0.3333`, and `300` next to `1.23456e-5` is `3.0000e+02`.
 * - Long tensors (more than 1000 values, PyTorch's threshold) are summarized: along each axis
 *   longer than 6, the first 3 and last 3 entries are shown with `…` between, and `shape=[…]`
 *   is added. The number form and widths are chosen from the shown values only, so printing a
 *   huge tensor costs only the values it shows.
 * - After the values: `shape=[…]` when the values do not tell it (summarized, or an empty
 *   tensor that is not 1-d), then always `dtype=` (the default dtype can change with
 *   `setDefaultDtype`, so the text says which one rather than leaving it implied), then for a
 *   tensor made by a recorded op `gradFn=<op>` (the op's name, `t.node.op`, like PyTorch's
 *   grad_fn; such a tensor always requires a gradient) or, for a leaf, `requiresGrad=true` when
 *   it requires one. Nothing is shown for `requiresGrad=false`. If a suffix would run past 80
 *   columns it goes on a new line, indented under the first value.
 * - Node's `util.inspect` uses the same text; nested in an object or array, Node indents its
 *   later lines by the nesting depth (not by the key's length), so they may sit a little off.
 * - A tensor released by `scope()` prints as `tensor(<released by scope()>, shape=[…])` instead
 *   of throwing, so a log line or a debugger never fails on it.
 */
import type { DType, Values } from "../memory/dtype.js";

/** More values than this and the tensor is summarized. */
export const PRINT_THRESHOLD = 1000;
/** Entries shown at each end of a summarized axis. */
export const PRINT_EDGE_ITEMS = 3;
/** Lines of values are wrapped to stay within this many columns. */
export const PRINT_LINE_WIDTH = 80;
/** Stands for the entries left out of a summarized axis. */
export const ELLIPSIS = "…";

const PREFIX = "tensor(";

/** What is printed after the values, besides the dtype. */
export interface PrintFlags {
  /** Shown as `requiresGrad=true` on a leaf when true. */
  readonly requiresGrad: boolean;
  /** The recorded op that made the tensor (`t.node?.op`), shown as `gradFn=<op>`; null for a leaf. */
  readonly gradFn?: string | null;
}

/** `[2, 3]`, `[]` for 0-d. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** The text of a tensor whose values were released at the end of its `scope()`. */
export function formatReleased(shape: readonly number[]): string {
  return `${PREFIX}<released by scope()>, shape=${formatShape(shape)})`;
}

/** The full text of a tensor: `tensor(<values>, <suffixes>)`. `data` is row-major and fills `shape`. */
export function formatTensor(data: Values, shape: readonly number[], dtype: DType, flags: PrintFlags): string {
  const size = data.length;
  const summarize = size > PRINT_THRESHOLD;
  const suffixes: string[] = [];
  if (summarize || (size === 0 && shape.length !== 1)) suffixes.push(`shape=${formatShape(shape)}`);
  suffixes.push(`dtype=${dtype}`);
  if (flags.gradFn != null) suffixes.push(`gradFn=<${flags.gradFn}>`);
  else if (flags.requiresGrad) suffixes.push("requiresGrad=true");
  // n shown values take at least 3n - 2 columns ("0, 0, 0"): skip the compact try when they cannot fit.
  const integers = dtype === "int32";
  if (3 * shownCount(shape, summarize) - 2 <= PRINT_LINE_WIDTH) {
    const line = `${PREFIX}${formatCompactValues(data, shape, summarize, integers)}, ${suffixes.join(", ")})`;
    if (line.length <= PRINT_LINE_WIDTH) return line;
  }
  const body = formatValues(data, shape, summarize, PREFIX.length, integers);
  return addSuffixes(PREFIX + body, suffixes, PREFIX.length);
}

/** The shown values of a tensor and where they sit: what both layouts walk. */
interface Shown {
  readonly strides: number[];
  /** Per axis, the indices shown; -1 marks the ellipsis. */
  readonly picks: number[][];
  /** The shown values, row-major. */
  readonly values: number[];
}

function shownValues(data: Values, shape: readonly number[], summarize: boolean): Shown {
  const ndim = shape.length;
  const strides = new Array<number>(ndim);
  for (let a = ndim - 1, s = 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a];
  }
  const picks = shape.map((n) => shownIndices(n, summarize));
  const values: number[] = [];
  const collect = (axis: number, offset: number): void => {
    for (const i of picks[axis]) {
      if (i < 0) continue;
      if (axis === ndim - 1) values.push(data[offset + i]);
      else collect(axis + 1, offset + i * strides[axis]);
    }
  };
  collect(0, 0);
  return { strides, picks, values };
}

/** How many values are shown, without visiting them. */
function shownCount(shape: readonly number[], summarize: boolean): number {
  let n = 1;
  for (const len of shape) n *= summarize && len > 2 * PRINT_EDGE_ITEMS ? 2 * PRINT_EDGE_ITEMS : len;
  return n;
}

/**
 * The bracketed values on one line with no padding, each number in its shortest form:
 * `[[0.5, NaN], [Infinity, -0]]`. What `formatTensor` prints when the whole text fits in 80 columns.
 */
export function formatCompactValues(data: Values, shape: readonly number[], summarize: boolean, integers = false): string {
  if (data.length === 0) return "[]";
  const ndim = shape.length;
  if (ndim === 0) return makeFormatter([data[0]], integers).compact(data[0]);
  const { strides, picks, values } = shownValues(data, shape, summarize);
  const formatter = makeFormatter(values, integers);
  const render = (axis: number, offset: number): string => {
    const items = picks[axis].map((i) => {
      if (i < 0) return ELLIPSIS;
      return axis === ndim - 1 ? formatter.compact(data[offset + i]) : render(axis + 1, offset + i * strides[axis]);
    });
    return `[${items.join(", ")}]`;
  };
  return render(0, 0);
}

/**
 * The bracketed values laid out on lines, aligned (`[[1, 2],\n [3, 4]]`), the first line starting at
 * column `indent` — later lines are indented to match. What `formatTensor` prints when the one-line
 * form does not fit.
 */
export function formatValues(
  data: Values,
  shape: readonly number[],
  summarize: boolean,
  indent: number,
  integers = false,
): string {
  if (data.length === 0) return "[]";
  const ndim = shape.length;
  if (ndim === 0) return makeFormatter([data[0]], integers).compact(data[0]);
  // The shown values choose the number form and width.
  const { strides, picks, values } = shownValues(data, shape, summarize);
  const formatter = makeFormatter(values, integers);
  let width = 0;
  for (const v of values) width = Math.max(width, formatter.format(v).length);

  const perLine = Math.max(1, Math.floor((PRINT_LINE_WIDTH - indent) / (width + 2)));
  const render = (axis: number, offset: number, ind: number): string => {
    if (axis === ndim - 1) {
      const items = picks[axis].map((i) => (i < 0 ? ELLIPSIS : formatter.format(data[offset + i]).padStart(width)));
      const lines: string[] = [];
      for (let k = 0; k < items.length; k += perLine) lines.push(items.slice(k, k + perLine).join(", "));
      return `[${lines.join(`,\n${" ".repeat(ind + 1)}`)}]`;
    }
    const slices = picks[axis].map((i) => (i < 0 ? ELLIPSIS : render(axis + 1, offset + i * strides[axis], ind + 1)));
    return `[${slices.join(`,${"\n".repeat(ndim - axis - 1)}${" ".repeat(ind + 1)}`)}]`;
  };
  return render(0, 0, indent);
}

/** The indices shown along an axis of length `n`; -1 marks the ellipsis. */
function shownIndices(n: number, summarize: boolean): number[] {
  const out: number[] = [];
  if (summarize && n > 2 * PRINT_EDGE_ITEMS) {
    for (let i = 0; i < PRINT_EDGE_ITEMS; i++) out.push(i);
    out.push(-1);
    for (let i = n - PRINT_EDGE_ITEMS; i < n; i++) out.push(i);
  } else {
    for (let i = 0; i < n; i++) out.push(i);
  }
  return out;
}

/** How numbers are written, chosen once per tensor. */
export interface NumberFormatter {
  readonly mode: "integer" | "fixed" | "exponent";
  /** Decimals after the point in the aligned layout (0 in integer form). */
  readonly decimals: number;
  /** The aligned layout's text: the tensor's shared number of decimals (`0.50`, `1.0000e-05`). */
  format(v: number): string;
  /** The one-line layout's text: the same form and rounding, trailing zeros dropped (`0.5`, `1e-05`). */
  compact(v: number): string;
}

const MAX_DECIMALS = 4;

/**
 * Chooses the number form for a tensor from the values it shows (see the header comment);
 * `integers` (an int32 tensor) forces the integer form.
 */
export function makeFormatter(values: readonly number[], integers = false): NumberFormatter {
  let allIntegers = true;
  let lo = Infinity;
  let hi = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (!Number.isInteger(v)) allIntegers = false;
    const a = Math.abs(v);
    if (a === 0) continue;
    if (a < lo) lo = a;
    if (a > hi) hi = a;
  }
  const exponent = integers ? false : allIntegers ? hi > 1e8 : hi > 1e8 || lo < 1e-4 || hi / lo > 1000;
  if (integers || (allIntegers && !exponent)) {
    const integer = (v: number): string => special(v) ?? (Object.is(v, -0) ? "-0" : String(v));
    return { mode: "integer", decimals: 0, format: integer, compact: integer };
  }
  let decimals = exponent ? 0 : 1;
  for (const v of values) {
    if (Number.isFinite(v)) decimals = Math.max(decimals, neededDecimals(exponent ? mantissa(v) : v.toFixed(MAX_DECIMALS)));
  }
  if (exponent) {
    return {
      mode: "exponent",
      decimals,
      format: (v) => special(v) ?? signOfZero(v) + padExponent(v.toExponential(decimals)),
      compact: (v) => {
        const s = v.toExponential(MAX_DECIMALS);
        const e = s.indexOf("e");
        return special(v) ?? signOfZero(v) + padExponent(dropTrailingZeros(s.slice(0, e)) + s.slice(e));
      },
    };
  }
  return {
    mode: "fixed",
    decimals,
    format: (v) => special(v) ?? signOfZero(v) + v.toFixed(decimals),
    compact: (v) => special(v) ?? signOfZero(v) + dropTrailingZeros(v.toFixed(MAX_DECIMALS)),
  };
}

function special(v: number): string | null {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return null;
}

/** toFixed and toExponential drop the sign of -0; this puts it back. */
function signOfZero(v: number): string {
  return Object.is(v, -0) ? "-" : "";
}

/** At least two exponent digits, as PyTorch writes them: "1e-5" → "1e-05". */
function padExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, "e$10$2");
}

/** The digits of `v` in exponent form rounded to 4 decimals, without the exponent: "1.2300". */
function mantissa(v: number): string {
  const s = v.toExponential(MAX_DECIMALS);
  return s.slice(0, s.indexOf("e"));
}

/** Decimals left in a number's text once trailing zeros are dropped: "1.2300" → 2. */
function neededDecimals(text: string): number {
  const dot = text.indexOf(".");
  if (dot < 0) return 0;
  let end = text.length;
  while (end > dot + 1 && text[end - 1] === "0") end--;
  return end - dot - 1;
}

/** A decimal text without trailing zeros after the point, nor a bare point: "1.2300" → "1.23", "2.0000" → "2". */
function dropTrailingZeros(text: string): string {
  const dot = text.indexOf(".");
  if (dot < 0) return text;
  const kept = neededDecimals(text);
  return text.slice(0, kept === 0 ? dot : dot + 1 + kept);
}

/** Appends `, suffix` for each suffix, moving one to a new line (at `indent`) when the line would pass the width. */
function addSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  let out = text;
  let lineLength = text.length - (text.lastIndexOf("\n") + 1);
  for (const s of suffixes) {
    if (lineLength + 2 + s.length + 1 > PRINT_LINE_WIDTH) {
      out += `,\n${" ".repeat(indent)}${s}`;
      lineLength = indent + s.length;
    } else {
      out += `, ${s}`;
      lineLength += 2 + s.length;
    }
  }
  return `${out})`;
}
