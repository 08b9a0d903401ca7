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
 *  12. the network drawing: a neuron per input, hidden unit and class, an edge per weight whose
 *      colour is its sign and whose thickness grows with |w|, redrawn as training runs; the label
 *      under a layer follows its "Layer N activation" select (relu, then a formula's text).
 *  13. hover a neuron: its output map (role tooltip) is a MAP_GRID² canvas of varying colours whose
 *      values equal a forward pass written out here from the weights (tanh layer 1, then the
 *      formula layer 2), coloured by sign, and changes after training; keyboard focus shows it too.
 *  14. hover an edge: "no gradient yet" after a reset; after a Step its weight and gradient are the
 *      model's (read through window.__playground.weights()); focusable edges name their ends.
 *  15. URL state: a formula as the page's activation, a relu and another formula per layer, and the
 *      columns of a pasted CSV survive a reload (the CSV data does not, as the page's note says;
 *      the file dropped on the page again gets the columns from the link); the TypeScript snippet, both formulas in it, runs in
 *      Node (tsx, against src/) on the downloaded model.json and gives the page's logits.
 *  16. accessible names: Chromium's accessibility tree has a name for every focusable element,
 *      and each control is found by role and the name that says what it does.
 *  17. the traced sample without a mouse: the "Sample to trace" spinbutton chooses a training point
 *      (the trace's caption, the graph, the URL and the ring on the map follow, and the role="status"
 *      live region says "Sample N: (x, y), class c", the caption's point); the decision map, focused
 *      by role and name, takes ArrowRight / ArrowLeft / End to the next, previous and last point,
 *      the spinbutton following; screenshot out/e2e/sample-keyboard.png.
 *
 *   npm run build:playground && npm run test:e2e        (CHROMIUM=/path overrides the browser)
 *
 * Not part of the vitest unit suite (its name does not end in .test.ts); every wait is bounded.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { activations } from "../../src/index.js";

const run = promisify(execFile);
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

type Weights = ReturnType<Window["__playground"]["weights"]>;
const weightsOf = (page: Page): Promise<Weights> => page.evaluate(() => window.__playground.weights());
const neuronMapOf = (page: Page) => page.evaluate(() => window.__playground.neuronMap());
/** A number as the page prints it (a true minus sign). */
const parseShown = (s: string) => Number(s.replace("\u2212", "-"));
/** Close enough to what the page prints: 4 decimals, or 3 significant digits in exponent form. */
const shownClose = (shown: string, actual: number) => Math.abs(parseShown(shown) - actual) <= 5e-5 + 6e-3 * Math.abs(actual);
const POSITIVE = "rgb(8,119,189)";
const NEGATIVE = "rgb(245,147,34)";
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

interface EdgeStyle {
  id: string;
  stroke: string;
  width: number;
}

const edgeStyles = (page: Page): Promise<EdgeStyle[]> =>
  page.$$eval('[data-testid="network"] .edge', (gs) =>
    gs.map((g) => {
      const wire = g.querySelector(".wire")!;
      return {
        id: (g as SVGGElement).dataset.edge ?? "",
        stroke: wire.getAttribute("stroke") ?? "",
        width: Number(wire.getAttribute("stroke-width")),
      };
    }),
  );

/** Each drawn edge has its weight's sign as colour, and is at least as thick as every edge of smaller |w|. */
function checkEdges(styles: EdgeStyle[], w: Weights): void {
  const drawn = styles.map((e) => {
    const [c, i, j] = e.id.split(":").map(Number);
    assert.equal(w[c].pieces, 1, "these layers have one Linear output per neuron");
    return { ...e, w: w[c].weight[j][i] };
  });
  for (const e of drawn)
    assert.equal(e.stroke, e.w >= 0 ? POSITIVE : NEGATIVE, `edge ${e.id} (w = ${e.w}) has its sign's colour`);
  drawn.sort((a, b) => Math.abs(a.w) - Math.abs(b.w));
  for (let k = 1; k < drawn.length; k++)
    assert.ok(drawn[k].width >= drawn[k - 1].width - 0.011, `thicker for larger |w|: ${drawn[k - 1].id} vs ${drawn[k].id}`);
  assert.ok(drawn[drawn.length - 1].width > drawn[0].width + 1, "the strongest edge is visibly thicker than the weakest");
}

/** The map's grid point (r, c): the centre of its cell, as the page builds the grid. */
function gridPoint(map: { size: number; domain: readonly number[] }, r: number, c: number): [number, number] {
  const [x0, x1, y0, y1] = map.domain;
  return [x0 + ((c + 0.5) / map.size) * (x1 - x0), y1 - ((r + 0.5) / map.size) * (y1 - y0)];
}

/** Steps 12–15: the network drawing, hovering its neurons and edges, and the URL state of the new settings. */
async function networkSteps(page: Page, csvRows: string[]): Promise<void> {
  const shots = dirname(screenshotPath);
  const img = (name: string) => page.getByRole("img", { name, exact: true });

  // 12 — the drawing: every neuron and weight, the edges follow the weights, the layer labels follow the selects
  await page.getByTestId("dataset").selectOption("circle");
  await page.getByTestId("activation").selectOption("tanh");
  const net = page.getByRole("group", { name: "Network drawing" });
  await net.waitFor({ state: "visible" });
  assert.equal(await net.getByRole("img", { name: /^Input [xy]$/ }).count(), 2, "two input neurons");
  assert.equal(await net.getByRole("img", { name: /^Layer 1 neuron \d+$/ }).count(), 8);
  assert.equal(await net.getByRole("img", { name: /^Layer 2 neuron \d+$/ }).count(), 8);
  assert.equal(await net.getByRole("img", { name: /^Output neuron \d \(class \d\)$/ }).count(), 2);
  const edgeCount = await net.getByRole("img", { name: /^Weight from / }).count();
  assert.equal(edgeCount, 2 * 8 + 8 * 8 + 8 * 2, "an edge per weight");
  assert.equal(await page.getByTestId("layer-label-1").textContent(), "tanh");
  checkEdges(await edgeStyles(page), await weightsOf(page));
  const layer2 = page.getByRole("combobox", { name: "Layer 2 activation" });
  await layer2.selectOption("relu");
  await page.waitForFunction(() => document.querySelector('[data-testid="layer-label-2"]')?.textContent === "relu");
  assert.equal(await page.getByTestId("layer-label-1").textContent(), "tanh", "layer 1 keeps its label");
  const swish = await layer2.locator("option", { hasText: "x * sigmoid(x)" }).getAttribute("value");
  assert.ok(swish?.startsWith("formula"), `step 10's formula is offered per layer (${swish})`);
  await layer2.selectOption(swish!);
  await page.waitForFunction(() => document.querySelector('[data-testid="layer-label-2"]')?.textContent === "x * sigmoid(x)");
  const startStyles = await edgeStyles(page);
  checkEdges(startStyles, await weightsOf(page));
  await play(page, true);
  await page.waitForFunction(() => window.__playground.stats().steps >= 200, null, { timeout: 20_000 });
  await play(page, false);
  const trainedStyles = await edgeStyles(page);
  checkEdges(trainedStyles, await weightsOf(page));
  const moved = trainedStyles.filter((e, k) => e.width !== startStyles[k].width || e.stroke !== startStyles[k].stroke).length;
  assert.ok(moved > edgeCount / 2, `the edges are redrawn as training runs (${moved} of ${edgeCount} changed)`);
  await page.locator(".net-panel").screenshot({ path: resolve(shots, "network.png") });
  log(
    `network drawing: ${edgeCount} edges, labels tanh / x * sigmoid(x); ${moved} edges restyled after ${(await stats(page)).steps} steps`,
  );

  // 13 — hover a neuron: its output map, equal to a forward pass written out from the weights
  const neuronTip = page.getByTestId("neuron-map");
  await img("Layer 1 neuron 3").hover();
  await neuronTip.waitFor({ state: "visible", timeout: 5_000 });
  assert.equal(await neuronTip.getAttribute("role"), "tooltip");
  assert.match((await neuronTip.textContent()) ?? "", /^Layer 1 neuron 3: its output over the input plane \(after tanh\)/);
  const map1 = (await neuronMapOf(page))!;
  assert.equal(map1.name, "Layer 1 neuron 3");
  assert.equal(map1.values.length, map1.size * map1.size);
  const pixels = await page.getByTestId("neuron-map-canvas").evaluate((c: HTMLCanvasElement) => ({
    w: c.width,
    h: c.height,
    data: Array.from(c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data),
  }));
  assert.equal(pixels.w, map1.size, "one canvas pixel per grid point");
  assert.equal(pixels.h, map1.size);
  const colours = new Set<number>();
  for (let i = 0; i < pixels.data.length; i += 4)
    colours.add((pixels.data[i] << 16) | (pixels.data[i + 1] << 8) | pixels.data[i + 2]);
  assert.ok(colours.size >= 50, `the map is not constant (${colours.size} colours)`);
  const shown = (await page.getByTestId("neuron-map-canvas").boundingBox())!;
  assert.ok(Math.abs(shown.width - shown.height) < 1 && shown.width >= 120, `a square map, ${shown.width}×${shown.height}`);
  const decision = await page.evaluate(() => window.__playground.settings());
  assert.ok(decision.layers.length === 2);
  let w = await weightsOf(page);
  const hidden1 = (p: [number, number], k: number) =>
    Math.tanh(w[0].weight[k][0] * p[0] + w[0].weight[k][1] * p[1] + w[0].bias![k]);
  const hidden2 = (p: [number, number], k: number) => {
    let z = w[1].bias![k];
    for (let i = 0; i < 8; i++) z += w[1].weight[k][i] * hidden1(p, i);
    return z * sigmoid(z); // layer 2 is the formula x * sigmoid(x)
  };
  const probes: [number, number][] = [
    [0, 0],
    [5, 33],
    [20, 20],
    [39, 12],
    [31, 39],
  ];
  let worstMap = 0;
  for (const [r, c] of probes)
    worstMap = Math.max(worstMap, Math.abs(map1.values[r * map1.size + c] - hidden1(gridPoint(map1, r, c), 2)));
  // the most extreme value is drawn in its sign's full colour
  let arg = 0;
  map1.values.forEach((v, i) => {
    if (Math.abs(v) > Math.abs(map1.values[arg])) arg = i;
  });
  const rgb = `rgb(${pixels.data.slice(4 * arg, 4 * arg + 3).join(",")})`;
  assert.equal(rgb, map1.values[arg] >= 0 ? POSITIVE : NEGATIVE, "the largest |value| is drawn in its sign's colour");
  await page.locator(".net-panel").screenshot({ path: resolve(shots, "neuron-map.png") });
  await page.mouse.move(0, 0);
  await neuronTip.waitFor({ state: "hidden" });
  await img("Layer 2 neuron 1").hover();
  await page.waitForFunction(() => window.__playground.neuronMap()?.name === "Layer 2 neuron 1");
  const map2 = (await neuronMapOf(page))!;
  for (const [r, c] of probes)
    worstMap = Math.max(worstMap, Math.abs(map2.values[r * map2.size + c] - hidden2(gridPoint(map2, r, c), 0)));
  assert.ok(worstMap < 1e-9, `the maps are the forward pass (largest difference ${worstMap})`);
  await page.mouse.move(0, 0);
  for (let k = 0; k < 5; k++) await page.getByTestId("step").click();
  await img("Layer 2 neuron 1").hover();
  await page.waitForFunction(() => window.__playground.neuronMap()?.name === "Layer 2 neuron 1");
  const map2b = (await neuronMapOf(page))!;
  w = await weightsOf(page);
  const change = Math.max(...map2b.values.map((v, i) => Math.abs(v - map2.values[i])));
  assert.ok(change > 1e-6, `the map follows training (largest change ${change})`);
  for (const [r, c] of probes)
    assert.ok(Math.abs(map2b.values[r * map2b.size + c] - hidden2(gridPoint(map2b, r, c), 0)) < 1e-9, "still the forward pass");
  // the keyboard: focus shows the map, Tab moves to the next neuron, Escape hides it
  await page.mouse.move(0, 0);
  await neuronTip.waitFor({ state: "hidden" });
  await img("Layer 2 neuron 1").focus();
  await page.waitForFunction(() => window.__playground.neuronMap()?.name === "Layer 2 neuron 1");
  await page.keyboard.press("Tab");
  await page.waitForFunction(() => window.__playground.neuronMap()?.name === "Layer 2 neuron 2");
  assert.match((await neuronTip.textContent()) ?? "", /^Layer 2 neuron 2: .*after x \* sigmoid\(x\)/);
  await page.locator(".net-panel").screenshot({ path: resolve(shots, "neuron-keyboard.png") });
  await page.keyboard.press("Escape");
  await neuronTip.waitFor({ state: "hidden" });
  // every neuron comes before the edges in the Tab order: after the last output, the first weight
  await img("Output neuron 2 (class 1)").focus();
  await page.waitForFunction(() => window.__playground.neuronMap()?.name === "Output neuron 2 (class 1)");
  await page.keyboard.press("Tab");
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="edge-info"]')?.textContent?.startsWith("Input → layer 1, x → neuron 1:"),
  );
  assert.ok(await neuronTip.isHidden(), "one tooltip at a time");
  await page.keyboard.press("Escape");
  log(
    `neuron maps: ${map1.size}×${map1.size}, ${colours.size} colours, layer 1 in [${map1.min.toFixed(3)}, ${map1.max.toFixed(3)}]; ` +
      `equal to the written-out forward pass within ${worstMap.toExponential(1)}; changed by up to ${change.toExponential(2)} after 5 steps`,
  );

  // 14 — hover an edge: its weight, and its gradient from the last backward pass
  const edgeTip = page.getByTestId("edge-info");
  await page.getByRole("button", { name: "Reset: re-initialise the network with the seed" }).click();
  assert.equal((await stats(page)).steps, 0);
  // the last edges drawn into layer 2 neuron 8 lie on top; not 8 → 8, which is level (an empty box to Playwright)
  const lastEdge = img("Weight from layer 1 neuron 7 to layer 2 neuron 8");
  await lastEdge.hover();
  await edgeTip.waitFor({ state: "visible", timeout: 5_000 });
  assert.equal(await edgeTip.getAttribute("role"), "tooltip");
  const before = (await edgeTip.textContent()) ?? "";
  assert.match(before, /^Layer 1 → 2, neuron 7 → 8: weight −?\d\.\d{4}, no gradient yet/, before);
  await page.getByRole("button", { name: "Step: train one mini-batch" }).click();
  await lastEdge.hover();
  await page.waitForFunction(() => !document.querySelector('[data-testid="edge-info"]')?.textContent?.includes("no gradient"));
  w = await weightsOf(page);
  const checkEdgeText = async (name: string, head: string, c: number, i: number, j: number) => {
    const t = (await edgeTip.textContent()) ?? "";
    const m = /^(.*): weight (\S+), gradient (\S+)$/.exec(t);
    assert.ok(m, `an edge's text: ${t}`);
    assert.equal(m[1], head, `${name}: the ends in the text`);
    const grad = w[c].grad;
    assert.ok(grad, "a gradient after a Step");
    assert.ok(shownClose(m[2], w[c].weight[j][i]), `${name}: weight ${m[2]} is the model's ${w[c].weight[j][i]}`);
    assert.ok(shownClose(m[3], grad[j][i]), `${name}: gradient ${m[3]} is the last backward pass's ${grad[j][i]}`);
    return t;
  };
  const hovered = await checkEdgeText("hovered edge", "Layer 1 → 2, neuron 7 → 8", 1, 6, 7);
  await page.locator(".net-panel").screenshot({ path: resolve(shots, "edge.png") });
  await page.mouse.move(0, 0);
  await edgeTip.waitFor({ state: "hidden" });
  const focused: string[] = [];
  for (const [name, head, c, i, j] of [
    ["Weight from layer 1 neuron 2 to layer 2 neuron 4", "Layer 1 → 2, neuron 2 → 4", 1, 1, 3],
    ["Weight from input y to layer 1 neuron 5", "Input → layer 1, y → neuron 5", 0, 1, 4],
    ["Weight from layer 2 neuron 3 to output neuron 2 (class 1)", "Layer 2 → output, neuron 3 → class 1", 2, 2, 1],
  ] as const) {
    await img(name).focus();
    await page.waitForFunction((h) => document.querySelector('[data-testid="edge-info"]')?.textContent?.startsWith(h), head);
    focused.push(await checkEdgeText(name, head, c, i, j));
  }
  await page.keyboard.press("Escape");
  await edgeTip.waitFor({ state: "hidden" });
  log(`edge hover: before a step "${before}"; after one: "${hovered}"; by keyboard: ${focused.map((t) => `"${t}"`).join(", ")}`);

  // 15 — URL state: formula activations (the page's and a layer's), a layer's relu and the CSV's columns survive a reload
  if (!(await page.locator("#csv-box").evaluate((d: HTMLDetailsElement) => d.open)))
    await page.locator("#csv-box summary").click();
  // this time pasted: the columns come from the header as it is typed, the button trains on it
  const csvText = csvRows.join("\n") + "\n";
  await page.getByRole("textbox", { name: "Paste CSV" }).fill(csvText);
  assert.equal(await page.getByLabel("Label column").inputValue(), "kind", "the columns are read from the pasted header");
  await page.getByRole("button", { name: "Train on this CSV" }).click();
  await page.waitForFunction(() =>
    document.querySelector("#boundary-caption")?.textContent?.startsWith("CSV: x = id, y = feat_a, label kind"),
  );
  await page.getByLabel("First feature column (x)").selectOption("feat_b");
  await page.waitForFunction(() =>
    document.querySelector("#boundary-caption")?.textContent?.includes("x = feat_b, y = feat_a, label kind"),
  );
  await page.getByRole("textbox", { name: "Activation formula" }).fill("max(0.1*x, x)");
  await page.getByRole("button", { name: "Use formula as the activation" }).click();
  await page.waitForFunction(
    (f1) => /^formula\d+$/.test(window.__playground.settings().activation) && window.__playground.settings().activation !== f1,
    swish,
  );
  const leaky = await page.getByTestId("activation").inputValue();
  await page.getByRole("button", { name: "Add a hidden layer" }).click();
  await page.getByRole("combobox", { name: "Layer 1 activation" }).selectOption("relu");
  await page.getByRole("combobox", { name: "Layer 2 activation" }).selectOption(swish!);
  await page.waitForFunction(() => document.querySelector('[data-testid="layer-label-2"]')?.textContent === "x * sigmoid(x)");
  const link = new URLSearchParams(new URL(page.url()).hash.slice(1));
  assert.equal(link.get("activation"), leaky);
  assert.deepEqual(link.getAll("formula").sort(), [`${leaky}:max(0.1*x, x)`, `${swish}:x * sigmoid(x)`].sort());
  assert.equal(link.get("layerActivations"), `relu,${swish}`);
  assert.equal(link.get("csv"), "feat_b,feat_a,kind");
  const saved = await page.evaluate(() => window.__playground.settings());
  const url = page.url();
  await page.reload({ waitUntil: "load" });
  await ready(page);
  assert.deepEqual(await page.evaluate(() => window.__playground.settings()), saved, "every setting back from the URL");
  assert.equal(page.url(), url, "the same link");
  assert.equal(await page.getByRole("textbox", { name: "Activation formula" }).inputValue(), "max(0.1*x, x)");
  assert.equal(await page.getByTestId("activation").inputValue(), leaky);
  assert.equal(await page.getByRole("combobox", { name: "Layer 1 activation" }).inputValue(), "relu");
  assert.equal(await page.getByRole("combobox", { name: "Layer 2 activation" }).inputValue(), swish);
  assert.equal(await page.getByTestId("layer-label-1").textContent(), "relu");
  assert.equal(await page.getByTestId("layer-label-2").textContent(), "x * sigmoid(x)");
  assert.equal(await page.getByTestId("layer-label-3").textContent(), "max(0.1*x, x)", "layer 3 has the page's activation");
  assert.match((await page.locator("#act-f").textContent()) ?? "", /max\(0\.1\*x, x\)/, "the formula is the activation shown");
  // the CSV's data is not in the link: the page says so, and keeps the columns for the next upload
  assert.match((await page.getByTestId("csv-note").textContent()) ?? "", /not the CSV's data/);
  const restored = page.getByTestId("csv-restored");
  await restored.waitFor({ state: "visible" });
  assert.match((await restored.textContent()) ?? "", /x = feat_b, y = feat_a, label kind/);
  assert.ok(!(await page.locator("#boundary-caption").textContent())?.startsWith("CSV:"), "no CSV data after a reload");
  await page.screenshot({ path: resolve(shots, "url-state.png"), fullPage: true });
  // this time dropped on the page, as a file from the desktop would be
  await page.getByRole("textbox", { name: "Paste CSV" }).fill("");
  const files = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], "rings.csv", { type: "text/csv" }));
    return dt;
  }, csvText);
  await page.locator("body").dispatchEvent("dragover", { dataTransfer: files });
  await page.locator("body").dispatchEvent("drop", { dataTransfer: files });
  await page.waitForFunction(() =>
    document.querySelector("#boundary-caption")?.textContent?.includes("x = feat_b, y = feat_a, label kind"),
  );
  assert.equal(await page.getByLabel("First feature column (x)").inputValue(), "feat_b", "the link's columns are chosen");
  assert.ok(await restored.isHidden(), "the note about the missing data goes once the CSV is back");
  log(`URL state: ${url.slice(url.indexOf("#"))} restored after a reload; the CSV dropped on the page trains on feat_b, feat_a`);

  // the TypeScript snippet rebuilds this network — both formulas made again from their ops — in Node
  for (let k = 0; k < 20; k++) await page.getByTestId("step").click();
  const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download JSON" }).click()]);
  await page.getByRole("button", { name: "Copy TypeScript" }).click();
  const snippet = (await page.getByTestId("ts-snippet").textContent()) ?? "";
  assert.match(snippet, /defineActivation\(\{/, "the snippet defines the formula activations");
  const dir = await mkdtemp(join(tmpdir(), "actigrad-snippet-"));
  try {
    await writeFile(join(dir, "model.json"), await readFile(await dl.path()));
    const runnable = snippet.replace(/from "actigrad";/, `from ${JSON.stringify(join(repo, "src/index.ts"))};`);
    await writeFile(join(dir, "load-model.ts"), `${runnable}console.log(JSON.stringify(Array.from(logits.data)));\n`);
    const { stdout } = await run(join(repo, "node_modules/.bin/tsx"), [join(dir, "load-model.ts")], {
      cwd: dir,
      timeout: 60_000,
    });
    const node = JSON.parse(stdout.trim().split("\n").pop()!) as number[];
    const inPage = (await page.evaluate(() => window.__playground.predict([[0.5, -0.25]])))[0];
    const diff = Math.max(...node.map((v, i) => Math.abs(v - inPage[i])));
    assert.ok(diff < 1e-12, `the snippet's logits in Node ${node} are the page's ${inPage}`);
    log(
      `TypeScript snippet run in Node (relu, x * sigmoid(x), max(0.1*x, x) layers): logits ${node.map((v) => v.toFixed(6)).join(", ")}, the page's within ${diff.toExponential(1)}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Step 16: every focusable element has a name in Chromium's accessibility tree; each control's name says what it does. */
async function accessibleNames(page: Page, context: BrowserContext): Promise<void> {
  await page.evaluate(() => {
    document.querySelectorAll("details").forEach((d) => {
      d.open = true;
    });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Accessibility.enable");
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  const focusable = nodes.filter(
    (n) => !n.ignored && n.properties?.some((p) => p.name === "focusable" && p.value.value === true),
  );
  const named = focusable.map((n) => ({ role: String(n.role?.value ?? ""), name: String(n.name?.value ?? "").trim() }));
  const unnamed = named.filter((n) => n.name === "");
  assert.deepEqual(unnamed, [], "every focusable element has an accessible name");
  await writeFile(
    resolve(dirname(screenshotPath), "accessible-names.txt"),
    named.map((n) => `${n.role}\t${n.name}`).join("\n") + "\n",
  );
  const expected: [Parameters<Page["getByRole"]>[0], string][] = [
    ["button", "Reset: re-initialise the network with the seed"],
    ["button", "Play: train continuously"],
    ["button", "Step: train one mini-batch"],
    ["combobox", "Data set"],
    ["slider", "Noise level"],
    ["slider", "Training share of the points"],
    ["spinbutton", "Random seed"],
    ["button", "Upload CSV"],
    ["textbox", "Paste CSV"],
    ["combobox", "First feature column (x)"],
    ["combobox", "Second feature column (y)"],
    ["combobox", "Label column"],
    ["button", "Train on this CSV"],
    ["button", "Remove the last hidden layer"],
    ["button", "Add a hidden layer"],
    ["spinbutton", "Layer 1 units"],
    ["combobox", "Layer 1 activation"],
    ["spinbutton", "Layer 2 units"],
    ["combobox", "Layer 2 activation"],
    ["combobox", "Activation of every hidden layer"],
    ["textbox", "Activation formula"],
    ["button", "Use formula as the activation"],
    ["button", "Download JSON"],
    ["button", "Download safetensors"],
    ["button", "Download ONNX"],
    ["button", "Copy TypeScript"],
    ["combobox", "Optimizer"],
    ["combobox", "Learning rate"],
    ["slider", "Batch size"],
    ["combobox", "Training speed (steps per frame)"],
    ["spinbutton", "Sample to trace"],
    ["button", "Fit the graph to the panel's width"],
    ["group", "Network drawing"],
    ["img", "Input x"],
    ["img", "Layer 1 neuron 1"],
    ["img", "Output neuron 1 (class inner)"],
    ["img", "Weight from input x to layer 1 neuron 1"],
    ["img", "Weight from layer 1 neuron 2 to layer 2 neuron 4"],
  ];
  const missing: string[] = [];
  for (const [role, name] of expected) {
    const n = await page.getByRole(role, { name, exact: true }).count();
    if (n !== 1) missing.push(`${role} "${name}" (${n} found)`);
  }
  assert.deepEqual(missing, [], "each control is found by role and its name");
  log(
    `accessible names: ${focusable.length} focusable elements, all named (out/e2e/accessible-names.txt); ${expected.length} controls found by role and name`,
  );
}

/** Step 17: the traced sample chosen by keyboard: the "Sample to trace" spinbutton, and the arrow keys on the focused map. */
async function sampleSteps(page: Page): Promise<void> {
  await page.getByTestId("dataset").selectOption("moons");
  await page.waitForFunction(() => document.querySelector("#boundary-caption")?.textContent?.startsWith("moons · "));
  await page.getByRole("button", { name: "Step: train one mini-batch" }).click();
  const picker = page.getByRole("spinbutton", { name: "Sample to trace", exact: true });
  const map = page.getByRole("img", { name: /^Decision map: / });
  const status = page.getByTestId("sample-status");
  assert.equal(await status.getAttribute("role"), "status", "the choice is announced in a live region");
  assert.equal(await picker.inputValue(), String((await page.evaluate(() => window.__playground.settings())).sample));
  const last = Number(await picker.getAttribute("max"));
  assert.ok(last > 20, `the input's max is the last training point (${last})`);
  const mapPixels = () => map.evaluate((c: HTMLCanvasElement) => c.toDataURL());
  /** Waits for sample `i` to be traced; checks the caption, the URL, the input and the live region; returns the caption. */
  const traced = async (i: number, suffix = "") => {
    await page.waitForFunction((n) => document.querySelector("#trace-caption")?.textContent?.startsWith(`sample #${n} at (`), i, {
      timeout: 5_000,
    });
    await page.waitForSelector('#graph[data-state="done"] svg', { timeout: 20_000 });
    const caption = (await page.locator("#trace-caption").textContent()) ?? "";
    const m = /^sample #(\d+) at \((-?\d+\.\d\d), (-?\d+\.\d\d)\), class (\d+), loss /.exec(caption);
    assert.ok(m, `the trace's caption names the sample: ${caption}`);
    const point = `(${m[2].replace("-", "\u2212")}, ${m[3].replace("-", "\u2212")}), class ${m[4]}`;
    assert.equal(await status.textContent(), `Sample ${i}: ${point}${suffix}`, "the live region says the traced point");
    assert.equal(await picker.inputValue(), String(i), "the input shows the traced sample");
    const beside = (await page.getByTestId("sample-point").textContent()) ?? "";
    assert.ok(beside.startsWith(`${point} · `), `the point beside the input: ${beside}`);
    assert.equal((await page.evaluate(() => window.__playground.settings())).sample, i);
    assert.equal(new URLSearchParams(new URL(page.url()).hash.slice(1)).get("sample"), String(i), "the URL keeps the sample");
    return caption;
  };
  // the spinbutton: type a sample and press Enter; the table, the graph and the ring on the map follow
  const before = await mapPixels();
  await picker.fill("12");
  await picker.press("Enter");
  const typed = await traced(12);
  assert.notEqual(await mapPixels(), before, "the ring moves to the chosen point");
  // the map by keyboard: focused by its role and name, ArrowRight traces the next training point
  await map.focus();
  assert.ok(await map.evaluate((c) => c === document.activeElement), "the map takes focus");
  const at12 = await mapPixels();
  await page.keyboard.press("ArrowRight");
  const right = await traced(13);
  assert.notEqual(await mapPixels(), at12, "the ring moves with the arrow key");
  assert.ok(await map.evaluate((c) => c === document.activeElement), "the map keeps focus");
  await page.locator(".boundary-panel").screenshot({ path: resolve(dirname(screenshotPath), "sample-keyboard.png") });
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await traced(11);
  await page.keyboard.press("End");
  await traced(last);
  await page.keyboard.press("ArrowRight");
  await traced(last, ", the last training point");
  // the spinbutton's own arrow key steps it, and traces as a change does
  await picker.focus();
  await page.keyboard.press("ArrowDown");
  await traced(last - 1);
  log(
    `sample by keyboard: typed 12 → "${typed}"; ArrowRight on the map → "${right}"; live region "${await status.textContent()}"`,
  );
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

    await networkSteps(page, rows);
    await accessibleNames(page, context);
    await sampleSteps(page);

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
