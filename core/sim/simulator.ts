/**
 * The Simulator: one program, one mode, stepped by the debugger, run to the end by
 * the CLI, driven by the webview. Forward steps go through a scheduler; backward
 * steps restore the latest periodic snapshot at or before the target and replay
 * forward deterministically (same options, same choices), so any earlier state can
 * be reached exactly.
 */
import type { ModuleId, QueueId } from '../isa';
import { MODULES, QUEUES } from '../isa';
import type { Program } from '../program/program';
import { f64Column } from './columns';
import type { FsimCounters } from './counters';
import { countersObject } from './counters';
import { SimError } from './errors';
import { Work as Work_ } from './exec';
import type { Interleaving } from './functional';
import { FunctionalScheduler } from './functional';
import { Machine } from './machine';
import type { OccupancySeries } from './occupancy';
import { computeOccupancy } from './occupancy';
import type { ModuleView, Scheduler } from './scheduler';
import { Ev as Ev_ } from './scheduler';
import type { PageSnapshot, SnapshotPolicy } from './snapshots';
import { DEFAULT_SNAPSHOT_POLICY, PageTracker, SnapshotStore } from './snapshots';
import type { SimMode, SimStatus, SimSummary } from './summary';
import { summarize } from './summary';
import { TimingScheduler } from './timing';
import type { TimingParams } from './timing-params';
import { timingParamsFor } from './timing-params';
import type { TokenQueuesState } from './tokens';
import type {
  RecorderState,
  TraceAccess,
  TraceInsn,
  TraceLimits,
  TraceStall,
  TraceToken,
  TraceTruncation,
} from './trace';
import { DEFAULT_TRACE_LIMITS } from './trace';

// Imported constants are read in the hot loop; module-local copies avoid the per-access
// getter that per-file transpilation (tsx, tests, benchmarks) puts on imported bindings.
const Ev = Ev_;
const Work = Work_;

export interface SimOptions {
  /** functional: fsim semantics, no cycles (default). timing: cycles only, no data. both: cycles and data. */
  mode?: SimMode;
  /** Functional mode: which ready module runs next (default 'program-order'). */
  interleaving?: Interleaving;
  /** Timing table row name or explicit parameters (default: the target's row). */
  timing?: string | TimingParams;
  /** Stop (reason 'cycle-limit') before any step past this time. */
  maxCycles?: number;
  /** Stop (reason 'step-limit') after this many scheduler steps. */
  maxSteps?: number;
  /** Record a trace (default true), optionally with limits. */
  trace?: boolean | Partial<TraceLimits>;
  /** Polled every few thousand steps; a run stops with reason 'cancelled' when it says so. */
  cancel?: { readonly aborted: boolean } | (() => boolean);
  /** Called about every `progressEveryMs` during long runs. */
  progress?: (p: SimProgress) => void;
  progressEveryMs?: number;
  /** 'auto' uses the WebAssembly SIMD kernels (GEMM, ALU) where available. */
  kernel?: 'auto' | 'js';
  /** Automatic snapshots for reverse stepping (default on). */
  snapshots?: Partial<SnapshotPolicy> | false;
}

export interface SimProgress {
  steps: number;
  time: number;
  executed: number;
  total: number;
}

export type StopReason =
  | 'event'
  | 'insn'
  | 'time'
  | 'breakpoint'
  | 'finished'
  | 'error'
  | 'deadlock'
  | 'step-limit'
  | 'cycle-limit'
  | 'cancelled';

export interface QueueView {
  queue: QueueId;
  /** Tokens held (including ones pushed but not yet visible to the consumer). */
  tokens: number;
  pushed: number;
  popped: number;
}

export interface SimSnapshot {
  readonly step: number;
  readonly pages: PageSnapshot;
  readonly machine: {
    counters: Float64Array;
    stats: Float64Array;
    tokens: TokenQueuesState;
    trace: RecorderState;
    startedCount: number;
    events: number;
  };
  readonly scheduler: unknown;
}

