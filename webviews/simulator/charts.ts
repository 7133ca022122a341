/**
 * Charts under the timeline, sharing its time range and cursor: token queue depths,
 * live rows per buffer (with capacity), and a rows × time heatmap per buffer.
 */
import type { BufferView, ViewModel } from './model';
import type { Palette } from './theme';
import { readPalette, rgbOf } from './theme';
import { fitCanvas, frameCoalescer, lowerBound, TimeView } from './timeview';

const LABEL_W = 72;

export interface StepSeries {
  label: string;
  time: Float64Array;
  value: Int32Array;
  /** Top of the scale. */
  scale: number;
  /** A dashed line at this value (capacity), when inside the scale. */
  limit?: number;
}

/** Rows of step plots on one canvas. */
export class StepChart {
  readonly canvas: HTMLCanvasElement;
  private series: StepSeries[] = [];
  private palette: Palette = readPalette();
  private readonly schedule = frameCoalescer(() => this.draw());

  constructor(
    private readonly host: HTMLElement,
    private readonly view: TimeView,
    ariaLabel: string,
    private readonly rowH = 34,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', ariaLabel);
    host.appendChild(this.canvas);
    view.onChange(() => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(host);
  }

  set(series: StepSeries[]): void {
    this.series = series;
    this.palette = readPalette();
    this.schedule();
  }

  draw(): void {
    const w = Math.max(200, this.host.clientWidth);
    const H = this.series.length * this.rowH + 4;
    const g = fitCanvas(this.canvas, w, H);
    const p = this.palette;
    g.clearRect(0, 0, w, H);
    g.font = p.font;
    g.textBaseline = 'middle';
    const pw = Math.max(10, w - LABEL_W - 8);
    const { t0, t1 } = this.view;
    const X = (t: number) => LABEL_W + ((t - t0) / (t1 - t0)) * pw;
    this.series.forEach((s, r) => {
      const top = r * this.rowH + 3,
        h = this.rowH - 8;
      const Y = (v: number) => top + h - (v / Math.max(s.scale, 1)) * h;
      g.fillStyle = p.fg;
      g.textAlign = 'left';
      g.fillText(s.label, 6, top + h / 2);
      g.fillStyle = p.grid;
      g.fillRect(LABEL_W, top + h, pw, 1);
      g.save();
      g.beginPath();
      g.rect(LABEL_W, top - 2, pw, h + 3);
      g.clip();
      if (s.limit !== undefined && s.limit <= s.scale) {
        g.strokeStyle = p.capacity;
        g.setLineDash([4, 3]);
        g.beginPath();
        g.moveTo(LABEL_W, Y(s.limit) + 0.5);
        g.lineTo(LABEL_W + pw, Y(s.limit) + 0.5);
        g.stroke();
        g.setLineDash([]);
      }
      // Step area: at most four path points per pixel column (its largest value, then where it settles).
      const k0 = Math.max(0, lowerBound(s.time, t0) - 1);
      g.beginPath();
      g.moveTo(LABEL_W, top + h);
      let prevV = k0 < s.value.length ? s.value[k0]! : 0;
      g.lineTo(LABEL_W, Y(prevV));
      let colPx = -1,
        colX = LABEL_W,
        colMax = 0;
      for (let k = k0; k < s.time.length; k++) {
        const tk = s.time[k]!;
        if (tk > t1) break;
        const x = Math.max(LABEL_W, X(tk));
        const px = Math.floor(x);
        const v = s.value[k]!;
        if (px !== colPx) {
          if (colPx >= 0) {
            g.lineTo(colX, Y(colMax));
            g.lineTo(colX, Y(prevV));
          }
          g.lineTo(x, Y(prevV));
          colPx = px;
          colX = x;
          colMax = Math.max(v, prevV);
        } else if (v > colMax) colMax = v;
        prevV = v;
      }
      if (colPx >= 0) {
        g.lineTo(colX, Y(colMax));
        g.lineTo(colX, Y(prevV));
      }
      g.lineTo(LABEL_W + pw, Y(prevV));
      g.lineTo(LABEL_W + pw, top + h);
      g.closePath();
      g.fillStyle = p.load;
      g.globalAlpha = 0.35;
      g.fill();
      g.globalAlpha = 1;
      g.strokeStyle = p.load;
      g.lineWidth = 1;
      g.stroke();
      g.restore();
    });
    if (this.view.cursor !== undefined && this.view.cursor >= t0 && this.view.cursor <= t1) {
      g.fillStyle = p.cursor;
      g.fillRect(Math.round(X(this.view.cursor)), 0, 1, H);
    }
  }
}

/** Rows × time heatmaps of the live fraction, one strip per buffer. */
export class Heatmaps {
  readonly canvas: HTMLCanvasElement;
  private images: Array<{ b: BufferView; img: HTMLCanvasElement }> = [];
  private palette: Palette = readPalette();
  private readonly schedule = frameCoalescer(() => this.draw());
  static readonly ROW_H = 44;

