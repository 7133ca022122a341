/**
 * The cycle timeline: a lane per module with a bar per instruction, stalls shaded by
 * cause, token arrows from push to pop, a DRAM lane, a time axis and a cursor. Drawn
 * on one canvas. Zoomed in, a frame visits only what is visible (binary search for the
 * first and last visible interval) and draws bars, stalls and arrows one by one. Zoomed
 * out (on average more than one interval per half pixel), lanes, stalls and the DRAM
 * lane are drawn from per-zoom-level coverage summaries (summary.ts): a pixel column is
 * filled if any interval covers part of it, and runs of equal columns are one rectangle,
 * so a frame costs about the canvas width whatever the run's length.
 */
import type { Lane, ViewModel } from './model';
import { CAUSES, MODULE_KEYS, MODULE_TITLES, QUEUE_KEYS } from './model';
import type { Palette } from './theme';
import { readPalette } from './theme';
import { CoverageSummary, upperBound } from './summary';
import { fitCanvas, frameCoalescer, lowerBound, tickStep, TimeView } from './timeview';

const AXIS_H = 22;
const LABEL_W = 72;
const LANE_H = 30;
const LANE_GAP = 8;
const BUS_H = 14;
const HEIGHT = AXIS_H + 3 * (LANE_H + LANE_GAP) + BUS_H + 10;
/** Beyond this many visible token arrows, arrows are left out (zoom in to see them). */
const MAX_ARROWS = 3000;
/** Up to this many visible token arrows, each is drawn; beyond, one per queue per ARROW_BIN_PX pixels of push and pop. */
const EXACT_ARROWS = 200;
const ARROW_BIN_PX = 16;
/** A row is drawn from its summary when more than this many intervals per plot pixel are visible. */
const SUMMARY_DENSITY = 0.5;

const KINDS = ['load', 'store', 'gemm', 'alu', 'nop', 'finish'] as const;
type Kind = (typeof KINDS)[number];

export interface FrameStats {
  /** Instructions visible per lane (ld, ex, st). */
  visible: number[];
  /** Rectangles actually drawn per lane (after merging sub-pixel bars). */
  drawn: number[];
  arrows: number;
  arrowsHidden: boolean;
  ms: number;
}

export class Timeline {
  readonly canvas: HTMLCanvasElement;
  private model: ViewModel | undefined;
  private kinds: Kind[] = [];
  private stallByModule: Array<{ start: Float64Array; end: Float64Array; cause: Uint8Array }> = [];
  private tokenSpan = 0;
  /** Coverage summaries: bars per lane (code: kind + 1), stalls per lane (code: cause + 1), the DRAM bus. */
  private laneSum: CoverageSummary[] = [];
  private stallSum: CoverageSummary[] = [];
  private busSum: CoverageSummary | undefined;
  /** Per program instruction: its lane (-1: none) and position in the lane. */
  private laneOf = new Int8Array(0);
  private posOf = new Int32Array(0);
  private busSpan = 0;
  private highlight: number[] = [];
  private sel: { lane: number; k: number } = { lane: 0, k: -1 };
  private palette: Palette;
  private drag: { x: number; t0: number; t1: number; moved: boolean } | undefined;
  private readonly schedule = frameCoalescer(() => this.draw());
  showArrows = true;
  lastFrame: FrameStats = { visible: [0, 0, 0], drawn: [0, 0, 0], arrows: 0, arrowsHidden: false, ms: 0 };

