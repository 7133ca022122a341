/**
 * The token analysis (vta-assembly.md "Checks"): per-queue balance, deadlock with the
 * chain of waiting modules, tokens in flight beyond the target's queues, FINISH
 * ordered after every instruction of the other modules, and SRAM hazards between
 * modules that no chain of tokens orders. All of it rests on one abstract run
 * (execute.ts) and its happens-before clocks.
 */
import type { DepFlag, ModuleId, QueueId } from '../../isa';
import {
  MEM_TYPE_NAMES,
  MODULE_NAMES,
  Opcode,
  QUEUES,
  isNop,
  popFlagFor,
  pushFlagFor,
  queueConsumer,
  queueProducer,
} from '../../isa';
import type { Program, ProgramInsn, SourceRange } from '../../program/program';
import type { Range } from '../../lang/ast';
import { checkpoint } from '../../lang/cancellation';
import type { Diagnostic, Fix, FixEdit, RelatedInfo, Severity } from '../../lang/diagnostic';
import type { BufferName, Work } from '../access';
import { ROW_WORK_BUDGET, depthOf, rowsInside } from '../access';
import { RowWalk } from '../program-index';
import type { TokenRun } from './execute';
import { MOD_INDEX, happensBefore, runTokens } from './execute';

const BUF_LABEL: Record<BufferName, string> = { inp: 'INP', wgt: 'WGT', acc: 'ACC', uop: 'UOP' };
const MODS: readonly ModuleId[] = ['ld', 'ex', 'st'];
/** At most this many hazard diagnostics (grouped by the two source lines). */
const MAX_HAZARDS = 200;
/** At most this many related locations on one diagnostic. */
const MAX_RELATED = 20;

export interface TokenCheckOptions {
  /** File for instructions without a source (binary streams). */
  file: string;
  /** Row operations the hazard analysis may spend (ROW_WORK_BUDGET unless given). */
  budget?: number;
}

/** Everything the token analysis reports about a program. */
export function tokenChecks(program: Program, file: string, budget?: number): Diagnostic[] {
  return new TokenChecker(program, { file, budget }).run();
}

interface Loc {
  file: string;
  range: Range;
  instruction: number;
  /** False when the location is made up (no source: line = instruction index). */
  real: boolean;
}

function rangeOf(s: SourceRange): Range {
  return { start: s.start, end: s.end };
}

function rowsText(rows: number[]): string {
  // rows: sorted, unique row numbers → "0..15, 16..31" style runs.
  const parts: string[] = [];
  for (let k = 0; k < rows.length; ) {
    let e = k;
    while (e + 1 < rows.length && rows[e + 1] === rows[e]! + 1) e++;
    parts.push(rows[k] === rows[e] ? `${rows[k]}` : `${rows[k]}..${rows[e]}`);
    k = e + 1;
  }
  return parts.join(', ');
}

/** A short name for an instruction: `STORE`, `LOAD WGT`, `GEMM`, `nop st`. */
export function insnName(p: ProgramInsn): string {
  const insn = p.insn;
  if (isNop(insn)) return `nop ${p.module}`;
  switch (insn.opcode) {
    case Opcode.LOAD:
      return `LOAD ${MEM_TYPE_NAMES[insn.memory_type] ?? insn.memory_type}`;
    case Opcode.STORE:
      return 'STORE';
    case Opcode.GEMM:
      return 'GEMM';
    case Opcode.ALU:
      return 'ALU';
    case Opcode.FINISH:
      return 'FINISH';
    default:
      return `opcode ${insn.opcode}`;
  }
}

class TokenChecker {
  private readonly out: Diagnostic[] = [];
  private readonly insns: ProgramInsn[];
  private readonly r: TokenRun;

  constructor(
    private readonly program: Program,
    private readonly opts: TokenCheckOptions,
  ) {
    this.insns = program.insns;
    this.r = runTokens(program);
  }

  run(): Diagnostic[] {
    if (!this.insns.length) return [];
    this.balance();
    if (this.r.deadlocked) this.deadlock();
    this.depth();
    this.finishOrder();
    this.hazards();
    return this.out;
  }

  // --- locations --------------------------------------------------------------

