/**
 * `fromCsv`: a labelled table of numbers in CSV text → features, class indices and names.
 *
 *   const { x, y, classes, features } = data.fromCsv(readFileSync("iris.csv", "utf8"), { label: "species" });
 *   // x: Tensor [rows, features]; y: Int32Array of indices into classes; ready for trainTestSplit
 *
 * The text is read as RFC 4180 says: fields separated by commas, records by CRLF or LF (a lone
 * CR also ends a line); a field in double quotes may hold commas, line breaks and quotes written
 * twice (`"say ""hi"""`). Leniencies: a trailing newline and blank lines are skipped, spaces
 * and tabs around a field (and around a quoted one) are ignored, a byte-order mark is dropped,
 * and a quote inside an unquoted field is kept as it is.
 *
 * Every column but the label (and those in `drop`) must hold a finite decimal number in every
 * row (whitespace around it is fine; hex, "NaN", "Infinity" and empty fields are errors).
 *
 * Classes: the distinct labels sorted — numerically when every label reads as a number
 * (so "1" and "1.0" are one class, named "1"), otherwise by UTF-16 code units (as JavaScript's
 * sort, and as scikit-learn's LabelEncoder / NumPy's unique) — so the indices do not depend on
 * the order of the rows. `opts.classes` fixes the list instead (e.g. to read a train and a
 * test file with the same indices); a label not in it is then an error.
 *
 * Errors name the place as an editor shows it: lines counted from 1 (the header is line 1, a
 * quoted line break starts a new line), columns by name and 0-based index — e.g.
 *   fromCsv: line 7, column "sepal_width" (index 1): "abc" is not a number
 * The parse is one pass over the text (linear time); numbers go straight into a typed array.
 */
import { alloc, checkDtype, type FloatDType, getDefaultDtype } from "../memory/dtype.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Options of the CSV parser: the label column, header, dtype, delimiter, columns to drop and the class names.
 *
 * @example
 * ```ts
 * import { data } from "actigrad";
 * const opts: data.CsvOptions = { label: -1, header: false, delimiter: ";", drop: [0], dtype: "float32" };
 * const { x, y, features } = data.fromCsv("7;0.5;1.5;yes\n8;2.5;3.5;no\n", opts);
 * console.log(x.toString(), Array.from(y), features);
 * ```
 * ```text
 * tensor([[0.5, 1.5], [2.5, 3.5]], dtype=float32) [ 1, 0 ] [ '1', '2' ]
 * ```
 */
export interface CsvOptions {
  /** The label column: its name (a header field; "0", "1", … without a header) or its index (negative: from the end). */
  label: string | number;
  /** Whether the first record names the columns (default true). Without one, columns are named "0", "1", …. */
  header?: boolean;
  /** The dtype of `x` (default: the default dtype). */
  dtype?: FloatDType;
  /** The field separator, one character (default ","). */
  delimiter?: string;
  /** Columns to leave out of the features (names or indices, as `label`), e.g. an id column. */
  drop?: readonly (string | number)[];
  /** The classes in the order to use, instead of the sorted distinct labels. */
  classes?: readonly string[];
}

/**
 * A parsed CSV: the feature tensor x, the labels y, the class names and the feature names.
 *
 * @example
 * ```ts
 * import { data } from "actigrad";
 * const parsed: data.CsvData = data.fromCsv("x,y\n1,b\n2,a\n", { label: "y" });
 * for (let i = 0; i < parsed.y.length; i++) console.log(parsed.x.select(0, i).toArray(), parsed.classes[parsed.y[i]]);
 * ```
 * ```text
 * [ 1 ] b
 * [ 2 ] a
 * ```
 */
export interface CsvData {
  /** The features, [rows, features]. */
  x: Tensor;
  /** The class index of each row: `classes[y[i]]` is row i's label. */
  y: Int32Array;
  /** The class names; index i is class i. */
  classes: string[];
  /** The names of x's columns. */
  features: string[];
}

const LF = 10,
  CR = 13,
  QUOTE = 34,
  SPACE = 32,
  TAB = 9;

