/**
 * Runs the checks of `.vta` documents in worker threads (check-worker.ts), so that the
 * server's thread only receives edits, answers requests and publishes.
 *
 * - One worker per core the server's thread leaves free, at most two (the machine's
 *   cores are shared with the editor: defaultPoolSize); one current job per document at
 *   a time; with two, a superseded one may still run (see below) while the newer one
 *   starts on the other worker, and the scheduler drops its result if it comes last.
 * - The newest job runs first: the document the user edits last is the one whose
 *   diagnostics they wait for, and a queued older job is usually superseded anyway.
 *   A job that has waited MAX_WAIT_MS runs before newer ones, so that a document
 *   edited without pause, whose checks are slow, does not starve the others.
 * - A newer version of a document drops its queued job at once and stops its running
 *   one at that job's next checkpoint (a flag in shared memory the core polls:
 *   core/lang/cancellation.ts), so the worker is free for the new version within
 *   microseconds and stays loaded. A job that reaches no checkpoint for `graceMs`
 *   (a parse of a huge text) is stopped by terminating its worker, since a fresh one
 *   takes a while to load.
 * - A document's `all` job goes to the worker that ran its `first` job, which keeps
 *   the program it assembled.
 *
 * Where no worker script is found (the server run from sources) nothing runs here:
 * `available` is false and the caller checks on its own thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../../core/lang/diagnostic';
import type { LayerLoweredChecks } from '../../core/schedule/lowered-checks';
import type { CheckDone, CheckJob, CheckWorkerData, ForgetJob, LayerJob, SchedLintJob } from './check-worker';
import type { SchedDiagnostic } from '../../core/schedule';

/** The bundled worker beside the server bundle (dist/server) or the CLI bundle (dist/cli). */
function workerScript(): string | undefined {
  if (typeof __dirname === 'undefined') return undefined;
  return [join(__dirname, 'check-worker.js'), join(__dirname, '../server/check-worker.js')].find((p) => existsSync(p));
}

/**
 * One worker for each core beyond the server's thread, at most two. On two cores a
 * second worker only contended with the first and the server's thread: under the fuzz
 * driver (seed 3) one worker answered faster (diagnostics p95 100-103 ms against
 * 105-116 ms) in less memory (434-438 MiB peak against 494-509 MiB).
 */
export function defaultPoolSize(cores = availableParallelism()): number {
  return Math.max(1, Math.min(2, cores - 1));
}

/** The findings of one job, or why there are none (the check threw, or the worker ran out of memory). */
export type CheckResult =
  | { diagnostics: Diagnostic[]; assembleMs: number; instructions: number; read: string[] }
  | { error: string }
  | { timedOut: string };

/**
 * How long a job may run before it is stopped with a diagnostic saying so: the first
 * tier must answer while the user types; every check and a schedule layer may take
 * longer; and a long text gets 10 s more per MB (its checks legitimately take time in
 * proportion to it). Work that grows with loop counts rather than with the text is
 * the core's to bound; this is the server's guarantee that a version is answered.
 */
export const TIME_BUDGET_MS = { first: 4000, all: 30_000, layer: 30_000 } as const;
const budgetOf = (job: CheckJob | LayerJob | SchedLintJob): number =>
  ('tier' in job ? TIME_BUDGET_MS[job.tier] : 'schedLint' in job ? TIME_BUDGET_MS.first : TIME_BUDGET_MS.layer) +
  ('tier' in job ? job.text.length : 'schedLint' in job ? job.schedLint.text.length : job.layer.text.length) / 100;

/**
 * Each worker's heap limit: a document whose checks need more gets a diagnostic saying
 * so, and the server lives on. Even two workers and the server's thread stay under 500 MB
 * (at 256 the fuzz driver saw 578–668 MB peaks); a program of a few hundred thousand
 * instructions needs more, and gets that diagnostic.
 */
