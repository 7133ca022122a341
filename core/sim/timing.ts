/**
 * The timing model — an ESTIMATE of cycles, not a cycle-exact model of any VTA
 * implementation. Four agents advance in time order:
 *
 * - fetch reads the instruction stream in chunks over the DRAM bus and dispatches
 *   each instruction, in program order, into its module's command queue (depth
 *   `cmdQueueDepth`; a full queue stalls fetch, as in hardware);
 * - load, compute and store each take their next instruction when it has arrived,
 *   wait until every queue it pops holds a visible token, pop, run, and push when the
 *   instruction completes (tokens become visible `tokenLatency` later);
 * - LOAD/STORE move each DRAM row as bursts over ONE shared bus (first come, first
 *   served; one beat of `busBytes` per cycle; `readLatency` before a read's data,
 *   `writeLatency` after a write's), one outstanding request per module; padding is
 *   written at `padBytesPerCycle` without the bus;
 * - GEMM issues one micro-op iteration every `gemmInterval` cycles, ALU every
 *   `aluImmInterval` / `aluTensorInterval` cycles, plus setup and pipeline latency.
 *
 * The functional effect of an instruction is applied when it starts, so with data
 * enabled this is also a (timing-ordered) functional interleaving.
 */
import { MODULES, MODULE_NAMES, Opcode as Opcode_, QUEUES } from '../isa';
import { blockedHeads, deadlockError, missingFinishError } from './deadlock';
import { SimError } from './errors';
import { Work as Work_ } from './exec';
import type { Machine } from './machine';
import type { EngineStatus, ModuleState, ModuleView, Scheduler } from './scheduler';
import { Ev as Ev_ } from './scheduler';
import { S as S_ } from './stats';
import type { TimingParams } from './timing-params';
import { Cause as Cause_ } from './trace';
import { QUEUE_COUNT as QUEUE_COUNT_ } from './tokens';
import { runTimingBatch } from './timing-batch';
import type { TimingCore } from './timing-phases';
import {
  BUSY as BUSY_,
  CONSUMER as CONSUMER_,
  DMA as DMA_,
  DONE as DONE_,
  FETCH as FETCH_,
  F_BLOCKED as F_BLOCKED_,
  F_DISPATCH as F_DISPATCH_,
  F_DONE as F_DONE_,
  F_REQ as F_REQ_,
  IDLE as IDLE_,
  INSN_BYTES as INSN_BYTES_,
  WAIT_CMD as WAIT_CMD_,
  WAIT_TOKEN as WAIT_TOKEN_,
} from './timing-phases';

// Imported constants are read in the hot loop; module-local copies avoid the per-access
// getter that per-file transpilation (tsx, tests, benchmarks) puts on imported bindings.
const Opcode = Opcode_;
const Work = Work_;
const Ev = Ev_;
const S = S_;
const Cause = Cause_;
const QUEUE_COUNT = QUEUE_COUNT_;

const IDLE = IDLE_,
  WAIT_TOKEN = WAIT_TOKEN_,
  DMA = DMA_,
  BUSY = BUSY_,
  DONE = DONE_,
  WAIT_CMD = WAIT_CMD_;
const F_REQ = F_REQ_,
  F_DISPATCH = F_DISPATCH_,
  F_BLOCKED = F_BLOCKED_,
  F_DONE = F_DONE_;
const FETCH = FETCH_;
const CONSUMER = CONSUMER_;
const INSN_BYTES = INSN_BYTES_;

interface TimingState {
  time: number;
  status: EngineStatus;
  error?: SimError;
  lastIndex: number;
  lastModule: number;
  phase: Uint8Array;
  next: Float64Array;
  cur: Int32Array;
  pos: Int32Array;
  dispatched: Int32Array;
  stallOpen: Uint8Array;
  stallStart: Float64Array;
  stallCause: Uint8Array;
  stallQ: Int8Array;
  stallIdx: Int32Array;
  rowsLeft: Int32Array;
  burst: Int32Array;
  rowBeats: Float64Array;
  write: Uint8Array;
  padRow: Float64Array;
  padBottom: Float64Array;
  f: Float64Array;
  busFreeAt: number;
}

