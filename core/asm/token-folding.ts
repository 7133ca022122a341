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
import { programInsn } from '../program/program';
import { SourceSpan } from './source-span';

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
  /** How many NOPs this notice stands for: a loop inserts the same one on every iteration. */
  times: number;
}

/** How many recent notices a new one is merged into: a loop body's pushes and pops take turns. */
const RECENT_NOTICES = 4;

/** Why a NOP was inserted; each kind's words depend only on the queue (and so its module). */
const NOTICE_TEXT = {
  first: (_q: QueueId, m: ModuleId) => `no ${m} instruction comes before it: inserted \`nop ${m}\` to carry this push`,
  again: (q: QueueId, m: ModuleId) =>
    `the previous ${m} instruction already pushes ${q}: inserted \`nop ${m}\` to carry this push`,
  twoPops: (q: QueueId, m: ModuleId) =>
    `two pops of ${q} before the next ${m} instruction: the first is carried by an inserted \`nop ${m}\``,
  pushAfterPops: (q: QueueId, m: ModuleId) =>
    `a push of ${q} follows pops that no ${m} instruction carries yet: they are carried by an inserted \`nop ${m}\``,
} as const;
type NoticeKind = keyof typeof NOTICE_TEXT;

/**
 * A notice's words, built once per kind and queue: a loop inserts a NOP on every
 * iteration, and the same string object compares at once.
 */
const noticeTexts = new Map<NoticeKind, Partial<Record<QueueId, string>>>();
function noticeText(kind: NoticeKind, q: QueueId, m: ModuleId): string {
  let byQueue = noticeTexts.get(kind);
  if (!byQueue) noticeTexts.set(kind, (byQueue = {}));
  return (byQueue[q] ??= NOTICE_TEXT[kind](q, m));
}

function sameNotice(n: FoldNotice, source: SourceRange, message: string): boolean {
  if (n.message !== message) return false;
  if (n.source instanceof SourceSpan && source instanceof SourceSpan) return n.source.sameAs(source);
  return (
    n.source.file === source.file &&
    n.source.start.line === source.start.line &&
    n.source.start.character === source.start.character &&
    n.source.end.line === source.end.line &&
    n.source.end.character === source.end.character
  );
}

/** The pops waiting for a module's next instruction, in the order they were written. */
class PendingPops {
  /** Slots reused from one instruction to the next: taking no pops allocates nothing. */
  private readonly flags: DepFlag[] = [];
  private readonly sources: SourceRange[] = [];
  count = 0;

  get(flag: DepFlag): SourceRange | undefined {
    for (let i = 0; i < this.count; i++) if (this.flags[i] === flag) return this.sources[i];
    return undefined;
  }

  first(): SourceRange | undefined {
    return this.count ? this.sources[0] : undefined;
  }

  add(flag: DepFlag, source: SourceRange): void {
    this.flags[this.count] = flag;
    this.sources[this.count] = source;
    this.count++;
  }

  /** Sets the pending flags on `insn`. */
  apply(insn: Insn): void {
    for (let i = 0; i < this.count; i++) insn[this.flags[i]!] = 1;
  }

  /** The pops as token sources (in the order written), leaving none pending. */
  take(): Partial<Record<DepFlag, SourceRange>> {
    const taken: Partial<Record<DepFlag, SourceRange>> = {};
    for (let i = 0; i < this.count; i++) taken[this.flags[i]!] = this.sources[i]!;
    this.count = 0;
    return taken;
  }
}

export class TokenFolder {
  private readonly lastOf: Record<ModuleId, number> = { ld: -1, ex: -1, st: -1 };
  // Reused, not replaced per instruction: most instructions have no pending pop.
  private readonly pending: Record<ModuleId, PendingPops> = {
    ld: new PendingPops(),
    ex: new PendingPops(),
    st: new PendingPops(),
  };
  readonly notices: FoldNotice[] = [];

  constructor(private readonly out: ProgramInsn[]) {}

  /** Appends a written instruction, giving it the pending pops of its module. */
  add(p: ProgramInsn): number {
    const pend = this.pending[p.module];
    if (pend.count) {
      pend.apply(p.insn);
      p.tokenSources = pend.take();
    }
    this.out.push(p);
    this.lastOf[p.module] = this.out.length - 1;
    return this.out.length - 1;
  }

  pop(q: QueueId, source: SourceRange): void {
    const m = queueConsumer(q);
    const flag = popFlagFor(q);
    const earlier = this.pending[m].get(flag);
    if (earlier) {
      this.commitPending(m, noticeText('twoPops', q, m), earlier);
    }
    this.pending[m].add(flag, source);
  }

  push(q: QueueId, source: SourceRange): void {
    const m = queueProducer(q);
    const flag = pushFlagFor(q);
    if (this.pending[m].count) {
      // Pops written before this push must happen before it: they get their own NOP.
      this.commitPending(m, noticeText('pushAfterPops', q, m), source);
    }
    const last = this.lastOf[m];
    if (last >= 0 && !this.out[last]!.insn[flag]) {
      this.out[last]!.insn[flag] = 1;
      (this.out[last]!.tokenSources ??= {})[flag] = source;
      return;
    }
    const flags: Partial<Record<DepFlag, SourceRange>> = {};
    flags[flag] = source;
    this.insertNop(m, flags, source, noticeText(last < 0 ? 'first' : 'again', q, m));
  }

  /** At the end of the stream, pops with no instruction after them get NOPs. */
  finish(): void {
    for (const m of ['ld', 'ex', 'st'] as const) {
      const first = this.pending[m].first();
      if (first)
        this.commitPending(m, `no ${m} instruction follows this pop: inserted \`nop ${m}\` to carry it`, first);
    }
  }

  private commitPending(m: ModuleId, message: string, source: SourceRange): void {
    this.insertNop(m, this.pending[m].take(), source, message);
  }

  /**
   * Records why a NOP was inserted, merged into a recent notice of the same place and
   * words: 100,000 iterations that each insert one keep a few notices, not 100,000.
   */
  private notice(source: SourceRange, message: string): void {
    const n = this.notices;
    for (let i = n.length - 1; i >= 0 && i >= n.length - RECENT_NOTICES; i--) {
      if (sameNotice(n[i]!, source, message)) {
        n[i]!.times++;
        return;
      }
    }
    n.push({ source, message, times: 1 });
  }

  /** `flags` becomes the NOP's token sources (every caller passes a fresh object). */
  private insertNop(
    m: ModuleId,
    flags: Partial<Record<DepFlag, SourceRange>>,
    source: SourceRange,
    message: string,
  ): void {
    const insn = nopInsn(m);
    for (const f of Object.keys(flags) as DepFlag[]) insn[f] = 1;
    this.out.push(programInsn(insn, m, 'token-nop', source, undefined, flags));
    this.lastOf[m] = this.out.length - 1;
    this.notice(source, message);
  }
}