  private loc(i: number): Loc {
    const s = this.insns[i]!.source;
    if (s) return { file: s.file, range: rangeOf(s), instruction: i, real: true };
    return {
      file: this.opts.file,
      range: { start: { line: i, character: 0 }, end: { line: i, character: 0 } },
      instruction: i,
      real: false,
    };
  }

  /** Where a flag of instruction i was written: its push/pop line, else the instruction. */
  private flagLoc(i: number, flag: DepFlag): Loc {
    const s = this.insns[i]!.tokenSources?.[flag];
    if (s) return { file: s.file, range: rangeOf(s), instruction: i, real: true };
    return this.loc(i);
  }

  private where(l: Loc): string {
    return l.real ? `line ${l.range.start.line + 1}` : `instruction ${l.instruction}`;
  }

  /** "STORE at line 22 (instruction 7)" */
  private describe(i: number): string {
    const l = this.loc(i);
    return l.real
      ? `${insnName(this.insns[i]!)} at line ${l.range.start.line + 1} (instruction ${i})`
      : `${insnName(this.insns[i]!)} (instruction ${i})`;
  }

  private related(l: Loc, message: string): RelatedInfo {
    return { file: l.file, range: l.range, message, instruction: l.instruction };
  }

  private report(
    l: Loc,
    severity: Severity,
    code: string,
    message: string,
    related?: RelatedInfo[],
    fixes?: Fix[],
  ): void {
    const d: Diagnostic = { file: l.file, range: l.range, severity, code, message, instruction: l.instruction };
    if (related?.length) d.related = related.slice(0, MAX_RELATED);
    if (fixes?.length) d.fixes = fixes;
    this.out.push(d);
  }

  /** Line ranges of instruction i together with its push/pop lines. */
  private span(i: number): { file: string; first: number; last: number; firstPop: number } | undefined {
    const p = this.insns[i]!;
    if (!p.source) return undefined;
    let first = p.source.start.line;
    let last = p.source.end.line;
    let firstPop = first;
    for (const [flag, s] of Object.entries(p.tokenSources ?? {}) as [DepFlag, SourceRange][]) {
      if (s.file !== p.source.file) continue;
      if (flag.startsWith('pop')) firstPop = Math.min(firstPop, s.start.line);
      first = Math.min(first, s.start.line);
      last = Math.max(last, s.end.line);
    }
    return { file: p.source.file, first, last, firstPop };
  }

  /** The indentation of instruction i's line, so that inserted lines line up with it. */
  private indent(i: number): string {
    return ' '.repeat(this.insns[i]!.source?.start.character ?? 2);
  }

  /** An edit inserting `lines` on their own lines after instruction i (and its push lines). */
  private insertAfter(i: number, ...lines: string[]): FixEdit | undefined {
    const s = this.span(i);
    if (!s) return undefined;
    const at = { line: s.last + 1, character: 0 };
    return {
      file: s.file,
      range: { start: at, end: at },
      newText: lines.map((l) => `${this.indent(i)}${l}\n`).join(''),
    };
  }

  /** An edit inserting `lines` on their own lines before instruction i (and its pop lines). */
  private insertBefore(i: number, ...lines: string[]): FixEdit | undefined {
    const s = this.span(i);
    if (!s) return undefined;
    const at = { line: s.firstPop, character: 0 };
    return {
      file: s.file,
      range: { start: at, end: at },
      newText: lines.map((l) => `${this.indent(i)}${l}\n`).join(''),
    };
  }

  /**
   * The lines of a new `push q` on module m that folds onto instruction `prev` (m's
   * instruction before it): with a `nop m` to carry it when there is none or `prev`
   * already pushes q, as the assembler would otherwise insert (and report) itself.
   */
  private pushLines(m: ModuleId, q: QueueId, prev: number | undefined): string[] {
    return prev === undefined || this.insns[prev]!.insn[pushFlagFor(q)] ? [`nop ${m}`, `push ${q}`] : [`push ${q}`];
  }

