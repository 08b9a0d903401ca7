/**
 * Shapes: sizes, strides, axis normalisation and NumPy broadcasting rules.
 * Pure functions on `readonly number[]`; every error names the op that asked.
 */

/**
 * A tensor's shape: its size along each axis, outermost first (`readonly number[]`; `[]` for a 0-d tensor).
 *
 * @example
 * ```ts
 * import { tensor, type Shape } from "actigrad";
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * const shape: Shape = x.shape;
 * console.log(shape, shape.length, x.reshape([...shape].reverse()).shape);
 * ```
 * ```text
 * [ 2, 3 ] 2 [ 3, 2 ]
 * ```
 */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides: the last axis is contiguous. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function fmt(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function checkShape(shape: unknown, op: string): number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${op}: shape must be an array of non-negative integers, got ${String(shape)}`);
  }
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: shape must be an array of non-negative integers, got [${shape.join(",")}]`);
    }
  }
  return shape.slice();
}

/** Maps a possibly negative axis into [0, rank); throws a RangeError naming the op otherwise. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (typeof axis !== "number" || !Number.isInteger(axis)) {
    throw new TypeError(`${op}: axis must be an integer, got ${String(axis)}`);
  }
  const lo = -Math.max(rank, 1);
  const hi = Math.max(rank, 1) - 1;
  if (axis < lo || axis > hi) {
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank} (expected ${lo} to ${hi})`);
  }
  return axis < 0 ? axis + Math.max(rank, 1) : axis;
}

/** The sorted, de-duplicated, non-negative axes of an `axis` argument; undefined means all axes. */
export function normalizeAxes(axis: number | readonly number[] | undefined | null, rank: number, op: string): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : axis;
  if (!Array.isArray(list)) throw new TypeError(`${op}: axis must be an integer or an array of integers, got ${String(axis)}`);
  const out = list.map((a) => normalizeAxis(a, rank, op));
  // Repeats are an error at every rank, 0 included ([0, -1] names the one axis of a 0-d tensor twice).
  if (new Set(out).size !== out.length) {
    throw new RangeError(`${op}: axis [${list.join(",")}] names the same axis twice`);
  }
  if (rank === 0) return []; // a 0-d tensor accepts axis 0 / −1 (as PyTorch does), which then names nothing
  return out.sort((x, y) => x - y);
}

/**
 * NumPy broadcasting: align from the right; each pair of sizes must be equal or contain a 1.
 * Right-aligned, out[i] = max(a[i], b[i]) where a[i] = b[i] or min(a[i], b[i]) = 1 (a missing axis counts as 1).
 *
 * @example
 * ```ts
 * import { broadcastShapes } from "actigrad";
 * console.log(broadcastShapes([4, 1, 3], [2, 1], "add"));
 * try {
 *   broadcastShapes([2, 3], [4], "add"); // the op's name goes into the message
 * } catch (e) {
 *   console.log((e as Error).message);
 * }
 * ```
 * ```text
 * [ 4, 2, 3 ]
 * add: shapes [2,3] and [4] cannot be broadcast together (axis -1: 3 vs 4)
 * ```
 */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together (axis ${i - rank}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** `shape` left-padded with 1s to `rank` axes. */
export function padShape(shape: Shape, rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

/** Whether `from` broadcasts to `to` (NumPy rules, one direction). */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  const p = padShape(from, to.length);
  for (let i = 0; i < to.length; i++) if (p[i] !== 1 && p[i] !== to[i]) return false;
  return true;
}
