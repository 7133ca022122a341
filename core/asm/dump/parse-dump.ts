/**
 * Parser for the debug dumps that TVM's VTA runtime and VTA's hardware test
 * library print (vta-isa.md §6.2–§6.4): instruction dumps, micro-op dumps and
 * their queue counters, found anywhere in a log among unrelated lines.
 *
 * Never throws; linear in the size of the text. A malformed or truncated
 * instruction is reported and left out, and parsing resumes at the next
 * `INSTRUCTION` header.
 */
import { Opcode, emptyInsn, isNop, moduleOf } from '../../isa';
import { applyCounters, zeroCounters } from './counters';
import { LineCursor, skipBlanks, type CursorFailure } from './cursor';
import { parseKind, type Group } from './kinds';
import {
  BODY_LINE_DESCRIPTION,
  INT_MAX,
  classifyLine,
  parseCounters,
  parseDep,
  parseDram,
  parseLoop,
  parseRange,
  parseReset,
  parseUopLine,
  parseX,
  parseY,
  type BodyKey,
  type CounterPair,
  type LineClass,
} from './lines';
import type {
  DumpCounters,
  DumpDiagnostic,
  DumpInstruction,
  DumpSeverity,
  DumpUopKernel,
  DumpVariant,
  ParsedDump,
} from './types';

export type {
  DumpCounters,
  DumpDiagnostic,
  DumpInstruction,
  DumpNopStage,
  DumpSeverity,
  DumpUopKernel,
  DumpVariant,
  ParsedDump,
} from './types';

/** Per-line diagnostics kept at most; the summary diagnostics come on top. */
export const MAX_DUMP_DIAGNOSTICS = 500;

const BODY_LINE_NAME: Record<BodyKey, string> = {
  dep: 'dep line',
  dram: 'DRAM line',
  y: 'y line',
  x: 'x line',
  reset: 'reset_out line',
  range: 'range line',
  outer: 'outer loop line',
  inner: 'inner loop line',
  l2g: 'queue-counter line',
  s2g: 'queue-counter line',
};

/** Where a diagnostic goes. */
interface Span {
  line: number;
  character: number;
  endCharacter: number;
}

const spanOf = (line: number, text: string): Span => ({
  line,
  character: firstNonBlank(text),
  endCharacter: text.length,
});

interface PrintedCounter extends CounterPair {
  line: number;
  character: number;
  endCharacter: number;
}

interface Pending {
  out: DumpInstruction;
  header: Span;
  label: string;
  factorNames?: readonly string[];
  groups: Group[];
  /** Index of the group being filled. */
  gi: number;
  /** Keys seen in group `gi`. */
  seen: Set<BodyKey>;
  /** A line was missing, unexpected or malformed: the instruction is dropped. */
  broken: boolean;
  lastLine: number;
  lastLineEnd: number;
  printed: { l2g?: PrintedCounter; s2g?: PrintedCounter };
}

interface DumpCtx {
  variant: DumpVariant;
  /** Its `There are N instructions` line, or its first INSTRUCTION line. */
  at: Span;
  declared?: number;
  insnLines: number;
  nextIndex: number;
  /** The recomputed balances; undefined when unknown (after a gap), until printed values resynchronise them. */
  running?: DumpCounters;
  /**
   * After a mismatch the printed values are adopted, and the recomputed ones kept
   * here for one more instruction: if the next printed values agree with them, the
   * mismatch was a counter line edited on its own and is not reported again.
   */
  alt?: DumpCounters;
  /** FINISH or the final counters were seen: lines after it are not the dump's. */
  ended: boolean;
  orphanReported: boolean;
  finalPrinted: { l2g?: CounterPair; s2g?: CounterPair };
}

interface UopCtx {
  kernel: DumpUopKernel;
  debug: boolean;
  declared?: number;
  lines: number;
  nextIndex: number;
}

function firstNonBlank(text: string): number {
  const p = skipBlanks(text, 0);
  return p < text.length ? p : 0;
}

function isCounterKey(key: BodyKey): boolean {
  return key === 'l2g' || key === 's2g';
}

