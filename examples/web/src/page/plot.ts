/**
 * Drawing the decision plot: the network output over a grid of the plane
 * (the decision surface, faint) and the training points coloured by the
 * output at each point, as the tutorial's scatter plots colour them; plus a
 * small chart of the cost so far. The pure parts (colours, bounds, grid) are
 * separate from the canvas calls so they can be tested in Node.
 */

export interface Bounds {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

/** Matplotlib's `cool` colour map (cyan at 0, magenta at 1) as CSS `rgb()`, with t clamped to [0, 1]. */
export function coolColour(t: number, alpha = 1): string {
  const v = Number.isNaN(t) ? 0.5 : Math.min(1, Math.max(0, t));
  const r = Math.round(255 * v);
  const g = Math.round(255 * (1 - v));
  return alpha === 1 ? `rgb(${r}, ${g}, 255)` : `rgba(${r}, ${g}, 255, ${alpha})`;
}

/** The box holding every point of `X` (shape (2, n), rows x then y), widened by `pad` of its size on each side. */
export function dataBounds(X: ArrayLike<number>, n: number, pad = 0.05): Bounds {
  if (n <= 0 || X.length < 2 * n) throw new RangeError(`dataBounds: X must hold 2 rows of ${n} points; it has ${X.length} values`);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const x = X[i]!;
    const y = X[n + i]!;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const dx = Math.max(x1 - x0, 1e-9) * pad;
  const dy = Math.max(y1 - y0, 1e-9) * pad;
  return { x0: x0 - dx, x1: x1 + dx, y0: y0 - dy, y1: y1 + dy };
}

/** Centres of a `cells` x `cells` grid over the bounds, as a (2, cells²) column matrix (row-major cells, y from the top). */
export function gridPoints(b: Bounds, cells: number): Float32Array {
  const n = cells * cells;
  const out = new Float32Array(2 * n);
  for (let r = 0; r < cells; r++) {
    for (let c = 0; c < cells; c++) {
      const k = r * cells + c;
      out[k] = b.x0 + ((c + 0.5) / cells) * (b.x1 - b.x0);
      out[n + k] = b.y1 - ((r + 0.5) / cells) * (b.y1 - b.y0);
    }
  }
  return out;
}

export interface ScatterFrame {
  readonly bounds: Bounds;
  /** Points as a (2, n) column matrix. */
  readonly X: ArrayLike<number>;
  /** The network output at each point. */
  readonly output: ArrayLike<number>;
  /** The network output at each grid cell (`gridPoints` order), or none. */
  readonly grid?: ArrayLike<number>;
  readonly gridCells: number;
}

/** Draw the decision surface and the points on the whole canvas. */
export function drawScatter(ctx: CanvasRenderingContext2D, f: ScatterFrame): void {
  const { width, height } = ctx.canvas;
  const { bounds: b } = f;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  if (f.grid) {
    const cw = width / f.gridCells;
    const ch = height / f.gridCells;
    for (let r = 0; r < f.gridCells; r++) {
      for (let c = 0; c < f.gridCells; c++) {
        ctx.fillStyle = coolColour(f.grid[r * f.gridCells + c]!, 0.35);
        ctx.fillRect(Math.floor(c * cw), Math.floor(r * ch), Math.ceil(cw), Math.ceil(ch));
      }
    }
  }
  const n = f.output.length;
  ctx.lineWidth = 0.6;
  ctx.strokeStyle = 'rgba(0, 0, 0, 0.6)';
  for (let i = 0; i < n; i++) {
    const px = ((f.X[i]! - b.x0) / (b.x1 - b.x0)) * width;
    const py = ((b.y1 - f.X[n + i]!) / (b.y1 - b.y0)) * height;
    ctx.beginPath();
    ctx.arc(px, py, 3.2, 0, 2 * Math.PI);
    ctx.fillStyle = coolColour(f.output[i]!);
    ctx.fill();
    ctx.stroke();
  }
}

/** Draw the cost history as a line, scaled to its own range. */
export function drawCostChart(ctx: CanvasRenderingContext2D, costs: readonly number[]): void {
  const { width, height } = ctx.canvas;
  const m = 24;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = '#999';
  ctx.strokeRect(m, 4, width - m - 4, height - m);
  if (costs.length === 0) return;
  const hi = Math.max(...costs);
  const lo = Math.min(0, ...costs);
  ctx.fillStyle = '#333';
  ctx.font = '11px sans-serif';
  ctx.fillText(hi.toFixed(0), 2, 14);
  ctx.fillText(lo.toFixed(0), 2, height - m);
  ctx.fillText(`iteration ${costs.length}`, width - 90, height - 6);
  ctx.strokeStyle = '#c0c';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  costs.forEach((c, i) => {
    const x = m + (costs.length === 1 ? 0 : (i / (costs.length - 1)) * (width - m - 4));
    const y = 4 + (1 - (c - lo) / (hi - lo || 1)) * (height - m);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
}
