/**
 * The simulator view (webview side). Receives the program from the extension, runs
 * it in the simulator worker, and shows the cycle timeline, token queue depths,
 * buffer occupancy with heatmaps, and the summary against the previous run.
 */
import { el } from '../shared/dom';
import { Heatmaps, StepChart } from './charts';
import type { FrameStats } from './timeline';
import { Timeline } from './timeline';
import type { FromWorker, Problem, ToWorker, ViewModel } from './model';
import { MODULE_TITLES } from './model';
import type { HostMessage, ViewMessage } from './protocol';
import { parseHostMessage } from './protocol';
import { renderSummary } from './summary-table';
import { TimeView } from './timeview';
import { readPalette } from './theme';
import { button, checkbox, toolbar } from './ui/components';

interface VsCodeApi {
  postMessage(m: unknown): void;
  setState(s: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Longest a run may take before the view gives up on the worker. */
const RUN_TIMEOUT_MS = 120_000;

const vscode: VsCodeApi =
  typeof acquireVsCodeApi === 'function'
    ? acquireVsCodeApi()
    : { postMessage: () => undefined, setState: () => undefined, getState: () => undefined };
const send = (m: ViewMessage) => vscode.postMessage(m);

const app = document.getElementById('app') ?? document.body;

function section(title: string, id: string): { box: HTMLElement; body: HTMLElement } {
  const box = el('section', 'panel');
  box.setAttribute('aria-labelledby', `${id}-title`);
  const h = el('h2', undefined, title);
  h.id = `${id}-title`;
  box.appendChild(h);
  const body = el('div', 'panel-body');
  box.appendChild(body);
  app.appendChild(box);
  return { box, body };
}

// --- layout -------------------------------------------------------------------

const view = new TimeView();
const status = el('p', 'status', 'Waiting for a program…');
status.setAttribute('role', 'status');
const errorBox = el('div', 'error');
errorBox.setAttribute('role', 'alert');
errorBox.hidden = true;
const live = el('div', 'sr-only');
live.setAttribute('aria-live', 'polite');
let showArrows = true;

const controls = toolbar('Simulator view controls', [
  button({ label: 'Zoom in', onClick: () => view.zoom(0.5) }),
  button({ label: 'Zoom out', onClick: () => view.zoom(2) }),
  button({ label: 'Whole run', onClick: () => view.fit() }),
  button({
    label: 'Export PNG',
    secondary: true,
    title: 'Save the current view as a PNG image',
    onClick: () => exportPng(),
  }),
  button({
    label: 'Export trace',
    secondary: true,
    title: 'Save the trace as Chrome/Perfetto JSON',
    onClick: () => exportTrace(),
  }),
  checkbox({
    label: 'Token arrows',
    checked: true,
    onChange: (c) => {
      showArrows = c;
      timeline.showArrows = c;
      timeline.refreshTheme();
    },
  }),
]);
const header = el('header', 'header');
header.append(controls, status);
app.append(header, errorBox, live);

const tl = section('Cycle timeline', 'timeline');
const legend = el('ul', 'legend');
legend.setAttribute('aria-label', 'Legend');
for (const [cls, text] of [
  ['load', 'LOAD'],
  ['gemm', 'GEMM'],
  ['alu', 'ALU'],
  ['store', 'STORE'],
  ['nop', 'NOP / token'],
  ['stall-token', 'waiting for a token'],
  ['stall-dram', 'waiting for the DRAM bus'],
  ['stall-fetch', 'waiting for fetch'],
  ['token', 'token push → pop'],
  ['bus', 'DRAM transfer'],
] as const) {
  const li = el('li', `key key-${cls}`, text);
  legend.appendChild(li);
}
tl.body.appendChild(legend);
const lanesInfo = el('ul', 'lanes-info');
lanesInfo.setAttribute('aria-label', 'Lanes');
tl.body.appendChild(lanesInfo);
const timelineHost = el('div', 'canvas-host');
tl.body.appendChild(timelineHost);
const timeline = new Timeline(
  timelineHost,
  view,
  (i) => reveal(i),
  (t) => {
    live.textContent = t;
  },
);

const qs = section('Token queue depths', 'queues');
const queueChart = new StepChart(qs.body, view, 'Token queue depths over time, one row per queue');

const occ = section('Buffer occupancy (live rows)', 'occupancy');
const occInfo = el('ul', 'occ-info');
occInfo.setAttribute('aria-label', 'Peak live rows per buffer');
occ.body.appendChild(occInfo);
const occChart = new StepChart(occ.body, view, 'Live rows per buffer over time', 40);
const heatTitle = el('h3', undefined, 'Rows × time');
occ.body.appendChild(heatTitle);
const heatmaps = new Heatmaps(occ.body, view);

const sum = section('Summary', 'summary');

// Hide everything but the status until a run arrives.
for (const s of [tl.box, qs.box, occ.box, sum.box]) s.hidden = true;

// --- state --------------------------------------------------------------------

let model: ViewModel | undefined;
let previous: ViewModel | undefined;
let lastRender = { ms: 0, frame: undefined as FrameStats | undefined };
let currentFile = '';

function reveal(index: number): void {
  if (!model) return;
  const line = model.line[index]!;
  if (line < 0) {
    live.textContent = `instruction ${index} has no source line`;
    return;
  }
  send({ type: 'reveal', line, file: model.files[model.fileOf[index]!]! });
}

function showError(message: string, problems: Problem[] = []): void {
  errorBox.replaceChildren();
  errorBox.appendChild(el('p', 'error-title', message));
  if (problems.length) {
    const ul = el('ul');
    for (const p of problems.slice(0, 20)) {
      const li = el('li');
      const a = el('a', undefined, `line ${p.line + 1}`);
      a.href = '#';
      a.addEventListener('click', (e) => {
        e.preventDefault();
        send({ type: 'reveal', line: p.line, file: currentFile });
      });
      li.append(a, document.createTextNode(`: ${p.message}`));
      ul.appendChild(li);
    }
    if (problems.length > 20) ul.appendChild(el('li', undefined, `… and ${problems.length - 20} more`));
    errorBox.appendChild(ul);
  }
  errorBox.hidden = false;
}

function show(m: ViewModel): void {
  const t0 = performance.now();
  if (model && model.file === m.file) previous = model;
  else if (model) previous = undefined;
  model = m;
  errorBox.hidden = true;
  if (m.error)
    showError(
      `The run stopped with an error: ${m.error.message}${m.error.line >= 0 ? ` (line ${m.error.line + 1})` : ''}`,
    );
  for (const s of [tl.box, qs.box, occ.box, sum.box]) s.hidden = false;
  const unit = m.timeUnit === 'cycle' ? 'cycles' : 'steps';
  status.textContent =
    `${m.file.split(/[\\/]/).pop()}: ${m.insnCount.toLocaleString('en-US')} instructions, ` +
    `${m.summary.time.toLocaleString('en-US')} ${unit}${m.estimate ? ' (timing estimate)' : ''}, ${m.summary.status}` +
    (m.truncated ? ` — trace capped after ${m.truncated.afterTime} ${unit}` : '');
  lanesInfo.replaceChildren(
    ...m.lanes.map((l) => {
      const li = el(
        'li',
        undefined,
        `${MODULE_TITLES[l.module]}: ${l.idx.length.toLocaleString('en-US')} instruction${l.idx.length === 1 ? '' : 's'}`,
      );
      li.dataset.module = l.module;
      li.dataset.bars = String(l.idx.length);
      return li;
    }),
  );
  timeline.setModel(m);
  view.reset(m.endTime);
  queueChart.set(
    m.queues.map((q) => ({
      label: `${q.queue} (max ${q.max})`,
      time: q.time,
      value: q.depth,
      scale: Math.max(q.max, 1),
    })),
  );
  occInfo.replaceChildren(
    ...m.buffers.map((b) => {
      const li = el(
        'li',
        undefined,
        `${b.name.toUpperCase()}: peak ${b.peak.toLocaleString('en-US')} of ${b.depth.toLocaleString('en-US')} rows`,
      );
      li.dataset.buffer = b.name;
      li.dataset.peak = String(b.peak);
      li.dataset.depth = String(b.depth);
      return li;
    }),
  );
  occChart.set(
    m.buffers.map((b) => ({
      label: `${b.name.toUpperCase()} ${b.peak}/${b.depth}`,
      time: b.time,
      value: b.live,
      scale: Math.max(1, b.peak * 1.15, b.peak >= b.depth * 0.8 ? b.depth : 0),
      limit: b.depth,
    })),
  );
  heatmaps.set(m);
  renderSummary(sum.body, m, previous);
  // Draw synchronously once so the render time is measurable and the view is never blank.
  const frame = timeline.draw();
  queueChart.draw();
  occChart.draw();
  heatmaps.draw();
  lastRender = { ms: performance.now() - t0, frame };
  app.dataset.state = 'ready';
  app.dataset.renderMs = lastRender.ms.toFixed(2);
  app.dataset.workerMs = JSON.stringify(m.workerMs);
  app.dataset.shownAt = String(performance.now());
}

// --- worker -------------------------------------------------------------------

let worker: Worker | undefined;
let workerReady: Promise<Worker> | undefined;
let runId = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
const chromeWaiters = new Map<number, (json: string) => void>();
let chromeId = 0;

async function makeWorker(): Promise<Worker> {
  const url = app.dataset.worker ?? 'sim-worker.js';
  let w: Worker;
  try {
    // Webview resources are not same-origin with the page: load the bundle through a blob: URL.
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const blob = new Blob([await res.text()], { type: 'text/javascript' });
    w = new Worker(URL.createObjectURL(blob));
  } catch {
    w = new Worker(url);
  }
  w.onmessage = (e: MessageEvent<FromWorker>) => onWorker(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    fail(`The simulator worker failed: ${e.message || 'unknown error'}`);
    worker?.terminate();
    worker = undefined;
    workerReady = undefined;
  };
  worker = w;
  return w;
}

function getWorker(): Promise<Worker> {
  return (workerReady ??= makeWorker());
}

function fail(message: string, problems: Problem[] = []): void {
  if (timer) clearTimeout(timer);
  app.dataset.state = 'error';
  status.textContent = 'No run to show.';
  showError(message, problems);
  if (!model) for (const s of [tl.box, qs.box, occ.box, sum.box]) s.hidden = true;
}

function onWorker(m: FromWorker): void {
  if (typeof m !== 'object' || m === null) return;
  app.dataset.receivedAt = String(performance.now());
  if (m.type === 'chrome') {
    chromeWaiters.get(m.id)?.(m.json);
    chromeWaiters.delete(m.id);
    return;
  }
  if (m.id !== runId) return;
  if (timer) clearTimeout(timer);
  if (m.type === 'result') {
    try {
      show(m.model);
    } catch (e) {
      fail(`The simulator view could not show the run: ${(e as Error).message}`);
    }
  } else if (m.type === 'failed') {
    fail(m.message, m.problems);
  }
}

async function run(msg: Extract<HostMessage, { type: 'program' }>): Promise<void> {
  const id = ++runId;
  app.dataset.sentAt = String(performance.now());
  currentFile = msg.file;
  app.dataset.state = 'running';
  status.textContent = `Simulating ${msg.file.split(/[\\/]/).pop()}…`;
  let w: Worker;
  try {
    w = await getWorker();
  } catch (e) {
    fail(`The simulator worker could not start: ${(e as Error).message}`);
    return;
  }
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    if (id !== runId) return;
    worker?.terminate();
    worker = undefined;
    workerReady = undefined;
    fail(`The simulation took longer than ${RUN_TIMEOUT_MS / 1000} s and was stopped.`);
  }, RUN_TIMEOUT_MS);
  const req: ToWorker = { type: 'run', id, text: msg.text, file: msg.file };
  app.dataset.workerAt = String(performance.now());
  if (msg.target) req.target = msg.target;
  w.postMessage(req);
}

