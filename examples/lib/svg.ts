/**
 * A small SVG plotting helper for the examples: line charts (linear or log y), 2-D
 * decision-boundary maps with points, heatmaps of a matrix, grayscale pictures, bar charts, and
 * a grid of charts on one page. SVG is plain text, so this needs no dependency, no native build
 * and no browser — the files open anywhere and diff well in a repository.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export const palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  dashed?: boolean;
}

export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  logY?: boolean;
  width?: number;
  height?: number;
  /** Lines of text under the chart (formulas, notes). */
  notes?: string[];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const num = (v: number) =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(0) : String(+v.toPrecision(3));

/** About five round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** A line chart of one or more series, as an SVG string. */
export function lineChart(series: Series[], opts: ChartOptions = {}): string {
  const { width = 640, logY = false, notes = [] } = opts;
  const height = (opts.height ?? 400) + notes.length * 16;
  const m = { l: 64, r: 150, t: 36, b: 48 + notes.length * 16 };
  const W = width - m.l - m.r,
    H = height - m.t - m.b;
  const ty = (v: number) => (logY ? Math.log10(Math.max(v, 1e-300)) : v);
  const xs = series.flatMap((s) => Array.from(s.x));
  const ys = series.flatMap((s) => Array.from(s.y).map(ty)).filter(Number.isFinite);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const px = (v: number) => m.l + ((v - x0) / (x1 - x0)) * W;
  const py = (v: number) => m.t + H - ((ty(v) - y0) / (y1 - y0)) * H;
  const parts: string[] = [];
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W}" height="${H}" fill="white" stroke="#999"/>`);
  for (const v of ticks(x0, x1)) {
    parts.push(`<line x1="${px(v)}" x2="${px(v)}" y1="${m.t}" y2="${m.t + H}" stroke="#eee"/>`);
    parts.push(`<text x="${px(v)}" y="${m.t + H + 16}" text-anchor="middle">${num(v)}</text>`);
  }
  const yt = logY ? ticks(Math.floor(y0), Math.ceil(y1)).filter((v) => Number.isInteger(v) && v >= y0 && v <= y1) : ticks(y0, y1);
  for (const v of yt) {
    const y = m.t + H - ((v - y0) / (y1 - y0)) * H;
    parts.push(`<line x1="${m.l}" x2="${m.l + W}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${m.l - 6}" y="${y + 4}" text-anchor="end">${logY ? `1e${v}` : num(v)}</text>`);
  }
  series.forEach((s, i) => {
    const color = s.color ?? palette[i % palette.length];
    const pts: string[] = [];
    for (let k = 0; k < s.x.length; k++)
      if (Number.isFinite(ty(s.y[k]))) pts.push(`${px(s.x[k]).toFixed(1)},${py(s.y[k]).toFixed(1)}`);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""} points="${pts.join(" ")}"/>`,
    );
    parts.push(
      `<line x1="${m.l + W + 12}" x2="${m.l + W + 36}" y1="${m.t + 10 + i * 20}" y2="${m.t + 10 + i * 20}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
    );
    parts.push(`<text x="${m.l + W + 42}" y="${m.t + 14 + i * 20}">${esc(s.name)}</text>`);
  });
  if (opts.title)
    parts.push(`<text x="${m.l + W / 2}" y="${m.t - 14}" text-anchor="middle" font-size="15">${esc(opts.title)}</text>`);
  if (opts.xLabel) parts.push(`<text x="${m.l + W / 2}" y="${m.t + H + 36}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  notes.forEach((t, i) => parts.push(`<text x="${m.l}" y="${m.t + H + 58 + i * 16}">${esc(t)}</text>`));
  if (opts.yLabel)
    parts.push(`<text transform="translate(16 ${m.t + H / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  return svg(width, height, parts);
}

/**
 * A 2-D map: `classify(x, y)` gives class probabilities on a grid over the points' range, drawn
 * as colour (the winning class, paler where less sure), with the points on top.
 */
