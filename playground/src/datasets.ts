/**
 * The six data sets, all from actigrad's seeded toy generators, 250 points each, split into
 * train and test (stratified, seeded). The noise slider's level (0 … 0.5) is scaled to each
 * set's own units, so that the default 0.1 gives each set the noise it is usually shown with.
 */
import { data } from "../../src/index.js";
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

export function makeData(s: Settings): PlaygroundData {
  const all = generate(s.dataset, s.noise * NOISE_SCALE[s.dataset], s.seed);
  const { train, test } = data.trainTestSplit(all, { testFraction: 1 - s.trainRatio, seed: s.seed });
  return { all, train, test, classes: CLASSES[s.dataset], domain: domainOf(all.x.data) };
}