/** The JSON-able trace: the one format for the webview, the Chrome/Perfetto export and the debugger. */
export interface SimTrace {
  format: 'vta-sim-trace';
  version: 1;
  mode: SimMode;
  timeUnit: 'cycle' | 'step';
  /** Cycle figures come from the timing model: estimates. */
  estimate: boolean;
  target: string;
  clockMHz: number;
  timingRow?: string;
  insns: TraceInsn[];
  stalls: TraceStall[];
  tokens: TraceToken[];
  accesses: TraceAccess[];
  occupancy: OccupancySeries[];
  summary: SimSummary;
  unexecuted: number[];
  error?: ReturnType<SimError['toJSON']>;
  truncated?: TraceTruncation;
}

export interface SimResult {
  status: SimStatus;
  /** Why the last run call stopped (a limit or cancellation leaves status 'running'). */
  reason: StopReason;
  error?: SimError;
  counters: FsimCounters;
  /** Cycles (timing/both) or executed instructions (functional). */
  time: number;
  steps: number;
  /** Program indices that never started (FINISH ended the run first, or the run stopped). */
  unexecuted: number[];
  /** The final DRAM image (timing mode writes none: the program's image itself, not a copy). */
  dram: Uint8Array;
  summary: SimSummary;
}

const CANCEL_CHECK_STEPS = 1024;

export class Simulator {
  readonly mode: SimMode;
  readonly timing?: TimingParams;
  private readonly m: Machine;
  private readonly sched: Scheduler;
  /** Built on first use (snapshots): a run without them never needs the page lists. */
  private pageTracker?: PageTracker;
  private readonly store?: SnapshotStore<SimSnapshot>;
  private stepCount = 0;
  /** Step counts after each visible event, for stepping back one event (which needs snapshots: kept only with them). */
  private readonly events = f64Column(1024);
  private readonly opts: SimOptions;
  private lastProgress = Date.now();
  /** Where run(breakpoints) last stopped: continuing must not stop there again at once. */
  private pausedBefore?: { index: number; step: number };

  constructor(
    readonly program: Program,
    options: SimOptions = {},
  ) {
    this.opts = options;
    this.mode = options.mode ?? 'functional';
    const traceOpt = options.trace ?? true;
    this.m = new Machine(program, {
      data: this.mode !== 'timing',
      kernel: options.kernel ?? 'auto',
      trace: traceOpt !== false,
      traceLimits: { ...DEFAULT_TRACE_LIMITS, ...(typeof traceOpt === 'object' ? traceOpt : {}) },
    });
    if (this.mode === 'functional') {
      this.sched = new FunctionalScheduler(this.m, options.interleaving);
    } else {
      this.timing =
        typeof options.timing === 'object' ? options.timing : timingParamsFor(program.target, options.timing);
      this.sched = new TimingScheduler(this.m, this.timing);
    }
    if (options.snapshots !== false) {
      this.store = new SnapshotStore({ ...DEFAULT_SNAPSHOT_POLICY, ...(options.snapshots ?? {}) });
      this.store.add(this.capture(this.pages.initial));
    }
  }

  /**
   * The page tracker's base is the initial image plus the dirty flags the memories have
   * kept since the start, so building it late gives the same tracker as building it first.
   */
  private get pages(): PageTracker {
    return (this.pageTracker ??= new PageTracker(this.m.mem, this.program.dram));
  }

  // --- state ------------------------------------------------------------------

  get status(): SimStatus {
    const s = this.sched.status;
    if (s === 'error') return this.sched.error?.code === 'deadlock' ? 'deadlock' : 'error';
    return s;
  }

  get error(): SimError | undefined {
    return this.sched.error;
  }

  get timeUnit(): 'cycle' | 'step' {
    return this.sched.timeUnit;
  }

