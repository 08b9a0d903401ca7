/** Canvas drawings: the decision surface with the points, loss curves, gradient bars, f and f′. */

export const CLASS_COLORS: [number, number, number][] = [
  [245, 147, 34], // orange
  [8, 119, 189], // blue
  [44, 162, 95], // green
];
const css = ([r, g, b]: [number, number, number], a = 1) => `rgba(${r},${g},${b},${a})`;

export interface Surface {
  ctx: CanvasRenderingContext2D;
  w: number;
  h: number;
}

/** Sizes the canvas's backing store for the device pixel ratio; drawing stays in CSS pixels. */
export function surface(canvas: HTMLCanvasElement): Surface {
  const w = Number(canvas.dataset.w ?? canvas.width),
    h = Number(canvas.dataset.h ?? canvas.height);
  canvas.dataset.w = String(w);
  canvas.dataset.h = String(h);
  const dpr = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
  if (canvas.width !== Math.round(w * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}

// ——— decision boundary ———

let scratch: HTMLCanvasElement | null = null;

export interface Points {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/**
 * The heatmap of class probabilities (`probs`: grid×grid rows of `classes` values, from the
 * top-left), each cell the probability-weighted mix of the class colours, paler where the
 * network is unsure; then the test points (dark rim), the training points (white rim) and the
 * traced sample (ring).
 */
export function drawBoundary(
  s: Surface,
  probs: ArrayLike<number>,
  grid: number,
  classes: number,
  domain: readonly [number, number, number, number],
  train: Points,
  test: Points,
  chosen: number,
): void {
  const { ctx, w, h } = s;
  scratch ??= document.createElement("canvas");
  if (scratch.width !== grid) scratch.width = scratch.height = grid;
  const sctx = scratch.getContext("2d")!;
  const img = sctx.createImageData(grid, grid);
  const px = img.data;
  for (let i = 0; i < grid * grid; i++) {
    let r = 0,
      g = 0,
      b = 0,
      top = 0;
    for (let c = 0; c < classes; c++) {
      const p = probs[i * classes + c];
      const col = CLASS_COLORS[c];
      r += p * col[0];
      g += p * col[1];
      b += p * col[2];
      if (p > top) top = p;
    }
    const sure = Math.max(0, (top - 1 / classes) / (1 - 1 / classes));
    const a = 0.12 + 0.6 * sure;
    px[4 * i] = 255 + (r - 255) * a;
    px[4 * i + 1] = 255 + (g - 255) * a;
    px[4 * i + 2] = 255 + (b - 255) * a;
    px[4 * i + 3] = 255;
  }
  sctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(scratch, 0, 0, w, h);

  const [x0, x1, y0, y1] = domain;
  const X = (v: number) => ((v - x0) / (x1 - x0)) * w;
  const Y = (v: number) => ((y1 - v) / (y1 - y0)) * h;
  const dots = (p: Points, rim: string) => {
    for (let i = 0; i < p.y.length; i++) {
      ctx.beginPath();
      ctx.arc(X(p.x[2 * i]), Y(p.x[2 * i + 1]), 3.6, 0, 2 * Math.PI);
      ctx.fillStyle = css(CLASS_COLORS[p.y[i]]);
      ctx.fill();
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = rim;
      ctx.stroke();
    }
  };
  dots(test, "rgba(0,0,0,0.85)");
  dots(train, "#ffffff");
  if (chosen >= 0 && chosen < train.y.length) {
    ctx.beginPath();
    ctx.arc(X(train.x[2 * chosen]), Y(train.x[2 * chosen + 1]), 8, 0, 2 * Math.PI);
    ctx.lineWidth = 2;
    ctx.strokeStyle = "#111";
    ctx.stroke();
  }
  // the axes through 0, faintly
  ctx.strokeStyle = "rgba(0,0,0,0.12)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  if (x0 < 0 && x1 > 0) {
    ctx.moveTo(X(0), 0);
    ctx.lineTo(X(0), h);
  }
  if (y0 < 0 && y1 > 0) {
    ctx.moveTo(0, Y(0));
    ctx.lineTo(w, Y(0));
  }
  ctx.stroke();
}

/** The training point nearest to a click at canvas position (cx, cy), in CSS pixels. */
export function nearestPoint(
  cx: number,
  cy: number,
  w: number,
  h: number,
  domain: readonly [number, number, number, number],
  p: Points,
): number {
  const [x0, x1, y0, y1] = domain;
  const vx = x0 + (cx / w) * (x1 - x0),
    vy = y1 - (cy / h) * (y1 - y0);
  let best = -1,
    bestD = Infinity;
  for (let i = 0; i < p.y.length; i++) {
    const d = (p.x[2 * i] - vx) ** 2 + (p.x[2 * i + 1] - vy) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

// ——— loss curves ———

export interface LossPoint {
  step: number;
  train: number;
  test: number;
}

const fmtNum = (v: number) =>
  Math.abs(v) >= 100 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(+v.toPrecision(3));

export function drawLoss(s: Surface, history: readonly LossPoint[]): void {
  const { ctx, w, h } = s;
  ctx.clearRect(0, 0, w, h);
  const L = 38,
    R = 10,
    T = 10,
    B = 22;
  const pw = w - L - R,
    ph = h - T - B;
  let top = 0;
  for (const p of history) top = Math.max(top, Number.isFinite(p.train) ? p.train : 0, Number.isFinite(p.test) ? p.test : 0);
  top = top > 0 ? top * 1.05 : 1;
  const last = history.length ? history[history.length - 1].step : 0;
  const first = history.length ? history[0].step : 0;
  const span = Math.max(1, last - first);
  const X = (st: number) => L + ((st - first) / span) * pw;
  const Y = (v: number) => T + ph - (Math.min(v, top) / top) * ph;
  ctx.strokeStyle = "#ccc";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(L, T);
  ctx.lineTo(L, T + ph);
  ctx.lineTo(L + pw, T + ph);
  ctx.stroke();
  ctx.fillStyle = "#666";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const v of [0, top / 2, top]) ctx.fillText(fmtNum(v), L - 4, Y(v));
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText(String(first), L, T + ph + 5);
  ctx.fillText(`${last} steps`, L + pw - 20, T + ph + 5);
  const line = (key: "train" | "test", color: string, dash: number[]) => {
    ctx.strokeStyle = color;
    ctx.setLineDash(dash);
    ctx.lineWidth = 1.8;
    ctx.beginPath();
    let started = false;
    for (const p of history) {
      const v = p[key];
      if (!Number.isFinite(v)) continue;
      if (started) ctx.lineTo(X(p.step), Y(v));
      else {
        ctx.moveTo(X(p.step), Y(v));
        started = true;
      }
    }
    ctx.stroke();
    ctx.setLineDash([]);
  };
  line("test", "#d0521b", [5, 3]);
  line("train", "#222", []);
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.fillStyle = "#222";
  ctx.fillText("— train", L + pw - 110, T + 8);
  ctx.fillStyle = "#d0521b";
  ctx.fillText("- - test", L + pw - 55, T + 8);
}

// ——— gradient norm per layer ———

/** Horizontal bars on a log scale: ‖∂L/∂(W, b)‖ per layer, input side at the top. */
export function drawGradBars(s: Surface, labels: readonly string[], norms: ArrayLike<number>): void {
  const { ctx, w, h } = s;
  ctx.clearRect(0, 0, w, h);
  const vals = Array.from(norms);
  const positive = vals.filter((v) => v > 0 && Number.isFinite(v));
  const hi = positive.length ? Math.ceil(Math.log10(Math.max(...positive)) + 0.01) : 0;
  const lo = Math.max(hi - 8, positive.length ? Math.floor(Math.log10(Math.min(...positive))) : hi - 4);
  const L = 70,
    R = 70,
    T = 6,
    B = 20;
  const pw = w - L - R;
  const rowH = Math.min(26, (h - T - B) / Math.max(1, vals.length));
  const X = (v: number) => L + (v > 0 ? Math.max(0, Math.min(1, (Math.log10(v) - lo) / (hi - lo || 1))) : 0) * pw;
  ctx.font = "11px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  // decade grid
  ctx.strokeStyle = "#eee";
  ctx.fillStyle = "#888";
  ctx.textAlign = "center";
  const step = Math.max(1, Math.ceil((hi - lo) / 6));
  for (let d = lo; d <= hi; d += step) {
    const x = L + ((d - lo) / (hi - lo || 1)) * pw;
    ctx.beginPath();
    ctx.moveTo(x, T);
    ctx.lineTo(x, T + rowH * vals.length);
    ctx.stroke();
    ctx.fillText(`1e${d}`, x, T + rowH * vals.length + 10);
  }
  vals.forEach((v, i) => {
    const y = T + i * rowH;
    ctx.fillStyle = "#4a6fa5";
    ctx.fillRect(L, y + 3, X(v) - L, rowH - 6);
    ctx.fillStyle = "#333";
    ctx.textAlign = "right";
    ctx.fillText(labels[i], L - 6, y + rowH / 2);
    ctx.textAlign = "left";
    ctx.fillText(Number.isFinite(v) ? v.toExponential(2) : "—", L + pw + 6, y + rowH / 2);
  });
}

// ——— an activation's f and f′ ———

export function drawActivation(
  s: Surface,
  xs: ArrayLike<number>,
  f: ArrayLike<number>,
  df: ArrayLike<number>,
  d2f?: ArrayLike<number>,
): void {
  const { ctx, w, h } = s;
  ctx.clearRect(0, 0, w, h);
  const P = 18;
  const x0 = xs[0],
    x1 = xs[xs.length - 1];
  let lo = Infinity,
    hi = -Infinity;
  for (const arr of [f, df])
    for (let i = 0; i < arr.length; i++) {
      lo = Math.min(lo, arr[i]);
      hi = Math.max(hi, arr[i]);
    }
  lo = Math.min(lo, 0);
  hi = Math.max(hi, 1);
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  const X = (v: number) => P + ((v - x0) / (x1 - x0)) * (w - 2 * P);
  const Y = (v: number) => P / 2 + ((hi - v) / (hi - lo)) * (h - P);
  ctx.strokeStyle = "#bbb";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(X(x0), Y(0));
  ctx.lineTo(X(x1), Y(0));
  ctx.moveTo(X(0), Y(lo));
  ctx.lineTo(X(0), Y(hi));
  ctx.stroke();
  ctx.fillStyle = "#888";
  ctx.font = "10px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of [x0, x0 / 2, x1 / 2, x1]) ctx.fillText(String(t), X(t), Y(0) + 3);
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  ctx.fillText("1", X(0) - 3, Y(1));
  ctx.strokeStyle = "#bbb";
  ctx.setLineDash([2, 3]);
  ctx.beginPath();
  ctx.moveTo(X(x0), Y(1));
  ctx.lineTo(X(x1), Y(1));
  ctx.stroke();
  const curve = (ys: ArrayLike<number>, color: string, dash: number[]) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.setLineDash(dash);
    ctx.beginPath();
    for (let i = 0; i < xs.length; i++) (i ? ctx.lineTo : ctx.moveTo).call(ctx, X(xs[i]), Y(ys[i]));
    ctx.stroke();
  };
  if (d2f) curve(d2f, "#2ca25f", [1, 3]);
  curve(df, "#d0521b", [5, 3]);
  curve(f, "#0877bd", []);
  ctx.setLineDash([]);
}
