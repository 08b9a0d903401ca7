/**
 * Graphviz without a native install: `@viz-js/viz` is Graphviz compiled to WebAssembly, so
 * DOT text becomes an SVG in plain Node (or a browser). The instance loads once (~0.3 s).
 */
import { instance, type Viz } from "@viz-js/viz";

let viz: Promise<Viz> | null = null;

/** DOT text → SVG text; throws with Graphviz's own messages if the DOT does not parse. */
export async function renderDot(dot: string): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(dot, { format: "svg" });
  if (result.status !== "success") {
    throw new Error(`Graphviz could not render the graph: ${result.errors.map((e) => e.message).join("; ")}`);
  }
  return result.output;
}
