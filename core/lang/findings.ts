/**
 * Bounded output: the same finding from many iterations of a loop becomes one
 * diagnostic with the iteration range (Findings), at most a given number of
 * diagnostics per document with the rest summarised in one (limitDiagnostics), and
 * every range well formed (wellFormedRange) before it leaves for an editor or a
 * terminal.
 */
import type { Range } from './ast';
import type { Diagnostic, Severity } from './diagnostic';
import type { LoopFrame, Position } from '../program/program';

/** Diagnostics per document unless a setting (`vta.diagnostics.max`, `--max-diagnostics`) says otherwise. */
export const DEFAULT_MAX_DIAGNOSTICS = 300;

/** How many groups Findings looks at before its map: more than a loop body's usual findings. */
const RECENT_GROUPS = 8;

interface Group {
  first: Diagnostic;
  message: string;
  count: number;
  /** Per loop variable of the first finding's loops: the smallest and largest value seen. */
  iterations: Array<{ variable: string; lo: number; hi: number }>;
}

/**
 * Collects diagnostics, merging repeats: a finding with the same file, range, severity,
 * code and message (up to the numbers in it) as one already collected (another
 * iteration of the loop it sits in) is counted on the first instead of added.
 */
export class Findings {
  private readonly list: Diagnostic[] = [];
  /** Groups by position and code (a short key); the message is compared within. */
  private readonly groups = new Map<string, Group[]>();
  /**
   * The groups last joined or started, newest first: a loop repeats its few findings in
   * turn, and finding them here skips building the key (a third of a check's time in a
   * loop of 100,000 iterations with four failing names).
   */
  private readonly recent: Group[] = [];

  /** Adds `d` (found `times` times, alike), found in the loop iterations `loops` (outermost first), if any. */
  add(d: Diagnostic, loops?: readonly LoopFrame[], times = 1): void {
    let g = this.recentFor(d);
    if (!g) {
      const r = d.range;
      const key = `${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}:${d.code}`;
      const list = this.groups.get(key);
      g = list?.find((x) => sameFinding(x.first, d));
      if (!g) {
        g = {
          first: d,
          message: d.message,
          count: times,
          iterations: (loops ?? []).map((f) => ({ variable: f.variable, lo: f.value, hi: f.value })),
        };
        if (list) list.push(g);
        else this.groups.set(key, [g]);
        this.list.push(d);
        this.remember(g);
        return;
      }
      this.remember(g);
    }
    g.count += times;
    if (!loops) return;
    for (let k = 0; k < g.iterations.length && k < loops.length; k++) {
      const it = g.iterations[k]!;
      const f = loops[k]!;
      if (f.variable !== it.variable) break;
      if (f.value < it.lo) it.lo = f.value;
      if (f.value > it.hi) it.hi = f.value;
    }
  }

  private recentFor(d: Diagnostic): Group | undefined {
    for (let i = 0; i < this.recent.length; i++) if (sameFinding(this.recent[i]!.first, d)) return this.recent[i];
    return undefined;
  }

  private remember(g: Group): void {
    if (this.recent.length < RECENT_GROUPS) this.recent.push(g);
    this.recent.copyWithin(1, 0, this.recent.length - 1);
    this.recent[0] = g;
  }

  /** The diagnostics in the order first found; a merged one says how often and where. */
  result(): Diagnostic[] {
    for (const list of this.groups.values())
      for (const g of list) {
        if (g.count === 1) continue;
        const its = g.iterations.filter((it) => it.hi > it.lo).map((it) => `${it.variable} = ${it.lo}..${it.hi}`);
        const times = g.count;
        g.first.message = its.length
          ? `${g.message} (the same ${times} times, in iterations ${its.join(', ')})`
          : `${g.message} (the same ${times} times)`;
      }
    return this.list;
  }
}

/** Same file, range, severity and code, and messages equal up to their numbers. */
function sameFinding(a: Diagnostic, b: Diagnostic): boolean {
  const ra = a.range,
    rb = b.range;
  return (
    a.code === b.code &&
    a.severity === b.severity &&
    a.file === b.file &&
    ra.start.line === rb.start.line &&
    ra.start.character === rb.start.character &&
    ra.end.line === rb.end.line &&
    ra.end.character === rb.end.character &&
    sameUpToNumbers(a.message, b.message)
  );
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whether the texts are equal once every run of digits counts as the same word. */
export function sameUpToNumbers(a: string, b: string): boolean {
  let i = 0,
    j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i),
      cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      while (i < a.length && isDigit(a.charCodeAt(i))) i++;
      while (j < b.length && isDigit(b.charCodeAt(j))) j++;
      continue;
    }
    if (ca !== cb) return false;
    i++;
    j++;
  }
  return i === a.length && j === b.length;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