class DumpParser {
  readonly instructions: DumpInstruction[] = [];
  readonly uopKernels: DumpUopKernel[] = [];
  readonly diagnostics: DumpDiagnostic[] = [];
  private dumpCount = 0;
  private firstVariant: DumpVariant | undefined;
  private secondDump: Span | undefined;
  private declaredSum: number | undefined;
  private cur: DumpCtx | undefined;
  private pending: Pending | undefined;
  private uop: UopCtx | undefined;
  private finalCounters: DumpCounters | undefined;
  private lineDiagnostics = 0;
  private immUnknown: { count: number; at?: Span } = { count: 0 };
  private memGuessed: { count: number; at?: Span } = { count: 0 };

  // --- diagnostics ----------------------------------------------------------------

  private diag(
    line: number,
    character: number,
    endCharacter: number,
    severity: DumpSeverity,
    code: string,
    message: string,
  ): void {
    if (this.lineDiagnostics >= MAX_DUMP_DIAGNOSTICS) {
      if (this.lineDiagnostics === MAX_DUMP_DIAGNOSTICS) {
        this.diagnostics.push({
          line,
          character: 0,
          endCharacter: 0,
          severity: 'warning',
          code: 'vta.dump.too-many-diagnostics',
          message: `more than ${MAX_DUMP_DIAGNOSTICS} problems: the rest are not reported`,
        });
      }
      this.lineDiagnostics++;
      return;
    }
    this.lineDiagnostics++;
    this.diagnostics.push({ line, character, endCharacter, severity, code, message });
  }

  private cursorDiag(line: number, f: CursorFailure): void {
    this.diag(line, f.character, f.endCharacter, 'error', f.code, f.message);
  }

  private lineDiag(line: number, text: string, severity: DumpSeverity, code: string, message: string): void {
    this.diag(line, firstNonBlank(text), text.length, severity, code, message);
  }

  private spanDiag(at: Span, severity: DumpSeverity, code: string, message: string): void {
    this.diag(at.line, at.character, at.endCharacter, severity, code, message);
  }

  /** Summary diagnostics, made once at the end: not counted against the cap. */
  private summary(at: Span, severity: DumpSeverity, code: string, message: string): void {
    this.diagnostics.push({ ...at, severity, code, message });
  }

  // --- driver -----------------------------------------------------------------------

  line(text: string, no: number): void {
    const cls = classifyLine(text);
    switch (cls.kind) {
      case 'insn-count':
        this.endPending();
        this.endUop();
        this.dumpHeader(text, no, cls);
        return;
      case 'uop-count':
        this.endPending();
        this.endUop();
        this.uopHeader(text, no, cls);
        return;
      case 'insn':
        this.endPending();
        this.endUop();
        this.instructionHeader(text, no, cls);
        return;
      case 'uop':
        this.endPending();
        this.uopLine(text, no, cls);
        return;
      case 'final-counter':
        this.endPending();
        this.endUop();
        this.finalCounterLine(text, no, cls.key, cls.start);
        return;
      case 'body':
        this.bodyLine(text, no, cls.key, cls.start);
        return;
      case 'blank':
        if (this.uop && !this.uop.debug) this.endUop();
        return;
      case 'other':
        return;
    }
  }