  /** Orders a before b with a new token on q: `push q` after a, `pop q` before b. */
  private tokenFix(a: number, b: number, q: QueueId, title: string): Fix | undefined {
    const push = this.insertAfter(a, ...this.pushLines(queueProducer(q), q, a));
    const pop = this.insertBefore(b, `pop ${q}`);
    if (!push || !pop || push.file !== pop.file) return undefined;
    // Across iterations of a loop (a later iteration's b against an earlier one's a),
    // the token must skip the iterations that have no partner: guard it with `if`.
    if (push.range.start.line > pop.range.start.line) return this.loopTokenFix(a, b, q, title);
    if (push.range.start.line === pop.range.start.line)
      return { title, edits: [{ ...push, newText: push.newText + pop.newText }] };
    return { title, edits: [push, pop] };
  }

  /**
   * `a` in iteration i and `b` in iteration i + d of the same loop, with b written
   * above a: pop before b from iteration from + d on, push after a until iteration
   * to − d − 1, so that pushes and pops pair up (the double-buffering pattern).
   */
  private loopTokenFix(a: number, b: number, q: QueueId, title: string): Fix | undefined {
    const la = this.insns[a]!.loops;
    const lb = this.insns[b]!.loops;
    if (!la || !lb) return undefined;
    let k = -1;
    for (let i = 0; i < Math.min(la.length, lb.length); i++) {
      if (la[i]!.header.start.line !== lb[i]!.header.start.line || la[i]!.header.file !== lb[i]!.header.file) break;
      if (i < Math.min(la.length, lb.length) - 1 && la[i]!.value !== lb[i]!.value) break;
      k = i;
    }
    if (k < 0) return undefined;
    const loop = la[k]!;
    const d = lb[k]!.value - loop.value;
    if (d <= 0) return undefined;
    const sa = this.span(a);
    const sb = this.span(b);
    const pa = this.insns[a]!.source;
    const pb = this.insns[b]!.source;
    if (!sa || !sb || !pa || !pb || sa.file !== sb.file) return undefined;
    const ind = (n: number) => ' '.repeat(n);
    const ia = pa.start.character;
    const ib = pb.start.character;
    const v = loop.variable;
    // The loop's bounds as written (`CO`, not its value), so the guard reads like the loop.
    const from =
      loop.fromText === undefined || /^\d+$/.test(loop.fromText) ? String(loop.from + d) : `${loop.fromText} + ${d}`;
    const to = loop.toText ?? String(loop.to);
    const pop = `${ind(ib)}if ${v} >= ${from} {\n${ind(ib + 2)}pop ${q}\n${ind(ib)}}\n`;
    const push = `${ind(ia)}if ${v} + ${d} < ${to} {\n${this.pushLines(queueProducer(q), q, a)
      .map((l) => `${ind(ia + 2)}${l}\n`)
      .join('')}${ind(ia)}}\n`;
    return {
      title: `${title} (guarded: the token crosses ${d} iteration${d === 1 ? '' : 's'} of the ${v} loop)`,
      edits: [
        {
          file: sb.file,
          range: { start: { line: sb.firstPop, character: 0 }, end: { line: sb.firstPop, character: 0 } },
          newText: pop,
        },
        {
          file: sa.file,
          range: { start: { line: sa.last + 1, character: 0 }, end: { line: sa.last + 1, character: 0 } },
          newText: push,
        },
      ],
    };
  }

  private removeLineFix(l: Loc, title: string): Fix | undefined {
    if (!l.real) return undefined;
    const line = l.range.start.line;
    return {
      title,
      edits: [
        { file: l.file, range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, newText: '' },
      ],
    };
  }

  // --- vta.tokens.balance -------------------------------------------------------