  /** Current time: cycle (timing/both) or executed-instruction count (functional). */
  get time(): number {
    return this.sched.time;
  }

  /** Scheduler steps taken: the coordinate of seek(). */
  get steps(): number {
    return this.stepCount;
  }

  /** Which kernels move data: WebAssembly SIMD or plain JavaScript ('js' in timing-only runs, which move none). */
  get kernel(): 'simd' | 'js' {
    return this.m.exec.kernel;
  }

  modules(): ModuleView[] {
    return this.sched.modules();
  }

  queues(): QueueView[] {
    const t = this.m.tokens;
    return QUEUES.map((queue, q) => ({ queue, tokens: t.count(q), pushed: t.pushed[q]!, popped: t.popped[q]! }));
  }

  counters(): FsimCounters {
    return countersObject(this.m.counters);
  }

  /** Step at which instruction `index` started, or -1. */
  startedAtStep(index: number): number {
    return this.m.startStep[index] ?? -1;
  }

  /** Copies of memory contents for views: DRAM bytes, or SRAM rows. */
  readDram(offset: number, length: number): Uint8Array {
    return this.m.mem.dram.slice(offset, offset + length);
  }

  readAcc(row: number, rows = 1): Int32Array {
    const n = this.m.geometry.accLanes;
    return this.m.mem.acc.slice(row * n, (row + rows) * n);
  }

  readInp(row: number, rows = 1): Int8Array {
    const n = this.m.geometry.inpLanes;
    return this.m.mem.inp.slice(row * n, (row + rows) * n);
  }

  readWgt(row: number, rows = 1): Int8Array {
    const n = this.m.geometry.wgtLanes;
    return this.m.mem.wgt.slice(row * n, (row + rows) * n);
  }

  readUops(index: number, count = 1): Array<{ dst: number; src: number; wgt: number }> {
    const mem = this.m.mem;
    const out = [];
    for (let u = index; u < index + count; u++)
      out.push({ dst: mem.uopDst[u]!, src: mem.uopSrc[u]!, wgt: mem.uopWgt[u]! });
    return out;
  }

  /**
   * Writes bytes into DRAM or the INP, WGT or ACC buffer at a byte offset from its start
   * (a debugger's memory edit) and returns how many were written: none before the
   * start, none past the end. Pages are marked written, so later snapshots hold the
   * bytes; the snapshots taken before do not, and stepping back across the edit is the
   * caller's to forbid. The timing-only mode holds no data, so it refuses.
   */
  writeMemory(region: 'dram' | 'inp' | 'wgt' | 'acc', offset: number, data: Uint8Array): number {
    if (this.mode === 'timing')
      throw new Error('the timing-only mode holds no data: run in functional or both mode to write memory');
    const mem = this.m.mem;
    const target =
      region === 'dram' ? mem.dram : region === 'inp' ? mem.inpBytes : region === 'wgt' ? mem.wgtBytes : mem.accBytes;
    const n = Math.max(0, Math.min(data.length, target.length - offset));
    if (offset < 0 || n === 0) return 0;
    target.set(data.subarray(0, n), offset);
    if (region === 'dram') {
      mem.touchDram(offset, offset + n);
      return n;
    }
    const base = region === 'inp' ? mem.layout.inp : region === 'wgt' ? mem.layout.wgt : mem.layout.acc;
    mem.touchSram(base + offset, base + offset + n);
    // The SIMD kernels keep a widened copy of the weights: it follows the written rows.
    const lanes = this.m.geometry.wgtLanes;
    if (region === 'wgt') mem.wgtWritten(Math.floor(offset / lanes), Math.ceil((offset + n) / lanes));
    return n;
  }

  // --- forward ------------------------------------------------------------------

  /** Runs to the next visible event: an instruction start or end, a stall, or the end. */
  stepEvent(): StopReason {
    return this.advance((ev) => ev !== Ev.NONE, 'event');
  }

