/**
 * Example 5 — the backward sweep, step by step.
 *
 * What it teaches: backpropagation is one small multiplication per node. The sweep visits the
 * nodes from the loss back to the inputs; at each it holds the upstream gradient ∂L/∂out and
 * multiplies it by the node's local derivative ∂out/∂in — the textbook formula, evaluated at
 * this point — to get ∂L/∂in. `traceBackward` records exactly what the engine ran, and
 * `formatTrace` prints it like a worked solution on paper.
 *
 * Part 1 is a tiny expression, L = σ(w·x + b), with numbers you can follow by hand.
 * Part 2 is a two-layer network (2 → 3 tanh → 2, cross-entropy) on a batch of two points.
 * Each part ends by checking the trace's leaf gradients against `backward()`.
 *
 *   npx tsx examples/05-trace-backward.ts
 */
import { formatTrace, manualSeed, nn, tensor, traceBackward, traceGradients, type Tensor } from "../src/index.js";

/** max |trace − backward()| over the given leaves (backward run on the same graph afterwards). */
function checkAgainstBackward(loss: Tensor, leaves: Tensor[], steps: ReturnType<typeof traceBackward>): number {
  const fromTrace = traceGradients(steps);
  loss.backward();
  let worst = 0;
  for (const leaf of leaves) {
    const a = fromTrace.get(leaf)!.data,
      b = leaf.grad!.data;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst;
}

export function main(opts: { print?: boolean } = {}) {
  const log = (opts.print ?? true) ? console.log : () => {};

  log("Part 1 — L = σ(w·x + b) with w = 0.5, x = 2, b = −1, so w·x + b = 0 and σ = 0.5\n");
  const w = tensor(0.5, { requiresGrad: true });
  const x = tensor(2, { requiresGrad: true });
  const b = tensor(-1, { requiresGrad: true });
  const L = w.mul(x).add(b).sigmoid();
  const tiny = traceBackward(L, { names: { w, x, b, loss: L } });
  log(formatTrace(tiny));
  log("\nBy hand: σ′(0) = 0.25, so ∂L/∂b = 0.25, ∂L/∂w = 0.25·x = 0.5, ∂L/∂x = 0.25·w = 0.125.");
  const tinyError = checkAgainstBackward(L, [w, x, b], tiny);
  log(`trace vs backward(): max difference ${tinyError}\n`);

  log("Part 2 — a two-layer network: logits = tanh(X·W1ᵀ + b1)·W2ᵀ + b2, loss = crossEntropy(logits, y)\n");
  manualSeed(5);
  const l1 = new nn.Linear(2, 3),
    l2 = new nn.Linear(3, 2);
  const X = tensor([
    [1, 2],
    [-1, 0.5],
  ]);
  const labels = [0, 1];
  const loss = nn.crossEntropy(l2.forward(l1.forward(X).tanh()), labels);
  const names = { X, W1: l1.weight, b1: l1.bias!, W2: l2.weight, b2: l2.bias!, loss };
  const net = traceBackward(loss, { names });
  log(formatTrace(net));
  log("\nRead it bottom-up as the forward pass, top-down as the backward one: crossEntropy is");
  log("mean(−pick(logSoftmax)), so its first steps hand −1/N to the label's entry, logSoftmax turns");
  log("that into softmax − onehot, and each Linear's matmul C = X·Wᵀ sends it on as U·W (to X) and Uᵀ·X (to W).");
  const netError = checkAgainstBackward(loss, [l1.weight, l1.bias!, l2.weight, l2.bias!], net);
  log(`trace vs backward(): max difference ${netError}`);
  return { tiny, net, tinyError, netError };
}

if (import.meta.url === `file://${process.argv[1]}`) main();