export function boundaryMap(
  points: { x: ArrayLike<number>; labels: ArrayLike<number> },
  classify: (grid: number[][]) => number[][],
  opts: { title?: string; size?: number; cells?: number } = {},
): string {
  const { size = 360, cells = 60 } = opts;
  const n = points.labels.length;
  const xs = Array.from({ length: n }, (_, i) => points.x[2 * i]);
  const ys = Array.from({ length: n }, (_, i) => points.x[2 * i + 1]);
  const pad = 0.1;
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)].map((v, i, a) => v + (i === 0 ? -1 : 1) * pad * (a[1] - a[0] || 1));
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)].map((v, i, a) => v + (i === 0 ? -1 : 1) * pad * (a[1] - a[0] || 1));
  const top = opts.title ? 28 : 0;
  const grid: number[][] = [];
  for (let r = 0; r < cells; r++)
    for (let c = 0; c < cells; c++) grid.push([x0 + ((c + 0.5) / cells) * (x1 - x0), y1 - ((r + 0.5) / cells) * (y1 - y0)]);
  const probs = classify(grid);
  const cell = size / cells;
  const parts: string[] = [];
  probs.forEach((p, k) => {
    const cls = p.indexOf(Math.max(...p));
    const opacity = Math.max(0.08, Math.min(0.55, (Math.max(...p) - 1 / p.length) * 1.2));
    const r = Math.floor(k / cells),
      c = k % cells;
    parts.push(
      `<rect x="${(c * cell).toFixed(2)}" y="${(top + r * cell).toFixed(2)}" width="${(cell + 0.3).toFixed(2)}" height="${(cell + 0.3).toFixed(2)}" fill="${palette[cls % palette.length]}" fill-opacity="${opacity.toFixed(2)}"/>`,
    );
  });
  for (let i = 0; i < n; i++) {
    const cx = ((xs[i] - x0) / (x1 - x0)) * size,
      cy = top + ((y1 - ys[i]) / (y1 - y0)) * size;
    parts.push(
      `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="2.6" fill="${palette[points.labels[i] % palette.length]}" stroke="white" stroke-width="0.6"/>`,
    );
  }
  if (opts.title) parts.push(`<text x="${size / 2}" y="19" text-anchor="middle" font-size="15">${esc(opts.title)}</text>`);
  return svg(size, size + top, parts);
}

/**
 * A matrix as coloured cells (blue negative, red positive, white 0, scaled to the largest
 * |value|), each cell labelled with its value when there is room.
 */