  finish(): ParsedDump {
    this.endPending();
    this.endUop();
    this.closeDump();
    if (this.secondDump) {
      const n = this.instructions.length;
      this.summary(
        this.secondDump,
        'info',
        'vta.dump.multiple-dumps',
        `this log holds ${this.dumpCount} instruction dumps (one per Synchronize call); their ${n} instruction${n === 1 ? '' : 's'} are imported in sequence`,
      );
    }
    if (this.immUnknown.at) {
      const n = this.immUnknown.count;
      this.summary(
        this.immUnknown.at,
        'info',
        'vta.dump.imm-unknown',
        `the dump does not print ALU immediates: imm is imported as 0 for ${n} ALU instruction${n === 1 ? ' that uses' : 's that use'} one`,
      );
    }
    if (this.memGuessed.at) {
      const n = this.memGuessed.count;
      this.summary(
        this.memGuessed.at,
        'info',
        'vta.dump.mem-type-guessed',
        `"LOAD " with no memory-type name (${n} instruction${n === 1 ? '' : 's'}): the runtime prints that for ACC_8BIT and for memory types it has no name for; imported as ACC_8BIT`,
      );
    }
    if (this.dumpCount === 0) {
      const onlyUops = this.uopKernels.length > 0;
      this.summary(
        { line: 0, character: 0, endCharacter: 0 },
        onlyUops ? 'warning' : 'error',
        onlyUops ? 'vta.dump.no-instructions' : 'vta.dump.no-dump',
        onlyUops
          ? 'only micro-op dumps found: no "There are N instructions" / "INSTRUCTION i: …" lines'
          : 'no VTA debug dump found: expected a "There are N instructions" line followed by "INSTRUCTION i: …" lines (runtime, vta-isa.md §6.2) or the same lines prefixed with "DEBUG - " (test library, §6.4)',
      );
    }
    const result: ParsedDump = {
      variant: this.firstVariant ?? 'runtime',
      instructions: this.instructions,
      uopKernels: this.uopKernels,
      diagnostics: this.diagnostics,
    };
    if (this.declaredSum !== undefined) result.declaredCount = this.declaredSum;
    if (this.finalCounters) result.finalCounters = this.finalCounters;
    return result;
  }

  // --- dumps ------------------------------------------------------------------------

  private openDump(variant: DumpVariant, at: Span, declared?: number): DumpCtx {
    this.closeDump();
    if (this.firstVariant === undefined) this.firstVariant = variant;
    else if (this.firstVariant !== variant) {
      const name = (v: DumpVariant): string => (v === 'runtime' ? 'runtime' : 'test-library');
      this.spanDiag(
        at,
        'warning',
        'vta.dump.mixed-variants',
        `this ${name(variant)} dump follows a ${name(this.firstVariant)} dump in the same log`,
      );
    }
    if (++this.dumpCount === 2) this.secondDump = at;
    const d: DumpCtx = {
      variant,
      at,
      insnLines: 0,
      nextIndex: 0,
      running: zeroCounters(),
      ended: false,
      orphanReported: false,
      finalPrinted: {},
    };
    if (declared !== undefined) {
      d.declared = declared;
      this.declaredSum = (this.declaredSum ?? 0) + declared;
    }
    this.cur = d;
    return d;
  }

  private closeDump(): void {
    const d = this.cur;
    if (!d) return;
    this.cur = undefined;
    if (d.declared !== undefined && d.declared !== d.insnLines) {
      const fewer = d.insnLines < d.declared;
      this.spanDiag(
        d.at,
        'warning',
        'vta.dump.count-mismatch',
        `the header says ${d.declared} instruction${d.declared === 1 ? '' : 's'} but ${d.insnLines} "INSTRUCTION" line${d.insnLines === 1 ? '' : 's'} follow${d.insnLines === 1 ? 's' : ''}` +
          (fewer ? ' (lines missing or the log is cut short?)' : ''),
      );
    }
  }

  private dumpHeader(text: string, no: number, cls: Extract<LineClass, { kind: 'insn-count' }>): void {
    const c = new LineCursor(text, cls.start, 'instruction-count header');
    c.lit('There are');
    const n = c.int('the instruction count', 0, 2 ** 32 - 1);
    c.lit('instructions');
    c.end();
    if (c.failure) this.cursorDiag(no, c.failure);
    this.openDump(cls.debug ? 'test-lib' : 'runtime', spanOf(no, text), c.ok ? n : undefined);
  }

  // --- instructions -----------------------------------------------------------------

