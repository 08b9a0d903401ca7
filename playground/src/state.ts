/**
 * Every setting of the page, with its defaults, its limits, and its text form in the URL
 * (`#dataset=spiral&activation=tanh&layers=8,8&…`), so that reloading or sharing the link
 * restores the page. Parsing never throws: a missing or bad value falls back to its default.
 */

export const DATASETS = ["circle", "xor", "gauss", "spiral", "moons", "blobs"] as const;
export type DatasetName = (typeof DATASETS)[number];
export const DATASET_LABELS: Record<DatasetName, string> = {
  circle: "circle",
  xor: "xor",
  gauss: "two gaussians",
  spiral: "spiral",
  moons: "moons",
  blobs: "three gaussian blobs (3 classes)",
};

export const ACTIVATIONS = ["sigmoid", "tanh", "relu", "softplus", "maxout"] as const;
export type HiddenActivation = (typeof ACTIVATIONS)[number];

export const OPTIMIZERS = ["sgd", "adam"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3] as const;
/** Steps per animation frame: 0 means "as many as fit in the frame's time budget". */
export const SPEEDS = [1, 5, 20, 0] as const;

export const LIMITS = {
  layers: 6,
  units: 32,
  pieces: [2, 5],
  batchSize: [1, 64],
  noise: [0, 0.5],
  trainRatio: [0.1, 0.9],
  seed: [0, 99999],
} as const;

export interface Settings {
  dataset: DatasetName;
  /** Noise level in [0, 0.5]; each data set scales it to its own units (see datasets.ts). */
  noise: number;
  /** Fraction of the points used for training; the rest is the test set. */
  trainRatio: number;
  seed: number;
  /** Units per hidden layer (may be empty: softmax regression). */
  layers: number[];
  activation: HiddenActivation;
  /** Maxout's pieces per unit. */
  pieces: number;
  lr: number;
  batchSize: number;
  optimizer: OptimizerName;
  /** Index into the training set of the sample whose backward pass is traced. */
  sample: number;
  /** Steps per frame (0: time-budgeted, as many as fit). */
  speed: number;
}

export const DEFAULTS: Readonly<Settings> = Object.freeze({
  dataset: "circle",
  noise: 0.1,
  trainRatio: 0.7,
  seed: 1,
  layers: [8, 8],
  activation: "tanh",
  pieces: 2,
  lr: 0.03,
  batchSize: 10,
  optimizer: "adam",
  sample: 0,
  speed: 0,
} satisfies Settings);

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function oneOf<T extends string>(values: readonly T[], v: string | null, def: T): T {
  return v !== null && (values as readonly string[]).includes(v) ? (v as T) : def;
}

function num(v: string | null, def: number, lo: number, hi: number, integer = false): number {
  if (v === null || v.trim() === "") return def;
  const x = Number(v);
  if (!Number.isFinite(x)) return def;
  return clamp(integer ? Math.round(x) : x, lo, hi);
}

/** Settings from a URL hash or query string ("#a=1&b=2" or "a=1&b=2"). */
export function parseSettings(text: string): Settings {
  const p = new URLSearchParams(text.replace(/^[#?]/, ""));
  const layersText = p.get("layers");
  let layers = [...DEFAULTS.layers];
  if (layersText !== null) {
    const parts = layersText === "" ? [] : layersText.split(",").map((u) => Number(u));
    if (parts.length <= LIMITS.layers && parts.every((u) => Number.isInteger(u) && u >= 1)) {
      layers = parts.map((u) => Math.min(u, LIMITS.units));
    }
  }
  const lr = num(p.get("lr"), DEFAULTS.lr, 1e-6, 10);
  const speed = num(p.get("speed"), DEFAULTS.speed, 0, 1000, true);
  return {
    dataset: oneOf(DATASETS, p.get("dataset"), DEFAULTS.dataset),
    noise: num(p.get("noise"), DEFAULTS.noise, ...LIMITS.noise),
    trainRatio: num(p.get("trainRatio"), DEFAULTS.trainRatio, ...LIMITS.trainRatio),
    seed: num(p.get("seed"), DEFAULTS.seed, ...LIMITS.seed, true),
    layers,
    activation: oneOf(ACTIVATIONS, p.get("activation"), DEFAULTS.activation),
    pieces: num(p.get("pieces"), DEFAULTS.pieces, ...LIMITS.pieces, true),
    lr,
    batchSize: num(p.get("batchSize"), DEFAULTS.batchSize, ...LIMITS.batchSize, true),
    optimizer: oneOf(OPTIMIZERS, p.get("optimizer"), DEFAULTS.optimizer),
    sample: num(p.get("sample"), DEFAULTS.sample, 0, 1e6, true),
    speed: (SPEEDS as readonly number[]).includes(speed) ? speed : DEFAULTS.speed,
  };
}

/** The URL hash for `s` (every setting written out, so a shared link is explicit). */
export function serializeSettings(s: Settings): string {
  const p = new URLSearchParams({
    dataset: s.dataset,
    noise: String(s.noise),
    trainRatio: String(s.trainRatio),
    seed: String(s.seed),
    layers: s.layers.join(","),
    activation: s.activation,
    pieces: String(s.pieces),
    lr: String(s.lr),
    batchSize: String(s.batchSize),
    optimizer: s.optimizer,
    sample: String(s.sample),
    speed: String(s.speed),
  });
  return "#" + p.toString().replace(/%2C/g, ",");
}
