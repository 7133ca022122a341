/**
 * Stopping work whose result nobody wants any more. The language server checks each
 * version of a document in a worker thread; once a newer version arrives, the old
 * check only keeps a core busy that the new one needs. The worker runs a job under
 * `cancellable(poll, work)`, where the poll reads a flag the server sets in shared
 * memory; the core's long loops (expansion, the checks' walks over the instructions)
 * call `checkpoint()`, which throws `Cancelled` once the poll says so. The job unwinds
 * in microseconds, and the worker stays loaded, where terminating it would cost a
 * reload (a pattern from rust-analyzer, whose queries unwind when their input changes).
 *
 * Without a poll (the CLI, the tests, the server's own thread) a checkpoint costs a
 * comparison. Code that catches every exception around a checkpoint must let
 * `Cancelled` through (`rethrowCancelled`), or a cancelled job would end as a finding.
 */
export class Cancelled extends Error {
  constructor() {
    super('cancelled: a newer version superseded this work');
    this.name = 'Cancelled';
  }
}

let poll: (() => boolean) | undefined;
let countdown = 0;
/** Checkpoints between two polls: a poll is cheap, but checkpoints sit in per-instruction loops. */
const POLL_EVERY = 64;

/** Throws `Cancelled` when the work running under `cancellable` is no longer wanted. */
export function checkpoint(): void {
  if (poll === undefined || --countdown > 0) return;
  countdown = POLL_EVERY;
  if (poll()) throw new Cancelled();
}

/** Runs `work` with `cancelled` polled at its checkpoints; `Cancelled` propagates to the caller. */
export function cancellable<T>(cancelled: () => boolean, work: () => T): T {
  const outer = poll;
  poll = cancelled;
  countdown = 0;
  try {
    return work();
  } finally {
    poll = outer;
    countdown = 0; // the outer work polls at its next checkpoint
  }
}

/** For catch-all handlers around code with checkpoints: a cancellation is not an error of the input. */
export function rethrowCancelled(e: unknown): void {
  if (e instanceof Cancelled) throw e;
}
