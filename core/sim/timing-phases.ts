/**
 * The timing scheduler's state encoding, shared by its two ways of stepping: one step
 * at a time (timing.ts, the reference the debugger replays) and in batches
 * (timing-batch.ts, for runs no one watches step by step).
 */

/** A module's phase. */
export const IDLE = 0,
  WAIT_TOKEN = 1,
  DMA = 2,
  BUSY = 3,
  DONE = 4,
  WAIT_CMD = 5;
/** Fetch's phase (the `f` array's first entry). */
export const F_REQ = 0,
  F_DISPATCH = 1,
  F_BLOCKED = 2,
  F_DONE = 3;
/** Fetch's agent number, after the three modules (ties go to the lowest: fetch acts last). */
export const FETCH = 3;
/** Consumer module of each queue, in QUEUES order (ld->ex, ex->ld, ex->st, st->ex). */
export const CONSUMER: readonly number[] = [1, 0, 2, 1];
export const INSN_BYTES = 16;

/**
 * What the batch loop reads and writes of the scheduler. The typed arrays are
 * replaced (not refilled) when a snapshot is loaded, so the loop takes them anew on
 * every call.
 */
export interface TimingCore {
  status: 'running' | 'finished' | 'error';
  time: number;
  lastIndex: number;
  lastModule: number;
  busFreeAt: number;
  /** Next action time per agent: load, compute, store, fetch. */
  readonly next: Float64Array;
  readonly phase: Uint8Array;
  readonly cur: Int32Array;
  readonly pos: Int32Array;
  readonly dispatched: Int32Array;
  readonly availAt: Float64Array;
  readonly stallOpen: Uint8Array;
  readonly stallStart: Float64Array;
  readonly stallCause: Uint8Array;
  readonly stallQ: Int8Array;
  readonly stallIdx: Int32Array;
  readonly rowsLeft: Int32Array;
  readonly burst: Int32Array;
  readonly rowBeats: Float64Array;
  readonly write: Uint8Array;
  readonly padRow: Float64Array;
  readonly padBottom: Float64Array;
  /** Fetch: phase, next program index, chunk start, chunk end, chunk first-beat time, chunk done time, blocked-on module. */
  readonly f: Float64Array;
  /** A step threw: a SimError ends the run with status 'error'; anything else is rethrown. */
  caught(e: unknown): void;
  /** No agent can act: ends the run with the deadlock or missing-FINISH error. */
  stuckEnd(): void;
}