  private instructionHeader(text: string, no: number, cls: Extract<LineClass, { kind: 'insn' }>): void {
    const c = new LineCursor(text, cls.start, 'INSTRUCTION line');
    c.lit('INSTRUCTION');
    const index = c.int('the instruction index', 0, INT_MAX);
    c.lit(':');
    const d = this.enterInstruction(no, text, cls.debug, index);
    const broken = (): void => {
      this.pending = {
        out: { insn: emptyInsn(Opcode.LOAD), line: no, index: index ?? -1 },
        header: spanOf(no, text),
        label: `INSTRUCTION ${index ?? '?'}`,
        groups: [],
        gi: 0,
        seen: new Set(),
        broken: true,
        lastLine: no,
        lastLineEnd: text.length,
        printed: {},
      };
    };
    if (c.failure) {
      this.cursorDiag(no, c.failure);
      broken();
      return;
    }
    const kind = parseKind(c, d.variant);
    if (!kind) {
      this.cursorDiag(no, c.failure!);
      broken();
      return;
    }
    const { insn, groups, factorNames, label: kindLabel, extra, depAt } = kind;
    if (extra.aluOpUnknown) {
      this.lineDiag(
        no,
        text,
        'warning',
        'vta.dump.alu-unknown-op',
        'ALU "unknown op": the opcode is one of the unused values 5–7 and is imported as 5',
      );
    }
    const out: DumpInstruction = { insn, line: no, index: index!, ...extra };
    const p: Pending = {
      out,
      header: spanOf(no, text),
      label: `INSTRUCTION ${index} (${kindLabel})`,
      groups,
      gi: 0,
      seen: new Set(),
      broken: false,
      lastLine: no,
      lastLineEnd: text.length,
      printed: {},
    };
    if (factorNames) p.factorNames = factorNames;
    this.pending = p;
    if (depAt !== undefined) this.consume(p, 'dep', new LineCursor(text, depAt, BODY_LINE_NAME.dep), no, text);
  }

  /** Bookkeeping for a new INSTRUCTION line: the dump it belongs to and its index. */
  private enterInstruction(no: number, text: string, debug: boolean, index: number | undefined): DumpCtx {
    let d = this.cur;
    if (!d || (index === 0 && d.insnLines > 0)) {
      d = this.openDump(debug ? 'test-lib' : 'runtime', spanOf(no, text));
      if (index !== 0) d.running = undefined;
      this.lineDiag(
        no,
        text,
        'warning',
        'vta.dump.missing-header',
        `no "${debug ? 'DEBUG - ' : ''}There are N instructions" line before this ${this.dumpCount > 1 ? 'new dump' : 'dump'}: lines missing or the log starts mid-dump?`,
      );
    }
    d.orphanReported = false;
    d.ended = false;
    if (index !== undefined && index !== d.nextIndex) {
      this.lineDiag(
        no,
        text,
        'warning',
        'vta.dump.index-gap',
        `expected INSTRUCTION ${d.nextIndex} here, found INSTRUCTION ${index}` +
          (index > d.nextIndex
            ? ` (${index - d.nextIndex} instruction${index - d.nextIndex === 1 ? '' : 's'} missing?)`
            : ''),
      );
      d.running = undefined;
    }
    d.nextIndex = (index ?? d.nextIndex) + 1;
    d.insnLines++;
    return d;
  }

  private bodyLine(text: string, no: number, key: BodyKey, start: number): void {
    const p = this.pending;
    if (p) {
      this.consume(p, key, new LineCursor(text, start, BODY_LINE_NAME[key]), no, text);
      return;
    }
    const d = this.cur;
    if (d && !d.ended && !d.orphanReported) {
      d.orphanReported = true;
      this.lineDiag(
        no,
        text,
        'error',
        'vta.dump.orphan-line',
        `this ${BODY_LINE_DESCRIPTION[key]} line belongs to no instruction: a duplicated line, or an "INSTRUCTION i: …" line is missing?`,
      );
    }
  }

