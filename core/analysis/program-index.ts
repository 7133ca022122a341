/**
 * One index of an assembled Program that the language server's hovers and inlay
 * hints and the debugger's breakpoints share: source lines ↔ instructions, the SRAM
 * rows each instruction reads and writes, and the tokens in each queue around each
 * instruction. Built once per Program (memoized in a WeakMap), each part when first
 * asked. Its rows come from `RowWalk`, the one walk over a program's rows, which the
 * checks (one pass each) take directly: so a UOP-shadow or budget rule lives in one
 * place, and a hover, a data breakpoint and a hazard finding see the same rows.
 *
 * Work follows the text, not the loop counts: row sets come from `insnAccesses`
 * (intervals and bitsets bounded by the buffers' depths), and the walk stops past
 * ROW_WORK_BUDGET (`accesses` then answers undefined; the checks say where they
 * stopped). Row sets are kept packed in arrays of numbers, five per access plus its
 * rows unless they are one interval, not as objects (about 13 MB per 100,000
 * instructions instead of 50): a stream of half a million instructions must fit in a
 * server's heap.
 */
import type { DepFlag, QueueId } from '../isa';
import { MemType, Opcode, QUEUES, isNop, popFlagFor, pushFlagFor, tokenUse } from '../isa';
import { checkpoint } from '../lang/cancellation';
import type { Position, Program } from '../program/program';
import type { BufferName, RowAccess, Work } from './access';
import { ROW_WORK_BUDGET, UopShadow, insnAccesses } from './access';

/** A push/pop line as the program runs it. */
export interface TokenLine {
  queue: QueueId;
  /** Tokens in the queue after this line (after its last instruction), counted in text order. */
  count: number;
  /** The (first) instruction whose flag the line sets: a `nop` when the assembler inserted one. */
  carrier: number;
  flag: DepFlag;
}

const BUFS: readonly BufferName[] = ['inp', 'wgt', 'acc', 'uop'];
const BUF_ID: Record<BufferName, number> = { inp: 0, wgt: 1, acc: 2, uop: 3 };
/**
 * The packed form of an access's role: its number (bits 4 and up), buffer (bits 0–1)
 * and direction (bit 2). insnAccesses uses a handful of fixed role strings, each always
 * with the same buffer and direction, so one lookup per access packs all three.
 */
const roles: string[] = [];
const roleMetas: number[] = [];
function metaOf(a: RowAccess): number {
  // A scan, not a Map: about fifteen constant strings, compared by identity first.
  const role = a.role;
  let k = 0;
  while (k < roles.length && roles[k] !== role) k++;
  if (k === roles.length) {
    roles.push(role);
    roleMetas.push((k << 4) | BUF_ID[a.buf] | (a.write ? 4 : 0));
  }
  return a.approx ? roleMetas[k]! | 8 : roleMetas[k]!;
}

/** Numbers per packed access: meta (buffer, write, approx, role), min, max, first row number (-1: the rows are [min, max]), row numbers. */
const REC = 5;

const NO_INSNS: readonly number[] = [];
const QUEUE_SLOT = Object.fromEntries(QUEUES.map((q, k) => [q, k])) as Record<QueueId, number>;

/**
 * The one walk over a program's SRAM rows: each instruction's accesses with the UOP
 * buffer as the loads before it left it. A check that reads every instruction once
 * walks with its own (nothing kept: the rows of a keystroke's first tier die young);
 * the index keeps what its walk found for the readers that come back (hovers, data
 * breakpoints). The compute module's instructions (the UOP loads and the GEMM/ALU that
 * read them) must come in program order: program order itself, or the order the
 * modules run.
 */
export class RowWalk {
  private readonly shadow: UopShadow;

  /** `work`: where the rows' cost is added, a check's own tally for its budget. */
  constructor(
    private readonly program: Program,
    readonly work: Work = { units: 0 },
  ) {
    this.shadow = new UopShadow(program.target, program.dram);
  }

  /** Every SRAM access of instruction i; a LOAD UOP then loads its micro-ops into the shadow. */
  rows(i: number): RowAccess[] {
    const insn = this.program.insns[i]!.insn;
    const list = insnAccesses(this.program.target, insn, this.shadow, this.work);
    if (insn.opcode === Opcode.LOAD && insn.memory_type === MemType.UOP && !isNop(insn))
      this.shadow.load(insn, this.work);
    return list;
  }
}

