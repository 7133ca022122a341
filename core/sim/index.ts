/**
 * The VTA simulator: fsim's functional semantics, a timing estimate, a stepping
 * API with snapshots for the debugger, and one trace format for every view.
 */
export { Simulator, simulate } from './simulator';
export type { SimOptions, SimProgress, SimResult, SimSnapshot, SimTrace, StopReason, QueueView } from './simulator';
export { SimError } from './errors';
export type { SimErrorCode, WaitLink } from './errors';
export { COUNTER_KEYS, countersObject } from './counters';
export type { CounterKey, FsimCounters } from './counters';
export type { Interleaving } from './functional';
export type { ModuleState, ModuleView } from './scheduler';
export type { SimMode, SimStatus, SimSummary, ModuleSummary, QueueSummary } from './summary';
export { TIMING_ROWS, TIMING_TABLE, timingParamsFor } from './timing-params';
export type { TimingParams } from './timing-params';
export type { StallCause, TraceAccess, TraceInsn, TraceStall, TraceToken, TraceLimits, TraceTruncation } from './trace';
export { DEFAULT_TRACE_LIMITS } from './trace';
export type { OccupancySeries } from './occupancy';
export { liveIntervals } from './occupancy';
export type { BufferName } from './exec';
export { toChromeTrace, mnemonic } from './chrome-trace';
export type { ChromeTraceEvent, ChromeTraceFile } from './chrome-trace';
export { simGeometry } from './geometry';
export type { SimGeometry } from './geometry';
export { DEFAULT_SNAPSHOT_POLICY } from './snapshots';
export type { SnapshotPolicy } from './snapshots';
