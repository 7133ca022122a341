/**
 * Simulation errors: every place where fsim aborts (CHECK failure, crash or hang)
 * becomes a SimError that names the instruction, carries the numbers that broke
 * the rule, and points at the source line the instruction came from.
 */
import type { ModuleId, QueueId } from '../isa';
import type { SourceRange } from '../program/program';

export type SimErrorCode =
  /** A LOAD, STORE, GEMM or ALU touches an SRAM row past the buffer's depth. */
  | 'sram-out-of-range'
  /** A GEMM/ALU micro-op range runs past the UOP buffer. */
  | 'uop-out-of-range'
  /** A LOAD or STORE touches bytes outside the DRAM image. */
  | 'dram-out-of-range'
  /** A load-module instruction with a prev flag or a store with a next flag (fsim crashes). */
  | 'illegal-dep-flag'
  /** STORE whose memory_type is not OUT (fsim: fatal). */
  | 'bad-store-type'
  /** STORE with non-zero padding (fsim: CHECK failure). */
  | 'bad-store-padding'
  /** LOAD whose memory_type is OUT or unknown (fsim: fatal). */
  | 'bad-load-type'
  /** Opcode 5–7 (fsim: "Unknown op_code"). */
  | 'unknown-opcode'
  /** ALU opcode 5–7. */
  | 'unknown-alu-opcode'
  /** No module can make progress before FINISH (fsim hangs). */
  | 'deadlock'
  /** Every instruction ran and none was FINISH (fsim hangs). */
  | 'missing-finish'
  /** The target's geometry is not one the simulator models. */
  | 'unsupported-target';

/** One link of a deadlock's waiting chain. */
export interface WaitLink {
  module: ModuleId;
  /** The instruction at the head of the module that cannot start. */
  insnIndex: number;
  /** The queue it waits on. */
  queue: QueueId;
  source?: SourceRange;
  /** What the queue's producer is doing. */
  producer: {
    module: ModuleId;
    /**
     * 'waiting': blocked on a token itself (the next link says on what); 'done': has no
     * instructions left; 'waiting-fetch' (timing): its next instruction cannot be fetched.
     */
    state: 'waiting' | 'done' | 'waiting-fetch';
    /** Tokens the producer pushed on this queue during the run, and how many were popped. */
    pushed: number;
    popped: number;
  };
}

export class SimError extends Error {
  constructor(
    readonly code: SimErrorCode,
    message: string,
    /** Program index of the offending instruction; -1 when none applies. */
    readonly insnIndex: number,
    readonly source?: SourceRange,
    /** For deadlocks: who waits on whom, starting from the blocked module that comes first in program order. */
    readonly chain?: WaitLink[],
    /** Other places involved (a deadlock at a `pop` line: the instruction that carries it). */
    readonly related?: Array<{ source: SourceRange; message: string }>,
  ) {
    super(message);
    this.name = 'SimError';
  }

  /**
   * `file:line:col: error code: message` (1-based line and column), as compilers print.
   * Without a source range (a binary stream) the "line" is the instruction number + 1.
   * @param codePrefix prepended to the code (the CLI prints a diagnostic family)
   */
  format(fallbackFile = '<program>', codePrefix = ''): string {
    const where = this.source
      ? `${this.source.file}:${this.source.start.line + 1}:${this.source.start.character + 1}`
      : `${fallbackFile}:${this.insnIndex >= 0 ? this.insnIndex + 1 : 1}:1`;
    return `${where}: error ${codePrefix}${this.code}: ${this.message}`;
  }

  /** Plain JSON form for traces and protocol messages. */
  toJSON(): {
    code: SimErrorCode;
    message: string;
    insnIndex: number;
    source?: SourceRange;
    chain?: WaitLink[];
    related?: SimError['related'];
  } {
    const out: ReturnType<SimError['toJSON']> = { code: this.code, message: this.message, insnIndex: this.insnIndex };
    if (this.source) out.source = this.source;
    if (this.related) out.related = this.related;
    if (this.chain) out.chain = this.chain.map(({ source, ...rest }) => (source ? { ...rest, source } : rest));
    return out;
  }
}