/**
 * The state fields are not private: the batch loop (timing-batch.ts) reads and writes
 * them (TimingCore); nothing else should.
 */
export class TimingScheduler implements Scheduler, TimingCore {
  readonly timeUnit = 'cycle' as const;
  time = 0;
  status: EngineStatus = 'running';
  error?: SimError;
  lastIndex = -1;
  lastModule = -1;

  phase = new Uint8Array(3);
  /** Next action time per agent: load, compute, store, fetch. */
  next = new Float64Array(4);
  cur = new Int32Array(3).fill(-1);
  pos = new Int32Array(3);
  dispatched = new Int32Array(3);
  stallOpen = new Uint8Array(3);
  stallStart = new Float64Array(3);
  stallCause = new Uint8Array(3);
  stallQ = new Int8Array(3);
  stallIdx = new Int32Array(3);
  rowsLeft = new Int32Array(3);
  burst = new Int32Array(3);
  rowBeats = new Float64Array(3);
  write = new Uint8Array(3);
  padRow = new Float64Array(3);
  padBottom = new Float64Array(3);
  /** Fetch: phase, next program index, chunk start, chunk end, chunk first-beat time, chunk done time, blocked-on module. */
  f = new Float64Array(7);
  busFreeAt = 0;
  /** When each dispatched instruction is in its module's queue. */
  readonly availAt: Float64Array;

  constructor(
    private readonly m: Machine,
    readonly params: TimingParams,
  ) {
    this.availAt = new Float64Array(m.n);
    if (m.n === 0) {
      this.status = 'error';
      this.error = missingFinishError(m);
    }
  }

  peekTime(): number {
    if (this.status !== 'running') return Infinity;
    const n = this.next;
    return Math.min(n[0]!, n[1]!, n[2]!, n[3]!);
  }

  step(stepIndex: number): number {
    if (this.status !== 'running') return Ev.NONE;
    const next = this.next;
    let a = -1,
      t = Infinity;
    for (let k = 0; k < 4; k++) {
      if (next[k]! < t) {
        t = next[k]!;
        a = k;
      }
    }
    try {
      return this.act(a, t, stepIndex);
    } catch (e) {
      return this.caught(e);
    }
  }

  runSteps(first: number, count: number, maxTime: number): number {
    return runTimingBatch(this, this.m, this.params, first, count, maxTime);
  }

  /** One step of agent `a` (the earliest) at time `t`; a < 0 when no agent can act. */
  private act(a: number, t: number, stepIndex: number): number {
    if (a < 0) {
      this.fail(this.stuck());
      return Ev.NONE;
    }
    this.time = t;
    if (a === FETCH) return this.fetchStep(t);
    switch (this.phase[a]) {
      case DMA:
        return this.dmaStep(a, t);
      case BUSY:
        return this.complete(a, t);
      default:
        return this.tryStart(a, t, stepIndex);
    }
  }

  /** A step threw: a SimError ends the run with status 'error'; anything else is a bug. */
  caught(e: unknown): number {
    if (!(e instanceof SimError)) throw e;
    this.fail(e);
    return Ev.NONE;
  }

  stuckEnd(): void {
    this.fail(this.stuck());
  }

  private fail(e: SimError): void {
    this.status = 'error';
    this.error = e;
  }

  // --- stalls -----------------------------------------------------------------

  /** Returns true when a new stall began. */
  private openStall(mod: number, t: number, cause: number, q: number, index: number): boolean {
    if (this.stallOpen[mod] && this.stallCause[mod] === cause && this.stallQ[mod] === q && this.stallIdx[mod] === index)
      return false;
    this.closeStall(mod, t);
    this.stallOpen[mod] = 1;
    this.stallStart[mod] = t;
    this.stallCause[mod] = cause;
    this.stallQ[mod] = q;
    this.stallIdx[mod] = index;
    return true;
  }

  private closeStall(mod: number, t: number): void {
    if (!this.stallOpen[mod]) return;
    this.stallOpen[mod] = 0;
    this.m.stall(this.stallIdx[mod]!, mod, this.stallStart[mod]!, t, this.stallCause[mod]!, this.stallQ[mod]!);
  }

  // --- modules ----------------------------------------------------------------

