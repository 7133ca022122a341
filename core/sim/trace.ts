/**
 * The trace: what happened, when, and why modules waited. Recorded column-wise and
 * append-only (an instruction is recorded when it completes, a stall when it ends,
 * a token when it is popped), so restoring a snapshot only truncates columns.
 * `materialize` turns it into the one JSON-able format that the webview, the
 * Chrome/Perfetto export and the debugger read.
 */
import type { ModuleId, QueueId } from '../isa';
import { QUEUES } from '../isa';
import { f64Column, i32Column, i8Column, u8Column } from './columns';
import type { BufferName } from './exec';
import { ACCESS_NAMES, BUFFER_NAMES } from './exec';

export type StallCause = 'token' | 'dram' | 'fetch';
export const STALL_CAUSES: readonly StallCause[] = ['token', 'dram', 'fetch'];
export const Cause = { TOKEN: 0, DRAM: 1, FETCH: 2 } as const;

export interface TraceInsn {
  index: number;
  module: ModuleId;
  start: number;
  end: number;
}

export interface TraceStall {
  /** The instruction that waited (the module's head, or the one whose DMA waited for the bus). */
  index: number;
  module: ModuleId;
  start: number;
  end: number;
  cause: StallCause;
  /** For token stalls: the queue whose pop could not be satisfied. */
  queue?: QueueId;
}

export interface TraceToken {
  queue: QueueId;
  /** The instruction whose completion pushed the token; its end is the push time. */
  push: { index: number; time: number };
  /** The instruction that consumed it; absent for a token still queued at the end. */
  pop?: { index: number; time: number };
}

export interface TraceAccess {
  index: number;
  buffer: BufferName;
  kind: 'read' | 'write' | 'update';
  /** Row range [lo, hi): the hull of the rows touched (micro-op indices for uop). */
  lo: number;
  hi: number;
  start: number;
  end: number;
}

export interface TraceLimits {
  /** Most instruction records kept; recording stops (all columns) once reached. */
  maxInsns: number;
}

export const DEFAULT_TRACE_LIMITS: TraceLimits = { maxInsns: 200_000 };

export interface TraceTruncation {
  /** Time of the last recorded instruction's completion; nothing after it is in the trace. */
  afterTime: number;
  droppedInsns: number;
}

export interface RecorderState {
  insns: number;
  stalls: number;
  tokens: number;
  accesses: number;
  dropped: number;
  truncatedAt: number;
}

export class TraceRecorder {
  private readonly insIdx = i32Column(256);
  private readonly insStart = f64Column(256);
  private readonly insEnd = f64Column(256);
  private readonly stIdx = i32Column();
  private readonly stStart = f64Column();
  private readonly stEnd = f64Column();
  private readonly stCause = u8Column();
  private readonly stQueue = i8Column();
  private readonly tkQueue = u8Column();
  private readonly tkPush = i32Column();
  private readonly tkPop = i32Column();
  private readonly tkPopTime = f64Column();
  private readonly acIdx = i32Column(256);
  private readonly acBuf = u8Column(256);
  private readonly acKind = u8Column(256);
  private readonly acLo = i32Column(256);
  private readonly acHi = i32Column(256);
  private dropped = 0;
  private truncatedAt = -1;
  private on: boolean;

  constructor(
    readonly enabled: boolean,
    readonly limits: TraceLimits = DEFAULT_TRACE_LIMITS,
  ) {
    this.on = enabled;
  }

  get recording(): boolean {
    return this.on;
  }

  insnDone(index: number, start: number, end: number): void {
    if (!this.on) {
      if (this.enabled) this.dropped++;
      return;
    }
    this.insIdx.push(index);
    this.insStart.push(start);
    this.insEnd.push(end);
    if (this.insIdx.length >= this.limits.maxInsns) {
      this.on = false;
      this.truncatedAt = end;
    }
  }

  stall(index: number, start: number, end: number, cause: number, queue: number): void {
    if (!this.on || end <= start) return;
    this.stIdx.push(index);
    this.stStart.push(start);
    this.stEnd.push(end);
    this.stCause.push(cause);
    this.stQueue.push(queue);
  }

  tokenPopped(queue: number, pushIndex: number, popIndex: number, popTime: number): void {
    if (!this.on) return;
    this.tkQueue.push(queue);
    this.tkPush.push(pushIndex);
    this.tkPop.push(popIndex);
    this.tkPopTime.push(popTime);
  }

  access(index: number, buf: number, kind: number, lo: number, hi: number): void {
    if (!this.on) return;
    this.acIdx.push(index);
    this.acBuf.push(buf);
    this.acKind.push(kind);
    this.acLo.push(lo);
    this.acHi.push(hi);
  }

  get insnCount(): number {
    return this.insIdx.length;
  }