// --- exports ------------------------------------------------------------------

/** The visible charts stacked into one image. */
function composeImage(): HTMLCanvasElement {
  const parts = [timeline.canvas, queueChart.canvas, occChart.canvas, heatmaps.canvas];
  const width = Math.max(...parts.map((c) => c.width));
  const gap = 8;
  const height = parts.reduce((h, c) => h + c.height + gap, gap);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const g = out.getContext('2d')!;
  g.fillStyle = readPalette().bg;
  g.fillRect(0, 0, width, height);
  let y = gap;
  for (const c of parts) {
    g.drawImage(c, 0, y);
    y += c.height + gap;
  }
  return out;
}

function exportPng(): void {
  if (!model) return;
  send({ type: 'export-png', dataUrl: composeImage().toDataURL('image/png') });
}

async function chromeTrace(): Promise<string> {
  const w = await getWorker();
  const id = --chromeId; // negative ids: chrome requests never supersede a run
  return new Promise((resolve) => {
    chromeWaiters.set(id, resolve);
    w.postMessage({ type: 'chrome', id } satisfies ToWorker);
  });
}

async function exportTrace(): Promise<void> {
  if (!model) return;
  const json = await chromeTrace();
  if (json) send({ type: 'export-trace', json, file: model.file });
}

// --- host messages --------------------------------------------------------------