/** Whether `s` is a decimal number, with optional spaces or tabs around it: [+-] digits [. digits] [e [+-] digits]. */
function isDecimal(s: string): boolean {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(i);
  while (c === SPACE || c === TAB) c = s.charCodeAt(++i);
  if (c === 43 || c === 45) c = s.charCodeAt(++i); // + -
  let digits = 0;
  while (c >= 48 && c <= 57) (c = s.charCodeAt(++i)), digits++;
  if (c === 46) {
    c = s.charCodeAt(++i); // .
    while (c >= 48 && c <= 57) (c = s.charCodeAt(++i)), digits++;
  }
  if (digits === 0) return false;
  if (c === 101 || c === 69) {
    c = s.charCodeAt(++i); // e E
    if (c === 43 || c === 45) c = s.charCodeAt(++i);
    if (!(c >= 48 && c <= 57)) return false;
    while (c >= 48 && c <= 57) c = s.charCodeAt(++i);
  }
  while (c === SPACE || c === TAB) c = s.charCodeAt(++i);
  return i === n;
}

const show = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s);

/** Where a location is in the text, for messages. */
type Where = (line: number, col: number) => string;

/**
 * Calls `onRecord(fields, quoted, lines, count)` for each record of the text: `fields[0..count)`
 * its values (quotes removed, `""` undone), `quoted[j]` whether field j was quoted, `lines[j]`
 * the line on which field j starts. The arrays are reused from record to record.
 */
function parseRecords(
  text: string,
  delimiter: number,
  where: Where,
  onRecord: (fields: string[], quoted: boolean[], lines: number[], count: number) => void,
): void {
  const n = text.length;
  const fields: string[] = [],
    quoted: boolean[] = [],
    lines: number[] = [];
  const blank = (c: number) => (c === SPACE || c === TAB) && c !== delimiter;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c === LF || c === CR) {
      // a blank line (or the end of the last record's line ending): skipped
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    let count = 0;
    for (;;) {
      const startLine = line;
      let j = i;
      while (j < n && blank(text.charCodeAt(j))) j++;
      let value: string;
      let isQuoted = false;
      if (j < n && text.charCodeAt(j) === QUOTE) {
        isQuoted = true;
        value = "";
        let start = j + 1;
        for (;;) {
          const close = text.indexOf('"', start);
          if (close < 0) {
            throw new RangeError(`fromCsv: ${where(startLine, count)}: the quoted field opened here is never closed`);
          }
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += text.slice(start, close + 1); // "" → "
            start = close + 2;
          } else {
            value += text.slice(start, close);
            i = close + 1;
            break;
          }
        }
        for (let p = j + 1; p < i; p++) {
          const ch = text.charCodeAt(p);
          if (ch === LF || (ch === CR && text.charCodeAt(p + 1) !== LF)) line++;
        }
        while (i < n && blank(text.charCodeAt(i))) i++;
        if (i < n) {
          c = text.charCodeAt(i);
          if (c !== delimiter && c !== LF && c !== CR) {
            throw new RangeError(
              `fromCsv: ${where(line, count)}: unexpected ${show(text[i])} after the closing quote (expected a delimiter or the end of the line)`,
            );
          }
        }
      } else {
        let k = i;
        while (k < n) {
          c = text.charCodeAt(k);
          if (c === delimiter || c === LF || c === CR) break;
          k++;
        }
        value = text.slice(i, k);
        i = k;
      }
      fields[count] = value;
      quoted[count] = isQuoted;
      lines[count] = startLine;
      count++;
      if (i >= n) break;
      c = text.charCodeAt(i);
      i++;
      if (c === delimiter) continue;
      if (c === CR && text.charCodeAt(i) === LF) i++;
      line++;
      break;
    }
    onRecord(fields, quoted, lines, count);
  }
}

