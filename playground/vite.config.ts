/**
 * The playground's Vite config: `npm run playground` serves it, `npm run build:playground`
 * writes static files to playground/dist with relative URLs, so they work from any static
 * server or sub-path. The engine is imported from ../src as TypeScript.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root: here,
  base: "./",
  server: { fs: { allow: [repo] } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2500,
  },
});
