/**
 * Every setting of the page, with its defaults, its limits, and its text form in the URL
 * (`#dataset=spiral&activation=…&layers=8,8&…`), so that reloading or sharing the link
 * restores the page. Parsing never throws: a missing or bad value falls back to its default.
 *
 * The hidden activations are not listed here: they are the rows of the engine's `activations`
 * table that act on single numbers or on groups (every kind but "vector"), read when asked —
 * so one made with `defineActivation` before the page reads the list is offered like a
 * built-in. An activation's arguments are its settings too, each written in the URL under its
 * own name (`…&activation=…&slope=0.2`), checked against the definition itself.
 *
 * An activation typed as a formula is written with its text (`formula=formula1:x*sigmoid(x)`,
 * one `formula` entry per formula in use), so the link makes it again in a fresh page. The
 * columns chosen from a CSV are kept (`csv=x,y,label`), the CSV's data is not: it stays in the
 * page that read it.
 */
import { type Activation, type ArgValue, activations, tensor, zeros } from "../../src/index.js";
import { formulaActivation, formulaText } from "./formula.js";

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

export const OPTIMIZERS = ["sgd", "adam"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3] as const;
/** Steps per animation frame: 0 means "as many as fit in the frame's time budget". */
export const SPEEDS = [1, 5, 20, 0] as const;

export const LIMITS = {
  layers: 6,
  units: 32,
  /** The most inputs a group activation ("groups" kind) may fold into one unit. */
  group: 16,
  batchSize: [1, 64],
  noise: [0, 0.5],
  trainRatio: [0.1, 0.9],
  seed: [0, 99999],
} as const;

/** The columns of a CSV the page trained on: two features and the label, by header name. */
export interface CsvColumns {
  x: string;
  y: string;
  label: string;
}

export interface Settings {
  dataset: DatasetName;
  /**
   * The columns chosen from the user's CSV, or null when none is in use. Only the choice is a
   * setting (kept in the URL); the data stays in the page that read the file.
   */
  csv: CsvColumns | null;
  /** Noise level in [0, 0.5]; each data set scales it to its own units (see datasets.ts). */
  noise: number;
  /** Fraction of the points used for training; the rest is the test set. */
  trainRatio: number;
  seed: number;
  /** Units per hidden layer (may be empty: the input feeds the output layer directly). */
  layers: number[];
  /** The hidden layers' activation: a name from `hiddenActivations()`. */
  activation: string;
  /** The activation's arguments after x, by name: every one it declares, its default where not set. */
  args: Record<string, ArgValue>;
  /**
   * Per hidden layer, an activation that replaces `activation` there ("" or missing: the layer
   * uses `activation` with `args`; an override uses its definition's default arguments). No
   * trailing "" (so equal settings have equal arrays).
   */
  layerActivations: string[];
  lr: number;
  batchSize: number;
  optimizer: OptimizerName;
  /** Index into the training set of the sample whose backward pass is traced. */
  sample: number;
  /** Steps per frame (0: time-budgeted, as many as fit). */
  speed: number;
}

/** The page's default activation: the one place the playground names an activation. */
const DEFAULT_ACTIVATION = "tanh";

export const DEFAULTS: Readonly<Settings> = Object.freeze({
  dataset: "circle",
  csv: null,
  noise: 0.1,
  trainRatio: 0.7,
  seed: 1,
  layers: [8, 8],
  activation: DEFAULT_ACTIVATION,
  args: {},
  layerActivations: [],
  lr: 0.03,
  batchSize: 10,
  optimizer: "adam",
  sample: 0,
  speed: 0,
} satisfies Settings);

/** The URL keys of the page's own settings; an argument with one of these names is written `<activation>.<name>`. */
const SETTING_KEYS = new Set([...Object.keys(DEFAULTS), "formula"]);

// ——— the activations, from the engine's table ———

/**
 * The activations a hidden layer can use: every row of the `activations` table whose kind is
 * not "vector" (those act on a whole vector, as the output layer does), in the table's order,
 * read at each call — a `defineActivation` made before the call is in the list.
 */
export function hiddenActivations(): Activation[] {
  return Object.values(activations).filter((act) => act.kind !== "vector");
}