  private tryStart(mod: number, t: number, stepIndex: number): number {
    const m = this.m,
      p = this.params;
    const list = m.info.modList[mod]!;
    const pos = this.pos[mod]!;
    this.lastModule = mod;
    if (pos >= list.length) {
      this.closeStall(mod, t);
      this.phase[mod] = DONE;
      this.next[mod] = Infinity;
      return Ev.NONE;
    }
    const index = list[pos]!;
    this.lastIndex = index;
    if (pos >= this.dispatched[mod]! || this.availAt[index]! > t) {
      // The instruction has not arrived yet: fetch will wake this module.
      this.phase[mod] = WAIT_CMD;
      this.next[mod] = pos >= this.dispatched[mod]! ? Infinity : this.availAt[index]!;
      return this.openStall(mod, t, Cause.FETCH, -1, index) ? Ev.STALL : Ev.NONE;
    }
    m.checkLegal(index);
    const q = m.popsReady(index, t);
    if (q >= 0) {
      this.phase[mod] = WAIT_TOKEN;
      this.next[mod] = m.tokens.headVisibleAt(q);
      return this.openStall(mod, t, Cause.TOKEN, q, index) ? Ev.STALL : Ev.NONE;
    }
    this.closeStall(mod, t);
    this.pos[mod] = pos + 1;
    if (this.f[0] === F_BLOCKED && this.f[6] === mod) {
      this.f[0] = F_DISPATCH;
      this.next[FETCH] = t;
    }
    this.cur[mod] = index;
    const out = m.start(index, t, stepIndex);
    const st = m.stats;
    switch (out.work) {
      case Work.LOAD:
      case Work.STORE: {
        const rate = p.padBytesPerCycle;
        this.rowsLeft[mod] = out.dmaRows;
        this.burst[mod] = 0;
        this.rowBeats[mod] = Math.ceil(out.dmaRowBytes / p.busBytes);
        this.write[mod] = out.work === Work.STORE ? 1 : 0;
        this.padRow[mod] = Math.ceil(out.padRowBytes / rate);
        this.padBottom[mod] = Math.ceil(out.padBottomBytes / rate);
        const first = t + p.memSetup + Math.ceil(out.padTopBytes / rate);
        if (out.dmaRows === 0) this.busy(mod, first + this.padBottom[mod]! + p.memTail);
        else {
          this.phase[mod] = DMA;
          this.next[mod] = first;
        }
        break;
      }
      case Work.GEMM: {
        const issue = out.uopIters * p.gemmInterval;
        st[S.GEMM_BUSY] += issue;
        this.busy(mod, t + p.gemmSetup + issue + p.gemmLatency);
        break;
      }
      case Work.ALU: {
        const issue = out.uopIters * (out.aluImm ? p.aluImmInterval : p.aluTensorInterval);
        st[S.ALU_BUSY] += issue;
        this.busy(mod, t + p.aluSetup + issue + p.aluLatency);
        break;
      }
      case Work.FINISH:
        this.busy(mod, t + p.finishCycles);
        break;
      default:
        this.busy(mod, t + p.nopCycles);
    }
    return Ev.START;
  }

  private busy(mod: number, end: number): void {
    this.phase[mod] = BUSY;
    this.next[mod] = end;
  }

  /** One DRAM burst of the current LOAD/STORE. */
  private dmaStep(mod: number, t: number): number {
    const p = this.params,
      m = this.m;
    const index = this.cur[mod]!;
    this.lastIndex = index;
    this.lastModule = mod;
    const rowBeats = this.rowBeats[mod]!;
    const b = this.burst[mod]!;
    const beats = Math.min(p.maxBurstBeats, rowBeats - b * p.maxBurstBeats);
    let ready: number, done: number, dataStart: number;
    if (this.write[mod]) {
      ready = t;
      dataStart = Math.max(ready, this.busFreeAt);
      done = dataStart + beats + p.writeLatency;
    } else {
      ready = t + p.readLatency;
      dataStart = Math.max(ready, this.busFreeAt);
      done = dataStart + beats;
    }
    const waited = dataStart > ready;
    if (waited) m.stall(index, mod, ready, dataStart, Cause.DRAM, -1);
    this.busFreeAt = dataStart + beats;
    m.stats[S.BUS_BUSY] += beats;
    let rowDone = false;
    if ((b + 1) * p.maxBurstBeats >= rowBeats) {
      this.burst[mod] = 0;
      this.rowsLeft[mod]!--;
      rowDone = true;
    } else {
      this.burst[mod] = b + 1;
    }
    if (this.rowsLeft[mod] === 0) this.busy(mod, done + this.padRow[mod]! + this.padBottom[mod]! + p.memTail);
    else this.next[mod] = done + (rowDone ? this.padRow[mod]! : 0);
    return waited ? Ev.STALL : Ev.NONE;
  }

