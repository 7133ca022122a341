/**
 * The network estimate view: one table of the network's lines, slowest first, sorted
 * again by a click on (or Enter in) a column header; the totals above it. Plain DOM,
 * no dependencies: the data is a few dozen rows.
 */
import type { NetworkEstimateJson } from '../../core/schedule/network';

type Estimate = NetworkEstimateJson;
type Row = Estimate['rows'][number];

type Column = {
  key: string;
  title: string;
  value: (r: Row, i: number) => number | string | undefined;
  text: (r: Row, i: number) => string;
};

const ms = (us: number | undefined) => (us === undefined ? '' : (us / 1000).toFixed(2));
const pct = (x: number | undefined) => (x === undefined ? '' : `${(x * 100).toFixed(1)}%`);

const COLUMNS: Column[] = [
  { key: 'order', title: '#', value: (_r, i) => i, text: (_r, i) => `${i + 1}` },
  { key: 'name', title: 'operator', value: (r) => r.name, text: (r) => (r.kind === 'cpu' ? `cpu ${r.name}` : r.name) },
  { key: 'repeat', title: 'runs', value: (r) => r.repeat, text: (r) => `${r.repeat}` },
  {
    key: 'ms',
    title: 'ms',
    value: (r) => r.microseconds,
    text: (r) => (r.kind === 'cpu' && r.microseconds === undefined ? '?' : ms(r.microseconds)),
  },
  { key: 'share', title: 'share of VTA', value: (r) => r.share, text: (r) => pct(r.share) },
  {
    key: 'cycles',
    title: 'cycles',
    value: (r) => r.cycles,
    text: (r) =>
      r.cycles === undefined ? (r.kind === 'cpu' ? '' : 'not estimated') : r.cycles.toLocaleString('en-US'),
  },
  {
    key: 'gemm',
    title: 'GEMM',
    value: (r) => r.gemmUtilisation,
    text: (r) => (r.gemmUtilisation === undefined ? '' : `${Math.round(r.gemmUtilisation * 100)}%`),
  },
  {
    key: 'dram',
    title: 'DRAM MB',
    value: (r) => r.dramBytes,
    text: (r) => (r.dramBytes === undefined ? '' : (r.dramBytes / 1e6).toFixed(2)),
  },
  {
    key: 'bound',
    title: 'bound',
    value: (r) => r.bound ?? (r.kind === 'cpu' ? 'CPU' : ''),
    text: (r) => (r.bound === 'dram' ? 'DRAM' : (r.bound ?? (r.kind === 'cpu' ? 'CPU (assumed)' : ''))),
  },
];

/** Rows in the order of `key`: numbers and names compared, missing values last whatever the direction. */
export function sortRows(rows: Row[], key: string, descending: boolean): Array<{ row: Row; index: number }> {
  const col = COLUMNS.find((c) => c.key === key) ?? COLUMNS[3]!;
  const items = rows.map((row, index) => ({ row, index, v: col.value(row, index) }));
  items.sort((a, b) => {
    if (a.v === undefined || a.v === '') return b.v === undefined || b.v === '' ? a.index - b.index : 1;
    if (b.v === undefined || b.v === '') return -1;
    const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
    return (descending ? -c : c) || a.index - b.index;
  });
  return items.map(({ row, index }) => ({ row, index }));
}

function render(app: HTMLElement, e: Estimate): void {
  let key = 'ms';
  let descending = true;
  const head = document.createElement('p');
  const cpu = e.rows.some((r) => r.kind === 'cpu')
    ? ` + CPU ${ms(e.cpuMicroseconds)} ms (the schedule's assumption${e.cpuUnknown.length ? `; no time for ${e.cpuUnknown.join(', ')}` : ''})`
    : '';
  head.textContent = `network ${e.name}: VTA ${ms(e.vtaMicroseconds)} ms${cpu} = ${ms(e.latencyMicroseconds)} ms per run of ${e.batch} image${e.batch === 1 ? '' : 's'}, ${e.framesPerSecond.toFixed(2)} frames/s (VTA part alone ${e.vtaFramesPerSecond.toFixed(2)})${e.complete ? '' : `; not estimated: ${e.missing.join(', ')}`}`;
  const table = document.createElement('table');
  const thead = table.createTHead().insertRow();
  const tbody = table.createTBody();
  const maxShare = Math.max(0, ...e.rows.map((r) => r.share ?? 0));
  const fill = () => {
    tbody.replaceChildren();
    for (const { row, index } of sortRows(e.rows, key, descending)) {
      const tr = tbody.insertRow();
      tr.className = row.kind;
      for (const c of COLUMNS) {
        const td = tr.insertCell();
        if (c.key === 'share' && row.share !== undefined && maxShare > 0) {
          const bar = document.createElement('span');
          bar.className = 'bar';
          bar.style.width = `${Math.round((row.share / maxShare) * 60)}px`;
          td.append(bar);
        }
        td.append(c.text(row, index));
      }
    }
    for (const th of Array.from(thead.cells))
      th.setAttribute('aria-sort', th.dataset.key === key ? (descending ? 'descending' : 'ascending') : 'none');
  };
  for (const c of COLUMNS) {
    const th = document.createElement('th');
    th.textContent = c.title;
    th.dataset.key = c.key;
    th.tabIndex = 0;
    const sort = () => {
      if (key === c.key) descending = !descending;
      else {
        key = c.key;
        descending = c.key !== 'name' && c.key !== 'order';
      }
      fill();
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        sort();
      }
    });
    thead.append(th);
  }
  fill();
  app.replaceChildren(head, table);
}

const app = document.getElementById('app');
const data = app?.dataset.estimate;
if (app && data) {
  try {
    render(app, JSON.parse(data) as Estimate);
  } catch (err) {
    app.textContent = `The estimate could not be shown: ${(err as Error).message}`;
  }
}