  private balance(): void {
    for (const q of QUEUES) {
      const pushers = this.r.pushers[q];
      const poppers = this.r.poppers[q];
      const P = pushers.length;
      const C = poppers.length;
      if (P === C) continue;
      const push = P > C;
      const extra = push ? pushers.slice(C) : poppers.slice(P);
      const flag = push ? pushFlagFor(q) : popFlagFor(q);
      const groups = new Map<string, { loc: Loc; count: number }>();
      for (const i of extra) {
        const l = this.flagLoc(i, flag);
        const key = l.real ? `${l.file}:${l.range.start.line}:${l.range.start.character}` : `#${i}`;
        const g = groups.get(key);
        if (g) g.count++;
        else groups.set(key, { loc: l, count: 1 });
      }
      const totals = `${q} gets ${P} push${P === 1 ? '' : 'es'} and ${C} pop${C === 1 ? '' : 's'} over the whole stream`;
      for (const { loc, count } of groups.values()) {
        const times = count > 1 ? ` (${count} unmatched here)` : '';
        if (push) {
          const fix = this.insns[loc.instruction]!.tokenSources?.[flag]
            ? this.removeLineFix(loc, `remove this push ${q}`)
            : undefined;
          this.report(
            loc,
            'warning',
            'vta.tokens.balance',
            `push ${q} has no matching pop: ${totals}${times}; the leftover token stays in the queue and leaks into the next run`,
            undefined,
            fix ? [fix] : undefined,
          );
        } else {
          const fix = this.insns[loc.instruction]!.tokenSources?.[flag]
            ? this.removeLineFix(loc, `remove this pop ${q}`)
            : undefined;
          this.report(
            loc,
            'error',
            'vta.tokens.balance',
            `pop ${q} has no matching push: ${totals}${times}; this pop can never be satisfied`,
            undefined,
            fix ? [fix] : undefined,
          );
        }
      }
    }
  }

  // --- vta.tokens.deadlock ------------------------------------------------------

  private waitsOn(m: ModuleId): ModuleId | undefined {
    const s = this.r.state[m];
    if (s.kind === 'done') return undefined;
    return s.kind === 'pop' ? queueProducer(s.queue) : queueConsumer(s.queue);
  }

  private stateText(m: ModuleId): string {
    const s = this.r.state[m];
    const name = `the ${MODULE_NAMES[m]} module`;
    if (s.kind === 'done') return `${name} has finished all its instructions`;
    if (s.kind === 'pop') return `${name} is itself blocked waiting on ${s.queue} before ${this.describe(s.insn)}`;
    return `${name} is itself blocked: ${this.describe(s.insn)} cannot push ${s.queue}, which is full`;
  }