export class ProgramIndex {
  // --- rows: packed, computed in program order up to `analysed` ---
  // Plain arrays of numbers: mostly small integers, 4 bytes each in V8's heap.
  private readonly recs: number[] = [];
  private readonly rows: number[] = [];
  /** recStart[i]..recStart[i+1]: instruction i's records (valid for i < analysed). */
  private readonly recStart: Uint32Array;
  private analysed = 0;
  private stopped = false;
  private walk?: RowWalk;

  // --- parts built when first asked ---
  private queueCounts?: Int32Array;
  private tokenLinesByFile?: Map<string, Map<number, TokenLine>>;
  private writtenByFile?: Map<string, Map<string, number[]>>;
  private onLineByFile?: Map<string, Map<number, number[]>>;

  constructor(readonly program: Program) {
    const n = program.insns.length;
    this.recStart = new Uint32Array(n + 1);
  }

  // --- SRAM rows ---------------------------------------------------------------

  /**
   * Every SRAM access of instruction i (the UOP buffer as the loads before it left
   * it), or undefined when the rows before it already cost more than ROW_WORK_BUDGET.
   * Fresh objects each call: callers may sort, change or keep them.
   */
  accesses(i: number): RowAccess[] | undefined {
    if (i < 0 || i >= this.program.insns.length) return undefined;
    // The reader that reaches an instruction first gets the rows as computed (no unpacking).
    if (i >= this.analysed) return this.analyse(i);
    const out: RowAccess[] = [];
    const recs = this.recs;
    const rows = this.rows;
    for (let r = this.recStart[i]!; r < this.recStart[i + 1]!; r++) {
      const o = r * REC;
      const meta = recs[o]!;
      const start = recs[o + 3]!;
      const len = recs[o + 4]!;
      let list: number[];
      if (start < 0) list = [recs[o + 1]!, recs[o + 2]! + 1];
      else {
        list = new Array(len);
        for (let k = 0; k < len; k++) list[k] = rows[start + k]!;
      }
      const a: RowAccess = {
        buf: BUFS[meta & 3]!,
        write: (meta & 4) !== 0,
        rows: list,
        min: recs[o + 1]!,
        max: recs[o + 2]!,
        role: roles[meta >>> 4]!,
      };
      if (meta & 8) a.approx = true;
      out.push(a);
    }
    return out;
  }

  /** Walks and packs the rows of the instructions up to `upTo`; returns those of `upTo` (undefined past the budget). */
  private analyse(upTo: number): RowAccess[] | undefined {
    if (this.stopped) return undefined;
    const walk = (this.walk ??= new RowWalk(this.program));
    let list: RowAccess[] | undefined;
    for (let i = this.analysed; i <= upTo; i++) {
      if (walk.work.units > ROW_WORK_BUDGET) {
        this.stopped = true;
        return undefined;
      }
      list = walk.rows(i);
      this.pack(list);
      this.recStart[i + 1] = this.recs.length / REC;
      this.analysed = i + 1;
    }
    return list;
  }

  private pack(list: RowAccess[]): void {
    const recs = this.recs;
    const rows = this.rows;
    let sharedRows: number[] | undefined;
    let sharedStart = 0;
    for (let k = 0; k < list.length; k++) {
      const a = list[k]!;
      const r = a.rows;
      // Most row sets are the one interval [min, max]: its rows are not stored (start -1).
      let start = -1;
      if (r.length !== 2 || r[0] !== a.min || r[1] !== a.max + 1) {
        // A GEMM/ALU reads the rows it writes: the same list, stored once.
        if (sharedRows === r) start = sharedStart;
        else {
          start = rows.length;
          for (let j = 0; j < r.length; j++) rows.push(r[j]!);
          sharedRows = r;
          sharedStart = start;
        }
      }
      recs.push(metaOf(a), a.min, a.max, start, r.length);
    }
  }

  // --- tokens ------------------------------------------------------------------

  /** Tokens in each queue before instruction i's pops, counted in program (text) order. */
  queuesBefore(i: number): Record<QueueId, number> {
    return this.queuesAt(i);
  }

  /** Tokens in each queue after instruction i's pushes. */
  queuesAfter(i: number): Record<QueueId, number> {
    return this.queuesAt(i + 1);
  }

  private queuesAt(row: number): Record<QueueId, number> {
    const c = this.counts();
    const out = {} as Record<QueueId, number>;
    QUEUES.forEach((q, k) => (out[q] = c[row * QUEUES.length + k]!));
    return out;
  }

  /** The push/pop line `line` of `file` as the program runs it (undefined when no instruction carries it). */
  tokenLine(file: string, line: number): TokenLine | undefined {
    this.counts();
    return this.tokenLinesByFile!.get(file)?.get(line);
  }

