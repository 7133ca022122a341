/**
 * First-tier checks over an assembled program, cheap enough for every keystroke:
 * SRAM and DRAM bounds with the computed ranges, reads of rows nothing wrote,
 * hardware-fidelity warnings, and where FINISH stands in the stream.
 */
import type { Insn, VtaTarget } from '../isa';
import { MemType, MEM_TYPE_NAMES, Opcode, isNop, moduleOf, tokenUse } from '../isa';
import type { Program, ProgramInsn, SourceRange, TensorPlacement } from '../program/program';
import type { Diagnostic, RelatedInfo, Severity } from '../lang/diagnostic';
import type { BufferName, RowAccess, Work } from './access';
import { checkpoint } from '../lang/cancellation';
import { Findings } from '../lang/findings';
import { ROW_WORK_BUDGET, depthOf, rowsInside } from './access';
import { RowWalk } from './program-index';

const BUF_LABEL: Record<BufferName, string> = { inp: 'INP', wgt: 'WGT', acc: 'ACC', uop: 'UOP' };

export interface CheckOptions {
  /** File name for diagnostics of instructions without a source (binary streams). */
  file: string;
  /** Row operations the SRAM checks may spend (ROW_WORK_BUDGET unless given). */
  budget?: number;
}

/** Collects the findings; repeats from other iterations of a loop are merged (Findings). */
class Reporter {
  private readonly findings = new Findings();
  constructor(private readonly file: string) {}
  at(p: ProgramInsn, index: number, severity: Severity, code: string, message: string, related?: RelatedInfo[]): void {
    const src: SourceRange | undefined = p.source;
    const d: Diagnostic = {
      file: src?.file ?? this.file,
      range: src
        ? { start: src.start, end: src.end }
        : { start: { line: index, character: 0 }, end: { line: index, character: 0 } },
      severity,
      code,
      message,
      instruction: index,
    };
    if (related?.length) d.related = related;
    this.findings.add(d, p.loops);
  }

  get out(): Diagnostic[] {
    return this.findings.result();
  }
}

function rangeText(lo: number, hi: number): string {
  return lo === hi ? `${lo}` : `${lo}..${hi}`;
}

export function firstTierChecks(program: Program, opts: CheckOptions): Diagnostic[] {
  const t = program.target;
  const rep = new Reporter(opts.file);
  const written: Record<BufferName, Uint8Array> = {
    inp: new Uint8Array(t.inp.depth),
    wgt: new Uint8Array(t.wgt.depth),
    acc: new Uint8Array(t.acc.depth),
    uop: new Uint8Array(t.uop.depth),
  };
  // For each ACC row: 1 when a LOAD ACC wrote it last, 2 when GEMM/ALU did.
  const accWriter = new Uint8Array(t.acc.depth);
  const uninitReported = new Set<string>();
  const checkDram = program.layout.tensors.length > 0 || program.dram.length > 0;

  const insns = program.insns;
  const budget = opts.budget ?? ROW_WORK_BUDGET;
  const work: Work = { units: 0 };
  // One pass in program order: the rows are walked here, not kept (programIndex keeps them for readers that come back).
  const walk = new RowWalk(program, work);
  let sramChecked = true;
  let firstFinish = -1;
  for (let index = 0; index < insns.length; index++) {
    checkpoint();
    const p = insns[index]!;
    const insn = p.insn;
    if (insn.opcode === Opcode.FINISH && firstFinish < 0) firstFinish = index;
    illegalFlags(rep, p, index);
    if ((insn.opcode === Opcode.LOAD || insn.opcode === Opcode.STORE) && !isNop(insn) && checkDram)
      dramBounds(rep, program, p, index);
    if (sramChecked && work.units > budget) {
      sramChecked = false;
      rep.at(
        p,
        index,
        'warning',
        'vta.budget',
        `SRAM bounds, uninitialised reads and store fidelity were not checked from here on (instructions ${index}..${insns.length - 1}): the rows the program moves exceed the analysis budget`,
      );
    }
    if (sramChecked) sramChecks(rep, t, p, index, walk.rows(index), { written, accWriter, uninitReported, work });
    if (insn.opcode === Opcode.STORE && insn.memory_type !== MemType.OUT && !isNop(insn)) {
      rep.at(
        p,
        index,
        'error',
        'vta.range.store-mem',
        `STORE from memory type ${MEM_TYPE_NAMES[insn.memory_type] ?? insn.memory_type}: fsim accepts only OUT (4)`,
      );
    }
    if (insn.opcode === Opcode.LOAD && insn.memory_type === MemType.OUT && !isNop(insn)) {
      rep.at(
        p,
        index,
        'error',
        'vta.range.load-mem',
        'LOAD into the OUT buffer: OUT is only a STORE source (fsim aborts)',
      );
    }
  }
  finishPlacement(rep, program, firstFinish);
  return rep.out;
}

