/**
 * The kind part of an `INSTRUCTION i: …` line (vta-isa.md §6.2, §6.4): the
 * instruction it starts and the body lines that must follow.
 */
import { AluOp, MemType, Opcode, emptyInsn, type Insn } from '../../isa';
import { type LineCursor, skipBlanks, wordAt } from './cursor';
import type { BodyKey } from './lines';
import type { DumpInstruction, DumpVariant } from './types';

/** Body lines that come next, in any order among themselves. */
export interface Group {
  keys: readonly BodyKey[];
  optional?: boolean;
}

const G = (...keys: BodyKey[]): Group => ({ keys });
const COUNTER_GROUPS: Group[] = [G('l2g'), G('s2g')];
const MEM_GROUPS: Group[] = [G('dep'), G('dram'), G('y'), G('x')];
// The runtime prints reset_out before range, the test library range before reset_out (GEMM).
const LOOP_GROUPS: Group[] = [G('dep'), G('reset', 'range'), G('outer'), G('inner')];

/** The lines each kind prints after its header, per variant. */
function groupsFor(kind: 'nop' | 'mem' | 'loop' | 'finish', variant: DumpVariant): Group[] {
  const counters = variant === 'runtime' ? COUNTER_GROUPS : [];
  switch (kind) {
    case 'nop':
      return [G('dep'), ...counters];
    case 'mem':
      return [...MEM_GROUPS, ...counters];
    case 'loop':
      return [...LOOP_GROUPS, ...counters];
    case 'finish':
      // The runtime prints no dep line for FINISH; accept one if it is there.
      return variant === 'runtime' ? [{ keys: ['dep'], optional: true }, ...counters] : [G('dep')];
  }
}

/** Loop-factor names: GEMM prints wgt/inp/acc (in either order), ALU dst/src. */
export const GEMM_FACTORS = ['wgt', 'inp', 'acc'] as const;
export const ALU_FACTORS = ['dst', 'src'] as const;

const MEM_NAMES = new Map<string, number>([
  ['UOP', MemType.UOP],
  ['WGT', MemType.WGT],
  ['INP', MemType.INP],
  ['ACC', MemType.ACC],
]);

interface AluName {
  op: number;
  useImm: number;
  useImmUnknown?: true;
  unknownOp?: true;
}
/** The names getOpcodeString prints. */
const ALU_NAMES = new Map<string, AluName>([
  ['min', { op: AluOp.MIN, useImm: 0 }],
  ['min imm', { op: AluOp.MIN, useImm: 1 }],
  ['max', { op: AluOp.MAX, useImm: 0 }],
  ['max imm', { op: AluOp.MAX, useImm: 1 }],
  ['add', { op: AluOp.ADD, useImm: 0 }],
  ['add imm', { op: AluOp.ADD, useImm: 1 }],
  // No "imm" suffix is printed for these, whatever use_imm is.
  ['shr', { op: AluOp.SHR, useImm: 1, useImmUnknown: true }],
  ['mul', { op: AluOp.MUL, useImm: 0, useImmUnknown: true }],
  ['unknown op', { op: 5, useImm: 0, useImmUnknown: true, unknownOp: true }],
]);

export interface ParsedKind {
  insn: Insn;
  groups: Group[];
  factorNames?: readonly string[];
  /** For messages, e.g. "LOAD INP", "ALU - add imm". */
  label: string;
  extra: Partial<DumpInstruction>;
  /** The ACC_8BIT quirk: the dep line starts at this column of the header line. */
  depAt?: number;
}

/**
 * Reads the kind after `INSTRUCTION i:` from the cursor. Returns undefined with
 * `c.failure` set when it is not one the printers produce.
 */
