/** The run summary as a table, with the previous run side by side. */
import type { ViewModel } from './model';
import { BUFFER_KEYS, CAUSES, MODULE_KEYS, MODULE_TITLES } from './model';

interface Row {
  group: string;
  name: string;
  value: (m: ViewModel) => number | undefined;
  unit?: string;
  percent?: boolean;
}

const ROWS: Row[] = [
  { group: 'run', name: 'time', value: (m) => m.summary.time },
  { group: 'run', name: 'instructions executed', value: (m) => m.summary.instructions.executed },
  { group: 'run', name: 'GEMM utilisation', value: (m) => m.summary.gemm.utilisation, percent: true },
  { group: 'run', name: 'ALU utilisation', value: (m) => m.summary.alu.utilisation, percent: true },
  { group: 'run', name: 'DRAM bus utilisation', value: (m) => m.summary.dram.busUtilisation, percent: true },
  { group: 'run', name: 'GEMM MACs', value: (m) => m.summary.gemm.macs },
  ...MODULE_KEYS.map(
    (k): Row => ({
      group: 'modules',
      name: `${MODULE_TITLES[k]} utilisation`,
      value: (m) => m.summary.modules[k].utilisation,
      percent: true,
    }),
  ),
  ...BUFFER_KEYS.map(
    (b): Row => ({ group: 'buffers', name: `${b.toUpperCase()} bytes loaded`, value: (m) => m.bytes[b] }),
  ),
  { group: 'buffers', name: 'OUT bytes stored', value: (m) => m.bytes.out },
  ...BUFFER_KEYS.map(
    (b): Row => ({
      group: 'buffers',
      name: `${b.toUpperCase()} peak live rows`,
      value: (m) => m.buffers.find((x) => x.name === b)?.peak,
    }),
  ),
  ...MODULE_KEYS.flatMap((k) =>
    CAUSES.map(
      (c): Row => ({
        group: 'stalls',
        name: `${MODULE_TITLES[k]} waiting (${c === 'dram' ? 'DRAM bus' : c})`,
        value: (m) => m.summary.modules[k].stalls[c],
      }),
    ),
  ),
];

const fmt = (v: number | undefined, percent?: boolean) =>
  v === undefined ? '—' : percent ? `${(v * 100).toFixed(1)}%` : v.toLocaleString('en-US');

export function renderSummary(host: HTMLElement, cur: ViewModel, prev: ViewModel | undefined): void {
  host.replaceChildren();
  const unit = cur.timeUnit === 'cycle' ? 'cycles' : 'steps';
  const head = document.createElement('p');
  head.className = 'summary-head';
  head.textContent =
    `${cur.summary.status} · ${fmt(cur.summary.time)} ${unit}` +
    (cur.estimate ? ` (estimate, timing row ${cur.timingRow ?? '?'}, ${cur.clockMHz} MHz)` : '') +
    ` · target ${cur.target}`;
  host.appendChild(head);
  const table = document.createElement('table');
  table.className = 'summary';
  const cap = document.createElement('caption');
  cap.textContent = prev ? 'Summary: this run against the previous run' : 'Summary of the run';
  table.appendChild(cap);
  const thead = table.createTHead().insertRow();
  for (const h of ['figure', 'this run', ...(prev ? ['previous run', 'change'] : [])]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    thead.appendChild(th);
  }
  const body = table.createTBody();
  let group = '';
  for (const r of ROWS) {
    if (r.group !== group) {
      group = r.group;
      const gr = body.insertRow();
      gr.className = 'group';
      const th = document.createElement('th');
      th.colSpan = prev ? 4 : 2;
      th.scope = 'colgroup';
      th.textContent = group;
      gr.appendChild(th);
    }
    const row = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = r.name === 'time' ? `time (${unit})` : r.name;
    row.appendChild(th);
    const a = r.value(cur);
    row.insertCell().textContent = fmt(a, r.percent);
    row.dataset.figure = r.name;
    if (prev) {
      const b = r.value(prev);
      row.insertCell().textContent = fmt(b, r.percent);
      const d = row.insertCell();
      if (a !== undefined && b !== undefined && a !== b) {
        const diff = a - b;
        d.textContent = r.percent
          ? `${diff > 0 ? '+' : ''}${(diff * 100).toFixed(1)} pt`
          : `${diff > 0 ? '+' : ''}${diff.toLocaleString('en-US')}${b !== 0 ? ` (${diff > 0 ? '+' : ''}${((diff / b) * 100).toFixed(1)}%)` : ''}`;
      } else d.textContent = '=';
    }
  }
  host.appendChild(table);
  const c = cur.summary.counters as unknown as Record<string, number>;
  const counters = document.createElement('details');
  const sum = document.createElement('summary');
  sum.textContent = 'fsim counters';
  counters.appendChild(sum);
  const pre = document.createElement('table');
  pre.className = 'summary counters';
  for (const [k, v] of Object.entries(c)) {
    const row = pre.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = k;
    row.appendChild(th);
    row.insertCell().textContent = fmt(v);
    if (prev) row.insertCell().textContent = fmt((prev.summary.counters as unknown as Record<string, number>)[k]);
  }
  counters.appendChild(pre);
  counters.open = true;
  host.appendChild(counters);
  if (cur.summary.warnings.length) {
    const ul = document.createElement('ul');
    ul.className = 'warnings';
    for (const w of cur.summary.warnings) {
      const li = document.createElement('li');
      li.textContent = w;
      ul.appendChild(li);
    }
    host.appendChild(ul);
  }
}