/** What the SRAM checks remember from one instruction to the next. */
interface SramState {
  written: Record<BufferName, Uint8Array>;
  /** For each ACC row: 1 when a LOAD ACC wrote it last, 2 when GEMM/ALU did. */
  accWriter: Uint8Array;
  uninitReported: Set<string>;
  work: Work;
}

/** SRAM bounds, reads of rows nothing wrote and store fidelity of one instruction. */
function sramChecks(
  rep: Reporter,
  t: VtaTarget,
  p: ProgramInsn,
  index: number,
  accesses: RowAccess[],
  s: SramState,
): void {
  const { written, accWriter, uninitReported, work } = s;
  const insn = p.insn;
  for (const a of accesses) sramBounds(rep, t, a, p, index);
  // Reads first (an instruction reads its inputs before writing its outputs).
  for (const a of accesses) {
    work.units += rowsInside(a, depthOf(t, a.buf));
    if (a.write) continue;
    // A summarised row set is too wide to say which rows were read.
    if (a.approx) continue;
    const unwritten = firstUnwritten(a, written[a.buf], depthOf(t, a.buf));
    if (unwritten) {
      const key = `${p.source?.file}:${p.source?.start.line}:${a.buf}`;
      if (!uninitReported.has(key)) {
        uninitReported.add(key);
        rep.at(
          p,
          index,
          'warning',
          'vta.uninit',
          `${a.role} ${rangeText(unwritten.lo, unwritten.hi)} that nothing wrote before (${unwritten.count} row${unwritten.count === 1 ? '' : 's'} uninitialised)`,
        );
      }
    }
    if (a.buf === 'acc' && insn.opcode === Opcode.STORE) storeFidelity(rep, a, accWriter, p, index);
  }
  for (const a of accesses) {
    if (!a.write) continue;
    markRows(a, written[a.buf], depthOf(t, a.buf));
    if (a.buf === 'acc') markRows(a, accWriter, t.acc.depth, insn.opcode === Opcode.LOAD ? 1 : 2);
  }
}

function illegalFlags(rep: Reporter, p: ProgramInsn, index: number): void {
  // Cheap test first: only `prev` flags on the load module and `next` flags on the
  // store module address no queue (queueOfFlag); most instructions set neither.
  const insn = p.insn;
  const m = moduleOf(insn);
  if (
    m === 'ex' ||
    (m === 'ld' ? !insn.pop_prev_dep && !insn.push_prev_dep : !insn.pop_next_dep && !insn.push_next_dep)
  )
    return;
  const use = tokenUse(insn);
  if (use.illegal.length) {
    const which = use.illegal.join(', ');
    rep.at(
      p,
      index,
      'error',
      'vta.tokens.flag',
      `${use.module === 'ld' ? 'a load-module instruction' : 'a store-module instruction'} has ${which} set, which addresses no queue of its module (fsim crashes on it)`,
    );
  }
}

function sramBounds(rep: Reporter, t: VtaTarget, a: RowAccess, p: ProgramInsn, index: number): void {
  const depth = depthOf(t, a.buf);
  if (a.max < depth || a.max < a.min) return;
  rep.at(
    p,
    index,
    'error',
    `vta.bounds.${a.buf}`,
    `${a.role} ${rangeText(a.min, a.max)}, past the end of the ${BUF_LABEL[a.buf]} buffer (${depth} rows, 0..${depth - 1})`,
  );
}

function firstUnwritten(
  a: RowAccess,
  written: Uint8Array,
  depth: number,
): { lo: number; hi: number; count: number } | undefined {
  // The first run of unwritten rows (for the message) and how many there are in all.
  let lo = -1;
  let hi = -1;
  let inFirstRun = false;
  let count = 0;
  for (let k = 0; k < a.rows.length; k += 2) {
    const end = Math.min(a.rows[k + 1]!, depth);
    for (let r = a.rows[k]!; r < end; r++) {
      if (written[r]) {
        inFirstRun = false;
        continue;
      }
      count++;
      if (lo < 0) {
        lo = hi = r;
        inFirstRun = true;
      } else if (inFirstRun && r === hi + 1) hi = r;
      else inFirstRun = false;
    }
  }
  return count ? { lo, hi, count } : undefined;
}