/** The index of a column given by name or index (negative from the end), or a RangeError. */
function resolveColumn(what: string, col: unknown, names: readonly string[], header: boolean): number {
  const ncol = names.length;
  if (typeof col === "number") {
    if (!Number.isInteger(col) || col < -ncol || col >= ncol) {
      throw new RangeError(
        `fromCsv: ${what} column ${col} is out of range for ${ncol} columns (indices ${-ncol} to ${ncol - 1})`,
      );
    }
    return col < 0 ? col + ncol : col;
  }
  if (typeof col !== "string") {
    throw new TypeError(`fromCsv: ${what} must be a column name (string) or index (number), got ${typeof col}`);
  }
  const at = names.indexOf(col);
  if (at < 0) {
    const list = names.length > 12 ? `${names.slice(0, 12).map(show).join(", ")}, …` : names.map(show).join(", ");
    const hint = header ? "" : " (without a header the columns are named by index)";
    throw new RangeError(`fromCsv: no ${what} column named ${show(col)}${hint}; the columns are ${list}`);
  }
  if (names.indexOf(col, at + 1) >= 0) {
    throw new RangeError(
      `fromCsv: the ${what} column name ${show(col)} is ambiguous: columns ${at} and ${names.indexOf(col, at + 1)} share it`,
    );
  }
  return at;
}

/**
 * Reads a labelled table of numbers from CSV text (see the top of this file for the format,
 * the class order and the errors).
 *
 *   fromCsv("a,b,label\n1,2,cat\n3,4,dog\n", { label: "label" })
 *   // x [[1, 2], [3, 4]], y [0, 1], classes ["cat", "dog"], features ["a", "b"]
 *
 * @example
 * ```ts
 * import { data } from "actigrad";
 * const text = "a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n";
 * const { x, y, classes, features } = data.fromCsv(text, { label: "label" });
 * console.log(x.toString(), Array.from(y), classes, features);
 * ```
 * ```text
 * tensor([[1, 2], [3, 4], [5, 6]], dtype=float64) [ 0, 1, 0 ] [ 'cat', 'dog' ] [ 'a', 'b' ]
 * ```
 */
