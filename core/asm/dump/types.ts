/**
 * Result types of the TVM debug-dump importer (vta-isa.md §6).
 */
import type { Insn, Uop } from '../../isa';

export type DumpSeverity = 'error' | 'warning' | 'info';

export interface DumpDiagnostic {
  /** 0-based line of the dump text. */
  line: number;
  /** 0-based first character (UTF-16 units) of the span on that line. */
  character: number;
  /** 0-based character one past the span. */
  endCharacter: number;
  severity: DumpSeverity;
  /** Always starts with `vta.dump.`. */
  code: string;
  message: string;
}

export type DumpNopStage = 'ld' | 'ex' | 'st';

export interface DumpInstruction {
  insn: Insn;
  /** 0-based line of its `INSTRUCTION i:` header. */
  line: number;
  /** The `i` printed in the header (restarts at 0 in every dump of a log). */
  index: number;
  /**
   * Set for a LOAD/STORE with x_size 0 (a NOP that only moves tokens, vta-isa.md
   * §3.4): the module that runs it. The runtime prints these as
   * NOP-MEMORY-/NOP-COMPUTE-/NOP-STORE-STAGE; the test library prints them as
   * ordinary LOAD/STORE lines.
   */
  nopStage?: DumpNopStage;
  /** The dump does not record ALU immediates: `imm` was set to 0. Set whenever use_imm = 1. */
  immUnknown?: boolean;
  /**
   * The ALU name printed (`shr`, `mul`, `unknown op`) does not say whether an
   * immediate is used, so use_imm is a guess: 1 for `shr` (TVM lowers copies and
   * shifts to SHR with an immediate), 0 for `mul` and `unknown op`.
   */
  useImmUnknown?: boolean;
  /** `unknown op` was printed: alu_opcode is one of the unused values 5–7; imported as 5. */
  aluOpUnknown?: boolean;
  /**
   * `LOAD ` with no memory-type name: the runtime prints that for ACC_8BIT and for
   * any memory type it has no name for; imported as ACC_8BIT (5).
   */
  memTypeGuessed?: boolean;
}

export interface DumpCounters {
  l2g: number;
  g2l: number;
  s2g: number;
  g2s: number;
}

export interface DumpUopKernel {
  /** 0-based line of its `There are n uops` header (or of its first uop line if the header is missing). */
  line: number;
  uops: Uop[];
}

export type DumpVariant = 'runtime' | 'test-lib';

export interface ParsedDump {
  /** The variant of the first dump in the text ('runtime' when none was found). */
  variant: DumpVariant;
  /** Every instruction that parsed completely, in log order, across all dumps. */
  instructions: DumpInstruction[];
  uopKernels: DumpUopKernel[];
  /** Sum of the N of every `There are N instructions` header; absent if there is none. */
  declaredCount?: number;
  /** The queue counters printed last (after the last instruction of the last dump). */
  finalCounters?: DumpCounters;
  diagnostics: DumpDiagnostic[];
}