  constructor(
    private readonly host: HTMLElement,
    private readonly view: TimeView,
    private readonly onReveal: (index: number) => void,
    private readonly announce: (text: string) => void,
  ) {
    this.palette = readPalette();
    const c = (this.canvas = document.createElement('canvas'));
    c.className = 'timeline-canvas';
    c.tabIndex = 0;
    c.setAttribute('role', 'application');
    c.setAttribute('aria-roledescription', 'cycle timeline');
    c.setAttribute(
      'aria-label',
      'Cycle timeline. Left and right arrows: previous or next instruction in the lane; up and down: change lane; ' +
        'Enter: go to its source line; plus and minus: zoom; Shift with arrows: pan; 0: whole run.',
    );
    host.appendChild(c);
    view.onChange(() => this.schedule());
    c.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    c.addEventListener('mousedown', (e) => this.onDown(e));
    window.addEventListener('mousemove', (e) => this.onMove(e));
    window.addEventListener('mouseup', (e) => this.onUp(e));
    c.addEventListener('mouseleave', () => {
      this.view.cursor = undefined;
      this.view.changed();
    });
    c.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.schedule()).observe(host);
  }

  setModel(m: ViewModel | undefined): void {
    this.model = m;
    this.palette = readPalette();
    this.highlight = [];
    this.sel = { lane: 0, k: -1 };
    if (!m) {
      this.draw();
      return;
    }
    this.kinds = m.labels.map(kindOf);
    this.stallByModule = MODULE_KEYS.map((_, mi) => {
      const ks: number[] = [];
      for (let k = 0; k < m.stalls.module.length; k++) if (m.stalls.module[k] === mi) ks.push(k);
      ks.sort((a, b) => m.stalls.start[a]! - m.stalls.start[b]!);
      return {
        start: Float64Array.from(ks, (k) => m.stalls.start[k]!),
        end: Float64Array.from(ks, (k) => m.stalls.end[k]!),
        cause: Uint8Array.from(ks, (k) => m.stalls.cause[k]!),
      };
    });
    const ext = Math.max(m.endTime, 1);
    this.laneSum = m.lanes.map(
      (lane) =>
        new CoverageSummary(
          lane.start,
          lane.end,
          (k) => KINDS.indexOf(this.kinds[m.labelOf[lane.idx[k]!]!]!) + 1,
          KINDS.length,
          ext,
        ),
    );
    this.stallSum = this.stallByModule.map(
      (st) => new CoverageSummary(st.start, st.end, (k) => st.cause[k]! + 1, CAUSES.length, ext),
    );
    this.busSum = new CoverageSummary(m.bus.start, m.bus.end, () => 1, 1, ext);
    this.laneOf = new Int8Array(m.insnCount).fill(-1);
    this.posOf = new Int32Array(m.insnCount);
    m.lanes.forEach((lane, li) => {
      for (let k = 0; k < lane.idx.length; k++) {
        const i = lane.idx[k]!;
        if (i >= 0 && i < m.insnCount) {
          this.laneOf[i] = li;
          this.posOf[i] = k;
        }
      }
    });
    let span = 0;
    for (let k = 0; k < m.tokens.pushTime.length; k++)
      span = Math.max(span, m.tokens.popTime[k]! - m.tokens.pushTime[k]!);
    this.tokenSpan = span;
    span = 0;
    for (let k = 0; k < m.bus.start.length; k++) span = Math.max(span, m.bus.end[k]! - m.bus.start[k]!);
    this.busSpan = span;
  }

  /** Program indices to outline (the instruction at the editor's cursor). */
  setHighlight(indices: number[]): void {
    this.highlight = indices;
    this.schedule();
  }

  refreshTheme(): void {
    this.palette = readPalette();
    this.schedule();
  }

  /** Sizes read from the layout once per frame (reading clientWidth per bar would force layouts). */
  private cw = 200;
  private pw = 120;

  get plotWidth(): number {
    return this.pw;
  }

  private get cssWidth(): number {
    return this.cw;
  }

  private measure(): void {
    this.cw = Math.max(200, this.host.clientWidth);
    this.pw = Math.max(10, this.cw - LABEL_W - 8);
  }

  x(t: number): number {
    return LABEL_W + ((t - this.view.t0) / (this.view.t1 - this.view.t0)) * this.pw;
  }

  t(x: number): number {
    return this.view.t0 + ((x - LABEL_W) / this.plotWidth) * (this.view.t1 - this.view.t0);
  }

  private laneY(lane: number): number {
    return AXIS_H + lane * (LANE_H + LANE_GAP) + 2;
  }

  /** Centre of an instruction's bar in canvas CSS pixels, if it is in the visible range. */
  barCenter(index: number): { x: number; y: number } | undefined {
    const m = this.model;
    if (!m) return undefined;
    const li = this.laneOf[index] ?? -1;
    if (li < 0) return undefined;
    const lane = m.lanes[li]!,
      k = this.posOf[index]!;
    const a = Math.max(this.x(lane.start[k]!), LABEL_W),
      b = Math.min(this.x(lane.end[k]!), LABEL_W + this.plotWidth);
    if (b < a) return undefined;
    return { x: (a + b) / 2, y: this.laneY(li) + LANE_H / 2 };
  }

  /** The instruction under a point (CSS pixels), if any. */
  hit(x: number, y: number): { lane: number; k: number } | undefined {
    const m = this.model;
    if (!m || x < LABEL_W) return undefined;
    for (let li = 0; li < 3; li++) {
      const top = this.laneY(li);
      if (y < top || y > top + LANE_H) continue;
      const lane = m.lanes[li]!;
      const t = this.t(x);
      const tol = (3 / this.plotWidth) * (this.view.t1 - this.view.t0);
      const k = lowerBound(lane.end, t - tol);
      for (const c of [k, k + 1]) {
        if (c < lane.idx.length && lane.start[c]! <= t + tol && lane.end[c]! >= t - tol) return { lane: li, k: c };
      }
      return undefined;
    }
    return undefined;
  }

  draw(): FrameStats {
    const t0 = performance.now();
    this.measure();
    const w = this.cssWidth;
    const g = fitCanvas(this.canvas, w, HEIGHT);
    const p = this.palette;
    g.clearRect(0, 0, w, HEIGHT);
    g.font = p.font;
    const m = this.model;
    const stats: FrameStats = { visible: [0, 0, 0], drawn: [0, 0, 0], arrows: 0, arrowsHidden: false, ms: 0 };
    if (!m) {
      this.lastFrame = stats;
      return stats;
    }
    const { t0: v0, t1: v1 } = this.view;
    const pw = this.plotWidth;
    this.drawAxis(g, w, v0, v1, pw);
    // Lane labels and backgrounds.
    g.textBaseline = 'middle';
    for (let li = 0; li < 3; li++) {
      const y = this.laneY(li);
      g.fillStyle = p.fg;
      g.textAlign = 'left';
      g.fillText(MODULE_TITLES[MODULE_KEYS[li]!], 6, y + LANE_H / 2);
      g.fillStyle = p.grid;
      g.fillRect(LABEL_W, y + LANE_H, pw, 1);
    }
    g.save();
    g.beginPath();
    g.rect(LABEL_W, 0, pw, HEIGHT);
    g.clip();
    // Stalls, behind the bars.
    const tp = (v1 - v0) / pw;
    const stallColor = (cause: number): string => {
      const c = CAUSES[cause]!;
      return c === 'token' ? p.stallToken : c === 'dram' ? p.stallDram : p.stallFetch;
    };
    this.stallByModule.forEach((s, li) => {
      const y = this.laneY(li);
      const first = lowerBound(s.end, v0);
      const sum = this.stallSum[li];
      if (sum && sum.covers(tp) && upperBound(s.start, v1) - first > SUMMARY_DENSITY * pw) {
        sum.runs(v0, v1, pw, (x0, x1, code) => {
          g.fillStyle = stallColor(code - 1);
          g.globalAlpha = 0.28;
          g.fillRect(LABEL_W + x0, y, x1 - x0, LANE_H);
          g.globalAlpha = 0.9;
          g.fillRect(LABEL_W + x0, y + LANE_H - 3, x1 - x0, 3);
        });
        return;
      }
      let lastPx = -1;
      for (let k = first; k < s.start.length && s.start[k]! <= v1; k++) {
        const a = this.x(s.start[k]!),
          b = this.x(s.end[k]!);
        if (b - a < 1 && Math.floor(a) === lastPx) continue;
        lastPx = Math.floor(a);
        g.fillStyle = stallColor(s.cause[k]!);
        g.globalAlpha = 0.28;
        g.fillRect(a, y, Math.max(b - a, 1), LANE_H);
        g.globalAlpha = 0.9;
        g.fillRect(a, y + LANE_H - 3, Math.max(b - a, 1), 3);
      }
    });
    g.globalAlpha = 1;
    // Bars.
    for (let li = 0; li < 3; li++) this.drawLane(g, m, m.lanes[li]!, li, v0, v1, stats);
    // DRAM bus lane.
    const by = this.laneY(3) + 2;
    g.fillStyle = p.bus;
    const busFirst = lowerBound(m.bus.start, v0 - this.busSpan);
    if (this.busSum && this.busSum.covers(tp) && upperBound(m.bus.start, v1) - busFirst > SUMMARY_DENSITY * pw) {
      this.busSum.runs(v0, v1, pw, (x0, x1) => g.fillRect(LABEL_W + x0, by, x1 - x0, BUS_H));
    } else {
      const first = busFirst;
      let lastPx = -1;
      for (let k = first; k < m.bus.start.length && m.bus.start[k]! <= v1; k++) {
        if (m.bus.end[k]! < v0) continue;
        const a = this.x(m.bus.start[k]!),
          b = this.x(m.bus.end[k]!);
        if (b - a < 1 && Math.floor(a) === lastPx) continue;
        lastPx = Math.floor(a);
        g.fillRect(a, by, Math.max(b - a, 1), BUS_H);
      }
    }
    // Token arrows.
    if (this.showArrows) this.drawArrows(g, m, v0, v1, stats);
    // Highlight (editor cursor) and keyboard selection.
    g.lineWidth = 2;
    g.strokeStyle = p.highlight;
    for (const idx of this.highlight) {
      const r = this.rectOf(idx);
      if (r) g.strokeRect(r.x - 1, r.y - 1, Math.max(r.w, 2) + 2, r.h + 2);
    }
    if (this.sel.k >= 0) {
      const lane = m.lanes[this.sel.lane]!;
      const r = this.rectOf(lane.idx[this.sel.k]!);
      if (r) {
        g.strokeStyle = p.focus;
        g.setLineDash([3, 2]);
        g.strokeRect(r.x - 2, r.y - 2, Math.max(r.w, 2) + 4, r.h + 4);
        g.setLineDash([]);
      }
    }
    g.restore();
    g.fillStyle = p.muted;
    g.textAlign = 'left';
    g.fillText('DRAM', 6, by + BUS_H / 2);
    // Cursor.
    if (this.view.cursor !== undefined && this.view.cursor >= v0 && this.view.cursor <= v1) {
      const x = this.x(this.view.cursor);
      g.fillStyle = p.cursor;
      g.fillRect(Math.round(x), AXIS_H - 4, 1, HEIGHT - AXIS_H);
      const label = `${m.timeUnit} ${Math.floor(this.view.cursor).toLocaleString('en-US')}`;
      const tw = g.measureText(label).width + 8;
      const lx = Math.min(Math.max(x - tw / 2, LABEL_W), w - tw);
      g.fillStyle = p.bg;
      g.fillRect(lx, 1, tw, AXIS_H - 4);
      g.strokeStyle = p.cursor;
      g.lineWidth = 1;
      g.strokeRect(lx + 0.5, 1.5, tw - 1, AXIS_H - 5);
      g.fillStyle = p.fg;
      g.textAlign = 'center';
      g.fillText(label, lx + tw / 2, AXIS_H / 2);
    }
    stats.ms = performance.now() - t0;
    this.lastFrame = stats;
    this.canvas.dataset.visible = stats.visible.join(',');
    this.canvas.dataset.drawn = stats.drawn.join(',');
    this.canvas.dataset.arrows = String(stats.arrows);
    return stats;
  }

  private drawAxis(g: CanvasRenderingContext2D, w: number, v0: number, v1: number, pw: number): void {
    const p = this.palette;
    const step = tickStep(v1 - v0, pw);
    g.fillStyle = p.muted;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillRect(LABEL_W, AXIS_H - 1, pw, 1);
    for (let t = Math.ceil(Math.max(v0, 0) / step) * step; t <= v1; t += step) {
      const x = Math.round(this.x(t));
      g.fillStyle = p.grid;
      g.fillRect(x, AXIS_H - 5, 1, HEIGHT - AXIS_H);
      g.fillStyle = p.muted;
      if (x > LABEL_W + 10 && x < w - 20) g.fillText(t.toLocaleString('en-US'), x, AXIS_H / 2 - 1);
    }
  }

  private color(kind: Kind): string {
    const p = this.palette;
    return kind === 'load'
      ? p.load
      : kind === 'store'
        ? p.store
        : kind === 'gemm'
          ? p.gemm
          : kind === 'alu'
            ? p.alu
            : kind === 'finish'
              ? p.finish
              : p.nop;
  }

  private drawLane(
    g: CanvasRenderingContext2D,
    m: ViewModel,
    lane: Lane,
    li: number,
    v0: number,
    v1: number,
    stats: FrameStats,
  ): void {
    const y = this.laneY(li) + 3,
      h = LANE_H - 9;
    const first = lowerBound(lane.end, v0);
    const pw = this.plotWidth;
    const count = Math.max(0, upperBound(lane.start, v1) - first);
    const sum = this.laneSum[li];
    if (sum && sum.covers((v1 - v0) / pw) && count > SUMMARY_DENSITY * pw) {
      // Zoomed out: a pixel column shows the kind covering most of it.
      const drawnRuns = sum.runs(v0, v1, pw, (x0, x1, code) => {
        g.fillStyle = this.color(KINDS[code - 1]!);
        g.fillRect(LABEL_W + x0, y, x1 - x0, h);
      });
      stats.visible[li] = count;
      stats.drawn[li] = Math.min(Math.max(drawnRuns, count ? 1 : 0), count);
      return;
    }
    let lastPx = -1,
      drawn = 0,
      visible = 0;
    let curColor = '';
    for (let k = first; k < lane.idx.length; k++) {
      const s = lane.start[k]!;
      if (s > v1) break;
      visible++;
      const a = this.x(s),
        b = this.x(lane.end[k]!);
      const width = b - a;
      const kind = this.kinds[m.labelOf[lane.idx[k]!]!]!;
      if (width < 1.5) {
        const px = Math.floor(a);
        if (px === lastPx) continue;
        lastPx = px;
        const col = this.color(kind);
        if (col !== curColor) {
          g.fillStyle = col;
          curColor = col;
        }
        g.fillRect(px, y, 1, h);
        drawn++;
        continue;
      }
      lastPx = Math.floor(b);
      const col = this.color(kind);
      if (col !== curColor) {
        g.fillStyle = col;
        curColor = col;
      }
      // A one-pixel gap between adjacent bars keeps them countable.
      g.fillRect(a, y, Math.max(width - 1, 1), h);
      drawn++;
      if (width > 46) {
        const label = m.labels[m.labelOf[lane.idx[k]!]!]!;
        g.fillStyle = this.palette.bg;
        g.textAlign = 'left';
        g.save();
        g.beginPath();
        g.rect(a, y, width - 2, h);
        g.clip();
        g.fillText(label, Math.max(a, LABEL_W) + 3, y + h / 2);
        g.restore();
        curColor = '';
      }
    }
    stats.visible[li] = visible;
    stats.drawn[li] = drawn;
  }

  private drawArrows(g: CanvasRenderingContext2D, m: ViewModel, v0: number, v1: number, stats: FrameStats): void {
    const tk = m.tokens;
    const first = lowerBound(tk.pushTime, v0 - this.tokenSpan);
    let count = 0;
    for (let k = first; k < tk.pushTime.length && tk.pushTime[k]! <= v1; k++) {
      if (tk.popIdx[k]! >= 0 && tk.popTime[k]! >= v0) count++;
      if (count > MAX_ARROWS) {
        stats.arrowsHidden = true;
        return;
      }
    }
    g.strokeStyle = this.palette.token;
    g.fillStyle = this.palette.token;
    g.lineWidth = 1.25;
    g.globalAlpha = 0.85;
    // Many arrows: a summary, one arrow per queue per bin of push and pop pixels (tokens
    // are in push order, so each queue's arrows in one bin pair are consecutive).
    const binned = count > EXACT_ARROWS;
    const lastBin0 = [NaN, NaN, NaN, NaN],
      lastBin1 = [NaN, NaN, NaN, NaN];
    // The heads in one path (they do not overlap); each curve stroked alone (one path of
    // many crossing curves rasterises far more slowly).
    const heads = new Path2D();
    for (let k = first; k < tk.pushTime.length && tk.pushTime[k]! <= v1; k++) {
      if (tk.popIdx[k]! < 0 || tk.popTime[k]! < v0) continue;
      const qi = tk.queue[k]!;
      const x0 = this.x(tk.pushTime[k]!),
        x1 = this.x(tk.popTime[k]!);
      if (binned) {
        const b0 = Math.floor(x0 / ARROW_BIN_PX),
          b1 = Math.floor(x1 / ARROW_BIN_PX);
        if (b0 === lastBin0[qi] && b1 === lastBin1[qi]) continue;
        lastBin0[qi] = b0;
        lastBin1[qi] = b1;
      }
      const q = QUEUE_KEYS[qi]!;
      const from = MODULE_KEYS.indexOf(q.slice(0, 2) as 'ld'),
        to = MODULE_KEYS.indexOf(q.slice(4) as 'ld');
      const down = to > from;
      const y0 = this.laneY(from) + (down ? LANE_H - 6 : 3);
      const y1 = this.laneY(to) + (down ? 3 : LANE_H - 6);
      g.beginPath();
      g.moveTo(x0, y0);
      g.bezierCurveTo(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2, x1, y1);
      g.stroke();
      const d = down ? -1 : 1;
      heads.moveTo(x1, y1);
      heads.lineTo(x1 - 3.5, y1 + d * 6);
      heads.lineTo(x1 + 3.5, y1 + d * 6);
      heads.closePath();
      stats.arrows++;
    }
    g.fill(heads);
    g.globalAlpha = 1;
  }

  private rectOf(index: number): { x: number; y: number; w: number; h: number } | undefined {
    const m = this.model;
    if (!m) return undefined;
    const li = this.laneOf[index] ?? -1;
    if (li < 0) return undefined;
    const lane = m.lanes[li]!,
      k = this.posOf[index]!;
    const a = this.x(lane.start[k]!),
      b = this.x(lane.end[k]!);
    return { x: a, y: this.laneY(li) + 3, w: b - a, h: LANE_H - 9 };
  }

  private local(e: MouseEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private onWheel(e: WheelEvent): void {
    if (!this.model) return;
    e.preventDefault();
    const { x } = this.local(e);
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      this.view.pan((e.deltaX || e.deltaY) / this.plotWidth);
    } else {
      this.view.zoom(Math.exp(e.deltaY * 0.002), this.t(Math.max(x, LABEL_W)));
    }
  }

  private onDown(e: MouseEvent): void {
    if (e.button !== 0 || !this.model) return;
    const { x } = this.local(e);
    this.drag = { x, t0: this.view.t0, t1: this.view.t1, moved: false };
  }

  private onMove(e: MouseEvent): void {
    if (!this.model) return;
    const { x, y } = this.local(e);
    if (this.drag) {
      const dx = x - this.drag.x;
      if (Math.abs(dx) > 3) this.drag.moved = true;
      if (this.drag.moved) {
        const dt = (dx / this.plotWidth) * (this.drag.t1 - this.drag.t0);
        this.view.set(this.drag.t0 - dt, this.drag.t1 - dt);
      }
      return;
    }
    const inside = x >= LABEL_W && y >= 0 && y <= HEIGHT && x <= this.cssWidth;
    const cur = inside ? Math.max(0, this.t(x)) : undefined;
    if (cur !== this.view.cursor) {
      this.view.cursor = cur;
      this.view.changed();
    }
    this.canvas.style.cursor = inside && this.hit(x, y) ? 'pointer' : 'default';
  }

  private onUp(e: MouseEvent): void {
    const d = this.drag;
    this.drag = undefined;
    if (!d || d.moved || !this.model) return;
    const { x, y } = this.local(e);
    const h = this.hit(x, y);
    if (h) {
      this.sel = h;
      this.describe();
      this.schedule();
      this.onReveal(this.model.lanes[h.lane]!.idx[h.k]!);
    }
  }

  private describe(): void {
    const m = this.model;
    if (!m || this.sel.k < 0) return;
    const lane = m.lanes[this.sel.lane]!;
    const i = lane.idx[this.sel.k]!;
    const line = m.line[i]!;
    this.announce(
      `${MODULE_TITLES[lane.module]} instruction ${i}: ${m.labels[m.labelOf[i]!]}, ${m.timeUnit}s ${lane.start[this.sel.k]} to ${lane.end[this.sel.k]}` +
        (line >= 0 ? `, line ${line + 1}` : ''),
    );
  }

  private ensureVisible(t0: number, t1: number): void {
    const { t0: v0, t1: v1 } = this.view;
    if (t0 >= v0 && t1 <= v1) return;
    const span = v1 - v0;
    this.view.set((t0 + t1) / 2 - span / 2, (t0 + t1) / 2 + span / 2);
  }

  private onKey(e: KeyboardEvent): void {
    const m = this.model;
    if (!m) return;
    const lane = m.lanes[this.sel.lane]!;
    let handled = true;
    if (e.key === '+' || e.key === '=') this.view.zoom(0.5, this.view.cursor);
    else if (e.key === '-' || e.key === '_') this.view.zoom(2, this.view.cursor);
    else if (e.key === '0' || e.key === 'Home') this.view.fit();
    else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && e.shiftKey)
      this.view.pan(e.key === 'ArrowLeft' ? -0.2 : 0.2);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      if (lane.idx.length) {
        const k = this.sel.k < 0 ? lowerBound(lane.end, this.view.t0) : this.sel.k + (e.key === 'ArrowLeft' ? -1 : 1);
        this.sel.k = Math.min(Math.max(k, 0), lane.idx.length - 1);
        this.ensureVisible(lane.start[this.sel.k]!, lane.end[this.sel.k]!);
        this.describe();
      }
    } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      const li = Math.min(Math.max(this.sel.lane + (e.key === 'ArrowUp' ? -1 : 1), 0), 2);
      const t = this.sel.k >= 0 ? lane.start[this.sel.k]! : this.view.t0;
      const next = m.lanes[li]!;
      this.sel = { lane: li, k: next.idx.length ? Math.min(lowerBound(next.end, t), next.idx.length - 1) : -1 };
      if (this.sel.k >= 0) this.ensureVisible(next.start[this.sel.k]!, next.end[this.sel.k]!);
      this.describe();
    } else if (e.key === 'Enter' || e.key === ' ') {
      if (this.sel.k >= 0) this.onReveal(lane.idx[this.sel.k]!);
    } else handled = false;
    if (handled) {
      e.preventDefault();
      this.schedule();
    }
  }
}

function kindOf(label: string): Kind {
  if (label.startsWith('LOAD')) return 'load';
  if (label.startsWith('STORE')) return 'store';
  if (label.startsWith('GEMM')) return 'gemm';
  if (label.startsWith('ALU')) return 'alu';
  if (label.startsWith('FINISH')) return 'finish';
  return 'nop';
}