type Finding = {
  file?: string;
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  related?: Array<{ range: Range }>;
};

/**
 * Diagnostics as they leave for an editor or a terminal: every range well formed
 * (wellFormedRange), and at most `max` per file: errors kept first, then warnings, then
 * infos, each in the order given; the rest of a file's become one diagnostic (at the
 * first left out, with the most severe severity among them) saying how many were left
 * out. Works on file-less findings too (`file` absent: one document).
 */
export function outgoingDiagnostics<T extends Finding>(diags: T[], max = DEFAULT_MAX_DIAGNOSTICS): T[] {
  const byFile = new Map<string | undefined, T[]>();
  for (let d of diags) {
    if (!isWellFormedRange(d.range) || d.related?.some((r) => !isWellFormedRange(r.range))) {
      d = { ...d, range: wellFormedRange(d.range) };
      if (d.related) d.related = d.related.map((r) => ({ ...r, range: wellFormedRange(r.range) }));
    }
    const list = byFile.get(d.file);
    if (list) list.push(d);
    else byFile.set(d.file, [d]);
  }
  const out: T[] = [];
  for (const list of byFile.values()) {
    if (list.length <= max) {
      for (const d of list) out.push(d);
      continue;
    }
    // max - 1 findings and the summary.
    const keep = Math.max(0, max - 1);
    const order = list
      .map((d, i) => ({ d, i }))
      .sort((a, b) => SEVERITY_RANK[a.d.severity] - SEVERITY_RANK[b.d.severity] || a.i - b.i);
    const kept = order
      .slice(0, keep)
      .sort((a, b) => a.i - b.i)
      .map((x) => x.d);
    const left = order
      .slice(keep)
      .sort((a, b) => a.i - b.i)
      .map((x) => x.d);
    const counts = { error: 0, warning: 0, info: 0 };
    for (const d of left) counts[d.severity]++;
    const worst = counts.error ? 'error' : counts.warning ? 'warning' : 'info';
    const parts = (['error', 'warning', 'info'] as const)
      .filter((s) => counts[s])
      .map((s) => `${counts[s]} ${s}${counts[s] === 1 ? '' : 's'}`);
    const first = left[0]!;
    // A plain copy of the first left out, without its related locations or fixes.
    const summary = {
      ...first,
      severity: worst,
      code: 'vta.limit',
      message: `${left.length} more findings not shown (${parts.join(', ')}; the first: ${first.message}): at most ${max} are reported per document (the vta.diagnostics.max setting, vta check --max-diagnostics)`,
    } as T & { related?: unknown; fixes?: unknown };
    delete summary.related;
    delete summary.fixes;
    for (const d of kept) out.push(d);
    out.push(summary);
  }
  return out;
}

function wellFormedPosition(p: Position | undefined): Position {
  const n = (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.min(Math.floor(v), 2 ** 31 - 1) : 0;
  return { line: n(p?.line), character: n(p?.character) };
}

/**
 * The range with integer, non-negative positions and its end not before its start (an
 * end before the start becomes the start): the one check every range passes before
 * it is published.
 */
export function wellFormedRange(r: Range | undefined): Range {
  const start = wellFormedPosition(r?.start);
  let end = wellFormedPosition(r?.end);
  if (end.line < start.line || (end.line === start.line && end.character < start.character)) end = { ...start };
  return { start, end };
}

/** Whether the range is already well formed (the check tests hold every producer to). */
export function isWellFormedRange(r: Range | undefined): boolean {
  if (!r) return false;
  const w = wellFormedRange(r);
  return (
    w.start.line === r.start.line &&
    w.start.character === r.start.character &&
    w.end.line === r.end.line &&
    w.end.character === r.end.character
  );
}

function positionBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/**
 * A document symbol's range and selection, well formed, with the selection inside the
 * range (LSP requires it; a statement recovery cut short may not hold its name).
 */
export function symbolRanges(range: Range, selection: Range): { range: Range; selectionRange: Range } {
  const r = wellFormedRange(range);
  const s = wellFormedRange(selection);
  const clamp = (p: Position): Position =>
    positionBefore(p, r.start) ? r.start : positionBefore(r.end, p) ? r.end : p;
  return { range: r, selectionRange: { start: clamp(s.start), end: clamp(s.end) } };
}