  private deadlock(): void {
    const st = this.r.state;
    const blocked = MODS.filter((m) => st[m].kind !== 'done');
    // Roots: blocked on a module that is done, or on a cycle of blocked modules.
    const roots: ModuleId[] = [];
    for (const m of blocked) {
      const w = this.waitsOn(m)!;
      if (st[w].kind === 'done') {
        roots.push(m);
        continue;
      }
      // On a cycle when following the waits from m comes back to m; one diagnostic per
      // cycle, at the member blocked earliest in the stream (the others are related).
      const cycle: ModuleId[] = [];
      let cur: ModuleId | undefined = w;
      for (let k = 0; k < 3 && cur; k++) {
        if (cur === m) {
          const first = cycle.every((o) => (st[o] as { insn: number }).insn > (st[m] as { insn: number }).insn);
          if (first) roots.push(m);
          break;
        }
        cycle.push(cur);
        cur = this.waitsOn(cur);
      }
    }
    for (const m of roots) {
      const s = st[m] as Exclude<(typeof st)[ModuleId], { kind: 'done' }>;
      const q = s.queue;
      const w = this.waitsOn(m)!;
      // The chain: from m through the modules it waits on, until done or back at m.
      const chain: string[] = [];
      let cur: ModuleId = w;
      for (let k = 0; k < 3; k++) {
        chain.push(this.stateText(cur));
        const next = this.waitsOn(cur);
        if (!next || next === m || st[next].kind === 'done') {
          if (next === m) chain.push(`which waits on the ${MODULE_NAMES[m]} module: a cycle`);
          break;
        }
        cur = next;
      }
      const related: RelatedInfo[] = [];
      const fixes: Fix[] = [];
      let loc: Loc;
      let message: string;
      if (s.kind === 'pop') {
        loc = this.flagLoc(s.insn, popFlagFor(q));
        const pushes = this.r.pushers[q].length;
        const popsBefore = this.r.poppers[q].indexOf(s.insn);
        message = `deadlock: the ${MODULE_NAMES[m]} module waits here for a token on ${q} (pop ${popsBefore + 1}; ${q} gets ${pushes} push${pushes === 1 ? '' : 'es'} in all) that never comes: ${chain.join(', ')}`;
        if (loc.real && loc.range.start.line !== this.loc(s.insn).range.start.line)
          related.push(this.related(this.loc(s.insn), `the blocked ${insnName(this.insns[s.insn]!)}`));
        // One push of q by the producer would release it.
        const ps = st[w];
        const prodOrder = this.r.order[w];
        let fix: FixEdit | undefined;
        if (ps.kind === 'done' || ps.kind === 'pop') {
          // After the producer's last instruction that ran, or before the one it is stuck at.
          if (ps.kind === 'done') {
            const last = prodOrder[prodOrder.length - 1];
            if (last !== undefined) {
              fix = this.insertAfter(last, ...this.pushLines(w, q, last));
              related.push(this.related(this.loc(last), `the ${MODULE_NAMES[w]} module's last instruction`));
            }
          } else {
            fix = this.insertBefore(ps.insn, ...this.pushLines(w, q, prodOrder[this.r.posInModule[ps.insn]! - 1]));
            related.push(
              this.related(
                this.flagLoc(ps.insn, popFlagFor(ps.queue)),
                `the ${MODULE_NAMES[w]} module waits here on ${ps.queue}`,
              ),
            );
          }
        }
        if (fix)
          fixes.push({
            title: `push ${q} on the ${MODULE_NAMES[w]} module so that this pop can complete`,
            edits: [fix],
          });
        if (this.insns[s.insn]!.tokenSources?.[popFlagFor(q)]) {
          const rm = this.removeLineFix(loc, `remove this pop ${q}`);
          if (rm) fixes.push(rm);
        }
      } else {
        loc = this.flagLoc(s.insn, pushFlagFor(q));
        message = `deadlock: the ${MODULE_NAMES[m]} module cannot push ${q} here: the queue is full (${this.r.capacity} tokens on this target) and ${chain.join(', ')}`;
      }
      // The modules waiting behind m.
      for (const o of blocked) {
        if (o === m || roots.includes(o)) continue;
        let c: ModuleId | undefined = this.waitsOn(o);
        for (let k = 0; k < 3 && c && c !== m; k++) c = this.waitsOn(c);
        if (c !== m) continue;
        const os = st[o] as Exclude<(typeof st)[ModuleId], { kind: 'done' }>;
        const ol = this.flagLoc(os.insn, os.kind === 'pop' ? popFlagFor(os.queue) : pushFlagFor(os.queue));
        related.push(
          this.related(
            ol,
            `the ${MODULE_NAMES[o]} module waits here on ${os.queue}, behind the ${MODULE_NAMES[this.waitsOn(o)!]} module`,
          ),
        );
      }
      this.report(loc, 'error', 'vta.tokens.deadlock', message, related, fixes);
    }
  }

  // --- vta.tokens.depth ---------------------------------------------------------

  private depth(): void {
    const cap = this.r.capacity;
    if (!Number.isFinite(cap)) return;
    const board = this.program.target.board;
    for (const q of QUEUES) {
      const pushers = this.r.pushers[q];
      if (pushers.length <= cap) continue;
      const c = queueConsumer(q);
      const cOrder = this.r.order[c];
      const prefix = new Int32Array(cOrder.length + 1);
      for (let k = 0; k < cOrder.length; k++)
        prefix[k + 1] = prefix[k]! + (this.r.pops[cOrder[k]!]!.includes(q) ? 1 : 0);
      let worst = 0;
      let at = -1;
      for (let k = 0; k < pushers.length; k++) {
        const i = pushers[k]!;
        if (!this.r.executed[i]) continue;
        const inFlight = k + 1 - prefix[this.r.clock[3 * i + MOD_INDEX[c]]!]!;
        if (inFlight > worst) {
          worst = inFlight;
          at = i;
        }
      }
      if (worst <= cap || at < 0) continue;
      const lost = board.implementation === 'chisel';
      this.report(
        this.flagLoc(at, pushFlagFor(q)),
        lost ? 'error' : 'warning',
        'vta.tokens.depth',
        `up to ${worst} tokens can be in flight on ${q} at this push (nothing orders the ${MODULE_NAMES[c]} module's pops before it), but the ${this.program.target.name} target's queue holds ${cap}: ${lost ? 'the semaphore saturates and further tokens are lost' : 'the producer stalls until the queue drains'}`,
      );
    }
  }