  /** Feeds one body line to the pending instruction. */
  private consume(p: Pending, key: BodyKey, c: LineCursor, no: number, text: string): void {
    if (p.broken) {
      // Only look for printed counters, to resynchronise the recomputed balances.
      if (key === 'l2g' || key === 's2g') this.readCounters(p, key, c, no, false);
      return;
    }
    // Find the group that takes this key.
    let g = p.gi;
    while (g < p.groups.length && !(p.groups[g]!.keys.includes(key) && !(g === p.gi && p.seen.has(key)))) g++;
    if (g >= p.groups.length) {
      const next = this.nextExpected(p);
      this.lineDiag(
        no,
        text,
        'error',
        'vta.dump.unexpected-line',
        `unexpected ${BODY_LINE_DESCRIPTION[key]} line in ${p.label}` +
          (next ? `: expected ${BODY_LINE_DESCRIPTION[next]}` : ''),
      );
      p.broken = true;
      if (key === 'l2g' || key === 's2g') this.readCounters(p, key, c, no, false);
      return;
    }
    const missing = this.requiredBetween(p, g);
    if (missing.length > 0) {
      this.lineDiag(
        no,
        text,
        'error',
        'vta.dump.missing-line',
        `${p.label}: expected a ${BODY_LINE_DESCRIPTION[missing[0]!]} line here, found ${BODY_LINE_DESCRIPTION[key]}` +
          (missing.length > 1 ? ` (${missing.length} lines missing)` : ''),
      );
      p.broken = true;
      if (key === 'l2g' || key === 's2g') this.readCounters(p, key, c, no, false);
      return;
    }
    if (g !== p.gi) {
      p.gi = g;
      p.seen.clear();
    }
    p.seen.add(key);
    p.lastLine = no;
    p.lastLineEnd = text.length;
    if (key === 'l2g' || key === 's2g') {
      this.readCounters(p, key, c, no, true);
    } else if (!this.applyField(p, key, c)) {
      this.cursorDiag(no, c.failure!);
      p.broken = true;
      return;
    }
    if (p.seen.size === p.groups[p.gi]!.keys.length) {
      p.gi++;
      p.seen.clear();
      if (p.gi >= p.groups.length) this.endPending();
    }
  }

  /** Required keys not yet seen in groups before `g` (and in group gi). */
  private requiredBetween(p: Pending, g: number): BodyKey[] {
    const out: BodyKey[] = [];
    for (let i = p.gi; i < g; i++) {
      const grp = p.groups[i]!;
      if (grp.optional) continue;
      for (const k of grp.keys) if (!(i === p.gi && p.seen.has(k))) out.push(k);
    }
    return out;
  }

  private nextExpected(p: Pending): BodyKey | undefined {
    for (let i = p.gi; i < p.groups.length; i++) {
      const grp = p.groups[i]!;
      for (const k of grp.keys) if (!(i === p.gi && p.seen.has(k))) return k;
    }
    return undefined;
  }

  private readCounters(p: Pending, key: 'l2g' | 's2g', c: LineCursor, no: number, report: boolean): void {
    const start = skipBlanks(c.text, c.pos);
    const v = parseCounters(c, key);
    if (!v) {
      if (report) this.cursorDiag(no, c.failure!);
      return;
    }
    p.printed[key] = { ...v, line: no, character: start, endCharacter: c.text.length };
  }

  private applyField(p: Pending, key: BodyKey, c: LineCursor): boolean {
    const insn = p.out.insn;
    switch (key) {
      case 'dep': {
        const v = parseDep(c);
        if (v) Object.assign(insn, v);
        return v !== undefined;
      }
      case 'dram': {
        const v = parseDram(c);
        if (v) Object.assign(insn, v);
        return v !== undefined;
      }
      case 'y': {
        const v = parseY(c);
        if (v) Object.assign(insn, v);
        return v !== undefined;
      }
      case 'x': {
        const v = parseX(c);
        if (v) Object.assign(insn, v);
        return v !== undefined;
      }
      case 'reset': {
        const v = parseReset(c);
        if (v !== undefined) insn.reset_reg = v;
        return v !== undefined;
      }
      case 'range': {
        const v = parseRange(c);
        if (v) Object.assign(insn, v);
        return v !== undefined;
      }
      case 'outer':
      case 'inner': {
        const v = parseLoop(c, key, p.factorNames ?? []);
        if (!v) return false;
        const suffix = key === 'outer' ? 'out' : 'in';
        insn[key === 'outer' ? 'iter_out' : 'iter_in'] = v.iter;
        const f = (n: string): number => v.factors.get(n) ?? 0;
        if (insn.opcode === Opcode.GEMM) {
          insn[`wgt_factor_${suffix}`] = f('wgt');
          insn[`src_factor_${suffix}`] = f('inp');
          insn[`dst_factor_${suffix}`] = f('acc');
        } else {
          insn[`dst_factor_${suffix}`] = f('dst');
          insn[`src_factor_${suffix}`] = f('src');
        }
        return true;
      }
      case 'l2g':
      case 's2g':
        return true;
    }
  }

