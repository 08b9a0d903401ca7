/**
 * What the page shows of an activation, all read from its definition in the engine's table:
 * f and f′ on a grid by `gallery` (f by its `curve`, f′ by autograd through it — the derivative
 * the network really uses), its formulas as LaTeX for KaTeX (`tex`, or the plain `formula` and
 * `derivative` text where a definition gives no LaTeX), and the output layer's formulas, taken
 * from the activations the cross-entropy loss itself runs through.
 */
import { type Activation, type ArgValue, activations, gallery, nn, tensor, traceBackward } from "../../src/index.js";

export const X_RANGE = 4;
const N = 241;

export interface ActivationCurve {
  xs: number[];
  f: number[];
  df: number[];
  /** f″, by autograd through f′ (gallery's d2). */
  d2f: number[];
}

/** f and f′ of `act` with these arguments on [−X_RANGE, X_RANGE], both from the engine. */
export function activationCurve(act: Activation, args: readonly ArgValue[]): ActivationCurve {
  const xs = Array.from({ length: N }, (_, i) => -X_RANGE + (2 * X_RANGE * i) / (N - 1));
  const row = gallery(act, xs, ...args);
  return { xs: row.x, f: row.f, df: row.d1, d2f: row.d2 };
}

/** A formula to show: LaTeX for KaTeX, or plain text when the definition has none. */
export interface Formula {
  tex?: string;
  text: string;
}

/** f and f′ of `act`: its `tex` where given, its `formula` and `derivative` text always. */
export function formulas(act: Activation): { f: Formula; df: Formula } {
  const t = act.tex;
  return {
    f: { text: act.formula, ...(t ? { tex: t.formula } : {}) },
    df: { text: act.derivative, ...(t ? { tex: t.derivative } : {}) },
  };
}

/** The engine's own formula text for f and f′, and its note. */
export function engineText(act: Activation): string {
  return [act.formula, act.derivative, act.note].filter((s) => s !== undefined && s !== "").join("  ·  ");
}

/** "pieces = 3, slope = 0.2": the arguments in effect, by name. */
export function argsText(act: Activation, args: readonly ArgValue[]): string {
  return Object.keys(act.args)
    .map((k, i) => `${k} = ${typeof args[i] === "string" ? JSON.stringify(args[i]) : String(args[i])}`)
    .join(", ");
}

/**
 * The activations the output loss (`nn.crossEntropy`) runs through, found by tracing it on one
 * tiny sample: each op of the trace that is a row of the table.
 */
export function lossActivations(): Activation[] {
  const logits = tensor([[0, 0]], { requiresGrad: true });
  const steps = traceBackward(nn.crossEntropy(logits, [0]));
  const found = steps.filter((s) => Object.hasOwn(activations, s.op)).map((s) => activations[s.op]);
  return found.filter((act, i) => found.indexOf(act) === i);
}

/** The output layer and its loss: the loss's activations as the table gives them, then the loss and its gradient. */
export function outputFormulas(): Formula[] {
  const acts = lossActivations();
  return [
    ...acts.flatMap((act) => Object.values(formulas(act))),
    {
      tex: String.raw`L = -\frac{1}{N} \sum_{n} y_{n,\,t_n} \qquad (t_n\text{: the label of sample } n)`,
      text: "L = −(1/N) Σ_n y_{n, t_n}   (t_n: the label of sample n)",
    },
    {
      tex: String.raw`\frac{\partial L}{\partial a_{n}} = \frac{1}{N}\bigl(S_{n} - \operatorname{onehot}(t_n)\bigr), \quad S = e^{y}`,
      text: "∂L/∂a_n = (1/N)(S_n − onehot(t_n)),  S = e^y",
    },
  ];
}