const WORKER_HEAP_MB = 160;
/**
 * A worker whose heap has grown past COLLECT_HEAP_MB after a job collects its garbage
 * at once (check-worker.ts); one still past RECYCLE_HEAP_MB after that (the programs it
 * keeps, or no collection available) is replaced by a fresh one: V8 keeps a grown heap,
 * and two workers that once checked a large program would hold the server's memory
 * near 2 × WORKER_HEAP_MB for the rest of the session. The replacement waits for the
 * next job unless that is the whole-program tier of the program the worker keeps (due
 * after the 250 ms pause: replacing the worker at once assembled it again), or until
 * the worker has had nothing to do for RECYCLE_IDLE_MS.
 */
const COLLECT_HEAP_MB = 64;
const RECYCLE_HEAP_MB = 96;
const RECYCLE_IDLE_MS = 1000;

/**
 * How long a queued job may wait while newer ones go first. Under the fuzz driver's
 * storm, one document whose every version took 0.5 s to check kept the others waiting
 * 1.0–1.2 s with newest-first alone; with 250 ms the longest wait for a version was
 * 0.6–1.0 s, with 150 ms 0.64–0.78 s (and p95 no higher).
 */
const MAX_WAIT_MS = 150;

interface Pending {
  job: CheckJob | LayerJob | SchedLintJob;
  /** The document a check job is for (a newer version supersedes it); a unique key for a layer job. */
  uri: string;
  /** Set when a newer version arrived: the result is still delivered if it comes within the grace. */
  stale?: boolean;
  /** When the job was queued (performance.now()). */
  queuedAt: number;
  /** When the job was posted to its worker, and when the worker started it (performance.now()). */
  postedAt?: number;
  startedAt?: number;
  resolve: (r: CheckDone | undefined) => void;
}

interface Slot {
  worker: Worker;
  running?: Pending;
  graceTimer?: ReturnType<typeof setTimeout>;
  /** Its heap stayed past RECYCLE_HEAP_MB after its last job: replaced once idle (recycleWhenIdle). */
  grown?: boolean;
  recycleTimer?: ReturnType<typeof setTimeout>;
  /** Stops a job that runs past its tier's time budget (TIME_BUDGET_MS). */
  budgetTimer?: ReturnType<typeof setTimeout>;
  /** Documents whose program this worker keeps. */
  keeps: Set<string>;
  /** Shared with the worker: the id of a running job to stop at its next checkpoint (core/lang/cancellation.ts). */
  cancel: Int32Array;
}

/** A tiny program run once by each new worker, so that its first real job does not pay for loading the parser. */
const WARM_UP: Omit<CheckJob, 'id'> = {
  tier: 'first',
  uri: 'vta-warm-up:',
  version: 0,
  file: '/vta-warm-up.vta',
  text: 'target default\n  nop ld\n  finish\n',
  files: {},
  settingTarget: undefined,
};

