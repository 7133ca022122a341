/**
 * The run summary: exact aggregates (kept whatever the trace limits), utilisations
 * and queue figures, in one JSON-able object.
 */
import type { ModuleId, QueueId } from '../isa';
import { MODULES, QUEUES } from '../isa';
import type { FsimCounters } from './counters';
import { countersObject } from './counters';
import type { Machine } from './machine';
import { S, stallSlot } from './stats';
import type { StallCause } from './trace';
import { STALL_CAUSES } from './trace';

export type SimMode = 'functional' | 'timing' | 'both';
export type SimStatus = 'running' | 'finished' | 'error' | 'deadlock';

export interface ModuleSummary {
  executed: number;
  /** Time spent running instructions (cycles, or steps in functional mode). */
  busy: number;
  /** busy / total time. */
  utilisation: number;
  stalls: Record<StallCause, number>;
}

export interface QueueSummary {
  pushed: number;
  popped: number;
  /** Tokens still queued at the end. */
  left: number;
  maxHeld: number;
  /** The target's queue capacity; null when unbounded (fsim's std::queue). */
  capacity: number | null;
}

export interface SimSummary {
  status: SimStatus;
  mode: SimMode;
  timeUnit: 'cycle' | 'step';
  /** Cycle figures are estimates of the timing model, never measurements. */
  estimate: boolean;
  time: number;
  /** time / clock, for cycle figures. */
  microseconds?: number;
  timingRow?: string;
  instructions: { total: number; executed: number; unexecuted: number };
  modules: Record<ModuleId, ModuleSummary>;
  gemm: { uopIterations: number; resetIterations: number; macs: number; busyCycles?: number; utilisation?: number };
  alu: { uopIterations: number; busyCycles?: number; utilisation?: number };
  dram: { readBytes: number; writeBytes: number; fetchBytes?: number; busBusyCycles?: number; busUtilisation?: number };
  queues: Record<QueueId, QueueSummary>;
  counters: FsimCounters;
  warnings: string[];
}

export function summarize(
  m: Machine,
  mode: SimMode,
  status: SimStatus,
  time: number,
  timing?: { row: string; clockMHz: number },
): SimSummary {
  const st = m.stats;
  const g = m.geometry;
  const T = Math.max(time, 1);
  const modules = {} as Record<ModuleId, ModuleSummary>;
  MODULES.forEach((id, k) => {
    const stalls = {} as Record<StallCause, number>;
    STALL_CAUSES.forEach((c, ci) => {
      stalls[c] = st[stallSlot(k, ci)]!;
    });
    modules[id] = { executed: st[S.EXEC + k]!, busy: st[S.BUSY + k]!, utilisation: round(st[S.BUSY + k]! / T), stalls };
  });
  const queues = {} as Record<QueueId, QueueSummary>;
  const capacity = m.program.target.board.tokenQueueDepth;
  const warnings: string[] = [];
  QUEUES.forEach((q, k) => {
    const t = m.tokens;
    queues[q] = {
      pushed: t.pushed[k]!,
      popped: t.popped[k]!,
      left: t.count(k),
      maxHeld: t.maxHeld[k]!,
      capacity: Number.isFinite(capacity) ? capacity : null,
    };
    if (t.maxHeld[k]! > capacity) {
      warnings.push(
        `queue ${q} held ${t.maxHeld[k]} tokens at once, more than the ${capacity} the ${m.program.target.name} target's queues hold`,
      );
    }
  });
  const executed = m.startedCount;
  const cycles = mode !== 'functional';
  const s: SimSummary = {
    status,
    mode,
    timeUnit: cycles ? 'cycle' : 'step',
    estimate: cycles,
    time,
    instructions: { total: m.n, executed, unexecuted: m.n - executed },
    modules,
    gemm: {
      uopIterations: st[S.GEMM_ITERS]!,
      resetIterations: st[S.GEMM_RESET_ITERS]!,
      macs: st[S.GEMM_ITERS]! * g.batch * g.blockIn * g.blockOut,
    },
    alu: { uopIterations: st[S.ALU_ITERS]! },
    dram: { readBytes: st[S.DRAM_READ]!, writeBytes: st[S.DRAM_WRITE]! },
    queues,
    counters: countersObject(m.counters),
    warnings,
  };
  if (cycles && timing) {
    s.timingRow = timing.row;
    s.microseconds = round(time / timing.clockMHz);
    // Utilisation counts useful issue cycles: reset GEMMs do no multiply-adds.
    s.gemm.busyCycles = st[S.GEMM_BUSY]!;
    s.gemm.utilisation = round(st[S.GEMM_ITERS]! / T);
    s.alu.busyCycles = st[S.ALU_BUSY]!;
    s.alu.utilisation = round(st[S.ALU_BUSY]! / T);
    s.dram.fetchBytes = st[S.FETCH_BYTES]!;
    s.dram.busBusyCycles = st[S.BUS_BUSY]!;
    s.dram.busUtilisation = round(st[S.BUS_BUSY]! / T);
  }
  return s;
}

const round = (x: number) => Math.round(x * 10000) / 10000;