  /** Runs until an instruction (of `module`, if given) has started. */
  stepInsn(module?: ModuleId): StopReason {
    const want = module === undefined ? -1 : MODULES.indexOf(module);
    return this.advance(
      (ev) => (ev === Ev.START || ev === Ev.EXEC) && (want < 0 || this.sched.lastModule === want),
      'insn',
    );
  }

  /** Runs every step that happens before `time`. */
  runToTime(time: number): StopReason {
    if (this.sched.peekTime() >= time && this.sched.status === 'running') return 'time';
    return this.advance(() => this.sched.peekTime() >= time, 'time');
  }

  /**
   * Runs to the end, or until an instruction in `breakpoints` is about to start: the
   * simulator then stands just before it (its effect not yet applied).
   */
  run(breakpoints?: ReadonlySet<number>): StopReason {
    const paused = this.pausedBefore;
    this.pausedBefore = undefined;
    if (!breakpoints || breakpoints.size === 0) {
      return this.store || !this.sched.runSteps ? this.advance(() => false, 'finished') : this.runUnwatched();
    }
    if (!this.store)
      throw new Error('run(breakpoints) needs snapshots to stop before an instruction (the snapshots option is false)');
    let hit = -1;
    const reason = this.advance((ev) => {
      if (ev !== Ev.START && ev !== Ev.EXEC) return false;
      const i = this.sched.lastIndex;
      if (!breakpoints.has(i)) return false;
      if (paused && paused.index === i && paused.step === this.m.startStep[i]) return false;
      hit = i;
      return true;
    }, 'breakpoint');
    if (reason === 'breakpoint') {
      const step = this.m.startStep[hit]!;
      this.seek(step);
      this.pausedBefore = { index: hit, step };
    }
    return reason;
  }

  private cancelled(): boolean {
    const c = this.opts.cancel;
    if (!c) return false;
    return typeof c === 'function' ? c() : c.aborted;
  }

  /** Steps until `stop(event)` holds after a step, the run ends, or a limit hits. */
  private advance(stop: (ev: number) => boolean, reason: StopReason): StopReason {
    const o = this.opts;
    const maxSteps = o.maxSteps ?? Infinity;
    const maxCycles = o.maxCycles ?? Infinity;
    let sinceCheck = 0;
    for (;;) {
      if (this.sched.status !== 'running') return this.endReason();
      if (this.stepCount >= maxSteps) return 'step-limit';
      if (this.sched.peekTime() > maxCycles) return 'cycle-limit';
      if (++sinceCheck >= CANCEL_CHECK_STEPS) {
        sinceCheck = 0;
        if (this.cancelled()) return 'cancelled';
        this.reportProgress();
      }
      const ev = this.stepOnce();
      if (this.sched.status !== 'running') return this.endReason();
      if (stop(ev)) return reason;
    }
  }

  /**
   * run() without snapshots: no step needs to be seen on its own (no stop condition,
   * no replay cost to charge), so the scheduler runs them in batches between the
   * limit, cancellation and progress checks, which stay as in advance().
   */
  private runUnwatched(): StopReason {
    const sched = this.sched;
    const o = this.opts;
    const maxSteps = o.maxSteps ?? Infinity;
    const maxCycles = o.maxCycles ?? Infinity;
    for (;;) {
      if (sched.status !== 'running') return this.endReason();
      if (this.stepCount >= maxSteps) return 'step-limit';
      const count = Math.min(CANCEL_CHECK_STEPS, maxSteps - this.stepCount);
      const done = sched.runSteps!(this.stepCount, count, maxCycles);
      this.stepCount += done;
      if (sched.status !== 'running') return this.endReason();
      if (done < count) return 'cycle-limit';
      if (this.cancelled()) return 'cancelled';
      this.reportProgress();
    }
  }

