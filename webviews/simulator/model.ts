/**
 * The view model: what the worker sends the view after a run. Column-wise typed
 * arrays (transferred, not copied) so a 100,000-instruction run crosses the worker
 * boundary in milliseconds. Types only: the builder lives in build-model.ts, on the
 * worker side, so the view bundle does not carry the simulator.
 */
import type { SimSummary } from '../../core/sim/summary';

export type ModuleKey = 'ld' | 'ex' | 'st';
export const MODULE_KEYS: readonly ModuleKey[] = ['ld', 'ex', 'st'];
export const MODULE_TITLES: Record<ModuleKey, string> = { ld: 'load', ex: 'compute', st: 'store' };
export const QUEUE_KEYS = ['ld->ex', 'ex->ld', 'ex->st', 'st->ex'] as const;
export const CAUSES = ['token', 'dram', 'fetch'] as const;
export const BUFFER_KEYS = ['inp', 'wgt', 'acc', 'uop'] as const;
export type BufferKey = (typeof BUFFER_KEYS)[number];

/** One module's instructions, in start order (a module runs in program order, so starts and ends both increase). */
export interface Lane {
  module: ModuleKey;
  idx: Int32Array;
  start: Float64Array;
  end: Float64Array;
}

export interface Heatmap {
  /** Row bins (top to bottom) × time columns (left to right), live fraction 0..1, row-major. */
  rowBins: number;
  rowsPerBin: number;
  cols: number;
  /** Time units per column. */
  colTime: number;
  data: Float32Array;
}

export interface BufferView {
  name: BufferKey;
  depth: number;
  /** Exact most rows live at once. */
  peak: number;
  /** When the peak was first reached. */
  peakTime: number;
  /** Live rows over time: a step function (times increasing, value from that time on). */
  time: Float64Array;
  live: Int32Array;
  heat: Heatmap;
}

export interface QueueView {
  queue: (typeof QUEUE_KEYS)[number];
  time: Float64Array;
  depth: Int32Array;
  max: number;
}

export interface ViewModel {
  file: string;
  target: string;
  timeUnit: 'cycle' | 'step';
  estimate: boolean;
  timingRow?: string;
  clockMHz: number;
  /** Last event time; the timeline's extent. */
  endTime: number;
  insnCount: number;
  lanes: Lane[];
  /** Per program instruction: mnemonic id (into `labels`), 0-based source line (-1: none), file id. */
  labels: string[];
  labelOf: Uint16Array;
  line: Int32Array;
  files: string[];
  fileOf: Uint16Array;
  /** Stalls: module (0..2), instruction, start, end, cause (index into CAUSES), queue (-1: none). */
  stalls: {
    module: Uint8Array;
    index: Int32Array;
    start: Float64Array;
    end: Float64Array;
    cause: Uint8Array;
    queue: Int8Array;
  };
  /** Tokens: queue (index into QUEUE_KEYS), pushing instruction and time, popping instruction (-1: still queued) and time. */
  tokens: { queue: Uint8Array; pushIdx: Int32Array; pushTime: Float64Array; popIdx: Int32Array; popTime: Float64Array };
  /** DRAM transfers (LOAD/STORE moving data), in start order. */
  bus: { start: Float64Array; end: Float64Array; idx: Int32Array };
  queues: QueueView[];
  buffers: BufferView[];
  summary: SimSummary;
  /** Bytes moved per buffer (fsim counters). */
  bytes: Record<string, number>;
  error?: { message: string; line: number; file: string };
  truncated?: { afterTime: number; droppedInsns: number };
  /** Wall time of assembly and simulation in the worker (ms). */
  workerMs: { assemble: number; simulate: number; model: number };
}

/** Worker protocol. */
export type ToWorker =
  | { type: 'run'; id: number; text: string; file: string; target?: string }
  | { type: 'chrome'; id: number };

export interface Problem {
  line: number;
  message: string;
  severity: string;
}

export type FromWorker =
  | { type: 'result'; id: number; model: ViewModel }
  | { type: 'failed'; id: number; message: string; problems: Problem[] }
  | { type: 'chrome'; id: number; json: string };

/** The typed arrays of a model, for a transfer list. */
export function transferables(m: ViewModel): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (...a: ArrayBufferView[]) => {
    for (const x of a) out.push(x.buffer as ArrayBuffer);
  };
  for (const l of m.lanes) add(l.idx, l.start, l.end);
  add(m.labelOf, m.line, m.fileOf);
  add(...Object.values(m.stalls), ...Object.values(m.tokens), m.bus.start, m.bus.end, m.bus.idx);
  for (const q of m.queues) add(q.time, q.depth);
  for (const b of m.buffers) add(b.time, b.live, b.heat.data);
  return [...new Set(out)];
}