  private complete(mod: number, t: number): number {
    const m = this.m;
    const index = this.cur[mod]!;
    this.cur[mod] = -1;
    this.lastIndex = index;
    this.lastModule = mod;
    const visible = t + this.params.tokenLatency;
    const mask = m.complete(index, t, visible);
    for (let q = 0; q < QUEUE_COUNT; q++) {
      if (!(mask & (1 << q))) continue;
      const c = CONSUMER[q]!;
      if (this.phase[c] === WAIT_TOKEN && this.stallQ[c] === q && visible < this.next[c]!) this.next[c] = visible;
    }
    if (m.exec.opcode(index) === Opcode.FINISH) {
      this.status = 'finished';
      for (let k = 0; k < 3; k++) this.closeStall(k, t);
      return Ev.FINISH;
    }
    this.phase[mod] = IDLE;
    this.next[mod] = t + this.params.insnGap;
    return Ev.END;
  }

  // --- fetch ------------------------------------------------------------------

  private fetchStep(t: number): number {
    const m = this.m,
      p = this.params,
      f = this.f;
    this.lastIndex = -1;
    this.lastModule = FETCH;
    if (f[0] === F_REQ) {
      const n = Math.min(p.fetchChunkInsns, m.n - f[1]!);
      if (n <= 0) {
        f[0] = F_DONE;
        this.next[FETCH] = Infinity;
        return Ev.NONE;
      }
      const beats = Math.ceil((n * INSN_BYTES) / p.busBytes);
      const dataStart = Math.max(t + p.readLatency, this.busFreeAt);
      this.busFreeAt = dataStart + beats;
      m.stats[S.BUS_BUSY] += beats;
      m.stats[S.FETCH_BYTES] += n * INSN_BYTES;
      f[2] = f[1]!;
      f[3] = f[1]! + n;
      f[4] = dataStart;
      f[5] = dataStart + beats;
      f[0] = F_DISPATCH;
    }
    // Dispatch the chunk in order; each instruction is usable once its bytes have arrived.
    const module = m.info.module;
    while (f[1]! < f[3]!) {
      const i = f[1]!;
      const mod = module[i]!;
      if (this.dispatched[mod]! - this.pos[mod]! >= p.cmdQueueDepth) {
        f[0] = F_BLOCKED;
        f[6] = mod;
        this.next[FETCH] = Infinity;
        return Ev.NONE;
      }
      const arrival = f[4]! + Math.ceil(((i - f[2]! + 1) * INSN_BYTES) / p.busBytes);
      const avail = Math.max(arrival, t) + p.dispatchLatency;
      this.availAt[i] = avail;
      this.dispatched[mod]!++;
      f[1] = i + 1;
      if (this.phase[mod] === WAIT_CMD && this.next[mod] === Infinity) this.next[mod] = avail;
    }
    if (f[1]! >= m.n) {
      f[0] = F_DONE;
      this.next[FETCH] = Infinity;
    } else {
      f[0] = F_REQ;
      this.next[FETCH] = Math.max(t, f[5]!);
    }
    return Ev.NONE;
  }

  // --- end of the road ----------------------------------------------------------

  private stuck(): SimError {
    const m = this.m;
    const heads = blockedHeads(m, this.pos);
    if (heads.every((h) => h === undefined)) return missingFinishError(m);
    // A module whose next instruction can start is waiting for fetch, which waits for room
    // in a full command queue (a deadlock of bounded queues that fsim cannot have).
    for (const h of heads) if (h && h.queue < 0) h.queue = -1;
    const fetch = this.f[0] === F_BLOCKED ? { full: this.f[6]!, depth: this.params.cmdQueueDepth } : undefined;
    if (heads.every((h) => !h || h.queue < 0)) {
      const i = this.f[1]!;
      return new SimError(
        'deadlock',
        `deadlock before FINISH: fetch cannot dispatch instruction ${i}: ${fetch ? `${MODULE_NAMES[MODULES[fetch.full]!]}'s command queue is full (${fetch.depth} entries)` : 'no module can take it'}`,
        i,
        m.program.insns[i]?.source,
      );
    }
    return deadlockError(m, heads, fetch);
  }