function onCursor(line: number, file?: string): void {
  if (!model) return;
  const m = model;
  const hits: number[] = [];
  for (let i = 0; i < m.insnCount; i++) {
    if (m.line[i] === line && (file === undefined || m.files[m.fileOf[i]!] === file)) hits.push(i);
  }
  timeline.setHighlight(hits);
  if (hits.length) {
    const c = timeline.barCenter(hits[0]!);
    if (!c) {
      // Bring the first matching instruction into view.
      for (const l of m.lanes) {
        for (let k = 0; k < l.idx.length; k++) {
          if (l.idx[k] !== hits[0]) continue;
          const span = view.t1 - view.t0,
            mid = (l.start[k]! + l.end[k]!) / 2;
          view.set(mid - span / 2, mid + span / 2);
        }
      }
    }
  }
  app.dataset.highlighted = String(hits.length);
  live.textContent = `line ${line + 1}: ${hits.length} instruction${hits.length === 1 ? '' : 's'}`;
}

/** The debugger stopped at `cycle`: put the cursor there, scrolling the view to it. */
function onDebugCycle(cycle: number): void {
  if (cycle < view.t0 || cycle > view.t1) {
    const span = view.t1 - view.t0;
    view.set(cycle - span / 2, cycle + span / 2);
  }
  view.cursor = cycle;
  view.changed();
  app.dataset.debugCycle = String(cycle);
  live.textContent = `debugger at cycle ${Math.floor(cycle)}`;
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const r = parseHostMessage(e.data);
  if (!r.ok) {
    // Messages the page posts to itself are not ours to judge; anything else that looks like ours is reported.
    const d = e.data as { type?: unknown };
    if (d && typeof d === 'object' && (d.type === 'program' || d.type === 'cursor' || d.type === 'debugCycle'))
      fail(`A message from the editor was refused: ${r.reason}`);
    return;
  }
  if (r.msg.type === 'program') void run(r.msg);
  else if (r.msg.type === 'debugCycle') onDebugCycle(r.msg.cycle);
  else onCursor(r.msg.line, r.msg.file);
});

