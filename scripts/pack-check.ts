/**
 * Installs actigrad the way a user does and runs the README's first snippet there.
 *
 *   npm run test:pack
 *
 * 1. `npm pack` builds the tarball (its `prepare` step builds dist/), as `npm publish` would;
 * 2. a new, empty ESM project in a temporary folder installs that tarball (nothing else: the
 *    engine has no runtime dependencies, so this needs no network);
 * 3. the first ```ts block of README.md runs there in plain Node, importing "actigrad", and is
 *    type-checked against the package's own .d.ts files;
 * 4. a last check reads the gradient the snippet computes and compares it with σ′ by hand.
 * It exits non-zero on any failure, with the step that failed.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "actigrad-pack-"));
const app = join(work, "app");

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  }
}

/** The first ```ts block of the README that imports the package. */
function firstSnippet(): string {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  for (const m of readme.matchAll(/```ts\n([\s\S]*?)```/g)) {
    if (m[1].includes('from "actigrad"')) return m[1];
  }
  throw new Error('README.md has no ```ts block importing from "actigrad"');
}

try {
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], repo)) as {
    filename: string;
    files: { path: string }[];
  }[];
  const tarball = join(work, packed[0].filename);
  const files = packed[0].files.map((f) => f.path);
  for (const need of ["dist/index.js", "dist/index.d.ts", "LICENSE", "README.md", "package.json"]) {
    if (!files.includes(need)) throw new Error(`the tarball lacks ${need}`);
  }
  console.log(`packed ${packed[0].filename}: ${files.length} files`);

  run("mkdir", ["-p", app], work);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "pack-check", private: true, type: "module" }, null, 2));
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], app);
  console.log("installed the tarball into an empty ESM project");

  const snippet = firstSnippet();
  // The README's snippet as written, then a check of what it computed.
  const check = `
const s = (v) => 1 / (1 + Math.exp(-v));
const want = [1, -2, 3, 4].map((v) => s(v) * (1 - s(v)));
const got = Array.from(x.grad.data);
if (got.some((g, i) => Math.abs(g - want[i]) > 1e-12)) throw new Error("x.grad is " + got + ", expected " + want);
console.log("README snippet ran from the installed package: x.grad = σ′(x) ok");
`;
  writeFileSync(join(app, "snippet.mjs"), snippet + check);
  process.stdout.write(run(process.execPath, ["snippet.mjs"], app));

  writeFileSync(join(app, "snippet.ts"), snippet);
  const tsc = join(repo, "node_modules/typescript/bin/tsc");
  const flags = [
    "--noEmit",
    "--strict",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--target",
    "es2022",
    "--skipLibCheck",
    "false",
  ];
  run(process.execPath, [tsc, ...flags, "snippet.ts"], app);
  console.log("README snippet type-checks against the installed .d.ts files");
} finally {
  rmSync(work, { recursive: true, force: true });
}