  private endReason(): StopReason {
    const s = this.status;
    return s === 'finished' ? 'finished' : s === 'deadlock' ? 'deadlock' : 'error';
  }

  private reportProgress(): void {
    const p = this.opts.progress;
    if (!p) return;
    const now = Date.now();
    if (now - this.lastProgress < (this.opts.progressEveryMs ?? 1000)) return;
    this.lastProgress = now;
    p({ steps: this.stepCount, time: this.sched.time, executed: this.m.startedCount, total: this.m.n });
  }

  private stepOnce(): number {
    const ev = this.sched.step(this.stepCount);
    this.stepCount++;
    const store = this.store;
    if (!store) return ev;
    if (ev !== Ev.NONE) this.events.push(this.stepCount);
    if (this.stepCount > store.lastStep && store.charge(this.cost(ev))) store.add(this.capture(this.pages.take()));
    return ev;
  }

  /** Estimated replay cost of a step in µs (what bounds the time of a backward step). */
  private cost(ev: number): number {
    if (ev !== Ev.START && ev !== Ev.EXEC) return 0.2;
    const out = this.m.exec.out;
    switch (out.work) {
      case Work.GEMM:
        return 0.5 + out.uopIters * (this.kernel === 'simd' ? 0.03 : 0.4);
      case Work.ALU:
        return 0.5 + out.uopIters * this.m.geometry.accLanes * 0.004;
      case Work.LOAD:
      case Work.STORE:
        return 0.5 + out.dmaRows * out.dmaRowBytes * 0.002;
      default:
        return 0.3;
    }
  }

  // --- snapshots and backward -----------------------------------------------------

  private capture(pages: PageSnapshot): SimSnapshot {
    const m = this.m;
    return {
      step: this.stepCount,
      pages,
      machine: {
        counters: m.counters.slice(),
        stats: m.stats.slice(),
        tokens: m.tokens.save(),
        trace: m.trace.save(),
        startedCount: m.startedCount,
        events: this.events.length,
      },
      scheduler: this.sched.save(),
    };
  }

  /** The full state (SRAMs, DRAM, queues, module positions, time, counters, trace position). */
  snapshot(): SimSnapshot {
    return this.capture(this.pages.take());
  }

  /**
   * Returns to a snapshot's state exactly. A snapshot of a later point than the
   * current one (taken before stepping back) is reached by deterministic replay.
   */
  restore(s: SimSnapshot): void {
    if (s.step > this.stepCount) {
      this.replayTo(s.step);
      return;
    }
    const m = this.m;
    this.pages.restore(s.pages);
    m.counters.set(s.machine.counters);
    m.stats.set(s.machine.stats);
    m.tokens.load(s.machine.tokens);
    m.trace.load(s.machine.trace);
    m.rewindStarted(s.machine.startedCount);
    this.events.truncate(s.machine.events);
    this.sched.load(s.scheduler);
    this.stepCount = s.step;
    this.store?.resetCharge();
  }

  /** Goes to the state after exactly `step` scheduler steps (backward or forward). */
  seek(step: number): void {
    if (step < this.stepCount) {
      const s = this.store?.atOrBefore(step);
      if (!s) throw new Error('seek backward needs snapshots (the snapshots option is false)');
      this.restore(s);
    }
    this.replayTo(step);
  }

  private replayTo(step: number): void {
    while (this.stepCount < step && this.sched.status === 'running') this.stepOnce();
  }

  /** Back to the previous visible event (the state right after it). */
  stepBackEvent(): StopReason {
    const n = this.events.length;
    let target = 0;
    // The last event at or before the current step is where we stand; go to the one before.
    for (let k = n - 1; k >= 0; k--) {
      if (this.events.get(k) < this.stepCount) {
        target = this.events.get(k);
        break;
      }
    }
    this.seek(target);
    return 'event';
  }

