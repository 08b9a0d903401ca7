// The docs test (issue 16): every ```ts block of the README is a snippet that runs (all of them
// run in `npm run test:docs`, against the built package); here, the extraction of the real
// README, and the runner failing, with the line, on deliberately broken snippets.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exampleText, extractSnippets, missingNumbers, repoRoot, runSnippets } from "../scripts/run-snippets.js";

const work = mkdtempSync(join(tmpdir(), "actigrad-docs-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A stand-in for the built package, so these tests need no dist/ and stay fast.
const fakePackage = join(work, "fake-actigrad");
execFileSync("mkdir", ["-p", fakePackage]);
writeFileSync(
  join(fakePackage, "package.json"),
  JSON.stringify({ name: "actigrad", type: "module", exports: { ".": "./index.js" } }),
);
writeFileSync(join(fakePackage, "index.js"), "export const double = (x) => 2 * x;\n");

const broken = [
  "# A page with broken snippets", // 1
  "", // 2
  "```ts", // 3
  'import { double } from "actigrad";', // 4
  "console.log(double(21));", // 5
  "```", // 6
  "```", // 7
  "42", // 8
  "```", // 9
  "", // 10
  "```ts", // 11
  'throw new Error("this snippet is broken");', // 12
  "```", // 13
  "", // 14
  "```ts", // 15
  'import { notExported } from "actigrad";', // 16
  "console.log(notExported);", // 17
  "```", // 18
  "", // 19
  "```ts", // 20
  'import { double } from "actigrad";', // 21
  "console.log(double(2.5));", // 22
  "```", // 23
  "", // 24
  "```", // 25
  "6", // 26
  "```", // 27
  "", // 28
  "```ts", // 29
  "// snippet: skip needs a browser", // 30
  "document.body;", // 31
  "```", // 32
  "", // 33
  "```ts", // 34
  "// snippet: continues", // 35
  "console.log(double(4));", // 36
  "```", // 37
  "", // 38
  "```sh", // 39
  "exit 1", // 40
  "```", // 41
  "",
].join("\n");

describe("README snippets: extraction", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const snippets = extractSnippets(readme, "README.md");
  const lines = readme.split("\n");

  it("finds every ```ts block of the README, at its line, and no other fence", () => {
    const tsFences = lines.flatMap((l, i) => (/^```(ts|typescript|js|javascript|mjs)\s*$/.test(l) ? [i + 1] : []));
    expect(snippets.map((s) => s.line)).toEqual(tsFences);
    expect(snippets.length).toBeGreaterThanOrEqual(9);
    for (const s of snippets) expect(s.code).not.toContain("```");
  });

  it("every README snippet stands alone: imports what it uses from actigrad, and any skip has a reason", () => {
    for (const s of snippets) {
      if (s.skip) expect(s.skip.length).toBeGreaterThan(0);
      else expect(s.source, `README.md:${s.line}`).toMatch(/from "actigrad"/);
    }
  });

  it("pairs the traceBackward snippet with the output printed under it", () => {
    const trace = snippets.find((s) => s.code.includes("formatTrace(traceBackward("));
    expect(trace?.expectedOutput?.text).toContain("∂L/∂x = 0.125");
  });
});

describe("the runner fails on a broken snippet", () => {
  const snippets = extractSnippets(broken, "broken.md");

  it("extracts skip, continues and expected-output blocks, and leaves sh alone", () => {
    expect(snippets.map((s) => s.line)).toEqual([3, 11, 15, 20, 29, 34]);
    expect(snippets[0].expectedOutput).toEqual({ line: 7, text: "42" });
    expect(snippets[4].skip).toBe("needs a browser");
    expect(snippets[5].source).toContain("double(2.5)");
    expect(() => extractSnippets("```ts\n// snippet: skip\n```\n", "x.md")).toThrow(/x\.md:1: "snippet: skip" needs a reason/);
  });

  it("takes a ```text block (or a bare one) after a snippet as its output, and reads @example blocks of doc comments at their source lines", () => {
    const md = ["```ts", "console.log(1);", "```", "", "```text", "1", "```", "```ts", "x;", "```", "```sh", "ls", "```"].join(
      "\n",
    );
    const [withOutput, without] = extractSnippets(md, "t.md");
    expect(withOutput.expectedOutput).toEqual({ line: 5, text: "1" });
    expect(without.expectedOutput).toBeUndefined();
    const source = [
      "/**", // 1
      " * Doubles.", // 2
      " *", // 3
      " * @example", // 4
      " * ```ts", // 5
      ' * import { double } from "actigrad";', // 6
      " * console.log(double(2));", // 7
      " * ```", // 8
      " * ```text", // 9
      " * 4", // 10
      " * ```", // 11
      " * @param x not part of the example", // 12
      " */", // 13
      "export const double = (x: number) => 2 * x;", // 14
    ].join("\n");
    const [example] = extractSnippets(exampleText(source), "src/double.ts");
    expect(example.line).toBe(5);
    expect(example.code).toBe('import { double } from "actigrad";\nconsole.log(double(2));');
    expect(example.expectedOutput).toEqual({ line: 9, text: "4" });
  });

  it("compares printed numbers loosely, in order", () => {
    expect(missingNumbers("loss 0.25 at step 3", "step 3: loss 0.25")).toEqual(["3"]);
    expect(missingNumbers("∂L/∂w = 0.5 …", "x 1\n∂L/∂w = 0.5\n")).toEqual([]);
    expect(missingNumbers("= 0.125", "= 0.1250001")).toEqual(["0.125"]);
  });

  it("runs each snippet and reports pass, fail (with its line and why) and skip", async () => {
    const results = await runSnippets(snippets, { packageDir: fakePackage, timeoutMs: 30_000 });
    const byLine = Object.fromEntries(results.map((r) => [r.snippet.line, r]));
    expect(byLine[3].status).toBe("pass");
    expect(byLine[11].status).toBe("fail");
    expect(byLine[11].message).toMatch(/this snippet is broken/);
    expect(byLine[15].status).toBe("fail");
    expect(byLine[15].message).toMatch(/notExported/);
    expect(byLine[20].status).toBe("fail"); // prints 5, the text shows 6
    expect(byLine[20].message).toMatch(/broken\.md:25: 6/);
    expect(byLine[29].status).toBe("skip");
    expect(byLine[34].status).toBe("pass"); // continues the line-20 snippet: `double` comes from its import
  });

  it("the command exits non-zero and names the file and line of each failure", () => {
    // The first three blocks of the page above: one passes, one throws, one imports a missing export.
    const file = join(work, "broken.md");
    writeFileSync(file, broken.split("\n").slice(0, 19).join("\n"));
    let out = "";
    let code = 0;
    try {
      execFileSync(
        process.execPath,
        [join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "scripts/run-snippets.ts", "--package", fakePackage, file],
        {
          cwd: repoRoot,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
    } catch (e) {
      const err = e as { status: number; stdout: string };
      code = err.status;
      out = err.stdout;
    }
    expect(code).toBe(1);
    expect(out).toMatch(/pass {2}broken\.md:3 /);
    expect(out).toMatch(/FAIL {2}broken\.md:11 /);
    expect(out).toMatch(/FAIL {2}broken\.md:15 /);
    expect(out).toMatch(/snippets: 1 passed, 2 failed, 0 skipped/);
  });
});
