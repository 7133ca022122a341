/**
 * Everything both schedulers share: the program facts, the memories, the
 * executor, the token queues, the fsim counters, the running statistics and the
 * trace recorder — and the bookkeeping for starting and completing instructions,
 * so that the functional and timing schedulers differ only in *when* they do it.
 */
import type { Program } from '../program/program';
import { SimError } from './errors';
import { Executor, Work as Work_ } from './exec';
import type { ExecOut } from './exec';
import { simGeometry } from './geometry';
import type { SimGeometry } from './geometry';
import { SimMemory } from './memory';
import type { ProgramInfo } from './program-info';
import { programInfo } from './program-info';
import { S as S_, stallSlot } from './stats';
import { QUEUE_COUNT as QUEUE_COUNT_, TokenQueues } from './tokens';
import type { TraceLimits } from './trace';
import { TraceRecorder } from './trace';
import { instantiateSimdKernels } from './wasm/kernels';

// Imported constants are read in the hot loop; module-local copies avoid the per-access
// getter that per-file transpilation (tsx, tests, benchmarks) puts on imported bindings.
const Work = Work_;
const S = S_;
const QUEUE_COUNT = QUEUE_COUNT_;

export interface MachineOptions {
  /** false: timing only, no tensor data moves. */
  data: boolean;
  kernel: 'auto' | 'js';
  trace: boolean;
  traceLimits: TraceLimits;
}

export class Machine {
  readonly info: ProgramInfo;
  readonly geometry: SimGeometry;
  readonly mem: SimMemory;
  readonly exec: Executor;
  readonly counters = new Float64Array(7);
  readonly stats = new Float64Array(S.SIZE);
  readonly tokens = new TokenQueues();
  readonly trace: TraceRecorder;
  /** Engine step at which each instruction started; -1 if it has not. */
  readonly startStep: Float64Array;
  /** Time at which each instruction started (valid when startStep ≥ 0). */
  readonly startTime: Float64Array;
  /** Instructions started so far, in start order (for reverse stepping and for resets). */
  readonly started: Int32Array;
  startedCount = 0;

  constructor(
    readonly program: Program,
    opts: MachineOptions,
  ) {
    this.geometry = simGeometry(program.target);
    // Timing-only moves no data: no kernels, and the DRAM image is only read.
    const simd = opts.kernel === 'auto' && opts.data ? instantiateSimdKernels(this.geometry) : undefined;
    this.mem = new SimMemory(this.geometry, program.dram, simd, opts.data);
    this.exec = new Executor(program, this.mem, this.counters, simd, opts.data);
    this.info = programInfo(program.insns.length, this.exec);
    this.trace = new TraceRecorder(opts.trace, opts.traceLimits);
    const n = this.info.n;
    this.startStep = new Float64Array(n).fill(-1);
    this.startTime = new Float64Array(n);
    this.started = new Int32Array(n);
  }

  get n(): number {
    return this.info.n;
  }

  /** Raises fsim's crash on illegal dependency flags as an error. */
  checkLegal(index: number): void {
    if (this.info.illegal.size === 0) return;
    const bad = this.info.illegal.get(index);
    if (!bad) return;
    const m = this.info.module[index] === 0 ? 'load-module' : 'store-module';
    throw new SimError(
      'illegal-dep-flag',
      `${m} instruction with ${bad.join(' and ')} set: that queue does not exist for this module (fsim dereferences a null queue and crashes)`,
      index,
      this.program.insns[index]?.source,
    );
  }

  /** The first queue the instruction pops that holds no token visible at `time`; -1 when it can start. */
  popsReady(index: number, time: number): number {
    const mask = this.info.popMask[index]!;
    for (let q = 0; q < QUEUE_COUNT; q++) {
      if (mask & (1 << q) && !(this.tokens.count(q) > 0 && this.tokens.headVisibleAt(q) <= time)) return q;
    }
    return -1;
  }

  /** Pops, records the start and executes (functional effect at start). */
  start(index: number, time: number, step: number): ExecOut {
    const mask = this.info.popMask[index]!;
    const trace = this.trace;
    // A run without a trace (the explorer's) does not ask the recorder at every step.
    const tracing = trace.enabled;
    for (let q = 0; mask >> q; q++) {
      if (mask & (1 << q)) {
        const pusher = this.tokens.pop(q);
        if (tracing && trace.recording) trace.tokenPopped(q, pusher, index, time);
      }
    }
    this.startStep[index] = step;
    this.startTime[index] = time;
    this.started[this.startedCount++] = index;
    this.stats[S.EXEC + this.info.module[index]!]++;
    const out = this.exec.exec(index);
    this.account(out);
    if (tracing && trace.recording)
      for (let k = 0; k < out.n; k++) trace.access(index, out.buf[k]!, out.kind[k]!, out.lo[k]!, out.hi[k]!);
    return out;
  }

  /** Adds the instruction's work to the statistics. */
  account(out: ExecOut): void {
    const st = this.stats;
    switch (out.work) {
      case Work.GEMM:
        if (out.gemmReset) st[S.GEMM_RESET_ITERS] += out.uopIters;
        else st[S.GEMM_ITERS] += out.uopIters;
        break;
      case Work.ALU:
        st[S.ALU_ITERS] += out.uopIters;
        break;
      case Work.LOAD:
        st[S.DRAM_READ] += out.dmaRows * out.dmaRowBytes;
        break;
      case Work.STORE:
        st[S.DRAM_WRITE] += out.dmaRows * out.dmaRowBytes;
        break;
    }
  }

  /** Pushes (visible from `visibleAt`) and records the completion. */
  complete(index: number, end: number, visibleAt: number): number {
    const mask = this.info.pushMask[index]!;
    for (let q = 0; mask >> q; q++) if (mask & (1 << q)) this.tokens.push(q, index, visibleAt);
    this.stats[S.BUSY + this.info.module[index]!] += end - this.startTime[index]!;
    if (this.trace.enabled) this.trace.insnDone(index, this.startTime[index]!, end);
    return mask;
  }

  stall(index: number, module: number, start: number, end: number, cause: number, queue: number): void {
    if (end <= start) return;
    this.stats[stallSlot(module, cause)] += end - start;
    if (this.trace.enabled) this.trace.stall(index, start, end, cause, queue);
  }

  /** Undoes the start bookkeeping of instructions started after `count` (snapshot restore). */
  rewindStarted(count: number): void {
    for (let k = count; k < this.startedCount; k++) this.startStep[this.started[k]!] = -1;
    this.startedCount = count;
  }
}