  /** Ends the pending instruction: keeps it if every field line was read, and checks the counters. */
  private endPending(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const d = this.cur!;
    const printed =
      p.printed.l2g && p.printed.s2g
        ? { l2g: p.printed.l2g.first, g2l: p.printed.l2g.second, s2g: p.printed.s2g.first, g2s: p.printed.s2g.second }
        : undefined;
    if (p.broken) {
      d.running = printed;
      return;
    }
    const missing = this.requiredBetween(p, p.groups.length);
    const missingFields = missing.filter((k) => !isCounterKey(k));
    if (missingFields.length > 0) {
      this.diag(
        p.lastLine,
        0,
        p.lastLineEnd,
        'error',
        'vta.dump.truncated',
        `${p.label} is incomplete: expected a ${BODY_LINE_DESCRIPTION[missingFields[0]!]} line after this line` +
          (missingFields.length > 1 ? ` (${missingFields.length} lines missing)` : ''),
      );
      d.running = printed;
      return;
    }
    const out = p.out;
    const insn = out.insn;
    if (insn.opcode === Opcode.ALU && insn.use_imm) {
      insn.imm = 0;
      out.immUnknown = true;
      if (this.immUnknown.count++ === 0) this.immUnknown.at = p.header;
    }
    if (out.memTypeGuessed && this.memGuessed.count++ === 0) this.memGuessed.at = p.header;
    if (isNop(insn)) out.nopStage = moduleOf(insn);
    this.instructions.push(out);
    if (insn.opcode === Opcode.FINISH) d.ended = true;
    if (missing.length > 0) {
      this.diag(
        p.lastLine,
        0,
        p.lastLineEnd,
        'warning',
        'vta.dump.missing-counters',
        `${p.label}: expected a ${BODY_LINE_DESCRIPTION[missing[0]!]} line after this line`,
      );
    }
    const expected = d.running ? applyCounters(d.running, insn, d.variant) : undefined;
    const alt = d.alt ? applyCounters(d.alt, insn, d.variant) : undefined;
    d.alt = undefined;
    if (d.variant === 'runtime') {
      const m1 = this.checkPrinted(expected, alt, p.printed.l2g, 'l2g', 'g2l');
      const m2 = this.checkPrinted(expected, alt, p.printed.s2g, 's2g', 'g2s');
      if (printed) this.finalCounters = printed;
      if (expected && (m1 || m2)) d.alt = expected;
    }
    if (expected) {
      d.running = { ...expected };
      if (p.printed.l2g) Object.assign(d.running, { l2g: p.printed.l2g.first, g2l: p.printed.l2g.second });
      if (p.printed.s2g) Object.assign(d.running, { s2g: p.printed.s2g.first, g2s: p.printed.s2g.second });
    } else {
      d.running = printed;
    }
  }

  /**
   * Compares one printed counter line with the recomputed balances; warns unless it
   * matches them or `alt` (see DumpCtx.alt). Returns whether it differs from `expected`.
   */
  private checkPrinted(
    expected: DumpCounters | undefined,
    alt: DumpCounters | undefined,
    pr: PrintedCounter | undefined,
    a: 'l2g' | 's2g',
    b: 'g2l' | 'g2s',
  ): boolean {
    if (!expected || !pr) return false;
    if (expected[a] === pr.first && expected[b] === pr.second) return false;
    if (alt && alt[a] === pr.first && alt[b] === pr.second) return true;
    this.diag(
      pr.line,
      pr.character,
      pr.endCharacter,
      'warning',
      'vta.dump.counter-mismatch',
      `the dump prints ${a}_queue = ${pr.first}, ${b}_queue = ${pr.second}, but the instructions above give ${a}_queue = ${expected[a]}, ${b}_queue = ${expected[b]} (lines missing or the dump was edited?)`,
    );
    return true;
  }