export class CheckPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;

  constructor(
    private readonly script = workerScript(),
    private readonly onLog: (message: string) => void = () => {},
    size = defaultPoolSize(),
    /**
     * How long a superseded job may run on from its start before its worker is
     * terminated. Jobs stop at their checkpoints long before; what reaches none is a
     * parse (a few ms per 10,000 characters), so on a loaded machine 1 s of wall time
     * terminated and reloaded workers that were only waiting for a core.
     */
    private readonly graceMs = 3000,
  ) {
    // Started now, so that the first check does not wait for the workers to load their code.
    if (this.script) {
      for (let i = 0; i < size; i++) {
        const slot = { keeps: new Set<string>(), cancel: new Int32Array(new SharedArrayBuffer(4)) } as Slot;
        this.startWorker(slot);
        this.slots.push(slot);
      }
    }
  }

  get available(): boolean {
    return this.script !== undefined;
  }

  /**
   * The checks of one version of a document; undefined when a newer version (or a
   * close) superseded it before it ran or within the grace.
   */
  async check(job: Omit<CheckJob, 'id'>): Promise<CheckResult | undefined> {
    this.supersede(job.uri);
    const m = await this.post({ ...job, id: this.nextId++ }, job.uri);
    if (!m) return undefined;
    if (m.timedOut) return { timedOut: m.timedOut };
    return m.diagnostics
      ? {
          diagnostics: m.diagnostics,
          assembleMs: m.assembleMs ?? 0,
          instructions: m.instructions ?? 0,
          read: m.read ?? [],
        }
      : { error: m.error ?? 'the checks stopped' };
  }

  /**
   * A schedule's parse and lint for one version; undefined when a newer version (or a
   * close) superseded it, as for a program's check.
   */
  async schedLint(job: SchedLintJob['schedLint']): Promise<SchedDiagnostic[] | { error: string } | undefined> {
    this.supersede(job.uri);
    const m = await this.post({ id: this.nextId++, schedLint: job }, job.uri);
    if (!m) return undefined;
    return m.schedDiagnostics ?? { error: m.error ?? m.timedOut ?? 'the schedule lint stopped' };
  }

  /**
   * One schedule layer lowered and checked. Never superseded: the result is kept by the
   * layer's text, so an edit elsewhere in the schedule still wants it.
   */
  async layer(job: LayerJob['layer']): Promise<LayerLoweredChecks | { error: string }> {
    const id = this.nextId++;
    const m = await this.post({ id, layer: job }, `layer:${id}`);
    return m?.layer ?? { error: m?.error ?? m?.timedOut ?? 'the layer checks stopped' };
  }

  private post(job: CheckJob | LayerJob | SchedLintJob, uri: string): Promise<CheckDone | undefined> {
    return new Promise((resolve) => {
      this.queue.push({ job, uri, resolve, queuedAt: performance.now() });
      this.pump();
    });
  }

  /** Drops the queued job of `uri` and stops its running one after the grace: the document changed or closed. */
  supersede(uri: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.uri !== uri) continue;
      this.queue[i]!.resolve(undefined);
      this.queue.splice(i, 1);
    }
    for (const s of this.slots) {
      const p = s.running;
      if (!p || p.uri !== uri || p.stale) continue;
      p.stale = true;
      // Stopped at the job's next checkpoint; the grace only ends a job that reaches none.
      Atomics.store(s.cancel, 0, p.job.id);
      if (p.startedAt !== undefined) this.startGrace(s, p);
    }
  }

  /**
   * Terminates the worker of a superseded job that has run `graceMs` without reaching a
   * checkpoint. Counted from the job's start in the worker: a fresh worker still loading
   * its code (a second or more on a busy machine) reaches the job's first checkpoint at
   * once, and terminating it would only make it load again.
   */
  private startGrace(s: Slot, p: Pending): void {
    const ran = performance.now() - p.startedAt!;
    s.graceTimer = setTimeout(
      () => {
        if (s.running !== p) return;
        this.onLog(
          `vta: stopped the checks of ${p.uri} (version ${'version' in p.job ? p.job.version : '?'}): the document changed`,
        );
        this.replace(s);
        p.resolve(undefined);
        this.pump();
      },
      Math.max(0, this.graceMs - ran),
    );
  }

  /** The document was closed: nothing of it is kept any more. */
  forget(uri: string): void {
    this.supersede(uri);
    for (const s of this.slots) {
      if (!s.keeps.delete(uri)) continue;
      const m: ForgetJob = { forget: uri };
      s.worker.postMessage(m);
    }
  }

  private pump(): void {
    for (;;) {
      // A document's superseded job does not hold back its newer one: with two workers that starts on the other.
      const busy = new Set(this.slots.map((s) => (s.running && !s.running.stale ? s.running.uri : undefined)));
      // Newest first, unless an older one has waited too long (see the top of this file).
      let i = this.queue.length - 1;
      while (i >= 0 && busy.has(this.queue[i]!.uri)) i--;
      const oldest = this.queue.findIndex((q) => !busy.has(q.uri));
      if (oldest >= 0 && performance.now() - this.queue[oldest]!.queuedAt > MAX_WAIT_MS) i = oldest;
      if (i < 0) {
        if (!this.queue.length) for (const s of this.slots) if (s.grown && !s.running) this.recycleWhenIdle(s);
        return;
      }
      const p = this.queue[i]!;
      const free = this.slots.filter((s) => !s.running);
      if (!free.length) return;
      const slot = free.find((s) => s.keeps.has(p.uri)) ?? free[0]!;
      this.queue.splice(i, 1);
      // A grown worker only serves the whole-program tier of the program it keeps;
      // anything else goes to a fresh one (a grown heap ran a 120,000-instruction
      // program's next version out of memory).
      if (slot.grown && !('tier' in p.job && p.job.tier === 'all' && slot.keeps.has(p.uri))) this.replace(slot);
      clearTimeout(slot.recycleTimer);
      slot.running = p;
      p.postedAt = performance.now();
      if ('tier' in p.job) {
        for (const s of this.slots) s.keeps.delete(p.uri);
        if (p.job.tier === 'first') slot.keeps.add(p.uri);
      }
      slot.worker.postMessage(p.job);
    }
  }

  /** Replaces a grown worker after RECYCLE_IDLE_MS with no job (a job posted meanwhile clears the timer). */
  private recycleWhenIdle(s: Slot): void {
    clearTimeout(s.recycleTimer);
    s.recycleTimer = setTimeout(() => {
      if (s.grown && !s.running) this.replace(s);
    }, RECYCLE_IDLE_MS);
    s.recycleTimer.unref();
  }

  /** Terminates a slot's worker and puts a fresh one in its place. */
  private replace(s: Slot): void {
    s.grown = false;
    clearTimeout(s.recycleTimer);
    clearTimeout(s.graceTimer);
    clearTimeout(s.budgetTimer);
    void s.worker.terminate();
    s.running = undefined;
    s.keeps.clear();
    this.startWorker(s);
  }

  /** Puts a new worker in `slot`; messages of the worker it replaces are ignored from now on. */
  private startWorker(slot: Slot): void {
    Atomics.store(slot.cancel, 0, 0);
    const w = new Worker(this.script!, {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      workerData: {
        cancel: slot.cancel.buffer as SharedArrayBuffer,
        collectAboveMb: COLLECT_HEAP_MB,
      } satisfies CheckWorkerData,
    });
    slot.worker = w;
    // The warm-up runs before any job posted later; its answer is ignored (no job has id 0).
    w.postMessage({ ...WARM_UP, id: 0 } satisfies CheckJob);
    w.on('message', (m: CheckDone) => {
      if (slot.worker !== w) return;
      const p = slot.running;
      if (!p || p.job.id !== m.id) return;
      if (m.started) {
        p.startedAt = performance.now();
        if (p.stale) this.startGrace(slot, p);
        // The budget runs from the start of the job, not from a fresh worker's loading.
        const budget = budgetOf(p.job);
        slot.budgetTimer = setTimeout(() => {
          if (slot.running !== p) return;
          this.replace(slot);
          p.resolve({
            id: p.job.id,
            timedOut: `the checks of this version took more than ${(budget / 1000).toFixed(0)} s and were cut short (loops or transfers too large to check while typing?)`,
          });
          this.pump();
        }, budget);
        return;
      }
      clearTimeout(slot.graceTimer);
      clearTimeout(slot.budgetTimer);
      slot.running = undefined;
      slot.grown = (m.heapMb ?? 0) > RECYCLE_HEAP_MB;
      if (m.cancelled) {
        p.resolve(undefined); // superseded (see supersede)
        this.pump();
        return;
      }
      if (m.error) this.onLog(`vta: checks of ${p.uri} failed: ${m.error}`);
      p.resolve(m.error ? { ...m, error: `the checks stopped: ${m.error.split('\n')[0]}` } : m);
      this.pump();
    });
    w.on('error', (e) => {
      if (slot.worker !== w) return;
      const p = slot.running;
      const oom = (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      if (!oom) this.onLog(`vta: the checks worker stopped: ${e.stack ?? e}`);
      this.replace(slot);
      p?.resolve({
        id: p.job.id,
        error: oom
          ? `the checks of this program need more than ${WORKER_HEAP_MB} MB of memory; they were stopped`
          : `the checks stopped: ${e.message}`,
      });
      this.pump();
    });
    // Never keeps the server alive on its own (after the listeners: adding one refs the worker again).
    w.unref();
  }
}