export function parseKind(c: LineCursor, variant: DumpVariant): ParsedKind | undefined {
  const text = c.text;
  const kindAt = skipBlanks(text, c.pos);
  const kind = c.word();
  switch (kind) {
    case 'NOP-MEMORY-STAGE':
    case 'NOP-COMPUTE-STAGE':
    case 'NOP-STORE-STAGE': {
      if (!c.end()) return undefined;
      const insn = emptyInsn(kind === 'NOP-STORE-STAGE' ? Opcode.STORE : Opcode.LOAD);
      insn.memory_type = kind === 'NOP-MEMORY-STAGE' ? MemType.INP : MemType.UOP;
      return { insn, groups: groupsFor('nop', variant), label: kind, extra: {} };
    }
    case 'LOAD': {
      const insn = emptyInsn(Opcode.LOAD);
      const groups = groupsFor('mem', variant);
      const at = skipBlanks(text, c.pos);
      const name = wordAt(text, at);
      const mem = MEM_NAMES.get(name);
      if (mem !== undefined) {
        c.word();
        if (!c.end()) return undefined;
        insn.memory_type = mem;
        return { insn, groups, label: `LOAD ${name}`, extra: {} };
      }
      if (name === 'dep') {
        // ACC_8BIT (or a type with no name): no name and no newline, so the dep line follows on this line.
        insn.memory_type = MemType.ACC_8BIT;
        return { insn, groups, label: 'LOAD (ACC_8BIT)', extra: { memTypeGuessed: true }, depAt: at };
      }
      c.fail(
        'vta.dump.syntax',
        at,
        at + Math.max(name.length, 1),
        'a memory type after LOAD (UOP, WGT, INP or ACC; for ACC_8BIT the runtime prints the dep line here)',
      );
      return undefined;
    }
    case 'STORE': {
      // Runtime: "STORE:"; test library: "STORE ACC". Either way the source is OUT.
      const at = skipBlanks(text, c.pos);
      if (text.charAt(at) === ':') c.lit(':');
      else if (wordAt(text, at) === 'ACC') c.word();
      if (!c.end()) return undefined;
      const insn = emptyInsn(Opcode.STORE);
      insn.memory_type = MemType.OUT;
      return { insn, groups: groupsFor('mem', variant), label: 'STORE', extra: {} };
    }
    case 'GEMM':
      if (!c.end()) return undefined;
      return {
        insn: emptyInsn(Opcode.GEMM),
        groups: groupsFor('loop', variant),
        factorNames: GEMM_FACTORS,
        label: 'GEMM',
        extra: {},
      };
    case 'ALU': {
      if (!c.lit('-')) return undefined;
      const at = skipBlanks(text, c.pos);
      const name = text.slice(at).trim().replace(/\s+/g, ' ');
      const op = ALU_NAMES.get(name);
      if (!op) {
        c.fail(
          'vta.dump.syntax',
          at,
          text.length,
          'an ALU operation (min, min imm, max, max imm, add, add imm, shr, mul or unknown op)',
        );
        return undefined;
      }
      const insn = emptyInsn(Opcode.ALU);
      insn.alu_opcode = op.op;
      insn.use_imm = op.useImm;
      const extra: Partial<DumpInstruction> = {};
      if (op.useImmUnknown) extra.useImmUnknown = true;
      if (op.unknownOp) extra.aluOpUnknown = true;
      return { insn, groups: groupsFor('loop', variant), factorNames: ALU_FACTORS, label: `ALU - ${name}`, extra };
    }
    case 'FINISH':
      if (!c.end()) return undefined;
      return { insn: emptyInsn(Opcode.FINISH), groups: groupsFor('finish', variant), label: 'FINISH', extra: {} };
    default:
      c.fail(
        'vta.dump.syntax',
        kindAt,
        kindAt + Math.max(kind.length, 1),
        'an instruction kind (NOP-MEMORY-STAGE, NOP-COMPUTE-STAGE, NOP-STORE-STAGE, LOAD, STORE, GEMM, ALU or FINISH)',
      );
      return undefined;
  }
}