  constructor(
    private readonly host: HTMLElement,
    private readonly view: TimeView,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute(
      'aria-label',
      'Buffer heatmaps: rows (top to bottom, in bins) against time; brighter is more of the bin live',
    );
    host.appendChild(this.canvas);
    view.onChange(() => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(host);
  }

  set(m: ViewModel | undefined): void {
    this.palette = readPalette();
    const lo = rgbOf(this.palette.heatLow),
      hi = rgbOf(this.palette.heatHigh);
    this.images = (m?.buffers ?? []).map((b) => {
      const { rowBins, cols, data } = b.heat;
      // Rows that are never live are left out of the strip: the used part fills it.
      let used = 0;
      for (let r = 0; r < rowBins; r++) for (let c = 0; c < cols; c++) if (data[r * cols + c]! > 0) used = r + 1;
      const rows = Math.max(used, 1);
      const img = document.createElement('canvas');
      img.width = cols;
      img.height = rows;
      const g = img.getContext('2d')!;
      const id = g.createImageData(cols, rows);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const f = Math.min(1, data[r * cols + c]!);
          const o = (r * cols + c) * 4;
          const a = f > 0 ? 0.25 + 0.75 * f : 0;
          id.data[o] = lo[0] + (hi[0] - lo[0]) * a;
          id.data[o + 1] = lo[1] + (hi[1] - lo[1]) * a;
          id.data[o + 2] = lo[2] + (hi[2] - lo[2]) * a;
          id.data[o + 3] = 255;
        }
      }
      g.putImageData(id, 0, 0);
      return { b, img };
    });
    this.schedule();
  }

  draw(): void {
    const w = Math.max(200, this.host.clientWidth);
    const RH = Heatmaps.ROW_H;
    const H = this.images.length * RH + 2;
    const g = fitCanvas(this.canvas, w, H);
    const p = this.palette;
    g.clearRect(0, 0, w, H);
    g.font = p.font;
    g.textBaseline = 'middle';
    g.imageSmoothingEnabled = false;
    const pw = Math.max(10, w - LABEL_W - 8);
    const { t0, t1 } = this.view;
    this.images.forEach(({ b, img }, r) => {
      const top = r * RH + 2,
        h = RH - 6;
      g.fillStyle = p.fg;
      g.textAlign = 'left';
      g.fillText(b.name.toUpperCase(), 6, top + h / 2 - 7);
      g.fillStyle = p.muted;
      g.fillText(`rows 0–${Math.min(img.height * b.heat.rowsPerBin, b.depth) - 1}`, 6, top + h / 2 + 8);
      const colTime = b.heat.colTime;
      const sx = t0 / colTime,
        sw = (t1 - t0) / colTime;
      // Clamp the source rectangle to the image and map it to the matching part of the plot.
      const cx0 = Math.max(0, sx),
        cx1 = Math.min(img.width, sx + sw);
      if (cx1 > cx0) {
        const dx0 = LABEL_W + ((cx0 - sx) / sw) * pw,
          dx1 = LABEL_W + ((cx1 - sx) / sw) * pw;
        g.drawImage(img, cx0, 0, cx1 - cx0, img.height, dx0, top, dx1 - dx0, h);
      }
      g.strokeStyle = p.grid;
      g.strokeRect(LABEL_W + 0.5, top + 0.5, pw - 1, h - 1);
    });
    if (this.view.cursor !== undefined && this.view.cursor >= t0 && this.view.cursor <= t1) {
      g.fillStyle = p.cursor;
      g.fillRect(Math.round(LABEL_W + ((this.view.cursor - t0) / (t1 - t0)) * pw), 0, 1, H);
    }
  }
}