  private finalCounterLine(text: string, no: number, key: 'l2g' | 's2g', start: number): void {
    const c = new LineCursor(text, start, 'queue-counter line');
    const v = parseCounters(c, key);
    if (!v) {
      this.cursorDiag(no, c.failure!);
      return;
    }
    const d = this.cur;
    if (!d) return;
    d.finalPrinted[key] = v;
    d.ended = true;
    const [a, b] = key === 'l2g' ? (['l2g', 'g2l'] as const) : (['s2g', 'g2s'] as const);
    if (d.running && d.variant === 'test-lib') {
      this.checkPrinted(
        d.running,
        undefined,
        { ...v, line: no, character: firstNonBlank(text), endCharacter: text.length },
        a,
        b,
      );
    }
    const { l2g, s2g } = d.finalPrinted;
    if (l2g && s2g) this.finalCounters = { l2g: l2g.first, g2l: l2g.second, s2g: s2g.first, g2s: s2g.second };
  }

  // --- micro-ops ----------------------------------------------------------------------

  private uopHeader(text: string, no: number, cls: Extract<LineClass, { kind: 'uop-count' }>): void {
    const c = new LineCursor(text, cls.start, 'micro-op count header');
    c.lit('There are');
    const n = c.int('the micro-op count', 0, 2 ** 32 - 1);
    c.word();
    c.end();
    if (c.failure) this.cursorDiag(no, c.failure);
    const kernel: DumpUopKernel = { line: no, uops: [] };
    this.uopKernels.push(kernel);
    this.uop = { kernel, debug: cls.debug, lines: 0, nextIndex: 0 };
    if (c.ok) this.uop.declared = n;
    if (n === 0 && c.ok) this.endUop();
  }

  private uopLine(text: string, no: number, cls: Extract<LineClass, { kind: 'uop' }>): void {
    const c = new LineCursor(text, cls.start, 'micro-op line');
    const v = parseUopLine(c, cls.debug);
    let u = this.uop;
    const index = v?.index;
    if (!u || u.debug !== cls.debug || (index === 0 && u.lines > 0)) {
      this.endUop();
      const kernel: DumpUopKernel = { line: no, uops: [] };
      this.uopKernels.push(kernel);
      u = this.uop = { kernel, debug: cls.debug, lines: 0, nextIndex: 0 };
    }
    if (!v) {
      this.cursorDiag(no, c.failure!);
    } else {
      if (v.index !== u.nextIndex) {
        this.lineDiag(
          no,
          text,
          'warning',
          'vta.dump.uop-index',
          `expected micro-op ${u.nextIndex} here, found ${v.index}`,
        );
      }
      u.kernel.uops.push({ dst: v.dst, src: v.src, wgt: v.wgt });
    }
    u.nextIndex = (index ?? u.nextIndex) + 1;
    u.lines++;
    if (u.declared !== undefined && u.lines >= u.declared) this.endUop();
  }

  private endUop(): void {
    const u = this.uop;
    if (!u) return;
    this.uop = undefined;
    if (u.declared !== undefined && u.declared !== u.lines) {
      this.diag(
        u.kernel.line,
        0,
        0,
        'warning',
        'vta.dump.uop-count-mismatch',
        `the header says ${u.declared} micro-op${u.declared === 1 ? '' : 's'} but ${u.lines} micro-op line${u.lines === 1 ? '' : 's'} follow${u.lines === 1 ? 's' : ''}`,
      );
    }
  }

  // --- end of text ---------------------------------------------------------------------

  internalError(no: number, e: unknown): void {
    this.pending = undefined;
    this.diag(
      no,
      0,
      0,
      'error',
      'vta.dump.internal-error',
      `internal error while reading this line: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/**
 * Reads a TVM VTA debug dump (runtime or test-library variant, detected per dump)
 * out of a log. See the module comment.
 */
export function parseTvmDump(text: string): ParsedDump {
  const src = typeof text === 'string' ? text : String(text ?? '');
  const parser = new DumpParser();
  let no = 0;
  let start = 0;
  for (;;) {
    let nl = src.indexOf('\n', start);
    const last = nl < 0;
    if (last) nl = src.length;
    let line = src.slice(start, nl);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    try {
      parser.line(line, no);
    } catch (e) {
      parser.internalError(no, e);
    }
    if (last) break;
    start = nl + 1;
    no++;
  }
  try {
    return parser.finish();
  } catch (e) {
    parser.internalError(no, e);
    return {
      variant: 'runtime',
      instructions: parser.instructions,
      uopKernels: parser.uopKernels,
      diagnostics: parser.diagnostics,
    };
  }
}