  // --- vta.finish.order ---------------------------------------------------------

  private finishOrder(): void {
    const f = this.r.finish;
    if (f < 0 || !this.r.finishRan) return;
    const fclock = 3 * f;
    for (const m of ['ld', 'st'] as const) {
      const ordered = this.r.clock[fclock + MOD_INDEX[m]]!;
      const loose = this.r.order[m].filter(
        (i) => i < f && this.r.posInModule[i]! >= ordered && !isNop(this.insns[i]!.insn),
      );
      if (!loose.length) continue;
      const last = loose[loose.length - 1]!;
      const q: QueueId = m === 'ld' ? 'ld->ex' : 'st->ex';
      const names =
        loose.length === 1
          ? this.describe(last)
          : `${loose.length} ${MODULE_NAMES[m]}-module instructions, the last ${this.describe(last)}`;
      const related = loose
        .slice(-MAX_RELATED)
        .reverse()
        .map((i) => this.related(this.loc(i), `${insnName(this.insns[i]!)} can still run after finish`));
      const fix = this.tokenFix(
        last,
        f,
        q,
        `order the ${insnName(this.insns[last]!)} before finish: push ${q} after it, pop ${q} before finish`,
      );
      this.report(
        this.loc(f),
        'error',
        'vta.finish.order',
        `finish can end the run before ${names}: no token orders ${loose.length === 1 ? 'it' : 'them'} before finish, and fsim drops what has not run`,
        related,
        fix ? [fix] : undefined,
      );
    }
  }

  // --- vta.hazard.* -------------------------------------------------------------