  /** Back to just after the previous instruction start (of `module`, if given). */
  stepBackInsn(module?: ModuleId): StopReason {
    const want = module === undefined ? -1 : MODULES.indexOf(module);
    const m = this.m;
    let target = 0;
    for (let k = m.startedCount - 1; k >= 0; k--) {
      const i = m.started[k]!;
      const after = m.startStep[i]! + 1;
      if (after < this.stepCount && (want < 0 || m.info.module[i] === want)) {
        target = after;
        break;
      }
    }
    this.seek(target);
    return 'insn';
  }

  // --- results --------------------------------------------------------------------

  summary(): SimSummary {
    const s = summarize(
      this.m,
      this.mode,
      this.status,
      this.sched.time,
      this.timing ? { row: this.timing.name, clockMHz: this.timing.clockMHz } : undefined,
    );
    if (this.sched.status === 'finished') {
      // Timing mode applies an instruction's effect when it starts; one still running when
      // FINISH completes would, on hardware, not have finished its work.
      for (const [index] of this.sched.pending()) {
        s.warnings.push(
          `instruction ${index} (${MODULES[this.m.info.module[index]!]}) was still running when FINISH completed: on hardware its work may not be done`,
        );
      }
      const left = this.sched.unexecuted();
      if (left.length)
        s.warnings.push(
          `${left.length} instruction(s) never ran: FINISH ended the run first (first: ${left.slice(0, 5).join(', ')})`,
        );
    }
    return s;
  }

  result(reason: StopReason = this.sched.status === 'running' ? 'event' : this.endReason()): SimResult {
    return {
      status: this.status,
      reason,
      error: this.sched.error,
      counters: this.counters(),
      time: this.sched.time,
      steps: this.stepCount,
      unexecuted: this.sched.unexecuted(),
      dram: this.mode === 'timing' ? this.m.mem.dram : this.m.mem.dram.slice(),
      summary: this.summary(),
    };
  }

  /** The trace so far, as plain objects (with occupancy and summary). */
  trace(): SimTrace {
    const m = this.m;
    const now = this.sched.time;
    const queued: Array<[number, number]> = [];
    const saved = m.tokens.save();
    saved.ids.forEach((ids, q) => ids.forEach((pusher) => queued.push([q, pusher])));
    const rec = m.trace.materialize((i) => MODULES[m.info.module[i]!]!, now, this.sched.pending(), queued);
    const g = m.geometry;
    const end = rec.insns.reduce((e, r) => Math.max(e, r.end), now);
    const t: SimTrace = {
      format: 'vta-sim-trace',
      version: 1,
      mode: this.mode,
      timeUnit: this.sched.timeUnit,
      estimate: this.mode !== 'functional',
      target: this.program.target.name,
      clockMHz: this.timing?.clockMHz ?? this.program.target.board.clockMHz,
      ...rec,
      occupancy: computeOccupancy(
        rec.accesses,
        { uop: g.uopDepth, inp: g.inpDepth, wgt: g.wgtDepth, acc: g.accDepth },
        end,
      ),
      summary: this.summary(),
      unexecuted: this.sched.unexecuted(),
    };
    if (this.timing) t.timingRow = this.timing.name;
    if (this.sched.error) t.error = this.sched.error.toJSON();
    const tr = m.trace.truncation();
    if (tr) t.truncated = tr;
    return t;
  }

  /** Bytes held by the trace columns and the automatic snapshots (for memory reports). */
  memoryFootprint(): { traceBytes: number; snapshotBytes: number; snapshots: number } {
    return {
      traceBytes: this.m.trace.bytes,
      snapshotBytes: this.store?.bytes() ?? 0,
      snapshots: this.store?.count ?? 0,
    };
  }
}

/** Runs a program to the end (or to a limit) and returns the result. */
export function simulate(program: Program, options: SimOptions = {}): SimResult {
  const sim = new Simulator(program, { snapshots: false, ...options });
  const reason = sim.run();
  return sim.result(reason);
}
