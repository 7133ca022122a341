/** The visible time range, shared by the timeline and every chart below it. */
export class TimeView {
  t0 = 0;
  t1 = 1;
  /** Time under the pointer, shown as the cursor in every chart (undefined: none). */
  cursor: number | undefined;
  private end = 1;
  private readonly listeners: Array<() => void> = [];
  /** Smallest visible span (time units): single cycles stay readable. */
  static readonly MIN_SPAN = 8;

  reset(end: number): void {
    this.end = Math.max(end, 1);
    this.t0 = 0;
    this.t1 = this.end;
    this.cursor = undefined;
    this.changed();
  }

  get extent(): number {
    return this.end;
  }

  onChange(f: () => void): void {
    this.listeners.push(f);
  }

  changed(): void {
    for (const f of this.listeners) f();
  }

  /** Zooms by `factor` (< 1 zooms in) keeping time `at` fixed. */
  zoom(factor: number, at = (this.t0 + this.t1) / 2): void {
    const span = Math.min(Math.max((this.t1 - this.t0) * factor, TimeView.MIN_SPAN), this.end * 1.02);
    const frac = (at - this.t0) / (this.t1 - this.t0 || 1);
    this.set(at - frac * span, at - frac * span + span);
  }

  /** Pans by a fraction of the visible span. */
  pan(fraction: number): void {
    const d = (this.t1 - this.t0) * fraction;
    this.set(this.t0 + d, this.t1 + d);
  }

  fit(): void {
    this.set(0, this.end);
  }

  set(t0: number, t1: number): void {
    const span = Math.max(t1 - t0, Math.min(TimeView.MIN_SPAN, this.end));
    const lo = -this.end * 0.01,
      hi = this.end * 1.01;
    if (t0 < lo) t0 = lo;
    if (t0 + span > hi) t0 = Math.max(lo, hi - span);
    this.t0 = t0;
    this.t1 = t0 + span;
    this.changed();
  }
}

/** Tick spacing (time units) for about `px / 80` labels. */
export function tickStep(span: number, px: number): number {
  const raw = span / Math.max(1, px / 90);
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return Math.max(1, m * p);
  return Math.max(1, 10 * p);
}

/** First k with a[k] >= x in an increasing array. */
export function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0,
    hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A redraw request that coalesces: however many changes arrive before the next frame
 * (cursor moves, resizes, new data), `draw` runs once in that frame.
 */
export function frameCoalescer(draw: () => void): () => void {
  let frame = 0;
  return () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      draw();
    });
  };
}

/** Sets a canvas's backing store for its CSS size and the device pixel ratio; returns the 2D context scaled to CSS pixels. */
export function fitCanvas(c: HTMLCanvasElement, cssW: number, cssH: number): CanvasRenderingContext2D {
  const dpr = Math.min(window.devicePixelRatio || 1, 2);
  const w = Math.max(1, Math.round(cssW * dpr)),
    h = Math.max(1, Math.round(cssH * dpr));
  if (c.width !== w || c.height !== h) {
    c.width = w;
    c.height = h;
  }
  c.style.height = `${cssH}px`;
  const g = c.getContext('2d')!;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  return g;
}