  private hazards(): void {
    const t = this.program.target;
    const r = this.r;
    const bufs: BufferName[] = ['inp', 'wgt', 'acc', 'uop'];
    // Per buffer, per module: the last write and the last read of each row (-1: none).
    const lastW = {} as Record<BufferName, Int32Array[]>;
    const lastR = {} as Record<BufferName, Int32Array[]>;
    for (const b of bufs) {
      const d = depthOf(t, b);
      lastW[b] = [0, 1, 2].map(() => new Int32Array(d).fill(-1));
      lastR[b] = [0, 1, 2].map(() => new Int32Array(d).fill(-1));
    }
    interface Group {
      early: number;
      late: number;
      buf: BufferName;
      kind: 'raw' | 'war' | 'waw';
      rows: Set<number>;
      pairs: Map<string, Set<number>>;
    }
    const groups = new Map<string, Group>();
    const keyOf = (i: number): string => {
      const s = this.insns[i]!.source;
      return s ? `${s.file}:${s.start.line}` : `#${i}`;
    };
    const work: Work = { units: 0 };
    const walk = new RowWalk(this.program, work);
    const budget = this.opts.budget ?? ROW_WORK_BUDGET;
    const race = (a: number, aWrite: boolean, b: number, bWrite: boolean, buf: BufferName, row: number): void => {
      // A race builds keys and fills sets: worth many row operations.
      work.units += 32;
      const [early, eW, late, lW] = a < b ? [a, aWrite, b, bWrite] : [b, bWrite, a, aWrite];
      const kind = eW && lW ? 'waw' : eW ? 'raw' : 'war';
      const key = `${keyOf(early)}|${keyOf(late)}|${buf}|${kind}`;
      let g = groups.get(key);
      if (!g) {
        if (groups.size >= MAX_HAZARDS) return;
        g = { early, late, buf, kind, rows: new Set(), pairs: new Map() };
        groups.set(key, g);
      }
      g.rows.add(row);
      const pk = `${early},${late}`;
      let pr = g.pairs.get(pk);
      if (!pr) g.pairs.set(pk, (pr = new Set()));
      pr.add(row);
    };

    // Only buffers that two modules touch can race; the UOP buffer is compute-only.
    for (let n = 0; n < r.execOrder.length; n++) {
      checkpoint();
      const i = r.execOrder[n]!;
      if (work.units > budget) {
        this.report(
          this.loc(i),
          'warning',
          'vta.budget',
          `hazards between modules were not checked from here on (${r.execOrder.length - n} of ${r.execOrder.length} instructions in the order they run): the rows the program moves exceed the analysis budget`,
        );
        break;
      }
      const m = r.moduleIndex[i]!;
      // In the order the modules run: the compute module's UOP loads and GEMM/ALU stay in program order.
      const accesses = walk.rows(i);
      // Reads before writes: an instruction reads its inputs, then writes its outputs.
      accesses.sort((a, b) => Number(a.write) - Number(b.write));
      for (const a of accesses) {
        // A summarised row set (approx) is too wide to name rows two modules share.
        if (a.buf === 'uop' || a.approx) continue;
        const depth = depthOf(t, a.buf);
        work.units += 3 * rowsInside(a, depth);
        const W = lastW[a.buf];
        const R = lastR[a.buf];
        for (let k = 0; k < a.rows.length; k += 2) {
          const hi = Math.min(a.rows[k + 1]!, depth);
          for (let row = Math.max(0, a.rows[k]!); row < hi; row++) {
            for (let o = 0; o < 3; o++) {
              if (o === m) continue;
              const w = W[o]![row]!;
              if (w >= 0 && !happensBefore(r, w, i)) race(w, true, i, a.write, a.buf, row);
              if (a.write) {
                const rd = R[o]![row]!;
                if (rd >= 0 && !happensBefore(r, rd, i)) race(rd, false, i, true, a.buf, row);
              }
            }
            (a.write ? W : R)[m]![row] = i;
          }
        }
      }
    }

    const KIND_TEXT = { raw: 'read-after-write', war: 'write-after-read', waw: 'write-after-write' } as const;
    const CODE = { raw: 'vta.hazard.raw', war: 'vta.hazard.war', waw: 'vta.hazard.waw' } as const;
    for (const g of groups.values()) {
      const rows = [...g.rows].sort((a, b) => a - b);
      const late = this.insns[g.late]!;
      const early = this.insns[g.early]!;
      const lateName = insnName(late);
      const earlyName = insnName(early);
      const earlyLoc = this.loc(g.early);
      const lm = late.module;
      const em = early.module;
      const lateDoes = g.kind === 'raw' ? 'read' : 'write';
      const earlyDoes = g.kind === 'war' ? 'reading' : 'writing';
      const n = g.pairs.size;
      const q = queueBetween(em, lm);
      // Rows per instruction pair: `0..15 and 16..31` for two loop iterations.
      const perPair = [...new Set([...g.pairs.values()].map((set) => rowsText([...set].sort((a, b) => a - b))))];
      const rowText = perPair.length > 1 && perPair.length <= 4 ? perPair.join(' and ') : rowsText(rows);
      const message = `${KIND_TEXT[g.kind]} hazard on ${BUF_LABEL[g.buf]} rows ${rowText}: this ${lateName} (${MODULE_NAMES[lm]} module) can ${lateDoes} them while the ${earlyName} at ${this.where(earlyLoc)} (${MODULE_NAMES[em]} module, earlier in the stream) is still ${earlyDoes} them; no chain of tokens orders the two${n > 1 ? ` (${n} instruction pairs)` : ''}`;
      const related = [
        this.related(
          earlyLoc,
          `the ${earlyName} that ${g.kind === 'war' ? 'reads' : 'writes'} ${BUF_LABEL[g.buf]} rows ${rowsText(rows)}`,
        ),
      ];
      const fix = q
        ? this.tokenFix(
            g.early,
            g.late,
            q,
            `order them: push ${q} after the ${earlyName}, pop ${q} before the ${lateName}`,
          )
        : undefined;
      this.report(this.loc(g.late), 'error', CODE[g.kind], message, related, fix ? [fix] : undefined);
    }
  }
}

/** The queue that orders module a before module b, if there is one. */
function queueBetween(a: ModuleId, b: ModuleId): QueueId | undefined {
  return QUEUES.find((q) => queueProducer(q) === a && queueConsumer(q) === b);
}