function markRows(a: RowAccess, arr: Uint8Array, depth: number, value = 1): void {
  for (let k = 0; k < a.rows.length; k += 2) {
    const lo = Math.max(0, a.rows[k]!);
    const hi = Math.min(a.rows[k + 1]!, depth);
    if (hi > lo) arr.fill(value, lo, hi);
  }
}

function storeFidelity(rep: Reporter, a: RowAccess, accWriter: Uint8Array, p: ProgramInsn, index: number): void {
  for (let k = 0; k < a.rows.length; k += 2) {
    for (let r = a.rows[k]!; r < Math.min(a.rows[k + 1]!, accWriter.length); r++) {
      if (accWriter[r] === 1) {
        rep.at(
          p,
          index,
          'warning',
          'vta.fidelity.store-after-load',
          `STORE reads ACC row ${r}, last written by a LOAD ACC: fsim stores it, but the hardware stores from the OUT buffer, which only GEMM/ALU write (insert an ALU 'shr … imm=0' first, as TVM does)`,
        );
        return;
      }
    }
  }
}

const DATA_MEM_OF: Record<number, string> = {
  [MemType.INP]: 'inp',
  [MemType.WGT]: 'wgt',
  [MemType.ACC]: 'acc',
  [MemType.ACC_8BIT]: 'acc8',
  [MemType.OUT]: 'out',
  [MemType.UOP]: 'uop',
};

function dramBounds(rep: Reporter, program: Program, p: ProgramInsn, index: number): void {
  const insn: Insn = p.insn;
  const elem = program.target.elemBytes[insn.memory_type];
  if (!elem) return;
  const firstEl = insn.dram_base;
  const lastEl = insn.dram_base + (insn.y_size - 1) * insn.x_stride + insn.x_size; // exclusive
  const lo = firstEl * elem;
  const hi = lastEl * elem;
  // The description is built only for a message.
  const what = () => {
    const verb = insn.opcode === Opcode.STORE ? 'writes' : 'reads';
    return `${insn.opcode === Opcode.STORE ? 'STORE' : 'LOAD'} ${verb} DRAM elements ${rangeText(firstEl, lastEl - 1)} (${DATA_MEM_OF[insn.memory_type]}, bytes ${lo}..${hi - 1})`;
  };
  if (hi > program.dram.length) {
    rep.at(
      p,
      index,
      'error',
      'vta.bounds.dram',
      `${what()}, past the end of the ${program.dram.length}-byte DRAM image`,
    );
    return;
  }
  const tensors = program.layout.tensors;
  if (!tensors.length || insn.memory_type === MemType.UOP) return;
  const home = tensorAt(tensors, lo);
  if (!home) {
    rep.at(p, index, 'error', 'vta.bounds.dram', `${what()}, which lies in no declared data tensor`);
    return;
  }
  const end = home.byteOffset + home.count * home.elemBytes;
  if (hi > end) {
    const related: RelatedInfo[] = home.source
      ? [
          {
            file: home.source.file,
            range: { start: home.source.start, end: home.source.end },
            message: `'${home.name}' holds ${home.count} ${home.mem} elements`,
          },
        ]
      : [];
    rep.at(
      p,
      index,
      'error',
      'vta.bounds.dram',
      `${what()}, past the end of '${home.name}' (bytes ${home.byteOffset}..${end - 1})`,
      related,
    );
  }
}

/** The first tensor that holds byte `at`. */
function tensorAt(tensors: readonly TensorPlacement[], at: number): TensorPlacement | undefined {
  for (const x of tensors) if (x.byteOffset <= at && at < x.byteOffset + x.count * x.elemBytes) return x;
  return undefined;
}

/** `first`: the index of the first FINISH, or -1. */
function finishPlacement(rep: Reporter, program: Program, first: number): void {
  const insns = program.insns;
  if (first < 0) {
    if (!insns.length) return;
    const last = insns[insns.length - 1]!;
    rep.at(
      last,
      insns.length - 1,
      'error',
      'vta.finish.missing',
      'the stream does not end with finish: fsim would never stop and the runtime refuses it',
    );
    return;
  }
  if (first < insns.length - 1) {
    const fin = insns[first]!;
    const after = insns[first + 1]!;
    const related: RelatedInfo[] = fin.source
      ? [
          {
            file: fin.source.file,
            range: { start: fin.source.start, end: fin.source.end },
            message: 'finish is here',
            instruction: first,
          },
        ]
      : [];
    rep.at(
      after,
      first + 1,
      'error',
      'vta.finish.after',
      `${insns.length - first - 1} instruction${insns.length - first - 1 === 1 ? '' : 's'} after finish: fsim ends the run at finish and drops them`,
      related,
    );
  }
}
