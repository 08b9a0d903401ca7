/**
 * The six data sets, all from actigrad's seeded toy generators, 250 points each, split into
 * train and test (stratified, seeded). The noise slider's level (0 … 0.5) is scaled to each
 * set's own units, so that the default 0.1 gives each set the noise it is usually shown with.
 */
import { data, tensor } from "../../src/index.js";
import type { DatasetName, Settings } from "./state.js";

type Dataset = ReturnType<typeof data.moons>;

export const N_POINTS = 250;

/** Standard deviation of the noise per unit of the slider. */
export const NOISE_SCALE: Record<DatasetName, number> = {
  circle: 1,
  xor: 1,
  gauss: 5,
  spiral: 0.5,
  moons: 1,
  blobs: 5,
};

export const CLASSES: Record<DatasetName, number> = {
  circle: 2,
  xor: 2,
  gauss: 2,
  spiral: 2,
  moons: 2,
  blobs: 3,
};

export interface PlaygroundData {
  all: Dataset;
  train: Dataset;
  test: Dataset;
  classes: number;
  /** The square region shown: [xmin, xmax, ymin, ymax]. */
  domain: [number, number, number, number];
}

function generate(name: DatasetName, noise: number, seed: number): Dataset {
  const opts = { n: N_POINTS, noise, seed };
  switch (name) {
    case "circle":
      return data.circles(opts);
    case "xor":
      return data.xor(opts);
    case "gauss":
      return data.blobs({
        ...opts,
        centers: [
          [-1.5, -1.5],
          [1.5, 1.5],
        ],
      });
    case "spiral":
      return data.spiral({ ...opts, classes: 2 });
    case "moons":
      return data.moons(opts);
    case "blobs":
      return data.blobs(opts);
  }
}

/** A square around the points with a margin, so the boundary is seen beyond the data. */
function domainOf(x: ArrayLike<number>): [number, number, number, number] {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (let i = 0; i < x.length; i += 2) {
    x0 = Math.min(x0, x[i]);
    x1 = Math.max(x1, x[i]);
    y0 = Math.min(y0, x[i + 1]);
    y1 = Math.max(y1, x[i + 1]);
  }
  const cx = (x0 + x1) / 2,
    cy = (y0 + y1) / 2;
  const half = (Math.max(x1 - x0, y1 - y0, 1e-3) / 2) * 1.15 + 0.1;
  return [cx - half, cx + half, cy - half, cy + half];
}

/** A data set from the user's CSV: two feature columns and a label column, read by `data.fromCsv`. */
export interface UploadedData {
  all: Dataset;
  classes: number;
  classNames: string[];
  /** "x from a, b; label c", for the caption. */
  name: string;
}

let uploaded: UploadedData | null = null;

/** The CSV data set in use (null: the generated one the settings name). */
export function uploadedData(): UploadedData | null {
  return uploaded;
}

export function setUploadedData(d: UploadedData | null): void {
  uploaded = d;
}

/** The header fields of CSV text (its first line, split at commas, quotes and spaces trimmed). */
export function csvColumns(text: string): string[] {
  const first = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/)[0] ?? "";
  if (first.trim() === "") return [];
  return first.split(",").map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
}

/**
 * The CSV as a data set: `features` (two column names) as x, `label` as the classes, every other
 * column dropped. Throws fromCsv's error (which names the line) or one about the choice.
 */
export function parseCsvData(text: string, features: [string, string], label: string, maxClasses: number): UploadedData {
  const columns = csvColumns(text);
  if (features[0] === features[1]) throw new Error("choose two different feature columns");
  if (features.includes(label)) throw new Error("the label column cannot also be a feature");
  const drop = columns.filter((c) => c !== label && !features.includes(c));
  const d = data.fromCsv(text, { label, drop });
  // fromCsv keeps the file's column order: put the chosen first feature first
  let x = d.x;
  if (d.features[0] !== features[0]) {
    const v = d.x.data;
    const swapped = new Float64Array(v.length);
    for (let i = 0; i < v.length; i += 2) {
      swapped[i] = v[i + 1];
      swapped[i + 1] = v[i];
    }
    x = tensor(swapped, { shape: d.x.shape });
  }
  if (d.y.length < 4) throw new Error(`only ${d.y.length} rows: at least 4 are needed to train and test`);
  if (d.classes.length < 2) throw new Error(`the label column "${label}" has only one class`);
  if (d.classes.length > maxClasses)
    throw new Error(`the label column "${label}" has ${d.classes.length} classes; the page draws at most ${maxClasses}`);
  return {
    all: { x, y: d.y },
    classes: d.classes.length,
    classNames: d.classes,
    name: `CSV: x = ${features[0]}, y = ${features[1]}, label ${label} (${d.y.length} rows)`,
  };
}

export function makeData(s: Settings): PlaygroundData {
  if (uploaded) {
    const { all, classes } = uploaded;
    const { train, test } = data.trainTestSplit(all, { testFraction: 1 - s.trainRatio, seed: s.seed });
    return { all, train, test, classes, domain: domainOf(all.x.data) };
  }
  const all = generate(s.dataset, s.noise * NOISE_SCALE[s.dataset], s.seed);
  const { train, test } = data.trainTestSplit(all, { testFraction: 1 - s.trainRatio, seed: s.seed });
  return { all, train, test, classes: CLASSES[s.dataset], domain: domainOf(all.x.data) };
}
