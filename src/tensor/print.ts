/**
 * Printing: the text of `String(t)`, `t.toString()` and Node's `util.inspect(t)` /
 * `console.log(t)`. Pure functions over a flat row-major array, its shape, its dtype and two
 * flags, so the format can be read (and tested) here without the rest of the library.
 *
 * The format follows PyTorch's repr:
 *
 *     tensor([[     0.5,      NaN],
 *             [Infinity,     -0.0]], dtype=float32, requiresGrad=true)
 *     tensor(3.5, dtype=float64)
 *     tensor([1, 2, 3], dtype=float64)
 *     tensor([ 0.50,  0.25, -1.00], dtype=float64)
 *     tensor([1.2346e-05, 3.0000e+02], dtype=float64)
 *     tensor([], shape=[0, 3], dtype=float64)
 *     tensor([[0.8365, 0.2041],
 *             [0.0497, 0.4855]], dtype=float64, gradFn=<sigmoid>)
 *     tensor([[   0,    1,    2, …,   47,   48,   49],
 *             [  50,   51,   52, …,   97,   98,   99],
 *             [ 100,  101,  102, …,  147,  148,  149],
 *             …,
 *             [2350, 2351, 2352, …, 2397, 2398, 2399],
 *             [2400, 2401, 2402, …, 2447, 2448, 2449],
 *             [2450, 2451, 2452, …, 2497, 2498, 2499]], shape=[50, 50], dtype=float64)
 *
 * The rules:
 * - The values are nested brackets, one level per axis. The last axis is one line (wrapped at
 *   80 columns, continuation lines under the first value); rows of a matrix are on lines of
 *   their own, aligned under the first row; blocks of higher axes are separated by blank lines
 *   (one more per axis), as PyTorch does. A 0-d tensor shows its one value without brackets.
 * - Every value is right-aligned to the width of the widest shown value, so columns line up.
 * - Non-finite values and negative zero are written as JavaScript spells them: `NaN`,
 *   `Infinity`, `-Infinity`, and `-0` (with the tensor's decimals in the other number forms:
 *   `-0.0`, `-0.00e+00`).
 * - Numbers: one form for the whole tensor, chosen from its shown finite values:
 *   - integer form (`3`, `-12`) when every finite value is an integer below 1e8 in size;
 *   - exponent form (`1.2346e-05`, two-digit exponent at least) when the non-zero finite values
 *     reach above 1e8, go below 1e-4, or span more than a factor of 1000 — PyTorch's rule;
 *   - otherwise fixed form (`0.5`, `-1.25`).
 *   Fixed and exponent forms round to at most 4 decimals, and every value of the tensor gets the
 *   same number of decimals: the fewest that show each value as it rounds to 4 (at least one in
 *   fixed form, so a non-integer tensor never looks like an integer one). So `[0.5, 0.25]` prints
 *   as `0.50, 0.25`, and `[0.1, 1/3]` as `0.1000, 0.3333`. A float32 value prints as the float32
 *   number it holds (0.1f is 0.10000000149…, so `0.1`).
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
import type { DType, FloatArray } from "./dtype.js";

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
export function formatTensor(data: FloatArray, shape: readonly number[], dtype: DType, flags: PrintFlags): string {
  const size = data.length;
  const summarize = size > PRINT_THRESHOLD;
  const body = formatValues(data, shape, summarize, PREFIX.length);
  const suffixes: string[] = [];
  if (summarize || (size === 0 && shape.length !== 1)) suffixes.push(`shape=${formatShape(shape)}`);
  suffixes.push(`dtype=${dtype}`);
  if (flags.gradFn != null) suffixes.push(`gradFn=<${flags.gradFn}>`);
  else if (flags.requiresGrad) suffixes.push("requiresGrad=true");
  return addSuffixes(PREFIX + body, suffixes, PREFIX.length);
}

/**
 * The bracketed values alone (`[[1, 2], [3, 4]]` laid out on lines), the first line starting at
 * column `indent` — later lines are indented to match.
 */
export function formatValues(data: FloatArray, shape: readonly number[], summarize: boolean, indent: number): string {
  if (data.length === 0) return "[]";
  const ndim = shape.length;
  if (ndim === 0) return makeFormatter([data[0]]).format(data[0]);
  const strides = new Array<number>(ndim);
  for (let a = ndim - 1, s = 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a];
  }
  const picks = shape.map((n) => shownIndices(n, summarize));

  // First pass: the shown values, to choose the number form and width.
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    for (const i of picks[axis]) {
      if (i < 0) continue;
      if (axis === ndim - 1) shown.push(data[offset + i]);
      else collect(axis + 1, offset + i * strides[axis]);
    }
  };
  collect(0, 0);
  const formatter = makeFormatter(shown);
  let width = 0;
  for (const v of shown) width = Math.max(width, formatter.format(v).length);

  // Second pass: the text.
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
  /** Decimals after the point (0 in integer form). */
  readonly decimals: number;
  format(v: number): string;
}

const MAX_DECIMALS = 4;

/** Chooses the number form for a tensor from the values it shows (see the header comment). */
export function makeFormatter(values: readonly number[]): NumberFormatter {
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
  const exponent = allIntegers ? hi > 1e8 : hi > 1e8 || lo < 1e-4 || hi / lo > 1000;
  if (allIntegers && !exponent) {
    return { mode: "integer", decimals: 0, format: (v) => special(v) ?? (Object.is(v, -0) ? "-0" : String(v)) };
  }
  let decimals = exponent ? 0 : 1;
  for (const v of values) {
    if (Number.isFinite(v)) decimals = Math.max(decimals, neededDecimals(exponent ? mantissa(v) : v.toFixed(MAX_DECIMALS)));
  }
  if (exponent) {
    return {
      mode: "exponent",
      decimals,
      format: (v) =>
        special(v) ?? signOfZero(v) + v.toExponential(decimals).replace(/e([+-])(\d)$/, (_, sign, d) => `e${sign}0${d}`),
    };
  }
  return { mode: "fixed", decimals, format: (v) => special(v) ?? signOfZero(v) + v.toFixed(decimals) };
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