export function heatmap(matrix: number[][], opts: { title?: string; cell?: number; scale?: number } = {}): string {
  const { cell = 56 } = opts;
  const rows = matrix.length,
    cols = matrix[0]?.length ?? 0;
  const top = opts.title ? 30 : 6,
    left = 6;
  const scale = opts.scale ?? Math.max(1e-300, ...matrix.flat().map(Math.abs));
  const parts: string[] = [];
  matrix.forEach((row, i) =>
    row.forEach((v, j) => {
      const a = Math.min(1, Math.abs(v) / scale);
      const [r, g, b] =
        v >= 0 ? [255, 255 * (1 - a * 0.75), 255 * (1 - a * 0.75)] : [255 * (1 - a * 0.75), 255 * (1 - a * 0.6), 255];
      const x = left + j * cell,
        y = top + i * cell;
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgb(${r | 0},${g | 0},${b | 0})" stroke="white"/>`,
      );
      const label = v !== 0 && Math.abs(v) < 1e-4 ? v.toExponential(1) : String(+v.toPrecision(3));
      if (cell >= 36)
        parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="10">${label}</text>`);
    }),
  );
  if (opts.title)
    parts.push(`<text x="${left + (cols * cell) / 2}" y="19" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`);
  return svg(left * 2 + cols * cell, top + rows * cell + 6, parts);
}

/**
 * A grayscale picture (row-major `pixels`, `width` × `height`): ink dark on white, `hi` (default
 * the largest value) black, 0 and below white. Pixels are drawn as one path per gray level
 * (16 levels), so a digit stays a few kilobytes.
 */
export function grayImage(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  opts: { title?: string; cell?: number; hi?: number } = {},
): string {
  const { cell = 5 } = opts;
  const hi = opts.hi ?? Math.max(1e-300, ...Array.from(pixels));
  const top = opts.title ? 18 : 2;
  const levels: string[][] = Array.from({ length: 16 }, () => []);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const level = Math.round(Math.min(1, Math.max(0, pixels[r * width + c] / hi)) * 15);
      if (level > 0) levels[level].push(`M${c} ${r}h1v1h-1z`);
    }
  }
  const parts = [
    `<g transform="translate(2 ${top}) scale(${cell})"><rect width="${width}" height="${height}" fill="white" stroke="#bbb" stroke-width="${(0.6 / cell).toFixed(3)}"/>`,
  ];
  levels.forEach((d, level) => {
    const g = Math.round(255 * (1 - level / 15));
    if (d.length) parts.push(`<path fill="rgb(${g},${g},${g})" d="${d.join("")}"/>`);
  });
  parts.push("</g>");
  if (opts.title)
    parts.push(`<text x="${2 + (width * cell) / 2}" y="13" text-anchor="middle" font-size="12">${esc(opts.title)}</text>`);
  return svg(width * cell + 4, top + height * cell + 2, parts);
}

/** Vertical bars, one per label, each with its value written above it; the y axis from `yMin` (default 0) to `yMax`. */
export function barChart(
  labels: string[],
  values: number[],
  opts: {
    title?: string;
    xLabel?: string;
    yLabel?: string;
    yMin?: number;
    yMax?: number;
    width?: number;
    height?: number;
    digits?: number;
  } = {},
): string {
  const { width = 640, height = 300, yMin = 0, digits = 3 } = opts;
  const yMax = opts.yMax ?? Math.max(...values.filter(Number.isFinite), yMin + 1e-12);
  const m = { l: 64, r: 20, t: opts.title ? 40 : 16, b: 48 };
  const W = width - m.l - m.r,
    H = height - m.t - m.b;
  const py = (v: number) => m.t + H - ((Math.min(yMax, Math.max(yMin, v)) - yMin) / (yMax - yMin)) * H;
  const slot = W / Math.max(1, labels.length);
  const parts: string[] = [];
  for (const t of ticks(yMin, yMax)) {
    parts.push(`<line x1="${m.l}" x2="${m.l + W}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.l - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${num(t)}</text>`);
  }
  labels.forEach((label, i) => {
    const x = m.l + i * slot + slot * 0.15,
      v = values[i],
      y = py(v);
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(m.t + H - y).toFixed(1)}" fill="${palette[0]}"/>`,
    );
    parts.push(
      `<text x="${(x + slot * 0.35).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="11">${v.toFixed(digits)}</text>`,
    );
    parts.push(`<text x="${(x + slot * 0.35).toFixed(1)}" y="${m.t + H + 16}" text-anchor="middle">${esc(label)}</text>`);
  });
  parts.push(`<line x1="${m.l}" x2="${m.l + W}" y1="${m.t + H}" y2="${m.t + H}" stroke="#333"/>`);
  if (opts.title) parts.push(`<text x="${m.l + W / 2}" y="22" text-anchor="middle" font-size="15">${esc(opts.title)}</text>`);
  if (opts.xLabel) parts.push(`<text x="${m.l + W / 2}" y="${height - 10}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel)
    parts.push(`<text transform="translate(16 ${m.t + H / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  return svg(width, height, parts);
}

/** Several SVG charts on one SVG page, `cols` to a row, each keeping its own size. */
export function grid(charts: string[], opts: { cols?: number; title?: string } = {}): string {
  const { cols = 2 } = opts;
  const size = (s: string) => (s.match(/width="(\d+)" height="(\d+)"/) ?? ["", "0", "0"]).slice(1).map(Number);
  const top = opts.title ? 36 : 0;
  let y = top,
    width = 0;
  const parts: string[] = [];
  for (let r = 0; r < charts.length; r += cols) {
    let x = 0,
      h = 0;
    for (const c of charts.slice(r, r + cols)) {
      const [w, ch] = size(c);
      parts.push(c.replace(/^<svg /, `<svg x="${x}" y="${y}" `));
      x += w;
      h = Math.max(h, ch);
    }
    width = Math.max(width, x);
    y += h;
  }
  if (opts.title) parts.unshift(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="18">${esc(opts.title)}</text>`);
  return svg(width, y, parts);
}

function svg(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join("\n")}\n</svg>\n`;
}

/** Writes `content` to `path`, creating folders as needed; returns the path. */
export function save(path: string, content: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}
