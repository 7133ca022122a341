/**
 * The assembled program: what every tool after the front end works on. The
 * assembler produces it from `.vta`, the binary loader from an instruction stream
 * and DRAM image, the dump importer from a TVM log.
 */
import type { Insn, ModuleId, VtaTarget } from '../isa';

/** 0-based line/character positions, as in LSP. */
export interface Position {
  line: number;
  character: number;
}

export interface SourceRange {
  /** The file the text came from (a path or URI as given to the front end). */
  file: string;
  start: Position;
  end: Position;
}

/** Why an instruction exists. */
export type InsnOrigin =
  | 'written' // an instruction the user wrote
  | 'token-nop'; // a NOP the assembler inserted to carry a push/pop

/** One enclosing top-level `for` iteration of an instruction, outermost first. */
export interface LoopFrame {
  variable: string;
  value: number;
  from: number;
  to: number;
  /** The loop's header line (`for v in A..B {`). */
  header: SourceRange;
  /** The bounds as written (`0`, `CO`, `(N * 2)`), for fixes that guard on them. */
  fromText?: string;
  toText?: string;
}

export interface ProgramInsn {
  insn: Insn;
  module: ModuleId;
  /** Where it was written (for a token NOP: the push/pop line that needed it). */
  source?: SourceRange;
  /** Source ranges of the push/pop lines folded into this instruction. */
  tokenSources?: Partial<Record<'pop_prev_dep' | 'pop_next_dep' | 'push_prev_dep' | 'push_next_dep', SourceRange>>;
  origin: InsnOrigin;
  /** Label written before it, if any. */
  label?: string;
  /** The `for` iterations it was expanded in (shared by the instructions of one iteration). */
  loops?: readonly LoopFrame[];
  /** For GEMM/ALU/LOAD UOP written with a kernel name: the kernel instance it refers to. */
  kernel?: string;
}

/**
 * A ProgramInsn with every field present, in one order. Fields added to an object
 * literal later each change its hidden class and, past the literal's own fields, need
 * a separate property store; a stream of 20,000 instructions would then hold several
 * shapes, and every consumer's property reads would see them all.
 */
export function programInsn(
  insn: Insn,
  module: ModuleId,
  origin: InsnOrigin,
  source: SourceRange | undefined,
  kernel?: string,
  tokenSources?: ProgramInsn['tokenSources'],
): ProgramInsn {
  return { insn, module, source, tokenSources, origin, label: undefined, loops: undefined, kernel };
}

/** A DRAM tensor of the image. */
export interface TensorPlacement {
  name: string;
  /** `inp`, `wgt`, `acc`, `acc8`, `out` or `uop`. */
  mem: DataMem;
  count: number;
  /** Byte offset from the image start; `dram_base` = byteOffset / elemBytes. */
  byteOffset: number;
  elemBytes: number;
  /** Whether the program gives its bytes (an initialiser, or a place outside an `image`). */
  initialised?: boolean;
  source?: SourceRange;
}

export type DataMem = 'inp' | 'wgt' | 'acc' | 'acc8' | 'out' | 'uop';

/** A micro-kernel instance (one per distinct argument list) placed in the image. */
export interface KernelPlacement {
  /** `name` or `name(1, 16)`. */
  name: string;
  uops: number;
  /** Byte offset of its first uop in the image (uop units: byteOffset / 4). */
  byteOffset: number;
  source?: SourceRange;
}

export interface DramLayout {
  tensors: TensorPlacement[];
  kernels: KernelPlacement[];
  /** Total image size in bytes. */
  bytes: number;
}

export interface Program {
  target: VtaTarget;
  insns: ProgramInsn[];
  /** The initial DRAM image (tensors with their initial values, and kernels). */
  dram: Uint8Array;
  layout: DramLayout;
}