  // --- state --------------------------------------------------------------------

  save(): TimingState {
    return {
      time: this.time,
      status: this.status,
      error: this.error,
      lastIndex: this.lastIndex,
      lastModule: this.lastModule,
      phase: this.phase.slice(),
      next: this.next.slice(),
      cur: this.cur.slice(),
      pos: this.pos.slice(),
      dispatched: this.dispatched.slice(),
      stallOpen: this.stallOpen.slice(),
      stallStart: this.stallStart.slice(),
      stallCause: this.stallCause.slice(),
      stallQ: this.stallQ.slice(),
      stallIdx: this.stallIdx.slice(),
      rowsLeft: this.rowsLeft.slice(),
      burst: this.burst.slice(),
      rowBeats: this.rowBeats.slice(),
      write: this.write.slice(),
      padRow: this.padRow.slice(),
      padBottom: this.padBottom.slice(),
      f: this.f.slice(),
      busFreeAt: this.busFreeAt,
    };
  }

  load(state: unknown): void {
    const s = state as TimingState;
    this.time = s.time;
    this.status = s.status;
    this.error = s.error;
    this.lastIndex = s.lastIndex;
    this.lastModule = s.lastModule;
    this.phase = s.phase.slice();
    this.next = s.next.slice();
    this.cur = s.cur.slice();
    this.pos = s.pos.slice();
    this.dispatched = s.dispatched.slice();
    this.stallOpen = s.stallOpen.slice();
    this.stallStart = s.stallStart.slice();
    this.stallCause = s.stallCause.slice();
    this.stallQ = s.stallQ.slice();
    this.stallIdx = s.stallIdx.slice();
    this.rowsLeft = s.rowsLeft.slice();
    this.burst = s.burst.slice();
    this.rowBeats = s.rowBeats.slice();
    this.write = s.write.slice();
    this.padRow = s.padRow.slice();
    this.padBottom = s.padBottom.slice();
    this.f = s.f.slice();
    this.busFreeAt = s.busFreeAt;
  }

  pending(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let mod = 0; mod < 3; mod++) {
      const i = this.cur[mod]!;
      if (i >= 0) out.push([i, this.m.startTime[i]!]);
    }
    return out;
  }

  modules(): ModuleView[] {
    const m = this.m;
    return [0, 1, 2].map((mod) => {
      const list = m.info.modList[mod]!;
      const pos = this.pos[mod]!;
      const cur = this.cur[mod]!;
      const view: ModuleView = {
        module: MODULES[mod]!,
        position: pos,
        state: 'ready',
        insnIndex: cur >= 0 ? cur : pos < list.length ? list[pos]! : -1,
      };
      const ph = this.phase[mod]!;
      const states: Record<number, ModuleState> = {
        [IDLE]: 'ready',
        [WAIT_TOKEN]: 'waiting-token',
        [DMA]: 'transferring',
        [BUSY]: 'busy',
        [DONE]: 'done',
        [WAIT_CMD]: 'waiting-fetch',
      };
      view.state = this.status === 'running' || ph === DONE ? states[ph]! : pos >= list.length ? 'done' : 'ready';
      if (ph === WAIT_TOKEN && this.stallQ[mod]! >= 0) view.waitingOn = QUEUES[this.stallQ[mod]!];
      if (cur >= 0) view.since = m.startTime[cur];
      else if (this.stallOpen[mod]) view.since = this.stallStart[mod];
      return view;
    });
  }

  unexecuted(): number[] {
    const out: number[] = [];
    for (let mod = 0; mod < 3; mod++) {
      const list = this.m.info.modList[mod]!;
      for (let p = this.pos[mod]!; p < list.length; p++) out.push(list[p]!);
    }
    return out.sort((a, b) => a - b);
  }
}
