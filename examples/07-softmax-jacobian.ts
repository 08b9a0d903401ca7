/**
 * Example 7 — softmax's Jacobian, by autograd and by the formula.
 *
 * What it teaches: softmax is the one activation here whose output j depends on every input,
 * so its derivative is a matrix, ∂S_i/∂a_j = S_i(δ_ij − S_j): S_i(1 − S_i) on the diagonal
 * (σ′'s shape again) and −S_i S_j off it. `jacobian` builds the matrix row by row with one
 * backward sweep per output (seeded with a one-hot gradient); the closed form is written out
 * beside it. The engine's rule never builds this matrix — it applies it as S ⊙ (g − Σ g⊙S) —
 * yet the two agree to rounding. The matrix is symmetric, and each column sums to 0 because
 * the outputs always sum to 1.
 *
 *   npx tsx examples/07-softmax-jacobian.ts
 */
import { jacobian, softmax, tensor } from "../src/index.js";
import { grid, heatmap, save } from "./lib/svg.js";

/** S_i(δ_ij − S_j) for the probabilities S. */
export function closedForm(S: number[]): number[][] {
  return S.map((si, i) => S.map((sj, j) => si * ((i === j ? 1 : 0) - sj)));
}

export function main(opts: { scores?: number[]; outDir?: string; print?: boolean } = {}) {
  const { scores = [2, 1, 0.1, -1, 0.5], outDir = "out", print = true } = opts;
  const log = print ? console.log : () => {};
  const a = tensor(scores);
  const S = Array.from(softmax(a).data);
  const J = jacobian((x) => x.softmax(), a).toArray() as number[][];
  const C = closedForm(S);
  const n = S.length;
  const row = (v: number[]) => v.map((x) => x.toFixed(5).padStart(9)).join("");
  log(`scores a = [${scores.join(", ")}]`);
  log(`S = softmax(a) = [${S.map((s) => s.toFixed(5)).join(", ")}]   (Σ S = ${S.reduce((p, q) => p + q, 0)})\n`);
  log(`${"J by autograd (one backward per row)".padEnd(9 * n + 4)}S_i(δ_ij − S_j), the closed form`);
  for (let i = 0; i < n; i++) log(`${row(J[i])}    ${row(C[i])}`);
  let maxDiff = 0,
    asym = 0,
    colSum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      maxDiff = Math.max(maxDiff, Math.abs(J[i][j] - C[i][j]));
      asym = Math.max(asym, Math.abs(J[i][j] - J[j][i]));
    }
    colSum = Math.max(colSum, Math.abs(J.reduce((s, r) => s + r[i], 0)));
  }
  log(`\nmax |autograd − closed form| = ${maxDiff.toExponential(2)}`);
  log(`symmetric: max |J_ij − J_ji| = ${asym.toExponential(2)};  columns sum to 0: max |Σ_i J_ij| = ${colSum.toExponential(2)}`);
  log(`diagonal S_i(1 − S_i) ≤ 1/4, like σ′: largest ${Math.max(...J.map((r, i) => r[i])).toFixed(5)}`);
  const svgPath = save(
    `${outDir}/07-softmax-jacobian.svg`,
    grid([heatmap(J, { title: "∂S_i/∂a_j by autograd" }), heatmap(C, { title: "S_i(δ_ij − S_j)" })], {
      title: `softmax Jacobian at a = [${scores.join(", ")}]`,
    }),
  );
  log(`\nheatmaps written to ${svgPath}`);
  return { S, J, closed: C, maxDiff, asym, colSum, svgPath };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