new MutationObserver(() => {
  timeline.refreshTheme();
  if (model) {
    heatmaps.set(model);
  }
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

/** For tests, benchmarks and automation. */
(window as unknown as Record<string, unknown>).vtaSimulatorView = {
  view,
  barCenter: (i: number) => {
    const c = timeline.barCenter(i);
    if (!c) return undefined;
    const r = timeline.canvas.getBoundingClientRect();
    return { x: r.left + c.x, y: r.top + c.y };
  },
  redraw: () => timeline.draw(),
  /** Milliseconds to draw each chart: timeline, queues, occupancy, heatmaps. */
  drawEach: () =>
    [() => timeline.draw(), () => queueChart.draw(), () => occChart.draw(), () => heatmaps.draw()].map((f) => {
      const t0 = performance.now();
      f();
      return performance.now() - t0;
    }),
  /** Draws every chart synchronously (one frame); returns the milliseconds it took. */
  drawAll: () => {
    const t0 = performance.now();
    timeline.draw();
    queueChart.draw();
    occChart.draw();
    heatmaps.draw();
    return performance.now() - t0;
  },
  /** Zooms the view onto one instruction's bar. */
  zoomTo: (index: number) => {
    if (!model) return;
    for (const l of model.lanes)
      for (let k = 0; k < l.idx.length; k++) {
        if (l.idx[k] !== index) continue;
        const s = l.start[k]!,
          e = l.end[k]!,
          pad = Math.max((e - s) * 0.25, 2);
        view.set(s - pad, e + pad);
        timeline.draw();
      }
  },
  renderStats: () => ({ ms: lastRender.ms, frame: lastRender.frame }),
  showArrows: () => showArrows,
};

send({ type: 'ready' });