export function fromCsv(text: string, opts: CsvOptions): CsvData {
  if (typeof text !== "string") {
    throw new TypeError(
      `fromCsv: text must be a string (e.g. readFileSync(path, "utf8")), got ${text === null ? "null" : typeof text}`,
    );
  }
  if (opts === null || typeof opts !== "object") {
    throw new TypeError("fromCsv: options { label } are required (the label column's name or index)");
  }
  const { label, header = true, delimiter = ",", drop = [] } = opts;
  if (label === undefined) throw new TypeError("fromCsv: options.label is required (the label column's name or index)");
  if (typeof label !== "string" && typeof label !== "number") {
    throw new TypeError(`fromCsv: label must be a column name (string) or index (number), got ${typeof label}`);
  }
  if (typeof header !== "boolean") throw new TypeError(`fromCsv: header must be a boolean, got ${typeof header}`);
  const dtype = opts.dtype ?? getDefaultDtype();
  checkDtype(dtype, "fromCsv");
  if (typeof delimiter !== "string" || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new RangeError(
      `fromCsv: delimiter must be one character other than a quote or a line break, got ${show(String(delimiter))}`,
    );
  }
  if (!Array.isArray(drop)) throw new TypeError("fromCsv: drop must be an array of column names or indices");
  const given = opts.classes;
  if (given !== undefined) {
    if (!Array.isArray(given) || given.some((c) => typeof c !== "string")) {
      throw new TypeError("fromCsv: classes must be an array of strings");
    }
    if (new Set(given).size !== given.length) throw new RangeError("fromCsv: classes has a name twice");
  }

  let names: string[] | null = null;
  let ncol = 0;
  let labelCol = -1;
  let isFeature: boolean[] = [];
  let nfeat = 0;
  let rows = 0;
  let values = new Float64Array(0);
  let labelIds = new Int32Array(1024);
  const ids = new Map<string, number>(); // label text → id in order of first appearance
  const distinct: string[] = [];
  if (given) given.forEach((c, k) => (ids.set(c, k), distinct.push(c)));
  let lastLine = 0;

  const where: Where = (line, col) => {
    const name = names && col < names.length ? show(names[col]) : null;
    return name === null ? `line ${line}, column index ${col}` : `line ${line}, column ${name} (index ${col})`;
  };

  const setColumns = (fieldNames: string[]) => {
    names = fieldNames;
    ncol = names.length;
    labelCol = resolveColumn("label", label, names, header);
    isFeature = names.map((_, j) => j !== labelCol);
    for (const d of drop) {
      const j = resolveColumn("drop", d, names, header);
      if (j === labelCol) throw new RangeError(`fromCsv: column ${show(names[j])} is the label; it cannot be dropped too`);
      isFeature[j] = false;
    }
    nfeat = isFeature.filter(Boolean).length;
    values = new Float64Array(Math.max(1, nfeat) * 1024);
  };

  parseRecords(text, delimiter.charCodeAt(0), where, (fields, quoted, lines, count) => {
    lastLine = lines[count - 1];
    if (names === null) {
      if (header) {
        setColumns(fields.slice(0, count).map((f, j) => (quoted[j] ? f : f.trim())));
        return;
      }
      setColumns(Array.from({ length: count }, (_, j) => String(j)));
    }
    if (count !== ncol) {
      // a line of only spaces reads as one blank field: skip it like an empty line
      if (count === 1 && !quoted[0] && fields[0].trim() === "") return;
      const has = `the row has ${count} field${count === 1 ? "" : "s"}, the ${header ? "header" : "first row"} ${ncol}`;
      throw new RangeError(
        count < ncol
          ? `fromCsv: ${where(lines[count - 1], count)}: missing (${has})`
          : `fromCsv: ${where(lines[ncol], ncol)}: one field too many (${has})`,
      );
    }
    if ((rows + 1) * nfeat > values.length) {
      const grown = new Float64Array(values.length * 2);
      grown.set(values);
      values = grown;
    }
    if (rows === labelIds.length) {
      const grown = new Int32Array(rows * 2);
      grown.set(labelIds);
      labelIds = grown;
    }
    let at = rows * nfeat;
    for (let j = 0; j < ncol; j++) {
      const field = fields[j];
      if (j === labelCol) {
        const name = quoted[j] ? field : field.trim();
        let id = ids.get(name);
        if (id === undefined) {
          if (name === "") throw new RangeError(`fromCsv: ${where(lines[j], j)}: the label is empty`);
          if (given) {
            throw new RangeError(
              `fromCsv: ${where(lines[j], j)}: label ${show(name)} is not one of the given classes (${given.map(show).join(", ")})`,
            );
          }
          id = distinct.length;
          ids.set(name, id);
          distinct.push(name);
        }
        labelIds[rows] = id;
      } else if (isFeature[j]) {
        if (!isDecimal(field)) {
          const what = field.trim() === "" ? "the field is empty; expected a number" : `${show(field)} is not a number`;
          throw new RangeError(`fromCsv: ${where(lines[j], j)}: ${what}`);
        }
        const v = Number(field);
        if (!Number.isFinite(v)) throw new RangeError(`fromCsv: ${where(lines[j], j)}: ${show(field)} is beyond the float range`);
        values[at++] = v;
      }
    }
    rows++;
  });

  if (names === null) throw new RangeError("fromCsv: the text is empty (no header and no rows)");
  if (rows === 0) throw new RangeError(`fromCsv: no data rows after the header (line ${lastLine})`);

  // The final class order: as given, or sorted (numerically if every label is a number).
  let classes: string[];
  let remap: Int32Array;
  if (given) {
    classes = [...given];
    remap = Int32Array.from(classes, (_, k) => k);
  } else if (distinct.every((s) => isDecimal(s) && Number.isFinite(Number(s)))) {
    const nums = [...new Set(distinct.map(Number))].sort((a, b) => a - b);
    const index = new Map(nums.map((v, k) => [v, k]));
    classes = nums.map(String);
    remap = Int32Array.from(distinct, (s) => index.get(Number(s))!);
  } else {
    classes = [...distinct].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const index = new Map(classes.map((s, k) => [s, k]));
    remap = Int32Array.from(distinct, (s) => index.get(s)!);
  }
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) y[i] = remap[labelIds[i]];
  const out = alloc(dtype, rows * nfeat);
  out.set(values.subarray(0, rows * nfeat));
  const features = (names as string[]).filter((_, j) => isFeature[j]);
  return { x: new Tensor(out, [rows, nfeat]), y, classes, features };
}
