/**
 * End-to-end test of the playground in a real browser: Debian's Chromium (/usr/bin/chromium,
 * headless), driven by playwright-core — nothing downloads a browser of its own. It serves the
 * built page (npm run build:playground → playground/dist) from a small static server on
 * 127.0.0.1 and, in a fresh profile:
 *
 *   1. plays the default network (2-8-8-2 tanh, 250 points) for 3 s and prints steps/s and frames/s
 *      (figures to read, not asserted: a timing is a benchmark, never a test);
 *   2. picks spiral + tanh, plays until the training loss is below half its start, pauses;
 *   3. switches to three blobs + maxout, steps once, and checks the trace table lists maxout and
 *      the softmax/cross-entropy steps (logSoftmax → pick → neg → mean as sum and div), the graph
 *      is drawn, and Reset reproduces the same start and the same step;
 *   4. reloads and checks every setting came back from the URL;
 *   5. checks the activation list is the engine's table (every activation but the "vector" ones),
 *      that each control has an accessible name and each argument a labelled control
 *      ("leakyRelu slope", "maxout pieces", "gelu approximate") kept in the URL, then picks gelu
 *      and trains it: a few Steps (the trace shows gelu's formula from the table), then Play;
 *   6. saves a screenshot to out/e2e/playground.png (E2E_SCREENSHOT=docs/figures/playground.png to
 *      refresh the README's picture) and checks it is not blank.
 *   7. take it home: downloads model.json, model.safetensors and model.onnx (Playwright's download
 *      event), runs the ONNX file in onnxruntime-web inside the page (wasm served from the bundle)
 *      and checks its logits match the page's model; the TypeScript snippet rebuilds the network.
 *   8. your own data: uploads a CSV through the "Upload CSV" file input, picks the feature and label
 *      columns, trains on it; a bad file shows fromCsv's error naming the line and the data stays.
 *   9. per-layer activation: "Layer 2 activation" set to relu, shown in the network line and the
 *      trace, kept in the URL through a reload.
 *  10. your own activation: a bad "Activation formula" shows its error (role alert); x * sigmoid(x)
 *      becomes an activation (defineActivation) and trains to half its starting loss.
 *  11. hover: the activation curve shows f, f′ and f″ at the pointer in a role="tooltip".
 *
 *   npm run build:playground && npm run test:e2e        (CHROMIUM=/path overrides the browser)
 *
 * Not part of the vitest unit suite (its name does not end in .test.ts); every wait is bounded.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { activations } from "../../src/index.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dist = join(repo, "playground/dist");
/** Into the ignored out/ folder; E2E_SCREENSHOT=docs/figures/playground.png refreshes the README's picture. */
const screenshotPath = resolve(repo, process.env.E2E_SCREENSHOT ?? "out/e2e/playground.png");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** The whole run must finish well within this. */
const OVERALL_MS = 240_000;