  /** Queue counts in rows of QUEUES.length: row i before instruction i, row i+1 after it; and the push/pop lines. */
  private counts(): Int32Array {
    if (this.queueCounts) return this.queueCounts;
    const insns = this.program.insns;
    const nq = QUEUES.length;
    const c = new Int32Array((insns.length + 1) * nq);
    const now = QUEUES.map(() => 0);
    const slot = QUEUE_SLOT;
    const byFile = new Map<string, Map<number, TokenLine>>();
    let lastFile: string | undefined;
    let lastLines: Map<number, TokenLine> | undefined;
    const note = (src: { file: string; start: Position } | undefined, q: QueueId, flag: DepFlag, index: number) => {
      if (!src) return;
      if (src.file !== lastFile) {
        lastFile = src.file;
        lastLines = byFile.get(lastFile);
        if (!lastLines) byFile.set(lastFile, (lastLines = new Map()));
      }
      // A line in a loop is carried by one instruction per iteration: the first carries it, the last counts.
      const prev = lastLines!.get(src.start.line);
      if (!prev) lastLines!.set(src.start.line, { queue: q, count: now[slot[q]]!, carrier: index, flag });
      else {
        prev.queue = q;
        prev.count = now[slot[q]]!;
        prev.flag = flag;
      }
    };
    for (let i = 0; i < insns.length; i++) {
      checkpoint();
      const pi = insns[i]!;
      for (let k = 0; k < nq; k++) c[i * nq + k] = now[k]!;
      const insn = pi.insn;
      if (!insn.pop_prev_dep && !insn.pop_next_dep && !insn.push_prev_dep && !insn.push_next_dep) continue;
      const use = tokenUse(insn);
      for (const q of use.pops) {
        now[slot[q]]!--;
        note(pi.tokenSources?.[popFlagFor(q)], q, popFlagFor(q), i);
      }
      for (const q of use.pushes) {
        now[slot[q]]!++;
        note(pi.tokenSources?.[pushFlagFor(q)], q, pushFlagFor(q), i);
      }
    }
    for (let k = 0; k < nq; k++) c[insns.length * nq + k] = now[k]!;
    this.tokenLinesByFile = byFile;
    return (this.queueCounts = c);
  }

  // --- source lines ↔ instructions ----------------------------------------------

  /** The instructions written by the statement that starts at `start` of `file` (through loops: several), in program order. */
  writtenAt(file: string, start: Position): readonly number[] {
    if (!this.writtenByFile) {
      const byFile = new Map<string, Map<string, number[]>>();
      this.program.insns.forEach((pi, i) => {
        if (pi.origin !== 'written' || !pi.source) return;
        let m = byFile.get(pi.source.file);
        if (!m) byFile.set(pi.source.file, (m = new Map()));
        const key = `${pi.source.start.line}:${pi.source.start.character}`;
        const list = m.get(key);
        if (list) list.push(i);
        else m.set(key, [i]);
      });
      this.writtenByFile = byFile;
    }
    return this.writtenByFile.get(file)?.get(`${start.line}:${start.character}`) ?? NO_INSNS;
  }

  /** The instructions written on 0-based line `line` of `file` or carrying a flag of a push/pop written there, in program order. */
  onLine(file: string, line: number): readonly number[] {
    return this.lineMap().get(file)?.get(line) ?? NO_INSNS;
  }

  /** The lines of `file` that hold instructions (0-based), sorted. */
  lines(file: string): number[] {
    return [...(this.lineMap().get(file)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** The files the instructions were written in, as their sources name them. */
  files(): string[] {
    return [...this.lineMap().keys()];
  }

  private lineMap(): Map<string, Map<number, number[]>> {
    if (this.onLineByFile) return this.onLineByFile;
    const byFile = new Map<string, Map<number, number[]>>();
    const add = (file: string, line: number, i: number) => {
      let m = byFile.get(file);
      if (!m) byFile.set(file, (m = new Map()));
      const l = m.get(line);
      if (!l) m.set(line, [i]);
      else if (l[l.length - 1] !== i) l.push(i);
    };
    this.program.insns.forEach((pi, i) => {
      if (pi.source) add(pi.source.file, pi.source.start.line, i);
      const ts = pi.tokenSources;
      if (ts) for (const r of Object.values(ts)) if (r) add(r.file, r.start.line, i);
    });
    return (this.onLineByFile = byFile);
  }
}

const indexes = new WeakMap<Program, ProgramIndex>();

/** The index of a Program, built once and shared by every reader of that Program. */
export function programIndex(program: Program): ProgramIndex {
  let x = indexes.get(program);
  if (!x) indexes.set(program, (x = new ProgramIndex(program)));
  return x;
}
