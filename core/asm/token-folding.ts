/**
 * Folding `push Q` / `pop Q` lines into the dependency flags of real instructions
 * (vta-assembly.md "Dependency tokens"): a pop goes to the next instruction of Q's
 * consumer, a push to the previous instruction of Q's producer; where there is none,
 * or the flag is taken, a `nop` of that module carries it, as VTA's runtime does.
 */
import type { DepFlag, ModuleId, QueueId } from '../isa';
import { emptyInsn, MemType, Opcode, popFlagFor, pushFlagFor, queueConsumer, queueProducer } from '../isa';
import type { Insn } from '../isa';
import type { ProgramInsn, SourceRange } from '../program/program';

/** The encoding of `nop ld|ex|st`: a zero-size LOAD INP, LOAD UOP or STORE. */
export function nopInsn(module: ModuleId): Insn {
  if (module === 'st') return emptyInsn(Opcode.STORE);
  const insn = emptyInsn(Opcode.LOAD);
  insn.memory_type = module === 'ld' ? MemType.INP : MemType.UOP;
  return insn;
}

export interface FoldNotice {
  source: SourceRange;
  message: string;
}

export class TokenFolder {
  private readonly lastOf: Record<ModuleId, number> = { ld: -1, ex: -1, st: -1 };
  private readonly pending: Record<ModuleId, Partial<Record<DepFlag, SourceRange>>> = { ld: {}, ex: {}, st: {} };
  readonly notices: FoldNotice[] = [];

  constructor(private readonly out: ProgramInsn[]) {}

  /** Appends a written instruction, giving it the pending pops of its module. */
  add(p: ProgramInsn): number {
    const pend = this.pending[p.module];
    for (const flag of Object.keys(pend) as DepFlag[]) {
      p.insn[flag] = 1;
      (p.tokenSources ??= {})[flag] = pend[flag]!;
    }
    this.pending[p.module] = {};
    this.out.push(p);
    this.lastOf[p.module] = this.out.length - 1;
    return this.out.length - 1;
  }

  pop(q: QueueId, source: SourceRange): void {
    const m = queueConsumer(q);
    const flag = popFlagFor(q);
    if (this.pending[m][flag]) {
      this.commitPending(m, `two pops of ${q} before the next ${m} instruction: the first is carried by an inserted \`nop ${m}\``, this.pending[m][flag]!);
    }
    this.pending[m][flag] = source;
  }

  push(q: QueueId, source: SourceRange): void {
    const m = queueProducer(q);
    const flag = pushFlagFor(q);
    if (Object.keys(this.pending[m]).length) {
      // Pops written before this push must happen before it: they get their own NOP.
      this.commitPending(m, `a push of ${q} follows pops that no ${m} instruction carries yet: they are carried by an inserted \`nop ${m}\``, source);
    }
    const last = this.lastOf[m];
    if (last >= 0 && !this.out[last]!.insn[flag]) {
      this.out[last]!.insn[flag] = 1;
      (this.out[last]!.tokenSources ??= {})[flag] = source;
      return;
    }
    const why = last < 0 ? `no ${m} instruction comes before it` : `the previous ${m} instruction already pushes ${q}`;
    this.insertNop(m, { [flag]: source }, source, `${why}: inserted \`nop ${m}\` to carry this push`);
  }

  /** At the end of the stream, pops with no instruction after them get NOPs. */
  finish(): void {
    for (const m of ['ld', 'ex', 'st'] as const) {
      const pend = this.pending[m];
      const first = Object.values(pend)[0];
      if (first) this.commitPending(m, `no ${m} instruction follows this pop: inserted \`nop ${m}\` to carry it`, first);
    }
  }

  private commitPending(m: ModuleId, message: string, source: SourceRange): void {
    const flags = this.pending[m];
    this.pending[m] = {};
    this.insertNop(m, flags, source, message);
  }

  private insertNop(m: ModuleId, flags: Partial<Record<DepFlag, SourceRange>>, source: SourceRange, message: string): void {
    const insn = nopInsn(m);
    for (const f of Object.keys(flags) as DepFlag[]) insn[f] = 1;
    this.out.push({ insn, module: m, source, tokenSources: { ...flags }, origin: 'token-nop' });
    this.lastOf[m] = this.out.length - 1;
    this.notices.push({ source, message });
  }
}
