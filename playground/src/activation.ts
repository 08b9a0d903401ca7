/**
 * The chosen activation's f and f′ on a grid, both from the engine: f by its forward op, f′ by
 * `backward()` through it (the derivative the network really uses), and its formulas as LaTeX
 * for KaTeX. Maxout is a max over K affine pieces of its input; to draw it as a function of one
 * number, the pieces are K fixed lines z_k = s_k·x + c_k (tangents of x²/4), so f is their upper
 * envelope and f′ the slope of the winning piece.
 */
import { activations, type Tensor, tensor } from "../../src/index.js";
import type { HiddenActivation } from "./state.js";

export const X_RANGE = 4;
const N = 241;

export interface ActivationCurve {
  xs: Float64Array;
  f: Float64Array;
  df: Float64Array;
}

/** The pieces drawn for maxout with K pieces: slopes s_k = p_k/2, intercepts c_k = −p_k²/4, p_k spread over [−3, 3]. */
export function maxoutPieces(k: number): { s: number[]; c: number[] } {
  const p = Array.from({ length: k }, (_, i) => (k === 1 ? 0 : -3 + (6 * i) / (k - 1)));
  return { s: p.map((v) => v / 2), c: p.map((v) => (-v * v) / 4) };
}

export function activationCurve(name: HiddenActivation, pieces: number): ActivationCurve {
  const xs = Float64Array.from({ length: N }, (_, i) => -X_RANGE + (2 * X_RANGE * i) / (N - 1));
  const x = tensor(xs, { requiresGrad: true });
  let y: Tensor;
  if (name === "maxout") {
    const { s, c } = maxoutPieces(pieces);
    // [N, 1] · [1, K] + [K] → [N, K]: row i holds the K pieces at x_i; maxout(K) → [N, 1].
    const z = x
      .reshape([N, 1])
      .matmul(tensor([s]))
      .add(tensor(c));
    y = z.maxout(pieces).reshape([N]);
  } else {
    y = x[name]();
  }
  y.sum().backward();
  return { xs, f: Float64Array.from(y.data), df: Float64Array.from(x.grad!.data) };
}

/** The engine's own formula text for f and f′ (from the `activations` table). */
export function engineFormulas(name: HiddenActivation): { f: string; df: string; note?: string } {
  const spec = activations[name] as { formula: string; derivative: string; note?: string };
  return { f: spec.formula, df: spec.derivative, ...(spec.note ? { note: spec.note } : {}) };
}

/** LaTeX for f and f′. */
export function latex(name: HiddenActivation, pieces: number): { f: string; df: string } {
  switch (name) {
    case "sigmoid":
      return {
        f: String.raw`\sigma(x) = \frac{1}{1 + e^{-x}}`,
        df: String.raw`\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)`,
      };
    case "tanh":
      return { f: String.raw`\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}`, df: String.raw`\tanh'(x) = 1 - \tanh^2(x)` };
    case "relu":
      return { f: String.raw`\operatorname{relu}(x) = \max(0,\, x)`, df: String.raw`\operatorname{relu}'(x) = [\,x > 0\,]` };
    case "softplus":
      return {
        f: String.raw`\operatorname{softplus}(x) = \log\bigl(1 + e^{x}\bigr)`,
        df: String.raw`\operatorname{softplus}'(x) = \sigma(x) = \frac{1}{1 + e^{-x}}`,
      };
    case "maxout":
      return {
        f: String.raw`h_j = \max_{k = 1}^{${pieces}} z_{j,k}, \quad z_{j,k} = w_{j,k}^{\top} x + b_{j,k}`,
        df: String.raw`\frac{\partial h_j}{\partial z_{j,k}} = \bigl[\,k = \arg\max_{k'} z_{j,k'}\,\bigr]`,
      };
  }
}

/** The output layer and loss, as LaTeX. */
export const OUTPUT_LATEX = [
  String.raw`p_{c} = \operatorname{softmax}(a)_c = \frac{e^{a_c}}{\sum_{k} e^{a_k}}`,
  String.raw`L = -\frac{1}{N} \sum_{n} \log p_{n, y_n}`,
  String.raw`\frac{\partial L}{\partial a_{n}} = \frac{1}{N}\bigl(p_{n} - \operatorname{onehot}(y_n)\bigr)`,
];