  save(): RecorderState {
    return {
      insns: this.insIdx.length,
      stalls: this.stIdx.length,
      tokens: this.tkQueue.length,
      accesses: this.acIdx.length,
      dropped: this.dropped,
      truncatedAt: this.truncatedAt,
    };
  }

  load(s: RecorderState): void {
    for (const c of [this.insIdx, this.insStart, this.insEnd]) c.truncate(s.insns);
    for (const c of [this.stIdx, this.stStart, this.stEnd, this.stCause, this.stQueue]) c.truncate(s.stalls);
    for (const c of [this.tkQueue, this.tkPush, this.tkPop, this.tkPopTime]) c.truncate(s.tokens);
    for (const c of [this.acIdx, this.acBuf, this.acKind, this.acLo, this.acHi]) c.truncate(s.accesses);
    this.dropped = s.dropped;
    this.truncatedAt = s.truncatedAt;
    this.on = this.enabled && s.truncatedAt < 0;
  }

  /** Bytes held by the columns. */
  get bytes(): number {
    let b = 0;
    for (const c of [
      this.insIdx,
      this.insStart,
      this.insEnd,
      this.stIdx,
      this.stStart,
      this.stEnd,
      this.stCause,
      this.stQueue,
      this.tkQueue,
      this.tkPush,
      this.tkPop,
      this.tkPopTime,
      this.acIdx,
      this.acBuf,
      this.acKind,
      this.acLo,
      this.acHi,
    ])
      b += c.bytes;
    return b;
  }

  truncation(): TraceTruncation | undefined {
    return this.truncatedAt >= 0 ? { afterTime: this.truncatedAt, droppedInsns: this.dropped } : undefined;
  }

  /**
   * The recorded events as plain objects.
   * @param moduleOf module of each program instruction
   * @param pending instructions started but not completed (at the end of a run: none
   *   unless it stopped early), as [index, start]; they get end = `now`
   * @param queued tokens still in the queues, as [queue, pushIndex]
   */
  materialize(
    moduleOf: (i: number) => ModuleId,
    now: number,
    pending: Array<[number, number]>,
    queued: Array<[number, number]>,
  ): {
    insns: TraceInsn[];
    stalls: TraceStall[];
    tokens: TraceToken[];
    accesses: TraceAccess[];
  } {
    const insns: TraceInsn[] = [];
    const startOf = new Map<number, number>();
    const endOf = new Map<number, number>();
    for (let k = 0; k < this.insIdx.length; k++) {
      const index = this.insIdx.get(k);
      const start = this.insStart.get(k),
        end = this.insEnd.get(k);
      insns.push({ index, module: moduleOf(index), start, end });
      startOf.set(index, start);
      endOf.set(index, end);
    }
    for (const [index, start] of pending) {
      if (!this.on) break;
      insns.push({ index, module: moduleOf(index), start, end: now });
      startOf.set(index, start);
      endOf.set(index, now);
    }
    insns.sort((a, b) => a.start - b.start || a.index - b.index);
    const stalls: TraceStall[] = [];
    for (let k = 0; k < this.stIdx.length; k++) {
      const index = this.stIdx.get(k);
      const q = this.stQueue.get(k);
      const s: TraceStall = {
        index,
        module: moduleOf(index),
        start: this.stStart.get(k),
        end: this.stEnd.get(k),
        cause: STALL_CAUSES[this.stCause.get(k)]!,
      };
      if (q >= 0) s.queue = QUEUES[q]!;
      stalls.push(s);
    }
    stalls.sort((a, b) => a.start - b.start);
    const tokens: TraceToken[] = [];
    for (let k = 0; k < this.tkQueue.length; k++) {
      const push = this.tkPush.get(k);
      tokens.push({
        queue: QUEUES[this.tkQueue.get(k)]!,
        push: { index: push, time: endOf.get(push) ?? 0 },
        pop: { index: this.tkPop.get(k), time: this.tkPopTime.get(k) },
      });
    }
    if (this.on) {
      for (const [q, push] of queued)
        tokens.push({ queue: QUEUES[q]!, push: { index: push, time: endOf.get(push) ?? 0 } });
    }
    tokens.sort((a, b) => a.push.time - b.push.time);
    const accesses: TraceAccess[] = [];
    for (let k = 0; k < this.acIdx.length; k++) {
      const index = this.acIdx.get(k);
      const start = startOf.get(index);
      if (start === undefined) continue; // started after the trace was capped
      accesses.push({
        index,
        buffer: BUFFER_NAMES[this.acBuf.get(k)]!,
        kind: ACCESS_NAMES[this.acKind.get(k)]!,
        lo: this.acLo.get(k),
        hi: this.acHi.get(k),
        start,
        end: endOf.get(index)!,
      });
    }
    accesses.sort((a, b) => a.start - b.start || a.index - b.index);
    return { insns, stalls, tokens, accesses };
  }
}