/** The hidden activation called `name`, or undefined. */
export function hiddenActivation(name: string): Activation | undefined {
  return hiddenActivations().find((act) => act.name === name);
}

/** The activation of `s` (the default one if its name is not, or no longer, in the list). */
export function activationOf(s: Pick<Settings, "activation">): Activation {
  return hiddenActivation(s.activation) ?? hiddenActivation(DEFAULTS.activation) ?? hiddenActivations()[0];
}

/** Hidden layer i's activation and its arguments: its override, or the page's activation. */
export function layerActivation(s: Settings, i: number): { act: Activation; args: ArgValue[] } {
  const global = activationOf(s);
  const name = s.layerActivations[i] ?? "";
  const own = name === "" || name === global.name ? undefined : hiddenActivation(name);
  return own ? { act: own, args: argList(own, {}) } : { act: global, args: argList(global, s.args) };
}

/** Overrides cleaned: unknown names and the page's own activation become "", trailing "" dropped, at most `layers` long. */
export function normalLayerActivations(names: readonly string[], global: string, layers: number): string[] {
  const out = names.slice(0, layers).map((n) => (n !== global && hiddenActivation(n) ? n : ""));
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

/** The arguments of `act` in its order, from `given` by name, defaults where missing. */
export function argList(act: Activation, given: Readonly<Record<string, ArgValue>>): ArgValue[] {
  return Object.keys(act.args).map((k) => (Object.hasOwn(given, k) ? given[k] : act.args[k]));
}

/**
 * How many inputs a "groups" activation folds into one output with these arguments: the
 * smallest r ≤ LIMITS.group for which it maps r inputs to 1 (a max over groups: its group size); 1 for any
 * other kind; null when no such r exists (the arguments do not make a usable layer).
 */
export function groupSize(act: Activation, args: readonly ArgValue[]): number | null {
  if (act.kind !== "groups") return 1;
  for (let r = 1; r <= LIMITS.group; r++) {
    try {
      const y = act(zeros([1, r]), ...args);
      if (y.shape.length === 2 && y.shape[1] === 1) return r;
    } catch {
      // r inputs do not split into groups with these arguments: try the next r
    }
  }
  return null;
}

/** Whether the definition accepts these arguments: its own checks pass and they make a layer. */
export function argsWork(act: Activation, args: readonly ArgValue[]): boolean {
  if (act.kind === "groups") return groupSize(act, args) !== null;
  try {
    const y = act(tensor([[-2, -0.5, 0, 0.5, 2]]), ...args);
    return y.shape[1] === 5;
  } catch {
    return false;
  }
}

/**
 * The words a word argument may take, as far as the definition tells: a word no definition
 * accepts is offered to it, the words its error message quotes are kept if it accepts them,
 * and the default comes first. Only the default when nothing else can be derived.
 */
export function argChoices(act: Activation, name: string): string[] {
  const def = act.args[name];
  if (typeof def !== "string") return [];
  // The definition lists its words when it has a fixed set; otherwise they are read from the
  // error its check gives for a word it refuses.
  const listed = act.choices?.[name];
  if (listed !== undefined) return [...listed];
  const keys = Object.keys(act.args);
  const base = argList(act, {});
  const withWord = (w: string) => base.map((v, i) => (keys[i] === name ? w : v));
  let message = "";
  try {
    act(tensor([[0]]), ...withWord("\u0000not a choice\u0000"));
  } catch (e) {
    message = e instanceof Error ? e.message : String(e);
  }
  const quoted = Array.from(message.matchAll(/"([^"\\]+)"/g), (m) => m[1]);
  const choices = [def];
  for (const w of quoted) if (!choices.includes(w) && argsWork(act, withWord(w))) choices.push(w);
  return choices;
}

/** The URL key of argument `name` of `act`: its name, unless the page uses that key itself. */
export function argKey(act: Activation, name: string): string {
  return SETTING_KEYS.has(name) ? `${act.name}.${name}` : name;
}

/**
 * `act`'s arguments from `read(key)`: each given value in its type (a number, or one of the
 * word's choices) and accepted by the definition, else the default.
 */
function argsFrom(act: Activation, read: (key: string) => string | null): Record<string, ArgValue> {
  const out: Record<string, ArgValue> = { ...act.args };
  for (const [k, def] of Object.entries(act.args)) {
    const text = read(argKey(act, k));
    if (text === null || text.trim() === "") continue;
    let v: ArgValue;
    if (typeof def === "number") {
      v = Number(text);
      if (!Number.isFinite(v)) continue;
    } else {
      if (!argChoices(act, k).includes(text)) continue;
      v = text;
    }
    if (argsWork(act, argList(act, { ...out, [k]: v }))) out[k] = v;
  }
  return out;
}

/** The default arguments of `act` (a fresh object). */
export function defaultArgs(act: Activation): Record<string, ArgValue> {
  return { ...act.args };
}

// ——— text form ———

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
  // formulas first: made (or found) in this page, the link's names mapped to this page's
  const named = new Map<string, string>();
  for (const entry of p.getAll("formula")) {
    const at = entry.indexOf(":");
    if (at < 1) continue;
    const name = entry.slice(0, at);
    try {
      named.set(name, formulaActivation(entry.slice(at + 1), name).name);
    } catch {
      // a formula that does not parse is left out; its name then falls back like any unknown one
    }
  }
  const local = (name: string) => named.get(name) ?? name;
  const act = activationOf({ activation: local(p.get("activation") ?? DEFAULTS.activation) });
  const csv = (p.get("csv") ?? "").split(",");
  return {
    dataset: oneOf(DATASETS, p.get("dataset"), DEFAULTS.dataset),
    csv: csv.length === 3 && csv.every((c) => c.trim() !== "") ? { x: csv[0], y: csv[1], label: csv[2] } : null,
    noise: num(p.get("noise"), DEFAULTS.noise, ...LIMITS.noise),
    trainRatio: num(p.get("trainRatio"), DEFAULTS.trainRatio, ...LIMITS.trainRatio),
    seed: num(p.get("seed"), DEFAULTS.seed, ...LIMITS.seed, true),
    layers,
    activation: act.name,
    args: argsFrom(act, (k) => p.get(k)),
    layerActivations: normalLayerActivations((p.get("layerActivations") ?? "").split(",").map(local), act.name, layers.length),
    lr,
    batchSize: num(p.get("batchSize"), DEFAULTS.batchSize, ...LIMITS.batchSize, true),
    optimizer: oneOf(OPTIMIZERS, p.get("optimizer"), DEFAULTS.optimizer),
    sample: num(p.get("sample"), DEFAULTS.sample, 0, 1e6, true),
    speed: (SPEEDS as readonly number[]).includes(speed) ? speed : DEFAULTS.speed,
  };
}

