/**
 * What the Simulator needs from a scheduler: one step at a time, the time of the
 * next step, the module states for views, and save/load of its own state for
 * snapshots. The functional and the timing scheduler implement it.
 */
import type { ModuleId, QueueId } from '../isa';
import type { SimError } from './errors';

/** What one step did. */
export const Ev = {
  /** Bookkeeping only (a DMA burst, a fetch request, a wake-up that found nothing to do). */
  NONE: 0,
  /** An instruction started (timing) — its functional effect has been applied. */
  START: 1,
  /** An instruction completed and pushed its tokens. */
  END: 2,
  /** A module began to wait (token, fetch) or a DMA request waited for the bus. */
  STALL: 3,
  /** FINISH completed: the run is over. */
  FINISH: 4,
  /** Functional mode: an instruction ran (start and end at once). */
  EXEC: 5,
} as const;

export type EngineStatus = 'running' | 'finished' | 'error';

export type ModuleState = 'ready' | 'waiting-token' | 'waiting-fetch' | 'transferring' | 'busy' | 'done';

export interface ModuleView {
  module: ModuleId;
  state: ModuleState;
  /** The instruction in progress (timing) or, when none, the next one to run; -1 when done. */
  insnIndex: number;
  /** For waiting-token: the queue. */
  waitingOn?: QueueId;
  /** When the current state began (waits and instructions). */
  since?: number;
  /** Instructions of this module started so far. */
  position: number;
}

export interface Scheduler {
  readonly timeUnit: 'cycle' | 'step';
  /** Time of the last step (cycle, or executed-instruction count in functional mode). */
  readonly time: number;
  readonly status: EngineStatus;
  readonly error?: SimError;
  /** Instruction and module the last step concerned (-1 if none). */
  readonly lastIndex: number;
  readonly lastModule: number;
  /** Time at which the next step would happen; Infinity when none can. */
  peekTime(): number;
  /** Performs one step (the Simulator counts steps). Never throws SimError: it ends the run with status 'error'. */
  step(stepIndex: number): number;
  /**
   * Optional fast path for runs that no one watches step by step: performs up to
   * `count` steps, numbered from `first`, stopping before a step whose time would
   * exceed `maxTime` and after the run ends. Returns the number of steps taken. The
   * result is exactly that of calling step() that many times.
   */
  runSteps?(first: number, count: number, maxTime: number): number;
  save(): unknown;
  load(state: unknown): void;
  /** Instructions started and not completed, with their start times. */
  pending(): Array<[number, number]>;
  modules(): ModuleView[];
  /** Program indices never started, per module order. */
  unexecuted(): number[];
}
