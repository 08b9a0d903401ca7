/**
 * Take the trained model home: its state dict as JSON, as .safetensors, as .onnx (exportOnnx,
 * input [null, 2]), and a TypeScript snippet that rebuilds the same network in Node and loads
 * the JSON. onnxruntime-web is imported lazily (only when a test or the curious run the ONNX
 * file in the page), its wasm served by Vite from the package, one thread, nothing fetched
 * from elsewhere.
 */
import { exportOnnx, noGrad, type nn, safetensors, tensor } from "../../src/index.js";
import { formulaSource, formulaText } from "./formula.js";
import { groupSize, layerActivation, type Settings } from "./state.js";

type Sequential = InstanceType<typeof nn.Sequential>;

export function stateDictJson(model: Sequential): string {
  return JSON.stringify(model.stateDict());
}

export function safetensorsBytes(model: Sequential): Uint8Array {
  return safetensors.save(model.stateDict(), { source: "actigrad playground" });
}

export function onnxBytes(model: Sequential): Uint8Array {
  return exportOnnx(model, { inputShape: [null, 2] });
}

/** Saves `bytes` under `name` through a temporary link (the browser's download). */
export function download(name: string, bytes: Uint8Array | string, type: string): void {
  const blob = new Blob([bytes as BlobPart], { type });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/**
 * A Node script that rebuilds the network `settings` describe and loads `model.json` into it.
 * A formula activation is defined again in it from the formula's own ops (defineActivation).
 */
export function typescriptSnippet(settings: Settings, classes: number): string {
  const lines: string[] = [];
  const defined: string[] = [];
  const imports = new Set(["activations", "nn", "tensor"]);
  let width = 2;
  for (const [i, units] of settings.layers.entries()) {
    const { act, args } = layerActivation(settings, i);
    const r = groupSize(act, args) ?? 1;
    const argText = args.map((a) => `, ${JSON.stringify(a)}`).join("");
    const formula = formulaText(act.name);
    let ref = `activations[${JSON.stringify(act.name)}]`;
    if (formula !== undefined) {
      ref = act.name;
      if (!defined.some((d) => d.startsWith(`const ${act.name} `))) {
        const src = formulaSource(formula);
        for (const f of src.imports) imports.add(f);
        imports.add("defineActivation");
        imports.add("type Tensor");
        defined.push(
          [
            `const ${act.name} = defineActivation({`,
            `  name: ${JSON.stringify(act.name)},`,
            `  formula: ${JSON.stringify(act.formula)},`,
            `  derivative: ${JSON.stringify(act.derivative)},`,
            `  forward: (x: Tensor) => ${src.code},`,
            "});",
          ].join("\n"),
        );
      }
    }
    lines.push(`  new nn.Linear(${width}, ${units * r}),`);
    lines.push(`  new nn.Activation(${ref}${argText}),`);
    width = units;
  }
  lines.push(`  new nn.Linear(${width}, ${classes}),`);
  const names = [...imports].sort((a, b) => a.replace(/^type /, "").localeCompare(b.replace(/^type /, "")));
  return [
    "// npm install actigrad — then: npx tsx load-model.ts (model.json from Download JSON beside it)",
    'import { readFileSync } from "node:fs";',
    `import { ${names.join(", ")} } from "actigrad";`,
    "",
    ...(defined.length ? ["// the page's formula activations, made again from the formula's ops", ...defined, ""] : []),
    "const model = new nn.Sequential(",
    ...lines,
    ");",
    'model.loadStateDict(JSON.parse(readFileSync("model.json", "utf8")));',
    "const logits = model.forward(tensor([[0.5, -0.25]]));",
    "console.log(logits.data); // one score per class; the largest is the prediction",
    "",
  ].join("\n");
}

/** The model's logits at these points (row per point). */
export function predict(model: Sequential, points: number[][]): number[][] {
  return noGrad(() => {
    const out = model.forward(tensor(points));
    const k = out.shape[1];
    return points.map((_, i) => Array.from(out.data.subarray(i * k, (i + 1) * k)));
  });
}

/** Runs an ONNX file in onnxruntime-web (wasm, in this page) on these points: its logits. */
export async function runOnnx(bytes: Uint8Array, points: number[][]): Promise<number[][]> {
  const [ort, wasm] = await Promise.all([
    import("onnxruntime-web/wasm"),
    import("onnxruntime-web/ort-wasm-simd-threaded.wasm?url"),
  ]);
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = { wasm: wasm.default };
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  const input = session.inputNames[0];
  const meta = session.inputMetadata?.[0] as { type?: string } | undefined;
  const double = meta?.type === "float64";
  const flat = points.flat();
  const feed = new ort.Tensor(double ? "float64" : "float32", double ? Float64Array.from(flat) : Float32Array.from(flat), [
    points.length,
    2,
  ]);
  const result = await session.run({ [input]: feed });
  const out = result[session.outputNames[0]];
  const k = out.dims[1];
  const data = out.data as Float32Array | Float64Array;
  await session.release();
  return points.map((_, i) => Array.from(data.subarray(i * k, (i + 1) * k)));
}
