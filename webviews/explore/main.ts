/**
 * The design-space view (webview side): every design of a sweep as a point — latency or
 * frames per second against block RAM or DSPs — with the Pareto front drawn through its
 * designs, infeasible designs greyed, the figures of a design on hover, and a click that
 * asks the extension to open the design's vta_config.json and tuned schedule.
 */
import { el } from '../shared/dom';
import type { DesignResult } from '../../core/schedule/explore';
import { parseExploreHostMessage, type ExploreViewMessage } from './protocol';

interface VsCodeApi {
  postMessage(m: unknown): void;
  setState(s: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode: VsCodeApi =
  typeof acquireVsCodeApi === 'function'
    ? acquireVsCodeApi()
    : { postMessage: () => undefined, setState: () => undefined, getState: () => undefined };
const send = (m: ExploreViewMessage) => vscode.postMessage(m);
const SVG = 'http://www.w3.org/2000/svg';

type XAxis = 'bram' | 'dsp';
type YAxis = 'latencyMs' | 'fps';
const AXIS_TITLES: Record<XAxis | YAxis, string> = {
  bram: 'block RAMs',
  dsp: 'DSPs',
  latencyMs: 'latency (ms)',
  fps: 'frames per second',
};

const app = document.getElementById('app') ?? document.body;
function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

const header = el('div', 'header');
const title = el('h1', undefined, 'Design space');
const status = el('p', 'status', 'Waiting for a sweep…');
status.setAttribute('role', 'status');
const controls = el('div', 'toolbar');
function select<T extends string>(label: string, options: T[], value: T, onChange: (v: T) => void): HTMLSelectElement {
  const l = el('label', undefined, `${label} `);
  const s = el('select');
  for (const o of options) {
    const opt = el('option', undefined, AXIS_TITLES[o as XAxis | YAxis]);
    opt.value = o;
    s.appendChild(opt);
  }
  s.value = value;
  s.addEventListener('change', () => onChange(s.value as T));
  l.appendChild(s);
  controls.appendChild(l);
  return s;
}
let xAxis: XAxis = 'bram';
let yAxis: YAxis = 'latencyMs';
select<YAxis>('y:', ['latencyMs', 'fps'], yAxis, (v) => {
  yAxis = v;
  draw();
});
select<XAxis>('x:', ['bram', 'dsp'], xAxis, (v) => {
  xAxis = v;
  draw();
});
const cancel = el('button', undefined, 'Cancel');
cancel.hidden = true;
cancel.addEventListener('click', () => send({ type: 'cancel' }));
controls.appendChild(cancel);
header.append(title, controls, status);
const errorBox = el('div', 'error');
errorBox.setAttribute('role', 'alert');
errorBox.hidden = true;
const plotHost = el('div', 'plot');
const tooltip = el('div', 'tooltip');
tooltip.hidden = true;
const legend = el('ul', 'legend');
for (const [cls, text] of [
  ['key-pareto', 'on the front (latency against block RAM)'],
  ['key-feasible', 'fits the FPGA'],
  ['key-infeasible', 'does not fit'],
] as const) {
  const li = el('li', `key ${cls}`, text);
  legend.appendChild(li);
}
app.append(header, errorBox, legend, plotHost, tooltip);

let designs = new Map<number, DesignResult>();
let total = 0;
/** The FPGA's block RAMs and DSPs, drawn as a line on the x axis. */
let budget: { bram: number; dsp: number } | undefined;
let running = false;

const fmt = (x: number, digits = 2) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
const shape = (d: DesignResult) => `${2 ** d.config.LOG_BATCH}x${2 ** d.config.LOG_BLOCK}x${2 ** d.config.LOG_BLOCK}`;

function describe(d: DesignResult): string {
  const c = d.config;
  return [
    `#${d.index}: ${shape(d)} GEMM at ${d.clockMHz} MHz`,
    `buffers (log2 bytes): INP ${c.LOG_INP_BUFF_SIZE}, WGT ${c.LOG_WGT_BUFF_SIZE}, ACC ${c.LOG_ACC_BUFF_SIZE}, UOP ${c.LOG_UOP_BUFF_SIZE}`,
    `${fmt(d.resources.bram, 0)} block RAMs, ${fmt(d.resources.dsp, 0)} DSPs, peak ${fmt(d.peakGops, 1)} GOPS`,
    d.latencyMs === null
      ? 'latency: not every layer fits'
      : `latency ${fmt(d.latencyMs, 3)} ms, ${fmt(d.fps ?? 0, 1)} FPS${d.imagesPerRun > 1 ? ` (${d.imagesPerRun} images at once)` : ''}`,
    d.pareto ? 'on the Pareto front' : d.feasible ? 'fits' : `does not fit: ${d.reasons.join('; ')}`,
    'click to open its vta_config.json and tuned schedule',
  ].join('\n');
}

function draw(): void {
  plotHost.textContent = '';
  const points = [...designs.values()].filter((d) => d[yAxis] !== null);
  const width = Math.max(420, plotHost.clientWidth || 800);
  const height = 420;
  const pad = { l: 70, r: 20, t: 16, b: 46 };
  const root = svg('svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `${AXIS_TITLES[yAxis]} against ${AXIS_TITLES[xAxis]}`,
  });
  plotHost.appendChild(root);
  if (!points.length) {
    const t = svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'empty' });
    t.textContent = designs.size ? 'No design has a latency yet (no layer fits).' : 'No design yet.';
    root.appendChild(t);
    return;
  }
  const xs = points.map((d) => d.resources[xAxis]);
  const ys = points.map((d) => d[yAxis]!);
  const [x0, x1] = [0, Math.max(...xs, budget?.[xAxis] ?? 0) * 1.08 || 1];
  const [y0, y1] = [0, Math.max(...ys) * 1.08 || 1];
  const sx = (v: number) => pad.l + ((v - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const sy = (v: number) => height - pad.b - ((v - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  // Axes with five ticks each.
  root.appendChild(
    svg('line', { x1: pad.l, y1: height - pad.b, x2: width - pad.r, y2: height - pad.b, class: 'axis' }),
  );
  root.appendChild(svg('line', { x1: pad.l, y1: pad.t, x2: pad.l, y2: height - pad.b, class: 'axis' }));
  for (let i = 0; i <= 4; i++) {
    const xv = x0 + ((x1 - x0) * i) / 4;
    const yv = y0 + ((y1 - y0) * i) / 4;
    const tx = svg('text', { x: sx(xv), y: height - pad.b + 16, 'text-anchor': 'middle', class: 'tick' });
    tx.textContent = fmt(xv, 0);
    const ty = svg('text', { x: pad.l - 6, y: sy(yv) + 4, 'text-anchor': 'end', class: 'tick' });
    ty.textContent = fmt(yv, yv < 10 ? 2 : 0);
    root.append(tx, ty);
  }
  const xt = svg('text', {
    x: (pad.l + width - pad.r) / 2,
    y: height - 8,
    'text-anchor': 'middle',
    class: 'axis-title',
  });
  xt.textContent = AXIS_TITLES[xAxis];
  const yt = svg('text', {
    x: 14,
    y: (pad.t + height - pad.b) / 2,
    'text-anchor': 'middle',
    class: 'axis-title',
    transform: `rotate(-90 14 ${(pad.t + height - pad.b) / 2})`,
  });
  yt.textContent = AXIS_TITLES[yAxis];
  root.append(xt, yt);
  if (budget) {
    const bx = sx(budget[xAxis]);
    root.appendChild(svg('line', { x1: bx, y1: pad.t, x2: bx, y2: height - pad.b, class: 'budget' }));
    const bt = svg('text', { x: bx - 4, y: pad.t + 10, 'text-anchor': 'end', class: 'tick budget-label' });
    bt.textContent = `FPGA: ${fmt(budget[xAxis], 0)} ${AXIS_TITLES[xAxis]}`;
    root.appendChild(bt);
  }
  // The front, as a staircase through its designs in block-RAM order.
  const front = points
    .filter((d) => d.pareto)
    .sort((a, b) => a.resources[xAxis] - b.resources[xAxis] || a[yAxis]! - b[yAxis]!);
  if (front.length > 1) {
    const path = front
      .map((d, i) => `${i ? 'L' : 'M'}${sx(d.resources[xAxis]).toFixed(1)},${sy(d[yAxis]!).toFixed(1)}`)
      .join(' ');
    root.appendChild(svg('path', { d: path, class: 'front' }));
  }
  for (const d of points.sort((a, b) => Number(a.pareto) - Number(b.pareto))) {
    const c = svg('circle', {
      cx: sx(d.resources[xAxis]).toFixed(1),
      cy: sy(d[yAxis]!).toFixed(1),
      r: d.pareto ? 7 : 5,
      class: `design ${d.pareto ? 'pareto' : d.feasible ? 'feasible' : 'infeasible'}`,
      tabindex: 0,
      'data-index': d.index,
      'aria-label': describe(d).split('\n').slice(0, 5).join('; '),
    });
    const show = (ev: { clientX: number; clientY: number }) => {
      tooltip.textContent = describe(d);
      tooltip.hidden = false;
      tooltip.style.left = `${ev.clientX + 14}px`;
      tooltip.style.top = `${ev.clientY + 10}px`;
    };
    c.addEventListener('mousemove', show);
    c.addEventListener('focus', () => {
      const r = c.getBoundingClientRect();
      show({ clientX: r.right, clientY: r.bottom });
    });
    c.addEventListener('mouseleave', () => {
      tooltip.hidden = true;
    });
    c.addEventListener('blur', () => {
      tooltip.hidden = true;
    });
    c.addEventListener('click', () => send({ type: 'open', index: d.index }));
    c.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') send({ type: 'open', index: d.index });
    });
    root.appendChild(c);
  }
}

function updateStatus(cancelled = false): void {
  const all = [...designs.values()];
  const feasible = all.filter((d) => d.feasible).length;
  const onFront = all.filter((d) => d.pareto);
  const best = onFront.filter((d) => d.latencyMs !== null).sort((a, b) => a.latencyMs! - b.latencyMs!)[0];
  status.textContent = running
    ? `Evaluating designs: ${all.length} of ${total}…`
    : `${all.length} design${all.length === 1 ? '' : 's'}${cancelled ? ` (cancelled at ${all.length} of ${total})` : ''}, ${feasible} fit, ${onFront.length} on the front` +
      (best
        ? `; fastest that fits: #${best.index} (${shape(best)}, ${best.clockMHz} MHz) ${fmt(best.latencyMs!, 3)} ms`
        : '');
  app.dataset.state = running ? 'running' : 'done';
  cancel.hidden = !running;
}

window.addEventListener('message', (ev: MessageEvent) => {
  const parsed = parseExploreHostMessage(ev.data);
  if (!parsed.ok) {
    errorBox.textContent = `A message was ignored: ${parsed.reason}.`;
    errorBox.hidden = false;
    return;
  }
  const m = parsed.msg;
  if (m.type === 'start') {
    designs = new Map();
    total = m.total;
    running = true;
    title.textContent = `Design space: ${m.network} on ${m.fpga}`;
    budget = m.budget;
  } else if (m.type === 'designs') {
    for (const d of m.designs) designs.set(d.index, d);
  } else {
    designs = new Map(m.designs.map((d) => [d.index, d]));
    running = false;
  }
  updateStatus(m.type === 'done' && m.cancelled);
  draw();
});
window.addEventListener('resize', () => draw());
send({ type: 'ready' });