/** The URL hash for `s` (every setting written out, the activation's arguments after it, so a shared link is explicit). */
export function serializeSettings(s: Settings): string {
  const act = activationOf(s);
  const values = argList(act, s.args);
  const p = new URLSearchParams({ dataset: s.dataset });
  if (s.csv) p.set("csv", [s.csv.x, s.csv.y, s.csv.label].join(","));
  p.set("noise", String(s.noise));
  p.set("trainRatio", String(s.trainRatio));
  p.set("seed", String(s.seed));
  p.set("layers", s.layers.join(","));
  p.set("activation", act.name);
  Object.keys(act.args).forEach((k, i) => p.set(argKey(act, k), String(values[i])));
  const own = normalLayerActivations(s.layerActivations, act.name, s.layers.length);
  // every formula in use, with its text: a fresh page makes it again under the same name
  for (const name of new Set([act.name, ...own])) {
    const text = formulaText(name);
    if (text !== undefined) p.append("formula", `${name}:${text}`);
  }
  if (own.length > 0) p.set("layerActivations", own.join(","));
  p.set("lr", String(s.lr));
  p.set("batchSize", String(s.batchSize));
  p.set("optimizer", s.optimizer);
  p.set("sample", String(s.sample));
  p.set("speed", String(s.speed));
  // , : ( ) are safe in a fragment: written plainly so a link stays readable
  return "#" + p.toString().replace(/%2C|%3A|%28|%29/g, (m) => decodeURIComponent(m));
}