const started = Date.now();
const log = (msg: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`);

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

/** A static file server for `root` on 127.0.0.1 (a random free port). */
async function serve(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      let file = resolve(root, "." + path);
      if (file !== root && !file.startsWith(root + sep)) throw new Error("outside the root");
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  await new Promise<void>((ok, fail) => server.once("error", fail).listen(0, "127.0.0.1", ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

const text = async (page: Page, testid: string) => (await page.getByTestId(testid).textContent({ timeout: 5_000 })) ?? "";
const num = async (page: Page, testid: string) => Number(await text(page, testid));
const stats = (page: Page) => page.evaluate(() => window.__playground.stats());
const ready = (page: Page) => page.waitForFunction(() => window.__playground?.ready === true, null, { timeout: 20_000 });

async function play(page: Page, on: boolean): Promise<void> {
  const want = on ? "playing" : "paused";
  if ((await page.getByTestId("play").getAttribute("data-state")) !== want) await page.getByTestId("play").click();
  await page.waitForSelector(`[data-testid="play"][data-state="${want}"]`, { timeout: 5_000 });
}

/** Distinct colours in an image (a PNG as base64), counted in the page. */
function distinctColours(page: Page, png: string): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  }, png);
}

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    console.error(`e2e: still running after ${OVERALL_MS / 1000} s — giving up`);
    process.exit(1);
  }, OVERALL_MS);
  guard.unref();

  assert.ok(existsSync(join(dist, "index.html")), `e2e: ${dist}/index.html is missing — run npm run build:playground first`);
  assert.ok(
    existsSync(executablePath),
    `e2e: no browser at ${executablePath} — apt-get install -y chromium (never npx playwright install)`,
  );
  const { server, url } = await serve(dist);
  const profile = await mkdtemp(join(tmpdir(), "actigrad-e2e-"));
  log(`serving ${dist} at ${url}; Chromium ${executablePath}, fresh profile ${profile}`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1440, height: 1000 },
    timeout: 30_000,
  });
  const errors: string[] = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console error: ${m.text()}`);
    });
    await page.goto(url, { waitUntil: "load", timeout: 30_000 });
    await ready(page);
    log(`page loaded (browser ${context.browser()?.version() ?? "?"})`);

    // 1 — speed of the default network
    const defaults = await page.evaluate(() => window.__playground.settings());
    assert.equal(defaults.layers.join(","), "8,8");
    assert.equal(await page.getByTestId("dataset").inputValue(), "circle");
    await play(page, true);
    await page.waitForTimeout(3_000);
    const speed = await stats(page);
    await play(page, false);
    log(
      `default network (2-8-8-2 ${defaults.activation}, 250 points, batch ${defaults.batchSize}): ` +
        `${speed.stepsPerSecond.toFixed(0)} steps/s, ${speed.framesPerSecond.toFixed(1)} frames/s, ` +
        `${speed.stepsPerFrame.toFixed(1)} steps and ${speed.trainMsPerFrame.toFixed(1)} ms training + ${speed.drawMsPerFrame.toFixed(1)} ms drawing per frame, ` +
        `longest frame ${speed.longestFrameMs.toFixed(0)} ms`,
    );
    // Speed is a figure to read, never a pass/fail line (the machines are shared and noisy):
    // only check that Play trained and redrew at all.
    assert.ok(speed.steps > 0, `Play ran training steps, got ${speed.steps}`);
    assert.ok(speed.framesPerSecond > 0, "Play redrew the page");
    assert.ok(Number.isFinite(await num(page, "loss-train")), "loss-train holds a number");

    // 2 — spiral + tanh until the training loss halves
    await page.getByTestId("dataset").selectOption("spiral");
    await page.getByTestId("activation").selectOption("tanh");
    assert.equal(await text(page, "step-count"), "0", "changing the data resets training");
    const start = await num(page, "loss-train");
    assert.ok(start > 0.3 && Number.isFinite(start), `a sensible starting loss, got ${start}`);
    const t2 = Date.now();
    await play(page, true);
    await page.waitForFunction(
      (half) => Number(document.querySelector('[data-testid="loss-train"]')!.textContent) < half,
      start / 2,
      { timeout: 60_000, polling: 50 },
    );
    await play(page, false);
    const halved = await num(page, "loss-train");
    const spiralSteps = (await stats(page)).steps;
    log(`spiral + tanh: training loss ${start} → ${halved} in ${spiralSteps} steps, ${((Date.now() - t2) / 1000).toFixed(1)} s`);
    assert.ok(halved < start / 2, `loss below half its start after pausing: ${halved} vs ${start}`);
    const pausedAt = (await stats(page)).steps;
    await page.waitForTimeout(300);
    assert.equal((await stats(page)).steps, pausedAt, "Pause stops training");

    // 3 — three blobs + maxout, one step, the trace
    await page.getByTestId("dataset").selectOption("blobs");
    await page.getByTestId("activation").selectOption("maxout");
    assert.equal(await text(page, "step-count"), "0");
    const initialLoss = await text(page, "loss-train");
    await page.getByTestId("step").click();
    await page.waitForSelector('[data-testid="trace"][data-step="1"] tbody tr', { timeout: 10_000 });
    assert.equal(await text(page, "step-count"), "1", "Step runs exactly one mini-batch");
    assert.equal((await stats(page)).steps, 1);
    const ops = await page.$$eval('[data-testid="trace"] tbody tr', (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.op ?? ""),
    );
    const tableText = (await page.getByTestId("trace").textContent()) ?? "";
    log(`trace after one step: ${ops.length} rows: ${ops.join(" ")}`);
    for (const op of ["maxout", "logSoftmax", "pick", "neg", "sum", "div", "matmul", "add"]) {
      assert.ok(ops.includes(op), `the trace lists ${op} (got ${ops.join(", ")})`);
    }
    assert.equal(ops.filter((o) => o === "maxout").length, 2, "one maxout step per hidden layer");
    assert.ok(
      ops.indexOf("div") < ops.indexOf("logSoftmax") && ops.indexOf("logSoftmax") < ops.indexOf("maxout"),
      "the sweep runs from the loss back: mean (div) before logSoftmax before maxout",
    );
    assert.match(tableText, /δ_ij − S_j/, "logSoftmax's local derivative is its Jacobian");
    assert.match(tableText, /arg-max/, "maxout's local derivative routes to the arg-max");
    assert.ok(tableText.includes(activations.maxout.derivative), "the trace shows maxout's derivative from the table");
    assert.equal(
      await page.getByRole("spinbutton", { name: "maxout pieces" }).inputValue(),
      "2",
      "maxout's pieces is a labelled control holding its default",
    );
    await page.waitForSelector('#graph[data-state="done"] svg', { timeout: 20_000 });
    const graphNodes = await page.$$eval("#graph svg g.node", (n) => n.length);
    log(`graph drawn by Graphviz: ${graphNodes} nodes`);
    assert.ok(graphNodes >= 15, `the graph has the network's nodes, got ${graphNodes}`);

    // Reset re-initialises with the seed: the same start, and the same first step again.
    const afterOne = await text(page, "loss-train");
    await page.getByTestId("reset").click();
    assert.equal(await text(page, "step-count"), "0", "Reset goes back to step 0");
    assert.equal(await text(page, "loss-train"), initialLoss, "Reset gives the same initial network");
    await page.getByTestId("step").click();
    assert.equal(await text(page, "loss-train"), afterOne, "the same seed gives the same first mini-batch step");
    log(`reset reproduces the seed: loss ${initialLoss} → ${afterOne} after one step, twice`);

    // 4 — reload: settings come back from the URL
    const before = await page.evaluate(() => window.__playground.settings());
    const urlBefore = page.url();
    assert.match(urlBefore, /dataset=blobs/);
    assert.match(urlBefore, /activation=maxout/);
    await page.reload({ waitUntil: "load", timeout: 30_000 });
    await ready(page);
    assert.equal(page.url(), urlBefore);
    assert.equal(await page.getByTestId("dataset").inputValue(), "blobs");
    assert.equal(await page.getByTestId("activation").inputValue(), "maxout");
    assert.deepEqual(await page.evaluate(() => window.__playground.settings()), before, "every setting restored from the URL");
    log(`reload restored ${Object.keys(before).length} settings from ${urlBefore.slice(urlBefore.indexOf("#"))}`);

    // 5 — the activations come from the engine's table; their arguments are labelled controls; gelu trains
    const expected = Object.values(activations)
      .filter((a) => a.kind !== "vector")
      .map((a) => a.name);
    for (const name of ["sigmoid", "tanh", "relu", "softplus", "maxout", "leakyRelu", "elu", "gelu", "silu"]) {
      assert.ok(expected.includes(name), `the table's hidden activations include ${name}`);
    }
    const offered = await page.$$eval('[data-testid="activation"] option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(offered, expected, "the activation list is the table's non-vector activations, in its order");
    const unnamed = await page.$$eval("input, select, button, textarea", (els) =>
      els
        .filter((el) => !(el as HTMLElement).closest("[hidden]"))
        .filter((el) => {
          const c = el as HTMLInputElement;
          const labelled = (c.labels?.length ?? 0) > 0 && Array.from(c.labels!).some((l) => l.textContent!.trim() !== "");
          return !labelled && !c.getAttribute("aria-label") && !c.getAttribute("title") && !(c.textContent ?? "").trim();
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, [], "every control has an accessible name");
    // maxout's pieces: a value the definition refuses is put back; a good one is kept, in the URL too.
    const pieces = page.getByRole("spinbutton", { name: "maxout pieces" });
    await pieces.fill("0");
    await pieces.dispatchEvent("change");
    assert.equal(await pieces.inputValue(), "2", "pieces = 0 is refused by maxout's own check");
    await pieces.fill("3");
    await pieces.dispatchEvent("change");
    await page.waitForFunction(() => window.__playground.settings().args.pieces === 3, null, { timeout: 5_000 });
    assert.match(page.url(), /activation=maxout&pieces=3/);
    // leakyRelu: its slope, labelled, from the definition's default
    await page.getByTestId("activation").selectOption("leakyRelu");
    const slope = page.getByRole("spinbutton", { name: "leakyRelu slope" });
    assert.equal(Number(await slope.inputValue()), activations.leakyRelu.args.slope, "slope starts at its default");
    assert.equal(await page.getByRole("spinbutton", { name: "maxout pieces" }).count(), 0, "maxout's control is gone");
    await slope.fill("0.2");
    await slope.dispatchEvent("change");
    await page.waitForFunction(() => window.__playground.settings().args.slope === 0.2, null, { timeout: 5_000 });
    assert.match(page.url(), /activation=leakyRelu&slope=0\.2/);
    // gelu: its word argument as a select of the choices its definition accepts; then training
    await page.getByTestId("dataset").selectOption("moons");
    await page.getByTestId("activation").selectOption("gelu");
    const approximate = page.getByRole("combobox", { name: "gelu approximate" });
    const choices = await approximate.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(choices, ["none", "tanh"], "gelu's approximate offers the words its definition accepts");
    await approximate.selectOption("tanh");
    await page.waitForFunction(() => window.__playground.settings().args.approximate === "tanh", null, { timeout: 5_000 });
    assert.match(page.url(), /activation=gelu&approximate=tanh/);
    assert.equal(await text(page, "step-count"), "0");
    assert.ok((await page.locator("#act-f .katex").count()) > 0, "gelu's f is typeset from its LaTeX");
    const geluStart = await num(page, "loss-train");
    for (let i = 0; i < 3; i++) await page.getByTestId("step").click();
    await page.waitForSelector('[data-testid="trace"][data-step="3"] tbody tr', { timeout: 10_000 });
    assert.equal(await text(page, "step-count"), "3", "three Steps, three mini-batches");
    const geluRows = await page.$$eval('[data-testid="trace"] tbody tr[data-op="gelu"]', (rows) =>
      rows.map((r) => `${r.className}|${r.querySelector(".formula")?.textContent ?? ""}`),
    );
    assert.equal(geluRows.length, 2, `one gelu step per hidden layer, got ${geluRows.length}`);
    for (const row of geluRows)
      assert.equal(row, `act|${activations.gelu.derivative}`, "gelu's row: its derivative from the table");
    await play(page, true);
    await page.waitForFunction(
      (target) => Number(document.querySelector('[data-testid="loss-train"]')!.textContent) < target,
      geluStart * 0.7,
      { timeout: 60_000, polling: 50 },
    );
    await play(page, false);
    const geluEnd = await num(page, "loss-train");
    log(
      `activations offered: ${offered.join(" ")}; moons + gelu (approximate "tanh"): loss ${geluStart} → ${geluEnd} in ${(await stats(page)).steps} steps`,
    );
    assert.ok(geluEnd < geluStart, `gelu trains: ${geluEnd} < ${geluStart}`);

    // 6 — a state worth a picture: overlapping blobs, maxout with 3 pieces, trained briefly;
    // set through the URL hash of the open page (a pasted link), which must apply it.
    const shot =
      "#dataset=blobs&noise=0.2&trainRatio=0.7&seed=3&layers=8,8&activation=maxout&pieces=3&lr=0.01&batchSize=10&optimizer=adam&sample=86&speed=20";
    await page.evaluate((h) => {
      location.hash = h;
    }, shot);
    await page.waitForFunction(
      () =>
        window.__playground.settings().activation === "maxout" &&
        window.__playground.settings().args.pieces === 3 &&
        window.__playground.stats().steps === 0,
      null,
      { timeout: 10_000 },
    );
    assert.equal(await page.getByTestId("dataset").inputValue(), "blobs");
    await play(page, true);
    await page.waitForTimeout(800);
    await play(page, false);
    await page.getByTestId("step").click();
    const stepped = (await stats(page)).steps;
    await page.waitForSelector(`[data-testid="trace"][data-step="${stepped}"] tbody tr`);
    await page.waitForSelector('#graph[data-state="done"] svg', { timeout: 20_000 });
    await mkdir(dirname(screenshotPath), { recursive: true });
    const png = (await page.screenshot({ path: screenshotPath, fullPage: true, timeout: 20_000 })).toString("base64");
    const colours = await distinctColours(page, png);
    const boundaryColours = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="boundary"]')!;
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size;
    });
    log(
      `screenshot ${screenshotPath}: ${colours} distinct colours; boundary canvas ${boundaryColours}; loss ${await text(page, "loss-train")} after ${stepped} steps`,
    );
    assert.ok(colours >= 500, `the screenshot is not blank (${colours} colours)`);
    assert.ok(boundaryColours >= 100, `the heatmap is drawn (${boundaryColours} colours)`);
    // 7 — take it home: JSON, safetensors and ONNX downloads, the TypeScript snippet; the ONNX
    // file runs in onnxruntime-web inside the page and agrees with the page's model
    const downloadOf = async (name: string) => {
      const [dl] = await Promise.all([
        page.waitForEvent("download", { timeout: 15_000 }),
        page.getByRole("button", { name }).click(),
      ]);
      const path = await dl.path();
      return { file: dl.suggestedFilename(), bytes: await readFile(path) };
    };
    const json = await downloadOf("Download JSON");
    assert.equal(json.file, "model.json");
    const dict = JSON.parse(json.bytes.toString("utf8")) as Record<string, { shape: number[] }>;
    assert.deepEqual(Object.keys(dict).sort(), ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"]);
    const st = await downloadOf("Download safetensors");
    assert.equal(st.file, "model.safetensors");
    const headerLen = Number(st.bytes.readBigUInt64LE(0));
    const header = JSON.parse(st.bytes.subarray(8, 8 + headerLen).toString("utf8")) as Record<string, unknown>;
    assert.ok("0.weight" in header && "4.bias" in header, "the safetensors header lists the parameters");
    const onnx = await downloadOf("Download ONNX");
    assert.equal(onnx.file, "model.onnx");
    const probe = [
      [0, 0],
      [1.5, -2],
      [-3, 2.5],
      [4, 4],
    ];
    const mine = await page.evaluate((pts) => window.__playground.predict(pts), probe);
    const theirs = await page.evaluate(([bytes, pts]) => window.__playground.runOnnx(bytes, pts), [
      Array.from(onnx.bytes),
      probe,
    ] as const);
    let worst = 0;
    mine.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - theirs[i][j])))));
    log(
      `downloads: model.json ${json.bytes.length} B, model.safetensors ${st.bytes.length} B, model.onnx ${onnx.bytes.length} B; onnxruntime-web in the page: largest |Δlogit| ${worst.toExponential(2)} on ${probe.length} points`,
    );
    assert.equal(theirs.length, probe.length);
    assert.ok(worst < 1e-4, `onnxruntime-web agrees with the page's model (largest difference ${worst})`);
    await page.getByRole("button", { name: "Copy TypeScript" }).click();
    const snippet = (await page.getByTestId("ts-snippet").textContent()) ?? "";
    assert.match(snippet, /new nn\.Activation\(activations\["maxout"\], 3\)/);
    assert.match(snippet, /loadStateDict\(JSON\.parse\(readFileSync\("model\.json"/);
    await page.locator(".take-home").screenshot({ path: resolve(dirname(screenshotPath), "take-home.png") });

    // 8 — your own data: a CSV through the file input (two features chosen, a label), trained on;
    // a bad file names its line and leaves the data in use
    const rows = ["id,feat_a,feat_b,kind"];
    for (let i = 0; i < 120; i++) {
      const a = Math.cos(i * 1.7) * 2 + (i % 5) * 0.05;
      const b = Math.sin(i * 2.3) * 2 - (i % 3) * 0.04;
      rows.push(`${i},${a.toFixed(4)},${b.toFixed(4)},${a * a + b * b < 1.6 ? "inner" : "outer"}`);
    }
    await page.locator("#csv-box summary").click();
    await page.getByLabel("Upload CSV").setInputFiles({
      name: "rings.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(rows.join("\n") + "\n"),
    });
    await page.waitForFunction(() => document.querySelector("#boundary-caption")?.textContent?.startsWith("CSV:"), null, {
      timeout: 10_000,
    });
    assert.equal(await page.getByLabel("Label column").inputValue(), "kind");
    await page.getByLabel("First feature column (x)").selectOption("feat_a");
    await page.getByLabel("Second feature column (y)").selectOption("feat_b");
    await page.waitForFunction(() =>
      document.querySelector("#boundary-caption")?.textContent?.includes("x = feat_a, y = feat_b"),
    );
    assert.equal(await page.getByTestId("dataset").inputValue(), "csv");
    assert.equal(await text(page, "step-count"), "0");
    const csvStart = await num(page, "loss-train");
    await play(page, true);
    await page.waitForFunction(
      (target) => Number(document.querySelector('[data-testid="loss-train"]')!.textContent) < target,
      csvStart * 0.7,
      { timeout: 60_000, polling: 50 },
    );
    await play(page, false);
    const csvEnd = await num(page, "loss-train");
    const caption = await page.locator("#boundary-caption").textContent();
    log(`CSV upload (${rows.length - 1} rows): ${caption}; loss ${csvStart} → ${csvEnd}`);
    await page.screenshot({ path: resolve(dirname(screenshotPath), "csv.png"), fullPage: true });
    const bad = [...rows.slice(0, 5), "5,0.3,oops,inner", ...rows.slice(6, 9)].join("\n");
    await page.getByLabel("Upload CSV").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
    await page.waitForFunction(() => (document.querySelector("#csv-error")?.textContent ?? "") !== "");
    const message = (await page.getByRole("alert").filter({ hasText: "line" }).first().textContent()) ?? "";
    log(`bad CSV: ${message}`);
    assert.match(message, /line 6/, "the error names the line");
    assert.equal(await page.locator("#boundary-caption").textContent(), caption, "the previous data stays");
    assert.ok((await stats(page)).steps > 0, "training was not reset by the bad file");

    // 9 — per-layer activation: layer 2 switched to relu, shown in the network line, traced, kept in the URL
    await page.getByTestId("dataset").selectOption("xor");
    await page.getByTestId("activation").selectOption("tanh");
    const layer2 = page.getByRole("combobox", { name: "Layer 2 activation" });
    assert.equal(await layer2.inputValue(), "tanh", "a layer starts with the page's activation");
    await layer2.selectOption("relu");
    await page.waitForFunction(() => window.__playground.settings().layerActivations.join(",") === ",relu");
    assert.match(page.url(), /layerActivations=,relu/);
    const summary = (await page.locator("#net-summary").textContent()) ?? "";
    assert.match(summary, /2 → 8 tanh → 8 relu → 2/, `the network line shows each layer's activation: ${summary}`);
    await page.getByTestId("step").click();
    await page.waitForSelector('[data-testid="trace"][data-step="1"] tbody tr');
    const layerOps = await page.$$eval('[data-testid="trace"] tbody tr', (r) =>
      r.map((x) => (x as HTMLElement).dataset.op ?? ""),
    );
    assert.ok(layerOps.includes("relu") && layerOps.includes("tanh"), `the trace has both activations: ${layerOps.join(" ")}`);
    await page.reload({ waitUntil: "load" });
    await ready(page);
    assert.equal(await page.getByRole("combobox", { name: "Layer 2 activation" }).inputValue(), "relu", "kept through a reload");
    assert.equal(await page.getByRole("combobox", { name: "Layer 1 activation" }).inputValue(), "tanh");
    log(`per-layer activation: ${summary}; trace ${layerOps.join(" ")}`);
    await page
      .locator("fieldset")
      .nth(1)
      .screenshot({ path: resolve(dirname(screenshotPath), "layer-activations.png") });

    // 10 — your own activation: a bad formula shows its error in place; x * sigmoid(x) trains to half its loss
    await page.getByTestId("dataset").selectOption("circle");
    const formula = page.getByRole("textbox", { name: "Activation formula" });
    await formula.fill("x * sigmoid(x");
    await page.getByRole("button", { name: "Use formula as the activation" }).click();
    const formulaError = (await page.locator("#formula-error").textContent()) ?? "";
    assert.match(formulaError, /expected "\)"/, `the formula's error is shown: ${formulaError}`);
    await formula.fill("x * sigmoid(x)");
    await page.getByRole("button", { name: "Use formula as the activation" }).click();
    await page.waitForFunction(() => window.__playground.settings().activation.startsWith("formula"));
    assert.equal(await page.locator("#formula-error").textContent(), "");
    const formulaName = await page.getByTestId("activation").inputValue();
    assert.match(formulaName, /^formula\d+$/);
    const formulaStart = await num(page, "loss-train");
    await play(page, true);
    await page.waitForFunction(
      (half) => Number(document.querySelector('[data-testid="loss-train"]')!.textContent) < half,
      formulaStart / 2,
      { timeout: 60_000, polling: 50 },
    );
    await play(page, false);
    const formulaEnd = await num(page, "loss-train");
    assert.ok(formulaEnd < formulaStart / 2);
    await page.getByRole("button", { name: "Use formula as the activation" }).click();
    assert.equal(await page.getByTestId("activation").inputValue(), formulaName, "the same formula reuses its definition");
    log(`formula "x * sigmoid(x)" as ${formulaName}: loss ${formulaStart} → ${formulaEnd}; a bad one said: ${formulaError}`);
    await page.screenshot({ path: resolve(dirname(screenshotPath), "formula.png"), fullPage: true });

    // 11 — hover the activation curve: a tooltip with f, f′ and f″ at that x
    const chart = page.locator("#act-chart");
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = page.getByRole("tooltip");
    await tip.waitFor({ state: "visible", timeout: 5_000 });
    const tipText = (await tip.textContent()) ?? "";
    assert.match(tipText, /^x = -?0\.\d+: f = .*, f′ = .*, f″ = /, `the curve's tooltip: ${tipText}`);
    log(`curve tooltip: ${tipText}`);
    await page.locator(".side-panel").screenshot({ path: resolve(dirname(screenshotPath), "curve-hover.png") });
    await page.mouse.move(0, 0);

    assert.deepEqual(errors, [], "no errors in the page");
    log(
      `passed: ${speed.stepsPerSecond.toFixed(0)} steps/s at ${speed.framesPerSecond.toFixed(0)} frames/s on the default network; whole run ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    if (errors.length) console.error(errors.join("\n"));
    await context.close().catch(() => {});
    server.close();
    await rm(profile, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
