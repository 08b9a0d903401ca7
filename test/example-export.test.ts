/** Example 14: the Iris model written as ONNX and safetensors, the ONNX file run in onnxruntime-web. */
import { existsSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../examples/14-export.js";

describe("example 14", () => {
  it("trains, writes model.onnx and model.safetensors, and onnxruntime-web gives actigrad's scores", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "actigrad-export-"));
    const r = await main({ print: false, steps: 80, outDir });
    expect(r.accuracy).toBeGreaterThan(0.8);
    expect(r.maxDiff).toBeLessThan(1e-4); // float32 scores of size ~10
    expect(r.same).toBe(true);
    expect(existsSync(join(outDir, "model.onnx"))).toBe(true);
    expect(existsSync(join(outDir, "model.safetensors"))).toBe(true);
  });
});
